"""The build gate: broken imports are rejected at file:row:column and dist/ is left untouched."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from kg_fixtures import PORI, REPO, copy_project
from kuntakg import InvalidInput, Project, build
from kuntakg.errors import AuditFailed, Inconsistent


def _edit(path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell of a CSV; return the 1-based row number (header = 1) that was changed."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    col = rows[0].index(column)
    for number, row in enumerate(rows[1:], start=2):
        if row[0] == row_id:
            row[col] = value
            break
    else:
        raise AssertionError(f"no row {row_id} in {path}")
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return number


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The Pori project with a good dist/, built once for this module."""
    project = copy_project(tmp_path_factory.mktemp("template"))
    build(project)
    return project


@pytest.fixture
def built(template, tmp_path):
    """A fresh copy of the template, dist/ included, to show that a failed build leaves it alone."""
    root = tmp_path / "project"
    shutil.copytree(template.root, root)
    project = Project(root=root)
    return project, _snapshot(project.dist)


def _rejected(project, before) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        build(project)
    assert _snapshot(project.dist) == before, "a failed build changed dist/"
    assert not list(project.dist.parent.glob(".dist-*")), "a failed build left its staging folder"
    return [str(e) for e in info.value.errors]


def doc(project) -> Path:
    return project.documents / PORI


def test_missing_column(built):
    project, before = built
    path = doc(project) / "goals.csv"
    rows = [r[1:] for r in csv.reader(path.open(encoding="utf-8"))]  # drop the id column
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert f"{path}:1:0: id: required column is missing" in _rejected(project, before)


def test_unknown_column(built):
    project, before = built
    path = doc(project) / "goals.csv"
    text = path.read_text(encoding="utf-8").replace("level,", "levle,", 1)
    path.write_text(text, encoding="utf-8")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:1:2: levle: unknown column") for e in errors), errors


def test_wrong_type_of_number(built):
    project, before = built
    path = doc(project) / "targets.csv"
    row = _edit(path, "t-1", "value", "20,5")
    errors = _rejected(project, before)
    assert f"{path}:{row}:3: value: The target value must be a number with '.' as decimal point. (value: 20,5)" in errors


def test_wrong_type_of_period(built):
    project, before = built
    path = doc(project) / "goals.csv"
    row = _edit(path, "op-1", "period_start", "vuosi 2018")
    errors = _rejected(project, before)
    assert f"{path}:{row}:10: period_start: 'vuosi 2018' is not a year (YYYY) or a day (YYYY-MM-DD)" in errors


def test_unknown_code_value(built):
    project, before = built
    path = doc(project) / "goals.csv"
    row = _edit(path, "op-2", "level", "annual")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:{row}:2: level: Unknown goal level") for e in errors), errors


def test_unknown_status(built):
    project, before = built
    folder = doc(project)
    (folder / "reports.csv").write_text(
        "id,title,issued,period_start,period_end,source,source_text,note\n"
        "r-1,Seuranta 2018,,2018-01-01,2018-12-31,003_5e7cafe1eadd7847.txt:43,,\n", encoding="utf-8")
    (folder / "assessments.csv").write_text(
        "id,report,about,text,status,reason,date,source,source_text,note\n"
        "s-1,r-1,op-1,Toteutunut.,finished,,,003_5e7cafe1eadd7847.txt:43,,\n", encoding="utf-8")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{folder / 'assessments.csv'}:2:5: status: Unknown status") for e in errors), errors


def test_dangling_parent_id(built):
    project, before = built
    path = doc(project) / "goals.csv"
    row = _edit(path, "op-3", "contributes_to", "lt-9")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:{row}:6: contributes_to: The higher goal or action does not exist")
               for e in errors), errors


def test_operational_goal_outside_the_cascade(built):
    project, before = built
    path = doc(project) / "goals.csv"
    row = _edit(path, "op-3", "contributes_to", "")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:{row}:") and "must contribute to a higher-level goal" in e for e in errors), errors


def test_cycle_in_the_cascade(built):
    project, before = built
    path = doc(project) / "goals.csv"
    _edit(path, "lt-1", "contributes_to", "op-1")
    errors = _rejected(project, before)
    assert any("cycle" in e for e in errors), errors


