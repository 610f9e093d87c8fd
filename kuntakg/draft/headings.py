"""Which headings name organisations, and which spearheads hold nothing.

A numbered heading names an organisation when its own words have an organisation type ("4.1. Yksikkö
Sosiaalipalvelut"), or when its parent section's or an earlier sibling's heading did: the sections of
"4. Yksikkökohtainen osa" (4.1, 4.2, …) are units even where the heading prints only the unit's name
("4.2. Terveyspalvelut"). Such headings are organisations, not spearheads. A spearhead (theme) that no
item and no other theme refers to after the whole text is read (a table of contents, a signature's
post line before a table with its own spearhead column) is no spearhead and is dropped.
"""
from __future__ import annotations

import re

from .lexicon import Lexicon
from .model import Draft

_NUMBERED = re.compile(r"^\W*(?P<number>\d+(?:\.\d+)*)\.?\s+(?=\S)")


def heading_number(text: str) -> str | None:
    m = _NUMBERED.match(text)
    return m["number"] if m else None


class OrgSections:
    """Numbered sections whose subsections are organisations: section number -> organisation type."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.sections: dict[str, str] = {}

    def kind(self, heading: str) -> str | None:
        """The organisation type a heading names, by its words or by its numbered parent or siblings."""
        own = self.lexicon.org_type(heading)
        if own:
            return own
        number = heading_number(heading)
        if number is None or "." not in number:
            return None
        return self.sections.get(number.rsplit(".", 1)[0])

    def register(self, heading: str, kind: str) -> None:
        """A numbered heading that names an organisation: its subsections and later siblings do too."""
        number = heading_number(heading)
        if number is None:
            return
        self.sections.setdefault(number, kind)
        if "." in number:
            self.sections.setdefault(number.rsplit(".", 1)[0], kind)


def drop_empty_themes(draft: Draft) -> list[str]:
    """Remove themes nothing refers to; their labels, in order."""
    used = {id(other) for item in draft.items for column, refs in item.refs.items() for other in refs}
    empty = [t for t in draft.of("themes") if id(t) not in used
             and not any(t is p for p in t.refs.get("parent", []))]
    draft.items = [i for i in draft.items if all(i is not t for t in empty)]
    draft._index = {k: v for k, v in draft._index.items() if all(v is not t for t in empty)}
    return [t.label for t in empty]
