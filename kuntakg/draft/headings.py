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
    """Remove themes nothing refers to (a spearhead listed under another is kept); their labels."""
    used = {id(other) for item in draft.items for column, refs in item.refs.items() for other in refs}
    empty = [t for t in draft.of("themes") if id(t) not in used and not t.refs.get("parent")]
    draft.items = [i for i in draft.items if all(i is not t for t in empty)]
    draft._index = {k: v for k, v in draft._index.items() if all(v is not t for t in empty)}
    return [t.label for t in empty]


def _spearhead(lex: Lexicon) -> re.Pattern[str] | None:
    return next((p for name, p in lex.patterns("roles") if name == "spearhead"), None)


def spearhead_intro(text: str, lex: Lexicon) -> str | None:
    """A paragraph that introduces a list of spearheads ("Hyvinvoinnin painopisteet vuosille 2018–2025
    ohjaavat toimintaa:", "Our priorities for 2030 are:"): the spearheads' common name, up to the
    spearhead word and a period that follows it; None for any other paragraph."""
    if not text.rstrip().endswith(":"):
        return None
    sentence = lex.sentences(text)[-1] if lex.sentences(text) else text
    pattern = _spearhead(lex)
    m = pattern.search(sentence) if pattern else None
    if not m:
        return None
    end = m.end() + len(re.match(r"[\w-]*", sentence[m.end():]).group(0))  # type: ignore[union-attr]
    period = re.match(r"(?:\s+[^\W\d_]+)?\s+(?:19|20)\d\d(?:\s*[–-]\s*(?:19|20)\d\d)?", sentence[end:])
    if period:
        end += period.end()
    label = sentence[:end].strip(" :")
    return label if len(label.split()) <= 12 else None


def spearhead_label(bullet: str, lex: Lexicon, lang: str) -> str:
    """A spearhead bullet's name: its words before the verb that says what it means ("Syrjäytymisen
    ehkäisy tarkoittaa …" -> "Syrjäytymisen ehkäisy") or before the first punctuation."""
    words = bullet.split()
    stops = [re.compile(rf"^(?:{e})$", re.IGNORECASE) for e in (lex.data.get("theme_label_stops") or {}).get(lang, [])]
    out: list[str] = []
    for word in words:
        bare = word.strip(",.;:–-")
        if out and any(s.match(bare) for s in stops):
            break
        out.append(word)
        if re.search(r"[,.;:]$", word):
            break
    return " ".join(out).strip(" ,.;:–-")
