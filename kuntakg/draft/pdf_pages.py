"""What a PDF's page breaks do to its text, undone: running headers and footers (page furniture) are
dropped, and a table that goes on over a page break becomes one table again, without its repeated
header row(s) and with a row that the break split in two joined back into one."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection

from .layout import CELL_BREAK, clean
from .pdf_lines import join_wrapped

# a line in the top or bottom margin band of this share of the page height may be a running header/footer
_MARGIN_BAND = 0.1
# "3", "- 3 -", "3 / 12", "3 (12)"
_PAGE_NUMBER = re.compile(r"^[-–(\s]*\d{1,3}(?:\s*[/|]\s*\d{1,3}|\s*\(\d{1,3}\))?[-–)\s]*$")
_SENTENCE_END = re.compile(r"[.!?:;]$")


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def drop_furniture(pages: list[list[dict]], heights: list[float]) -> list[list[dict]]:
    """Each page's lines without its running header/footer: a line in the page's top or bottom margin
    band that is a page number, or whose text (numbers aside) recurs in the margin band of at least
    half the pages (two at least)."""
    def in_band(line: dict, height: float) -> bool:
        return float(line["bottom"]) < height * _MARGIN_BAND or float(line["top"]) > height * (1 - _MARGIN_BAND)

    seen: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen.update({_furniture_key(ln["text"]) for ln in lines if in_band(ln, height)})
    needed = max(2, (len(pages) + 1) // 2)

    def furniture(line: dict, height: float) -> bool:
        if not in_band(line, height):
            return False
        text = line["text"].strip()
        return bool(_PAGE_NUMBER.match(text)) or seen[_furniture_key(text)] >= needed

    return [[ln for ln in lines if not furniture(ln, height)] for lines, height in zip(pages, heights, strict=True)]


def _norm_row(row: list[str]) -> str:
    """A row's words only (no breaks, hyphens or punctuation): a header row printed again on the next
    page may wrap differently."""
    return re.sub(r"[\W_]+", "", " ".join(row).replace(CELL_BREAK, " ").lower())


def _continues(above: list[str], row: list[str]) -> bool:
    """True when `row`, the first row after a page break, is the rest of `above` split by the break: its
    first cell is empty or goes on in lower case, some cell goes on in lower case from a filled cell
    above, and no cell is filled where the row above is empty."""
    def goes_on(cell: str) -> bool:
        return cell[:1].islower()

    if row[0] and not (above[0] and goes_on(row[0])):
        return False
    if any(cell and not top for top, cell in zip(above, row, strict=False)):
        return False
    return any(cell and top and goes_on(cell) for top, cell in zip(above, row, strict=False))


def _join_cell(top: str, rest: str, keep_hyphen: Collection[str]) -> str:
    """A cell split by a page break, joined: mid-paragraph (lower case, or no sentence end before the
    break) as wrapped lines, else as a new paragraph; a bullet item always starts a new one."""
    if not rest:
        return top
    if not top:
        return rest
    if not rest.startswith("- ") and (rest[:1].islower() or not _SENTENCE_END.search(top)):
        first, _, tail = rest.partition(f" {CELL_BREAK} ")
        joined = join_wrapped(top, first, keep_hyphen)
        return f"{joined} {CELL_BREAK} {tail}" if tail else joined
    return f"{top} {CELL_BREAK} {rest}"


def continue_table(table: list[list[str]], rows: list[list[str]], is_header: Callable[[list[str]], bool],
                   keep_hyphen: Collection[str] = ()) -> bool:
    """Append `rows`, the table found at the top of the next page, to `table` (in place) when it is the
    same table going on: leading rows equal to the table's first rows (its header, repeated) are dropped,
    and a first row that continues the table's last row (_continues) is joined to it cell by cell.
    False (nothing appended) when `rows` is a new table: it starts with a different header row, or it
    repeats the table's first rows and goes on with the same keys in its first column (a form-like table
    of label/value rows printed once per item)."""
    k = 0
    while k < min(len(rows), len(table)) and any(clean(c) for c in rows[k]) \
            and _norm_row(rows[k]) == _norm_row(table[k]):
        k += 1
    if k == 0 and is_header(rows[0]):
        return False
    if k and k < min(len(rows), len(table)) and rows[k][0] and clean(rows[k][0]).lower() == clean(table[k][0]).lower():
        return False
    rows = rows[k:]
    if rows and len(table) > k and _continues(table[-1], rows[0]):
        table[-1] = [_join_cell(top, rest, keep_hyphen) for top, rest in zip(table[-1], rows[0], strict=False)]
        rows = rows[1:]
    table.extend(list(r) for r in rows)
    return True
