"""The embedded pyoxigraph stores: in memory from a dump (default) or a read-only on-disk store."""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .base import RDF_SUFFIXES, Backend, QueryError, QueryRequest, QueryResult, _file_version, _serialize
from .repair import ensure_store


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
        if data_path is None:
            raise ValueError("OxigraphBackend needs a dump to load (or a store)")
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
        kw: dict[str, Any] = {}
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


