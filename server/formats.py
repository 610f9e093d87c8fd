"""Media types, content negotiation and response bodies of the SPARQL endpoint.

Choosing the result type (:func:`choose_media`) — one rule for every client:

1. The parameters ``format``, ``output`` and ``results`` all ask for a result type (Virtuoso reads
   ``format``, Fuseki ``output``, others ``results``; SPARQLWrapper sends all three, some twice).
   Each value is a short name (``json``, ``xml``, ``csv``, ``tsv``, ``ttl``/``turtle``, ``nt``,
   ``n3``, ``rdf``/``rdf+xml``, ``jsonld``/``json-ld`` …, see ``RESULT_KEYS`` / ``GRAPH_KEYS``), a media
   type, or a comma-separated list of media types (its first type we can produce counts).  Empty values
   are ignored.
2. Values that name the same serialisation are one request, however many and under whichever names.
   A value we cannot produce for the query form → 406 with the supported types; values naming
   different serialisations → 400 naming each parameter and what it names.
3. The ``Accept`` header decides only when it does not accept the parameters' type at all (no
   ``*/*``, no ``type/*``, no exact match with q > 0) and names a type we can produce for the query
   form: then its best type is sent (SPARQLWrapper's ``N3`` with ``Accept: application/n-triples``
   gets N-Triples, as from Oxigraph's server).  Otherwise the parameters' type is sent (a browser's
   ``text/html,…,*/*;q=0.8`` with ``format=csv`` gets CSV).
4. Without format parameters, content negotiation on ``Accept`` (q-values, most specific range wins,
   ties to the server's order); no acceptable type → 406 with the list.

The only module that builds response bodies by hand (JSON errors, the HTML
form, the service description); query results themselves are serialised by
the store (pyoxigraph's serialisers) in :mod:`server.store`.
"""
from __future__ import annotations

import html
import json

import pyoxigraph as ox

QRF = ox.QueryResultsFormat

# media type -> (pyoxigraph format, canonical media type); order = server preference
RESULT_TYPES: dict[str, tuple[QRF, str]] = {
    "application/sparql-results+json": (QRF.JSON, "application/sparql-results+json"),
    "application/sparql-results+xml": (QRF.XML, "application/sparql-results+xml"),
    "text/csv": (QRF.CSV, "text/csv"),
    "text/tab-separated-values": (QRF.TSV, "text/tab-separated-values"),
    "application/json": (QRF.JSON, "application/json"),
    "application/xml": (QRF.XML, "application/xml"),
    "text/xml": (QRF.XML, "text/xml"),
}
GRAPH_TYPES: dict[str, tuple[ox.RdfFormat, str]] = {
    "text/turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "application/ld+json": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    "application/n-quads": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "application/trig": (ox.RdfFormat.TRIG, "application/trig"),
    "text/n3": (ox.RdfFormat.N3, "text/n3"),
    "application/x-turtle": (ox.RdfFormat.TURTLE, "application/x-turtle"),
    "application/json": (ox.RdfFormat.JSON_LD, "application/json"),
    "application/xml": (ox.RdfFormat.RDF_XML, "application/xml"),
}
HTML = "text/html"
SD_TYPES = [t for t in GRAPH_TYPES if t not in ("application/json", "application/xml", "text/n3")] + [HTML]

# `format=` parameter values (for browsers and links)
RESULT_KEYS = {"json": "application/sparql-results+json", "srj": "application/sparql-results+json",
               "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
               "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_KEYS = {"ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
              "ntriples": "application/n-triples", "n-triples": "application/n-triples",
              "nq": "application/n-quads", "nquads": "application/n-quads", "trig": "application/trig",
              "rdf": "application/rdf+xml", "rdfxml": "application/rdf+xml", "xml": "application/rdf+xml",
              "owl": "application/rdf+xml", "jsonld": "application/ld+json", "json-ld": "application/ld+json",
              "json": "application/ld+json", "n3": "text/n3", "rdf+xml": "application/rdf+xml",
              "ld+json": "application/ld+json"}
FORMAT_PARAMS = ("format", "output", "results")

FORMAT_IRIS = {  # W3C formats namespace, for the service description
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/n-quads": "http://www.w3.org/ns/formats/N-Quads",
    "application/trig": "http://www.w3.org/ns/formats/TriG",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "text/n3": "http://www.w3.org/ns/formats/N3",
}


def is_graph_form(form: str | None) -> bool:
    return form in ("CONSTRUCT", "DESCRIBE")


def offers_for(form: str | None) -> list[str]:
    return list(GRAPH_TYPES) if is_graph_form(form) else list(RESULT_TYPES)


