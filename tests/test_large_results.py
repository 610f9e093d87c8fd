"""Large results and large request bodies (issue 17, section 3, items 4 and 6).

* item 4: the byte limit holds in every format (413 before anything is sent), large results are streamed
  from the worker's temporary file byte-for-byte like small ones (identity and gzip, HEAD), and slow
  readers of a large result do not grow the web process (psutil, against ``kuntakg serve``);
* item 6: a ``Transfer-Encoding: chunked`` body over the request limit gets 413 and is never run cut off,
  against ``kuntakg serve`` (werkzeug) and gunicorn as ``make serve`` runs it.
"""
from __future__ import annotations

import gzip
import http.client
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psutil
import pyoxigraph as ox
import pytest
from sparql_fixtures import free_port, start_server, wait_for_port

import gendata

from server import media as formats

ROOT = Path(__file__).resolve().parents[1]
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
SMALL = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
GRAPH_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
GRAPH_SMALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"
SELECT_TYPES = [t for t in formats.RESULT_TYPES]
GRAPH_TYPES = [t for t in formats.GRAPH_TYPES]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return gendata.write(tmp_path_factory.mktemp("large") / "large.trig", 6000, seed=7)


def _post(url: str, query: str, accept: str, headers: dict | None = None, method: str = "POST"):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        if method == "HEAD":
            conn.request("HEAD", parts.path + "?" + urllib.parse.urlencode({"query": query}),
                         headers={"Accept": accept, **(headers or {})})
        else:
            conn.request("POST", parts.path, body=query.encode(),
                         headers={"Content-Type": "application/sparql-query", "Accept": accept, **(headers or {})})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------- item 4: the byte limit, every format

@pytest.fixture(scope="module")
def limited(data):
    """MAX_RESULT_BYTES 20,000 and spooling from 4,000 bytes on: both paths under the limit."""
    srv = start_server({"KUNTAKG_DATA": str(data), "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 20,
                        "MAX_RESULT_BYTES": 20_000, "RESULT_SPOOL_BYTES": 4_000})
    yield srv
    srv.close()


@pytest.mark.parametrize("media", SELECT_TYPES + GRAPH_TYPES)
def test_result_over_the_byte_limit_is_413_in_every_format(limited, media):
    big, small = (GRAPH_ALL, GRAPH_SMALL) if media in GRAPH_TYPES else (ALL, SMALL)
    status, headers, body = _post(limited.url, big, media)
    assert status == 413, body[:300]
    assert headers["content-type"] == "application/json"
    assert "more than 20,000 bytes" in json.loads(body)["error"]
    status, headers, body = _post(limited.url, small, media)
    assert status == 200 and headers["content-type"].split(";")[0] == media and len(body) < 20_000


# --------------------------------------------------------------------------- item 4: streamed = in memory

@pytest.fixture(scope="module")
def spooling(data):
    """Two servers over the same data: one spools every result over 1 byte, one none (the reference)."""
    spool = start_server({"KUNTAKG_DATA": str(data), "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 20,
                          "RESULT_SPOOL_BYTES": 1})
    memory = start_server({"KUNTAKG_DATA": str(data), "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 20,
                           "RESULT_SPOOL_BYTES": 1 << 40})
    yield spool, memory
    spool.close()
    memory.close()


