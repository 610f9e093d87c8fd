"""Tidy exports (issue 16 item 3): flat tables of goals, actions, indicators, targets and assessments.

One row per item, for every document and for everything: ids (IRIs), labels in fi/sv/en, parents,
responsible parties, the latest status and the source lines, as CSV (UTF-8, comma, one header row)
and XLSX (a sheet per table and a ``dictionary`` sheet), with a machine-readable data dictionary
(``datadictionary.json``, CSV on the Web metadata) beside them; ``docs/exports.md`` is the same
dictionary for people.  The tables are read from the built dump (``dist/kuntakg.trig``) with
pyoxigraph, so the exports say exactly what the graph says; the build writes them with the dumps
(``dist/exports/``) and ``kuntakg export [--out DIR]`` writes them again on demand.

A document is the document whose named graph states the item (``?g prov:wasDerivedFrom ?doc``).
Multi-valued cells are joined by ``"; "`` in a fixed order.  Cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return, and not a number) get a
leading ``'`` in the CSV files (OWASP "CSV injection"); in the XLSX files every text cell is stored
as text, never as a formula.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import pickle
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from .cache import keep, kept
from .namespaces import PREFIXES

SEP = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
PREFIX_LINES = "".join("PREFIX %s: <%s>\n" % (k, v) for k, v in PREFIXES.items())
ALL = "all"


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str          # string | integer | number | date | anyURI
    description: str


COMMON = [
    Column("id", "anyURI", "IRI of the item (resolves to its page and RDF)"),
    Column("local_id", "string", "the item's id in its document's import table"),
    Column("document", "string", "id of the document whose named graph states the item"),
    Column("town", "string", "statistical code of the document's municipality"),
    Column("type", "string", "most specific kind (Goal, Milestone, Action, Pilot, ServicePromise, ...)"),
    Column("label_fi", "string", "label in Finnish (the town's, or the project's translation)"),
    Column("label_sv", "string", "label in Swedish"),
    Column("label_en", "string", "label in English (usually the project's translation)"),
]
SOURCE = [
    Column("source_lines", "string", "source file and line range(s), 'file:from-to'; '; '-separated"),
    Column("source_text", "string", "the original wording, where transcribed"),
    Column("import_row", "string", "row of the import table the item comes from ('sheet.csv#row=N')"),
]
STATUS = [
    Column("status", "string", "status notation of the item's latest assessment (by date, then IRI)"),
    Column("status_date", "date", "date of that assessment"),
]
TABLES: dict[str, list[Column]] = {
    "goals": COMMON + [
        Column("level", "string", "goal level notation (e.g. strategic, long-term, operational, milestone)"),
        Column("parents", "anyURI", "IRIs of the goals it contributes to; '; '-separated"),
        Column("strategic_themes", "anyURI", "IRIs of the document's strategic themes it falls under"),
        Column("themes", "string", "notations of the Kunta-KG themes (project tags)"),
        Column("organisation", "anyURI", "IRIs of the organisations whose goal it is"),
        Column("responsible", "anyURI", "IRIs of the responsible posts, people or organisations"),
        Column("responsible_labels", "string", "their labels or names"),
        Column("indicators", "anyURI", "IRIs of its indicators"),
    ] + STATUS + SOURCE,
    "actions": COMMON + [
        Column("parents", "anyURI", "IRIs of the goals it contributes to; '; '-separated"),
        Column("strategic_themes", "anyURI", "IRIs of the document's strategic themes it falls under"),
        Column("themes", "string", "notations of the Kunta-KG themes (project tags)"),
        Column("organisation", "anyURI", "IRIs of the organisations whose action it is"),
        Column("responsible", "anyURI", "IRIs of the responsible posts, people or organisations"),
        Column("responsible_labels", "string", "their labels or names"),
        Column("period", "string", "period of the action (year or 'start--end'), when given"),
        Column("indicators", "anyURI", "IRIs of its indicators"),
    ] + STATUS + SOURCE,
    "indicators": COMMON + [
        Column("measures", "anyURI", "IRIs of the goals and actions that have this indicator"),
        Column("targets", "anyURI", "IRIs of its targets"),
        Column("shared_indicator", "anyURI", "IRI of the shared indicator concept (project link), when linked"),
    ] + SOURCE,
    "targets": COMMON + [
        Column("indicator", "anyURI", "IRI of the indicator the target belongs to"),
        Column("target_value", "number", "numeric target value, when numeric"),
        Column("baseline_value", "number", "baseline value, when given"),
        Column("unit", "string", "unit notation"),
        Column("comparison", "string", "comparison notation (e.g. increase-to, at-least)"),
        Column("non_numeric", "string", "the target in words, when not numeric"),
        Column("target_period", "string", "target period (year or 'start--end')"),
        Column("baseline_period", "string", "baseline period (year or 'start--end')"),
    ] + SOURCE,
    "assessments": COMMON + [
        Column("about", "anyURI", "IRIs of the goals or actions assessed; '; '-separated"),
        Column("report", "anyURI", "IRI of the progress report"),
        Column("date", "date", "date of the assessment"),
        Column("status", "string", "status notation"),
        Column("derivation", "string", "how the status was found (notation, e.g. stated, rule)"),
        Column("status_text", "string", "what the report says"),
    ] + SOURCE,
}
CLASSES = {
    "goals": ["kk:Goal", "kk:Milestone"],
    "actions": ["kk:Action", "kk:Pilot", "kk:ServicePromise"],
    "indicators": ["kk:Indicator"],
    "targets": ["kk:Target"],
    "assessments": ["kk:StatusAssessment"],
}
TYPE_ORDER = ["Milestone", "Pilot", "ServicePromise", "Goal", "Action", "Indicator", "Target", "StatusAssessment"]

# extra columns of each table: (column, SPARQL pattern binding ?v from ?x, aggregate) — one query per table
_SPAN = """?x prov:wasDerivedFrom ?span . ?span kk:lineStart ?from ; kk:lineEnd ?to ;
  kk:sourceFile/dcterms:identifier ?file .
  BIND(CONCAT(STR(?file), ":", STR(?from), IF(?from = ?to, "", CONCAT("-", STR(?to)))) AS ?v)"""
_PERIOD = "BIND(REPLACE(STR(?p), '^.*/', '') AS ?v)"
PATTERNS: dict[str, str] = {
    "level": "?x kk:goalLevel/skos:notation ?v",
    "parents": "?x kk:contributesTo ?v",
    "strategic_themes": "?x kk:strategicTheme ?v",
    "themes": "?x dcterms:subject/skos:notation ?v",
    "organisation": "?x kk:forOrganization ?v",
    "responsible": "?x kk:responsible ?v",
    "responsible_labels": "?x kk:responsible ?r . ?r skos:prefLabel|foaf:name ?v",
    "indicators": "?x kk:hasIndicator ?v",
    "period": "?x kk:targetPeriod ?p . " + _PERIOD,
    "measures": "?v kk:hasIndicator ?x",
    "targets": "?x kk:hasTarget ?v",
    "shared_indicator": "?x kk:sharedIndicator ?v",
    "indicator": "?v kk:hasTarget ?x",
    "target_value": "?x kk:targetValue ?v",
    "baseline_value": "?x kk:baselineValue ?v",
    "unit": "?x kk:unit/skos:notation ?v",
    "comparison": "?x kk:comparison/skos:notation ?v",
    "non_numeric": "?x kk:nonNumericTarget ?v",
    "target_period": "?x kk:targetPeriod ?p . " + _PERIOD,
    "baseline_period": "?x kk:baselinePeriod ?p . " + _PERIOD,
    "about": "?x kk:about ?v",
    "report": "?x kk:inReport ?v",
    "date": "?x dcterms:date ?v",
    "derivation": "?x kk:statusDerivation/skos:notation ?v",
    "status_text": "?x kk:statusText ?v",
    "source_lines": _SPAN,
    "source_text": "?x kk:sourceText ?v",
    "import_row": "?x kk:importRow ?v",
}


def spreadsheet_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a formula-looking value gets a leading ``'``."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def load(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return store


def _select(store: ox.Store, query: str) -> list[dict[str, Any]]:
    result = store.query(PREFIX_LINES + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    # a solution iterates over its values, in the order of the variables
    return [{n: v for n, v in zip(names, s, strict=True) if v is not None} for s in result]


def _items(store: ox.Store, table: str) -> dict[str, dict[str, Any]]:
    """Every item of the table with its document, town, types and labels."""
    rows = _select(store, """SELECT ?x ?doc ?town ?type WHERE {
      VALUES ?class { %s }
      GRAPH ?g { ?x a ?class } ?g a kk:DocumentGraph ; prov:wasDerivedFrom ?doc .
      OPTIONAL { ?doc kk:municipality/kk:statisticalCode ?town }
      OPTIONAL { GRAPH ?g { ?x a ?type } FILTER(STRSTARTS(STR(?type), STR(kk:))) } }""" % " ".join(CLASSES[table]))
    items: dict[str, dict[str, Any]] = {}
    for r in rows:
        iri = r["x"].value
        item = items.setdefault(iri, {"id": iri, "local_id": iri.rsplit("/", 1)[-1],
                                      "document": r["doc"].value.rsplit("/", 1)[-1],
                                      "town": r["town"].value if "town" in r else "", "_types": set()})
        if "type" in r:
            item["_types"].add(r["type"].value.rsplit("#", 1)[-1])
    for item in items.values():
        types = item.pop("_types")
        item["type"] = next((t for t in TYPE_ORDER if t in types), min(types) if types else "")
    labels = _select(store, """SELECT ?x ?l WHERE { VALUES ?class { %s } ?x a ?class ; skos:prefLabel ?l }
      ORDER BY ?x ?l""" % " ".join(CLASSES[table]))
    for r in labels:
        labelled = items.get(r["x"].value)
        lang = r["l"].language if isinstance(r["l"], ox.Literal) else None
        if labelled is not None and lang in ("fi", "sv", "en"):
            labelled.setdefault("label_" + lang, r["l"].value)
    return items


def _values(store: ox.Store, table: str, column: str) -> dict[str, list[str]]:
    rows = _select(store, "SELECT DISTINCT ?x ?v WHERE { VALUES ?class { %s } ?x a ?class . %s }" % (
        " ".join(CLASSES[table]), PATTERNS[column]))
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["x"].value, []).append(r["v"].value)
    return {k: sorted(set(v), key=_natural) for k, v in out.items()}


def _natural(text: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text)]


def _latest_status(store: ox.Store) -> dict[str, tuple[str, str]]:
    rows = _select(store, """SELECT ?x ?a ?date ?status WHERE { ?a a kk:StatusAssessment ; kk:about ?x ;
      kk:status/skos:notation ?status . OPTIONAL { ?a dcterms:date ?date } } ORDER BY ?x ?date ?a""")
    out: dict[str, tuple[str, str]] = {}
    for r in rows:  # ordered: the last one per item wins
        out[r["x"].value] = (r["status"].value, r["date"].value if "date" in r else "")
    return out


def tables(store: ox.Store) -> dict[str, list[dict[str, Any]]]:
    """Every table as rows (dicts keyed by column name), ordered by document and natural id."""
    status = _latest_status(store)
    out: dict[str, list[dict[str, Any]]] = {}
    for table, columns in TABLES.items():
        items = _items(store, table)
        for column in columns:
            if column.name in PATTERNS:
                values = _values(store, table, column.name)
                for iri, item in items.items():
                    vals = values.get(iri, [])
                    if column.datatype == "number":
                        item[column.name] = _number(vals[0]) if vals else None
                    else:
                        item[column.name] = SEP.join(vals)
        if table == "assessments":  # the assessment's own status
            for r in _select(store, "SELECT ?x ?v WHERE { ?x a kk:StatusAssessment ; kk:status/skos:notation ?v }"):
                if r["x"].value in items:
                    items[r["x"].value]["status"] = r["v"].value
        elif any(c.name == "status" for c in columns):
            for iri, item in items.items():
                item["status"], item["status_date"] = status.get(iri, ("", ""))
        rows = [{c.name: item.get(c.name, "") for c in columns} for item in items.values()]
        rows.sort(key=lambda r: (r["document"], _natural(r["local_id"]), r["id"]))
        out[table] = rows
    return out


def _number(text: str) -> int | float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def write_csv(path: Path, columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow([spreadsheet_cell(row.get(c.name)) for c in columns])


def _csv_lines(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as write_csv writes them, without a header: UTF-8, comma, one line per row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _document_csv(data: dict[str, list[dict[str, Any]]], reuse: Path | None, key: str) -> dict[str, bytes]:
    """A document's CSV lines per table (no header), kept in `reuse` by `key`, the hash of its rows."""
    body = kept(reuse, key, "csvlines") if reuse is not None else None
    if body is not None:
        return pickle.loads(body)  # noqa: S301 (our own file, checked against the hash in its name)
    out = {table: _csv_lines([spreadsheet_cell(row.get(c.name)) for c in TABLES[table]] for row in rows)
           for table, rows in data.items()}
    if reuse is not None:
        keep(reuse, key, "csvlines", pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def write_xlsx(path: Path, data: dict[str, list[dict[str, Any]]], reuse: Path | None = None,
               key: str | None = None, templates: list[list[bytes]] | None = None) -> bytes:
    """The workbook of the tables; returns its bytes. `reuse` (the build cache): a folder of workbooks by
    the hash of their rows (`key`, when the caller has it), so that a rebuild copies those of unchanged
    documents instead of writing them again (openpyxl was most of the export's time); each is checked
    against the hash of its bytes in its name."""
    if reuse is None:
        body = _workbook(data, templates=templates)
    else:
        key = key or _rows_key(data)
        body = kept(reuse, key, "xlsx") or b""
        if not body:
            body = _workbook(data, templates=templates)
            keep(reuse, key, "xlsx", body)
    path.write_bytes(body)
    return body


def _rows_key(data: dict[str, list[dict[str, Any]]]) -> str:
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _workbook(data: dict[str, list[dict[str, Any]]], finish: bool = True,
              templates: list[list[bytes]] | None = None) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode: a workbook of every cell held
    1.2 GB at 3.7 M quads); the same bytes as a workbook built in memory, once each sheet has its
    ``<dimension>`` (which only the in-memory mode writes). `finish` False: openpyxl's bytes as saved
    (no dimensions, its times), for :func:`joined_workbook`. The tables' rows are written by
    :func:`row_templates` when it can (`templates`, if the caller has them), into openpyxl's workbook of
    no rows: the same bytes, without openpyxl's object per cell (most of the exports' time)."""
    if finish and data:
        templates = templates if templates is not None else row_templates(data)
        if templates is not None:
            return joined_workbook(_empty_workbook(), templates, {t: len(r) for t, r in data.items()})
    return openpyxl_workbook(data, finish)


def openpyxl_workbook(data: dict[str, list[dict[str, Any]]], finish: bool = True) -> bytes:
    """:func:`_workbook` with every cell written by openpyxl."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for table, rows in data.items():
        ws = wb.create_sheet(table)
        ws.freeze_panes = "A2"
        columns = TABLES[table]
        ws.append([c.name for c in columns])
        for row in rows:
            ws.append([_xlsx_cell(ws, row.get(c.name), WriteOnlyCell) for c in columns])
    ws = wb.create_sheet("dictionary")
    ws.append(["table", "column", "datatype", "description"])
    for table, columns in TABLES.items():
        for c in columns:
            ws.append([table, c.name, c.datatype, c.description])
    buffer = io.BytesIO()
    wb.save(buffer)
    del wb
    if not finish:
        return buffer.getvalue()
    return _deterministic_zip(buffer.getvalue(), _dimensions({t: len(r) for t, r in data.items()}))


