"""The examples of examples/ run against a live server (issue 16, item 5), so they never rot.

* the Jupyter notebook, executed by nbclient in a fresh ipykernel with ``KUNTAKG_URL`` pointing at the
  shared live server: no cell may fail, the chart must be drawn, and the numbers it charts must be the
  graph's;
* the R script under Debian's ``Rscript`` (``make r-deps`` installs r-base-core and r-cran-jsonlite): its
  summary line must match the graph.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = [pytest.mark.slow, pytest.mark.live]
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_examples_folder_has_a_notebook_and_an_r_script():
    assert (EXAMPLES / "kuntakg-python.ipynb").is_file() and (EXAMPLES / "kuntakg.R").is_file()
    nbformat.validate(nbformat.read(EXAMPLES / "kuntakg-python.ipynb", as_version=4))


def test_notebook_runs_against_a_live_server(site_url, kg, tmp_path, monkeypatch):
    monkeypatch.setenv("KUNTAKG_URL", site_url)
    monkeypatch.setenv("KUNTAKG_EXAMPLES_OUT", str(tmp_path))
    nb = nbformat.read(EXAMPLES / "kuntakg-python.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the chart was not drawn"
    assert any(site_url in "".join(o.get("text", "")) for o in outputs)  # it used the server it was given
    assert (tmp_path / "goals-per-level.png").stat().st_size > 1000
    # the charted numbers are the graph's
    import pandas as pd

    table = pd.read_csv(tmp_path / "goals-per-level.csv", index_col="document")
    rows = kg.select("""SELECT ?doc (COUNT(DISTINCT ?goal) AS ?n) WHERE {
      ?goal a kk:Goal ; kk:goalLevel ?level ; kk:inPlan/kk:documentedIn ?doc } GROUP BY ?doc""")
    want = {r["doc"].rsplit("/", 1)[-1]: int(r["n"]) for r in rows}
    assert table.sum(axis=1).astype(int).to_dict() == want


def _rscript() -> str:
    path = shutil.which("Rscript")
    if path is None:
        pytest.fail("Rscript is missing: run `make r-deps` (apt-get install r-base-core r-cran-jsonlite)")
    return path


def test_r_script_runs_against_a_live_server(site_url, kg):
    env = {**os.environ, "KUNTAKG_URL": site_url, "LANG": "C.UTF-8"}
    proc = subprocess.run([_rscript(), "--vanilla", str(EXAMPLES / "kuntakg.R")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    got = dict(kv.split("=") for kv in line.split()[1:])
    towns = kg.select("SELECT (COUNT(DISTINCT ?t) AS ?n) (COUNT(DISTINCT ?d) AS ?docs) WHERE { "
                      "?d a kk:PlanDocument ; kk:municipality ?t . ?t kk:statisticalCode ?c }")[0]
    assessments = kg.select("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a kk:inReport ?r ; kk:status ?s . "
                            "?r a kk:ProgressReport ; kk:reportsOn/kk:municipality ?m }")[0]
    targets = kg.select("SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t kk:targetValue ?v ; kk:baselinePeriod ?p }")[0]
    assert got == {"towns": towns["n"], "documents": towns["docs"], "assessments": assessments["n"],
                   "targets_with_baseline": targets["n"]}
    assert "Pori" in proc.stdout and "609" in proc.stdout
