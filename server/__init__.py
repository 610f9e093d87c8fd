"""Kunta-KG web application (Flask).

``create_app(config)`` builds the app: it loads the store named by the config
(see :mod:`server.config` for every key and its default), starts the query
workers and registers the blueprints.  Nothing is built at import time.

    gunicorn 'server:create_app()'                  # production, see Makefile `serve`
    kuntakg serve --data dist/kuntakg.trig          # one-command default (werkzeug, threaded)
"""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(config: dict | None = None):
    """Application factory.

    ``config`` overrides the defaults of :data:`server.config.DEFAULTS` and the
    ``KUNTAKG_*`` environment variables.  Besides the documented keys it accepts
    ``BACKEND``: an already built :class:`server.store.Backend` (tests, benchmarks).
    """
    from flask import Flask
    from werkzeug.exceptions import HTTPException

    from . import sparql
    from .config import DEFAULTS
    from .store import open_backend
    from .worker import ProcessPool, ThreadRunner

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("KUNTAKG")
    if "DATA" in app.config:  # KUNTAKG_DATA in the environment arrives as DATA
        app.config["KUNTAKG_DATA"] = app.config.pop("DATA")
    if config:
        app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_REQUEST_BYTES"])
    app.config["MAX_FORM_MEMORY_SIZE"] = int(app.config["MAX_REQUEST_BYTES"])

    backend = app.config.get("BACKEND") or open_backend(app.config)
    isolation = app.config.get("ISOLATION") or backend.isolation
    if isolation == "process":
        runner = ProcessPool.from_config(backend, app.config)
        if app.config["QUERY_POOL_START"] != "lazy":
            runner.start()
    elif isolation == "thread":
        runner = ThreadRunner(backend)
    else:
        raise ValueError("ISOLATION must be 'process' or 'thread', not %r" % isolation)
    app.extensions["kuntakg"] = sparql.Endpoint(backend, runner)

    app.register_blueprint(sparql.bp)
    from . import api
    api.init_app(app)  # issue 7: stored queries (/api/queries, /api/openapi.json, /api/docs) and /compare
    from . import site
    site.init_app(app)  # issue 6: IRIs under LD_BASE, pages, /query, /.well-known/void, /downloads
    app.register_error_handler(HTTPException, sparql.handle_http_error)
    app.register_error_handler(Exception, sparql.handle_exception)
    from . import headers
    headers.init_app(app)  # issue 8: CSP, nosniff, framing and referrer policy on every response
    return app
