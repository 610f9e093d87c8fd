"""The media-type table: every result and RDF format, its pyoxigraph format and its names.

Shared by the store (which serialises results with pyoxigraph in these formats), the protocol
(which negotiates among them) and the site.  Content negotiation itself is :mod:`server.response`;
the service description is :mod:`server.sparql.description`.
"""
from __future__ import annotations

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
