"""SPARQL 1.1 Protocol behaviour of /sparql, over real HTTP against a live server."""
from __future__ import annotations

import gzip
import json
import urllib.parse
import subprocess
import sys

import pyoxigraph as ox
import pytest

from sparql_fixtures import PROTOCOL_CHECK

pytestmark = pytest.mark.live

KASEI = "http://kasei.us/2009/09/sparql/data/"
D1, D2, D3 = (KASEI + "data%d.rdf" % i for i in (1, 2, 3))
SELECT_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def test_protocol_check_57_of_57_and_ssrf_probe_clean(live):
    """The project's yardstick: every check passes, dataset tests on, nothing contacted."""
    out = subprocess.run([sys.executable, str(PROTOCOL_CHECK), live.url, "--dataset-tests=on", "--ssrf-probe"],
                         capture_output=True, text=True, timeout=120)
    lines = out.stdout.splitlines()
    passed = [ln for ln in lines if ln.startswith("PASS ")]
    failed = [ln for ln in lines if ln.startswith("FAIL ")]
    skipped = [ln for ln in lines if ln.startswith("SKIP ")]
    assert not failed, "\n".join(failed)
    assert not skipped, "\n".join(skipped)
    ssrf = [ln for ln in passed if ln.startswith("PASS ssrf_")]
    assert len(ssrf) == 2, out.stdout  # SERVICE and LOAD probes: no outbound request
    assert len(passed) - len(ssrf) == 57, out.stdout
    assert lines[-1] == "59 passed, 0 failed"
    assert out.returncode == 0


def test_default_graph_is_union_of_named_graphs(live):
    ask = "ASK { <%s> a ?t . <%s> a ?t . <%s> a ?t }" % (D1, D2, D3)
    assert live.select(ask)["boolean"] is True
    total = live.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    per_graph = live.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert total["results"]["bindings"][0]["n"]["value"] == per_graph["results"]["bindings"][0]["n"]["value"]
    assert int(total["results"]["bindings"][0]["n"]["value"]) > 5000


def test_default_graph_uri_narrows(live):
    q = "SELECT ?s WHERE { ?s a ?t }"
    rows = live.select(q, **{"default-graph-uri": D1})["results"]["bindings"]
    assert [r["s"]["value"] for r in rows] == [D1]
    # two default graphs are merged
    r = live.request("GET", params=[("query", q), ("default-graph-uri", D1), ("default-graph-uri", D2)],
                     accept="application/sparql-results+json")
    assert sorted(b["s"]["value"] for b in r.json["results"]["bindings"]) == [D1, D2]
    # only named-graph-uri given: the default graph is empty, GRAPH sees only the named ones
    r = live.request("GET", params=[("query", "ASK { ?s ?p ?o }"), ("named-graph-uri", D1)],
                     accept="application/sparql-results+json")
    assert r.json["boolean"] is False
    r = live.request("GET", params=[("query", SELECT_GRAPHS), ("named-graph-uri", D1), ("named-graph-uri", D3)],
                     accept="application/sparql-results+json")
    assert [b["g"]["value"] for b in r.json["results"]["bindings"]] == [D1, D3]


def test_from_in_query_without_protocol_dataset(live):
    q = "SELECT ?s FROM <%s> WHERE { ?s a ?t }" % D2
    assert [b["s"]["value"] for b in live.select(q)["results"]["bindings"]] == [D2]


def test_get_post_form_and_direct_agree(live):
    q = "SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> } ORDER BY ?s"
    a = live.request("GET", params=[("query", q)], accept="application/sparql-results+json")
    b = live.request("POST", body=urllib.parse.urlencode({"query": q}),
                     ctype="application/x-www-form-urlencoded", accept="application/sparql-results+json")
    c = live.request("POST", body=q, ctype="application/sparql-query", accept="application/sparql-results+json")
    assert a.status == b.status == c.status == 200
    assert a.json == b.json == c.json
    assert len(a.json["results"]["bindings"]) == 3


