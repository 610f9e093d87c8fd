"""Stored-query answers kept while the store stays the same (issue 15: serving a national corpus).

The graph is read-only, so a stored query with the same parameters has one answer per version of the
store. Corpus-wide questions (themes across every town, SDG coverage, the document list) read millions
of quads and take seconds at 10 M quads; the second asker gets the answer the first one paid for.

* The key is everything the answer depends on: the store's version (its files' identity, or the
  configured ``DATASET_VERSION``), the query's name and text, the typed parameter terms and the label
  language. A store without a version (a remote endpoint nobody gave one) is never cached: its data may
  change under us.
* Bounded by cells (rows × columns, ``API_ANSWER_CACHE_CELLS``, 500,000 by default: a cell is a
  pyoxigraph term of some 100-200 bytes; 0 turns it off), least recently used first out. An answer larger
  than a quarter of the bound is not kept (the API's largest, 10,000 rows of a dozen columns, fits).
  A refusal for size (413: more rows than ``API_MAX_ROWS``, or bytes) is kept like an answer: it is
  the same for every asker while the store and the settings stay (at 10 M quads a town-less goal cascade
  took 18 s to find its 10,001st row). Time limits (503) and other errors are never kept.
* One per app, in each worker process: nothing is shared or written to disk.
* One computation per answer: who asks for an answer that is being computed (a burst of readers of one
  comparison page, or the start-up preparation of :mod:`server.api.prepare`) waits for it, for at most
  the query time limit, instead of running the same query beside it.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app

from kuntakg.queries import StoredQuery

from ..state import endpoint

KEY = "kuntakg_answers"


@dataclass(frozen=True)
class Refusal:
    """An answer that is an error, the same for every asker of this store (413: over a size bound)."""
    status: int
    message: str


# columns and rows (pyoxigraph terms, which are immutable, or None), or a refusal
Answer = tuple[list[str], list[list]] | Refusal


@dataclass
class Answers:
    max_cells: int
    _kept: OrderedDict[str, tuple[Answer, int]] = field(default_factory=OrderedDict)
    _cells: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: dict[str, threading.Event] = field(default_factory=dict)
    prepared: threading.Event = field(default_factory=threading.Event)  # set by server.api.prepare

    def get(self, key: str) -> Answer | None:
        with self._lock:
            return self._hit(key)

    def _hit(self, key: str) -> Answer | None:
        """The kept answer, now the most recently used (the caller holds the lock)."""
        hit = self._kept.get(key)
        if hit is None:
            return None
        self._kept.move_to_end(key)
        return hit[0]

    def put(self, key: str, answer: Answer) -> None:
        cells = 1 if isinstance(answer, Refusal) else max(1, len(answer[1]) * max(1, len(answer[0])))
        if cells * 4 > self.max_cells:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = (answer, cells)
            self._cells += cells
            while self._cells > self.max_cells:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._cells -= dropped

    def get_or_compute(self, key: str, compute: Callable[[], Answer], wait: float) -> tuple[Answer, bool]:
        """The kept answer (and True), or the one computed now (and False). While another thread computes
        the same key this one waits for it (at most ``wait`` seconds) and takes its answer; if that one
        failed or was too large to keep, this one computes its own. ``compute``'s errors (an HTTP 503 at
        the time limit) reach the caller and nothing is kept."""
        with self._lock:
            found = self._hit(key)
            if found is not None:
                return found, True
            running = self._pending.get(key)
            if running is None:
                running = self._pending[key] = threading.Event()
                owner = True
            else:
                owner = False
        if not owner:
            running.wait(wait)
            found = self.get(key)
            return (found, True) if found is not None else (compute(), False)
        try:
            answer = compute()
            self.put(key, answer)
            return answer, False
        finally:
            with self._lock:
                del self._pending[key]
            running.set()

    def __len__(self) -> int:
        return len(self._kept)


def answers() -> Answers | None:
    """The app's answer store; None when the store has no version or the bound is 0."""
    if not endpoint().backend.version or int(current_app.config["API_ANSWER_CACHE_CELLS"]) <= 0:
        return None
    kept = current_app.extensions.get(KEY)
    if kept is None:
        kept = current_app.extensions[KEY] = Answers(int(current_app.config["API_ANSWER_CACHE_CELLS"]))
    return kept


def answer_key(query: StoredQuery, bindings: Mapping[ox.Variable, ox.NamedNode | ox.Literal], lang: str,
               page: int = 1) -> str | None:
    """What an answer depends on, as a digest; None when the store has no version."""
    version = endpoint().backend.version
    if not version:
        return None
    parts = [version, query.name, query.text, query.oxigraph_text or "", lang]
    if query.page_size is not None:
        parts.append("page=%d/%d" % (page, query.page_size))
    parts += sorted("%s=%s" % (variable, term) for variable, term in bindings.items())
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
