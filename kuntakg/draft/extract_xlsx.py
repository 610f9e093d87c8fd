"""Excel (.xlsx) -> the extracted-text layout, with openpyxl: one `## sheet` heading per sheet, then its
tables. A merged range keeps its value in its top-left cell (openpyxl leaves the others empty).

Several tables on one sheet are told apart by blank rows: after a run of blank rows a new table starts
when the next row is a header row (`is_header`, the lexicon's test) or a title row (one filled cell)
followed by a header row; otherwise the blank rows are spacing inside one table. A title row becomes a
paragraph before its table. Columns empty throughout a table are left out of it."""
from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..ingest.xlsx import archive_problem
from .errors import DraftError
from .layout import Writer


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _drop_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in rows)
    keep = [j for j in range(width) if any(j < len(r) and r[j].strip() for r in rows)]
    return [[r[j] if j < len(r) else "" for j in keep] for r in rows]


def _parts(rows: list[list[str]], is_header: Callable[[list[str]], bool]) -> list[tuple[list[str], list[list[str]]]]:
    """(title lines, table rows) of the tables of one sheet; `rows` still has its blank rows."""
    def filled(row: list[str]) -> list[str]:
        return [c for c in row if c.strip()]

    def starts_table(i: int) -> bool:
        rest = [r for r in rows[i:] if filled(r)]
        if rest and is_header(filled(rest[0])):
            return True
        return len(rest) > 1 and len(filled(rest[0])) == 1 and is_header(filled(rest[1]))

    parts: list[tuple[list[str], list[list[str]]]] = []
    titles: list[str] = []
    table: list[list[str]] = []
    after_blank = True
    for i, row in enumerate(rows):
        if not filled(row):
            after_blank = True
            continue
        if after_blank and table and starts_table(i):
            parts.append((titles, table))
            titles, table = [], []
        after_blank = False
        if not table and len(filled(row)) == 1 and i + 1 < len(rows) and not is_header(filled(row)) \
                and any(is_header(filled(r)) for r in rows[i + 1:i + 2]):
            titles.append(filled(row)[0])
            continue
        table.append(row)
    if table or titles:
        parts.append((titles, table))
    return parts


def extract(path: Path, is_header: Callable[[list[str]], bool] = lambda cells: False) -> str:
    """The workbook's text in the layout of layout.py; `is_header` tells a table's header row."""
    from openpyxl import load_workbook

    try:
        # the import reader's bounds before openpyxl parses anything: unpacked size, parts, no DTD
        problem = archive_problem(path)
        if problem:
            raise DraftError(f"{path}: {problem}")
        book = load_workbook(path, data_only=True)
    except DraftError:
        raise
    except zipfile.BadZipFile as exc:
        raise DraftError(f"{path}: not a readable XLSX workbook (encrypted or damaged: {exc})") from exc
    except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl errors all mean "unreadable"
        raise DraftError(f"{path}: not a readable XLSX workbook: {exc or type(exc).__name__}") from exc
    out = Writer()
    for sheet in book.worksheets:
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        if not any(c.strip() for r in rows for c in r):
            continue
        out.heading(sheet.title, 2)
        for titles, table in _parts(rows, is_header):
            for title in titles:
                out.paragraph(title)
            if table:
                out.table(_drop_empty_columns(table))
    return out.text()
