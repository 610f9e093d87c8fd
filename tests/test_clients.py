"""Real SPARQL clients against a live endpoint (issue 17, section 1).

Every test talks HTTP to a live server (werkzeug, threaded, worker processes) over a small graph whose
content is known, and checks the *content* each client hands back: the right rows, values and triples,
not just a status.  The clients: SPARQLWrapper in every return format × GET / POST form / POST direct ×
with and without a custom ``Accept``; rdflib's ``SPARQLStore``; pandas reading CSV and TSV; and the
npm package ``fetch-sparql-endpoint`` under node (``tests/node``, ``npm ci`` by ``make test``).

The format rule they exercise is in :mod:`server.sparql.format_rule` (module docstring) and the README.
"""
from __future__ import annotations

import csv
import http.client
import io
import json
import shutil
import subprocess
import urllib.error
import urllib.parse
import warnings
from pathlib import Path
from xml.dom.minidom import Document

import pandas as pd
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sparql_fixtures import start_server
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

NODE_DIR = Path(__file__).resolve().parent / "node"
EX = "http://example.org/kunta/"
DATA = r'''@prefix ex: <http://example.org/kunta/> .
ex:g1 {
  ex:lohja ex:name "Lohja" ; ex:population 46000 ; ex:note "tab\there, \"quoted\", comma" .
  ex:pori ex:name "Pori" ; ex:population 83000 ; ex:note "Pyhäjärvi\nrivi kaksi" .
}
ex:g2 {
  ex:porvoo ex:name "Borgå"@sv ; ex:population 51000 ; ex:note "=HYPERLINK(\"x\")" .
}
'''
PREFIX = "PREFIX ex: <%s>\n" % EX
SELECT = PREFIX + "SELECT ?town ?name ?pop ?note WHERE { ?town ex:name ?name ; ex:population ?pop ; ex:note ?note } " \
                  "ORDER BY ?pop"
ASK = PREFIX + "ASK { ex:pori ex:population 83000 }"
ASK_FALSE = PREFIX + "ASK { ex:pori ex:population 1 }"
CONSTRUCT = PREFIX + "CONSTRUCT { ?t ex:label ?n } WHERE { ?t ex:name ?n }"
DESCRIBE = PREFIX + "DESCRIBE ex:pori"

# SELECT rows as plain strings (variable -> lexical value), in ORDER BY ?pop
ROWS = [
    {"town": EX + "lohja", "name": "Lohja", "pop": "46000", "note": 'tab\there, "quoted", comma'},
    {"town": EX + "porvoo", "name": "Borgå", "pop": "51000", "note": '=HYPERLINK("x")'},
    {"town": EX + "pori", "name": "Pori", "pop": "83000", "note": "Pyhäjärvi\nrivi kaksi"},
]
U, L = rdflib.URIRef, rdflib.Literal
XSD_INT = rdflib.XSD.integer
CONSTRUCTED = {(U(EX + "lohja"), U(EX + "label"), L("Lohja")), (U(EX + "pori"), U(EX + "label"), L("Pori")),
               (U(EX + "porvoo"), U(EX + "label"), L("Borgå", lang="sv"))}
DESCRIBED = {(U(EX + "pori"), U(EX + "name"), L("Pori")),
             (U(EX + "pori"), U(EX + "population"), L("83000", datatype=XSD_INT)),
             (U(EX + "pori"), U(EX + "note"), L("Pyhäjärvi\nrivi kaksi"))}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("clients") / "clients.trig"
    path.write_text(DATA, encoding="utf-8")
    srv = start_server({"KUNTAKG_DATA": str(path), "QUERY_WORKERS": 2, "QUERY_TIMEOUT": 20})
    yield srv.url
    srv.close()


# --------------------------------------------------------------------------- reading what clients return

def _rows_from_json(data: dict) -> list[dict]:
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def _rows_from_xml(doc: Document) -> list[dict]:
    rows = []
    for result in doc.getElementsByTagName("result"):
        row = {}
        for binding in result.getElementsByTagName("binding"):
            node = [c for c in binding.childNodes if c.nodeType == c.ELEMENT_NODE][0]
            row[binding.getAttribute("name")] = "".join(t.data for t in node.childNodes)
        rows.append(row)
    return rows


def _rows_from_csv(body: bytes) -> list[dict]:
    return [dict(r) for r in csv.DictReader(io.StringIO(body.decode("utf-8"), newline=""))]


