"""Word (.docx) -> the extracted-text layout, with python-docx for the package and its XML.

The body is walked in document order over the WordprocessingML elements themselves, so that content
inside content controls (`w:sdt`, in the body, around table rows, around cells and inside cells) and
custom XML wrappers is read like any other. Text of a paragraph is all its runs' text (tabs and breaks
become spaces); text boxes are left out (Word stores each twice, as drawing and as fallback).

Headings: a paragraph whose style (or the style it is based on, or the paragraph itself) carries an
outline level is a heading of that level; else the style name tells: the OOXML built-in names `Title` and
`heading N`, and the localised names given by the caller (`Otsikko 1`, `Rubrik 1`; lexicon
`docx_heading_styles`, `docx_title_styles`). Bullets: a paragraph with numbering, its own or its
style's (bulleted and numbered lists alike). Bold lines: every run with text is bold.

Tables: `w:gridSpan` (a cell over several grid columns) keeps the text in its first column and leaves
the others empty; `w:vMerge` continuation cells are empty (the layout's "a blank cell continues the row
above"); `w:gridBefore`/`w:gridAfter` are empty cells. A table nested in a cell becomes paragraphs of
that cell, one per nested row (its cells joined by " – "); a table of one cell that only frames its
content is read as that content.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DraftError
from .layout import Writer, cell

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(element: Any, tag: str) -> str | None:
    """The w:val of the child `tag` of `element`, "" when the child has no value, None when absent."""
    if element is None:
        return None
    child = element.find(_q(tag))
    if child is None:
        return None
    return child.get(_q("val"), "")


def _on(value: str | None) -> bool:
    """A WordprocessingML on/off property: present and not switched off."""
    return value is not None and value.lower() not in ("0", "false", "off")


def _placeholder(sdt: Any) -> bool:
    """True when a content control shows its placeholder ("Kirjoita tekstiä tähän."), not content."""
    props = sdt.find(_q("sdtPr"))
    return props is not None and props.find(_q("showingPlcHdr")) is not None


def _children(element: Any) -> Iterator[Any]:
    """The block-level children of `element`, with content controls and custom XML unwrapped."""
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == _q("sdt"):
            content = child.find(_q("sdtContent"))
            if content is None:
                continue
            if _placeholder(child):  # only its paragraphs are placeholder text; rows and cells keep the grid
                yield from (c for c in _children(content) if c.tag in (_q("tr"), _q("tc")))
            else:
                yield from _children(content)
        elif tag == _q("customXml"):
            yield from _children(child)
        else:
            yield child


def paragraph_text(p: Any) -> str:
    """All run text of a paragraph (inline content controls, hyperlinks, insertions included)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in (_q("txbxContent"), f"{{{_MC}}}Fallback", _q("pPr"), _q("rPr"), _q("del"), _q("moveFrom"),
                       _q("sdtPr")) or (tag == _q("sdt") and _placeholder(child)):
                continue  # text boxes (stored twice), properties, deleted or moved-away text, placeholders
            if tag == _q("t"):
                parts.append(child.text or "")
            elif tag in (_q("tab"), _q("br"), _q("cr")):
                parts.append(" ")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    numbered: bool
    bold: bool


@dataclass
class Styles:
    """Paragraph styles by id, with what a heading, list or bold line is told by."""

    by_id: dict[str, _Style] = field(default_factory=dict)
    heading_words: tuple[str, ...] = ()
    title_words: tuple[str, ...] = ()

    @classmethod
    def of(cls, document: Any, heading_words: Collection[str], title_words: Collection[str]) -> Styles:
        by_id: dict[str, _Style] = {}
        for s in document.styles.element.findall(_q("style")):
            ppr, rpr = s.find(_q("pPr")), s.find(_q("rPr"))
            outline = _val(ppr, "outlineLvl")
            by_id[s.get(_q("styleId"), "")] = _Style(
                name=_val(s, "name") or "", based_on=_val(s, "basedOn"),
                outline=int(outline) if outline and outline.isdigit() else None,
                numbered=ppr is not None and ppr.find(_q("numPr")) is not None,
                bold=_on(_val(rpr, "b")))
        return cls(by_id, tuple(w.lower() for w in heading_words), tuple(w.lower() for w in title_words))

    def chain(self, style_id: str | None) -> list[_Style]:
        """The style and the styles it is based on, nearest first."""
        out: list[_Style] = []
        while style_id and style_id in self.by_id and len(out) < 20:
            style = self.by_id[style_id]
            out.append(style)
            style_id = style.based_on
        return out

    def heading_level(self, style_id: str | None, own_outline: str | None) -> int:
        """The layout heading level (1 the title, 2 for Heading 1, …) of a paragraph, 0 if none."""
        outline = int(own_outline) if own_outline and own_outline.isdigit() else None
        chain = self.chain(style_id)
        if outline is None:
            outline = next((s.outline for s in chain if s.outline is not None), None)
        if outline is not None:
            return outline + 2 if outline < 9 else 0  # level 9 is body text
        for style in chain:
            name = " ".join(style.name.lower().split())
            m = re.fullmatch(r"(.+?)\s*(\d)", name)
            if m and m.group(1) in ("heading", *self.heading_words):
                return int(m.group(2)) + 1
            if name in ("title", *self.title_words):
                return 1
        return 0

    def numbered(self, style_id: str | None) -> bool:
        return any(s.numbered for s in self.chain(style_id))

    def bold(self, style_id: str | None) -> bool:
        return any(s.bold for s in self.chain(style_id))