def parse_accept(header: str | None) -> list[tuple[str, str, float]]:
    """Accept header -> [(type, subtype, q)]; malformed entries are skipped."""
    out = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        mtype = fields[0].lower()
        if "/" not in mtype:
            continue
        q = 1.0
        for f in fields[1:]:
            k, _, v = f.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        t, _, s = mtype.partition("/")
        out.append((t.strip(), s.strip(), q))
    return out


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """Best offer for an Accept header (quality values, most specific range wins);
    ties go to the earlier offer.  No or empty header: the first offer."""
    if not header or not header.strip():
        return offers[0] if offers else None
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        ot, _, os_ = offer.partition("/")
        spec, q = -1, 0.0
        for t, s, rq in ranges:
            if t == ot and s == os_:
                sp = 2
            elif t == ot and s == "*":
                sp = 1
            elif t == "*" and s == "*":
                sp = 0
            else:
                continue
            if sp > spec:
                spec, q = sp, rq
        if spec >= 0 and q > best_q:
            best, best_q = offer, q
    return best


def media_for_format_param(value: str, form: str | None) -> str | None:
    """The media type a format parameter value names for this query form (None: none we produce).
    A value is a short name, a media type (parameters ignored) or a comma-separated list of them."""
    table = GRAPH_TYPES if is_graph_form(form) else RESULT_TYPES
    keys = GRAPH_KEYS if is_graph_form(form) else RESULT_KEYS
    for part in value.split(","):
        v = part.split(";")[0].strip().lower()
        if v in table:
            return v
        if v in keys:
            return keys[v]
    return None


class FormatChoiceError(ValueError):
    """The request's format parameters cannot be served: ``status`` 400 (they disagree) or 406."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def choose_media(params: list[tuple[str, str]], accept: str | None, form: str | None) -> str:
    """The media type to answer with, by the rule in the module docstring.  ``params`` are the
    request's (name, value) pairs of ``FORMAT_PARAMS`` in request order."""
    offers = offers_for(form)
    what = form or "SPARQL"
    named: list[tuple[str, str, str]] = []
    for name, value in params:
        if not value.strip():
            continue
        media = media_for_format_param(value, form)
        if media is None:
            raise FormatChoiceError(406, "unknown %s=%s for a %s query; supported: %s"
                                    % (name, value[:100], what, ", ".join(offers)))
        named.append((name, value, media))
    if not named:
        chosen = negotiate(accept, offers)
        if chosen is None:
            raise FormatChoiceError(406, "none of the accepted types can be produced for a %s query; "
                                         "supported: %s" % (what, ", ".join(offers)))
        return chosen
    table: dict = GRAPH_TYPES if is_graph_form(form) else RESULT_TYPES
    if len({table[m][0] for _, _, m in named}) > 1:
        raise FormatChoiceError(400, "the format parameters disagree: %s; send one result type (the same "
                                     "one under each name)" % ", ".join(
                                         "%s=%s names %s" % (n, v[:100], m) for n, v, m in named))
    media = named[0][2]
    if negotiate(accept, [media]) is None:  # Accept rules the parameters' type out
        preferred = negotiate(accept, offers)
        if preferred is not None:
            return preferred
    return media


def content_type(media: str) -> str:
    if media.startswith("text/") or media in ("application/n-triples", "application/n-quads", "application/trig"):
        return media + "; charset=utf-8"
    return media


# ------------------------------------------------------------------ row counting

def count_rows(body: bytes, media: str, kind: str, variables: list[str] | None = None) -> int:
    """Number of result rows (SELECT), 1 for ASK, triples for line-based RDF formats,
    -1 when it cannot be told cheaply (Turtle, JSON-LD, RDF/XML, TriG, N3).

    Works on the serialised bytes with C-speed ``bytes.count`` so that counting never
    costs a Python loop over the results.  Exact for XML, TSV and N-Triples/N-Quads
    and for JSON (a row starts with ``[{"v":{`` or ``,{"v":{`` for its first bound
    variable ``v``; these byte sequences cannot occur inside JSON strings); CSV counts
    record separators, so a literal holding CRLF counts twice (the safe direction).
    """
    if kind == "solutions" and variables is None and RESULT_TYPES.get(media, (None,))[0] == QRF.JSON:
        try:
            head = body[: body.index(b"]}") + 2] + b"}"
            variables = json.loads(head)["head"]["vars"]
        except (ValueError, KeyError):
            return -1
    counter = RowCounter(media, kind, variables or [])
    counter.feed(body)
    return counter.total()


