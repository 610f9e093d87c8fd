"""Stored-query answers prepared when a server starts (issue 15: the first asker of a national corpus).

Kept answers (:mod:`server.api.answers`) make the second asker fast; at 10 M quads the first asker of a
corpus-wide question (SDG coverage, themes across towns, every town's status counts) still waited
seconds. The graph is read-only, so each stored query's answer *with its default parameters* (the one
``/api/queries/<name>`` gives without a query string, and the one the home page, the guide and the
comparison tools link to) can be computed once, before anyone asks:

* when the server starts serving (``server.start``: at app creation, or in gunicorn's ``post_fork``,
  once per worker process, after its query pool), one background thread asks every stored query in
  name order through the API's own road (:func:`server.api.queries.answer`: the same worker pool, time
  limit and row bound as a request) and keeps the answers;
* a request for an answer being prepared waits for it rather than running the query beside it;
* a refusal for size (413: more rows than ``API_MAX_ROWS``, such as a town-less goal cascade of every
  town) is kept like an answer; an answer that fails otherwise (time limit, the store gone) is logged and
  left for the first asker;
* nothing happens when answers are not kept (``API_ANSWER_CACHE_CELLS`` 0, a remote store without
  ``DATASET_VERSION``) or when ``API_PREPARE_ANSWERS`` is false.

It costs one query worker for the time all stored queries take once (about a second over the seeds,
tens of seconds at 10 M quads: bench/README.md).
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from werkzeug.exceptions import HTTPException

from .. import registry
from .answers import answers
from .queries import answer, answer_identity

log = logging.getLogger(__name__)


def start(app: Flask) -> threading.Thread | None:
    """Prepare the default answers in a daemon thread; None when there is nothing to prepare."""
    if not app.config["API_PREPARE_ANSWERS"]:
        return None
    with app.app_context():
        if answers() is None:
            return None
    thread = threading.Thread(target=prepare, args=(app,), name="kuntakg-prepare-answers", daemon=True)
    thread.start()
    return thread


def prepare(app: Flask) -> int:
    """Compute and keep every stored query's answer with its default parameters (or its 413); how many."""
    with app.app_context():
        kept = answers()
        if kept is None:
            return 0
        began = time.perf_counter()
        done = 0
        queries = list(registry.stored_queries().values())
        try:
            for query in queries:
                bindings = query.bind({})
                label_lang, key = answer_identity(query, bindings, None)
                if key is None:
                    continue
                try:
                    answer(query, bindings, label_lang, key)
                except HTTPException as exc:
                    if exc.code != 413:  # a time limit, the pool busy: left for the first asker
                        log.warning("stored query %s: answer not prepared: %s", query.name, exc.description)
                        continue
                    log.info("stored query %s: prepared as a refusal: %s", query.name, exc.description)
                except Exception as exc:  # noqa: BLE001 - the store gone, a bug: the asker will see it
                    log.warning("stored query %s: answer not prepared: %s", query.name, exc)
                    continue
                done += 1
        finally:
            kept.prepared.set()
        log.info("prepared %d of %d stored-query answers in %.1f s", done, len(queries),
                 time.perf_counter() - began)
        return done
