"""The layout of an extracted text: what every extractor writes and every drafted row cites by line.

* a heading is one line `#`..`######` + space + text (the level of the original, 1 for a title);
* a line printed all in bold is `**text**`;
* a paragraph is one line; a bullet-list item is `- text`;
* a table is one line per row, cells separated by one tab; every row of a table has the same number of
  cells. A cell merged over several columns keeps its text in its first column and leaves the others
  empty; a cell merged over several rows keeps its text in its first row and is empty below (a blank
  cell continues the row above). Several paragraphs in one cell are joined by `<br>`, a bullet inside a
  cell starts with `- `. A table that continues over a page break is one table (its repeated header row
  is dropped);
* blocks are separated by one empty line; a workbook sheet starts with a heading `## <sheet name>`.

Tabs and line breaks inside text become spaces, so line numbers are stable: the same original gives
the same text, byte for byte.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CELL_BREAK = "<br>"
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


def clean(text: str) -> str:
    """One line of text: whitespace runs (tabs, breaks, no-break spaces) become one space."""
    return _SPACE.sub(" ", text.replace("\n", " ")).strip()


def cell(paragraphs: list[tuple[str, bool]]) -> str:
    """A table cell from its paragraphs (text, is_bullet)."""
    parts = []
    for text, bullet in paragraphs:
        text = clean(text)
        if text:
            parts.append(f"- {text}" if bullet and not text.startswith("- ") else text)
    return f" {CELL_BREAK} ".join(parts)


@dataclass
class Writer:
    """Collects blocks and renders the text in the layout above."""

    lines: list[str] = field(default_factory=list)
    _last: str = ""  # kind of the last block

    def _block(self, kind: str) -> None:
        if self.lines and not (kind == self._last and kind in ("bullet", "row")):
            self.lines.append("")
        self._last = kind

    def heading(self, text: str, level: int = 2) -> None:
        text = clean(text)
        if text:
            self._block("heading")
            self.lines.append(f"{'#' * max(1, min(level, 6))} {text}")

    def paragraph(self, text: str, bold: bool = False, bullet: bool = False) -> None:
        text = clean(text)
        if not text:
            return
        if bullet:
            self._block("bullet")
            self.lines.append(text if text.startswith("- ") else f"- {text}")
        else:
            self._block("para")
            self.lines.append(f"**{text}**" if bold else text)

    def table(self, rows: list[list[str]]) -> None:
        rows = [[clean(c) for c in r] for r in rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        self._last = ""
        self._block("table")
        for r in rows:
            self.lines.append("\t".join(r + [""] * (width - len(r))))
        self._last = "table"

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"