@pytest.mark.parametrize("accept,expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/*;q=0.9, application/sparql-results+json;q=0.1", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/json"),
    (None, "application/sparql-results+json"),
])
def test_select_negotiation(live, accept, expected):
    r = live.request("POST", body="SELECT (1 AS ?x) {}", ctype="application/sparql-query", accept=accept)
    assert r.status == 200
    assert r.ctype == expected


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/n-quads", ox.RdfFormat.N_QUADS), ("application/trig", ox.RdfFormat.TRIG),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML), ("application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_construct_formats_parse_to_the_same_triples(live, accept, fmt):
    q = "CONSTRUCT { ?s a ?t ; <urn:x:label> \"Pyhäjärvi\"@fi } WHERE { GRAPH <%s> { ?s a ?t } }" % D1
    r = live.request("POST", body=q, ctype="application/sparql-query", accept=accept)
    assert r.status == 200 and r.ctype == accept
    got = {(q.subject, q.predicate, q.object) for q in ox.parse(input=r.body, format=fmt)}
    assert got == {
        (ox.NamedNode(D1), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
         ox.NamedNode("http://xmlns.com/foaf/0.1/Document")),
        (ox.NamedNode(D1), ox.NamedNode("urn:x:label"), ox.Literal("Pyhäjärvi", language="fi")),
    }


def test_format_parameter_overrides_accept(live):
    r = live.request("GET", params=[("query", "SELECT (1 AS ?x) {}"), ("format", "csv")], accept="text/html")
    assert r.status == 200 and r.ctype == "text/csv"
    assert r.body.replace(b"\r\n", b"\n") == b"x\n1\n"
    r = live.request("GET", params=[("query", "CONSTRUCT WHERE { ?s a ?t } LIMIT 1"), ("format", "jsonld")])
    assert r.status == 200 and r.ctype == "application/ld+json"
    json.loads(r.body)
    r = live.request("GET", params=[("query", "SELECT (1 AS ?x) {}"), ("format", "png")])
    assert r.status == 406
    assert "text/csv" in r.json["error"]


def test_406_lists_supported_types(live):
    r = live.request("POST", body="SELECT (1 AS ?x) {}", ctype="application/sparql-query", accept="image/png")
    assert r.status == 406
    body = r.json
    assert body["ok"] is False and body["status"] == 406
    for t in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
              "text/tab-separated-values"):
        assert t in body["error"]
    r = live.request("POST", body="CONSTRUCT WHERE { ?s ?p ?o }", ctype="application/sparql-query",
                     accept="text/csv")
    assert r.status == 406 and "text/turtle" in r.json["error"]


