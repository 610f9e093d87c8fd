"""Read a document folder's tables (CSV files or one XLSX workbook) into rows. No RDF here."""
from __future__ import annotations

import csv
from pathlib import Path

from ..errors import MAX_ERRORS, InputError
from .files import plain_file_problem
from .schema import LANG, LANGUAGES, SHEETS_BY_NAME, Row, Sheet
from .xlsx import Raw, read_xlsx

Tables = dict[str, list[Row]]


def read_tables(folder: Path) -> tuple[Tables, list[InputError]]:
    """All sheets of a document folder, and every structural error found on the way (at most
    MAX_ERRORS per sheet: checking stops there). Only plain files inside the folder are read: a
    symbolic link (to the folder or to a table) could publish any file of the machine."""
    if folder.is_symlink():
        return {}, [InputError(str(folder), 0, 0, "", "the document folder is a symbolic link: only folders "
                               "inside data/documents are read")]
    csvs = sorted(folder.glob("*.csv"))
    books = sorted(folder.glob("*.xlsx"))
    for path in (*csvs, *books):
        problem = plain_file_problem(folder, path.name)
        if problem:
            return {}, [InputError(str(path), 0, 0, "", problem)]
    if csvs and books:
        return {}, [InputError(str(books[0]), 0, 0, "", "the folder has both CSV files and an XLSX "
                               "workbook; keep one of the two forms")]
    if len(books) > 1:
        return {}, [InputError(str(books[1]), 0, 0, "", "more than one XLSX workbook in the folder")]
    raw = read_xlsx(books[0]) if books else _read_csvs(csvs)
    if isinstance(raw, InputError):
        return {}, [raw]
    tables: Tables = {}
    errors: list[InputError] = []
    for name, (file, header, records) in raw.items():
        rows, errs = _to_rows(name, file, header, records)
        tables[name] = rows
        errors += errs
    return tables, errors


def _read_csvs(paths: list[Path]) -> Raw | InputError:
    out: Raw = {}
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
        if len(errors) >= MAX_ERRORS:
            errors.append(InputError(file, number, 0, "", f"checking stopped after {MAX_ERRORS} errors in this "
                                     "sheet; the rows from here on were not checked"))
            break
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
