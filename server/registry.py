"""The stored-query registry: ``queries/*.rq`` parsed once, at app creation, by the strict parser.

:func:`kuntakg.queries.load_queries` reads every file and its ``#+`` header (a bad header stops the
start-up, naming the file).  The API (``/api/queries``), ``/compare``, the home page and the query
editor's examples all read this one registry; nothing parses a header per request.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from kuntakg.queries import StoredQuery, load_queries

KEY = "kuntakg_queries"


def init_app(app: Flask) -> None:
    app.extensions[KEY] = load_queries(Path(app.config["QUERIES_DIR"]))


def stored_queries() -> dict[str, StoredQuery]:
    """Every stored query by name (file stem), in name order."""
    return current_app.extensions[KEY]


def editor_text(query: StoredQuery) -> str:
    """The query as the editor shows it: its text without the ``#+`` header lines."""
    return "\n".join(line for line in query.text.splitlines() if not line.startswith("#+")).strip() + "\n"