def test_service_description_and_html_form(live):
    r = live.request("GET", accept="text/turtle")
    assert r.status == 200 and r.ctype == "text/turtle"
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(input=r.body, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    me = ox.NamedNode(live.url)
    assert (me, ox.NamedNode(sd + "endpoint"), me) in triples
    assert (me, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")) in triples
    r = live.request("GET", accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert r.status == 200 and r.ctype == "text/html"
    assert b"<form" in r.body and b'name="query"' in r.body


def test_etag_last_modified_and_304(live):
    params = [("query", "SELECT ?s WHERE { ?s a ?t } LIMIT 3")]
    r = live.request("GET", params=params, accept="application/sparql-results+json")
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert r.status == 200 and etag and lm
    again = live.request("GET", params=params, accept="application/sparql-results+json")
    assert again.headers["etag"] == etag  # dataset version + request, not time
    r304 = live.request("GET", params=params, accept="application/sparql-results+json",
                        headers={"If-None-Match": etag})
    assert r304.status == 304 and r304.body == b""
    r304 = live.request("GET", params=params, accept="application/sparql-results+json",
                        headers={"If-Modified-Since": lm})
    assert r304.status == 304
    other = live.request("GET", params=params, accept="text/csv", headers={"If-None-Match": etag})
    assert other.status == 200 and other.headers["etag"] != etag
    assert "Accept" in r.headers["vary"]


def test_gzip(live):
    q = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 500"
    plain = live.request("GET", params=[("query", q)], accept="application/sparql-results+json")
    zipped = live.request("GET", params=[("query", q)], accept="application/sparql-results+json",
                          headers={"Accept-Encoding": "gzip"})
    assert zipped.status == 200 and zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
    assert len(zipped.body) < len(plain.body)
    assert "content-encoding" not in plain.headers


def test_cors(live):
    r = live.request("GET", params=[("query", "ASK {}")], headers={"Origin": "http://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = live.request("OPTIONS", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "content-type"})
    assert r.status == 204
    assert "POST" in r.headers["access-control-allow-methods"]
    assert r.headers["access-control-allow-headers"] == "content-type"


def test_errors_are_json_without_tracebacks(live):
    r = live.request("POST", body="SELECT * WHERE { ?s ?p }", ctype="application/sparql-query")
    assert r.status == 400
    body = r.json
    assert body["ok"] is False and body["status"] == 400
    assert "syntax" in body["error"].lower() and "1:" in body["error"]  # the parser's message and position
    for method in ("PUT", "DELETE", "PATCH"):
        r = live.request(method, params=[("query", "ASK {}")])
        assert r.status == 405 and r.json["status"] == 405
    r = live.request("POST", body="ASK {}", ctype="text/plain")
    assert r.status == 415 and r.json["ok"] is False
    r = live.request("POST", body="query=ASK+{}")  # no Content-Type
    assert r.status == 400
    r = live.request("POST", body="ASK {}".encode("utf-16"), ctype="application/sparql-query; charset=UTF-16")
    assert r.status == 415
    r = live.request("POST", body=b"ASK { FILTER(\"\xff\") }", ctype="application/sparql-query")
    assert r.status == 400
    r = live.request("GET", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert r.status == 400
    r = live.request("GET", params=[("query", "ASK {}"), ("default-graph-uri", "not an iri")])
    assert r.status == 400 and r.json["status"] == 400
    for reply in (r,):
        assert b"Traceback" not in reply.body and b'File "' not in reply.body


def test_oversized_requests_413_and_414(live):
    big = "ASK { FILTER(\"%s\" != \"\") }" % ("x" * (1024 * 1024 + 10))
    r = live.request("POST", body=big, ctype="application/sparql-query")
    assert r.status == 413 and r.json["status"] == 413
    r = live.request("POST", body="query=" + big.replace(" ", "+"), ctype="application/x-www-form-urlencoded")
    assert r.status == 413 and r.json["status"] == 413
    r = live.request("GET", params=[("query", big[:1024 * 1024 + 1])])
    assert r.status in (413, 414)
    # just under the limit is fine
    ok = "ASK { FILTER(\"%s\" != \"\") }" % ("x" * 1000)
    assert live.request("POST", body=ok, ctype="application/sparql-query").status == 200


def test_relative_iris_resolve_against_the_endpoint(live):
    r = live.request("POST", body="CONSTRUCT { <s> <p> 1 } WHERE {}", ctype="application/sparql-query",
                     accept="application/n-triples")
    base = live.url.rsplit("/", 1)[0]
    assert r.body.decode().strip() == '<%s/s> <%s/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .' % (
        base, base)


def test_from_named_in_query(live):
    q = "SELECT ?g WHERE { GRAPH ?g { ?s a ?t } } ORDER BY ?g"
    rows = live.select(q.replace("WHERE", "FROM NAMED <%s> FROM NAMED <%s> WHERE" % (D1, D3)))
    assert [b["g"]["value"] for b in rows["results"]["bindings"]] == [D1, D3]
    # the protocol's dataset overrides the query's
    rows = live.select(q.replace("WHERE", "FROM NAMED <%s> WHERE" % D1), **{"named-graph-uri": D2})
    assert [b["g"]["value"] for b in rows["results"]["bindings"]] == [D2]


def test_unknown_prefix_names_it_and_the_prefix_line(live):
    """Issue 16: a missing PREFIX is "unknown prefix kk:" with the line to add, not the parser's character class."""
    r = live.request("POST", body="SELECT * WHERE { ?s a kk:Goal ; skos:prefLabel ?l } LIMIT 1",
                     ctype="application/sparql-query")
    assert r.status == 400
    error = r.json["error"]
    assert "unknown prefix kk:" in error and "PREFIX kk: <https://w3id.org/kuntakg/ontology#>" in error
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in error
    assert "\\u{" not in error and "['" not in error
    r = live.request("POST", body="PREFIX kk: <https://w3id.org/kuntakg/ontology#>\nSELECT * WHERE { ?s a foo:Bar }",
                     ctype="application/sparql-query")
    assert r.status == 400 and "unknown prefix foo:" in r.json["error"] and "kk:" not in r.json["error"]
    # a prefix in a string or an IRI is not a use; a declared prefix runs
    r = live.request("POST", body='PREFIX kk: <https://w3id.org/kuntakg/ontology#>\nASK { ?s a kk:Goal '
                     'FILTER(STR(?s) != "kk:x") }', ctype="application/sparql-query")
    assert r.status == 200