def _empty_workbook() -> bytes:
    """openpyxl's workbook of the tables with no rows (unfinished), made once per layout of the tables."""
    return _empty_for(tuple((t, tuple((c.name, c.datatype, c.description) for c in cs)) for t, cs in TABLES.items()))


@cache
def _empty_for(layout: tuple) -> bytes:
    return openpyxl_workbook(dict.fromkeys(TABLES, []), finish=False)


# A table cell as openpyxl's write-only sheet writes it (openpyxl.cell._writer.lxml_write_cell): text as
# an inline string (xml:space="preserve" when it has outer whitespace; non-ASCII as character references),
# a number as "%.16g", nothing for an empty cell. Values of any other kind, text openpyxl would refuse,
# shorten or that lxml may write otherwise (control characters, carriage returns, over 32,767
# characters), and NaN or infinity are left to openpyxl (row_templates gives None).
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LEFT_TO_OPENPYXL = re.compile(r"[\000-\010\013\014\016-\037\r]")


def _cell(letter: str, value: Any) -> str | None:
    if value is None or value == "":
        return ""
    kind = type(value)
    if kind is str:
        if len(value) > 32767 or _LEFT_TO_OPENPYXL.search(value):
            return None
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{letter}\0" t="inlineStr"><is><t{space}>{value.translate(_XML_TEXT)}</t></is></c>'
    if kind is int or (kind is float and math.isfinite(value)):
        return f'<c r="{letter}\0" t="n"><v>{"%.16g" % value}</v></c>'
    return None


