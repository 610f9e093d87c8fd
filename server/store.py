"""Query backends behind one small interface.

A backend answers :class:`QueryRequest` with a :class:`QueryResult` whose body
is already serialised in the negotiated media type, so the web layer (and the
worker processes of :mod:`server.worker`) only move bytes.  Failures raise
:class:`QueryError` with the HTTP status to answer.

* :class:`OxigraphBackend` — embedded in-memory pyoxigraph store loaded from a
  TriG / N-Quads dump (default).
* :class:`OxigraphReadOnlyBackend` — read-only open of an on-disk Oxigraph
  store; every worker process opens its own handle.
* :class:`RemoteBackend` — any SPARQL 1.1 endpoint over HTTP.
* :class:`RdflibBackend` — rdflib's in-memory Dataset, the reference for
  differential tests (slow; never for production).

Every backend returns its results through pyoxigraph's serialisers, so the
four backends produce byte-for-byte the same formats.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable, cast

import pyoxigraph as ox

from . import formats

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


class OxigraphBackend(Backend):
    name = "oxigraph"

    def __init__(self, data_path: str | os.PathLike | None = None, union: bool = True,
                 store: ox.Store | None = None, version: str | None = None):
        self.union = union
        if store is not None:
            self.store = store
            self.version = version or "custom"
            self.last_modified = datetime.now(timezone.utc).replace(microsecond=0)
            return
        path = Path(data_path)
        fmt = RDF_SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise ValueError("cannot tell the RDF format of %s (expected .trig, .nq, .ttl or .nt)" % path)
        data = path.read_bytes()
        self.store = ox.Store()
        self.store.load(input=data, format=fmt)
        self.version = version or hashlib.sha256(data).hexdigest()[:20]
        self.last_modified = datetime.fromtimestamp(int(path.stat().st_mtime), timezone.utc)

    def _query(self, store: ox.Store, req: QueryRequest):
        kw = {}
        try:
            if req.has_dataset:
                kw["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs or []]
                kw["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs or []]
            elif not req.query_dataset:  # pyoxigraph would ignore FROM under the union option
                kw["use_default_graph_as_union"] = self.union
        except ValueError as e:
            raise QueryError(400, "invalid graph IRI: %s" % e) from None
        try:
            if req.substitutions:
                kw["substitutions"] = req.substitutions
            return store.query(req.query, base_iri=req.base_iri, **kw)
        except SyntaxError as e:
            raise QueryError(400, "SPARQL syntax error: %s" % e) from None
        except ValueError as e:
            raise QueryError(400, "invalid query: %s" % e) from None

    def execute(self, req: QueryRequest) -> QueryResult:
        results = self._query(self.store, req)
        try:
            return _serialize(results, req)
        except QueryError:
            raise
        except (OSError, RuntimeError, ValueError) as e:  # evaluation errors surface lazily
            raise QueryError(500, "query evaluation failed: %s" % e) from None

    def __len__(self):
        return len(self.store)


class OxigraphReadOnlyBackend(OxigraphBackend):
    """``Store.read_only(path)``: each process opens its own handle (after fork)."""

    name = "oxigraph-readonly"

    def __init__(self, store_path, union: bool = True, version: str | None = None, dump=None):
        self.path = Path(store_path)
        if dump is not None:
            ensure_store(self.path, Path(dump))
        if not self.path.is_dir():
            raise ValueError("%s is not an Oxigraph store directory" % self.path)
        self.union = union
        files = sorted(p for p in self.path.iterdir() if p.is_file())
        v, self.last_modified = _file_version(files)
        self.version = version or v
        self._store = None
        self._pid = None
        self._inherited: list = []

    @property
    def store(self):
        if self._store is None or self._pid != os.getpid():
            if self._store is not None:
                self._inherited.append(self._store)  # opened by the parent process: keep, never close
            self._store = ox.Store.read_only(str(self.path))
            self._pid = os.getpid()
        return self._store

    def after_fork(self):
        # Never drop a handle inherited from the parent: its RocksDB background threads do not
        # exist in this process, and closing it could wait for them forever.  Keep it referenced.
        if self._store is not None:
            self._inherited.append(self._store)
        self._store = None


def ensure_store(path: Path, dump: Path) -> str:
    """Make `path` a sound on-disk Oxigraph store of `dump`: "ok" when it opens and holds the dump's
    quad count (manifest.json beside the dump), else "rebuilt" from the dump into a temporary
    directory beside it and swapped in. A lock file keeps two starting servers from rebuilding at
    once; the second finds the first one's store sound."""
    import fcntl
    import logging
    import shutil
    import tempfile

    log = logging.getLogger("server.store")
    if not dump.is_file():
        raise ValueError("no dump to rebuild the store from: %s" % dump)
    expected = _manifest_quads(dump)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / (".%s.lock" % path.name), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        problem = _store_problem(path, expected)
        if problem is None:
            return "ok"
        log.warning("on-disk store %s: %s; rebuilding it from %s", path, problem, dump)
        staging = Path(tempfile.mkdtemp(prefix=".%s-" % path.name, dir=path.parent))
        try:
            store = ox.Store(str(staging))
            store.bulk_load(path=str(dump), format=RDF_SUFFIXES[dump.suffix])
            store.flush()
            del store
            if path.exists():
                damaged = path.with_name("%s.damaged-%d" % (path.name, time.time_ns()))
                path.rename(damaged)  # kept for inspection, out of the way
                shutil.rmtree(damaged, ignore_errors=True)
            staging.rename(path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.warning("on-disk store %s rebuilt from %s", path, dump)
        return "rebuilt"


def _manifest_quads(dump: Path) -> int | None:
    import json

    manifest = dump.with_name("manifest.json")
    if manifest.is_file():
        try:
            return int(json.loads(manifest.read_text(encoding="utf-8"))["quads"])
        except (ValueError, KeyError, TypeError):
            return None
    return None


def _store_problem(path: Path, expected: int | None) -> str | None:
    if not path.is_dir():
        return "missing"
    try:
        store = ox.Store.read_only(str(path))
        count = len(store)
        list(store.named_graphs())
    except (OSError, RuntimeError, ValueError) as exc:
        return "cannot be read (%s)" % str(exc)[:200]
    if expected is not None and count != expected:
        return "holds %d quads, the dump %d" % (count, expected)
    return None


class RemoteBackend(Backend):
    """Any SPARQL 1.1 endpoint.  Results are fetched as SPARQL JSON / N-Triples and
    re-serialised with pyoxigraph, so every format we offer works whatever the remote
    supports.  The remote's default graph should be the union of its named graphs."""

    name = "remote"
    isolation = "thread"

    def __init__(self, endpoint: str, version: str | None = None, union: bool = True):
        parts = urllib.parse.urlsplit(endpoint or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("REMOTE_ENDPOINT must be an http(s) URL, got %r" % endpoint)
        self.endpoint = endpoint
        self.version = version  # unknown unless configured: no ETags
        self.last_modified = None
        self.union = union
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def execute(self, req: QueryRequest) -> QueryResult:
        deadline = time.monotonic() + req.timeout
        graph = formats.is_graph_form(req.form)
        query = req.query
        if req.base_iri:
            query = "BASE <%s>\n%s" % (req.base_iri, query)
        params = [("query", query)]
        dgs, ngs = req.default_graphs or [], req.named_graphs or []
        if not req.has_dataset and req.query_dataset and req.from_graphs:
            # a union-default-graph server may ignore FROM (Oxigraph does): send the query's
            # own dataset as protocol parameters, which every endpoint must honour
            dgs, ngs = req.from_graphs
        params += [("default-graph-uri", g) for g in dgs]
        params += [("named-graph-uri", g) for g in ngs]
        body = urllib.parse.urlencode(params).encode()
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        r = urllib.request.Request(self.endpoint, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept,
            "User-Agent": "kuntakg-endpoint"})
        try:
            with self._opener.open(r, timeout=req.timeout) as resp:
                ctype = resp.headers.get_content_type()
                data = bytearray()
                while True:
                    if time.monotonic() > deadline:
                        raise QueryError(503, "query exceeded the time limit of %g s" % req.timeout)
                    chunk = resp.read(65536)
                    if not chunk:
                        break
                    data += chunk
                    if len(data) > req.max_bytes * 2:
                        raise too_large("bytes", req.max_bytes)
        except urllib.error.HTTPError as e:
            text = e.read(4096).decode("utf-8", "replace").strip()
            if e.code == 400:
                raise QueryError(400, "SPARQL syntax error: %s" % text) from None
            raise QueryError(502, "remote endpoint answered HTTP %d: %s" % (e.code, text[:300])) from None
        except TimeoutError:
            raise QueryError(503, "query exceeded the time limit of %g s" % req.timeout) from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise QueryError(503, "query exceeded the time limit of %g s" % req.timeout) from None
            raise QueryError(502, "remote endpoint unreachable: %s" % e.reason) from None
        try:
            return _reserialize(bytes(data), ctype, req)
        except (SyntaxError, ValueError, OSError) as e:
            # e.g. Oxigraph's server answers 200 and cuts the body off at its own --timeout-s
            raise QueryError(502, "the remote endpoint sent a malformed or cut-off result: %s" % e) from None


def _reserialize(data: bytes, ctype: str, req: QueryRequest) -> QueryResult:
    """Parse a result document and serialise it again in the requested media type."""
    if ctype in ("application/sparql-results+json", "application/json", "application/sparql-results+xml",
                 "application/xml", "text/xml"):
        fmt = ox.QueryResultsFormat.JSON if "json" in ctype else ox.QueryResultsFormat.XML
        results = ox.parse_query_results(input=data, format=fmt)
        if isinstance(results, ox.QuerySolutions):
            n = sum(1 for _ in ox.parse_query_results(input=data, format=fmt))
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
    fmt = formats.GRAPH_TYPES[media][0]
    result = _write(lambda out: ox.serialize(triples, out, fmt), req, media, "triples", [])
    result.rows = len(triples)
    return result


class RdflibBackend(Backend):
    """rdflib in-memory Dataset: the reference backend for differential tests."""

    name = "rdflib"

    def __init__(self, data_path, union: bool = True):
        import rdflib
        import rdflib.plugins.sparql as rsparql

        rsparql.SPARQL_LOAD_GRAPHS = False  # FROM <url> must never fetch anything
        self.rdflib = rdflib
        path = Path(data_path)
        fmt = {".trig": "trig", ".nq": "nquads", ".nquads": "nquads", ".ttl": "turtle", ".nt": "nt"}.get(
            path.suffix.lower())
        if fmt is None:
            raise ValueError("cannot tell the RDF format of %s" % path)
        data = path.read_bytes()
        self.union = union
        self.ds = rdflib.Dataset(default_union=union)
        self.ds.parse(data=data, format=fmt)
        self.version = hashlib.sha256(data).hexdigest()[:20]
        self.last_modified = datetime.fromtimestamp(int(path.stat().st_mtime), timezone.utc)

    def _dataset(self, req: QueryRequest):
        if not req.has_dataset:
            return self.ds
        rdflib = self.rdflib
        ds = rdflib.Dataset(default_union=False)
        try:
            for g in req.default_graphs or []:
                for t in self.ds.get_context(rdflib.URIRef(g)).triples((None, None, None)):
                    ds.default_graph.add(t)
            for g in req.named_graphs or []:
                src = self.ds.get_context(rdflib.URIRef(g))
                target = ds.graph(rdflib.URIRef(g))
                for t in src.triples((None, None, None)):
                    target.add(t)
        except Exception as e:  # noqa: BLE001 - bad IRIs
            raise QueryError(400, "invalid graph IRI: %s" % e) from None
        return ds

    def execute(self, req: QueryRequest) -> QueryResult:
        from pyparsing import ParseException

        ds = self._dataset(req)
        try:
            result = ds.query(req.query, base=req.base_iri)
        except ParseException as e:
            raise QueryError(400, "SPARQL syntax error: %s" % e) from None
        except Exception as e:  # noqa: BLE001
            raise QueryError(400, "query failed: %s" % e) from None
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            data = result.graph.serialize(format="nt", encoding="utf-8")
            return _reserialize(data, "application/n-triples", req)
        buf = io.BytesIO()
        result.serialize(buf, format="json")
        return _reserialize(buf.getvalue(), "application/sparql-results+json", req)


def open_backend(config) -> Backend:
    """Build the backend named by ``config["STORE"]``."""
    kind = config.get("STORE", "oxigraph")
    union = bool(config.get("UNION_DEFAULT_GRAPH", True))
    version = config.get("DATASET_VERSION")
    if kind == "oxigraph":
        return OxigraphBackend(config["KUNTAKG_DATA"], union=union, version=version)
    if kind == "oxigraph-readonly":
        return OxigraphReadOnlyBackend(config["KUNTAKG_DATA"], union=union, version=version,
                                       dump=config.get("STORE_DUMP"))
    if kind == "remote":
        return RemoteBackend(config.get("REMOTE_ENDPOINT"), version=version, union=union)
    if kind == "rdflib":
        return RdflibBackend(config["KUNTAKG_DATA"], union=union)
    raise ValueError("unknown STORE %r (expected oxigraph, oxigraph-readonly, remote or rdflib)" % kind)
