"""Excel (.xlsx) -> the extracted-text layout, with openpyxl: one `## sheet` heading and one table per
sheet. A merged range keeps its value in its top-left cell (openpyxl leaves the others empty)."""
from __future__ import annotations

import datetime as dt
import zipfile
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


def extract(path: Path) -> str:
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
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            continue
        out.heading(sheet.title, 2)
        out.table(rows)
    return out.text()
