"""The console script: every command answers --help; validate and audit exit 0/1 as documented."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg_fixtures import PORI, copy_project
from kuntakg.cli import cli

KUNTAKG = Path(sys.executable).parent / "kuntakg"


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["audit"], ["template"], ["serve"], ["themes"],
                                     ["themes", "propose"], ["format-docs"]])
def test_every_command_has_help(command):
    result = subprocess.run([str(KUNTAKG), *command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Usage:" in result.stdout, result.stderr


def test_themes_propose_writes_csv_proposals(tmp_path, monkeypatch):
    project = copy_project(tmp_path)
    monkeypatch.setenv("KUNTAKG_ROOT", str(project.root))
    tags = project.reference / "theme-tags.csv"
    tags.write_text(tags.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")  # nothing decided
    result = CliRunner().invoke(cli, ["themes", "propose"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "doc_id,row_id,theme,reason,decided_by"
    assert len(lines) > 10 and all(line.startswith(f"{PORI},") for line in lines[1:])


def test_format_docs_rewrites_only_the_generated_section(tmp_path, monkeypatch):
    project = copy_project(tmp_path)
    monkeypatch.setenv("KUNTAKG_ROOT", str(project.root))
    doc = project.root / "docs" / "import-format.md"
    doc.parent.mkdir()
    current = (Path(__file__).resolve().parent.parent / "docs" / "import-format.md").read_text(encoding="utf-8")
    head = current.partition("## Column reference\n")[0]
    doc.write_text(head + "## Column reference\nstale\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["format-docs"])
    assert result.exit_code == 0, result.output
    assert doc.read_text(encoding="utf-8") == current


def test_validate_a_good_folder(tmp_path, monkeypatch):
    project = copy_project(tmp_path)
    monkeypatch.setenv("KUNTAKG_ROOT", str(project.root))
    result = CliRunner().invoke(cli, ["validate", str(project.documents / PORI)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(": valid")


def test_validate_reports_file_row_column_and_exits_1(tmp_path, monkeypatch):
    project = copy_project(tmp_path)
    monkeypatch.setenv("KUNTAKG_ROOT", str(project.root))
    goals = project.documents / PORI / "goals.csv"
    goals.write_text(goals.read_text(encoding="utf-8").replace("op-1,operational", "op-1,yearly", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(project.documents / PORI)])
    assert result.exit_code == 1
    assert f"{goals}:5:2: level: Unknown goal level" in result.output


def test_validate_an_rdf_file(tmp_path, monkeypatch):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kk: <https://w3id.org/kuntakg/ontology#> . <http://example.org/t> a kk:Target .",
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "A target needs a numeric value or an explicit non-numeric wording" in result.output


def test_validate_unreadable_rdf_exits_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    assert CliRunner().invoke(cli, ["validate", str(bad)]).exit_code == 2


def test_audit_prints_the_coverage_table(tmp_path, monkeypatch):
    project = copy_project(tmp_path)
    monkeypatch.setenv("KUNTAKG_ROOT", str(project.root))
    result = CliRunner().invoke(cli, ["audit"])
    assert result.exit_code == 0, result.output
    assert "003_5e7cafe1eadd7847.txt" in result.output and "pori-perusturva-2018" in result.output


def test_template_round_trips_through_the_reader(tmp_path):
    from kuntakg.ingest.schema import SHEETS
    from kuntakg.ingest.tabular import read_tables

    for args, folder in ((["template", str(tmp_path / "csv")], tmp_path / "csv"),
                         (["template", "--xlsx", str(tmp_path / "xlsx" / "document.xlsx")], tmp_path / "xlsx")):
        assert CliRunner().invoke(cli, args).exit_code == 0
        tables, errors = read_tables(folder)
        assert set(tables) == {s.name for s in SHEETS}
        # The blank metadata rows are there to be filled in: each lacks its required value.
        assert errors and all(e.column == "value" and "required value is missing" in e.message for e in errors)
