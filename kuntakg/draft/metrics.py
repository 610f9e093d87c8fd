"""Metric cells and metric names: what a metric cell, a target statement or an item's own words measure.

A metric cell may hold several metrics ("Toteutetaan kolme raatia  Raadin tulokset vaikuttavat …", run
together by the extraction, or separated by semicolons); a metric may be written as its target ("X:n
käyttöasteen nostaminen 20 % neuvoloissa" measures "X:n käyttöaste neuvoloissa"), as a count
("Sähköisiä arviointeja vähintään 9 kpl" counts "Sähköisten arviointien määrä"), as a rate ("asukasluku
kasvaa 1 % vuodessa" measures "Asukasluvun vuotuinen kasvu"), or as the survey that measures it
("Asiakastyytyväisyyskysely kerran vuodessa" measures "Asiakastyytyväisyys"); and a goal or action may
name its own metric ("…, mittarina X", "mätare: X", "measured by X"). The words of each language are in
data/draft/lexicon.yaml (`metric_names`); the number itself is read by targets.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .lexicon import Lexicon
from .model import clean_label
from .targets import NUMBER, YEAR
from .targets import parse as parse_target


@dataclass
class MetricName:
    label: str
    how: str = ""  # why the label differs from the cell's words ("" when it does not)


def split_cell(text: str) -> list[str]:
    """The metrics of one fragment of a metric cell: split at semicolons and at two or more spaces
    before a capital (items the extraction ran together); each part a verbatim substring."""
    parts = [p for chunk in text.split(";") for p in re.split(r"\s{2,}(?=[A-ZÅÄÖ])", chunk)]
    return [p.strip() for p in parts if re.search(r"[^\W\d_]{3}", p)]


def _section(lex: Lexicon) -> dict[str, Any]:
    return lex.data.get("metric_names") or {}


def _by_lang(lex: Lexicon, key: str, lang: str) -> Any:
    return (_section(lex).get(key) or {}).get(lang)


def _any(lex: Lexicon, key: str, lang: str) -> re.Pattern[str] | None:
    exprs = _by_lang(lex, key, lang) or []
    return re.compile("|".join(f"(?:{e})" for e in exprs), re.IGNORECASE) if exprs else None


def _remove(text: str, pattern: re.Pattern[str] | None) -> str:
    return " ".join((pattern.sub(" ", text) if pattern else text).split())


def _capital(text: str) -> str:
    text = text.strip(" ,.:;-–")
    return text[:1].upper() + text[1:]


def _ending(word: str, forms: dict[str, str]) -> str | None:
    low = word.lower()
    end = next((e for e in sorted(forms, key=len, reverse=True) if low.endswith(e)), None)
    return None if end is None else word[: len(word) - len(end)] + forms[end]


def _genitive(phrase: str, lex: Lexicon, lang: str) -> str | None:
    """Finnish: the phrase with its last word (the head noun) in the genitive; None if unknown."""
    head, _, last = phrase.rpartition(" ")
    form = _ending(last, _by_lang(lex, "genitive", lang) or {})
    if form is None and re.search(r"[aeiouyäö]$", last.lower()):
        form = last + "n"
    return f"{head} {form}".strip() if form else None


def _rate(text: str, lex: Lexicon, lang: str) -> str | None:
    """'X kasvaa 1 % vuodessa' -> 'X:n vuotuinen kasvu': a change per period measures the yearly change."""
    rate = _any(lex, "rate_words", lang)
    nouns: dict[str, str] = _by_lang(lex, "change_nouns", lang) or {}
    template = _by_lang(lex, "rate_name", lang)
    if not rate or not nouns or not template or not rate.search(text):
        return None
    verbs = "|".join(re.escape(v) for v in sorted(nouns, key=len, reverse=True))
    m = re.search(rf"^(?P<what>[^\d%]+?)\s+(?P<verb>{verbs})\b", text.strip(), re.IGNORECASE)
    if not m or not re.search(r"[^\W\d_]{3}", m["what"]):
        return None
    what = m["what"].strip(" ,.:;-")
    if lang == "fi":
        what = _genitive(what, lex, lang) or ""
    elif not what[:2].isupper():  # "The number of …" inside the name, not an acronym
        what = what[:1].lower() + what[1:]
    if not what:
        return None
    return _capital(template.format(what=what, change=nouns[m["verb"].lower()]))


def _last_number_end(text: str) -> int | None:
    numbers = [m for m in NUMBER.finditer(text) if not YEAR.match(m.group(1))]
    return numbers[-1].end() if numbers else None


def _scope(text: str, lex: Lexicon, lang: str) -> str:
    """The words after a target's number that say where it is measured ('… 20 % neuvolapalveluissa');
    '' when there are none, or when they name a baseline ('… 5 % vuodesta 2017')."""
    end = _last_number_end(text)
    if end is None:
        return ""
    tail = re.sub(r"^\s*(?:%|prosent\w*|procent\w*|per ?cent\w*|%-\w+)?(?::\w+)?", "", text[end:])
    tail = _remove(_remove(tail, _any(lex, "time_phrases", lang)), _any(lex, "frequency_phrases", lang))
    tail = tail.strip(" ,.;:")
    words, not_scope = _any(lex, "scope_words", lang), _any(lex, "scope_not", lang)
    if not tail or not words or not words.search(tail) or (not_scope and not_scope.search(tail)):
        return ""
    return tail


def _count(text: str, lex: Lexicon, lang: str) -> str | None:
    """'Sähköisiä arviointeja vähintään 9 kpl' -> 'Sähköisten arviointien määrä'; 'at least 9 panels' ->
    'Number of panels': a count measures the number of what is counted."""
    cues, template = _any(lex, "count_cues", lang), _by_lang(lex, "count_name", lang)
    if not cues or not template or not cues.search(text):
        return None
    plain = _remove(text, _any(lex, "time_phrases", lang))
    first = NUMBER.search(plain)
    cue = cues.search(plain)
    if lang == "fi":
        cut = min(m.start() for m in (first, cue) if m is not None)
        words = plain[:cut].strip(" ,.:;").split()
        forms = _by_lang(lex, "partitive_plural", lang) or {}
        turned = [_ending(w, forms) or w for w in words]
        if not words or turned == words or len(words) > 6:
            return None  # nothing in the partitive plural: not a count of things
        what = " ".join(turned)
    else:
        if first is None:
            return None
        after = re.sub(r"^\s*(?:st\b\.?|pcs\b\.?|stycken\b)", "", plain[first.end():])
        what = re.split(r"[.,;:(]", after)[0].strip()
        if not re.match(r"^[^\W\d_]{3}", what) or len(what.split()) > 6:
            return None
    return _capital(template.format(what=what))


def _level(text: str, lex: Lexicon, lang: str) -> str | None:
    """'Väntetid högst 14 dagar' -> 'Väntetid': the words before a level cue and its number name the
    metric (a linking verb at their end dropped); None when the cue starts the text or no number follows."""
    cues = [p for name, p in lex.patterns("comparisons") if name in ("at-least", "at-most", "approximately")]
    found = [m for p in cues for m in p.finditer(text)] + list(re.finditer(r"[≥≤<>]", text))
    found = [m for m in found if NUMBER.search(text[m.end(): m.end() + 12]) and _only_unit_after(text[m.end():], lex)]
    if not found:
        return None
    words = text[: min(m.start() for m in found)].strip(" ,.:;-–(")
    links = (lex.data.get("linking_verbs") or {}).get(lang) or []
    for verb in sorted(links, key=len, reverse=True):
        words = re.sub(rf"\s+{re.escape(verb)}$", "", words, flags=re.IGNORECASE)
    if not re.search(r"[^\W\d_]{3}", words) or len(words.split()) > 8 or NUMBER.search(words):
        return None
    return _capital(words)


def _only_unit_after(rest: str, lex: Lexicon) -> bool:
    """Whether the words after a level cue are its number and unit only ('alle 10 päivää (2023)'),
    not more of the wording ('noin 30 päivän odotusajalla', where the metric follows the number)."""
    number = NUMBER.search(rest)
    if number is None:
        return False
    tail = re.sub(r"\([^()]*\)", " ", rest[number.end():]).strip()
    for _, pattern in lex.patterns("units"):
        m = pattern.match(tail)
        if m:
            tail = tail[m.end():]
            tail = re.sub(r"^[^\W\d_]*", "", tail)  # the rest of the unit's word ("päivää")
            break
    tail = re.sub(r"^\s*(?:per|/)\s*[^\W\d_]+", "", tail.strip())
    return not re.search(r"[^\W\d_]{2}", tail)


def _instrument(text: str, lex: Lexicon, lang: str) -> str | None:
    """'Asiakastyytyväisyyskysely kerran vuodessa' -> 'Asiakastyytyväisyys': the metric is what the
    survey measures, not the survey or how often it is held."""
    plain = _remove(text, _any(lex, "frequency_phrases", lang)).strip(" ,.;:")
    words = plain.split()
    if not words:
        return None
    last = words[-1]
    for tool in sorted(_by_lang(lex, "instruments", lang) or [], key=len, reverse=True):
        if last.lower() == tool and len(words) > 1:
            plain = " ".join(words[:-1])
            break
        if last.lower().endswith(tool) and len(last) - len(tool) >= 4:
            stem = last[: len(last) - len(tool)].rstrip("-")
            links = _by_lang(lex, "link_s_after", lang) or []
            if stem.endswith("s") and any(stem[:-1].lower().endswith(e) for e in links):
                stem = stem[:-1]
            plain = " ".join([*words[:-1], stem])
            break
    plain = plain.strip(" ,.;:")
    if plain == clean_label(text).strip(" ,.;:") or not re.search(r"[^\W\d_]{3}", plain):
        return None
    return _capital(plain)


def metric_name(text: str, lex: Lexicon, lang: str) -> MetricName:
    """The metric a metric cell or a target statement names, and why it differs from the words."""
    words = clean_label(text)
    rate = _rate(words, lex, lang)
    if rate:
        return MetricName(rate, f"a change per period ('{words}') read as the metric '{rate}'")
    target = parse_target(words, lex)
    named = lex.metric_name(words) if target.numeric else None
    if named:
        scope = _scope(words, lex, lang)
        label = f"{named} {scope}" if scope else named
        return MetricName(label, f"metric named from its target statement '{words}'")
    count = _count(words, lex, lang)
    if count:
        return MetricName(count, f"a count ('{words}') read as the metric '{count}'")
    level = _level(words, lex, lang)
    if level:
        return MetricName(level, f"a metric stated with its level ('{words}'); the metric is '{level}'")
    tool = _instrument(words, lex, lang)
    if tool:
        return MetricName(tool, f"the cell names how the metric is measured ('{words}'); the metric is '{tool}'")
    return MetricName(words)


def inline_metric(text: str, lex: Lexicon, lang: str) -> tuple[str, str] | None:
    """A goal or action that names its own metric: (the item's words, the metric's words), else None.
    "Parannamme palveluohjausta (mittarina asiakastyytyväisyys)" -> ("Parannamme palveluohjausta",
    "asiakastyytyväisyys")."""
    cue = _any(lex, "inline_cues", lang)
    m = cue.search(text) if cue else None
    if not m:
        return None
    item = text[: m.start()].rstrip(" ,;:–-(")
    metric = re.split(r"(?<=[^\W\d_]{2})[.;)](?:\s|$)|\)", text[m.end():])[0].strip(" ,.;:()")
    if not re.search(r"[^\W\d_]{3}", item) or not re.search(r"[^\W\d_]{3}", metric):
        return None
    return item, metric


def number_clause(text: str, lex: Lexicon, lang: str) -> str | None:
    """In an item of several sentences, the clause that states its one number ("Hoito järjestetään
    nopeasti, esimerkiksi hoitoon pääsee noin 30 päivässä. Julkaistaan …" -> "hoitoon pääsee noin 30
    päivässä"): the metric of the number, not the whole item. None for one sentence, or no single number."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", clean_label(text)) if s.strip()]
    if len(sentences) < 2:
        return None

    def numbered(parts: list[str]) -> list[str]:
        return [p for p in parts if any(not YEAR.match(m.group(1)) for m in NUMBER.finditer(p))]

    found = numbered(sentences)
    if len(found) != 1:
        return None
    clauses = numbered([c for c in re.split(r"[,;]\s+", found[0]) if c.strip()])
    clause = clauses[0] if len(clauses) == 1 else found[0]
    cues = "|".join(f"(?:{e})" for e in _by_lang_all(lex, "example_cues", lang))
    if cues:
        clause = re.sub(rf"^\s*(?:{cues})\s+", "", clause, flags=re.IGNORECASE)
    return clause.strip(" .;:")


def _by_lang_all(lex: Lexicon, key: str, lang: str) -> list[str]:
    return list((lex.data.get(key) or {}).get(lang) or [])