def test_duplicate_id(built):
    project, before = built
    path = doc(project) / "actions.csv"
    row = _edit(path, "a-2", "id", "a-1")
    assert f"{path}:{row}:1: id: id 'a-1' is already used in the actions sheet" in _rejected(project, before)


def test_source_text_must_occur_in_cited_lines(built):
    project, before = built
    path = doc(project) / "targets.csv"
    row = _edit(path, "t-1", "source_text", "nostaminen 30 %")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:{row}:13: source_text: the quoted source text does not occur") for e in errors)


def test_source_lines_outside_the_file(built):
    project, before = built
    path = doc(project) / "actions.csv"
    row = _edit(path, "a-1", "source", "003_5e7cafe1eadd7847.txt:900-901")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:{row}:14: source: lines 900-901 are outside") for e in errors), errors


def test_malformed_csv(built):
    project, before = built
    path = doc(project) / "promises.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write('pl-3,"Lupaus ilman loppulainausmerkkiä,,,,,,,,,,003_5e7cafe1eadd7847.txt:66,,\n')
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:") and "malformed CSV" in e for e in errors), errors


def test_csv_with_a_short_row(built):
    project, before = built
    path = doc(project) / "promises.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("pl-3,Lyhyt rivi\n")
    assert f"{path}:4:0: row has 2 cells, header has 14" in _rejected(project, before)


def test_csv_not_utf8(built):
    project, before = built
    path = doc(project) / "people.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    errors = _rejected(project, before)
    assert any(e.startswith(f"{path}:0:0: not UTF-8 text") for e in errors), errors


