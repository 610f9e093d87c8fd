"""Tidy exports (issue 16 item 3): the tables the build writes to dist/exports/, reloaded with pandas and
openpyxl and compared with the graph (the ``kg`` fixture: the same seed build in pyoxigraph); the
``kuntakg export`` command; formula-looking cells; the files at /downloads/exports/."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kuntakg.export import TABLES, Column, spreadsheet_cell, write_csv, write_xlsx

CLASSES = {"goals": "kk:Goal kk:Milestone", "actions": "kk:Action kk:Pilot kk:ServicePromise",
           "indicators": "kk:Indicator", "targets": "kk:Target", "assessments": "kk:StatusAssessment"}


@pytest.fixture(scope="session")
def exports(seed_build) -> Path:
    return seed_build.out / "exports"


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def graph_items(kg, table: str) -> set[str]:
    rows = kg.select("""SELECT DISTINCT ?x WHERE { VALUES ?c { %s } GRAPH ?g { ?x a ?c } ?g a kk:DocumentGraph }"""
                     % CLASSES[table])
    return {r["x"] for r in rows}


@pytest.mark.parametrize("table", list(TABLES))
def test_one_row_per_item_of_the_graph(exports, kg, table):
    frame = read(exports / "all" / f"{table}.csv")
    assert list(frame.columns) == [c.name for c in TABLES[table]]
    assert frame["id"].is_unique
    assert set(frame["id"]) == graph_items(kg, table)
    # the per-document tables partition the whole
    paths = [p for p in sorted(exports.glob(f"*/{table}.csv")) if p.parent.name != "all"]
    assert len(paths) >= 2
    total = 0
    for path in paths:
        part = read(path)
        total += len(part)
        assert part.empty or set(part["document"]) == {path.parent.name}
    assert total == len(frame)


def test_goal_rows_say_what_the_graph_says(exports, kg):
    goals = read(exports / "all" / "goals.csv").set_index("id")
    rows = kg.select("""SELECT ?x ?p ?l ?town ?doc WHERE { GRAPH ?g { ?x a kk:Goal } ?g prov:wasDerivedFrom ?d .
      ?d kk:municipality/kk:statisticalCode ?town . BIND(REPLACE(STR(?d), "^.*/", "") AS ?doc)
      OPTIONAL { ?x kk:contributesTo ?p } OPTIONAL { ?x skos:prefLabel ?l FILTER(LANG(?l) = "fi") } }""")
    parents: dict[str, set] = {}
    for r in rows:
        parents.setdefault(r["x"], set())
        if r["p"]:
            parents[r["x"]].add(r["p"])
        assert goals.loc[r["x"], "town"] == r["town"] and goals.loc[r["x"], "document"] == r["doc"]
    for iri, expected in parents.items():
        cell = goals.loc[iri, "parents"]
        assert set(filter(None, cell.split("; "))) == expected, iri
    fi = {r["x"]: set() for r in rows}
    for r in rows:
        if r["l"]:
            fi[r["x"]].add(r["l"])
    for iri, labels in fi.items():
        assert (goals.loc[iri, "label_fi"] in labels) if labels else goals.loc[iri, "label_fi"] == ""


def test_targets_assessments_and_source_lines(exports, kg):
    targets = pd.read_csv(exports / "all" / "targets.csv", keep_default_na=False)
    values = {r["x"]: float(r["v"]) for r in kg.select("SELECT ?x ?v WHERE { ?x kk:targetValue ?v }")}
    got = {row["id"]: float(row["target_value"]) for _, row in targets.iterrows() if row["target_value"] != ""}
    assert got == values and values
    assessments = read(exports / "all" / "assessments.csv").set_index("id")
    for r in kg.select("SELECT ?a ?s WHERE { ?a a kk:StatusAssessment ; kk:status/skos:notation ?s }"):
        assert assessments.loc[r["a"], "status"] == r["s"]
    actions = read(exports / "all" / "actions.csv").set_index("id")
    spans = kg.select("""SELECT ?x ?file ?from WHERE { ?x a kk:Action ; prov:wasDerivedFrom ?s .
      ?s kk:lineStart ?from ; kk:sourceFile/dcterms:identifier ?file }""")
    assert spans
    for r in spans:
        assert "%s:%s" % (r["file"], r["from"]) in actions.loc[r["x"], "source_lines"]
    # the latest status of an assessed action
    latest = kg.select("""SELECT ?x ?s ?d WHERE { ?a kk:about ?x ; kk:status/skos:notation ?s ; dcterms:date ?d .
      ?x a kk:Action } ORDER BY ?x ?d ?a""")
    last = {r["x"]: r["s"] for r in latest}
    for iri, status in last.items():
        assert actions.loc[iri, "status"] == status


def test_xlsx_holds_the_same_rows_and_a_dictionary(exports):
    wb = load_workbook(exports / "kuntakg-tables.xlsx", read_only=True)
    assert wb.sheetnames == list(TABLES) + ["dictionary"]
    for table in TABLES:
        frame = pd.read_excel(exports / "kuntakg-tables.xlsx", sheet_name=table, dtype=str).fillna("")
        csv_frame = read(exports / "all" / f"{table}.csv")
        assert list(frame.columns) == list(csv_frame.columns)
        assert list(frame["id"]) == list(csv_frame["id"])
    dictionary = pd.read_excel(exports / "kuntakg-tables.xlsx", sheet_name="dictionary")
    assert len(dictionary) == sum(len(c) for c in TABLES.values())
    per_doc = sorted(p.name for p in exports.glob("*.xlsx"))
    assert "kuntakg-tables.xlsx" in per_doc and len(per_doc) >= 2


def test_machine_readable_dictionary_matches_the_files(exports):
    meta = json.loads((exports / "datadictionary.json").read_text(encoding="utf-8"))
    assert meta["@context"] == "http://www.w3.org/ns/csvw"
    for t in meta["tables"]:
        header = list(read(exports / t["url"]).columns)
        assert [c["name"] for c in t["tableSchema"]["columns"]] == header
        assert all(c["dc:description"] for c in t["tableSchema"]["columns"])
    docs = Path(__file__).resolve().parent.parent / "docs" / "exports.md"
    text = docs.read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        for c in columns:
            assert f"`{c.name}`" in text, (table, c.name)


def test_formula_looking_cells_are_neutralised(tmp_path):
    cols = [Column("id", "string", ""), Column("label_fi", "string", ""), Column("target_value", "number", "")]
    rows = [{"id": "x1", "label_fi": "=HYPERLINK(\"http://evil\")", "target_value": -5},
            {"id": "x2", "label_fi": "@SUM(A1)", "target_value": 2.5},
            {"id": "x3", "label_fi": "-kehitys", "target_value": None}]
    write_csv(tmp_path / "t.csv", cols, rows)
    frame = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert list(frame["label_fi"]) == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)", "'-kehitys"]
    assert list(frame["target_value"]) == ["-5", "2.5", ""]       # numbers stay numbers
    assert spreadsheet_cell("+358 40") == "'+358 40" and spreadsheet_cell("+3") == "+3"
    from kuntakg import export as ex
    saved = ex.TABLES
    try:
        ex.TABLES = {"goals": cols}
        write_xlsx(tmp_path / "t.xlsx", {"goals": rows})
    finally:
        ex.TABLES = saved
    ws = load_workbook(tmp_path / "t.xlsx")["goals"]
    assert ws["B2"].value == "=HYPERLINK(\"http://evil\")" and ws["B2"].data_type == "s"   # text, not a formula
    assert ws["C2"].value == -5


def test_kuntakg_export_command(seed_build, tmp_path, exports):
    from kuntakg.cli import cli

    out = tmp_path / "tables"
    result = CliRunner().invoke(cli, ["export", "--dump", str(seed_build.out / "kuntakg.trig"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "goals" in result.output
    for table in TABLES:   # the same bytes as the build's (deterministic)
        assert (out / "all" / f"{table}.csv").read_bytes() == (exports / "all" / f"{table}.csv").read_bytes()
    result = CliRunner().invoke(cli, ["export", "--dump", str(tmp_path / "missing.trig")])
    assert result.exit_code == 2 and "no built dump" in result.output


def test_downloads_list_and_serve_the_tables(site_client, exports):
    r = site_client.get("/downloads/index.json")
    names = {f["name"] for f in r.get_json()["exports"]}
    assert {"all/goals.csv", "kuntakg-tables.xlsx", "datadictionary.json"} <= names
    r = site_client.get("/downloads/exports/all/goals.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.get_data() == (exports / "all" / "goals.csv").read_bytes()
    r = site_client.get("/downloads/exports/kuntakg-tables.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    for bad in ("/downloads/exports/../manifest.json", "/downloads/exports/manifest.json",
                "/downloads/exports/all/nosuch.csv", "/downloads/exports/%2e%2e/kuntakg.trig"):
        assert site_client.get(bad).status_code == 404, bad
    page = site_client.get("/downloads/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/downloads/exports/all/actions.csv"' in page