def _tsv_term(text: str) -> str:
    """The lexical value of one TSV cell (RDF term syntax: <iri>, "literal"@lang, number)."""
    if text.startswith("<"):
        return text[1:-1]
    if text.startswith('"'):
        return json.loads(text[: text.rindex('"') + 1])  # the escapes of SPARQL TSV are JSON's here
    return text


def _rows_from_tsv(body: bytes) -> list[dict]:
    lines = body.decode("utf-8").rstrip("\n").split("\n")
    head = [h.lstrip("?") for h in lines[0].split("\t")]
    return [dict(zip(head, map(_tsv_term, line.split("\t")), strict=True)) for line in lines[1:]]


def _ask_from(result, ctype: str) -> bool:
    if ctype == "application/sparql-results+json":
        return result["boolean"]
    if ctype == "application/sparql-results+xml":
        return result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    text = result.decode("utf-8").strip().splitlines()
    assert len(text) == 1, text  # CSV / TSV (no standard for ASK): the value alone, as Oxigraph writes it
    return text[0].strip() == "true"


def _triples_from(result, ctype: str) -> set:
    if isinstance(result, rdflib.Graph):  # SPARQLWrapper parsed RDF/XML and JSON-LD itself
        return set(result.triples((None, None, None)))
    fmt = {"text/turtle": "turtle", "text/n3": "n3", "application/n-triples": "nt"}[ctype]
    return set(rdflib.Graph().parse(data=result, format=fmt).triples((None, None, None)))


# --------------------------------------------------------------------------- SPARQLWrapper

METHODS = {"GET": None, "POST form": URLENCODED, "POST direct": POSTDIRECTLY}
SOLUTION_FORMATS = {JSON: "application/sparql-results+json", XML: "application/sparql-results+xml",
                    CSV: "text/csv", TSV: "text/tab-separated-values"}
GRAPH_FORMATS = {TURTLE: "text/turtle", N3: "text/n3", RDFXML: "application/rdf+xml", XML: "application/rdf+xml",
                 RDF: "application/rdf+xml", JSONLD: "application/ld+json", JSON: "application/ld+json"}
# a custom Accept per return format: (Accept, the type that must come back)
SOLUTION_ACCEPT = {JSON: ("application/sparql-results+xml", "application/sparql-results+xml"),  # Accept rules out
                   XML: ("application/sparql-results+json", "application/sparql-results+json"),
                   CSV: ("text/csv;q=1.0, */*;q=0.1", "text/csv"),
                   TSV: ("text/tab-separated-values", "text/tab-separated-values")}
GRAPH_ACCEPT = {N3: ("application/n-triples", "application/n-triples"),  # the reported failure
                TURTLE: ("application/n-triples", "application/n-triples"),
                RDFXML: ("application/rdf+xml", "application/rdf+xml"),
                XML: ("text/turtle", "text/turtle"),
                RDF: ("application/rdf+xml;q=0.9, text/turtle;q=0.5", "application/rdf+xml"),
                JSONLD: ("application/ld+json", "application/ld+json"),
                JSON: ("text/html, */*;q=0.5", "application/ld+json")}  # */*: the parameter decides


