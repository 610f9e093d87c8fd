"""Numbered outlines written as plain paragraphs ("1. Elinvoima" / "1.1 Tavoite: …" / "2. Hyvinvointi"):
a short numbered paragraph is a heading when a later line carries a sub-number of it ("1.1", "1.2"),
because then the number opens a section rather than an item of a numbered list. Its heading level is
the number's depth plus one (a document's title is level 1), as the extractors write headings."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

_NUMBERED = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<text>\S.*)$")
_SENTENCE_END = re.compile(r"[.!?;:]$")


class _Line(Protocol):
    n: int
    raw: str
    kind: str
    text: str
    level: int


def numbered_heading_levels(lines: Sequence[_Line], max_chars: int) -> dict[int, int]:
    """{line number: heading level} of the paragraphs that head a numbered section. A paragraph qualifies
    when it is at most `max_chars` long, does not end like a sentence or a key, is no outline key itself
    ("1.1 Tavoite: …" is an item, not a section) and a later line starts with its number
    followed by a further level."""
    numbers = []
    for line in lines:
        m = _NUMBERED.match(line.raw.strip()) if line.kind in ("para", "bold") else None
        numbers.append(m["number"] if m else None)
    levels: dict[int, int] = {}
    for i, line in enumerate(lines):
        number = numbers[i]
        if number is None or len(line.text) > max_chars or _SENTENCE_END.search(line.text):
            continue
        m = _NUMBERED.match(line.raw.strip())
        if m is None or ":" in m["text"]:
            continue
        below = re.compile(rf"^{re.escape(number)}\.\d")
        if any(n is not None and below.match(n) for n in numbers[i + 1:]):
            levels[line.n] = number.count(".") + 2
    return levels
