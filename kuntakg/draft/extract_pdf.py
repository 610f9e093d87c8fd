"""PDF with a text layer -> the extracted-text layout, with pdfplumber.

Ruled tables are found from their lines; a page without ruled tables is searched for an unruled one
by text alignment, accepted only when one of its first rows is a header the lexicon recognises (a
paragraph page laid out in columns is no table). Text outside tables becomes headings (larger font),
bold lines and paragraphs, in reading order. A table that goes on over a page break with the same
number of columns is one table; its repeated header row is dropped. A cell's wrapped lines are joined;
lines starting with a bullet sign become `- ` items of the cell.
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import DraftError
from .layout import CELL_BREAK, Writer, clean

_BULLET = re.compile(r"^\s*[•▪◦●\-–·]\s+")
HeaderTest = Callable[[list[str]], bool]


def _cell_text(value: str | None) -> str:
    if not value:
        return ""
    parts: list[str] = []
    for line in value.split("\n"):
        if _BULLET.match(line):
            parts.append("- " + _BULLET.sub("", line).strip())
        elif parts:
            parts[-1] = parts[-1] + " " + line.strip()
        else:
            parts.append(line.strip())
    return f" {CELL_BREAK} ".join(clean(p) for p in parts if clean(p))


def _cell_paragraphs(page: Any, box: Box) -> str:
    """A ruled cell's text with its paragraphs: a line that stops well short of the cell's right edge,
    followed by a line that starts with a capital, ends a paragraph; a bullet sign starts an item."""
    x0, top, x1, bottom = box
    try:
        lines = page.crop((x0, top, x1, bottom), strict=False).extract_text_lines()
    except ValueError:
        return ""
    parts: list[tuple[str, bool]] = []
    short = True
    for line in lines:
        text = clean(line["text"])
        if not text:
            continue
        if _BULLET.match(text):
            parts.append((_BULLET.sub("", text), True))
        elif parts and not ((short or re.search(r"[.!?:]$", parts[-1][0])) and text[:1].isupper()):
            prev, bullet = parts[-1]
            joined = prev[:-1] + text if prev.endswith("-") and text[:1].islower() else f"{prev} {text}"
            parts[-1] = (joined, bullet)
        else:
            parts.append((text, False))
        short = line["x1"] < x1 - (x1 - x0) * 0.2
    return f" {CELL_BREAK} ".join(f"- {t}" if b else t for t, b in parts)


def _norm_row(row: list[str]) -> str:
    return " ".join(" ".join(row).lower().split())


Box = tuple[float, float, float, float]


def _tables(page: Any, is_header: HeaderTest) -> tuple[list[tuple[float, list[list[str]]]], list[Box]]:
    """(top, rows) of each table on the page, and the tables' boxes."""
    found: list[tuple[Box, list[list[str]]]] = []
    for table in page.find_tables():
        rows = [[_cell_paragraphs(page, box) if box else "" for box in row.cells] for row in table.rows]
        if rows and max(len(r) for r in rows) >= 2:
            found.append((table.bbox, rows))
    if not found:
        unruled = _unruled(page, is_header)
        if unruled is not None:
            found.append(unruled)
    return [(bbox[1], rows) for bbox, rows in found], [bbox for bbox, _ in found]