def _wrapper(url: str, query: str, fmt: str, method: str, accept: str | None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if METHODS[method] is not None:
        sparql.setMethod(POST)
        sparql.setRequestMethod(METHODS[method])
    if accept is not None:
        sparql.addCustomHttpHeader("Accept", accept)
    return sparql


def _run(sparql: SPARQLWrapper, expect_warning: bool = False):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sparql.query()
        ctype = res.info()["content-type"].split(";")[0]
        result = res.convert()
    mismatch = [str(w.message) for w in caught if "has been returned by the endpoint" in str(w.message)]
    if not expect_warning:
        assert not mismatch, mismatch  # SPARQLWrapper got the type it asked for
    return ctype, result


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", list(SOLUTION_FORMATS))
@pytest.mark.parametrize("custom", [False, True], ids=["default-accept", "custom-accept"])
def test_sparqlwrapper_select_and_ask(endpoint, fmt, method, custom):
    accept, want = SOLUTION_ACCEPT[fmt] if custom else (None, SOLUTION_FORMATS[fmt])
    disagree = custom and want != SOLUTION_FORMATS[fmt]
    ctype, result = _run(_wrapper(endpoint, SELECT, fmt, method, accept), expect_warning=disagree)
    assert ctype == want
    rows = {"application/sparql-results+json": _rows_from_json, "application/sparql-results+xml": _rows_from_xml,
            "text/csv": _rows_from_csv, "text/tab-separated-values": _rows_from_tsv}[ctype](result)
    assert rows == ROWS
    for query, expected in ((ASK, True), (ASK_FALSE, False)):
        ctype, result = _run(_wrapper(endpoint, query, fmt, method, accept), expect_warning=disagree)
        assert ctype == want
        assert _ask_from(result, ctype) is expected


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", list(GRAPH_FORMATS))
@pytest.mark.parametrize("custom", [False, True], ids=["default-accept", "custom-accept"])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_construct_and_describe(endpoint, form, fmt, method, custom):
    accept, want = GRAPH_ACCEPT[fmt] if custom else (None, GRAPH_FORMATS[fmt])
    query, expected = (CONSTRUCT, CONSTRUCTED) if form == "CONSTRUCT" else (DESCRIBE, DESCRIBED)
    # SPARQLWrapper itself warns when its N3/TURTLE request is answered with another RDF syntax it reads
    ctype, result = _run(_wrapper(endpoint, query, fmt, method, accept), expect_warning=custom)
    assert ctype == want
    assert _triples_from(result, ctype) == expected


def test_sparqlwrapper_sends_what_we_document(endpoint):
    """The two reported failures, as SPARQLWrapper 2.0.0 sends them (format, output, results, twice for TSV)."""
    sparql = _wrapper(endpoint, SELECT, TSV, "GET", None)
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(sparql._createRequest().full_url).query)
    assert sent["format"] == sent["output"] == sent["results"] == ["tsv", "text/tab-separated-values"]
    ctype, result = _run(sparql)
    assert ctype == "text/tab-separated-values" and _rows_from_tsv(result) == ROWS
    sparql = _wrapper(endpoint, CONSTRUCT, N3, "GET", "application/n-triples")
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(sparql._createRequest().full_url).query)
    assert sent["format"] == sent["output"] == sent["results"] == ["n3"]
    ctype, result = _run(sparql, expect_warning=True)
    assert ctype == "application/n-triples"
    assert _triples_from(result, ctype) == CONSTRUCTED


