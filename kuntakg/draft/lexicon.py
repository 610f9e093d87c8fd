"""The header lexicon and layout rules (data/draft/lexicon.yaml), compiled for matching."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

LANGS = ("fi", "sv", "en")
_MARKUP = re.compile(r"<[^>]+>|\*\*|__|^\s*#+\s*|^\s*[-•]\s+|^\s*\(?\d+(\.\d+)*[.)]\s+")
_PLAIN = re.compile(r"^[^\W\d_][^\W\d_ '-]*$")


def normal(text: str) -> str:
    """Header text for matching: markup and leading numbering removed, lower case, spaces collapsed."""
    return " ".join(_MARKUP.sub(" ", text).lower().replace("*", " ").split()).strip(" :.")


@dataclass
class Lexicon:
    data: dict[str, Any]
    langs: tuple[str, ...] = LANGS
    _cache: dict[str, list[tuple[str, re.Pattern[str]]]] = field(default_factory=dict)
    _cue_cache: dict[str, re.Pattern[str] | None] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, langs: tuple[str, ...] = LANGS) -> Lexicon:
        with path.open(encoding="utf-8") as fh:
            return cls(yaml.safe_load(fh), langs)

    def _patterns(self, section: str) -> list[tuple[str, re.Pattern[str]]]:
        if section not in self._cache:
            out = []
            for name, by_lang in self.data[section].items():
                if isinstance(by_lang, dict):
                    exprs = [e for lang in self.langs for e in by_lang.get(lang, [])]
                else:
                    exprs = list(by_lang)
                if exprs:
                    out.append((name, re.compile("|".join(f"(?:{e})" for e in exprs), re.IGNORECASE)))
            self._cache[section] = out
        return self._cache[section]

    def first(self, section: str, text: str) -> str | None:
        """The first entry of `section` whose expressions match `text` (already normalised or not)."""
        norm = normal(text)
        for name, pattern in self._patterns(section):
            if pattern.search(norm):
                return name
        return None

    @cached_property
    def _fuzzy_stems(self) -> list[tuple[str, str]]:
        out = []
        for role in self.data.get("fuzzy", []):
            for lang in self.langs:
                for expr in self.data["roles"][role].get(lang, []):
                    stem = expr.strip("^$")
                    if _PLAIN.match(stem) and len(stem) >= 5:
                        out.append((role, stem))
        return out

    def role(self, text: str) -> str | None:
        """The role of a header cell, key or heading: report, promise, pilot, responsible, target,
        metric, schedule, action, goal, spearhead; None if it has none."""
        norm = normal(text)
        if not norm or len(norm) > 70 or len(norm.split()) > 9:
            return None  # a header, key or heading is short; long cells are content
        found = self.first("roles", norm)
        if found:
            return found
        for word in re.findall(r"[^\W\d_]+", norm):
            for role, stem in self._fuzzy_stems:
                if len(word) >= len(stem) - 1 and difflib.SequenceMatcher(
                        None, word[: len(stem) + 1], stem).ratio() >= 0.84:
                    return role
        return None

    def level(self, text: str) -> str | None:
        return self.first("levels", text)

    @property
    def fallback_level(self) -> str:
        return str(self.data.get("fallback_level", "operational"))

    def org_type(self, text: str) -> str | None:
        return self.first("org_types", text) or self.org_abbreviation(text)

    def org_abbreviation(self, text: str) -> str | None:
        """The organisation type an abbreviated name stands for ("Sivltk" -> board), else None."""
        return self.first("org_type_abbreviations", text) if "org_type_abbreviations" in self.data else None

    def layout(self, key: str) -> Any:
        return self.data["layout"][key]

    def words(self, section: str) -> list[str]:
        return [w for lang in self.langs for w in self.data[section].get(lang, [])]

    @cached_property
    def post_pattern(self) -> re.Pattern[str]:
        stems = self.words("post_stems") + (self.words("post_stems_more") if "post_stems_more" in self.data else [])
        return re.compile("|".join(f"(?:{e})" for e in stems), re.IGNORECASE)

    def names_post(self, text: str) -> bool:
        """Whether `text` holds a post word, spelt right or with a slip of the pen."""
        return bool(self.post_pattern.search(text) or self.misspelt_post(text))

    def misspelt_post(self, text: str) -> str | None:
        """The post stem a word of `text` ends in with a slip of the pen ("palvelupääliikkö" for
        "…päällikkö"): a plain stem of eight letters or more whose ending of the word is at least 0.88
        alike (difflib); None if no word is."""
        stems = [s for s in self.words("post_stems") + list(self.words("post_stems_more")
                 if "post_stems_more" in self.data else []) if _PLAIN.match(s) and len(s) >= 8]
        for word in re.findall(r"[^\W\d_]{8,}", text.lower()):
            for stem in stems:
                for size in (len(stem) - 1, len(stem), len(stem) + 1):
                    tail = word[-size:]
                    if len(tail) == size and difflib.SequenceMatcher(None, tail, stem).ratio() >= 0.88:
                        return stem
        return None

    def number_word(self, word: str) -> int | None:
        for lang in self.langs:
            value = self.data["number_words"].get(lang, {}).get(word.lower())
            if value is not None:
                return int(value)
        return None

    def patterns(self, section: str) -> list[tuple[str, re.Pattern[str]]]:
        return self._patterns(section)

    def cue_patterns(self, section: str) -> list[re.Pattern[str]]:
        return [re.compile(e, re.IGNORECASE) for e in self.words(section)]

    def prose_role(self, heading: str) -> str | None:
        """The role of a section whose heading names it ("Tavoitteet", "Våra mål", "Key actions 2025"):
        its first or last word (years, numbering and a colon ignored) is a section noun of
        `prose_headings`. None for a heading that only mentions the word, or one longer than six words.
        A heading naming goals and actions is an action section (a sentence with a goal cue is a goal)."""
        words = re.findall(r"[^\W\d_][\w-]*", normal(heading))
        if not words or len(words) > 6:
            return None
        found = [name for name, pattern in self._patterns("prose_headings")
                 if pattern.fullmatch(words[0]) or pattern.fullmatch(words[-1])]
        if len(found) > 1 and "action" in found:
            return "action"  # "Mål och åtgärder": sentences with a goal cue are goals, the others actions
        return found[0] if found else None

    def _cue(self, section: str) -> re.Pattern[str] | None:
        if section not in self._cue_cache:
            exprs = self.words(section) if section in self.data else []
            tails = "|".join(self.words("goal_cue_tail"))
            cues = "|".join(f"(?:{e})" for e in exprs)
            self._cue_cache[section] = re.compile(
                rf"(?:^|\b)(?:{cues})\s*,?\s*(?:(?:{tails})\s+)?", re.IGNORECASE) if exprs else None
        return self._cue_cache[section]

    def goal_cue(self, sentence: str, section: str = "goal_cues") -> re.Match[str] | None:
        """Where a sentence states a goal ("Tavoitteena on …", "Vi strävar efter att …", "We aim to …"),
        or with section="action_cues" an action ("Aiomme …", "Vi kommer att …", "We will …")."""
        pattern = self._cue(section)
        m = pattern.search(sentence) if pattern is not None else None
        return m if m and m.end() < len(sentence.rstrip(" .!")) else None

    def sentences(self, text: str) -> list[str]:
        """The sentences of a paragraph, each a verbatim substring: split after . ! ? before a capital
        letter or digit, not after an abbreviation of `abbreviations` ("mm.", "t.ex.", "e.g.")."""
        abbreviations = {a.lower() for a in self.words("abbreviations")}
        out: list[str] = []
        start = 0
        for m in re.finditer(r"(?<=[.!?])\s+(?=[\"“”'(]?[A-ZÅÄÖ0-9])", text):
            before = text[start:m.start()]
            last = re.search(r"([\w.]+)\.$", before)
            if last and (last.group(1).lower() in abbreviations or re.fullmatch(r"\d{1,2}", last.group(1))):
                continue  # "mm. Porvoo", "23.10. 2018"
            out.append(before.strip())
            start = m.end()
        out.append(text[start:].strip())
        return [s for s in out if s]

    def metric_name(self, text: str) -> str | None:
        """The metric a target statement names: the words before its change word, the last in its base
        form ("Perhetyön kotikäyntien määrän lisääntyminen 5 %:llä" -> "Perhetyön kotikäyntien määrä")."""
        section = self.data.get("metric_from_target")
        if not section:
            return None
        for lang in self.langs:
            words = "|".join(re.escape(w) for w in section["change_words"].get(lang, []))
            m = re.search(rf"^(?P<name>[^\d%]+?)\s+(?:{words})\b", text.strip(), re.IGNORECASE) if words else None
            if not m or not re.search(r"[^\W\d_]{3}", m["name"]):
                continue
            name = m["name"].strip(" ,.:;-")
            head, _, last = name.rpartition(" ")
            forms = section.get("base_forms", {}).get(lang) or {}
            plural = section.get("plural_head", {}).get(lang)
            ending = next((e for e in sorted(forms, key=len, reverse=True) if last.lower().endswith(e)), None)
            if ending is not None:
                name = f"{head} {last[: len(last) - len(ending)] + forms[ending]}".strip()
            elif plural and re.search(r"(?:ien|jen|iden|tten|den)$", last.lower()):
                name = f"{name} {plural}"
            return name[:1].upper() + name[1:]
        return None

    def detect_language(self, text: str) -> str:
        """fi, sv or en: the language whose role words occur most often in `text`."""
        scores = {}
        low = text.lower()
        for lang in LANGS:
            exprs = [e for by_lang in self.data["roles"].values() for e in by_lang.get(lang, [])]
            exprs += self.data["conjunctions"].get(lang, [])
            scores[lang] = sum(len(re.findall(rf"\b(?:{e})", low)) for e in exprs if len(e) > 2)
        return max(LANGS, key=lambda lang: scores[lang])