class RowCounter:
    """:func:`count_rows` over a result fed in pieces (a result spooled to a file is counted as
    it is written).  A piece boundary may split a pattern: each piece is counted together with
    the last ``len(longest pattern) - 1`` bytes before it, less what those bytes held alone."""

    def __init__(self, media: str, kind: str, variables: list[str]):
        self.kind = kind
        self.fixed: int | None = None
        self.patterns: list[bytes] = []
        self.rule = "sum"
        if kind == "boolean":
            self.fixed = 1
        elif kind == "triples":
            if GRAPH_TYPES.get(media, (None,))[0] in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
                self.patterns = [b"\n"]
            else:
                self.fixed = -1
        else:
            fmt = RESULT_TYPES.get(media, (None,))[0]
            if fmt == QRF.XML:
                self.patterns = [b"<result>"]
            elif fmt == QRF.TSV:
                self.patterns, self.rule = [b"\n"], "lines"
            elif fmt == QRF.CSV:
                self.patterns, self.rule = [b"\r\n"], "lines"
            elif fmt == QRF.JSON:
                self.patterns = [b"[{}", b",{}"]
                for v in variables:
                    key = json.dumps(v).encode()
                    self.patterns += [b"[{" + key + b":{", b",{" + key + b":{"]
            else:
                self.fixed = -1
        self.counts = [0] * len(self.patterns)
        self.keep = max((len(p) for p in self.patterns), default=1) - 1
        self.tail = b""
        self.end = b""

    def feed(self, data: bytes | bytearray) -> None:
        if self.fixed is not None or not data:
            return
        joined = self.tail + bytes(data)
        for i, p in enumerate(self.patterns):
            self.counts[i] += joined.count(p) - self.tail.count(p)
        self.tail = joined[-self.keep:] if self.keep else b""
        self.end = joined[-2:]

    def total(self) -> int:
        if self.fixed is not None:
            return self.fixed
        n = sum(self.counts)
        if self.rule == "lines":  # a header line, and maybe no line break after the last row
            return max(0, n - (0 if self.end.endswith(self.patterns[0]) else -1) - 1)
        return n


# ------------------------------------------------------------------ bodies

def error_body(status: int, message: str) -> bytes:
    return json.dumps({"ok": False, "error": message, "status": status}, ensure_ascii=False).encode()


def service_description(endpoint: str, media: str, union: bool, store_name: str) -> bytes:
    SD = "http://www.w3.org/ns/sparql-service-description#"
    RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    svc = ox.NamedNode(endpoint)
    ds = ox.BlankNode("dataset")
    dg = ox.BlankNode("defaultGraph")
    n = ox.NamedNode
    triples = [
        ox.Triple(svc, RDF_TYPE, n(SD + "Service")),
        ox.Triple(svc, n(SD + "endpoint"), svc),
        ox.Triple(svc, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(svc, n(SD + "defaultDataset"), ds),
        ox.Triple(ds, RDF_TYPE, n(SD + "Dataset")),
        ox.Triple(ds, n(SD + "defaultGraph"), dg),
        ox.Triple(dg, RDF_TYPE, n(SD + "Graph")),
        ox.Triple(svc, n("http://purl.org/dc/terms/description"),
                  ox.Literal("Kunta-KG read-only SPARQL 1.1 endpoint (%s store); SERVICE and updates "
                             "are refused." % store_name, language="en")),
    ]
    if union:
        triples.append(ox.Triple(svc, n(SD + "feature"), n(SD + "UnionDefaultGraph")))
    for iri in FORMAT_IRIS.values():
        triples.append(ox.Triple(svc, n(SD + "resultFormat"), n(iri)))
    fmt = GRAPH_TYPES[media][0]
    return ox.serialize(triples, format=fmt, prefixes={"sd": SD, "dcterms": "http://purl.org/dc/terms/"})


def html_page(endpoint: str) -> bytes:
    e = html.escape(endpoint, quote=True)
    return ("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kunta-KG SPARQL endpoint</title></head>
<body>
<h1>Kunta-KG SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>%s</code>. The default graph is the union of all
document graphs. <code>SERVICE</code>, <code>LOAD</code> and updates are refused.</p>
<form method="post" action="%s">
<p><textarea name="query" rows="12" cols="90">SELECT ?g (COUNT(*) AS ?triples)
WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?g ORDER BY DESC(?triples)</textarea></p>
<p><label>Format <select name="format">
<option value="json">SPARQL JSON</option><option value="xml">SPARQL XML</option>
<option value="csv">CSV</option><option value="tsv">TSV</option>
</select></label> <button type="submit">Run query</button></p>
</form>
</body></html>
""" % (e, e)).encode()
