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
        return self.first("org_types", text)

    def layout(self, key: str) -> Any:
        return self.data["layout"][key]

    def words(self, section: str) -> list[str]:
        return [w for lang in self.langs for w in self.data[section].get(lang, [])]

    @cached_property
    def post_pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{e})" for e in self.words("post_stems")), re.IGNORECASE)

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

    def detect_language(self, text: str) -> str:
        """fi, sv or en: the language whose role words occur most often in `text`."""
        scores = {}
        low = text.lower()
        for lang in LANGS:
            exprs = [e for by_lang in self.data["roles"].values() for e in by_lang.get(lang, [])]
            exprs += self.data["conjunctions"].get(lang, [])
            scores[lang] = sum(len(re.findall(rf"\b(?:{e})", low)) for e in exprs if len(e) > 2)
        return max(LANGS, key=lambda lang: scores[lang])
