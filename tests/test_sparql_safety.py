"""Safety of /sparql in public: read-only, no outgoing requests, time limit, bounded sizes."""
from __future__ import annotations

import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sparql_fixtures import TIMEOUT, start_server

from server.sparql import guard

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"  # ~10^11 rows on the test data


# ------------------------------------------------------------------ the tokenizer guard (unit)

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p \"x\" . GRAPH ?g { OPTIONAL { SERVICE <http://x/> {} } } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p 'a' # comment\n SERVICE <http://x/> {} }",
    "SELECT * WHERE { ?s ?p \"\"\"multi\nline\"\"\" SERVICE <http://x/> {} }",
    "SELECT * WHERE { ?s ?p ex:a\\#b SERVICE <http://x/> {} }",  # escaped '#' is not a comment
    "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",  # codepoint escapes (SPARQL 1.1 §19.2)
    "SELECT * WHERE { ?s ?p ?o FILTER(1<2)SERVICE<http://x/>{} }",
    # no word boundary needed after a keyword: pyoxigraph runs all of these as SERVICE calls
    "SELECT * WHERE { SERVICESILENT<http://x/> { ?s ?p ?o } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { SERVICEex:sparql { ?s ?p ?o } }",
    "PREFIX : <http://x/> SELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }",
    "PREFIX SERVICE: <http://e/> SELECT * WHERE { ?s SERVICE:load ?service }",  # fail-closed
    "SELECT * WHERE { ?s ?p trueSERVICE<http://x/>{ ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p 1e5SERVICE<http://x/>{ ?a ?b ?c } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p falseSERVICEex:y { ?a ?b ?c } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ex:.SERVICE<http://x/>{ ?a ?b ?c } }",  # `ex:` `.` SERVICE
    "PREFIX : <http://x/> SELECT * WHERE { ?s ?p :.SERVICE<http://x/>{ ?a ?b ?c } }",
])
def test_guard_refuses_service(query):
    with pytest.raises(guard.Refused) as e:
        guard.check_query(query)
    assert e.value.status == 400 and "SERVICE" in e.value.message


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }',
    "SELECT * WHERE { ?s ?p 'service' }",
    'SELECT * WHERE { ?s ?p """SERVICE\n<http://x/>""" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:SERVICE ?service ; ex:ServicePromise ex:customer-service }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> in a comment",
    "SELECT ?load ?insert WHERE { ?load ?insert ?delete }",
])
def test_guard_allows_the_word_outside_code(query):
    assert guard.check_query(query).form == "SELECT"


