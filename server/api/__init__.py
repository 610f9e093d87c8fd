"""The stored-query API (``/api/queries``, OpenAPI, ``/api/docs``) and ``/compare``."""
from __future__ import annotations

from flask import Flask

from .. import registry
from . import compare, queries

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Load queries/*.rq once (a bad header stops the start-up) and register the blueprints."""
    registry.init_app(app)
    app.register_blueprint(queries.bp)
    app.register_blueprint(compare.bp)