def row_templates(data: dict[str, list[dict[str, Any]]]) -> list[list[bytes]] | None:
    """Each table's rows as :func:`sheet_rows` gives them from openpyxl's workbook (the row number left
    as a placeholder), written here; None when a value is of a kind left to openpyxl (see `_cell`)."""
    from openpyxl.utils import get_column_letter

    out: list[list[bytes]] = []
    for table, rows in data.items():
        letters = [(get_column_letter(i), c.name) for i, c in enumerate(TABLES[table], 1)]
        templates = []
        for row in rows:
            cells = [_cell(letter, _xlsx_value(row.get(name))) for letter, name in letters]
            if None in cells:
                return None
            # non-ASCII as character references, as lxml writes the sheet
            templates.append(('<row r="\0">' + "".join(cast(list[str], cells))).encode("ascii", "xmlcharrefreplace"))
        out.append(templates)
    return out


def _dimensions(counts: dict[str, int]) -> list[str]:
    """Each sheet's used range: the tables' (a header row and the rows), then the dictionary's."""
    from openpyxl.utils import get_column_letter

    return (["A1:%s%d" % (get_column_letter(len(TABLES[t])), counts[t] + 1) for t in counts]
            + ["A1:D%d" % (1 + sum(len(columns) for columns in TABLES.values()))])


