"""Read an XLSX workbook's sheets into raw records, within bounds checked before openpyxl parses it.

A workbook is a zip of XML parts, and a small one can unpack to hundreds of MB (issue 17: 1.6 MB to
455 MB). Before openpyxl opens it: the parts' declared unpacked sizes must add up to at most
MAX_UNPACKED (zipfile never inflates a part past its declared size, so the declaration binds), and
no part may declare a document type (entities). While reading: the declared sheet dimensions are
ignored (a two-line sheet can claim A1:XFD1048576), a sheet has at most MAX_ROWS rows and values in
the first MAX_COLUMNS columns only.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from ..errors import InputError
from ..xmlsafe import ForbiddenDTD, refuse_dtd

MAX_UNPACKED = 32 * 2**20  # bytes, all parts together (the seeds as one workbook: well under 2 MB)
MAX_PARTS = 1000
MAX_ROWS = 50_000  # per sheet, header included
MAX_COLUMNS = 100  # the widest sheet of the import format has 16 columns

Raw = dict[str, tuple[str, list[str], list[tuple[int, list[str]]]]]  # sheet -> (file, header, records)


def read_xlsx(path: Path) -> Raw | InputError:
    try:
        problem = archive_problem(path)
        if problem:
            return InputError(str(path), 0, 0, "", problem)
        return _sheets(path)
    except Exception as exc:  # noqa: BLE001 - see below
        # A damaged workbook fails wherever openpyxl first touches the damage: zipfile, zlib, the XML
        # parser or openpyxl itself, on opening or (read-only mode parses lazily) while rows are read.
        # Each has its own exception types; to the user they all mean the same thing.
        detail = str(exc) or type(exc).__name__
        return InputError(str(path), 0, 0, "", f"not a readable XLSX workbook: {detail}")


def archive_problem(path: Path) -> str | None:
    """Why the workbook may not be opened (too large unpacked, a DTD in a part), or None."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return f"the workbook has {len(parts):,} parts (at most {MAX_PARTS:,})"
        unpacked = sum(p.file_size for p in parts)
        if unpacked > MAX_UNPACKED:
            return (f"the workbook unpacks to {unpacked:,} bytes (at most {MAX_UNPACKED:,}); "
                    "split the document or use CSV files")
        for part in parts:
            if part.filename.endswith((".xml", ".rels")):
                with archive.open(part) as stream:
                    try:
                        refuse_dtd(stream, part.filename)
                    except ForbiddenDTD as exc:
                        return str(exc)
    return None


def _sheets(path: Path) -> Raw | InputError:
    from openpyxl import load_workbook  # imported here: only workbook users pay for it

    book = load_workbook(path, read_only=True, data_only=True)
    out = {}
    try:
        for sheet in book.worksheets:
            where = f"{path}[{sheet.title}]"
            sheet.reset_dimensions()  # rows as wide as their last cell, none padded up to a claimed size
            records = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    return InputError(where, number, 0, "", f"the sheet has more than {MAX_ROWS:,} rows")
                if len(values) > MAX_COLUMNS:
                    beyond = values[MAX_COLUMNS:]
                    if beyond.count(None) != len(beyond):
                        last = len(values) - next(i for i, v in enumerate(reversed(values)) if v is not None)
                        return InputError(where, number, last, "", f"a value in column {last:,}: a sheet has "
                                          f"at most {MAX_COLUMNS} columns")
                    values = values[:MAX_COLUMNS]
                records.append([_cell_text(v) for v in values])
            if not records:
                return InputError(where, 1, 0, "", "empty sheet: the header row is missing")
            header = list(records[0])
            while header and header[-1] == "":
                header.pop()
            body = [(i + 2, rec if _overflow(rec, header) else _fit(rec, len(header)))
                    for i, rec in enumerate(records[1:])]
            out[sheet.title] = (where, header, body)
    finally:
        book.close()
    return out


def _overflow(rec: list[str], header: list[str]) -> bool:
    return any(v for v in rec[len(header):])


def _fit(rec: list[str], width: int) -> list[str]:
    return rec[:width] + [""] * (width - len(rec))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
