"""Realignment of wide-table rows whose cells do not line up with the header (extraction damage).

A PDF or HTML extraction can drop empty cells, move a cell one column over, put two cells' paragraphs
into one, or leave markup (`<p>…</p>`) around them. Such a row is recognised by its shape, not its
words: it has more or fewer cells than the header, or a cell that names parties stands outside the
responsible column while the responsible cell names none. It is then rebuilt:

* if the whole row is displaced by a few columns (the cells pushed off the end are empty), it is
  shifted back so that its party cell lands in the responsible column;
* otherwise its paragraphs are placed by content: a paragraph that names parties goes to the
  responsible column, one that repeats what a column held in the rows above goes to that column, a
  report-like paragraph (the lexicon's `report_cues`: perfect and past tenses, "ei ole", "har inte",
  "has been") goes to the report column, and the rest fill the item columns in reading order, from
  the row's first filled column on (leading empty cells continue the row above);
* a paragraph that starts in lower case right after a paragraph that does not end a sentence is the
  rest of that paragraph, split over two lines or rows: the two are joined; a row that starts with
  such a paragraph hands it back as `carried`, to be joined to the item above.

The caller notes every realigned row with a DRAFT: note (`Placement.reason`).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .layout import CELL_BREAK
from .model import similar_key

ITEM_ROLES = ("goal", "action", "promise", "pilot")
_TAG = re.compile(r"<[^>]+>")
_OPEN_END = re.compile(r"(?:[^.!?:;)\"”]|\s-|-)$")  # a paragraph that does not end a sentence


@dataclass
class Placement:
    cells: list[str]  # one per header column
    reason: str = ""  # why the row was realigned; empty if it was left as it is
    carried: str = ""  # a paragraph that continues the cell above (the row began mid-sentence)
    moved: list[int] = field(default_factory=list)  # columns whose content the realignment set


def paragraphs(cell: str) -> list[str]:
    """A cell's paragraphs, markup removed: split at `<p>`-like tags and `<br>`, joined back where a
    paragraph goes on in lower case after one that does not end a sentence (one paragraph printed
    over two lines)."""
    out: list[str] = []
    for piece in _TAG.split(cell.replace(CELL_BREAK, "<br>")):
        piece = piece.replace("**", "").strip()
        if not re.search(r"[^\W\d_]", piece):
            continue
        if out and continues(out[-1], piece):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def continues(before: str, after: str) -> bool:
    """Whether `after` is the rest of `before`: it starts with a lower-case letter and `before` does not
    end a sentence."""
    return bool(re.match(r"^[a-zåäöüé]", after.strip())) and bool(_OPEN_END.search(before.strip()))


def dangling(before: str, after: str) -> bool:
    """Whether `after` goes on with `before` across rows: it starts in lower case and `before` breaks off
    after a comma, a hyphen or a short lower-case word ("ja", "och", "and", "of"): a label that merely
    lacks a full stop is no broken one."""
    last = before.strip().split()[-1] if before.strip() else ""
    return bool(re.match(r"^[a-zåäöüé]", after.strip())) and (
        bool(re.search(r"[,\-–]$", last)) or bool(re.fullmatch(r"[a-zåäöü]{1,4}", last)))


def _fill(cells: list[str], width: int) -> list[str]:
    cells = list(cells)
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    return cells + [""] * (width - len(cells))


def realign(cells: list[str], roles: list[str | None], seen: dict[int, set[str]],
            names_parties: Callable[[str], bool], report_like: Callable[[str], bool],
            open_above: Callable[[str], bool] | None = None) -> Placement:
    """The row's cells placed under the header's columns (`roles`, one per column). `open_above` tells
    whether a paragraph can go on with an item above that does not end a sentence."""
    width = len(roles)
    trimmed = list(cells)
    while len(trimmed) > width and not trimmed[-1].strip():
        trimmed.pop()
    anchor = _anchors(roles, seen, names_parties, report_like)
    if len(trimmed) == width and not _displaced(trimmed, anchor):
        return Placement(trimmed)
    shifted = _shift(trimmed, width, anchor)
    what = f"the row has {len(trimmed)} cells, the header {width}" if len(trimmed) != width else \
        "a cell of the row stands outside the column its content belongs to"
    if shifted is not None:
        cells_out, offset = shifted
        how = f"its cells were moved {abs(offset)} column(s) {'right' if offset > 0 else 'left'}" if offset \
            else "its cells were read as printed, from the left"
        reason = f"{what}; {how}"
        return Placement(cells_out, f"{reason}: check the columns", moved=[i for i, c in enumerate(cells_out) if c])
    placement = _by_content(trimmed, roles, anchor, open_above)
    placement.reason = f"{what}; its paragraphs were placed in columns by their content: check the columns"
    if all(c.strip() for c in trimmed) and len(trimmed) == width and _unmerge(placement.cells, roles):
        placement.reason += "; two cells printed as one were split before their last sentence: check the split"
    return placement


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")


def _unmerge(cells: list[str], roles: list[str | None]) -> bool:
    """A row with every cell filled whose content left an item column empty: two neighbouring cells were
    printed as one. The last sentence of the item cell left of the gap goes into the gap."""
    items = [i for i, r in enumerate(roles) if r in ITEM_ROLES]
    for left, gap in zip(items, items[1:], strict=False):
        if gap != left + 1 or not cells[left].strip() or cells[gap].strip() or CELL_BREAK in cells[left]:
            continue
        sentences = _SENTENCE_END.split(cells[left].strip())
        if len(sentences) < 2:
            continue
        cells[left], cells[gap] = " ".join(sentences[:-1]), sentences[-1]
        return True
    return False


def _displaced(cells: list[str], anchor: Callable[[str], Anchor]) -> bool:
    """Whether a row as wide as the header is out of line: a paragraph that names parties or repeats what
    another column held stands outside that column, and that column's own cell is empty or holds what
    belongs elsewhere (a report under the responsible column). A cell the rules cannot read keeps the
    row as it is."""
    for i, cell in enumerate(cells):
        for a in map(anchor, paragraphs(cell)):
            if a is not None and a[1] and a[0] != i and a[0] < len(cells):
                home = [anchor(t) for t in paragraphs(cells[a[0]])]
                if all(h is not None and h[0] != a[0] for h in home):
                    return True
    return False


Anchor = tuple[int, bool] | None  # (column, strong: parties or a repeated text) or None


def _anchors(roles: list[str | None], seen: dict[int, set[str]], names_parties: Callable[[str], bool],
             report_like: Callable[[str], bool]) -> Callable[[str], Anchor]:
    """Where a paragraph belongs by its content: the column that held the same text before (outside the
    item columns), the responsible column for parties, the item column whose paragraphs all began alike
    ("Parannamme", "Kehitämme": a style the column kept), the report column for a report-like text."""
    responsible = next((i for i, r in enumerate(roles) if r == "responsible"), None)
    report = next((i for i, r in enumerate(roles) if r == "report"), None)
    width = len(roles)

    def anchor(text: str) -> Anchor:
        key = similar_key(text)
        held = sorted({i for i, keys in seen.items() if key in keys and i < width and roles[i] not in ITEM_ROLES})
        if len(held) == 1:
            return held[0], True
        if responsible is not None and names_parties(text):
            return responsible, True
        if report is not None and report_like(text):
            return report, False
        style = _style(text)
        styled = [i for i, keys in seen.items() if i < width and roles[i] in ITEM_ROLES and style in keys]
        if style and len(styled) == 1:
            return styled[0], False
        return None
    return anchor


def _style(text: str) -> str:
    """How a paragraph begins: the last three letters of its first word, accents folded."""
    m = re.match(r"^\W*([^\W\d_]{4,})", text)
    if not m:
        return ""
    word = unicodedata.normalize("NFKD", m.group(1).lower())
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    return f"\x00style:{word[-3:]}"


def remember(seen: dict[int, set[str]], styles: dict[int, list[str]], cells: list[str],
             roles: list[str | None]) -> None:
    """Record what the row's columns held: their paragraphs' texts, and for item columns the way their
    paragraphs begin; a beginning becomes a column's style once at least three of the column's
    paragraphs, and most of them, share it while (almost) none of another item column's do."""
    for i, cell in enumerate(cells):
        texts = paragraphs(cell)
        seen.setdefault(i, set()).update(similar_key(t) for t in texts)
        if i < len(roles) and roles[i] in ITEM_ROLES:
            styles.setdefault(i, []).extend(s for s in map(_style, texts) if s)
    for i, found in styles.items():
        seen[i] = {k for k in seen.get(i, set()) if not k.startswith("\x00style:")}
        for style in set(found):
            mine = found.count(style)
            others = max((o.count(style) / len(o) for j, o in styles.items() if j != i and o), default=0.0)
            if mine >= 3 and mine / len(found) >= 0.7 and others <= 0.1:
                seen[i].add(style)