@pytest.mark.parametrize("query,fmt", [(SELECT, TURTLE), (SELECT, JSONLD), (CONSTRUCT, CSV), (ASK, N3)])
def test_sparqlwrapper_format_the_form_cannot_have_is_406(endpoint, query, fmt):
    """SPARQLWrapper lets one ask for Turtle of a SELECT: 406 naming the parameter and what can be had."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper's own "Sending Accept header '*/*'"
        with pytest.raises(urllib.error.HTTPError) as err:
            _wrapper(endpoint, query, fmt, "GET", None).query()
    assert err.value.code == 406
    message = json.loads(err.value.read())["error"]
    assert "format=%s" % fmt in message and ("text/csv" in message or "text/turtle" in message)


# --------------------------------------------------------------------------- the rule, request by request

def _get(url: str, params: list[tuple[str, str]], accept: str | None = None):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + "?" + urllib.parse.urlencode(params),
                     headers={"Accept": accept} if accept else {})
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type", "").split(";")[0], r.read()
    finally:
        conn.close()


@pytest.mark.parametrize("params,accept,status,ctype", [
    # repeated, aliases and media types naming one serialisation: one request
    ([("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "tsv"), ("results", "TSV")], None,
     200, "text/tab-separated-values"),
    ([("format", "json"), ("output", "application/sparql-results+json; charset=utf-8")], None,
     200, "application/sparql-results+json"),
    ([("format", "json"), ("format", "")], None, 200, "application/sparql-results+json"),  # empty: ignored
    # disagreeing parameters: 400 naming them
    ([("format", "json"), ("output", "xml")], None, 400, "application/json"),
    ([("format", "csv"), ("results", "text/tab-separated-values")], "text/csv", 400, "application/json"),
    # unknown for the form: 406
    ([("format", "turtle")], None, 406, "application/json"),
    # the parameter wins where Accept allows it (browser Accept, wildcards) ...
    ([("format", "csv")], "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 200, "text/csv"),
    ([("output", "csv")], "text/*", 200, "text/csv"),
    # ... and where Accept names nothing we produce
    ([("format", "csv")], "image/png", 200, "text/csv"),
    # Accept decides when it rules the parameter's type out and names one we produce
    ([("format", "json")], "text/csv", 200, "text/csv"),
    ([("format", "json")], "application/sparql-results+json;q=0, text/tab-separated-values", 200,
     "text/tab-separated-values"),
])
def test_format_rule(endpoint, params, accept, status, ctype):
    got_status, got_ctype, body = _get(endpoint, [("query", SELECT)] + params, accept)
    assert (got_status, got_ctype) == (status, ctype), body[:300]
    if status == 400:
        error = json.loads(body)["error"]
        for name, value in params:
            assert "%s=%s" % (name, value) in error
    if status == 200 and ctype == "text/csv":
        assert _rows_from_csv(body) == ROWS


def test_format_rule_for_graphs(endpoint):
    status, ctype, body = _get(endpoint, [("query", CONSTRUCT), ("format", "n3"), ("output", "n3")],
                               "application/n-triples")
    assert (status, ctype) == (200, "application/n-triples")
    assert set(rdflib.Graph().parse(data=body, format="nt")) == CONSTRUCTED
    status, ctype, body = _get(endpoint, [("query", CONSTRUCT), ("format", "rdf+xml"),
                                          ("format", "application/ld+json,application/x-json+ld")])
    assert status == 400 and "format=rdf+xml names application/rdf+xml" in json.loads(body)["error"]
    status, ctype, body = _get(endpoint, [("query", CONSTRUCT), ("format", "json-ld"),
                                          ("format", "application/ld+json,application/x-json+ld")])
    assert (status, ctype) == (200, "application/ld+json")
    assert set(rdflib.Graph().parse(data=body, format="json-ld")) == CONSTRUCTED


# --------------------------------------------------------------------------- rdflib SPARQLStore

@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore(endpoint, method, return_format):
    store = SPARQLStore(query_endpoint=endpoint, returnFormat=return_format, method=method)
    graph = rdflib.Graph(store=store)
    rows = [{k: str(v) for k, v in r.asdict().items()} for r in graph.query(SELECT)]
    assert rows == ROWS
    assert bool(graph.query(ASK)) is True
    assert bool(graph.query(ASK_FALSE)) is False
    if return_format == "xml":  # rdflib asks for application/rdf+xml next to SPARQL XML
        assert set(graph.query(CONSTRUCT)) == CONSTRUCTED
    store.close()


# --------------------------------------------------------------------------- pandas

def test_pandas_reads_csv_and_tsv(endpoint):
    url = endpoint + "?" + urllib.parse.urlencode({"query": SELECT, "format": "csv"})
    df = pd.read_csv(url, dtype=str, keep_default_na=False)
    assert list(df.columns) == ["town", "name", "pop", "note"]
    assert df.to_dict("records") == ROWS
    url = endpoint + "?" + urllib.parse.urlencode({"query": SELECT, "format": "tsv"})
    df = pd.read_csv(url, sep="\t", quoting=csv.QUOTE_NONE, dtype=str)  # TSV cells are RDF terms
    assert list(df.columns) == ["?town", "?name", "?pop", "?note"]
    assert df["?town"].tolist() == ["<%s>" % r["town"] for r in ROWS]
    assert df["?name"].tolist() == ['"Lohja"', '"Borgå"@sv', '"Pori"']
    assert pd.to_numeric(df["?pop"]).tolist() == [46000, 51000, 83000]
    assert [_tsv_term(v) for v in df["?note"]] == [r["note"] for r in ROWS]


# --------------------------------------------------------------------------- node: fetch-sparql-endpoint



def test_node_fetch_sparql_endpoint(endpoint):
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "fetch-sparql-endpoint").is_dir():
        pytest.fail("node and tests/node/node_modules are needed: `make test` runs `npm ci` in tests/node")
    out = subprocess.run([node, "client.js", endpoint, SELECT, ASK, CONSTRUCT], cwd=NODE_DIR,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    results = json.loads(out.stdout)
    for method in ("POST", "GET"):
        got = results[method]
        assert [{k: v["value"] for k, v in r.items()} for r in got["rows"]] == ROWS
        assert got["rows"][1]["name"] == {"type": "Literal", "value": "Borgå", "lang": "sv"}
        assert got["rows"][0]["town"]["type"] == "NamedNode"
        assert got["ask"] is True
        assert {(s, p, o["value"], o.get("lang")) for s, p, o in got["triples"]} == {
            (str(s), str(p), str(o), o.language) for s, p, o in CONSTRUCTED}
