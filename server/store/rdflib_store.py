"""rdflib's in-memory Dataset: the reference backend for differential tests (slow; never for production)."""
from __future__ import annotations

import hashlib
import io
from datetime import datetime, timezone
from pathlib import Path

from .base import Backend, QueryError, QueryRequest, QueryResult, _reserialize


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
