"""Word (.docx) -> the extracted-text layout, with python-docx.

Body paragraphs and tables are read in document order. Headings come from the paragraph styles
(`Title`, `Heading N`), bullets from list styles or numbering, bold lines from runs that are all bold.
Merged cells: python-docx returns the same cell for every grid position a merge covers; its text is
kept in the first position only.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from .errors import DraftError
from .layout import Writer, cell


def _paragraph_kind(paragraph: Any) -> tuple[int, bool, bool]:
    """(heading level or 0, bold, bullet) of a python-docx paragraph."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    lowered = style.lower()
    if lowered == "title":
        return 1, False, False
    if lowered.startswith("heading"):
        digits = "".join(ch for ch in style if ch.isdigit())
        return (int(digits) + 1 if digits else 2), False, False
    ppr = paragraph._p.pPr
    bullet = "list" in lowered or (ppr is not None and ppr.numPr is not None)
    runs = [r for r in paragraph.runs if r.text.strip()]
    bold = bool(runs) and all(r.bold for r in runs)
    return 0, bold, bullet


def _table_rows(table: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    above: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        out = []
        for i, c in enumerate(cells):
            merged_left = i > 0 and cells[i - 1]._tc is c._tc
            merged_up = i < len(above) and above[i]._tc is c._tc
            if merged_left or merged_up:
                out.append("")
                continue
            out.append(cell([(p.text, _paragraph_kind(p)[2]) for p in c.paragraphs]))
        rows.append(out)
        above = cells
    return rows


def extract(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except zipfile.BadZipFile as exc:
        raise DraftError(f"{path}: not a readable Word file (encrypted or damaged: {exc})") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types for a damaged package
        raise DraftError(f"{path}: not a readable Word file: {exc or type(exc).__name__}") from exc
    out = Writer()
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            level, bold, bullet = _paragraph_kind(paragraph)
            if level:
                out.heading(paragraph.text, level)
            else:
                out.paragraph(paragraph.text, bold=bold, bullet=bullet)
        elif tag == "tbl":
            out.table(_table_rows(Table(child, document)))
    return out.text()