def _lines_of_words(page: Any) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for word in sorted(page.extract_words(keep_blank_chars=False), key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _groups(line: list[dict]) -> list[list[dict]]:
    """Words of a line grouped into cells at gaps wider than two spaces."""
    out: list[list[dict]] = []
    for word in line:
        size = word["bottom"] - word["top"]
        if out and word["x0"] - out[-1][-1]["x1"] < size * 0.9:
            out[-1].append(word)
        else:
            out.append([word])
    return out


def _unruled(page: Any, is_header: HeaderTest) -> tuple[Box, list[list[str]]] | None:
    """A table without rules: a line whose word groups are a known header fixes the columns (their left
    edges); the lines below it, as long as their words fall into those columns, are its rows."""
    lines = _lines_of_words(page)
    for i, line in enumerate(lines):
        groups = _groups(line)
        cells = [" ".join(w["text"] for w in g) for g in groups]
        if len(groups) < 2 or not is_header(cells):
            continue
        starts = [g[0]["x0"] for g in groups]
        height = line[0]["bottom"] - line[0]["top"]
        body: list[list[dict]] = []
        bottom = line[0]["bottom"]
        for following in lines[i + 1:]:
            if following[0]["top"] - bottom > height * 2.5:
                break
            body.append(following)
            bottom = following[0]["bottom"]
        rows = [cells] + _banded_rows(body, starts)
        if len(rows) < 2:
            return None
        box = (0.0, line[0]["top"] - 1, float(page.width), bottom + 1)
        return box, rows
    return None


def _banded_rows(lines: list[list[dict]], starts: list[float]) -> list[list[str]]:
    """The rows of an unruled table: where the gaps between lines are of two sizes, the larger gaps
    separate rows (a cell's wrapped lines, even vertically centred ones, stay in its row); where they
    are all alike, each line is a row and wrapped lines are joined by _merge_wrapped."""
    if not lines:
        return []
    gaps = [b[0]["top"] - a[0]["bottom"] for a, b in zip(lines, lines[1:], strict=False)]
    small = min(gaps) if gaps else 0.0
    banded = bool(gaps) and max(gaps) > small + 2.0
    bands: list[list[list[dict]]] = [[lines[0]]]
    for gap, line in zip(gaps, lines[1:], strict=True):
        if banded and gap > small + 2.0:
            bands.append([line])
        else:
            bands[-1].append(line)
    if not banded:
        bands = [[line] for line in lines]
    rows = []
    for band in bands:
        row = [""] * len(starts)
        for line in band:
            for g in _groups(line):
                col = max((k for k, x in enumerate(starts) if x <= g[0]["x0"] + 2), default=0)
                text = " ".join(w["text"] for w in g)
                row[col] = f"{row[col]} {text}".strip()
        rows.append(row)
    return rows if banded else _merge_wrapped(rows)


def _merge_wrapped(rows: list[list[str]]) -> list[list[str]]:
    """In an unruled table a wrapped cell continues in a row whose first cell is empty and whose other
    cells have no new item; such rows are joined to the row above, cell by cell."""
    out: list[list[str]] = []
    for row in rows:
        if out and len(out) > 1 and not row[0] and any(row) and all(
                not c or (c[:1].islower()) for c in row):
            out[-1] = [f"{a} {b}".strip() for a, b in zip(out[-1], row, strict=False)]
        else:
            out.append(list(row))
    return out


def _inside(obj: dict, boxes: list[Box]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)


def _text_blocks(page: Any, boxes: list[Box], body_size: float) -> list[tuple[float, str, str]]:
    """(top, kind, text) of the text outside tables: kind heading/bold/bullet/para."""
    outside = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
    blocks: list[tuple[float, str, str]] = []
    last_bottom, last_kind = None, None
    for line in outside.extract_text_lines(return_chars=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        if not chars:
            continue
        size = statistics.median(c["size"] for c in chars)
        bold = all("bold" in c["fontname"].lower() for c in chars)
        text = clean(line["text"])
        kind = "heading" if size > body_size * 1.15 else "bold" if bold else "para"
        if _BULLET.match(text):
            kind, text = "bullet", _BULLET.sub("", text)
        gap = line["top"] - last_bottom if last_bottom is not None else 99.0
        joins = bool(blocks and kind == last_kind and kind in ("para", "bold", "heading") and gap < size * 0.8)
        if joins and kind == "heading" and not text[:1].islower():
            joins = False  # a heading line that starts a new heading (a number or a capital) is not a wrap
        if blocks and last_kind == "bullet" and kind == "para" and gap < size * 0.8:
            joins, kind = True, "bullet"
        if joins:
            top, k, prev = blocks[-1]
            blocks[-1] = (top, k, prev[:-1] + text if prev.endswith("-") and text[:1].islower() else f"{prev} {text}")
        else:
            blocks.append((line["top"], kind, text))
        last_bottom, last_kind = line["bottom"], kind
    return blocks


def extract(path: Path, is_header: HeaderTest) -> str:
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
        pages = list(pdf.pages)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises its own types for encrypted/damaged files
        name = type(exc).__name__
        causes = " ".join(type(a).__name__ for a in (*exc.args, exc.__context__) if isinstance(a, BaseException))
        if "Password" in name + causes or "encrypt" in str(exc).lower():
            raise DraftError(f"{path}: the PDF is encrypted; save an unprotected copy first") from exc
        raise DraftError(f"{path}: not a readable PDF: {exc or name}") from exc
    try:
        sizes = [c["size"] for p in pages for c in p.chars if c["text"].strip()]
        if not sizes:
            raise DraftError(f"{path}: the PDF has no text layer (scanned?); OCR is not supported")
        found = [_tables(page, is_header) for page in pages]
        # the body text's size, from the text outside tables (table text is often smaller)
        outside = [c["size"] for page, (_, boxes) in zip(pages, found, strict=True) for c in page.chars
                   if c["text"].strip() and not _inside(c, boxes)]
        body = statistics.median(outside if len(outside) >= 200 else sizes)
        out = Writer()
        pending: list[list[str]] | None = None  # a table that may go on over the page break
        for page, (tables, boxes) in zip(pages, found, strict=True):
            blocks: list[tuple[float, str, Any]] = [(t, "table", rows) for t, rows in tables]
            blocks += _text_blocks(page, boxes, body)
            blocks.sort(key=lambda b: b[0])
            for i, (_, kind, value) in enumerate(blocks):
                if kind == "table":
                    rows = value
                    if pending is not None and i == 0 and len(rows[0]) == len(pending[0]):
                        if _norm_row(rows[0]) == _norm_row(pending[0]) and is_header(rows[0]):
                            rows = rows[1:]
                        pending.extend(rows)
                    else:
                        if pending is not None:
                            out.table(pending)
                        pending = [list(r) for r in rows]
                    continue
                if pending is not None:
                    out.table(pending)
                    pending = None
                if kind == "heading":
                    out.heading(value, 2)
                else:
                    out.paragraph(value, bold=kind == "bold", bullet=kind == "bullet")
        if pending is not None:
            out.table(pending)
        return out.text()
    finally:
        pdf.close()
