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
              "json": "application/ld+json", "n3": "text/n3"}

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
    v = value.strip().lower()
    table = GRAPH_TYPES if is_graph_form(form) else RESULT_TYPES
    if v in table:
        return v
    keys = GRAPH_KEYS if is_graph_form(form) else RESULT_KEYS
    return keys.get(v)


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
    if kind == "boolean":
        return 1
    fmt = RESULT_TYPES.get(media, (None,))[0] if kind == "solutions" else GRAPH_TYPES.get(media, (None,))[0]
    if kind == "triples":
        if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            return body.count(b"\n")
        return -1
    if fmt == QRF.XML:
        return body.count(b"<result>")
    if fmt == QRF.TSV:
        return max(0, body.count(b"\n") - (0 if body.endswith(b"\n") else -1) - 1)
    if fmt == QRF.CSV:
        return max(0, body.count(b"\r\n") - (0 if body.endswith(b"\r\n") else -1) - 1)
    if fmt == QRF.JSON:
        if variables is None:
            try:
                head = body[: body.index(b"]}") + 2] + b"}"
                variables = json.loads(head)["head"]["vars"]
            except (ValueError, KeyError):
                return -1
        n = body.count(b"[{}") + body.count(b",{}")
        for v in variables:
            key = json.dumps(v).encode()
            n += body.count(b"[{" + key + b":{") + body.count(b",{" + key + b":{")
        return n
    return -1