def test_malformed_xlsx(built):
    project, before = built
    folder = doc(project)
    for p in folder.glob("*.csv"):
        p.unlink()
    (folder / "document.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    errors = _rejected(project, before)
    assert any(e.startswith(f"{folder / 'document.xlsx'}:0:0: not a readable XLSX workbook") for e in errors), errors


def _to_workbook(folder: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    for path in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(path.stem)
        for row in csv.reader(path.open(encoding="utf-8")):
            sheet.append(row)
        path.unlink()
    target = folder / "document.xlsx"
    book.save(target)
    return target


def test_xlsx_gives_the_same_graph_as_csv(tmp_path):
    csv_project = copy_project(tmp_path / "csv")
    xlsx_project = copy_project(tmp_path / "xlsx")
    _to_workbook(xlsx_project.documents / PORI)
    build(csv_project)
    build(xlsx_project)
    csv_nq = (csv_project.dist / "kuntakg.nq").read_bytes()
    xlsx_nq = (xlsx_project.dist / "kuntakg.nq").read_bytes()
    # Only kk:importRow differs: it names the table the row came from (and so the dataset version, whose
    # content digest covers it: kuntakg/release.py).
    strip = lambda data: sorted(line for line in data.splitlines()  # noqa: E731
                                if b"#importRow>" not in line and b"<http://www.w3.org/ns/dcat#version>" not in line)
    assert strip(csv_nq) == strip(xlsx_nq)
    assert b'"goals.csv#row=5"' in csv_nq and b'"document.xlsx[goals]#row=5"' not in csv_nq


def test_xlsx_errors_name_sheet_row_and_column(built):
    project, before = built
    _edit(doc(project) / "goals.csv", "op-1", "level", "annual")
    workbook = _to_workbook(doc(project))
    errors = _rejected(project, before)
    assert any(e.startswith(f"{workbook}[goals]:5:2: level: Unknown goal level") for e in errors), errors


def test_audit_finds_unrepresented_content(built):
    project, before = built
    # The metric of line 194 now claims to come from line 193: line 194 is represented by nothing.
    _edit(doc(project) / "indicators.csv", "vp-m-5", "source", "003_5e7cafe1eadd7847.txt:193")
    with pytest.raises(AuditFailed) as info:
        build(project)
    assert "003_5e7cafe1eadd7847.txt:194: missing: 'omaishoitajien asiakastyytyväisyys'" in info.value.missing
    assert _snapshot(project.dist) == before


def test_inconsistent_ontology_and_data(built):
    """HermiT runs in the build: an axiom the Pori data contradicts stops it, dist/ untouched."""
    project, before = built
    with (project.ontology_dir / "kuntakg.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\nkk:OperationalGoal owl:disjointWith kk:MeasurableElement .\n")
    with pytest.raises(Inconsistent):
        build(Project(root=project.root))
    assert _snapshot(project.dist) == before


def test_two_builds_are_byte_identical(tmp_path):
    """Separate processes with different hash seeds, so set and dict order cannot leak into output."""
    project = copy_project(tmp_path / "p")
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"dist{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "KUNTAKG_ROOT": str(project.root)}
        subprocess.run([sys.executable, "-m", "kuntakg.cli", "build", "--out", str(out)], env=env, check=True,
                       capture_output=True)
        outs.append(_snapshot(out))
    assert outs[0] == outs[1]
    assert {"kuntakg.trig", "kuntakg.nq", "kuntakg.jsonld", f"{PORI}.ttl", "manifest.json"} <= set(outs[0])


def test_interrupted_swap_is_recovered(built):
    project, before = built
    previous = project.dist.with_name("dist.previous")
    project.dist.rename(previous)  # as if a build died between the two renames of the swap
    build(project)
    assert project.dist.is_dir() and not previous.exists()


def test_nothing_reads_the_shared_folder():
    """The project stands alone: no code, data or test refers to ../shared."""
    offenders = [p for folder in ("kuntakg", "server", "tests", "data/documents")
                 for p in (REPO / folder).rglob("*") if p.is_file() and p.suffix in (".py", ".csv")
                 and "../shared" in p.read_text(encoding="utf-8", errors="ignore") and p.name != "test_build.py"]
    assert offenders == []


def test_each_document_graph_records_its_size(seed_build):
    """void:triples of each document's graph (build graph, issue 15: the documents listing reads it
    instead of counting every graph) is the number of quads the dump has in that graph."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(seed_build.out / "kuntakg.nq"), format=ox.RdfFormat.N_QUADS)
    recorded = {s["graph"].value: int(s["n"].value) for s in store.query(
        "SELECT ?graph ?n WHERE { ?graph a <https://w3id.org/kuntakg/ontology#DocumentGraph> ; "
        "<http://rdfs.org/ns/void#triples> ?n }", use_default_graph_as_union=True)}
    counted = {s["graph"].value: int(s["n"].value) for s in store.query(
        "SELECT ?graph (COUNT(*) AS ?n) WHERE { ?graph a <https://w3id.org/kuntakg/ontology#DocumentGraph> . "
        "GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph", use_default_graph_as_union=True)}
    assert recorded == counted and len(recorded) == len(seed_build.documents)


def _continues_another(folder: Path) -> bool:
    return any(row.get("continues") for path in folder.glob("*.csv")
               for row in csv.DictReader(path.open(encoding="utf-8", newline="")))


def test_violations_found_while_reading_and_after_are_reported_together_in_folder_order(tmp_path):
    """Issue 15: a document that continues no other is validated by the process that read it, one that
    continues another after every document was read; the build reports both, in folder order."""
    later, alone = "loviisa-perusturva-2021", PORI
    project = copy_project(tmp_path / "project", ("loviisa-perusturva-2020", later, alone))
    assert _continues_another(project.documents / later) and not _continues_another(project.documents / alone)
    rows = {}
    for name in (later, alone):
        path = project.documents / name / "targets.csv"
        first = next(csv.DictReader(path.open(encoding="utf-8", newline="")))["id"]
        rows[name] = (path, _edit(path, first, "baseline_value", "1,5"))
    with pytest.raises(InvalidInput) as info:
        build(project)
    errors = [str(e) for e in info.value.errors]
    where = []
    for name in (later, alone):
        path, row = rows[name]
        hits = [i for i, e in enumerate(errors) if e.startswith(f"{path}:{row}:")
                and "The baseline value must be a number" in e]
        assert hits, (name, errors)
        where.append(hits[0])
    assert where[0] < where[1], errors
    assert not project.dist.exists()
