"""Read a document folder's tables (CSV files or one XLSX workbook) into rows. No RDF here."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from ..errors import InputError
from .schema import LANG, LANGUAGES, SHEETS_BY_NAME, Row, Sheet

Tables = dict[str, list[Row]]


def read_tables(folder: Path) -> tuple[Tables, list[InputError]]:
    """All sheets of a document folder, and every structural error found on the way."""
    csvs = sorted(folder.glob("*.csv"))
    books = sorted(folder.glob("*.xlsx"))
    if csvs and books:
        return {}, [InputError(str(books[0]), 0, 0, "", "the folder has both CSV files and an XLSX "
                               "workbook; keep one of the two forms")]
    if len(books) > 1:
        return {}, [InputError(str(books[1]), 0, 0, "", "more than one XLSX workbook in the folder")]
    raw = _read_xlsx(books[0]) if books else _read_csvs(csvs)
    if isinstance(raw, InputError):
        return {}, [raw]
    tables: Tables = {}
    errors: list[InputError] = []
    for name, (file, header, records) in raw.items():
        rows, errs = _to_rows(name, file, header, records)
        tables[name] = rows
        errors += errs
    return tables, errors


def _read_csvs(paths: list[Path]) -> dict[str, tuple[str, list[str], list[tuple[int, list[str]]]]]:
    out = {}
    for path in paths:
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh, strict=True)
                records = [(reader.line_num, rec) for rec in reader]
        except UnicodeDecodeError as exc:
            return InputError(str(path), 0, 0, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        except csv.Error as exc:
            return InputError(str(path), reader.line_num, 0, "", f"malformed CSV: {exc}")
        if not records:
            return InputError(str(path), 1, 0, "", "empty file: the header row is missing")
        # csv's line_num counts physical lines; rows are numbered by record so that a cell with a
        # newline does not shift later row numbers away from what a spreadsheet shows.
        header = records[0][1]
        out[path.stem] = (str(path), header, [(i + 2, rec) for i, (_, rec) in enumerate(records[1:])])
    return out


def _read_xlsx(path: Path):
    try:
        return _xlsx_sheets(path)
    except Exception as exc:  # noqa: BLE001 - see below
        # A damaged workbook fails wherever openpyxl first touches the damage: zipfile, zlib, the XML
        # parser or openpyxl itself, on opening or (read-only mode parses lazily) while rows are read.
        # Each has its own exception types; to the user they all mean the same thing.
        detail = str(exc) or type(exc).__name__
        return InputError(str(path), 0, 0, "", f"not a readable XLSX workbook: {detail}")


def _xlsx_sheets(path: Path):
    from openpyxl import load_workbook  # imported here: only workbook users pay for it

    book = load_workbook(path, read_only=True, data_only=True)
    out = {}
    try:
        for sheet in book.worksheets:
            records = [[_cell_text(v) for v in rec] for rec in sheet.iter_rows(values_only=True)]
            where = f"{path}[{sheet.title}]"
            if not records:
                return InputError(where, 1, 0, "", "empty sheet: the header row is missing")
            header = [h for h in records[0]]
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


def _cell_text(value) -> str:
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


def _to_rows(name: str, file: str, header: list[str], records) -> tuple[list[Row], list[InputError]]:
    sheet = SHEETS_BY_NAME.get(name)
    if sheet is None:
        known = ", ".join(SHEETS_BY_NAME)
        return [], [InputError(file, 0, 0, "", f"unknown sheet '{name}' (known sheets: {known})")]
    errors = []
    header = [h.strip() for h in header]
    known_cols = {c.name for c in sheet.all_columns}
    positions = {}
    for i, h in enumerate(header, start=1):
        if h not in known_cols:
            errors.append(InputError(file, 1, i, h or "(empty)", f"unknown column; the {name} sheet has: "
                                     + ", ".join(c.name for c in sheet.all_columns)))
        elif h in positions:
            errors.append(InputError(file, 1, i, h, "column appears twice"))
        else:
            positions[h] = i
    for col in sheet.required_columns:
        if col not in positions:
            errors.append(InputError(file, 1, 0, col, "required column is missing"))
    rows = []
    for number, rec in records:
        if not any(v.strip() for v in rec):
            continue
        if len(rec) != len(header):
            errors.append(InputError(file, number, 0, "", f"row has {len(rec)} cells, header has {len(header)}"))
            continue
        cells = {h: v for h, v in zip(header, rec, strict=True) if h in positions}
        for col in sheet.required_columns:
            if col in positions and not cells[col].strip():
                errors.append(InputError(file, number, positions[col], col, "required value is missing"))
        errors += _closed_values(sheet, file, number, cells, positions)
        rows.append(Row(name, file, number, cells, positions))
    return rows, errors


def _closed_values(sheet: Sheet, file: str, number: int, cells: dict[str, str],
                   positions: dict[str, int]) -> list[InputError]:
    """Cells of a closed list (ENUM, LANG) outside it: without this check a misspelt metadata field,
    action kind or translated field was silently ignored or read as the default."""
    errors = []
    for col in sheet.all_columns:
        allowed = LANGUAGES if col.kind == LANG else col.values
        value = cells.get(col.name, "").strip()
        if allowed and value and value not in allowed:
            errors.append(InputError(file, number, positions[col.name], col.name,
                                     f"'{value}' is not one of: {', '.join(allowed)}"))
    return errors
