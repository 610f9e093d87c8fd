"""What every query backend shares: the request, the result, the error and the interface.

A backend answers :class:`QueryRequest` with a :class:`QueryResult` whose body
is already serialised in the negotiated media type, so the web layer (and the
worker processes of :mod:`server.sparql.worker`) only move bytes.  Failures raise
:class:`QueryError` with the HTTP status to answer.  Every backend returns its
results through pyoxigraph's serialisers (:func:`serialize`), so the backends
produce byte-for-byte the same formats.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, BinaryIO, cast

import pyoxigraph as ox

from .. import media as formats

RDF_SUFFIXES = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS,
                ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


@dataclass
class QueryRequest:
    query: str
    form: str | None                    # SELECT / ASK / CONSTRUCT / DESCRIBE (from the guard)
    media_type: str                     # negotiated result media type
    base_iri: str | None = None
    default_graphs: list[str] | None = None   # protocol default-graph-uri (None: not given)
    named_graphs: list[str] | None = None     # protocol named-graph-uri (None: not given)
    max_rows: int = 1_000_000
    max_bytes: int = 256 * 1024 * 1024
    timeout: float = 30.0
    query_dataset: bool = False         # the query has FROM / FROM NAMED (then no union default graph)
    from_graphs: tuple | None = None    # (FROM IRIs, FROM NAMED IRIs) when all could be read
    substitutions: dict | None = None   # {ox.Variable: term} bound before evaluation (stored queries)
    spool_after: int | None = None      # results larger than this go to a temporary file (None: never)

    @property
    def has_dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass
class QueryResult:
    body: bytes
    media_type: str
    rows: int                           # -1: not counted (see formats.count_rows)
    kind: str = "solutions"             # solutions | boolean | triples
    spool: BinaryIO | None = None       # a large result: in this file from offset 0 (body is b"")

    @property
    def size(self) -> int:
        return len(self.body) if self.spool is None else os.fstat(self.spool.fileno()).st_size


class QueryError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(status, message)
        self.status = status
        self.message = message

    def __str__(self):
        return self.message


SPOOL_CHUNK = 1 << 20  # bytes counted and written to the spool file at a time


class ResultWriter:
    """File-like sink for pyoxigraph serialisers.

    Refuses to grow past ``limit`` bytes (OverflowError: the caller answers 413 before anything
    is sent), counts result rows as the bytes go by (:class:`formats.RowCounter`), and once the
    result is larger than ``spool_after`` bytes moves it to an anonymous temporary file, so that
    a large result is held neither by the worker nor by the web process that sends it on."""

    def __init__(self, limit: int, counter: formats.RowCounter, spool_after: int | None = None):
        self.limit, self.counter, self.spool_after = limit, counter, spool_after
        self.size = 0
        self.pending = bytearray()   # not yet counted
        self.body = bytearray()      # counted, kept in memory (until spooled)
        self.file: BinaryIO | None = None

    def write(self, data: bytes | bytearray | memoryview) -> int:
        n = len(data)
        self.size += n
        if self.size > self.limit:
            raise OverflowError
        self.pending += data
        if len(self.pending) >= SPOOL_CHUNK:
            self._move()
        return n

    def flush(self) -> None:
        pass

    def _move(self) -> None:
        self.counter.feed(self.pending)
        try:
            if self.file is None and self.spool_after is not None and self.size > self.spool_after:
                self.file = cast(BinaryIO, tempfile.TemporaryFile(prefix="kuntakg-result-"))
                self.file.write(self.body)
                self.body = bytearray()
            if self.file is not None:
                self.file.write(self.pending)
        except OSError as e:  # e.g. no space left in TMPDIR
            raise QueryError(503, "no room to stage this result now (%s); try again later, or add LIMIT"
                             % (e.strerror or type(e).__name__)) from None
        if self.file is None:
            self.body += self.pending
        self.pending.clear()

    def finish(self) -> tuple[bytes, BinaryIO | None]:
        """(body, None) for a result kept in memory, (b"", file at offset 0) for a spooled one."""
        self._move()
        if self.file is None:
            return bytes(self.body), None
        try:
            self.file.flush()
            self.file.seek(0)
        except OSError as e:
            raise QueryError(503, "no room to stage this result now (%s); try again later, or add LIMIT"
                             % (e.strerror or type(e).__name__)) from None
        return b"", self.file

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()


def too_large(what: str, limit: int) -> QueryError:
    return QueryError(413, "result too large: more than %s %s (add LIMIT, or narrow the query)" % (
        format(limit, ","), what))


def _serialize(results, req: QueryRequest) -> QueryResult:
    """Serialise pyoxigraph results (from a store or parsed) in the requested media type."""
    if isinstance(results, ox.QueryBoolean):
        kind = "boolean"
    elif isinstance(results, ox.QuerySolutions):
        kind = "solutions"
    else:
        kind = "triples"
    media = req.media_type
    table = formats.GRAPH_TYPES if kind == "triples" else formats.RESULT_TYPES
    if media not in table:  # the guard guessed the form wrong: answer the form's default
        media = next(iter(table))
    fmt = table[media][0]
    variables = [v.value for v in results.variables] if kind == "solutions" else []
    return _write(lambda out: results.serialize(out, fmt), req, media, kind, variables)


def _write(serialize: Callable[[ResultWriter], object], req: QueryRequest, media: str, kind: str,
           variables: list[str]) -> QueryResult:
    writer = ResultWriter(req.max_bytes, formats.RowCounter(media, kind, variables), req.spool_after)
    try:
        serialize(writer)
        body, spool = writer.finish()
    except OverflowError:
        writer.discard()
        raise too_large("bytes", req.max_bytes) from None
    except BaseException:
        writer.discard()
        raise
    rows = writer.counter.total()
    if rows > req.max_rows:
        if spool is not None:
            spool.close()
        raise too_large("rows" if kind != "triples" else "triples", req.max_rows)
    return QueryResult(body, media, rows, kind, spool=spool)


def _file_version(paths) -> tuple[str, datetime]:
    h = hashlib.sha256()
    newest = 0.0
    for p in paths:
        st = p.stat()
        h.update(("%s %d %d\n" % (p.name, st.st_size, st.st_mtime_ns)).encode())
        newest = max(newest, st.st_mtime)
    return h.hexdigest()[:20], datetime.fromtimestamp(int(newest), timezone.utc)



class Backend:
    """Interface: ``name``, ``version`` (None: no ETags), ``last_modified``,
    ``union`` (default graph is the union of named graphs), ``execute(req)``,
    ``after_fork()`` (called in each worker process)."""

    name = "abstract"
    version: str | None = None
    last_modified: datetime | None = None
    union = True
    isolation = "process"

    def execute(self, req: QueryRequest) -> QueryResult:  # pragma: no cover - interface
        raise NotImplementedError

    def after_fork(self) -> None:
        pass

    def close(self) -> None:
        pass


def _reserialize(data: bytes, ctype: str, req: QueryRequest) -> QueryResult:
    """Parse a result document and serialise it again in the requested media type."""
    if ctype in ("application/sparql-results+json", "application/json", "application/sparql-results+xml",
                 "application/xml", "text/xml"):
        fmt = ox.QueryResultsFormat.JSON if "json" in ctype else ox.QueryResultsFormat.XML
        results = ox.parse_query_results(input=data, format=fmt)
        again = ox.parse_query_results(input=data, format=fmt)
        if isinstance(again, ox.QuerySolutions):
            n = 0
            for _ in again:
                n += 1
            if n > req.max_rows:
                raise too_large("rows", req.max_rows)
        return _serialize(results, req)
    rdf_fmt = ox.RdfFormat.from_media_type(ctype)
    if rdf_fmt is None:
        raise QueryError(502, "remote endpoint answered with unsupported type %s" % ctype)
    triples = [q.triple for q in ox.parse(input=data, format=rdf_fmt)]
    if len(triples) > req.max_rows:
        raise too_large("triples", req.max_rows)
    media = req.media_type if req.media_type in formats.GRAPH_TYPES else "text/turtle"
    rdf_out = formats.GRAPH_TYPES[media][0]
    result = _write(lambda out: ox.serialize(triples, cast(IO[bytes], out), rdf_out), req, media, "triples", [])
    result.rows = len(triples)
    return result

