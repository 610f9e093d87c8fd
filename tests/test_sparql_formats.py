"""Unit tests of server.media (row counting on serialised results) and server.response's Accept negotiation."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from server import media as formats
from server.response import negotiate

RESULTS = list(formats.RESULT_TYPES)


@pytest.mark.parametrize("accept,expected", [
    (None, "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("TEXT/CSV", "text/csv"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/x-unknown, application/sparql-results+json;q=0.8", "application/sparql-results+json"),
    ("text/*, */*;q=0.1", "text/csv"),
    ("text/*;q=0.2, text/tab-separated-values", "text/tab-separated-values"),
    ("*/*;q=0.5, text/csv;q=0", "application/sparql-results+json"),
    ("text/csv;q=0", None),
    ("image/png", None),
    ("application/sparql-results+json;charset=utf-8", "application/sparql-results+json"),
    ("garbage", "application/sparql-results+json"),
])
def test_negotiate(accept, expected):
    assert negotiate(accept, RESULTS) == expected


def test_format_parameter():
    assert formats.media_for_format_param("json", "SELECT") == "application/sparql-results+json"
    assert formats.media_for_format_param("json", "CONSTRUCT") == "application/ld+json"
    assert formats.media_for_format_param("xml", "DESCRIBE") == "application/rdf+xml"
    assert formats.media_for_format_param("text/turtle", "CONSTRUCT") == "text/turtle"
    assert formats.media_for_format_param("ttl", "SELECT") is None


TRICKY = ('SELECT ?s ?o WHERE { VALUES (?s ?o) { '
          '(<urn:a> "x,{\\"s\\":{ and [{\\"o\\":{ and <result> and \\n and \\r\\n and }},{\\"s\\"") '
          '(UNDEF UNDEF) (UNDEF "only o") (<urn:b> UNDEF) (<urn:c> "tab\\there") } }')


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/tab-separated-values"])
def test_count_rows_exact_with_tricky_literals(media):
    store = ox.Store()
    res = store.query(TRICKY)
    body = res.serialize(format=formats.RESULT_TYPES[media][0])
    assert formats.count_rows(body, media, "solutions") == 5
    res = store.query(TRICKY)
    assert formats.count_rows(body, media, "solutions", [v.value for v in res.variables]) == 5


def test_count_rows_csv_is_never_low():
    store = ox.Store()
    body = store.query(TRICKY).serialize(format=ox.QueryResultsFormat.CSV)
    assert formats.count_rows(body, "text/csv", "solutions") >= 5


def test_count_rows_empty_and_triples():
    store = ox.Store()
    empty = store.query("SELECT ?x WHERE { FILTER(false) }").serialize(format=ox.QueryResultsFormat.JSON)
    assert formats.count_rows(empty, "application/sparql-results+json", "solutions") == 0
    tsv = store.query("SELECT ?x WHERE { FILTER(false) }").serialize(format=ox.QueryResultsFormat.TSV)
    assert formats.count_rows(tsv, "text/tab-separated-values", "solutions") == 0
    nt = store.query('CONSTRUCT { ?s <urn:p> "a\\nb" } WHERE { VALUES ?s { <urn:1> <urn:2> } }').serialize(
        format=ox.RdfFormat.N_TRIPLES)
    assert formats.count_rows(nt, "application/n-triples", "triples") == 2
    assert formats.count_rows(b"@prefix x: <urn:x> .", "text/turtle", "triples") == -1
