"""Excel (.xlsx) -> the extracted-text layout, with openpyxl: one `## sheet` heading per sheet, then its
text and tables. A merged range keeps its value in its top-left cell (openpyxl leaves the others empty).

Several tables on one sheet are told apart by blank rows (_parts): rows of one filled cell before a
header row are title lines (paragraphs before the table); a run of rows that starts with a header row
after blank rows is a new table, any other run goes on the table above. Columns empty throughout a
table are left out of it. A number formatted as a percentage is written as one ("5 %"); hidden
sheets are skipped."""
from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..ingest.xlsx import archive_problem
from .errors import DraftError
from .layout import Writer


def _text(value: object, number_format: str = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        # a share stored as a fraction and shown as a percentage: the reader saw "5 %", not 0.05
        return f"{round(value * 100, 6):g} %"
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
    """(title lines, table rows) of the tables of one sheet; `rows` still has its blank rows. The rows
    between blank rows are a segment: one that starts (after title rows of one filled cell) with a header
    row is a new table, its title rows go before it; other segments go on the table above (blank rows
    as spacing); a segment of title rows alone is text."""
    def filled(row: list[str]) -> list[str]:
        return [c for c in row if c.strip()]

    segments: list[list[list[str]]] = [[]]
    for row in rows:
        if filled(row):
            segments[-1].append(row)
        elif segments[-1]:
            segments.append([])
    parts: list[tuple[list[str], list[list[str]]]] = []
    for segment in (s for s in segments if s):
        lead = next((k for k, row in enumerate(segment) if len(filled(row)) > 1), len(segment))
        titles = [filled(row)[0] for row in segment[:lead]]
        if lead == len(segment):
            parts.append((titles, []))
        elif is_header(filled(segment[lead])) or not parts or not parts[-1][1]:
            parts.append((titles, segment[lead:]))
        else:
            parts[-1][1].extend(segment)
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
        if sheet.sheet_state != "visible":
            continue  # a hidden sheet holds lookup lists and helpers, not the plan
        rows = [[_text(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]
        if not any(c.strip() for r in rows for c in r):
            continue
        out.heading(sheet.title, 2)
        for titles, table in _parts(rows, is_header):
            for title in titles:
                out.paragraph(title)
            if table:
                out.table(_drop_empty_columns(table))
    return out.text()
