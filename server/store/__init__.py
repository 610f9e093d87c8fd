"""Query backends behind one small interface (:class:`Backend`, in :mod:`server.store.base`).

* :class:`OxigraphBackend` — embedded in-memory pyoxigraph store loaded from a
  TriG / N-Quads dump (default).
* :class:`OxigraphReadOnlyBackend` — read-only open of an on-disk Oxigraph
  store; every worker process opens its own handle (:mod:`.repair` rebuilds a
  missing or damaged one from its dump).
* :class:`RemoteBackend` — any SPARQL 1.1 endpoint over HTTP.
* :class:`RdflibBackend` — rdflib's in-memory Dataset, the reference for
  differential tests (slow; never for production).
"""
from __future__ import annotations

from .base import Backend, QueryError, QueryRequest, QueryResult, ResultWriter
from .oxigraph import OxigraphBackend, OxigraphReadOnlyBackend
from .rdflib_store import RdflibBackend
from .remote import RemoteBackend
from .repair import ensure_store

__all__ = ["Backend", "ResultWriter", "QueryError", "QueryRequest", "QueryResult", "OxigraphBackend",
           "OxigraphReadOnlyBackend", "RdflibBackend", "RemoteBackend", "ensure_store", "open_backend"]


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
