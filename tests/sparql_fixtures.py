"""Fixtures for the SPARQL endpoint tests (issue 5), imported by conftest.py.

Every endpoint test talks real HTTP to a live server: the Flask app from
``create_app`` under werkzeug's threaded ``make_server`` on port 0, with the
query worker processes forked before the server thread starts.
"""
from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import gendata
import pytest
from werkzeug.serving import make_server

from server import create_app

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL_CHECK = ROOT / "tools" / "protocol_check.py"
VENV_BIN = Path(sys.executable).parent
OXIGRAPH_BIN = VENV_BIN / "oxigraph"
TIMEOUT = 1.5  # query time limit of the main test server (seconds)
GEN_QUADS = 6000  # generated quads next to the protocol check's three graphs


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = "http://127.0.0.1:%d/sparql" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.app.extensions["kuntakg"].close()

    # -- tiny HTTP client (stdlib, one connection per request)
    def request(self, method="GET", params=None, body=None, ctype=None, accept=None, headers=None,
                raw_query=None, timeout=30):
        parts = urllib.parse.urlsplit(self.url)
        path = parts.path
        qs = raw_query if raw_query is not None else (urllib.parse.urlencode(params or [], doseq=True))
        if qs:
            path += "?" + qs
        hdrs = dict(headers or {})
        if accept:
            hdrs["Accept"] = accept
        if ctype:
            hdrs["Content-Type"] = ctype
        if isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in hdrs.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def select(self, query, **params):
        """POST a query, return the parsed SPARQL JSON (asserting 200)."""
        r = self.request("POST", params=list(params.items()), body=query, ctype="application/sparql-query",
                         accept="application/sparql-results+json")
        assert r.status == 200, r.body[:500]
        return json.loads(r.body)


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def ctype(self):
        return self.headers.get("content-type", "").split(";")[0].strip()


def start_server(config: dict) -> LiveServer:
    cfg = {"TESTING": True}
    cfg.update(config)
    return LiveServer(create_app(cfg))


def wait_for_port(port: int, proc, timeout: float = 120) -> None:
    """Until a server process listens on 127.0.0.1:port; AssertionError if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert proc.poll() is None, "server exited with %s" % proc.returncode
            time.sleep(0.2)
    raise AssertionError("server did not start on port %d" % port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def protocol_trig() -> str:
    return subprocess.run([sys.executable, str(PROTOCOL_CHECK), "--print-test-data"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def endpoint_data(tmp_path_factory, protocol_trig) -> Path:
    """TriG: the protocol check's three graphs plus generated Kunta-KG-like graphs."""
    path = tmp_path_factory.mktemp("sparql-data") / "endpoint.trig"
    return gendata.write(path, GEN_QUADS, seed=1, extra=protocol_trig)


@pytest.fixture(scope="session")
def oxi_backend(endpoint_data):
    from server.store import OxigraphBackend
    return OxigraphBackend(endpoint_data)


@pytest.fixture(scope="session")
def live(oxi_backend):
    """The main test server: embedded pyoxigraph, 2 workers, 1.5 s time limit."""
    srv = start_server({"BACKEND": oxi_backend, "QUERY_TIMEOUT": TIMEOUT, "QUERY_WORKERS": 2})
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory, endpoint_data):
    """A real `oxigraph serve-read-only` (PyPI `oxigraph`) on a free loopback port."""
    if not OXIGRAPH_BIN.exists():
        pytest.fail("oxigraph binary not found at %s (pip install -e '.[test]')" % OXIGRAPH_BIN)
    location = tmp_path_factory.mktemp("oxigraph-db")
    subprocess.run([str(OXIGRAPH_BIN), "load", "--location", str(location), "--file", str(endpoint_data)],
                   check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([str(OXIGRAPH_BIN), "serve-read-only", "--location", str(location), "--bind",
                             "127.0.0.1:%d" % port, "--union-default-graph", "--timeout-s", "5"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d/query" % port
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("oxigraph server did not start")
            time.sleep(0.05)
    yield {"url": url, "location": location}
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def backend_servers(live, oxigraph_server, endpoint_data, tmp_path_factory):
    """The same data behind every backend: name -> LiveServer."""
    ro_copy = tmp_path_factory.mktemp("ro") / "db"
    shutil.copytree(oxigraph_server["location"], ro_copy)
    servers = {
        "rdflib": start_server({"STORE": "rdflib", "KUNTAKG_DATA": str(endpoint_data), "QUERY_WORKERS": 1,
                                "QUERY_TIMEOUT": 20}),
        "remote": start_server({"STORE": "remote", "REMOTE_ENDPOINT": oxigraph_server["url"],
                                "QUERY_TIMEOUT": 20}),
        "oxigraph-readonly": start_server({"STORE": "oxigraph-readonly", "KUNTAKG_DATA": str(ro_copy),
                                           "QUERY_WORKERS": 1, "QUERY_TIMEOUT": 20}),
    }
    yield {"oxigraph": live, **servers}
    for srv in servers.values():
        srv.close()
