"""Status classification of report texts by readable cue-word rules (data/status-rules/<lang>.csv).

A rule is a regular expression per language with a `status` (a code of the `status` scheme), a
`reason` (a code of the `reason` scheme) or the qualifier `partial`. Reason rules and `partial` rules
apply to the whole text; status rules are read **clause by clause**, so that a status does not
over-claim:

1. the text is split into clauses (sentences, then comma-separated parts and parts joined by
   *mutta* / *men* / *but*); each clause gets the status of the first status rule (in file order)
   that matches it, or none;
2. the clause statuses are combined:
   - nothing matched: no status (the assessments sheet must then name one);
   - a `done` clause together with any clause that is not `done` (another status, or a clause no rule
     reads, such as a further measure the report describes without saying it is finished), or with a
     `partial` cue (*med undantag av*, *som förut*, *tulisi tehostaa*): **in-progress** — the work is
     partly done, and the scheme's `in-progress` ("started, not finished") is the status that does not
     over-claim (the scheme has no separate "partly done" code: charts and queries that group by status
     keep five codes; `Classification.partial` says when the rules read partial completion);
   - otherwise the strongest of the rest: postponed > in-progress > not-started > done.

A row in the assessments sheet states the reviewed status; the graph records `rule` when the rules
give the same and `override` when the reviewer's reading overrules them (kk:statusDerivation).
`bench/status.py` prints the rules' agreement with the reviewed statuses per language.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

PARTIAL = "partial"  # qualifier rules: the text reports only part of the work
PRECEDENCE = ("postponed", "in-progress", "not-started", "done")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_CLAUSE = re.compile(r",\s+|;\s+|\s+(?:mutta|men|but)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class StatusRule:
    lang: str
    pattern: re.Pattern
    status: str  # a status code, PARTIAL, or '' for a reason-only rule
    reason: str
    line: str  # file:row of the rule


@dataclass(frozen=True)
class Classification:
    status: str | None  # None: no rule matched
    reasons: tuple[str, ...]
    rule_lines: tuple[str, ...]
    partial: bool = False  # done was read for part of the text only, so the status is in-progress
    clauses: tuple[tuple[str, str | None], ...] = ()  # (clause, its status or None)


def load_status_rules(folder: Path) -> list[StatusRule]:
    """Rules of every language, one file per language, in file order."""
    rules = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rules += [StatusRule(path.stem, re.compile(r["pattern"], re.IGNORECASE), r["status"].strip(),
                           r["reason"].strip(), f"{path.name}:{n}")
                      for n, r in enumerate(csv.DictReader(fh), start=2)]
    return rules


load_rules = load_status_rules  # the name other packages (kuntakg.draft) use


def clauses_of(text: str) -> list[str]:
    """Sentences, then their comma- or conjunction-separated parts, stripped, empty ones dropped."""
    parts = []
    for sentence in _SENTENCE.split(text.strip()):
        parts += [p.strip(" .") for p in _CLAUSE.split(sentence)]
    return [p for p in parts if p]


def classify(text: str, lang: str, rules: list[StatusRule]) -> Classification:
    if not text.strip():
        return Classification("not-reported", (), ())
    own = [r for r in rules if r.lang == lang]
    reasons: list[str] = []
    used: list[str] = []
    for rule in own:
        if rule.reason and rule.reason not in reasons and rule.pattern.search(text):
            reasons.append(rule.reason)
            used.append(rule.line)
    read: list[tuple[str, str | None]] = []
    for clause in clauses_of(text):
        hit = next((r for r in own if r.status and r.status != PARTIAL and r.pattern.search(clause)), None)
        read.append((clause, hit.status if hit else None))
        if hit and hit.line not in used:
            used.append(hit.line)
    found = [s for _, s in read if s]
    if not found:
        return Classification(None, tuple(reasons), tuple(used), clauses=tuple(read))
    qualifiers = [r for r in own if r.status == PARTIAL and r.pattern.search(text)]
    if "done" in found and (any(s != "done" for _, s in read) or qualifiers):
        used += [r.line for r in qualifiers if r.line not in used]
        return Classification("in-progress", tuple(reasons), tuple(used), partial=True, clauses=tuple(read))
    status = next(s for s in PRECEDENCE if s in found)
    return Classification(status, tuple(reasons), tuple(used), clauses=tuple(read))