@pytest.mark.parametrize("media", SELECT_TYPES + GRAPH_TYPES)
def test_streamed_results_equal_results_from_memory(spooling, media):
    spool, memory = spooling
    query = GRAPH_ALL if media in GRAPH_TYPES else ALL
    s_status, s_headers, s_body = _post(spool.url, query, media)
    m_status, m_headers, m_body = _post(memory.url, query, media)
    assert s_status == m_status == 200
    assert s_body == m_body and len(s_body) > 100_000
    assert s_headers["content-length"] == str(len(s_body))
    assert s_headers["etag"].startswith('"') and not s_headers["etag"].endswith('-gzip"')
    z_status, z_headers, z_body = _post(spool.url, query, media, {"Accept-Encoding": "gzip"})
    assert z_status == 200 and z_headers["content-encoding"] == "gzip"
    assert gzip.decompress(z_body) == m_body and len(z_body) < len(m_body)
    assert z_headers["etag"] == s_headers["etag"][:-1] + '-gzip"'
    h_status, h_headers, h_body = _post(spool.url, query, media, method="HEAD")
    assert h_status == 200 and h_body == b"" and h_headers["content-length"] == str(len(m_body))


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/csv", "text/tab-separated-values"])
def test_row_count_is_the_same_in_any_pieces(media):
    """The worker counts rows while it writes the spool file: pieces may split a pattern anywhere."""
    store = ox.Store()
    tricky = ['a"b', "x\r\ny", "tab\there", "[{\"s\":{", ",{\"s\":{", "<result>", ""]
    for i in range(300):
        store.add(ox.Quad(ox.NamedNode("urn:s%d" % i), ox.NamedNode("urn:p"), ox.Literal(tricky[i % len(tricky)])))
    res = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s")
    body = res.serialize(format=formats.RESULT_TYPES[media][0])
    whole = formats.count_rows(body, media, "solutions", ["s", "o"])
    assert whole >= 300
    rnd = random.Random(5)
    for _ in range(50):
        counter = formats.RowCounter(media, "solutions", ["s", "o"])
        i = 0
        while i < len(body):
            n = rnd.choice([1, 2, 3, 7, 64, 1000])
            counter.feed(body[i:i + n])
            i += n
        assert counter.total() == whole


# --------------------------------------------------------------------------- item 4: slow readers, kuntakg serve

