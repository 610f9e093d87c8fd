"""The draft -> an import-format folder: CSV files, or one workbook (`--xlsx`), written whole or not at all."""
from __future__ import annotations

import csv
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..ingest.schema import SHEETS, SHEETS_BY_NAME
from .model import Draft, Item

TEXT_SHEETS = {"reports": "title", "people": "name"}


@dataclass
class Meta:
    doc_id: str
    municipality: str
    lang: str
    title: str
    title_line: int | None
    plan_type: str
    period: tuple[str, str] | None
    source_file: str
    original_file: str
    original_sha256: str
    licence: str = "https://creativecommons.org/licenses/by/4.0/"


def spans(file: str, lines: list[int]) -> str:
    """'file:a-b;file:c' for a set of line numbers."""
    runs: list[list[int]] = []
    for n in sorted(set(lines)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ";".join(f"{file}:{a}" if a == b else f"{file}:{a}-{b}" for a, b in runs)


def _ids(items: list[Item]) -> str:
    return ";".join(i.id for i in items)


def _row(item: Item, file: str) -> dict[str, str]:
    row = {"id": item.id, "source": spans(file, item.lines), "source_text": item.source_text,
           "note": "; ".join(sorted(item.notes, key=lambda n: not n.startswith("DRAFT:")))}
    label_column = TEXT_SHEETS.get(item.sheet, "label")
    if item.sheet != "targets" and item.sheet != "assessments":
        row[label_column] = item.label
    for name, value in item.fields.items():
        if not name.startswith("_"):
            row[name] = value
    for name, refs in item.refs.items():
        row[name] = _ids(refs)
    if item.sheet == "milestones":
        row["theme"] = _ids(item.refs.get("theme", []))
    return row


def tables(draft: Draft, meta: Meta) -> dict[str, list[dict[str, str]]]:
    """Sheet name -> rows (column -> value), metadata first; sheets without rows are left out."""
    draft.assign_ids()
    out: dict[str, list[dict[str, str]]] = {"metadata": _metadata(meta)}
    for sheet in SHEETS:
        if sheet.name in ("metadata", "translations"):
            continue
        rows = [_row(i, draft.file) for i in draft.items if i.sheet == sheet.name]
        if rows:
            known = {c.name for c in sheet.all_columns}
            out[sheet.name] = [{k: v for k, v in r.items() if k in known} for r in rows]
    return out


def _metadata(meta: Meta) -> list[dict[str, str]]:
    def f(field: str, value: str, lang: str = "", source: str = "") -> dict[str, str]:
        return {"field": field, "lang": lang, "value": value, "source": source}
    rows = [f("id", meta.doc_id),
            f("title", meta.title, meta.lang, spans(meta.source_file, [meta.title_line]) if meta.title_line else ""),
            f("municipality", meta.municipality), f("language", meta.lang), f("plan_type", meta.plan_type)]
    if meta.period:
        rows += [f("period_start", meta.period[0]), f("period_end", meta.period[1])]
    rows += [f("source_file", meta.source_file), f("original_file", meta.original_file),
             f("original_sha256", meta.original_sha256), f("licence", meta.licence)]
    return rows


def write(folder: Path, sheets: dict[str, list[dict[str, str]]], xlsx: bool, force: bool) -> list[Path]:
    """Write the folder through a temporary sibling, then swap it in: a failure leaves nothing behind."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        written = _write_xlsx(staging, folder.name, sheets) if xlsx else _write_csvs(staging, sheets)
        if folder.exists():
            if not force:
                raise FileExistsError(folder)
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / p.name for p in written]


def _columns(name: str) -> list[str]:
    return [c.name for c in SHEETS_BY_NAME[name].all_columns]


def _write_csvs(folder: Path, sheets: dict[str, list[dict[str, str]]]) -> list[Path]:
    written = []
    for name, rows in sheets.items():
        path = folder / f"{name}.csv"
        columns = _columns(name)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([r.get(c, "") for c in columns] for r in rows)
        written.append(path)
    return written


def _write_xlsx(folder: Path, doc_id: str, sheets: dict[str, list[dict[str, str]]]) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    todo = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        columns = _columns(name)
        ws.append(columns)
        for cell, column in zip(ws[1], SHEETS_BY_NAME[name].all_columns, strict=True):
            cell.font = Font(bold=True)
            cell.comment = Comment(column.doc, "Kunta-KG")  # the column help, as in `kuntakg template --xlsx`
        for r in rows:
            ws.append([r.get(c, "") for c in columns])
            if "DRAFT:" in r.get("note", ""):  # the reviewer's to-do rows stand out
                for cell in ws[ws.max_row]:
                    cell.fill = todo
        ws.freeze_panes = "B2"
    path = folder / f"{doc_id}.xlsx"
    book.save(path)
    return [path]