def _shift(cells: list[str], width: int, anchor: Callable[[str], Anchor]) -> tuple[list[str], int] | None:
    """The row moved as a whole by the offset its anchored paragraphs agree on, if none disagrees and no
    filled cell falls off; a move needs a strong anchor (parties, a repeated text). Offset 0 (the row
    as printed from the left) wins ties."""
    cells = list(cells)
    while cells and not cells[-1].strip():
        cells.pop()  # empty cells at the end may fall off
    n = len(cells)
    lead = 0
    while lead < n and not cells[lead].strip():
        lead += 1
    best: tuple[int, int, list[str]] | None = None
    for offset in range(-lead, width - n + 1 if n <= width else -(n - width) + 1):
        if offset < 0 and n + offset > width:
            continue
        row = ([""] * offset + cells) if offset >= 0 else cells[-offset:]
        if len(row) > width or any(c.strip() for c in row[width:]):
            continue
        row = row + [""] * (width - len(row))
        score, strong, conflict = 0, False, False
        for i, c in enumerate(row):
            found = [anchor(text) for text in paragraphs(c)]
            if len(found) > 1 and any(a is not None and a[1] for a in found) and len({a for a in found}) > 1:
                conflict = True  # one cell holds paragraphs of several columns: not a displaced cell
            for a in found:
                if a is None:
                    continue
                if a[0] == i:
                    score += 1
                    strong = strong or a[1]
                else:
                    conflict = True
        if conflict or (offset != 0 and not strong):
            continue
        if best is None or score > best[0] or (score == best[0] and abs(offset) < abs(best[1])):
            best = (score, offset, row)
    return (best[2], best[1]) if best is not None else None