def _start(cmd: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    wait_for_port(port, proc)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


BIG = ("SELECT ?s ?p ?o ?k WHERE { ?s ?p ?o VALUES ?k { 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
       "21 22 23 24 25 26 27 28 29 30 } }")


def _open_slow_reader(port: int) -> socket.socket:
    """Send the query, read the status line and headers (the server has the whole answer ready by then:
    413 is decided before anything is sent), then stop reading."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    body = urllib.parse.urlencode({"query": BIG}).encode()
    s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    s.settimeout(60)
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1024)
        assert chunk, head
        head += chunk
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    return s


@pytest.mark.slow
def test_slow_readers_do_not_pin_large_results_in_the_web_process(data):
    port = free_port()
    proc = _start([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--data", str(data),
                   "--workers", "2", "--timeout", "60"], dict(os.environ), port)
    readers: list[socket.socket] = []
    try:
        web = psutil.Process(proc.pid)
        # warm up: one full read of the large result (allocator pools, imports, worker start)
        status, _headers, body = _post("http://127.0.0.1:%d/sparql" % port, BIG, "application/sparql-results+json")
        assert status == 200
        size = len(body)
        rows = json.loads(body)["results"]["bindings"]
        assert len(rows) % 30 == 0 and len(rows) > 100_000
        del body, rows
        before = web.memory_info().rss
        for _ in range(6):
            readers.append(_open_slow_reader(port))
        during = web.memory_info().rss
        growth = during - before
        print("result %.1f MB; web process RSS %.1f -> %.1f MB with 6 slow readers"
              % (size / 1e6, before / 1e6, during / 1e6))
        assert size > 20_000_000
        # six readers hold six results of `size` bytes unless they are streamed from a file
        assert growth < size, "web process grew %.1f MB for 6 slow readers of a %.1f MB result" % (
            growth / 1e6, size / 1e6)
    finally:
        for s in readers:
            s.close()
        _stop(proc)


# --------------------------------------------------------------------------- item 6: chunked bodies

@pytest.fixture(scope="module", params=["werkzeug", "gunicorn"])
def server_port(request, data):
    """`kuntakg serve` (werkzeug) and gunicorn as `make serve` runs it, each as its own process."""
    port = free_port()
    env = {**os.environ, "KUNTAKG_DATA": str(data), "KUNTAKG_QUERY_POOL_START": "lazy"}
    if request.param == "werkzeug":
        cmd = [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--data", str(data)]
    else:
        cmd = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", "2",
               "--bind", "127.0.0.1:%d" % port, "server:create_app()"]  # as the Makefile's `serve`
    proc = _start(cmd, env, port)
    yield port
    _stop(proc)


def _chunked(port: int, ctype: str, body: bytes) -> tuple[int, bytes]:
    """POST `body` with Transfer-Encoding: chunked in 8 KiB chunks; (status, response body).  The response
    is read as a client does (to its Content-Length or last chunk), not to the end of the connection:
    werkzeug drains what is left of a refused body and closes only when the client stops sending."""
    out = bytearray(b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
                    b"Accept: application/sparql-results+json\r\nContent-Type: %s\r\n\r\n" % ctype.encode())
    for i in range(0, len(body), 8192):
        piece = body[i:i + 8192]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
    out += b"0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        try:
            s.sendall(out)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading it all: its answer is still read below
        resp = http.client.HTTPResponse(s)
        resp.begin()
        return resp.status, resp.read()


# a query that returns every triple unless its last line (past 256 KiB) is read: LIMIT 1
PADDED = "SELECT ?s WHERE { ?s ?p ?o }\n" + " " * (300 * 1024) + "\nLIMIT 1"
UNDER = "SELECT ?s WHERE { ?s ?p ?o }\n" + " " * (200 * 1024) + "\nLIMIT 1"


@pytest.mark.slow
@pytest.mark.parametrize("ctype", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_chunked_body_over_the_limit_is_413_never_run_cut_off(server_port, ctype):
    def encode(q: str) -> bytes:
        return q.encode() if ctype == "application/sparql-query" else urllib.parse.urlencode({"query": q}).encode()

    status, body = _chunked(server_port, ctype, encode(PADDED))
    assert status == 413, body[:300]
    assert "larger than 262144 bytes" in json.loads(body)["error"]
    status, body = _chunked(server_port, ctype, encode(UNDER))  # under the limit: read whole, LIMIT 1 kept
    assert status == 200, body[:300]
    assert len(json.loads(body)["results"]["bindings"]) == 1


@pytest.mark.slow
def test_chunked_body_cut_off_by_the_client_is_never_run(server_port):
    """The client stops after 100 KiB of chunks (no last chunk) and half-closes: what arrived is not a query."""
    body = UNDER.encode()[:100 * 1024]
    out = bytearray(b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
                    b"Accept: application/sparql-results+json\r\nContent-Type: application/sparql-query\r\n\r\n")
    for i in range(0, len(body), 8192):
        piece = body[i:i + 8192]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
    with socket.create_connection(("127.0.0.1", server_port), timeout=30) as s:
        s.sendall(out)
        s.shutdown(socket.SHUT_WR)
        answer = bytearray()
        while chunk := s.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else None
    assert status in (400, None), bytes(answer[:300])  # refused, or the connection closed: never run


def test_no_room_to_spool_is_503_not_500(monkeypatch, data):
    """A full TMPDIR while a large result is staged: 503 (try again), never a 500 or a cut-off result."""
    import errno

    from server import store
    from server.store import base as store_base

    class Full(io.BytesIO):
        def write(self, b) -> int:  # type: ignore[override]
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_base.tempfile, "TemporaryFile", lambda **kw: Full())
    backend = store.OxigraphBackend(data)
    req = store.QueryRequest(query=ALL, form="SELECT", media_type="text/csv", spool_after=1000)
    with pytest.raises(store.QueryError) as err:
        backend.execute(req)
    assert err.value.status == 503 and "No space left" in err.value.message
    small = store.QueryRequest(query=SMALL, form="SELECT", media_type="text/csv", spool_after=1000)
    assert backend.execute(small).body.count(b"\r\n") == 3  # small results never touch the disk
