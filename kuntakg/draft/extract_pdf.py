"""PDF with a text layer -> the extracted-text layout, with pdfplumber.

Ruled tables are found from their lines (a row left open by a page break is closed where the vertical
rules end); a page without ruled tables is searched for unruled ones by text alignment, accepted only
under a header row the lexicon recognises (a paragraph page laid out in columns is no table). Text
outside tables becomes headings (larger font), bold lines and paragraphs, in reading order; running
headers, footers and page numbers are dropped (pdf_pages). Paragraphs, in cells and outside them, come
from the line geometry (pdf_lines): wrapped lines are joined, words hyphenated at a line end repaired,
lines starting with a bullet sign become `- ` items. A table that goes on over a page break is one table
(pdf_pages.continue_table), and so is a paragraph.
"""
from __future__ import annotations

import bisect
import statistics
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from .errors import DraftError
from .layout import CELL_BREAK, Writer, clean
from .pdf_lines import (
    BULLET,
    after_lowercase_item,
    broken_word,
    ends_paragraph,
    join_wrapped,
    justified,
    line_gap,
    paragraph_gap,
)
from .pdf_pages import continue_table, drop_furniture

HeaderTest = Callable[[list[str]], bool]


def _by_middle(chars: list[dict]) -> tuple[list[float], list[dict]]:
    """The chars sorted by the y of their middle, with those ys (for bisecting a cell's rows)."""
    ordered = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
    return [(c["top"] + c["bottom"]) / 2 for c in ordered], ordered


def _cell_lines(chars: tuple[list[float], list[dict]], box: Box) -> list[dict]:
    """The text lines of a ruled cell: of the page's chars whose middle is in the cell (a crop would also
    take the descenders of a line just above); `chars` from _by_middle."""
    from pdfplumber.utils import chars_to_textmap

    ys, ordered = chars
    x0, top, x1, bottom = box
    band = ordered[bisect.bisect_left(ys, top):bisect.bisect_right(ys, bottom)]
    inside = [c for c in band if x0 <= (c["x0"] + c["x1"]) / 2 <= x1]
    if not inside:
        return []
    return [ln for ln in chars_to_textmap(inside).extract_text_lines(strip=True, return_chars=True)
            if clean(ln["text"])]


def _cell_paragraphs(lines: list[dict], box: Box, wrap_gap: float | None, keep_hyphen: Collection[str]) -> str:
    """A ruled cell's text with its paragraphs, from the line geometry (pdf_lines.ends_paragraph, and a
    vertical gap wider than `wrap_gap`, the gap between wrapped lines); a bullet sign starts an item."""
    if not lines:
        return ""
    x0, _, x1, _ = box
    # the cell's inner right edge: its padding is taken to be the same on both sides
    pad = max(0.0, min(float(ln["x0"]) for ln in lines) - x0)
    right = max(x1 - pad, max(float(ln["x1"]) for ln in lines))
    flush = justified(lines, right)
    parts: list[tuple[str, bool]] = []
    for i, line in enumerate(lines):
        text = clean(line["text"])
        spaced = bool(i) and wrap_gap is not None and paragraph_gap(lines[i - 1], line, wrap_gap)
        if i and not spaced and not ends_paragraph(lines[i - 1], line, right, flush) \
                and not after_lowercase_item(parts, text):
            prev, bullet = parts[-1]
            glue = "" if broken_word(lines[i - 1], line, right) else " "
            parts[-1] = (prev + text if not glue else join_wrapped(prev, text, keep_hyphen), bullet)
        elif BULLET.match(text):
            parts.append((BULLET.sub("", text), True))
        else:
            parts.append((text, False))
    return f" {CELL_BREAK} ".join(f"- {t}" if b else t for t, b in parts)


Box = tuple[float, float, float, float]


def _closing_lines(page: Any) -> list[dict]:
    """Horizontal lines where the vertical rules of a table start or end without one: a row split by a
    page break is printed open at the page's foot and at the top of the next page's part."""
    ends: dict[float, list[float]] = {}
    for edge in page.edges:
        if edge["orientation"] == "v":
            for y in (round(float(edge["top"]), 1), round(float(edge["bottom"]), 1)):
                ends.setdefault(y, []).append(float(edge["x0"]))
    return [{"object_type": "line", "x0": min(xs), "x1": max(xs), "top": y, "bottom": y, "width": max(xs) - min(xs),
             "height": 0.0} for y, xs in sorted(ends.items()) if len(xs) >= 2 and max(xs) > min(xs)]


