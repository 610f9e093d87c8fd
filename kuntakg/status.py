"""Status classification of report texts by readable cue-word rules (data/status-rules/<lang>.csv).

A rule is a regular expression per language. Status rules are tried in file order and the first
match wins; reason rules all apply. A row in the assessments sheet overrides the rules by naming a
status, and the graph records which of the two decided (kk:statusDerivation).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StatusRule:
    lang: str
    pattern: re.Pattern
    status: str
    reason: str
    line: str  # file:row of the rule


@dataclass(frozen=True)
class Classification:
    status: str | None  # None: no rule matched
    reasons: tuple[str, ...]
    rule_lines: tuple[str, ...]


def load_status_rules(folder: Path) -> list[StatusRule]:
    """Rules of every language, one file per language, in file order."""
    rules = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rules += [StatusRule(path.stem, re.compile(r["pattern"], re.IGNORECASE), r["status"].strip(),
                           r["reason"].strip(), f"{path.name}:{n}")
                      for n, r in enumerate(csv.DictReader(fh), start=2)]
    return rules


def classify(text: str, lang: str, rules: list[StatusRule]) -> Classification:
    if not text.strip():
        return Classification("not-reported", (), ())
    status, reasons, used = None, [], []
    for rule in rules:
        if rule.lang != lang or not rule.pattern.search(text):
            continue
        if rule.status and status is None:
            status = rule.status
            used.append(rule.line)
        if rule.reason and rule.reason not in reasons:
            reasons.append(rule.reason)
            used.append(rule.line)
    return Classification(status, tuple(reasons), tuple(used))
