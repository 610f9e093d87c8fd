"""deploy/virtuoso.py (issue 15): a build bulk-loaded into Virtuoso, our app in front (STORE=remote).

Needs Debian's virtuoso-opensource (virtuoso-t, isql-vt); skipped, saying so, where it is missing."""
from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from kg_fixtures import REPO
from sparql_fixtures import free_port

from kuntakg import Project, build

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None,
                       reason="Virtuoso is not installed (apt-get install virtuoso-opensource)"),
]


def _get(url: str) -> dict:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with opener.open(request, timeout=120) as response:
        return json.load(response)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_virtuoso_recipe_serves_the_build_through_our_api(tmp_path):
    root = tmp_path / "project"
    generate(root, docs=2)
    report = build(Project(root=root), reasoner="rules", use_cache=False)
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(REPO / "deploy" / "virtuoso.py"), "--dist", str(report.out),
                             "--state", str(tmp_path / "state"), "--port", str(port), "--memory-gb", "0.25"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # the event: "ready …" once the app accepts, or EOF on failure
        if not line.startswith("ready "):
            proc.wait(60)
            pytest.fail(f"no 'ready' line ({line!r}); stderr: {proc.stderr.read()}")
        # every graph of the build, quad for quad, through our /sparql
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        body = _get(f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query}))
        held = {b["g"]["value"]: int(b["n"]["value"]) for b in body["results"]["bindings"]}
        assert {g: held.get(g) for g in report.manifest["graphs"]} == report.manifest["graphs"]
        # a stored query through the API: the same rows as the embedded store gives for its text
        api = _get(f"http://127.0.0.1:{port}/api/queries/documents.json")
        store = ox.Store()
        store.bulk_load(path=str(report.out / "kuntakg.nq"), format=ox.RdfFormat.N_QUADS)
        text = (REPO / "queries" / "documents.rq").read_text(encoding="utf-8")
        embedded = list(store.query(text, use_default_graph_as_union=True))
        assert len(api["rows"]) == len(embedded) == len(report.documents)
        assert sorted(r["doc"] for r in api["rows"]) == sorted(s["doc"].value for s in embedded)
        assert sorted(r["triples"] for r in api["rows"]) == sorted(int(s["triples"].value) for s in embedded)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(180)
    assert code == 0, proc.stderr.read()
    assert not _listening(port)
    # the state folder is reused for the same build (no second load), refused for another one
    (report.out / "manifest.json").write_text("{}", encoding="utf-8")
    refused = subprocess.run([sys.executable, str(REPO / "deploy" / "virtuoso.py"), "--dist", str(report.out),
                              "--state", str(tmp_path / "state"), "--port", str(free_port())],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1
    assert "not a build's manifest" in refused.stderr


def test_recipe_refuses_a_folder_without_a_build(tmp_path):
    done = subprocess.run([sys.executable, str(REPO / "deploy" / "virtuoso.py"), "--dist", str(tmp_path),
                           "--state", str(tmp_path / "state")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "holds no build" in done.stderr
