"""Serving hardening (issue 17, section 3, items 1, 2, 3 and 5): slow clients, saturated query
workers, a query's memory, long operator chains.

Real HTTP against real servers: `make serve` itself (``make -o build serve``: the Makefile's own
gunicorn command line, without rebuilding ``dist/``) and ``kuntakg serve``, in subprocesses on free
ports over a generated graph.  Every wait is on an event (a reply, a closed socket, worker CPU time),
bounded by a deadline; the request timeouts are the assertions.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest
from sparql_fixtures import free_port, wait_for_port

import gendata
from server.store import OxigraphBackend, QueryError, QueryRequest
from server.sparql.worker import Busy, ProcessPool

ROOT = Path(__file__).resolve().parents[1]
KUNTAKG = Path(sys.executable).parent / "kuntakg"

# runs until the time limit: 3,000 quads cubed
LONG = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
ASK = "ASK {}"


def doubling(n: int) -> str:
    """1 KiB, doubled n times by CONCAT: 1.7 KB of query for a 2**n KiB string (the pen test's)."""
    q = 'SELECT (STRLEN(?x%d) AS ?n) WHERE { BIND("%s" AS ?x0) ' % (n, "x" * 1024)
    for i in range(1, n + 1):
        q += "BIND(CONCAT(?x%d, ?x%d) AS ?x%d) " % (i - 1, i - 1, i)
    return q + "}"


E = "PREFIX e: <http://example.org/> "
CHAINS = {  # the four shapes that crashed a worker (500), at the pen test's sizes, under the 256 KiB limit
    "8,000-term 1+1+…": "SELECT (" + "+".join(["1"] * 8000) + " AS ?x) {}",
    "40,000-step path": E + "SELECT * WHERE { ?s " + "/".join(["e:p"] * 40000) + " ?o }",
    "20,000 OPTIONAL": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL{}" * 20000 + " }",
    "20,000 MINUS": "SELECT * WHERE { ?s ?p ?o " + "MINUS{}" * 20000 + " }",
    "10,000 triple patterns": E + "SELECT * WHERE { " + " ".join("?s e:p ?o%d." % i for i in range(10000)) + " }",
}
# large but legitimate: a 3,000-IRI VALUES block, a 2,000-number IN list, 100 alternatives
LEGIT = ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { " + " ".join("<http://example.org/x%d>" % i for i in range(3000))
         + " } BIND(3 AS ?k) FILTER(?k IN (" + ", ".join("%d" % i for i in range(2000)) + ") && ("
         + " || ".join("?k = %d" % i for i in range(100)) + ")) }")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return gendata.write(tmp_path_factory.mktemp("hardening") / "g.trig", 3000, seed=3)


