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
        return bool(self.lexicon.names_post(piece) or self.lexicon.org_type(piece) or _NAME.search(piece))

    def split(self, text: str) -> list[str]:
        text = clean_label(text).strip(" .;")
        conj = "|".join(re.escape(w) for w in self.lexicon.words("conjunctions"))
        pieces: list[str] = []
        for part in re.split(r"\s*[,;]\s*", text):
            # not after a cut compound: "Kultur- och fritidsnämnden", "sosiaali- ja terveyslautakunta"
            sub = [p.strip(" .") for p in re.split(rf"(?<!-)\s+(?:{conj})\s+", part) if p.strip(" .")]
            words = re.findall(rf"(?<!-)\s+({conj})\s+", part)
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
        return [q for p in pieces for q in self._slashed(p) if q]

    def _slashed(self, piece: str) -> list[str]:
        """'Ptltk / perusturvajohtaja' -> both parties, when each side of the slash names one; a slash
        inside a name ('lasten/nuorten palvelut') stays. A party in brackets after another is one too."""
        bracket = re.fullmatch(r"(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)", piece)  # "Board (chair: Tom Hill)"
        if bracket:
            sides = [bracket["a"].strip(), " ".join(bracket["b"].replace(":", " ").split())]
            if all(self._complete(s) for s in sides):
                return sides
        seps = "|".join(re.escape(s) for s in self.lexicon.data.get("party_separators") or [])
        if not seps:
            return [piece]
        sides = [s.strip(" .") for s in re.split(rf"\s*(?:{seps})\s*", piece)]
        return sides if len(sides) > 1 and all(s and self._complete(s) for s in sides) else [piece]

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

    def base_post(self, label: str) -> str:
        """A post in its base form: the word holding a post stem loses a plural or definite ending
        ("lähiesimiehet" -> "lähiesimies", "servicechefen för …" -> "servicechef för …")."""
        forms: dict[str, str] = (self.lexicon.data.get("post_base_endings") or {}).get(self.draft.lang) or {}
        words = label.split()
        for i, word in enumerate(words):
            if not self.lexicon.post_pattern.search(word):
                continue
            end = next((e for e in sorted(forms, key=len, reverse=True) if word.lower().endswith(e)), None)
            if end is not None:
                base = word[: len(word) - len(end)] + forms[end]
                if self.lexicon.post_pattern.search(base):
                    words[i] = base
            break
        return " ".join(words)

    def _post(self, label: str, line: int, raw: str) -> Item:
        base = self.base_post(label)
        post = self._party("posts", base, line, raw)
        if base != label:
            post.note(f"printed as '{label}' (plural or definite form); drafted as the post '{base}'")
        return post

    def parse(self, text: str, line: int) -> list[Item]:
        """The parties of one responsible cell, registered in the draft."""
        out: list[Item] = []
        for piece in self.split(text):
            name = _FULL_NAME.search(piece) or _NAME.search(piece)
            if name and name.start("name") == 0 and self.lexicon.org_type(piece):
                name = None  # "Transport Board" is no person
            if name and self.lexicon.post_pattern.search(name["name"].split()[0]):
                rest = name["name"].split(maxsplit=1)[1]
                name = re.search(rf"(?P<name>{re.escape(rest)})$", piece) if len(rest.split()) >= 2 else None
            title = piece[: name.start("name")].strip(" ,") if name else piece
            if name and (not title or self.lexicon.post_pattern.search(title)):
                person = self._party("people", name["name"], line, piece)
                if title:
                    post = self._post(title, line, piece)
                    post.ref("holder", person)
                    out.append(post)
                else:
                    out.append(person)
                continue
            if self.lexicon.post_pattern.search(piece):
                out.append(self._post(piece, line, piece))
                continue
            stem = self.lexicon.misspelt_post(piece) if not self.lexicon.org_type(piece) else None
            if stem:
                post = self._post(piece, line, piece)
                post.note(f"'{piece}' read as a post: a word looks like a misspelt '{stem}'; check the spelling")
                out.append(post)
                continue
            kind = self.lexicon.org_type(piece)
            if kind:
                org = self._party("organizations", piece, line, piece, type=kind)
                if not self.lexicon.first("org_types", piece):
                    org.note(f"'{piece}' read as an abbreviation of a {kind}; write the organisation's full name")
                out.append(org)
                continue
            post = self._post(piece, line, piece)
            post.note(f"'{piece}' names no known post, organisation type or person; drafted as a post")
            out.append(post)
        return out
