"""Responsible cells -> organisations, posts and people.

"X, Y ja Z" is split at commas, semicolons and the lexicon's conjunctions; a part that names no party
(no post word, organisation type or personal name: "lasten" of "lasten ja nuorten palveluiden
päällikkö") is joined back to its neighbour (forward in Finnish, where the title comes last; backward
in Swedish and English). Each part is then a person ("Mari Levonen"), a post held by a person ("vs.
vanhuspalveluiden johtaja Pirjo Mäkilä"), an organisation (its type from the lexicon) or, failing all,
a post with a DRAFT note.
"""
from __future__ import annotations

import difflib
import re

from .lexicon import Lexicon
from .model import Draft, Item, clean_label

_NAME_WORD = r"[A-ZÅÄÖÜÉ][a-zåäöüéè]+(?:-[A-ZÅÄÖÜÉ][a-zåäöüéè]+)?"
_NAME = re.compile(rf"(?:^|\s)(?P<name>{_NAME_WORD}\s+{_NAME_WORD})$")
_FULL_NAME = re.compile(rf"^(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})$")


class Parties:
    def __init__(self, draft: Draft, lexicon: Lexicon):
        self.draft = draft
        self.lexicon = lexicon
        self.known: dict[str, list[Item]] = {"organizations": [], "posts": [], "people": []}

    def _complete(self, piece: str) -> bool:
        return bool(self.lexicon.post_pattern.search(piece) or self.lexicon.org_type(piece)
                    or _NAME.search(piece))

    def split(self, text: str) -> list[str]:
        text = clean_label(text).strip(" .;")
        conj = "|".join(re.escape(w) for w in self.lexicon.words("conjunctions"))
        pieces: list[str] = []
        for part in re.split(r"\s*[,;]\s*", text):
            sub = [p.strip(" .") for p in re.split(rf"\s+(?:{conj})\s+", part) if p.strip(" .")]
            words = re.findall(rf"\s+({conj})\s+", part)
            merged: list[str] = []
            if self.draft.lang == "fi":
                carry = ""
                for i, p in enumerate(sub):
                    joined = f"{carry} {words[i - 1]} {p}".strip() if carry else p
                    if not self._complete(p) and i < len(sub) - 1:
                        carry = joined
                        continue
                    merged.append(joined)
                    carry = ""
            else:
                for i, p in enumerate(sub):
                    if merged and not self._complete(p):
                        merged[-1] = f"{merged[-1]} {words[i - 1]} {p}"
                    else:
                        merged.append(p)
            pieces += merged
        return [p for p in pieces if p]

    def _find(self, sheet: str, label: str) -> Item | None:
        key = label.lower()
        for item in self.known[sheet]:
            if item.label.lower() == key:
                return item
        for item in self.known[sheet]:
            if difflib.SequenceMatcher(None, item.label.lower(), key).ratio() >= 0.9:
                item.note(f"also printed as '{label}' (read as the same {sheet[:-1]}); check the spelling")
                return item
        return None

    def _party(self, sheet: str, label: str, line: int, raw: str, **fields: str) -> Item:
        found = self._find(sheet, label)
        if found is None:
            found = Item(sheet, label[:1].upper() + label[1:] if sheet == "organizations" else label)
            found.fields.update(fields)
            self.known[sheet].append(found)
            self.draft.add(found)
        found.cite(line)
        return found

    def parse(self, text: str, line: int) -> list[Item]:
        """The parties of one responsible cell, registered in the draft."""
        out: list[Item] = []
        for piece in self.split(text):
            name = _FULL_NAME.search(piece) or _NAME.search(piece)
            if name and name.start("name") == 0 and (
                    self.lexicon.org_type(piece) or self.lexicon.post_pattern.search(name["name"].split()[-1])):
                name = None  # "Transport Board", "Mobility Manager" are no person
            if name and self.lexicon.post_pattern.search(name["name"].split()[0]):
                rest = name["name"].split(maxsplit=1)[1]
                name = re.search(rf"(?P<name>{re.escape(rest)})$", piece) if len(rest.split()) >= 2 else None
            title = piece[: name.start("name")].strip(" ,") if name else piece
            if name and (not title or self.lexicon.post_pattern.search(title)):
                person = self._party("people", name["name"], line, piece)
                if title:
                    post = self._party("posts", title, line, piece)
                    post.ref("holder", person)
                    out.append(post)
                else:
                    out.append(person)
                continue
            if self.lexicon.post_pattern.search(piece):
                out.append(self._party("posts", piece, line, piece))
                continue
            kind = self.lexicon.org_type(piece)
            if kind:
                out.append(self._party("organizations", piece, line, piece, type=kind))
                continue
            post = self._party("posts", piece, line, piece)
            post.note(f"'{piece}' names no known post, organisation type or person; drafted as a post")
            out.append(post)
        return out
