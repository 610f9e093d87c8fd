"""Kunta-KG web application (Flask).

``create_app(config)`` builds the app: it reads the settings once (:mod:`server.settings`; the README
has the table), configures logging, loads the store, starts the query workers, registers the error
handlers and response hooks (:mod:`server.response`) and the blueprints.  Nothing is built or read at
import time.  docs/architecture.md draws the packages and what each may import.

    gunicorn 'server:create_app()'                  # production, see Makefile `serve`
    kuntakg serve --data dist/kuntakg.trig          # one-command default (werkzeug, threaded)
"""
from __future__ import annotations

import logging
import sys
from typing import Any

__all__ = ["create_app", "start"]


def configure_logging(level: str) -> None:
    """Log lines of ``server.*`` reach stderr under any WSGI server: ``kuntakg serve`` configures the root
    logger itself; under gunicorn (which only configures its own loggers) the ``server`` logger gets a
    handler of its own."""
    logger = logging.getLogger("server")
    logger.setLevel(level.upper() if isinstance(level, str) else level)
    if logging.getLogger().handlers or any(getattr(h, "_kuntakg", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._kuntakg = True  # type: ignore[attr-defined]
    logger.addHandler(handler)


def create_app(config: dict[str, Any] | None = None):
    """Application factory.

    ``config`` overrides the defaults of :data:`server.settings.DEFAULTS` and the ``KUNTAKG_*``
    environment variables.  Besides the documented keys it accepts ``BACKEND``: an already built
    :class:`server.store.Backend` (tests, benchmarks).
    """
    from flask import Flask

    from . import api, response, settings, site
    from .sparql import protocol
    from .sparql.worker import ProcessPool, ThreadRunner
    from .state import Endpoint
    from .store import open_backend

    app = Flask(__name__, template_folder="site/templates", static_folder="site/static")
    app.config.update(settings.load(config))
    configure_logging(app.config["LOG_LEVEL"])

    backend = app.config.get("BACKEND") or open_backend(app.config)
    isolation = app.config.get("ISOLATION") or backend.isolation
    runner: ProcessPool | ThreadRunner
    if isolation == "process":
        runner = ProcessPool.from_config(backend, app.config)
        if app.config["QUERY_POOL_START"] != "lazy":
            runner.start()  # forked here, before anything else is loaded into this process
    elif isolation == "thread":
        runner = ThreadRunner(backend)
    else:
        raise ValueError("ISOLATION must be 'process' or 'thread', not %r" % isolation)
    app.extensions["kuntakg"] = Endpoint(backend, runner)

    response.init_app(app)  # error handlers, security/CORS headers and the request log, once
    app.register_blueprint(protocol.bp)
    api.init_app(app)  # stored queries (/api/queries, /api/openapi.json, /api/docs) and /compare
    site.init_app(app)  # IRIs under LD_BASE, pages, /query, /.well-known/void, /downloads
    if app.config["QUERY_POOL_START"] != "lazy":
        start(app)  # the pool is up: the preparation of the default answers
    return app


def start(app) -> None:
    """Begin serving in this process: fork the query pool (a process pool; idempotent) and prepare the
    stored queries' default answers (:mod:`server.api.prepare`). ``create_app`` calls it unless
    ``QUERY_POOL_START`` is ``lazy``; ``gunicorn.conf.py`` calls it in each worker's ``post_fork``."""
    from .api import prepare

    app.extensions["kuntakg"].runner.start()
    prepare.start(app)