def _paragraph(p: Any, styles: Styles) -> tuple[str, int, bool, bool]:
    """(text, heading level or 0, bold, bullet) of a w:p element."""
    ppr = p.find(_q("pPr"))
    style_id = _val(ppr, "pStyle")
    text = paragraph_text(p)
    level = styles.heading_level(style_id, _val(ppr, "outlineLvl"))
    numbered = ppr is not None and ppr.find(_q("numPr")) is not None
    num_id = _val(ppr.find(_q("numPr")), "numId") if numbered else None
    bullet = (numbered and num_id != "0") or (not numbered and styles.numbered(style_id))
    style_bold = styles.bold(style_id)
    runs = [r for r in p.iter(_q("r")) if "".join(t.text or "" for t in r.iter(_q("t"))).strip()]
    bold = bool(runs) and all(
        _on(_val(r.find(_q("rPr")), "b")) or (style_bold and _val(r.find(_q("rPr")), "b") is None) for r in runs)
    return text, level, bold, bullet


def _span(tc: Any) -> tuple[int, str | None]:
    """(grid columns the cell covers, its vMerge value: None, "restart" or "continue")."""
    tcpr = tc.find(_q("tcPr"))
    span = _val(tcpr, "gridSpan")
    vmerge = _val(tcpr, "vMerge")
    return (int(span) if span and span.isdigit() else 1), (None if vmerge is None else vmerge or "continue")


def _rows(tbl: Any) -> Iterator[Any]:
    for child in _children(tbl):
        if child.tag == _q("tr"):
            yield child


def _cells(tr: Any) -> Iterator[Any]:
    for child in _children(tr):
        if child.tag == _q("tc"):
            yield child


def _cell_paragraphs(tc: Any, styles: Styles) -> list[tuple[str, bool]]:
    """A cell's paragraphs (text, is_bullet); a nested table gives one paragraph per row."""
    out: list[tuple[str, bool]] = []
    for child in _children(tc):
        if child.tag == _q("p"):
            text, _, _, bullet = _paragraph(child, styles)
            out.append((text, bullet))
        elif child.tag == _q("tbl"):
            for row in table_rows(child, styles):
                filled = [c for c in row if c.strip()]
                if filled:
                    out.append((" – ".join(filled), False))
    return out


def table_rows(tbl: Any, styles: Styles) -> list[list[str]]:
    """The rows of a w:tbl as grid-aligned cell texts (see the module text for merges)."""
    rows: list[list[str]] = []
    for tr in _rows(tbl):
        trpr = tr.find(_q("trPr"))
        before = _val(trpr, "gridBefore")
        after = _val(trpr, "gridAfter")
        out = [""] * (int(before) if before and before.isdigit() else 0)
        for tc in _cells(tr):
            span, vmerge = _span(tc)
            text = "" if vmerge == "continue" else cell(_cell_paragraphs(tc, styles))
            out += [text] + [""] * (span - 1)
        out += [""] * (int(after) if after and after.isdigit() else 0)
        rows.append(out)
    return rows


def _frame_content(tbl: Any) -> Any | None:
    """The cell of a table that has one row of one cell (a frame around content), else None."""
    rows = list(_rows(tbl))
    cells = list(_cells(rows[0])) if len(rows) == 1 else []
    return cells[0] if len(cells) == 1 else None


def _blocks(container: Any, styles: Styles, out: Writer) -> None:
    for child in _children(container):
        if child.tag == _q("p"):
            text, level, bold, bullet = _paragraph(child, styles)
            if level:
                out.heading(text, level)
            else:
                out.paragraph(text, bold=bold, bullet=bullet)
        elif child.tag == _q("tbl"):
            frame = _frame_content(child)
            if frame is not None and frame.find(_q("tbl")) is not None:
                _blocks(frame, styles, out)
            else:
                out.table(table_rows(child, styles))


def extract(path: Path, heading_words: Collection[str] = (), title_words: Collection[str] = ()) -> str:
    """The document's text in the layout of layout.py. `heading_words`/`title_words`: localised style
    names of headings ("otsikko" for "Otsikko 1") and of the title, for styles without outline level."""
    import docx

    try:
        document = docx.Document(str(path))
    except zipfile.BadZipFile as exc:
        raise DraftError(f"{path}: not a readable Word file (encrypted or damaged: {exc})") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types for a damaged package
        raise DraftError(f"{path}: not a readable Word file: {exc or type(exc).__name__}") from exc
    out = Writer()
    _blocks(document.element.body, Styles.of(document, heading_words, title_words), out)
    return out.text()
