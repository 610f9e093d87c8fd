"""Issue 17, pipeline side (section 3, items 8-10): what an import or `kuntakg validate` may read.

8. Only plain files inside the project's folders: no '../' or absolute source file, no symbolic link in
   data/sources or in a document folder; the error names the file, row and column at fault.
9. Decompression and expansion bombs: an XLSX is bounded before openpyxl parses it (unpacked size, DTD,
   rows, columns); RDF/XML may not declare a DTD; at most 100 errors are listed ("... and N more").
10. `kuntakg validate file.jsonld` neither fetches a remote `@context` nor opens a `file:` one.

The bombs are built small and fast here; docs/reliability.md has the full-size figures.
"""
from __future__ import annotations

import csv
import http.server
import io
import json
import re
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from kg_fixtures import PORI, copy_project
from openpyxl import Workbook

from kuntakg import InvalidInput, read_all
from kuntakg.cli import cli
from kuntakg.ingest.tabular import read_tables
from kuntakg.ingest.xlsx import MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED

SECRET = "salainen-rivi-joka-ei-saa-vuotaa"


@pytest.fixture
def project(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    monkeypatch.setenv("KUNTAKG_ROOT", str(project.root))
    return project


def _metadata_cell(project, field: str) -> tuple[Path, int, int]:
    """File, row and column of a metadata field's value cell."""
    path = project.documents / PORI / "metadata.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    column = rows[0].index("value")
    number = next(i for i, r in enumerate(rows, start=1) if r[0] == field)
    return path, number, column + 1


def _set_metadata(project, field: str, value: str) -> None:
    path = project.documents / PORI / "metadata.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    column = rows[0].index("value")
    for r in rows:
        if r[0] == field:
            r[column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _errors(project) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        read_all(project)
    return [str(e) for e in info.value.errors]


# --- 8. reads outside the project ------------------------------------------------------------------

@pytest.mark.parametrize("form", ["relative", "absolute"])
def test_source_file_outside_the_sources_folder_is_refused(project, tmp_path, form):
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    name = "../../../secret.txt" if form == "relative" else str(secret)
    assert (project.sources / name).resolve() == secret.resolve()
    _set_metadata(project, "source_file", name)
    file, row, col = _metadata_cell(project, "source_file")
    errors = _errors(project)
    assert any(e.startswith(f"{file}:{row}:{col}: value: source file '{name}' must be a file name in ")
               for e in errors), errors
    result = CliRunner().invoke(cli, ["audit"])  # audit and build printed the file's lines
    assert result.exit_code == 1
    assert SECRET not in result.output
    assert f"{file}:{row}:{col}: value: source file" in result.output


def test_symbolic_link_in_the_sources_folder_is_refused(project, tmp_path):
    source = (project.documents / PORI / "metadata.csv").read_text(encoding="utf-8")
    name = next(line.split(",")[2] for line in source.splitlines() if line.startswith("source_file,"))
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes((project.sources / name).read_bytes())  # same lines: only the link is at fault
    (project.sources / name).unlink()
    (project.sources / name).symlink_to(outside)
    file, row, col = _metadata_cell(project, "source_file")
    errors = _errors(project)
    assert f"{file}:{row}:{col}: value: source file '{name}' is a symbolic link in {project.sources}: " \
           "only plain files are read" in errors, errors
    goals = project.documents / PORI / "goals.csv"
    assert any(e.startswith(f"{goals}:") and ": source: source file" in e and "symbolic link" in e
               for e in errors), errors  # each row citing lines of it, too


@pytest.mark.parametrize("table", ["people.csv", "goals.csv"])
def test_symbolic_link_in_a_document_folder_is_refused(project, tmp_path, table):
    path = project.documents / PORI / table
    outside = tmp_path / table
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    assert _errors(project) == [f"{path}:0:0: '{table}' is a symbolic link in {path.parent}: "
                                "only plain files are read"]


def test_symbolic_link_as_a_document_folder_is_refused(project, tmp_path):
    folder = project.documents / PORI
    outside = tmp_path / "outside-doc"
    folder.rename(outside)
    folder.symlink_to(outside, target_is_directory=True)
    errors = _errors(project)
    assert any(e.startswith(f"{folder}:0:0: the document folder is a symbolic link") for e in errors), errors


def test_a_fifo_named_like_a_table_is_not_opened(project):
    import os
    fifo = project.documents / PORI / "roadmaps.csv"
    os.mkfifo(fifo)  # opening it would block for ever
    assert _errors(project) == [f"{fifo}:0:0: 'roadmaps.csv' in {fifo.parent} is not a plain file"]


# --- 9. bombs ---------------------------------------------------------------------------------------

def _workbook(folder: Path) -> Path:
    """The document's CSV files as one workbook (the CSV files are removed)."""
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


def _rewrite_part(book: Path, part: str, edit) -> None:
    """Replace one part of the zip (its text through `edit`), keeping the others."""
    with zipfile.ZipFile(book) as old:
        parts = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in parts:
            new.writestr(info.filename, edit(data.decode()).encode() if info.filename == part else data)


def _sheet_part(book: Path, title: str) -> str:
    from openpyxl import load_workbook
    wb = load_workbook(book, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def _only_error(folder: Path) -> str:
    started = time.monotonic()
    tables, errors = read_tables(folder)
    assert time.monotonic() - started < 20, "the bound did not stop the reading early"
    assert len(errors) == 1, errors
    return str(errors[0])


def test_xlsx_unpacking_past_the_limit_is_refused_before_parsing(project):
    folder = project.documents / PORI
    book = _workbook(folder)
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/padding.xml", b" " * (MAX_UNPACKED + 1))
    assert book.stat().st_size < 1_000_000  # a small file ...
    message = _only_error(folder)  # ... that would unpack past the limit
    assert message.startswith(f"{book}:0:0: the workbook unpacks to ") and f"(at most {MAX_UNPACKED:,})" in message


def test_xlsx_with_a_dtd_is_refused(project):
    folder = project.documents / PORI
    book = _workbook(folder)
    part = _sheet_part(book, "goals")
    laughs = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    _rewrite_part(book, part, lambda xml: laughs + xml.replace("<t>", "<t>&b;", 1))
    message = _only_error(folder)
    assert message == (f"{book}:0:0: {part}: a document type declaration (DTD) is refused: "
                       "its entities could expand without bound")


def test_xlsx_claiming_a_million_rows_stops_at_the_row_limit(project):
    folder = project.documents / PORI
    book = _workbook(folder)
    part = _sheet_part(book, "goals")
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    _rewrite_part(book, part, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"',
                                                  xml.replace("</sheetData>", far), count=1))
    assert book.stat().st_size < 1_000_000
    assert _only_error(folder) == f"{book}[goals]:{MAX_ROWS + 1}:0: the sheet has more than {MAX_ROWS:,} rows"


def test_xlsx_value_far_to_the_right_is_refused(project):
    folder = project.documents / PORI
    book = _workbook(folder)
    part = _sheet_part(book, "goals")
    wide = '<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
    _rewrite_part(book, part, lambda xml: xml.replace('<row r="3"', wide + '<row r="3000000"', 1))
    assert _only_error(folder) == (f"{book}[goals]:3:16384: a value in column 16,384: a sheet has at most "
                                   f"{MAX_COLUMNS} columns")


def test_errors_per_sheet_stop_at_100_and_the_cli_lists_100(project):
    goals = project.documents / PORI / "goals.csv"
    with goals.open("a", encoding="utf-8") as fh:
        fh.writelines(f"bad-{i},x\n" for i in range(5000))  # short rows: one error each
    tables, errors = read_tables(goals.parent)
    assert len(errors) == 101
    assert str(errors[-1]).endswith("checking stopped after 100 errors in this sheet; the rows from here on "
                                    "were not checked")
    result = CliRunner().invoke(cli, ["validate", str(goals.parent)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(goals))]
    assert len(lines) == 100
    assert "... and 1 more" in result.output


def test_rdf_xml_with_nested_entities_is_refused(tmp_path):
    bomb = tmp_path / "bomb.rdf"
    entities = '<!ENTITY e0 "x">' + "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 6))
    bomb.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [{entities}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="http://example.org/x"><rdfs:label>&e5;</rdfs:label></rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(bomb)])
    assert result.exit_code == 2
    assert f"refused: {bomb}: a document type declaration (DTD) is refused" in result.output


def test_rdf_file_with_many_violations_lists_100(tmp_path):
    data = tmp_path / "many.ttl"
    data.write_text("@prefix kk: <https://w3id.org/kuntakg/ontology#> .\n"
                    + "".join(f"<http://example.org/t{i}> a kk:Target .\n" for i in range(60)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(data)])
    assert result.exit_code == 1
    assert len([line for line in result.output.splitlines() if line.startswith(f"{data}: <")]) == 100
    assert "... and 80 more" in result.output  # 60 targets x 3 violations


# --- 10. JSON-LD contexts ---------------------------------------------------------------------------

@pytest.fixture
def context_server():
    """A local HTTP server that serves a JSON-LD context and records every request."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            body = json.dumps({"@context": {"kk": "https://w3id.org/kuntakg/ontology#"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


_opened: list[str] = []


def _record_opens(event: str, args: tuple) -> None:
    if event == "open" and isinstance(args[0], (str, bytes, Path)):
        _opened.append(str(args[0]))


sys.addaudithook(_record_opens)  # audit hooks cannot be removed; this one only appends paths


@pytest.mark.parametrize("shape", ["string", "list", "import"])
def test_remote_jsonld_context_is_not_fetched(tmp_path, context_server, shape):
    base, hits = context_server
    url = f"{base}/context.jsonld"
    context = {"string": url, "list": [url, {"x": "http://example.org/x"}],
               "import": {"@version": 1.1, "@import": url}}[shape]
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps({"@context": context, "@id": "http://example.org/t", "@type": "kk:Target"}))
    result = CliRunner().invoke(cli, ["validate", str(doc)])
    assert hits == []  # requests are served before parse() returns: an empty list is final
    assert result.exit_code == 2
    assert f"refused: {doc}: JSON-LD context '{url}' is not loaded" in result.output


def test_file_jsonld_context_is_not_opened(tmp_path):
    context = tmp_path / "context.jsonld"
    context.write_text(json.dumps({"@context": {"kk": "https://w3id.org/kuntakg/ontology#"}}))
    doc = tmp_path / "local.jsonld"
    nested = {"@id": "http://example.org/t", "@type": "kk:Target",
              "kk:hasTarget": {"@context": context.as_uri(), "@id": "http://example.org/u"}}
    doc.write_text(json.dumps({"@context": {"kk": "https://w3id.org/kuntakg/ontology#"}, "@graph": [nested]}))
    _opened.clear()
    result = CliRunner().invoke(cli, ["validate", str(doc)])
    assert str(context) not in _opened
    assert result.exit_code == 2
    assert f"JSON-LD context '{context.as_uri()}' is not loaded" in result.output


def test_inline_jsonld_still_validates(tmp_path):
    doc = tmp_path / "inline.jsonld"
    doc.write_text(json.dumps({"@context": {"kk": "https://w3id.org/kuntakg/ontology#"},
                               "@id": "http://example.org/t", "@type": "kk:Target"}))
    result = CliRunner().invoke(cli, ["validate", str(doc)])
    assert result.exit_code == 1  # parsed: a bare target breaks the shapes
    assert "A target needs a numeric value" in result.output


def test_refused_inputs_are_checked_before_any_parse():
    from kuntakg.rdfinput import context_references
    assert list(context_references({"a": [{"@context": ["x", {"@import": "y"}]}]})) == ["x", "y"]
    assert list(context_references(json.load(io.StringIO('{"@context": {"t": {"@context": "z"}}}')))) == ["z"]