@pytest.mark.parametrize("query", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "load silent <http://127.0.0.1:9/data.ttl> into graph <urn:g>",
    "PREFIX x: <urn:x> CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_guard_refuses_updates(query):
    with pytest.raises(guard.Refused) as e:
        guard.check_query(query)
    assert e.value.status == 403


def test_glued_keywords_really_reach_out_in_the_engine(catcher):
    """Why the guard refuses `SERVICE…` prefixes: pyoxigraph itself runs them (this test talks to
    pyoxigraph directly, never through the endpoint, and only to the loopback catcher)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal(True)))
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:a")))
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"),
                      ox.Literal("1e5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))))
    for q in ("SELECT * WHERE { SERVICESILENT<%s/a> { ?s ?p ?o } }" % catcher,
              "PREFIX c: <%s/> SELECT * WHERE { SERVICEc:b { ?s ?p ?o } }" % catcher,
              "SELECT * WHERE { ?s ?p trueSERVICE<%s/c>{ ?a ?b ?c } }" % catcher,
              "SELECT * WHERE { ?s ?p 1e5SERVICE<%s/d>{ ?a ?b ?c } }" % catcher,
              "PREFIX ex: <urn:a> SELECT * WHERE { ?s ?p ex:.SERVICE<%s/e>{ ?a ?b ?c } }" % catcher):
        before = len(_Catcher.hits)
        list(store.query(q))
        assert len(_Catcher.hits) == before + 1, q
        with pytest.raises(guard.Refused):
            guard.check_query(q)


def test_guard_query_forms_and_allowlist():
    assert guard.check_query("PREFIX a: <urn:a> BASE <urn:b> ASK {}").form == "ASK"
    assert guard.check_query("# SELECT\nCONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"
    assert guard.check_query("DESCRIBE <urn:x>").form == "DESCRIBE"
    allowed = guard.check_query("SELECT * { SERVICE <http://ok/sparql> { ?s ?p ?o } }", ["http://ok/sparql"])
    assert allowed.services == ["http://ok/sparql"]
    with pytest.raises(guard.Refused):
        guard.check_query("SELECT * { SERVICE <http://other/sparql> {} }", ["http://ok/sparql"])


def test_guard_is_fast():
    q = "PREFIX kk: <https://w3id.org/kuntakg/ontology#>\n" + "SELECT ?g (COUNT(?a) AS ?n) WHERE {\n" + \
        "  ?a a kk:Action ; kk:forGoal/kk:contributesTo+ ?g . FILTER(CONTAINS(STR(?g), \"x\"))\n" * 10 + \
        "} GROUP BY ?g ORDER BY DESC(?n)"
    t = time.perf_counter()
    for _ in range(200):
        guard.check_query(q)
    assert (time.perf_counter() - t) / 200 < 0.005


# ------------------------------------------------------------------ over HTTP

class _Catcher(BaseHTTPRequestHandler):
    hits: list = []

    def _hit(self):
        _Catcher.hits.append("%s %s" % (self.command, self.path))
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"remote"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _hit

    def log_message(self, *a):
        pass


@pytest.fixture
def catcher():
    srv = HTTPServer(("127.0.0.1", 0), _Catcher)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    _Catcher.hits = []
    yield "http://127.0.0.1:%d" % srv.server_address[1]
    srv.shutdown()
    srv.server_close()


@pytest.mark.live
def test_no_outgoing_request_for_service_or_load(live, catcher):
    queries = [
        "SELECT * WHERE { ?s ?p trueSERVICE<%s/sparql>{ ?a ?b ?c } }" % catcher,
        "SELECT * WHERE { ?s ?p 1e5SERVICE<%s/sparql>{ ?a ?b ?c } }" % catcher,
        "SELECT * WHERE { SERVICESILENT<%s/sparql> { ?s ?p ?o } }" % catcher,
        "PREFIX c: <%s/> SELECT * WHERE { SERVICEc:sparql { ?s ?p ?o } }" % catcher,
        "PREFIX : <%s/> SELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }" % catcher,
        "SELECT * WHERE { SERVICE <%s/sparql> { ?s ?p ?o } }" % catcher,
        "select * where { service silent <%s/sparql> { ?s ?p ?o } }" % catcher,
        "SELECT * WHERE { OPTIONAL { SERVICE <%s/sparql> { ?s ?p ?o } } }" % catcher,
        "PREFIX c: <%s/> SELECT * WHERE { SERVICE c:sparql { ?s ?p ?o } }" % catcher,
        "SELECT * WHERE { VALUES ?e { <%s/sparql> } SERVICE ?e { ?s ?p ?o } }" % catcher,
    ]
    for q in queries:
        for method in ("GET", "POST"):
            if method == "GET":
                r = live.request("GET", params=[("query", q)])
            else:
                r = live.request("POST", body=q, ctype="application/sparql-query")
            assert r.status == 400, (q, r.body)
            assert "SERVICE" in r.json["error"]
    load = "LOAD <%s/data.ttl> INTO GRAPH <urn:x>" % catcher
    for r in (live.request("POST", body="update=" + urllib.parse.quote(load),
                           ctype="application/x-www-form-urlencoded"),
              live.request("POST", body=load, ctype="application/sparql-update"),
              live.request("GET", params=[("update", load)]),
              live.request("GET", params=[("query", load)])):
        assert r.status == 403, r.body
        assert r.json["ok"] is False
    time.sleep(0.2)
    assert _Catcher.hits == []


@pytest.mark.live
def test_updates_refused_on_every_route(live):
    before = live.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    upd = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    replies = [
        live.request("POST", body=upd, ctype="application/sparql-update"),
        live.request("POST", body=urllib.parse.urlencode({"update": upd}), ctype="application/x-www-form-urlencoded"),
        live.request("GET", params=[("update", upd)]),
        live.request("GET", params=[("query", upd)]),
        live.request("POST", body=upd, ctype="application/sparql-query"),
        live.request("PUT", body="<urn:a> <urn:b> <urn:c> .", ctype="text/turtle"),
    ]
    assert [r.status for r in replies] == [403, 403, 403, 403, 403, 405]
    assert live.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before


@pytest.mark.live
def test_literal_service_is_allowed_over_http(live):
    r = live.request("GET", params=[("query", 'SELECT ?x WHERE { BIND("SERVICE <http://x/> {}" AS ?x) }')],
                     accept="application/sparql-results+json")
    assert r.status == 200
    assert r.json["results"]["bindings"][0]["x"]["value"] == "SERVICE <http://x/> {}"


@pytest.mark.live
def test_service_allowlist_lets_listed_endpoints_through(oxi_backend, catcher):
    srv = start_server({"BACKEND": oxi_backend, "SERVICE_ALLOWLIST": [catcher + "/sparql"], "QUERY_WORKERS": 1})
    try:
        ok = srv.request("POST", body="SELECT ?x WHERE { SERVICE <%s/sparql> { ?s ?p ?x } }" % catcher,
                         ctype="application/sparql-query", accept="application/sparql-results+json")
        assert ok.status == 200, ok.body
        assert ok.json["results"]["bindings"][0]["x"]["value"] == "remote"
        assert len(_Catcher.hits) == 1
        no = srv.request("POST", body="SELECT ?x WHERE { SERVICE <%s/other> { ?s ?p ?x } }" % catcher,
                         ctype="application/sparql-query")
        assert no.status == 400 and len(_Catcher.hits) == 1
    finally:
        srv.close()


@pytest.mark.live
@pytest.mark.slow
def test_slow_query_503_at_the_limit_while_others_are_answered(live):
    pool = live.app.extensions["kuntakg"].runner
    pids_before = set(pool.worker_pids)
    kills_before = pool.kills
    result = {}

    def slow():
        t = time.monotonic()
        result["reply"] = live.request("POST", body=CROSS, ctype="application/sparql-query", timeout=TIMEOUT + 10)
        result["elapsed"] = time.monotonic() - t

    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.2)
    # meanwhile simple queries keep being answered, quickly
    fast = []
    while th.is_alive():
        t = time.monotonic()
        r = live.request("GET", params=[("query", "ASK { ?s a ?t }")], accept="application/sparql-results+json")
        fast.append((r.status, time.monotonic() - t))
        time.sleep(0.05)
    th.join()
    reply = result["reply"]
    assert reply.status == 503, reply.body
    assert reply.json["ok"] is False and "time limit" in reply.json["error"]
    assert TIMEOUT - 0.05 <= result["elapsed"] <= TIMEOUT + 1.0
    assert len(fast) >= 5 and all(s == 200 for s, _ in fast)
    assert max(d for _, d in fast) < 1.0
    # the runaway worker was killed and replaced; the server keeps serving with a full pool
    assert pool.kills == kills_before + 1
    assert len(pool.worker_pids) == pool.capacity and set(pool.worker_pids) != pids_before
    killed = pids_before - set(pool.worker_pids)
    time.sleep(0.1)
    for pid in killed:
        with pytest.raises(ProcessLookupError):
            import os
            os.kill(pid, 0)
    assert live.select("ASK {}")["boolean"] is True


@pytest.mark.live
def test_result_size_bounded(oxi_backend):
    srv = start_server({"BACKEND": oxi_backend, "MAX_RESULT_ROWS": 10, "QUERY_WORKERS": 1})
    try:
        r = srv.request("GET", params=[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 11")])
        assert r.status == 413 and "LIMIT" in r.json["error"]
        for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                       "text/tab-separated-values"):
            r = srv.request("GET", params=[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 10")], accept=accept)
            assert r.status == 200, accept
            r = srv.request("GET", params=[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 11")], accept=accept)
            assert r.status == 413, accept
        r = srv.request("GET", params=[("query", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 11")],
                        accept="application/n-triples")
        assert r.status == 413
    finally:
        srv.close()
    srv = start_server({"BACKEND": oxi_backend, "MAX_RESULT_BYTES": 5000, "QUERY_WORKERS": 1})
    try:
        r = srv.request("GET", params=[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1000")])
        assert r.status == 413 and "bytes" in r.json["error"]
        assert srv.request("GET", params=[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 5")]).status == 200
    finally:
        srv.close()


@pytest.mark.parametrize("text", [
    '"""' + '\\"' * 100_000,            # an unterminated long string full of escaped quotes
    "'" + "\\'" * 100_000,
    '"' * 200_000,
    ('"' + "a" * 100 + "\n") * 2000,
    "<" * 200_000,
    "<a" * 100_000,
    '"' + "\\" * 200_000,
    "a:" + "\\" * 200_000,
])
def test_guard_stays_linear_on_hostile_input(text):
    t = time.perf_counter()
    try:
        guard.check_query(text)
    except guard.Refused:
        pass
    assert time.perf_counter() - t < 2.0


def test_guard_refuses_unterminated_strings():
    for q in ['SELECT * { ?s ?p "abc }', "SELECT * { ?s ?p '''abc }", 'ASK { FILTER("a\\") }']:
        with pytest.raises(guard.Refused) as e:
            guard.check_query(q)
        assert e.value.status == 400 and "unterminated" in e.value.message
