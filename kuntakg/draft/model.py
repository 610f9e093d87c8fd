"""What the recogniser finds: items of the import format's sheets, with the lines they come from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..iris import slugify

_HTML = re.compile(r"<[^>]+>")
_HYPHEN = re.compile(r"(\w)- (?!(?:ja|tai|sekä|och|eller|samt|and|or|&)\b)(?=[a-zåäöé])")
DRAFT = "DRAFT: "


def clean_label(raw: str) -> str:
    """A label from a raw fragment: markup gone, hyphenation joined, spaces collapsed."""
    text = _HTML.sub(" ", raw).replace("**", " ")
    text = " ".join(text.split())
    text = re.sub(r"^[-•–]\s+", "", text)
    text = _HYPHEN.sub(r"\1", text)
    return text.strip()


def similar_key(text: str) -> str:
    """Key under which two wordings count as the same item: letters and digits only, lower case."""
    return re.sub(r"[\W_]+", "", clean_label(text).lower())


@dataclass(eq=False)
class Item:
    sheet: str
    label: str
    lines: list[int] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    refs: dict[str, list[Item]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    source_text: str = ""
    id: str = ""

    def ref(self, column: str, *others: Item) -> None:
        have = self.refs.setdefault(column, [])
        for other in others:
            if other is not self and other not in have:
                have.append(other)

    def cite(self, *lines: int) -> None:
        for n in lines:
            if n not in self.lines:
                self.lines.append(n)

    def absorb(self, other: Item) -> None:
        """Take in a second occurrence of this item: its lines, references and the fields it alone has."""
        self.cite(*other.lines)
        for column, refs in other.refs.items():
            self.ref(column, *refs)
        for name, value in other.fields.items():
            self.fields.setdefault(name, value)

    def note(self, text: str, draft: bool = True) -> None:
        text = (DRAFT + text) if draft else text
        if text not in self.notes:
            self.notes.append(text)


@dataclass
class Draft:
    """Everything recognised in one text, in order of appearance."""

    file: str  # name of the extracted text in the sources folder
    lang: str
    items: list[Item] = field(default_factory=list)
    title: tuple[str, int] | None = None  # (title, line)
    years: list[int] = field(default_factory=list)
    _index: dict[tuple[str, str, str], Item] = field(default_factory=dict)

    def add(self, item: Item, merge_key: str | None = None) -> Item:
        """Add an item, or merge it into an earlier one with the same sheet, key and label."""
        if merge_key is not None:
            key = (item.sheet, merge_key, similar_key(item.label))
            earlier = self._index.get(key)
            if earlier is not None:
                for column in ("organization", "theme"):
                    new = [r for r in item.refs.get(column, []) if r not in earlier.refs.get(column, [])]
                    if new and earlier.refs.get(column):
                        earlier.note(f"the same wording appears again under another {column} "
                                     f"('{new[0].label}', line {item.lines[0]}); drafted as one item: split it "
                                     "if they are different items")
                earlier.absorb(item)
                if item.source_text and item.source_text != earlier.source_text:
                    earlier.source_text = ""  # several places: cite the lines themselves
                return earlier
            self._index[key] = item
        self.items.append(item)
        return item

    def remove(self, item: Item) -> None:
        """Take an item out again (a text found to belong to another row's item)."""
        self.items = [i for i in self.items if i is not item]
        self._index = {k: v for k, v in self._index.items() if v is not item}

    def of(self, sheet: str) -> list[Item]:
        return [i for i in self.items if i.sheet == sheet]

    def assign_ids(self) -> None:
        """Deterministic ids: a short prefix per sheet and the first words of the label; parties get
        the slug of their name (shared by the town's documents)."""
        prefixes = {"themes": "th", "goals": "g", "actions": "a", "promises": "lp", "indicators": "m",
                    "targets": "t", "reports": "r", "assessments": "as", "roadmaps": "rm", "milestones": "ms"}
        used: set[str] = {"municipality"}
        for item in self.items:
            if item.sheet in ("organizations", "posts", "people"):
                base = slugify(item.label)[:60].strip("-") or item.sheet[:3]
            else:
                words = slugify(item.label).split("-")
                stem = "-".join(words[:5])[:40].strip("-")
                base = f"{prefixes[item.sheet]}-{stem}" if stem else prefixes[item.sheet]
            candidate, n = base, 2
            while candidate in used:
                candidate, n = f"{base}-{n}", n + 1
            item.id = candidate
            used.add(candidate)
