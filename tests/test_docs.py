"""Documentation stays in step with the code: the import-format reference and the template."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kuntakg.ingest.docs import updated
from kuntakg.ingest.schema import SHEETS
from kuntakg.ingest.tabular import read_tables

ROOT = Path(__file__).resolve().parent.parent


def test_import_format_reference_is_current():
    path = ROOT / "docs" / "import-format.md"
    text = path.read_text(encoding="utf-8")
    schemes = Graph().parse(ROOT / "ontology" / "schemes.ttl")
    assert text == updated(text, schemes), "run: kuntakg format-docs"


def test_committed_template_has_every_sheet_and_column():
    for folder in (ROOT / "docs" / "template" / "csv", ROOT / "docs" / "template"):
        tables, _ = read_tables(folder) if folder.name == "csv" else read_tables_xlsx(folder)
        assert set(tables) == {s.name for s in SHEETS}


def read_tables_xlsx(folder: Path):
    only = folder / "xlsx-only"
    only.mkdir(exist_ok=True)
    try:
        (only / "document.xlsx").write_bytes((folder / "document.xlsx").read_bytes())
        return read_tables(only)
    finally:
        for p in only.iterdir():
            p.unlink()
        only.rmdir()


def test_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("make run") and lines[2].startswith("make test")


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
