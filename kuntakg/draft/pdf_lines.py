"""Line geometry of PDF text: where a printed line ends a paragraph, and how wrapped lines join.

A PDF keeps no paragraphs, only positioned lines. A line ends its paragraph when the first word of the
next line would have fitted in the room left at its end (a typesetter wraps only a word that does not
fit), or when the next line starts with a bullet sign. Joining wrapped lines repairs a word hyphenated
at the line end ("kehittä-" + "mistä" -> "kehittämistä") only when the continuation is lower case and
not a word that follows a truncated compound ("sosiaali- ja terveys": the hyphen and space stay).
"""
from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

# bullet signs; U+F0B7, U+F0A7, U+F0D8, U+F076 are the Symbol/Wingdings bullets of Word-made PDFs
BULLET = re.compile(r"^\s*[•▪◦●■□➢►▶❖○✓\-–·\uf0b7\uf0a7\uf0d8\uf076]\s+")
# a dash glued to a capitalised word starts an item typed without a space ("-Avohilmon tilastot")
_DASH_ITEM = re.compile(r"^\s*[-–•]\s?(?=[^\W\d_])[^\W\d_a-zß-ÿ]")
# a hyphen that ends a line, after a letter: a candidate for a word broken at the line end
_BROKEN = re.compile(r"[^\W\d_]-$")


def first_word_width(line: dict[str, Any]) -> float:
    """Width of the first word of a pdfplumber text line (its chars up to the first space or gap)."""
    chars = [c for c in line.get("chars", []) if c.get("text")]
    if not chars:
        return 0.0
    end = chars[0]
    for prev, char in zip(chars, chars[1:], strict=False):
        size = float(char.get("size") or (char["bottom"] - char["top"]))
        if not char["text"].strip() or char["x0"] - prev["x1"] > size * 0.15:
            break
        end = char
    return float(end["x1"] - chars[0]["x0"])


def space_width(line: dict[str, Any]) -> float:
    """A space's width in the line's font size (about a quarter to a third of an em)."""
    chars = [c for c in line.get("chars", []) if c.get("text", "").strip()]
    size = float(chars[0].get("size") or 0.0) if chars else 0.0
    return (size or float(line["bottom"] - line["top"])) * 0.28


def line_gap(blocks: list[list[dict[str, Any]]]) -> float | None:
    """The vertical gap between wrapped lines: the smallest gap between consecutive lines of the same
    size in any of `blocks` (cells); None when no block has two lines."""
    gaps = [float(b["top"]) - float(a["bottom"]) for lines in blocks for a, b in zip(lines, lines[1:], strict=False)
            if abs((a["bottom"] - a["top"]) - (b["bottom"] - b["top"])) < 0.5]
    gaps = [g for g in gaps if g >= 0]  # overlapping lines (a raised footnote mark) tell nothing
    return min(gaps) if gaps else None


def paragraph_gap(line: dict[str, Any], following: dict[str, Any], wrap_gap: float) -> bool:
    """True when the space between the lines is wider than between wrapped lines (`wrap_gap`) by more
    than a third of the line height: paragraph spacing."""
    height = float(line["bottom"]) - float(line["top"])
    return float(following["top"]) - float(line["bottom"]) > wrap_gap + height / 3


def justified(lines: list[dict[str, Any]], right: float) -> bool:
    """True when the lines are set justified: some line of several words, other than the last, ends at
    the right edge."""
    return any(right - float(ln["x1"]) < 0.6 and " " in ln.get("text", "").strip() for ln in lines[:-1])


def ends_paragraph(line: dict[str, Any], following: dict[str, Any], right: float, flush: bool = False) -> bool:
    """True when `line` ends a paragraph before `following`: the next line starts with a bullet sign, or
    its first word would have fitted between the end of `line` and the text's right edge `right`, or
    (`flush`: justified text, whose wrapped lines all end at the edge) the line stops short of the edge."""
    if BULLET.match(following.get("text", "")) or _DASH_ITEM.match(following.get("text", "")):
        return True
    room = right - float(line["x1"])
    # a line of one word cannot be stretched, so in justified text only a line of several words tells
    if flush and " " in line.get("text", "").strip() and room > space_width(line) * 1.5:
        return True
    return room > first_word_width(following) + space_width(line)


def after_lowercase_item(parts: list[tuple[str, bool]], following: str) -> bool:
    """True when `following`, a line starting with a capital, comes after a bullet item of a list
    written as lower-case fragments ("- kehitämme …"; `parts`: the (text, is_bullet) paragraphs so far):
    in such a list a capital starts the next paragraph."""
    return bool(parts) and parts[-1][1] and following[:1].isupper() \
        and any(bullet and text[:1].islower() for text, bullet in parts)


def broken_word(line: dict[str, Any], following: dict[str, Any], right: float) -> bool:
    """True when `line` is one word too long for the column, cut where the edge came (no hyphen): it
    fills the line to the edge and the next line goes on in lower case."""
    text = line.get("text", "").strip()
    return (" " not in text and text[-1:].isalpha() and following.get("text", "").strip()[:1].islower()
            and right - float(line["x1"]) < space_width(line) / 0.28)  # less than an em left


def join_wrapped(text: str, continuation: str, keep_hyphen_before: Collection[str] = ()) -> str:
    """A paragraph's text with its next printed line appended: a word broken by a hyphen at the line
    end is joined when the continuation starts in lower case and is not one of `keep_hyphen_before`
    (the words that follow a truncated compound, "ja", "och", "and"); otherwise one space."""
    continuation = continuation.strip()
    if _BROKEN.search(text) and continuation[:1].islower():
        first = continuation.split(" ", 1)[0].strip(".,;:").lower()
        if first not in keep_hyphen_before:
            return text[:-1] + continuation
    return f"{text} {continuation}" if text else continuation
