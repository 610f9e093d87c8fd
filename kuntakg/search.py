"""Stemmed full-text search over labels and original wording (issue 16).

Texts are split into words, lower-cased and reduced to a *key*: the Snowball stem of the text's
language (``snowballstemmer``: Finnish, Swedish, English; an untagged text gets all three), and for
Finnish the stem without its final consonants, because Snowball leaves the consonant gradation of
Finnish stems apart (``mielenterveys`` -> ``mielenterveys``, ``mielenterveyden`` -> ``mielenterveyd``;
both keys are ``mielentervey``).  A query word, whose language is unknown, is keyed in all three
languages.  A document matches a query word when one of its keys equals one of the word's keys, or
(weaker) starts with it, which finds the word inside Finnish and Swedish compounds
(``mielenterveyspalvelut``).  Every query word must match; results are ranked by a tf-idf score in
which labels weigh more than the original wording.

The index is plain data built once (:func:`build`) from rows of (item, field, text, language, source
line) and searched in memory; it has no Flask or store dependency.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}
WORD = re.compile(r"[^\W_]+", re.UNICODE)
FIELD_WEIGHT = {"label": 2.0, "text": 1.0}
PREFIX_WEIGHT = 0.5        # a key that only starts with the query key (compounds)
MIN_PREFIX = 5             # shorter query keys match whole keys only
MIN_TRIM = 5               # Finnish stems shorter than this keep their final consonants
VOWELS = set("aeiouyäöå")
MAX_QUERY_WORDS = 12


@lru_cache(maxsize=None)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(LANGUAGES[language])


def words(text: str) -> list[str]:
    """Lower-cased words (letters and digits) of a text, NFC-normalised."""
    return [w.casefold() for w in WORD.findall(unicodedata.normalize("NFC", text))]


def key(word: str, language: str) -> str:
    """The index key of one lower-cased word in a language (fi, sv or en)."""
    stem = _stemmer(language).stemWord(word)
    if language == "fi" and len(stem) > MIN_TRIM:
        trimmed = stem
        while len(trimmed) > MIN_TRIM and trimmed[-1] not in VOWELS:
            trimmed = trimmed[:-1]
        stem = trimmed
    return stem


def keys(word: str, language: str | None) -> set[str]:
    """Keys of a word: in its language, or in every language when it is not known."""
    if language in LANGUAGES:
        return {key(word, language)}
    return {key(word, lang) for lang in LANGUAGES}


@dataclass
class Hit:
    """One searchable text of an item."""

    item: str
    field: str                 # label | text
    text: str
    language: str | None
    source: str | None = None  # "file:lines" of the item's source span, when known


@dataclass
class Result:
    item: str
    score: float
    hit: Hit                   # the best-matching text of the item
    source: str | None


@dataclass
class Index:
    hits: list[Hit] = field(default_factory=list)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)   # key -> {hit number: weight}
    sources: dict[str, str] = field(default_factory=dict)                 # item -> "file:lines"
    items: int = 0

    def search(self, query: str, limit: int = 50) -> list[Result]:
        """Items matching every word of the query, best first (at most ``limit``)."""
        qwords = list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]
        if not qwords:
            return []
        per_item: dict[str, float] | None = None
        best: dict[str, tuple[float, int]] = {}
        for w in qwords:
            found: dict[int, float] = defaultdict(float)
            for k in keys(w, None):
                for h, weight in self.postings.get(k, {}).items():
                    found[h] = max(found[h], weight)
                if len(k) >= MIN_PREFIX:
                    for other, posting in self.postings.items():
                        if other != k and other.startswith(k):
                            for h, weight in posting.items():
                                found[h] = max(found[h], weight * PREFIX_WEIGHT)
            items_w: dict[str, float] = defaultdict(float)
            for h, weight in found.items():
                items_w[self.hits[h].item] = max(items_w[self.hits[h].item], weight)
            if not items_w:
                return []
            idf = math.log(1 + self.items / len(items_w))
            scores = {i: s * idf for i, s in items_w.items()}
            for h, weight in found.items():
                item = self.hits[h].item
                if weight * idf > best.get(item, (-1.0, -1))[0] or (
                        weight * idf == best[item][0] and self.hits[h].field == "text"
                        and self.hits[best[item][1]].field == "label"):
                    best[item] = (weight * idf, h)
            per_item = scores if per_item is None else {i: per_item[i] + s for i, s in scores.items() if i in per_item}
        ranked = sorted((per_item or {}).items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Result(item, round(score, 4), self.hits[best[item][1]], self.sources.get(item))
                for item, score in ranked]


def build(hits: list[Hit]) -> Index:
    """The index of the hits (texts of items); each key weighs by field and term frequency."""
    index = Index()
    for hit in hits:
        number = len(index.hits)
        index.hits.append(hit)
        if hit.source and hit.item not in index.sources:
            index.sources[hit.item] = hit.source
        counts: dict[str, int] = defaultdict(int)
        for w in words(hit.text):
            for k in keys(w, hit.language):
                counts[k] += 1
        for k, n in counts.items():
            weight = FIELD_WEIGHT.get(hit.field, 1.0) * (1 + math.log(n))
            posting = index.postings.setdefault(k, {})
            posting[number] = max(posting.get(number, 0.0), weight)
    index.items = len({h.item for h in hits})
    return index


__all__ = ["Hit", "Index", "Result", "build", "key", "keys", "words", "LANGUAGES"]
