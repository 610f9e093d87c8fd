"""Target wording -> value, unit, comparison, baseline and periods, when the number is unambiguous.

"nousu 5 %:lla vuodesta 2017" -> 5 percent increase-by, baseline 2017; "vähintään yhden" -> 1 at-least;
"kolmesta kuuteen työntekijään" -> baseline 3, value 6 persons increase-to. A wording with no number,
or with a number the parser cannot place ("9 k kpl"), gets `non_numeric` and a DRAFT note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Lexicon

NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[  ]\d{3})+|\d+)(?:[.,](\d+))?(?![\w])")
YEAR = re.compile(r"^(19|20)\d\d$")
ORDINAL = re.compile(r"\.\s+[a-zåäö]")  # "3. sektorin", "2. asteen": an ordinal, no quantity


@dataclass
class Target:
    value: str = ""
    unit: str = ""
    comparison: str = ""
    baseline_value: str = ""
    baseline_year: str = ""
    non_numeric: str = ""
    per: str = ""  # the rate period of a value given per year, month, … (rate-period code list)
    notes: list[str] = field(default_factory=list)
    numeric: bool = False


def _num(text: str) -> str:
    value = text.replace(" ", "").replace(" ", "").replace(",", ".")
    return value.rstrip("0").rstrip(".") if "." in value else value


def _words_to_numbers(text: str, lexicon: Lexicon) -> str:
    def repl(m: re.Match[str]) -> str:
        value = lexicon.number_word(m.group(0))
        return str(value) if value is not None else m.group(0)
    return re.sub(r"[^\W\d_]+", repl, text)


def parse(text: str, lexicon: Lexicon) -> Target:
    t = Target()
    low = " ".join(text.lower().split())
    baseline: re.Match[str] | None = None
    for pattern in lexicon.cue_patterns("baseline_cues"):
        found = pattern.search(low)
        if found:
            baseline = m = found
            if "year" in m.groupdict() and m["year"]:
                t.baseline_year = m["year"]
            else:
                t.notes.append("the baseline is 'the previous year'; set the baseline period")
            break
    for m in (m for pattern in lexicon.cue_patterns("range_cues") for m in pattern.finditer(low)):
        if m:
            a, b = lexicon.number_word(m["a"]), lexicon.number_word(m["b"])
            a = a if a is not None else (int(m["a"]) if m["a"].isdigit() else None)
            b = b if b is not None else (int(m["b"]) if m["b"].isdigit() else None)
            if a is not None and b is not None and not (YEAR.match(str(a)) or YEAR.match(str(b))):
                t.baseline_value, t.value = str(a), str(b)
                t.comparison = "increase-to" if b > a else "decrease-to"
                t.unit = _unit(low, lexicon)
                t.numeric = True
                return t
    numbers = [m for m in NUMBER.finditer(low)
               if not YEAR.match(m.group(1)) and not (baseline and baseline.start() <= m.start() < baseline.end())
               and not ORDINAL.match(low, m.end())]
    if not numbers:
        converted = _words_to_numbers(low, lexicon)
        numbers = [m for m in NUMBER.finditer(converted)
                   if not YEAR.match(m.group(1)) and not ORDINAL.match(converted, m.end())]
        low_for_unit = converted
    else:
        low_for_unit = low
    if len(numbers) != 1:
        t.non_numeric = text.strip()
        if len(numbers) > 1:
            t.notes.append("several numbers in the wording; no value recorded")
        return t
    m = numbers[0]
    after = low_for_unit[m.end(): m.end() + 4]
    if re.match(r"\s*[a-zåäö]\b", after) and not re.match(r"\s*%", after):
        t.non_numeric = text.strip()
        t.notes.append(f"'{low_for_unit[m.start(): m.end() + 4].strip()}' is ambiguous; no value recorded")
        return t
    t.value = _num(m.group(0))
    t.unit = _unit(low_for_unit[m.start(): m.end() + 25], lexicon)
    if not t.unit:
        t.unit = "count"
        t.notes.append("no unit next to the number; recorded as a count")
    t.comparison = _comparison(low, lexicon)
    t.numeric = True
    t.per = _per(low, lexicon)
    if t.per:
        t.notes.append(f"the value is given per {t.per} (a rate period); check")
    if not t.comparison:
        t.comparison = "reach"
        t.notes.append("no comparison word found; recorded as 'reach'")
    return t


def _per(text: str, lexicon: Lexicon) -> str:
    """The rate period of 'kasvaa 1 % vuodessa' (year); not of '30 päivässä', where the period word
    carries the number itself (within 30 days)."""
    if "rate_periods" not in lexicon.data:
        return ""
    for name, pattern in lexicon.patterns("rate_periods"):
        for m in pattern.finditer(text):
            if not re.search(r"\d\s*$", text[: m.start()]):
                return name
    return ""


def _unit(text: str, lexicon: Lexicon) -> str:
    best, where = "", len(text) + 1
    for name, pattern in lexicon.patterns("units"):
        m = pattern.search(text)
        if m and m.start() < where:
            best, where = name, m.start()
    return best


def _comparison(text: str, lexicon: Lexicon) -> str:
    for name, pattern in lexicon.patterns("comparisons"):
        if name in ("at-least", "at-most", "maintain") and pattern.search(text):
            return name
    for name, pattern in lexicon.patterns("comparisons"):
        if pattern.search(text):
            return name
    return ""