# --- the workbook of everything, from the documents' workbooks ----------------------------------------
# A sheet's rows are self-contained XML (openpyxl writes text as inline strings, not to a shared table),
# numbered in two places: <row r="N"> and each cell's reference (<c r="AN">). So the workbook of
# everything is the documents' rows renumbered, one after another: no second pass of openpyxl over
# every cell (the slowest part of a rebuild). Tested to be the bytes openpyxl writes.
_NUMBERED = re.compile(rb'(<row r="|<c r="[A-Z]{1,3})\d+"')
_PLACEHOLDER = b"\x00"  # never in XML 1.0 text
_ROW_END = b"</row>"


def sheet_rows(workbook: bytes) -> list[list[bytes]]:
    """Each table sheet's rows below the header, with the row number left as a placeholder."""
    out: list[list[bytes]] = []
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        for number in range(1, len(TABLES) + 1):
            xml = z.read("xl/worksheets/sheet%d.xml" % number)
            body = xml[xml.index(_ROW_END) + len(_ROW_END):xml.index(b"</sheetData>")]
            out.append(_NUMBERED.sub(rb"\1" + _PLACEHOLDER + b'"', body).split(_ROW_END)[:-1])
    return out


def document_sheet_rows(workbook: bytes, reuse: Path | None, key: str) -> list[list[bytes]]:
    """:func:`sheet_rows` of a document's workbook, kept beside it in `reuse` (by `key`, its rows' hash)."""
    if reuse is None:
        return sheet_rows(workbook)
    body = kept(reuse, key, "rowxml")
    if body is not None:
        return pickle.loads(body)  # noqa: S301 (our own file, checked against the hash in its name)
    rows = sheet_rows(workbook)
    keep(reuse, key, "rowxml", pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    return rows


def joined_workbook(empty: bytes, tables: Sequence[Iterable[bytes]], counts: Mapping[str, int]) -> bytes:
    """The workbook of everything: `empty` (openpyxl's workbook of no rows, unfinished) with each table's
    sheet holding the rows of `tables` (one iterable of :func:`sheet_rows` templates per table, every
    document's in order; `counts` rows each), numbered from 2."""
    def rows(templates: Iterable[bytes]) -> Iterator[bytes]:
        batch: list[bytes] = []
        for number, template in enumerate(templates, 2):
            batch.append(template.replace(_PLACEHOLDER, b"%d" % number) + _ROW_END)
            if len(batch) == 4096:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)

    return _deterministic_zip(empty, _dimensions(dict(counts)), {i: rows(t) for i, t in enumerate(tables, 1)})


