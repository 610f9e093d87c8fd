"""`kuntakg serve` end to end: a subprocess on a free port, real HTTP, clean shutdown."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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
    proc = subprocess.Popen([str(KUNTAKG), "serve", "--port", "0", "--data", str(data), "--timeout", "5",
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, line + proc.stderr.read()
        url = next(w for w in line.split() if w.startswith("http://"))
        q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        req = urllib.request.Request(url + "?" + q, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            doc = json.load(r)
        assert doc["results"]["bindings"][0]["n"]["value"] == "3"  # union of the three named graphs
        # web process + zygote + 2 workers
        assert len(_procs_mentioning(str(data))) == 4
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
