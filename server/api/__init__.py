"""The stored-query API (``/api/queries``, OpenAPI, ``/api/docs``) and ``/compare``."""
from __future__ import annotations

from .queries import init_app

__all__ = ["init_app"]