def _tables(page: Any, is_header: HeaderTest,
            keep_hyphen: Collection[str]) -> tuple[list[tuple[float, list[list[str]]]], list[Box]]:
    """(top, rows) of each table on the page, and the tables' boxes."""
    found: list[tuple[Box, list[list[str]]]] = []
    tables = page.find_tables({"explicit_horizontal_lines": _closing_lines(page)})
    chars = _by_middle(page.chars)
    cells = {box: _cell_lines(chars, box) for table in tables for row in table.rows for box in row.cells if box}
    wrap_gap = line_gap(list(cells.values()))
    for table in tables:
        rows = [[_cell_paragraphs(cells[box], box, wrap_gap, keep_hyphen) if box else "" for box in row.cells]
                for row in table.rows]
        if rows and max(len(r) for r in rows) >= 2:
            found.append((table.bbox, rows))
    # unruled tables in the text outside the ruled ones
    ruled = [bbox for bbox, _ in found]
    rest = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, ruled)) if ruled else page
    found += _unruled(rest, is_header)
    found.sort(key=lambda f: f[0][1])
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


def _unruled(page: Any, is_header: HeaderTest) -> list[tuple[Box, list[list[str]]]]:
    """Tables without rules: a line whose word groups are a known header fixes the columns (their left
    edges); the lines below it, as long as no wider gap than two and a half lines parts them, are its
    rows. Several such tables on a page are found one after the other."""
    lines = _lines_of_words(page)
    found: list[tuple[Box, list[list[str]]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        groups = _groups(line)
        cells = [" ".join(w["text"] for w in g) for g in groups]
        if len(groups) < 2 or not is_header(cells):
            i += 1
            continue
        starts = [g[0]["x0"] for g in groups]
        height = line[0]["bottom"] - line[0]["top"]
        body: list[list[dict]] = []
        bottom = line[0]["bottom"]
        for following in lines[i + 1:]:
            if following[0]["top"] - bottom > height * 2.5 or _is_larger(following, line):
                break
            body.append(following)
            bottom = following[0]["bottom"]
        rules = _rules_between(page, line[0]["top"], bottom)
        if rules:  # horizontal rules only: each band between two rules is a row (the header's too)
            bands: dict[int, list[list[dict]]] = {}
            for ln in [line, *body]:
                bands.setdefault(bisect.bisect(rules, float(ln[0]["top"])), []).append(ln)
            rows = [_row(band, starts) for _, band in sorted(bands.items())]
        else:
            rows = [cells] + _banded_rows(body, starts)
        if len(rows) >= 2:
            found.append(((0.0, line[0]["top"] - 1, float(page.width), bottom + 1), rows))
        i += 1 + len(body)
    return found


def _is_larger(line: list[dict], than: list[dict]) -> bool:
    """True when the line's type is clearly larger than the other's (a heading after a table)."""
    def size(ln: list[dict]) -> float:
        return statistics.median(float(w["bottom"] - w["top"]) for w in ln)
    return size(line) > size(than) * 1.15


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
    rows = [_row(band, starts) for band in bands]
    return rows if banded else _merge_wrapped(rows)


def _row(lines: list[list[dict]], starts: list[float]) -> list[str]:
    """One row of an unruled table from its lines: each word group goes to the column it starts in."""
    row = [""] * len(starts)
    for line in lines:
        for g in _groups(line):
            col = max((k for k, x in enumerate(starts) if x <= g[0]["x0"] + 2), default=0)
            text = " ".join(w["text"] for w in g)
            row[col] = f"{row[col]} {text}".strip()
    return row


def _rules_between(page: Any, top: float, bottom: float) -> list[float]:
    """The y of the horizontal rules across at least half the page's text width between top and bottom
    (a table ruled only between its rows)."""
    chars = [c for c in page.chars if c["text"].strip()]
    if not chars:
        return []
    width = max(float(c["x1"]) for c in chars) - min(float(c["x0"]) for c in chars)
    return sorted({round(float(e["top"]), 1) for e in page.edges
                   if e["orientation"] == "h" and top < e["top"] < bottom and e["x1"] - e["x0"] >= width / 2})


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


def _inside(obj: dict, boxes: list[Box], margin: float = 1.0) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(b[0] - margin <= cx <= b[2] + margin and b[1] - margin <= cy <= b[3] + margin for b in boxes)


def _outside_lines(page: Any, boxes: list[Box]) -> list[dict]:
    """The text lines of a page outside its tables, with their chars."""
    outside = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
    return [ln for ln in outside.extract_text_lines(return_chars=True)
            if any(c["text"].strip() for c in ln["chars"])]


def _text_blocks(lines: list[dict], body_size: float, right: float,
                 keep_hyphen: Collection[str]) -> list[tuple[float, str, str]]:
    """(top, kind, text) of the text outside tables: kind heading/bold/bullet/para. Lines of one kind
    close below each other are one block unless the line geometry ends the paragraph."""
    blocks: list[tuple[float, str, str]] = []
    last: dict | None = None
    last_kind = None
    flush = sum(right - float(ln["x1"]) < 0.6 and " " in ln["text"].strip() for ln in lines) >= 2
    for line in lines:
        chars = [c for c in line["chars"] if c["text"].strip()]
        size = statistics.median(c["size"] for c in chars)
        bold = all("bold" in c["fontname"].lower() for c in chars)
        text = clean(line["text"])
        kind = "heading" if size > body_size * 1.15 else "bold" if bold else "para"
        if BULLET.match(text):
            kind, text = "bullet", BULLET.sub("", text)
        close = last is not None and line["top"] - last["bottom"] < size * 0.8
        wraps = close and last is not None and not ends_paragraph(last, line, right, flush)
        joins = bool(blocks and kind == last_kind and kind in ("para", "bold", "heading") and wraps)
        if joins and kind == "heading" and not text[:1].islower():
            joins = False  # a heading line that starts a new heading (a number or a capital) is not a wrap
        if blocks and last_kind == "bullet" and kind == "para" and wraps:
            joins, kind = True, "bullet"
        if joins:
            top, k, prev = blocks[-1]
            blocks[-1] = (top, k, join_wrapped(prev, text, keep_hyphen))
        else:
            blocks.append((line["top"], kind, text))
        last, last_kind = line, kind
    return blocks


def extract(path: Path, is_header: HeaderTest, keep_hyphen_before: Collection[str] = ()) -> str:
    """The PDF's text in the layout of layout.py. `is_header` tells a table's header row;
    `keep_hyphen_before` are the words after which a line-end hyphen is no broken word ("ja", "och")."""
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
        keep = {w.lower() for w in keep_hyphen_before}
        found = [_tables(page, is_header, keep) for page in pages]
        # the body text's size, from the text outside tables (table text is often smaller)
        outside = [c["size"] for page, (_, boxes) in zip(pages, found, strict=True) for c in page.chars
                   if c["text"].strip() and not _inside(c, boxes)]
        body = statistics.median(outside if len(outside) >= 200 else sizes)
        lines = drop_furniture([_outside_lines(page, boxes) for page, (_, boxes) in zip(pages, found, strict=True)],
                               [float(page.height) for page in pages])
        # the right edge of the running text, per page width (a landscape page has its own)
        right: dict[float, float] = {}
        for page, page_lines in zip(pages, lines, strict=True):
            for ln in page_lines:
                right[float(page.width)] = max(right.get(float(page.width), 0.0), float(ln["x1"]))
        # the page blocks in reading order, a table or paragraph that the page break split joined back
        merged: list[tuple[str, Any]] = []
        for page, (tables, _), page_lines in zip(pages, found, lines, strict=True):
            blocks: list[tuple[float, str, Any]] = [(t, "table", rows) for t, rows in tables]
            blocks += _text_blocks(page_lines, body, right.get(float(page.width), float(page.width)), keep)
            blocks.sort(key=lambda b: b[0])
            for i, (_, kind, value) in enumerate(blocks):
                prev_kind, prev = merged[-1] if merged else ("", "")
                if i == 0 and kind == "table" and isinstance(prev, list) and len(value[0]) == len(prev[0]) \
                        and continue_table(prev, value, is_header, keep):
                    continue
                if i == 0 and kind == prev_kind and kind in ("para", "bullet") and value[:1].islower():
                    merged[-1] = (kind, join_wrapped(prev, value, keep))
                    continue
                merged.append((kind, [list(r) for r in value] if kind == "table" else value))
        out = Writer()
        for kind, value in merged:
            if kind == "table":
                out.table(value)
            elif kind == "heading":
                out.heading(value, 2)
            else:
                out.paragraph(value, bold=kind == "bold", bullet=kind == "bullet")
        return out.text()
    finally:
        pdf.close()
