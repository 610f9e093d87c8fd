"""Import fuzzing: mutated CSV/XLSX documents end in a valid build or a clear file:row:column error.

A small valid document that uses every sheet (tests/fixtures/fuzz/fuzz-kunta-2020, citing
tests/fixtures/fuzz/fuzz-source.txt) is mutated by hypothesis at four levels:

* bytes: wrong encodings, BOMs, NUL and control characters, truncation, CR/CRLF mixes, stray quotes,
  corrupt zip bytes and corrupt workbook parts;
* cells: formula-looking values, numbers with commas, blanks, very long ids, confusables, dates and
  years out of range, huge cells;
* structure: duplicated ids, cycles in the goal cascade, dangling and wrong-sheet references, rows
  added or removed, columns dropped, renamed or duplicated, sheets dropped or renamed;
* metadata: fields changed, repeated, dropped or misspelt.

The oracle, for every case: success, or a KuntaKGError whose errors name a file of the document (and
the row and column at fault, in the project's `file:row:col` form); never another exception, never
a hang (each case runs under an alarm), and in the build tier dist/ byte-for-byte unchanged after a
failure. What passes `kuntakg validate` must also convert for publishing (pyoxigraph); a successful
build's published dump must pass the shapes again and load into the server's store.

Two tiers: many cases through the path of `kuntakg validate <folder>` (read + SHACL), a few through
`kuntakg.build.build`. Outcome tallies go to test-artifacts/fuzz/import-<tier>.json.
"""
from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import signal
import struct
import time
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rdflib import Dataset, Graph
from rdflib.namespace import SH

from kg_fixtures import REPO, copy_project
from kuntakg import InvalidInput, KuntaKGError, Project, build
from kuntakg.build import validate_all
from kuntakg.errors import AuditFailed, InputError
from kuntakg.ingest import document_ids, read_document
from kuntakg.ingest.schema import DATE, DECIMAL, PERIOD, REF, SHEETS_BY_NAME
from kuntakg.ingest.sources import SourceTexts
from kuntakg.publish import to_quads
from kuntakg.reference import reference_graph
from kuntakg.validate import check
from soak import SOAK, sized

pytestmark = pytest.mark.fuzz

FIXTURES = Path(__file__).parent / "fixtures" / "fuzz"
DOC_ID = "fuzz-kunta-2020"
SOURCE = "fuzz-source.txt"
TALLIES = REPO / "test-artifacts" / "fuzz"
# Hang detectors only (a case takes well under a second to a few seconds): generous, because other
# work shares the machine and a test must not depend on its speed.
VALIDATE_TIMEOUT, BUILD_TIMEOUT = 120, 600

Doc = dict[str, list[list[str]]]  # sheet -> rows, header first


def _load_fixture() -> Doc:
    return {p.stem: [list(r) for r in csv.reader(p.open(encoding="utf-8", newline=""))]
            for p in sorted((FIXTURES / DOC_ID).glob("*.csv"))}


BASE = _load_fixture()
IDS = sorted({r[0] for name, rows in BASE.items() if name not in ("metadata", "translations") for r in rows[1:]})


# -- cell values --------------------------------------------------------------------------------
FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", "+1", "-1", "@SUM(A1:A2)", "=HYPERLINK(\"http://x\")", "-=1", "+lt-1"]
NUMBERS = ["1,5", "1 000", "20 %", "1e5", "NaN", "Infinity", "-0", "0x10", "١٢", "1.2.3", "½"]
BLANKS = ["", " ", "\t", "\u00a0", "\u3000", "\u200b", "\ufeff"]
DATES = ["0000", "99999", "2020-02-30", "2020-13-01", "0000-01-01", "9999-12-31", "-2020", "2020-1-1",
         "2020/01/01", "1.1.2020", "20200101", "٢٠٢٠", "2019-02-29", "2020-02-29", "1899-12-31", "2020-01-01T00:00"]