def _templates_in(path: Path) -> Iterator[bytes]:
    """The row templates written to `path` (each ended by ``</row>``), read a block at a time."""
    rest = b""
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            pieces = (rest + block).split(_ROW_END)
            rest = pieces.pop()
            yield from pieces
    if rest:
        raise ValueError(f"{path}: a row without its end")


def _xlsx_cell(ws, value: Any, cell_class: type) -> Any:
    """A cell of a write-only sheet: text stays text (never a formula), empty stays empty."""
    value = _xlsx_value(value)
    if not isinstance(value, str):
        return value
    cell = cell_class(ws)
    cell.value = value
    cell.data_type = "s"
    return cell


FIXED_TIME = "2000-01-01T00:00:00Z"
_DC_TIME = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
_SHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_SHEET_PROPERTIES_END = b"</sheetPr>"


def _deterministic_zip(data: bytes, dimensions: Sequence[str] = (),
                       rows: Mapping[int, Iterable[bytes]] | None = None) -> bytes:
    """The workbook with fixed times (document properties, zip entries): the same data give the same
    bytes. `dimensions`: each sheet's used range, in sheet order, written after its properties. `rows`:
    sheet number -> XML rows to add at the end of its data. Entries are copied a block at a time (a
    sheet of a national corpus is hundreds of megabytes of XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == "docProps/core.xml":
                body = src.read(info.filename)
                body = _DC_TIME.sub(lambda m: m.group(1) + FIXED_TIME + m.group(2), body.decode("utf-8")).encode()
                dst.writestr(entry, body)
                continue
            sheet = _SHEET.fullmatch(info.filename)
            number = int(sheet.group(1)) if sheet else 0
            dimension = dimensions[number - 1] if sheet and dimensions else None
            with src.open(info) as reader, dst.open(entry, "w") as writer:
                if rows is not None and number in rows and dimension is not None:  # a sheet of no rows yet
                    xml = reader.read()
                    end = xml.index(_SHEET_PROPERTIES_END) + len(_SHEET_PROPERTIES_END)
                    at = xml.index(b"</sheetData>")
                    writer.write(xml[:end] + b'<dimension ref="%s"/>' % dimension.encode() + xml[end:at])
                    for block in rows[number]:
                        writer.write(block)
                    writer.write(xml[at:])
                    continue
                if dimension is not None:
                    head = reader.read(1 << 16)
                    end = head.index(_SHEET_PROPERTIES_END) + len(_SHEET_PROPERTIES_END)
                    writer.write(head[:end] + b'<dimension ref="%s"/>' % dimension.encode() + head[end:])
                while block := reader.read(1 << 20):
                    writer.write(block)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    return value


def dictionary(files: dict[str, str]) -> dict:
    """CSV on the Web metadata for the CSV files of ``all/`` (and the same columns for each document)."""
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "dc:title": "Kunta-KG tidy exports",
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dc:description": "One row per item; multi-valued cells are joined by '; '. Per-document tables "
                          "have the same columns in <document>/<table>.csv. Documentation: docs/exports.md.",
        "tables": [{
            "url": "%s/%s.csv" % (ALL, table),
            "dc:sha256": files.get("%s/%s.csv" % (ALL, table)),
            "tableSchema": {
                "primaryKey": "id",
                "columns": [{"name": c.name, "titles": c.name, "datatype": c.datatype, "dc:description": c.description,
                             **({"separator": SEP} if c.datatype == "anyURI" and c.name not in ("id", "indicator",
                                                                                           "report") else {})}
                            for c in columns]}} for table, columns in TABLES.items()],
    }


def export(store: ox.Store, out: Path, reuse: Path | None = None) -> dict[str, Any]:
    """Write every table for everything (``all/``, ``kuntakg-tables.xlsx``) and per document
    (``<document>/``, ``<document>.xlsx``) into ``out``; returns a manifest of files and row counts.
    `reuse`: see :func:`write_xlsx`."""
    return write_exports(by_document(tables(store)), out, reuse)


def by_document(data: dict[str, list[dict[str, Any]]],
                documents: Iterable[str] = ()) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The tables' rows split by document: every table for each of `documents` (empty when it has no
    rows) and for every other document that has rows."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {d: {t: [] for t in TABLES} for d in documents}
    for table, rows in data.items():
        for row in rows:
            out.setdefault(row["document"], {t: [] for t in TABLES})[table].append(row)
    return out


def write_exports(per_document: Mapping[str, dict[str, list[dict[str, Any]]]], out: Path,
                  reuse: Path | None = None) -> dict[str, Any]:
    """:func:`export` of the tables' rows given per document (documents without rows are left out).
    The tables of everything are the documents' tables one after another (their rows are ordered by
    document first): each document's CSV lines and sheet rows are made once (or taken from `reuse`)
    and joined."""
    documents = sorted(d for d, subset in per_document.items() if any(subset.values()))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    (out / ALL).mkdir(exist_ok=True)
    headers = {table: _csv_lines([[c.name for c in columns]]) for table, columns in TABLES.items()}
    counts = dict.fromkeys(TABLES, 0)
    corpus = out / "kuntakg-tables.xlsx"
    with ExitStack() as held:
        # the tables of everything, written as the documents go by: a national corpus's are hundreds of MB
        everything = {table: held.enter_context((out / ALL / ("%s.csv" % table)).open("wb")) for table in TABLES}
        written += [out / ALL / ("%s.csv" % table) for table in TABLES] + [corpus]
        sheets_dir = Path(held.enter_context(tempfile.TemporaryDirectory(prefix=".rows-", dir=out)))
        sheets = {table: held.enter_context((sheets_dir / table).open("wb")) for table in TABLES}
        for table, fh in everything.items():
            fh.write(headers[table])
        for document in documents:
            subset = {table: per_document[document][table] for table in TABLES}  # a sheet per table, in order
            (out / document).mkdir(exist_ok=True)
            key = _rows_key(subset) if reuse is not None else ""  # once: the rows as JSON, hashed
            for table, body in _document_csv(subset, reuse, key).items():
                path = out / document / ("%s.csv" % table)
                path.write_bytes(headers[table] + body)
                everything[table].write(body)
                written.append(path)
            xlsx = out / ("%s.xlsx" % document)
            rows = row_templates(subset)
            if rows is None:  # a value left to openpyxl: the rows as it writes them
                rows = document_sheet_rows(write_xlsx(xlsx, subset, reuse, key), reuse, key)
            else:
                write_xlsx(xlsx, subset, reuse, key, rows)
            for table, templates in zip(TABLES, rows, strict=True):
                sheets[table].writelines(template + _ROW_END for template in templates)
                counts[table] += len(templates)
            written.append(xlsx)
        for fh in sheets.values():
            fh.close()
        empty = _empty_workbook()
        corpus.write_bytes(joined_workbook(empty, [_templates_in(sheets_dir / t) for t in TABLES], counts))
    files = {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in written}
    meta = out / "datadictionary.json"
    meta.write_text(json.dumps(dictionary(files), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files["datadictionary.json"] = hashlib.sha256(meta.read_bytes()).hexdigest()
    manifest = {"rows": {t: sum(len(per_document[d][t]) for d in documents) for t in TABLES}, "documents": documents,
                "files": {name: {"sha256": sha, "bytes": (out / name).stat().st_size} for name, sha in files.items()}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


__all__ = ["TABLES", "Column", "export", "write_exports", "by_document", "joined_workbook", "sheet_rows",
           "tables", "load", "spreadsheet_cell", "dictionary"]
