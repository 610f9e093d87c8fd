"""The HTTP client of a remote SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, QLever …)."""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

from .. import media as formats
from .base import Backend, QueryError, QueryRequest, QueryResult, _reserialize, too_large


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