class Served:
    """A server in its own process group on a free port; ``stop`` ends the whole group."""

    def __init__(self, argv: list[str], port: int, env: dict[str, str], log: Path):
        self.port = port
        self.base = "http://127.0.0.1:%d" % port
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(port, self.proc, timeout=60)
        # ready when a query is answered (gunicorn's workers boot after the port is bound)
        status, _, body, _ = self.get("/sparql?" + urllib.parse.urlencode({"query": ASK}), timeout=60)
        assert status == 200, body

    def get(self, path: str, timeout: float = 5.0, method: str = "GET", body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, dict, bytes, float]:
        t = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(), time.monotonic() - t
        finally:
            conn.close()

    def query(self, text: str, timeout: float = 5.0) -> tuple[int, dict, dict, float]:
        status, headers, body, elapsed = self.get(
            "/sparql", timeout=timeout, method="POST", body=text.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        return status, headers, json.loads(body), elapsed

    def query_workers(self) -> list[psutil.Process]:
        """The query worker processes: the children of a zygote, the one process (per web process)
        whose children have no children of their own."""
        workers = []
        for p in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                kids = p.children()
                if kids and not any(k.children() for k in kids):
                    workers += kids
            except psutil.Error:
                pass
        return workers

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
            except ProcessLookupError:
                pass


def make_serve(port: int, data: Path, tmp: Path, env: dict[str, str] | None = None, workers: int = 2) -> Served:
    """`make serve` as the Makefile runs it (its gunicorn command line; dist/ not rebuilt)."""
    argv = ["make", "--no-print-directory", "-s", "-o", "build", "serve", "HOST=127.0.0.1", "PORT=%d" % port,
            "WORKERS=%d" % workers]
    return Served(argv, port, {"KUNTAKG_DATA": str(data), **(env or {})}, tmp / "make-serve.log")


def kuntakg_serve(port: int, data: Path, tmp: Path, env: dict[str, str] | None = None) -> Served:
    argv = [str(KUNTAKG), "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)]
    return Served(argv, port, env or {}, tmp / "kuntakg-serve.log")


SERVERS = {"make serve": make_serve, "kuntakg serve": kuntakg_serve}


def wait_busy(srv: Served, n: int, since: dict[int, float], timeout: float = 30) -> None:
    """Until `n` query workers have used 0.1 s of CPU since `since` (their CPU times then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = 0
        for p in srv.query_workers():
            try:
                t = p.cpu_times()
            except psutil.Error:
                continue
            if t.user + t.system - since.get(p.pid, 0.0) > 0.1:
                busy += 1
        if busy >= n:
            return
        time.sleep(0.05)
    raise AssertionError("fewer than %d query workers got busy" % n)


def cpu_now(srv: Served) -> dict[int, float]:
    out = {}
    for p in srv.query_workers():
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return out


# --- 1. slow clients ---------------------------------------------------------------------------------

N_IDLE, N_SLOW_HEADER, N_SLOW_BODY = 8, 150, 8  # `make serve` had 2 sync workers, now 2 x 64 threads


@pytest.mark.security
@pytest.mark.fault
@pytest.mark.live
@pytest.mark.parametrize("server", list(SERVERS))
def test_held_open_sockets_do_not_starve_the_server(server, data, tmp_path):
    header_timeout = 3.0
    srv = SERVERS[server](free_port(), data, tmp_path, {"KUNTAKG_HEADER_TIMEOUT": str(header_timeout),
                                                        "KUNTAKG_BODY_TIMEOUT": str(header_timeout)})
    held: list[socket.socket] = []
    try:
        addr = ("127.0.0.1", srv.port)
        for _ in range(N_IDLE):  # connected, nothing sent
            held.append(socket.create_connection(addr))
        slow_header = []
        for _ in range(N_SLOW_HEADER):  # half a request line, then nothing
            s = socket.create_connection(addr)
            s.sendall(b"GET /sparql?query=ASK%7B%7D HT")
            slow_header.append(s)
        for _ in range(N_SLOW_BODY):  # headers, then 9 of the 1,000 body bytes announced
            s = socket.create_connection(addr)
            s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      b"Content-Length: 1000\r\n\r\nquery=ASK")
            held.append(s)
        held += slow_header
        # accepted before the requests below (the listen queue is first in, first out)
        for path in ("/sparql?" + urllib.parse.urlencode({"query": ASK}), "/", "/search?q=goal",
                     "/api/queries/documents.json"):
            status, _, body, elapsed = srv.get(path, timeout=5)  # the timeout is the assertion
            assert status == 200, (path, body[:300])
            print("%s %s: %d in %.2f s with %d held sockets" % (server, path, status, elapsed, len(held)))
        # and the server lets go of a half-sent request line at its header timeout, and of a body
        for s in slow_header + held[N_IDLE:N_IDLE + N_SLOW_BODY]:
            s.settimeout(header_timeout + 10)
            try:
                reply = s.recv(1024)
            except ConnectionResetError:
                reply = b""
            assert reply == b"" or reply.startswith(b"HTTP/1.1 400"), reply
    finally:
        for s in held:
            s.close()
        srv.stop()
    assert "Traceback" not in srv.log_text()


@pytest.mark.parametrize("server", list(SERVERS))
def test_each_web_process_prepares_the_default_answers(server, seed_build, tmp_path):
    """API_PREPARE_ANSWERS (on by default; the test session turns it off): each web process, both
    gunicorn workers under `make serve`, answers every stored query with its defaults when it starts
    serving, so every default answer is kept before anyone asks."""
    srv = SERVERS[server](free_port(), seed_build.out / "kuntakg.trig", tmp_path,
                          {"KUNTAKG_API_PREPARE_ANSWERS": "true"})
    try:
        processes = 2 if server == "make serve" else 1
        deadline = time.monotonic() + 120
        while len(done := re.findall(r"prepared (\d+) of (\d+) stored-query answers", srv.log_text())) < processes:
            assert time.monotonic() < deadline and srv.proc.poll() is None, srv.log_text()[-3000:]
            time.sleep(0.1)   # polls the log for the line each process prints when it is done
        assert len(done) == processes and all(n == total and int(n) >= 20 for n, total in done), done
        for _ in range(4 * processes):   # whichever worker answers
            for name in ("themes-across-towns", "sdg-coverage", "goal-neighbours"):
                status, _, body, _ = srv.get("/api/queries/%s.json" % name, timeout=10)
                assert status == 200 and json.loads(body)["cached"] is True, (name, body[:300])
    finally:
        srv.stop()
    assert "Traceback" not in srv.log_text() and "not prepared" not in srv.log_text()


@pytest.mark.security
@pytest.mark.fault
@pytest.mark.live
def test_a_trickled_request_head_is_closed_at_the_header_timeout(data, tmp_path):
    """`make serve`: a header line every 0.3 s (never the blank line) is closed once the head has taken
    longer than the header timeout, though no single wait was long."""
    header_timeout = 2.0
    srv = make_serve(free_port(), data, tmp_path, {"KUNTAKG_HEADER_TIMEOUT": str(header_timeout)})
    sock = socket.create_connection(("127.0.0.1", srv.port))
    closed = threading.Event()
    try:
        started = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\n")

        def trickle() -> None:
            for i in range(100):  # bounded: 30 s
                if closed.wait(0.3):
                    return
                try:
                    sock.sendall(b"X-Slow-%d: x\r\n" % i)
                except OSError:
                    return

        t = threading.Thread(target=trickle)
        t.start()
        sock.settimeout(header_timeout + 10)
        try:
            assert sock.recv(1024) == b""
        except ConnectionResetError:
            pass
        elapsed = time.monotonic() - started
        closed.set()
        t.join(5)
        assert header_timeout <= elapsed < header_timeout + 2, elapsed
        status, _, _, _ = srv.get("/", timeout=5)
        assert status == 200
    finally:
        closed.set()
        sock.close()
        srv.stop()


# --- 2. saturated query workers ------------------------------------------------------------------

@pytest.mark.fault
@pytest.mark.live
def test_saturated_workers_leave_pages_and_cheap_queries_and_refuse_at_once(data, tmp_path):
    """Two long queries hold both workers of the one gunicorn worker; pages, a cheap query and a stored
    query are still answered; a long query on the short lane is stopped at its 5 s with Retry-After,
    and one more while every worker is busy (queue 0) is refused at once with Retry-After, as is a stored
    query not asked before (one asked before is answered from the answers kept)."""
    env = {"KUNTAKG_QUERY_TIMEOUT": "20", "KUNTAKG_QUERY_WORKERS": "2", "KUNTAKG_QUERY_SHORT_WORKERS": "1",
           "KUNTAKG_QUERY_SHORT_TIMEOUT": "5", "KUNTAKG_QUERY_QUEUE": "0"}
    srv = make_serve(free_port(), data, tmp_path, env, workers=1)
    results: dict[str, tuple] = {}

    def run(name: str) -> None:
        try:
            results[name] = srv.query(LONG, timeout=40)
        except (OSError, http.client.HTTPException, ValueError) as e:
            results[name] = ("gone", str(e))

    threads = []
    try:
        since = cpu_now(srv)
        for name in ("long-1", "long-2"):
            threads.append(threading.Thread(target=run, args=(name,)))
            threads[-1].start()
        wait_busy(srv, 2, since)
        status, _, doc, elapsed = srv.query(ASK)
        assert status == 200 and doc["boolean"] is True
        print("ASK {} while saturated: %.2f s" % elapsed)
        for path in ("/", "/search?q=goal", "/api/queries/documents.json"):
            status, _, body, elapsed = srv.get(path, timeout=5)
            assert status == 200, (path, body[:300])
            print("%s while saturated: %.2f s" % (path, elapsed))
        # a third long query gets the short lane and is stopped there at 5 s, with Retry-After
        since = cpu_now(srv)
        threads.append(threading.Thread(target=run, args=("long-3",)))
        threads[-1].start()
        wait_busy(srv, 3, since)
        status, headers, doc, elapsed = srv.query(LONG)  # every worker busy, no queue: at once
        assert status == 503 and "busy" in doc["error"], doc
        assert elapsed < 1.0 and 1 <= int(headers["retry-after"]) <= 20, (elapsed, headers)
        print("long query while every worker is busy: 503 in %.3f s, Retry-After %s" % (
            elapsed, headers["retry-after"]))
        # a stored query asked before is answered from the answers kept (issue 15), with no worker
        status, headers, body, elapsed = srv.get("/api/queries/documents.json")
        assert status == 200 and json.loads(body)["cached"] is True, (status, body[:300])
        # one not asked before needs a worker: refused at once like the others
        status, headers, body, elapsed = srv.get("/api/queries/themes-across-towns.json")
        assert status == 503 and elapsed < 1.0 and 1 <= int(headers["retry-after"]) <= 20, (status, body)
        threads[-1].join(10)
        status, headers, doc, elapsed = results["long-3"]
        assert status == 503 and "short" in doc["error"] and 1 <= int(headers["retry-after"]) <= 20, doc
        assert 4.9 < elapsed < 9, elapsed
    finally:
        srv.stop()
        for t in threads:
            t.join(30)


def test_queue_is_bounded_in_length_and_wait(data):
    """In-process pool: one worker, no short lane, a queue of one waiting at most 0.5 s."""
    pool = ProcessPool(OxigraphBackend(data), workers=1, short_workers=0, queue_size=1, queue_wait=0.5).start()
    try:
        busy = threading.Thread(target=lambda: pytest.raises(QueryError, pool.execute, QueryRequest(
            LONG, "SELECT", "application/sparql-results+json", timeout=5)))
        busy.start()
        deadline = time.monotonic() + 10
        while pool._idle["long"] and time.monotonic() < deadline:  # until the long query holds the worker
            time.sleep(0.01)
        waited: dict[str, object] = {}

        def queued() -> None:
            t = time.monotonic()
            try:
                pool.execute(QueryRequest(ASK, "ASK", "application/sparql-results+json", timeout=5))
            except Busy as e:
                waited["error"], waited["elapsed"] = e, time.monotonic() - t

        q = threading.Thread(target=queued)
        q.start()
        while pool._waiting < 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        t = time.monotonic()
        with pytest.raises(Busy) as full:  # the queue is full: refused at once
            pool.execute(QueryRequest(ASK, "ASK", "application/sparql-results+json", timeout=5))
        assert time.monotonic() - t < 0.2 and "1 more queries are waiting" in full.value.message
        q.join(5)
        assert isinstance(waited["error"], Busy) and 0.45 <= waited["elapsed"] < 1.5  # type: ignore[operator]
        assert 1 <= waited["error"].retry_after <= 5  # type: ignore[union-attr]
        busy.join(10)
        assert pool.execute(QueryRequest(ASK, "ASK", "application/sparql-results+json")).body
    finally:
        pool.close()


# --- 3. a query's memory ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def limited(data, tmp_path_factory):
    """`make serve` with a 64 MiB memory limit per query worker (one gunicorn worker)."""
    srv = make_serve(free_port(), data, tmp_path_factory.mktemp("limited"), {"KUNTAKG_QUERY_MEMORY_LIMIT": "64"},
                     workers=1)
    yield srv
    srv.stop()


@pytest.mark.security
@pytest.mark.fault
@pytest.mark.live
def test_memory_bomb_is_stopped_and_its_worker_replaced(limited):
    before = sorted(p.pid for p in limited.query_workers())
    status, _, doc, elapsed = limited.query(doubling(17), timeout=30)  # a 128 MiB string
    assert status == 503 and "64 MiB of memory" in doc["error"], doc
    print("doubling query under a 64 MiB limit: 503 in %.2f s" % elapsed)
    status, _, doc, _ = limited.query(ASK)
    assert status == 200 and doc["boolean"] is True
    after = sorted(p.pid for p in limited.query_workers())
    assert len(after) == len(before) and after != before  # one worker replaced
    status, _, doc, _ = limited.query(doubling(10))  # 1 MiB: well under the limit
    assert status == 200 and doc["results"]["bindings"][0]["n"]["value"] == str(1024 * 1024)


# --- 5. long operator chains ------------------------------------------------------------------------

@pytest.mark.security
@pytest.mark.fault
@pytest.mark.live
@pytest.mark.parametrize("shape", list(CHAINS))
def test_long_chains_are_refused_not_crashed(limited, shape):
    before = sorted(p.pid for p in limited.query_workers())
    status, _, doc, elapsed = limited.query(CHAINS[shape], timeout=30)
    assert status == 400 and "query too long for the engine" in doc["error"], doc
    assert elapsed < 5
    assert sorted(p.pid for p in limited.query_workers()) == before  # no worker crashed


@pytest.mark.live
def test_a_large_legitimate_query_still_runs(limited):
    status, _, doc, _ = limited.query(LEGIT, timeout=30)
    assert status == 200 and doc["results"]["bindings"][0]["n"]["value"] == "3000", doc


@pytest.mark.fault
def test_a_stack_overflow_past_the_guard_is_a_400_and_the_worker_is_replaced(data):
    """Straight to the pool (no guard): 150,000 terms overflow even the worker's 64 MiB query stack;
    the zygote reports SIGSEGV and the answer is 400, not 500."""
    pool = ProcessPool(OxigraphBackend(data), workers=1, short_workers=0).start()
    try:
        before = pool.worker_pids
        with pytest.raises(QueryError) as e:
            pool.execute(QueryRequest("SELECT (" + "+".join(["1"] * 150000) + " AS ?x) {}", "SELECT",
                                      "application/sparql-results+json"))
        assert e.value.status == 400 and "too complex" in e.value.message
        assert pool.worker_pids != before and len(pool.worker_pids) == 1
        assert b"true" in pool.execute(QueryRequest(ASK, "ASK", "application/sparql-results+json")).body
    finally:
        pool.close()
