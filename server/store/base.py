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
from dataclasses import dataclass
from datetime import datetime, timezone

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

    @property
    def has_dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass
class QueryResult:
    body: bytes
    media_type: str
    rows: int                           # -1: not counted (see formats.count_rows)
    kind: str = "solutions"             # solutions | boolean | triples


class QueryError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(status, message)
        self.status = status
        self.message = message

    def __str__(self):
        return self.message


class BoundedWriter:
    """File-like sink for pyoxigraph serialisers that refuses to grow past a limit."""

    def __init__(self, limit: int):
        self.buf = bytearray()
        self.limit = limit

    def write(self, data) -> int:
        self.buf += data
        if len(self.buf) > self.limit:
            raise OverflowError
        return len(data)

    def flush(self) -> None:
        pass


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
    writer = BoundedWriter(req.max_bytes)
    try:
        results.serialize(writer, fmt)
    except OverflowError:
        raise too_large("bytes", req.max_bytes) from None
    body = bytes(writer.buf)
    variables = [v.value for v in results.variables] if kind == "solutions" else None
    rows = formats.count_rows(body, media, kind, variables)
    if rows > req.max_rows:
        raise too_large("rows" if kind != "triples" else "triples", req.max_rows)
    return QueryResult(body, media, rows, kind)


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
    out = ox.serialize(triples, format=formats.GRAPH_TYPES[media][0]) or b""
    if len(out) > req.max_bytes:
        raise too_large("bytes", req.max_bytes)
    return QueryResult(out, media, len(triples), "triples")