def _by_content(cells: list[str], roles: list[str | None], anchor: Callable[[str], Anchor],
                open_above: Callable[[str], bool] | None = None) -> Placement:
    width = len(roles)
    lead = 0
    while lead < len(cells) and not cells[lead].strip():
        lead += 1
    # a row with more cells than the header has spurious empty cells: they do not continue the row above
    lead = max(0, lead - max(0, len(cells) - width))
    texts = [p for c in cells for p in paragraphs(c)]
    carried = ""
    if texts and re.match(r"^[a-zåäöüé]", texts[0]) and (lead > 0 or (open_above and open_above(texts[0]))):
        carried, texts = texts[0], texts[1:]  # the rest of a paragraph from the row above
        if len(paragraphs(cells[lead])) == 1:
            lead += 1  # its cell is the row above's: the row's own cells begin after it
    items = [i for i, r in enumerate(roles) if r in ITEM_ROLES]
    last_item = items[-1] if items else -1
    report = next((i for i, r in enumerate(roles) if r == "report"), None)
    anchors = [anchor(t) for t in texts]
    placed: list[list[str]] = [[] for _ in roles]
    position = lead - 1
    for k, (text, a) in enumerate(zip(texts, anchors, strict=True)):
        if a is not None:
            placed[a[0]].append(text)
            if a[0] < last_item:  # a column among the item columns: what follows comes after it
                position = max(position, a[0])
            continue
        remaining = sum(1 for b in anchors[k:] if b is None)
        empty = [i for i in items if not placed[i] and i >= lead]  # leading empty cells continue the row above
        later = [i for i in empty if i > position]
        options = later if len(later) >= remaining else empty[-remaining:] if len(empty) >= remaining else empty
        if options:
            target = options[0]
        elif report is not None and not placed[report]:
            target = report  # more paragraphs than item columns: the last is the report's
        else:
            target = items[-1] if items else width - 1
        placed[target].append(text)
        if target in items:
            position = target
    moved = [i for i, p in enumerate(placed) if p]
    return Placement([f" {CELL_BREAK} ".join(p) for p in placed], carried=carried, moved=moved)