CONFUSABLES = ["lt‐1", "lt\u20111", "ⅼt-1", "Lt-1", "lt-1 ", "op-1\u200b", "ор-1", "a-１", "lt--1", "-lt-1", "lt_1"]
CONTROL = ["\x00", "\x01", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\u202e", "\r", "\n", "\r\n", "\"", "'", ";", ";;", "\\"]
TEXT_VALUES = st.one_of(
    st.sampled_from(FORMULAS + NUMBERS + BLANKS + DATES + CONFUSABLES + CONTROL),
    st.sampled_from(IDS),
    st.lists(st.sampled_from(IDS + ["municipality", "nope-404"]), min_size=2, max_size=4).map(";".join),
    st.integers(1, 400).map(lambda n: "a" * n),  # very long ids
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
HUGE = st.sampled_from([200_000, 1_100_000, 3_000_000]).map(lambda n: "Hyvinvointi " * (n // 12))


@dataclass
class Case:
    doc: Doc
    log: list[str] = field(default_factory=list)
    form: str = "csv"  # csv | xlsx
    typed: bool = False  # xlsx: numbers and dates written as native cell types
    damage: str = ""  # bytes-level damage, for the record
    raw: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, as written

    def __repr__(self) -> str:  # what hypothesis prints for a failing case: the recipe, not the bytes
        return f"Case(log={self.log!r}, form={self.form!r}, typed={self.typed}, damage={self.damage!r})"


# -- mutations: each takes the document and a draw function and says what it did -----------------
def _content_rows(doc: Doc) -> list[tuple[str, int]]:
    return [(name, i) for name, rows in doc.items() for i in range(1, len(rows))]


def _pick_cell(doc: Doc, draw, kinds: tuple[str, ...] | None = None) -> tuple[str, int, int] | None:
    cells = []
    for name, rows in doc.items():
        sheet = SHEETS_BY_NAME.get(name)
        for c, header in enumerate(rows[0] if rows else []):
            kind = next((col.kind for col in sheet.all_columns if col.name == header), None) if sheet else None
            if kinds is None or kind in kinds:
                cells += [(name, r, c) for r in range(1, len(rows)) if c < len(rows[r])]
    return draw(st.sampled_from(cells)) if cells else None


def set_cell(doc: Doc, draw) -> str:
    where = _pick_cell(doc, draw)
    if where is None:
        return "set_cell: no cell"
    name, r, c = where
    value = draw(st.one_of(TEXT_VALUES, HUGE) if draw(st.integers(0, 30)) == 0 else TEXT_VALUES)
    doc[name][r][c] = value
    return f"set_cell {name}[{r}][{doc[name][0][c]}] = {value[:40]!r}{'...' if len(value) > 40 else ''}"


def set_typed_cell(doc: Doc, draw) -> str:
    """Numbers, dates and references of the wrong shape where they are parsed."""
    where = _pick_cell(doc, draw, (DECIMAL, PERIOD, DATE, REF))
    if where is None:
        return "set_typed_cell: no cell"
    name, r, c = where
    value = draw(st.sampled_from(DATES + NUMBERS + CONFUSABLES + ["nope-404", "municipality", ""] + IDS))
    doc[name][r][c] = value
    return f"set_typed_cell {name}[{r}][{doc[name][0][c]}] = {value!r}"


def duplicate_id(doc: Doc, draw) -> str:
    rows = [(n, i) for n, i in _content_rows(doc) if n not in ("metadata", "translations")]
    if len(rows) < 2:
        return "duplicate_id: too few rows"
    (n1, i1), (n2, i2) = draw(st.lists(st.sampled_from(rows), min_size=2, max_size=2, unique=True))
    doc[n2][i2][0] = doc[n1][i1][0]
    return f"duplicate_id {n2}[{i2}] = {doc[n1][i1][0]}"


def cascade_cycle(doc: Doc, draw) -> str:
    """A higher goal made to serve something that (transitively) serves it."""
    goals = doc.get("goals", [])
    if len(goals) < 2 or "contributes_to" not in goals[0]:
        return "cascade_cycle: no cascade"
    c = goals[0].index("contributes_to")
    r = draw(st.integers(1, len(goals) - 1))
    target = draw(st.sampled_from(["op-1", "a-1", "a-2", "pl-1", "mi-1", "lt-1", goals[r][0]]))
    goals[r][c] = ";".join(v for v in (goals[r][c], target) if v)
    return f"cascade_cycle goals[{r}].contributes_to += {target}"


def dangling_ref(doc: Doc, draw) -> str:
    where = _pick_cell(doc, draw, (REF,))
    if where is None:
        return "dangling_ref: no ref"
    name, r, c = where
    doc[name][r][c] = draw(st.sampled_from(["nope-404", "lt-9", "perusturva-x", "maija", "k-2"]))
    return f"dangling_ref {name}[{r}][{doc[name][0][c]}] = {doc[name][r][c]}"


def add_row(doc: Doc, draw) -> str:
    name = draw(st.sampled_from(sorted(doc)))
    rows = doc[name]
    if len(rows) < 2:
        rows.append([""] * len(rows[0]) if rows else ["x"])
        return f"add_row {name}: blank"
    new = list(draw(st.sampled_from(rows[1:])))
    if draw(st.booleans()) and name not in ("metadata",):
        new[0] = f"{new[0]}-b"  # a fresh id: a whole new item, not a duplicate
    rows.insert(draw(st.integers(1, len(rows))), new)
    return f"add_row {name}: {new[0]}"


def remove_row(doc: Doc, draw) -> str:
    rows = _content_rows(doc)
    if not rows:
        return "remove_row: none"
    name, i = draw(st.sampled_from(rows))
    del doc[name][i]
    return f"remove_row {name}[{i}]"


def ragged_row(doc: Doc, draw) -> str:
    rows = _content_rows(doc)
    if not rows:
        return "ragged_row: none"
    name, i = draw(st.sampled_from(rows))
    if draw(st.booleans()) and doc[name][i]:
        doc[name][i].pop()
        return f"ragged_row {name}[{i}]: one cell short"
    doc[name][i].append(draw(st.sampled_from(["", "extra"])))
    return f"ragged_row {name}[{i}]: one cell more"


def edit_columns(doc: Doc, draw) -> str:
    name = draw(st.sampled_from(sorted(doc)))
    rows = doc[name]
    if not rows or not rows[0]:
        return f"edit_columns {name}: no header"
    c = draw(st.integers(0, len(rows[0]) - 1))
    op = draw(st.sampled_from(["drop", "rename", "duplicate", "swap", "blank", "case", "pad"]))
    header = rows[0][c]
    for row in rows:
        if c >= len(row):
            continue
        if op == "drop":
            del row[c]
        elif op == "duplicate":
            row.insert(c, row[c])
        elif op == "swap" and c + 1 < len(row) and row is not rows[0]:
            row[c], row[c + 1] = row[c + 1], row[c]
    if op == "rename":
        rows[0][c] = draw(st.sampled_from([header + "x", "levle", "ID", "Label", "lähde", "=id", ""]))
    elif op == "blank":
        rows[0][c] = ""
    elif op == "case":
        rows[0][c] = header.upper()
    elif op == "pad":
        rows[0][c] = f" {header}\t"
    return f"edit_columns {name}.{header}: {op}"


def edit_sheets(doc: Doc, draw) -> str:
    name = draw(st.sampled_from(sorted(doc)))
    op = draw(st.sampled_from(["drop", "rename", "empty", "header-only", "extra"]))
    if op == "drop":
        del doc[name]
    elif op == "rename":
        doc[draw(st.sampled_from([name + "s", name.capitalize(), "sheet1", "goals-2"]))] = doc.pop(name)
    elif op == "empty":
        doc[name] = []
    elif op == "header-only":
        doc[name] = doc[name][:1]
    else:
        doc["notes"] = [["id", "text"], ["n-1", "hello"]]
    return f"edit_sheets {name}: {op}"


METADATA_VALUES = {
    "id": ["fuzz-kunta-2021", "Fuzz-Kunta-2020", "", "fuzz kunta", "../x"],
    "municipality": ["000", "91", "0609", "999", "Pori", "٦٠٩", "609 "],
    "language": ["FI", "fin", "de", "", "en", "sv"],
    "plan_type": ["Strategy", "programme ", "roadmap", ""],
    "licence": ["not an iri", "http://exa mple.org/", "<http://x>", "urn:x", "CC-BY-4.0", "http://x/\"y\"", "javascript:alert(1)"],
    "source_url": ["not an iri", "http://exa mple.org/{x}", "ftp://x", "http://x/<y>"],
    "source_file": ["missing.txt", "../audit/README.md", "", ".", "/etc/passwd", "fuzz-source.txt\x00", "sub/fuzz-source.txt",
                    "003_5e7cafe1eadd7847.txt"],
    "issued": DATES,
    "period_start": DATES + ["2023"],
    "period_end": DATES + ["2019"],
    "issuing_body": ["nope-404", "lt-1", "municipality", "ohjausryhma"],
    "title": ["", "x" * 5000, "=cmd|' /C calc'!A0"],
}


def edit_metadata(doc: Doc, draw) -> str:
    meta = doc.get("metadata")
    if not meta or len(meta) < 2 or meta[0][:3] != ["field", "lang", "value"]:
        return "edit_metadata: no metadata"
    r = draw(st.integers(1, len(meta) - 1))
    row = meta[r]
    op = draw(st.sampled_from(["value", "value", "value", "repeat", "drop", "misspell", "lang", "source"]))
    if op == "value" and row[0] in METADATA_VALUES:
        row[2] = draw(st.sampled_from(METADATA_VALUES[row[0]]))
        return f"edit_metadata {row[0]} = {row[2][:40]!r}"
    if op == "repeat":
        meta.append(list(row))
    elif op == "drop":
        del meta[r]
    elif op == "misspell":
        row[0] = draw(st.sampled_from([row[0] + "x", row[0].upper(), "titel", "licence ", "license"]))
    elif op == "lang":
        row[1] = draw(st.sampled_from(["", "FI", "de", "fi-FI", "sv", "en"]))
    elif op == "source" and len(row) > 3:
        row[3] = draw(st.sampled_from([f"{SOURCE}:0", f"{SOURCE}:99", f"{SOURCE}:3-1", f"{SOURCE}", "nope.txt:1",
                                        f"{SOURCE}:99999999999999999999", f"{SOURCE}:١", "../x.txt:1", f"{SOURCE}:1;;"]))
    return f"edit_metadata {row[0]}: {op}"


def edit_source(doc: Doc, draw) -> str:
    rows = [(n, i) for n, i in _content_rows(doc) if doc[n][0][-3:] == ["source", "source_text", "note"]]
    if not rows:
        return "edit_source: none"
    name, i = draw(st.sampled_from(rows))
    row = doc[name][i]
    if len(row) < 3:
        return "edit_source: short row"
    if draw(st.booleans()):
        row[-3] = draw(st.sampled_from([f"{SOURCE}:0", f"{SOURCE}:17", f"{SOURCE}:2-1", f"{SOURCE}:1-16", f"{SOURCE}",
                                         "nope.txt:1", f"{SOURCE}:1e3", f"{SOURCE}:-1", f" {SOURCE} : 3 ", "", ";",
                                         f"{SOURCE}:99999999999999999999999"]))
        return f"edit_source {name}[{i}].source = {row[-3]!r}"
    row[-2] = draw(st.sampled_from(["Ei esiinny lähteessä", "  ", "Hyvinvointijohtaja", "x" * 3000]))
    return f"edit_source {name}[{i}].source_text = {row[-2][:30]!r}"


MUTATIONS = (set_cell, set_cell, set_typed_cell, duplicate_id, cascade_cycle, dangling_ref, add_row, remove_row,
             ragged_row, edit_columns, edit_sheets, edit_metadata, edit_metadata, edit_source)


# -- writing a case out ---------------------------------------------------------------------------
def csv_bytes(rows: list[list[str]]) -> bytes:
    # Python 3.11's writer leaves a lone CR in a cell unquoted, and a reader (ours, a spreadsheet's)
    # takes it for a line break: the file would not hold the table meant. Bare line breaks are the
    # bytes-level mutations' business.
    lone_cr = any("\r" in v for row in rows for v in row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL if lone_cr else csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue().encode("utf-8")


def _native(value: str):
    """A cell as a spreadsheet would store what was typed: numbers and dates become numbers and dates."""
    if re.fullmatch(r"-?\d{1,15}", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+|NaN|Infinity", value):
        return float(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def xlsx_bytes(doc: Doc, typed: bool) -> bytes:
    book = Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = FIXED_TIME  # same bytes for the same case
    for name, rows in doc.items():
        sheet = book.create_sheet(name)
        for row in rows:
            # A workbook cannot hold XML-illegal characters (openpyxl refuses them, as Excel does).
            cells = [ILLEGAL_CHARACTERS_RE.sub("", v) for v in row]
            sheet.append([_native(v) for v in cells] if typed else cells)
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as saved:
        return _zip({m: saved.read(m) for m in saved.namelist()})


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip with fixed member times, so that the same case gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, body in members.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED  # as Excel and openpyxl write them
            book.writestr(info, body)
    return out.getvalue()


FIXED_TIME = dt.datetime(2020, 1, 1)
ENCODINGS = ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32", "utf-8-sig", "mac-roman", "cp437"]


def _position(draw, data: bytes) -> int:
    """A position drawn as a fraction of the length, so that draws do not depend on exact sizes."""
    return draw(st.integers(0, 9999)) * len(data) // 10_000


def csv_damage(draw, raw: dict[str, bytes]) -> str:
    name = draw(st.sampled_from(sorted(raw)))
    data = raw[name]
    op = draw(st.sampled_from(["encode", "bom", "control", "truncate", "crlf", "cr", "mixed", "quote", "flip", "empty",
                               "huge"]))
    pos = _position(draw, data)
    if op == "encode":
        enc = draw(st.sampled_from(ENCODINGS))
        raw[name] = data.decode("utf-8").encode(enc, errors="replace")
        return f"{name}: re-encoded as {enc}"
    if op == "bom":
        raw[name] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    elif op == "control":
        raw[name] = data[:pos] + draw(st.sampled_from([b"\x00", b"\x01", b"\x1a", b"\x0b", b"\x85", b"\xc2\x85",
                                                       b"\xe2\x80\xa8", b"\x00" * 100])) + data[pos:]
    elif op == "truncate":
        raw[name] = data[:pos]
    elif op == "crlf":
        raw[name] = data.replace(b"\n", b"\r\n")
    elif op == "cr":
        raw[name] = data.replace(b"\n", b"\r")
    elif op == "mixed":
        raw[name] = b"".join(line + draw(st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\r"]))
                             for line in data.split(b"\n"))
    elif op == "quote":
        raw[name] = data[:pos] + b'"' + data[pos:]
    elif op == "flip":
        raw[name] = data[:pos] + bytes([data[pos] ^ draw(st.integers(1, 255))]) + data[pos + 1:] if data else data
    elif op == "empty":
        raw[name] = b""
    elif op == "huge":
        raw[name] = data.rstrip(b"\n") + b"," + b"x" * draw(st.sampled_from([131_073, 2_000_000])) + b"\n"
    return f"{name}: {op} at {pos}"


def xlsx_damage(draw, raw: dict[str, bytes]) -> str:
    name = next(iter(raw))
    data = raw[name]
    op = draw(st.sampled_from(["truncate", "flip", "garbage", "member", "member", "drop-member"]))
    pos = _position(draw, data)
    if op == "truncate":
        raw[name] = data[:pos]
    elif op == "flip":
        raw[name] = data[:pos] + bytes([data[pos] ^ draw(st.integers(1, 255))]) + data[pos + 1:]
    elif op == "garbage":
        raw[name] = b"PK\x03\x04" + draw(st.binary(max_size=64))
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            members = {m: book.read(m) for m in book.namelist()}
        member = draw(st.sampled_from(sorted(members)))
        if op == "drop-member":
            del members[member]
        else:
            body = members[member]
            cut = _position(draw, body)
            members[member] = draw(st.sampled_from([body[:cut], body[:cut] + b"<x>" + body[cut:],
                                                    body.replace(b"<c ", b"<c t=\"n\" ", 1),
                                                    body.replace(b"<v>", b"<v>x", 1), b"\x00\xff"]))
        raw[name] = _zip(members)
        return f"{name}: {op} {member}"
    return f"{name}: {op} at {pos}"


@st.composite
def cases(draw) -> Case:
    case = Case(copy.deepcopy(BASE))
    for _ in range(draw(st.integers(0, 3))):
        mutate = draw(st.sampled_from(MUTATIONS))
        case.log.append(mutate(case.doc, draw))
    case.form = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    if case.form == "csv":
        case.raw = {f"{name}.csv": csv_bytes(rows) for name, rows in case.doc.items()}
    else:
        case.typed = draw(st.booleans())
        case.raw = {"document.xlsx": xlsx_bytes(case.doc, case.typed)}
    if draw(st.integers(0, 3)) == 0:
        case.damage = (csv_damage if case.form == "csv" else xlsx_damage)(draw, case.raw)
    return case


# -- running a case -------------------------------------------------------------------------------
class Hang(Exception):
    """A case ran past its time limit."""


@contextmanager
def time_limit(seconds: int):
    def on_alarm(signum, frame):
        raise Hang(f"no outcome after {seconds} s")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write_case(project: Project, case: Case) -> Path:
    folder = project.documents / DOC_ID
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in case.raw.items():
        (folder / name).write_bytes(data)
    return folder


def validate_folder(project: Project, folder: Path, reference: Graph) -> None:
    """What `kuntakg validate <folder>` does (kuntakg.cli._validate_folder), raising instead of exiting."""
    known = {f.name: document_ids(f, project.minter) for f in project.document_folders()}
    target = read_document(folder, project.minter, SourceTexts(project.sources), project.status_rules, known)
    if target.errors:
        raise InvalidInput(target.errors)
    validate_all(project, [target], reference, jobs=1)
    # What `kuntakg validate` passes must also publish: the dumps go through pyoxigraph, which
    # refuses what rdflib lets by (an invalid IRI, say).
    to_quads({project.minter.document_graph(DOC_ID): target.graph})


_FILE = re.compile(r"^(?P<path>.*?)(?:\[(?P<sheet>[^\]]*)\])?$")


def assert_located(error: InputError, folder: Path, case: Case) -> None:
    """An error names a file of the document; a cell error names the cell's row and column."""
    assert error.message.strip(), error
    m = _FILE.match(error.file)
    path = Path(m["path"])
    missing = path.name == "metadata.csv" and error.message == "the metadata sheet is missing"  # named where it belongs
    assert path.parent == folder and (path.name in case.raw or missing), \
        f"error does not name a file of the document: {error}"
    assert error.row >= 0 and error.col >= 0, error
    if case.damage or error.row < 1:
        return  # bytes-level damage: the written tables no longer tell where a row is
    rows = case.doc.get(m["sheet"] or path.stem, [])
    assert error.row <= max(len(rows), 1), f"row {error.row} is past the end of the table ({len(rows)} rows): {error}"
    header = [h.strip() for h in rows[0]] if rows else []
    if error.column and error.column in header and header.count(error.column) == 1:
        assert error.col == header.index(error.column) + 1, f"wrong column position: {error}"


def outcome_of(run, folder: Path, case: Case, timeout: int) -> str:
    """'valid', or the kind of clean error; anything else fails the test."""
    try:
        with time_limit(timeout):
            run()
    except InvalidInput as exc:
        assert exc.errors, "InvalidInput without errors"
        for error in exc.errors:
            assert_located(error, folder, case)
        return "invalid: " + _kind(exc.errors[0].message)
    except AuditFailed as exc:
        assert exc.missing and all(re.match(r"^[^:]+:\d+: missing: ", m) for m in exc.missing), exc.missing
        return "audit: missing source content"
    except KuntaKGError as exc:  # e.g. Inconsistent: must still say what is wrong
        assert str(exc).strip(), type(exc)
        return f"{type(exc).__name__}: {_kind(str(exc))}"
    return "valid"


def _kind(message: str) -> str:
    """An error message with its particulars (quoted values, numbers, paths) blanked, for tallying."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\(value: .*\)|\(.*?\)", "…", message.split("\n")[0])
    return re.sub(r"\d+", "N", text)[:70]


@dataclass
class Tally:
    """Outcomes of one tier's cases and the time spent running them (generation excluded)."""

    outcomes: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def run(self, run, folder: Path, case: Case, timeout: int) -> str:
        start = time.perf_counter()
        outcome = outcome_of(run, folder, case, timeout)
        self.seconds += time.perf_counter() - start
        self.outcomes[outcome] += 1
        return outcome

    def dump(self, tier: str) -> None:
        """test-artifacts/fuzz/import-<tier>.json and one line on stdout (shown with -s). A crash
        fails the test before its case is counted, so a complete tally has none."""
        total, valid = sum(self.outcomes.values()), self.outcomes["valid"]
        summary = {"tier": tier, "soak": SOAK, "cases": total, "seconds": round(self.seconds, 1),
                   "valid": valid, "clean_errors": total - valid, "by_outcome": dict(self.outcomes.most_common())}
        TALLIES.mkdir(parents=True, exist_ok=True)
        (TALLIES / f"import-{tier}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False),
                                                     encoding="utf-8")
        print(f"\nimport fuzz [{tier}]: {total} cases in {self.seconds:.0f} s: {total - valid} clean errors, "
              f"{valid} valid")


def _fuzz_project(root: Path) -> Project:
    project = copy_project(root, ())
    shutil.copy(FIXTURES / SOURCE, project.sources / SOURCE)
    shutil.copytree(FIXTURES / DOC_ID, project.documents / DOC_ID)
    return project


# Bounded form: derandomized, so CI runs the same cases every time; soak: fresh random cases. No
# example database (nothing written into the repository); a failure prints its case's recipe.
FUZZ = settings(deadline=None, database=None, derandomize=not SOAK, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                       HealthCheck.function_scoped_fixture])


# -- tier 1: the validate path, many cases --------------------------------------------------------
@pytest.fixture(scope="module")
def validate_tier(tmp_path_factory):
    project = _fuzz_project(tmp_path_factory.mktemp("fuzz-validate"))
    reference = reference_graph(project.reference, project.minter)
    tally = Tally()
    yield project, reference, tally
    tally.dump("validate")


@settings(FUZZ, max_examples=sized(250, 3000))
@given(case=cases())
def test_validate_path_never_crashes(validate_tier, case):
    project, reference, tally = validate_tier
    note(f"mutations: {case.log}; form: {case.form}{' typed' if case.typed else ''}; damage: {case.damage!r}")
    folder = write_case(project, case)
    tally.run(lambda: validate_folder(project, folder, reference), folder, case, VALIDATE_TIMEOUT)


def test_the_fixture_is_valid(validate_tier):
    """The seed of the mutations passes untouched, in both forms (else every case would be an error)."""
    project, reference, _ = validate_tier
    for form in ("csv", "xlsx"):
        case = Case(copy.deepcopy(BASE), form=form)
        case.raw = ({f"{n}.csv": csv_bytes(r) for n, r in case.doc.items()} if form == "csv"
                    else {"document.xlsx": xlsx_bytes(case.doc, typed=True)})
        folder = write_case(project, case)
        assert outcome_of(lambda: validate_folder(project, folder, reference), folder, case, VALIDATE_TIMEOUT) == "valid"


# -- tier 2: the full build, few cases ------------------------------------------------------------
def dist_snapshot(dist: Path) -> dict[str, str]:
    return {str(p.relative_to(dist)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dist.rglob("*")) if p.is_file()}


def assert_published_graph_valid(project: Project) -> None:
    """The dump of a successful build passes the shapes again and loads into the server's store."""
    store = ox.Store()
    store.bulk_load(path=str(project.dist / "kuntakg.trig"), format=ox.RdfFormat.TRIG)
    data = Dataset()
    data.parse(project.dist / "kuntakg.trig", format="trig")
    union = Graph()
    for graph in data.graphs():
        if graph.identifier != project.minter.graph("ontology"):
            union += graph
    violations = [v for v in check(union, project.shapes, project.ontology) if v.severity == SH.Violation]
    assert violations == [], violations[:5]


@pytest.fixture(scope="module")
def build_tier(tmp_path_factory):
    project = _fuzz_project(tmp_path_factory.mktemp("fuzz-build"))
    build(project)  # a good dist/ that failed builds must leave alone
    tally = Tally()
    yield project, tally
    tally.dump("build")


@pytest.mark.slow
@settings(FUZZ, max_examples=sized(15, 150))
@given(case=cases())
def test_build_never_crashes_and_keeps_dist(build_tier, case):
    project, tally = build_tier
    note(f"mutations: {case.log}; form: {case.form}{' typed' if case.typed else ''}; damage: {case.damage!r}")
    folder = write_case(project, case)
    before = dist_snapshot(project.dist)
    outcome = tally.run(lambda: build(project), folder, case, BUILD_TIMEOUT)
    assert not list(project.dist.parent.glob(".dist-*")), "a build left its staging folder"
    if outcome == "valid":
        assert_published_graph_valid(project)
    else:
        assert dist_snapshot(project.dist) == before, f"a failed build ({outcome}) changed dist/"


# -- regressions: each bug the fuzzer found, as a plain example ------------------------------------
def _written(doc: Doc, form: str = "csv") -> Case:
    case = Case(doc, form=form)
    case.raw = ({f"{n}.csv": csv_bytes(r) for n, r in doc.items()} if form == "csv"
                else {"document.xlsx": xlsx_bytes(doc, typed=False)})
    return case


def _edited(sheet: str, key: str, column: str, value: str) -> tuple[Doc, int, int]:
    """The fixture with one cell changed (the row whose first cell is `key`), and the cell's row and column."""
    doc = copy.deepcopy(BASE)
    rows = doc[sheet]
    c = rows[0].index(column)
    r = next(i for i, row in enumerate(rows) if row[0] == key)
    rows[r][c] = value
    return doc, r + 1, c + 1


def _errors(validate_tier, case: Case) -> list[str]:
    project, reference, _ = validate_tier
    folder = write_case(project, case)
    with pytest.raises(InvalidInput) as info:
        with time_limit(VALIDATE_TIMEOUT):
            validate_folder(project, folder, reference)
    for error in info.value.errors:
        assert_located(error, folder, case)
    return [str(e) for e in info.value.errors]


def _damaged_member(book: bytes, member: str, damage) -> bytes:
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        members = {m: z.read(m) for m in z.namelist()}
    members[member] = damage(members[member])
    return _zip(members)


def _garbled_deflate(book: bytes, member: str) -> bytes:
    """The member's compressed bytes overwritten with 0xff (deflate block type 3 does not exist)."""
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        info = z.getinfo(member)
    name_len, extra_len = struct.unpack("<HH", book[info.header_offset + 26: info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len  # after the local file header
    return book[:start] + b"\xff" * info.compress_size + book[start + info.compress_size:]


@pytest.mark.parametrize("damage", [
    # openpyxl parses worksheets lazily in read-only mode: this one failed while rows were read,
    # outside the try block, with xml.etree.ElementTree.ParseError.
    lambda book: _damaged_member(book, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2]),
    lambda book: _damaged_member(book, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<c ", b'<c t="n" ', 1)),
    lambda book: _damaged_member(book, "[Content_Types].xml", lambda xml: b""),
    # a damaged deflate stream: zlib.error, not a zipfile.BadZipFile
    lambda book: _garbled_deflate(book, "docProps/core.xml"),
], ids=["truncated-sheet-xml", "duplicate-attribute", "empty-content-types", "damaged-deflate-stream"])
def test_damaged_workbook_is_a_clean_error(validate_tier, damage):
    case = _written(copy.deepcopy(BASE), "xlsx")
    case.raw["document.xlsx"] = damage(case.raw["document.xlsx"])
    case.damage = "regression"
    errors = _errors(validate_tier, case)
    assert len(errors) == 1 and ":0:0: not a readable XLSX workbook: " in errors[0], errors


@pytest.mark.parametrize("value, message", [
    # Year 0 and impossible days passed the YYYY(-MM-DD) pattern and became an ill-typed xsd:date of
    # a period instant, which the shapes reported by the instant's IRI, not at a cell.
    ("0000", "'0000' is not a day of the calendar (years 0001-9999)"),
    ("2020-02-30", "'2020-02-30' is not a day of the calendar (years 0001-9999)"),
    ("2020-13-01", "'2020-13-01' is not a day of the calendar (years 0001-9999)"),
    # '\d' in the patterns took Arabic-Indic digits for a year.
    ("٢٠٢٠", "'٢٠٢٠' is not a year (YYYY) or a day (YYYY-MM-DD)"),
])
def test_period_out_of_the_calendar_is_reported_at_its_cell(validate_tier, value, message):
    doc, row, col = _edited("goals", "lt-1", "period_start", value)
    path = validate_tier[0].documents / DOC_ID / "goals.csv"
    assert f"{path}:{row}:{col}: period_start: {message}" in _errors(validate_tier, _written(doc))


def test_metadata_year_zero_is_reported_at_its_cell(validate_tier):
    doc, row, col = _edited("metadata", "period_start", "value", "0000")
    path = validate_tier[0].documents / DOC_ID / "metadata.csv"
    assert f"{path}:{row}:{col}: value: '0000' is not a day of the calendar (years 0001-9999)" in \
        _errors(validate_tier, _written(doc))


@pytest.mark.parametrize("sheet, key, column, value", [
    # Closed lists were never checked: a misspelt metadata field was ignored, an unknown action kind
    # read as 'action', an unknown translated field as 'description', a language of a field that
    # takes none accepted.
    ("metadata", "source_url", "field", "source_uri"),
    ("metadata", "issued", "lang", "FI"),
    ("actions", "a-2", "kind", "Pilot"),
    ("translations", "tr-lt-1-en", "field", "labl"),
])
def test_values_outside_a_closed_list_are_reported(validate_tier, sheet, key, column, value):
    doc, row, col = _edited(sheet, key, column, value)
    path = validate_tier[0].documents / DOC_ID / f"{sheet}.csv"
    errors = _errors(validate_tier, _written(doc))
    assert any(e.startswith(f"{path}:{row}:{col}: {column}: '{value}' is not one of: ") for e in errors), errors


@pytest.mark.parametrize("field_name, value, message", [
    # rdflib takes any string as an IRI and the shapes only ask for an IRI node, so these passed
    # `kuntakg validate` and the build's SHACL gate, then crashed the build with a traceback: in the
    # reason stage (rdflib's N-Triples writer for HermiT: "does not look like a valid URI"), and
    # pyoxigraph refuses them at publishing too (ValueError).
    ("licence", "not an iri", "'not an iri' is not an IRI"),
    ("licence", "http://x/<y>", "'http://x/<y>' is not an IRI"),
    ("source_url", "http://exa mple.org/plan.pdf", "'http://exa mple.org/plan.pdf' is not an IRI"),
    # valid IRIs, but they end up as links on the site
    ("licence", "javascript:alert(1)", "'javascript:alert(1)' is not a web address (http:// or https://)"),
])
def test_metadata_iri_must_be_a_web_address(validate_tier, field_name, value, message):
    doc, row, col = _edited("metadata", field_name, "value", value)
    path = validate_tier[0].documents / DOC_ID / "metadata.csv"
    errors = _errors(validate_tier, _written(doc))
    assert any(e.startswith(f"{path}:{row}:{col}: value: {message}") for e in errors), errors


def test_missing_metadata_sheet_of_a_workbook_names_the_workbook(validate_tier):
    """It named '<folder>/metadata.csv', a file a workbook user does not have."""
    doc = copy.deepcopy(BASE)
    del doc["metadata"]
    path = validate_tier[0].documents / DOC_ID / "document.xlsx"
    assert _errors(validate_tier, _written(doc, "xlsx")) == [f"{path}[metadata]:0:0: the metadata sheet is missing"]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_metadata_sheet_without_rows_names_its_file(validate_tier, form):
    """A metadata sheet with its header only was reported as a bare 'metadata.csv:0:0: ...' per
    missing field, with no folder (and a CSV name for a workbook)."""
    doc = copy.deepcopy(BASE)
    doc["metadata"] = doc["metadata"][:1]
    folder = validate_tier[0].documents / DOC_ID
    where = f"{folder / 'metadata.csv'}" if form == "csv" else f"{folder / 'document.xlsx'}[metadata]"
    assert _errors(validate_tier, _written(doc, form)) == [f"{where}:0:0: the metadata sheet has no rows"]


@pytest.mark.slow
def test_invalid_licence_fails_the_build_before_publishing(build_tier):
    project, _ = build_tier
    doc, row, col = _edited("metadata", "licence", "value", "not an iri")
    folder = write_case(project, _written(doc))
    before = dist_snapshot(project.dist)
    with pytest.raises(InvalidInput) as info:
        build(project)
    assert any(str(e).startswith(f"{folder / 'metadata.csv'}:{row}:{col}: value: 'not an iri' is not an IRI")
               for e in info.value.errors)
    assert dist_snapshot(project.dist) == before
