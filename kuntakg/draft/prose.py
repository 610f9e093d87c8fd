"""Prose recognition: which sentences of a narrative paragraph state goals, actions or pilots.

A plan written as paragraphs (no goal/action tables, no headings that name goals or actions) carries its
goals and actions in sentences. This module reads one sentence at a time, by cue words of
data/draft/lexicon.yaml (`prose_cues`, fi/sv/en), and says what it states:

* goal: an aim or intention ("halutaan", "vi vill", "we want to"); an aim naming a list of three or more
  things ("halusimme edistää A, B, C ja D") is one goal per thing;
* intention ("on tarkoitus", "pyritään", "avsikten är", "we intend to"): the section's goal when the
  section states no goal of its own and the sentence names no time (a deadline "by 2030" is no such time);
  otherwise an action serving it;
* action: a done activity (a passive perfect "on rakennettu", a past passive "käynnistettiin", "har
  utvecklats", "infördes", "was launched", "we introduced") or a plan ("suunnitellaan", "tullaan …",
  "kommer att", "will be …"); a pilot when a pilot cue ("pilotoitiin", "kokeiltiin") is there too;
  a sentence of several clauses each with its own cue ("X on rakennettu, Y on perustettu ja Z on
  jaettu") is one action per clause, and a list of measures after a list cue ("esim.", "such as", a
  colon) or right after the verb is one action per measure besides the sentence itself;
* background: a statistic, a change in the situation, an effect or who took part ("on kasvanut 5 %",
  "on osallistunut", "has risen") is not drafted unless the sentence also states an aim, an intention,
  a plan or a pilot.

Every reading names its cue class and cue words, so the DRAFT note can say why the row was drafted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .lexicon import Lexicon

CUE_CLASSES = ("goal", "intention", "plan", "done", "pilot", "background", "time", "deadline", "list_intro",
               "list_lead", "clause_blockers", "no_break_after")  # and list_conjunctions: plain words
CLASS_WORDS = {"goal": "an aim", "intention": "an intention", "plan": "a plan", "done": "a done activity",
               "pilot": "a pilot", "enumeration": "a list of measures", "aims": "a list of aims"}


@dataclass(frozen=True)
class Reading:
    """What one sentence (or part of it) states."""

    role: str  # goal, action or pilot
    text: str  # a verbatim part of the sentence: label and quoted source text
    cue_class: str  # goal, intention, plan, done, pilot, enumeration, aims
    cue: str  # the words that decided


@dataclass
class ProseCues:
    """The `prose_cues` section of the lexicon, compiled per cue class, for the document's language (all
    languages of the lexicon when it is not one of them)."""

    lexicon: Lexicon
    lang: str = ""
    _compiled: dict[str, re.Pattern[str] | None] = field(default_factory=dict)

    def pattern(self, cue_class: str) -> re.Pattern[str] | None:
        if cue_class not in self._compiled:
            section = self.lexicon.data.get("prose_cues", {}).get(cue_class, {})
            langs = [self.lang] if self.lang in self.lexicon.langs else self.lexicon.langs
            exprs = [e for lang in langs for e in section.get(lang, [])]
            self._compiled[cue_class] = re.compile("|".join(f"(?:{e})" for e in exprs), re.IGNORECASE) \
                if exprs else None
        return self._compiled[cue_class]

    def find(self, cue_class: str, text: str) -> re.Match[str] | None:
        pattern = self.pattern(cue_class)
        return pattern.search(text) if pattern is not None else None

    def action_cue(self, text: str) -> tuple[str, re.Match[str]] | None:
        """The first of the classes that make an action (pilot, plan, done) found in `text`."""
        for cue_class in ("pilot", "plan", "done"):
            m = self.find(cue_class, text)
            if m is not None:
                return cue_class, m
        return None

    @cached_property
    def conjunctions(self) -> str:
        """The words that end a list and join clauses ("ja", "och", "and"), as one alternation."""
        section = self.lexicon.data.get("prose_cues", {}).get("list_conjunctions", {})
        langs = [self.lang] if self.lang in self.lexicon.langs else self.lexicon.langs
        return "|".join(re.escape(w) for lang in langs for w in section.get(lang, []))

    @cached_property
    def abbreviations(self) -> re.Pattern[str]:
        """An abbreviation ending the text: its dots may be followed by a space ("t. ex.")."""
        parts = [r"\.\s?".join(re.escape(p) for p in a.split(".")) for a in self.lexicon.words("abbreviations")]
        return re.compile(rf"(?:^|[\s(\"“'])(?:{'|'.join(parts)})\.$", re.IGNORECASE)


_BOUNDARY = re.compile(r"(?<=[.!?])[\"”')\]]?\s+(?=[\"“”'(]?[A-ZÅÄÖÜ0-9])")


def split_sentences(text: str, cues: ProseCues) -> list[str]:
    """The sentences of a paragraph, each a verbatim substring, split after . ! ? and a space before a
    capital letter or a digit; not after an abbreviation ("esim.", "t. ex.", "e.g."), a day or an ordinal
    ("23.10. 2018", "2. Kvartaali": `no_break_after`), an initial ("A. Virtanen"), nor inside parentheses or quotes."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start:m.start()]
        if cues.abbreviations.search(before) or cues.find("no_break_after", before) \
                or re.search(r"(?:^|\s)[A-ZÅÄÖ]\.$", before):
            continue
        sentence = text[start:m.end()]
        opened = sentence.count("(") - sentence.count(")")
        quotes = len(re.findall(r"[\"“”]", sentence))
        if opened > 0 or quotes % 2:
            continue  # a sentence quoted or in brackets belongs to the sentence around it
        out.append(text[start:m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def read_sentence(sentence: str, cues: ProseCues, goal_stated: bool) -> list[Reading]:
    """What a sentence states: goals, actions or pilots, or nothing (context, background).
    `goal_stated`: whether the section has stated its goal above (by an aim, not an intention)."""
    background = cues.find("background", sentence) is not None
    goal = cues.find("goal", sentence)
    if goal is not None:
        return _aims(sentence, goal, cues) or [Reading("goal", sentence, "goal", goal.group(0))]
    intention = cues.find("intention", sentence)
    timed = cues.find("time", sentence) is not None and cues.find("deadline", sentence) is None
    if intention is not None and not goal_stated and not timed:
        return _aims(sentence, intention, cues) or [Reading("goal", sentence, "intention", intention.group(0))]
    if intention is not None:
        return [Reading(_kind(sentence, cues), sentence, "intention", intention.group(0))]
    found = cues.action_cue(sentence)
    if found is None or (background and found[0] == "done"):
        return []
    cue_class, m = found
    role = _kind(sentence, cues)
    clauses = _clauses(sentence, cues)
    if len(clauses) > 1:  # each clause has a cue of its own (_clauses)
        return [Reading(_kind(c, cues), c, "enumeration", own[1].group(0))
                for c in clauses if (own := cues.action_cue(c)) is not None]
    readings = [Reading(role, sentence, cue_class, m.group(0))]
    listed = _listed(sentence, cues) or _listed_after_cue(sentence, m, cues)
    readings += [Reading(role, item, "enumeration", cue) for item, cue in listed]
    return readings


def _kind(text: str, cues: ProseCues) -> str:
    return "pilot" if cues.find("pilot", text) is not None else "action"


def _split_list(text: str, cues: ProseCues) -> list[str]:
    """`A, B, C ja D` -> [A, B, C, D]: split at commas, the last part at its last conjunction."""
    parts = [p.strip() for p in re.split(r",\s+|;\s+", text) if p.strip()]
    if not parts or not cues.conjunctions:
        return parts
    # not after a hyphen: "erityis- ja vaativan tason" is one item
    last = re.split(rf"(?<!-)\s+(?:{cues.conjunctions})\s+(?!.*[^-]\s(?:{cues.conjunctions})\s)", parts[-1], maxsplit=1)
    return parts[:-1] + [p.strip() for p in last if p.strip()]


def _short_items(items: list[str], max_words: int = 10) -> bool:
    """Three or more items, each short, at least half of them phrases or names (a list of single common
    nouns names things, such as the services taking part, not measures or aims)."""
    phrases = [i for i in items if len(i.split()) >= 2 or i[:1].isupper()]
    return len(items) >= 3 and all(1 <= len(i.split()) <= max_words for i in items) and 2 * len(phrases) >= len(items)


def _aims(sentence: str, cue: re.Match[str], cues: ProseCues) -> list[Reading]:
    """An aim naming three or more things after its verb ("halusimme edistää A, B, C ja D",
    "we aim to improve A, B and C"): one goal per thing, each its verbatim words."""
    rest = sentence[cue.end():]
    lead = cues.pattern("list_lead")
    m = lead.match(rest.split(",")[0]) if lead is not None else None
    if m is None:
        return []
    tail = rest[m.end():].strip().rstrip(".!")
    items = _split_list(tail, cues)
    if not _short_items(items) or any(cues.action_cue(i) for i in items):
        return []
    return [Reading("goal", i, "aims", f"{cue.group(0).strip()} … {m.group(0).strip()}") for i in items]


def _clauses(sentence: str, cues: ProseCues) -> list[str]:
    """The clauses of a sentence that lists several measures, each with its own cue ("X on rakennettu,
    Y on perustettu ja Z on jaettu"); one clause if fewer than two have a cue of their own. A part
    without a cue, or one that starts with a relative pronoun or a subordinator, stays with the part
    before it."""
    body = sentence.rstrip().rstrip(".!")
    joins = rf",\s+(?:(?:{cues.conjunctions})\s+)?|\s+(?:{cues.conjunctions})\s+" if cues.conjunctions else r",\s+"
    pieces: list[str] = []
    last = 0
    for m in re.finditer(joins, body):
        pieces.append(body[last:m.start()])
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(body[last:])
    clauses: list[str] = []
    subordinate = False  # a relative or subordinate clause runs on to the end of the sentence
    for i in range(0, len(pieces), 2):
        part = pieces[i]
        subordinate = subordinate or cues.find("clause_blockers", part.split(" ")[0] if part else "") is not None
        if clauses and (subordinate or cues.action_cue(part) is None or cues.action_cue(clauses[-1]) is None):
            clauses[-1] = clauses[-1] + pieces[i - 1] + part
        else:
            clauses.append(part)
    with_cue = [c for c in clauses if cues.action_cue(c) is not None]
    # two clauses joined by "and" are often one measure told in two steps; three or more make a list
    return [c.strip() for c in clauses] if len(with_cue) == len(clauses) and len(clauses) >= 3 else [sentence]


def _listed(sentence: str, cues: ProseCues) -> list[tuple[str, str]]:
    """The measures listed after a list cue ("esim. A, B ja C", "such as A, B and C"): three or more
    short items, each with the cue."""
    m = cues.find("list_intro", sentence)
    if m is None:
        return []
    items = _split_list(sentence[m.end():].strip().rstrip(".!"), cues)
    if not _short_items(items, max_words=8):
        return []
    return [(i, m.group(0).strip()) for i in items]


def _listed_after_cue(sentence: str, cue: re.Match[str], cues: ProseCues) -> list[tuple[str, str]]:
    """The measures a done or planned activity lists after its verb with no list cue ("on koottu X:stä,
    laajoista puhelinajoista, Pyydä apua -napista sekä ABC-illoista", "we opened A, B and C"): three or
    more items, all but the first (which starts right after the verb) phrases of two to six words."""
    items = _split_list(sentence[cue.end():].strip().rstrip(".!"), cues)
    if len(items) < 3 or not 1 <= len(items[0].split()) <= 12:
        return []
    if not all(2 <= len(i.split()) <= 6 and cues.action_cue(i) is None for i in items[1:]):
        return []
    return [(i, cue.group(0).strip()) for i in items]


def note(reading: Reading) -> str:
    """The DRAFT note of an item read from prose (without the DRAFT: prefix)."""
    what = {"goal": "a goal", "action": "an action", "pilot": "a pilot"}[reading.role]
    return (f"{what} read from prose (cue class: {CLASS_WORDS.get(reading.cue_class, reading.cue_class)}, "
            f"cue '{reading.cue.strip(' ,')}'); check it, join sentences that belong together and shorten "
            "the label")
