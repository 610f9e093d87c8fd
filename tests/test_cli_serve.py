"""`kuntakg serve` end to end: a subprocess on a free port, real HTTP, clean shutdown."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.cli import cli

KUNTAKG = Path(sys.executable).parent / "kuntakg"


def _procs_mentioning(marker: str) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker in (d / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


def test_serve_help_and_missing_data(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0
    for opt in ("--host", "--port", "--data", "--timeout"):
        assert opt in r.output
    r = runner.invoke(cli, ["serve", "--data", str(tmp_path / "missing.trig")])
    assert r.exit_code != 0 and "does not exist" in r.output


@pytest.mark.live
@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_kuntakg_serve_subprocess(tmp_path, protocol_trig, stop):
    data = tmp_path / ("serve-%s.trig" % stop.name)
    data.write_text(protocol_trig)
    # as from a terminal: a shell that started this run in the background (`cmd &`) ignores SIGINT,
    # and an ignored signal stays ignored across exec
    proc = subprocess.Popen([str(KUNTAKG), "serve", "--port", "0", "--data", str(data), "--timeout", "5",
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, line + proc.stderr.read()
        url = next(w for w in line.split() if w.startswith("http://"))
        q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        req = urllib.request.Request(url + "?" + q, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            doc = json.load(r)
        assert doc["results"]["bindings"][0]["n"]["value"] == "3"  # union of the three named graphs
        # web process + zygote + 2 workers + 1 for short queries (QUERY_SHORT_WORKERS)
        assert len(_procs_mentioning(str(data))) == 5
    finally:
        proc.send_signal(stop)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    deadline = time.monotonic() + 5
    while _procs_mentioning(str(data)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _procs_mentioning(str(data))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "worker processes outlived the server"
    err = proc.stderr.read()
    assert "Traceback" not in err, err


@pytest.mark.live
@pytest.mark.slow
def test_gunicorn_preload_as_make_serve(tmp_path, protocol_trig):
    """`make serve`: gunicorn.conf.py (--preload, gthread), 2 workers, a query pool per worker, 503 at the limit."""
    import socket

    import gendata

    data = gendata.write(tmp_path / "gunicorn.trig", 3000, seed=3, extra=protocol_trig)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, KUNTAKG_DATA=str(data), KUNTAKG_QUERY_TIMEOUT="1")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([str(KUNTAKG.parent / "gunicorn"), "-c", str(root / "gunicorn.conf.py"), "--workers", "2",
                             "--bind", "127.0.0.1:%d" % port, "server:create_app()"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = "http://127.0.0.1:%d/sparql" % port
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.05)

        def get(query):
            req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": "application/sparql-results+json"})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    return r.status, json.load(r)
            except urllib.error.HTTPError as e:
                return e.code, json.load(e)

        for _ in range(6):  # reaches both gunicorn workers
            status, doc = get("ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o }")
            assert status == 200 and doc["boolean"] is True
        t = time.monotonic()
        status, doc = get("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
        assert status == 503 and "time limit" in doc["error"]
        assert time.monotonic() - t < 2.0
        assert get("ASK {}") == (200, {"head": {}, "boolean": True})
        out = subprocess.run([sys.executable, str(Path(__file__).parents[1] / "tools" / "protocol_check.py"), url,
                              "--dataset-tests=on", "--no-info"], capture_output=True, text=True, timeout=120)
        assert out.stdout.splitlines()[-1] == "57 passed, 0 failed", out.stdout
        with urllib.request.urlopen(url.rsplit("/sparql", 1)[0] + "/index.json", timeout=30) as r:
            assert r.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    # the per-request log lines reach gunicorn's stderr (create_app configures the server loggers)
    err = proc.stderr.read()
    assert re.search(r"INFO server\.sparql: GET /sparql status=200 ms=[\d.]+ rows=1 ", err), err[-3000:]
    assert re.search(r"INFO server\.http: GET /index\.json status=200 ms=", err), err[-3000:]
    deadline = time.monotonic() + 5
    while _procs_mentioning("127.0.0.1:%d" % port) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _procs_mentioning("127.0.0.1:%d" % port)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "query processes outlived gunicorn"
