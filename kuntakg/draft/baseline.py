"""Baseline and target-year columns of a metric table (a balanced scorecard's "Lähtötaso 2022 /
Tavoitetaso 2025", "Utgångsläge / Målvärde 2025", "Baseline / Target 2025"): the baseline cell gives
the baseline value of the row's targets, and a year in either column's header gives the baseline or
target period. What a target's own wording states ("från 12 till 8") is kept."""
from __future__ import annotations

import re

from .lexicon import Lexicon
from .model import Item, clean_label
from .targets import parse as parse_target

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _years(text: str) -> tuple[str, str] | None:
    years = _YEAR.findall(text)
    return (min(years), max(years)) if years else None


def set_baseline(targets: list[Item], raw: str, header: str, lexicon: Lexicon) -> None:
    """The baseline cell `raw` under the column `header`, for the targets drafted from the same row."""
    parsed = parse_target(raw, lexicon)
    period = _years(header) or _years(raw)
    for target in targets:
        changed = False
        if parsed.numeric and parsed.value and not target.fields.get("baseline_value"):
            target.fields["baseline_value"] = parsed.value
            changed = True
        if period and not target.fields.get("baseline_start"):
            target.fields["baseline_start"], target.fields["baseline_end"] = period
            changed = True
        if changed:
            target.note(f"baseline read from the column '{clean_label(header)}': '{clean_label(raw)}'")


def set_target_period(targets: list[Item], header: str) -> None:
    """A year in the target column's header ("Tavoitetaso 2025", "Target 2025") is the target period."""
    period = _years(header)
    if not period:
        return
    for target in targets:
        if not target.fields.get("target_start"):
            target.fields["target_start"], target.fields["target_end"] = period
