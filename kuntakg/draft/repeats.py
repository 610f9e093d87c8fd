"""Rows repeated in several sections of one document (a centre-level row printed again in every area's
table, sometimes slightly reworded or misspelt): one item each, the later occurrences merged into the
first, every occurrence's lines cited.

Two goals, actions or promises are one item when they are of the same sheet and level (or kind), serve
the same items (after their own repeats are merged: higher levels first), and their labels are nearly
the same: letters and digits compared, difflib ratio at least `SAME`, and the same numbers (a row for
2021 and one for 2022 stay apart). A merged item whose wording differs gets a DRAFT: note naming the
other wording. Metrics, targets and assessments of merged rows are merged the same way when they have
the same wording and are about the same items (a metric measuring an action: the same action).
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from .model import Draft, Item, similar_key

SAME = 0.9
LEVELS = {"long-term": 0, "strategic": 1, "key": 2, "responsibility-area": 3, "operational": 4}


def _near(a: Item, b: Item) -> bool:
    ka, kb = similar_key(a.label), similar_key(b.label)
    if re.findall(r"\d+", a.label) != re.findall(r"\d+", b.label):
        return False
    return ka == kb or difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio() >= SAME


def _merge(earlier: Item, later: Item) -> None:
    if similar_key(earlier.label) != similar_key(later.label):
        earlier.note(f"the same row appears again at line {later.lines[0]} worded '{later.label}'; drafted "
                     "as one item: check the wording, or split it if they are different items")
    earlier.absorb(later)
    for note in later.notes:
        earlier.note(note, draft=False)


def _replace(draft: Draft, gone: dict[int, Item]) -> None:
    """Every reference to a merged item points to the item it was merged into."""
    for item in draft.items:
        for column, refs in item.refs.items():
            out: list[Item] = []
            for r in refs:
                r = gone.get(id(r), r)
                if r is not item and r not in out:
                    out.append(r)
            item.refs[column] = out
    draft.items = [i for i in draft.items if id(i) not in gone]


def _pass(draft: Draft, items: list[Item], same_context: Callable[[Item, Item], bool]) -> dict[int, Item]:
    gone: dict[int, Item] = {}
    kept: list[Item] = []
    for item in items:
        earlier = next((k for k in kept if same_context(k, item) and _near(k, item)), None)
        if earlier is None:
            kept.append(item)
            continue
        _merge(earlier, item)
        gone[id(item)] = earlier
    return gone


def merge_repeats(draft: Draft) -> None:
    def parents(item: Item) -> set[int]:
        return {id(p) for p in item.refs.get("contributes_to", [])}

    def same_row(a: Item, b: Item) -> bool:
        return a.fields.get("level") == b.fields.get("level") and a.fields.get("kind") == b.fields.get("kind") \
            and parents(a) == parents(b)

    goals = draft.of("goals")
    for rank in sorted({LEVELS.get(g.fields.get("level", ""), 9) for g in goals}):
        level = [g for g in draft.of("goals") if LEVELS.get(g.fields.get("level", ""), 9) == rank]
        _replace(draft, _pass(draft, level, same_row))
    for sheet in ("actions", "promises"):
        _replace(draft, _pass(draft, draft.of(sheet), same_row))

    def subjects(item: Item, column: str) -> set[int]:
        about = item.refs.get(column, [])
        lowest = [a for a in about if a.sheet != "goals"] or [
            a for a in about if LEVELS.get(a.fields.get("level", ""), 9) == max(
                (LEVELS.get(b.fields.get("level", ""), 9) for b in about), default=9)]
        return {id(a) for a in lowest}

    _replace(draft, _pass(draft, draft.of("indicators"),
                          lambda a, b: bool(subjects(a, "measures") & subjects(b, "measures"))))
    _replace(draft, _pass(draft, draft.of("targets"),
                          lambda a, b: a.refs.get("indicator") == b.refs.get("indicator")
                          and a.fields.get("value") == b.fields.get("value")))
    _replace(draft, _pass(draft, draft.of("assessments"),
                          lambda a, b: a.refs.get("report") == b.refs.get("report")
                          and subjects(a, "about") == subjects(b, "about")))
