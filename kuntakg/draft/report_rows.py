"""Report texts placed by the table's layout when a scrambled table printed them in the wrong row.

An extraction that scrambles a wide table can print an item's report in a row of its own above the
item, or beside a goal in the row next to it, while the item's own report cell stays empty. Read row by
row, such a report would be about the wrong item (or about nothing), and the item would get an empty
assessment that reads as "not reported". This module looks at two neighbouring rows at a time:

* a report-only row (a report text and no item) whose row above already has its own report (one the
  text does not go on with in lower case), or is no item row, reports on the item row below it when
  that row's report cell is empty;
* a realigned row whose report column took two reports printed in separate cells gives the second one
  to the item row below it when that row's report cell is empty;
* a realigned row with goals but no action (in a table that has an action column) whose report sits
  next to an action row with an empty report cell reports on that action row: the one above if its cell
  is empty, else the one below.

The moved text fills the empty assessment, which gets a DRAFT: note ("report placed by layout").
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Draft, Item
from .realign import continues

NOTE = "report placed by layout: the text stood in line {src} next to this row, whose report cell is " \
       "empty; check which item it reports on"


@dataclass
class ReportRow:
    """What one wide-table row held, as far as its report is concerned."""

    line: int
    has_action: bool  # the row has an action (or promise, pilot) of its own
    goal_only: bool  # the row has goals of its own but no action, and the table has an action column
    realigned: bool  # the row's cells were moved by realign (its alignment is uncertain)
    text: str = ""  # the row's own report text
    assessment: Item | None = None  # the assessment the row's report cell made or extended
    appended: bool = False  # the text was appended to the assessment of the row above (a continuation)
    moved: bool = False  # the text has already been given to another row
    second: str = ""  # a second report printed in a cell of its own in the row (realign.Placement)

    @property
    def report_only(self) -> bool:
        return bool(self.text) and not self.has_action and not self.goal_only

    @property
    def empty(self) -> bool:
        """An action row whose report cell is empty: its assessment reads as not reported."""
        return self.has_action and self.assessment is not None and not self.text \
            and not self.assessment.fields.get("text")


def place(draft: Draft, rows: list[ReportRow], row: ReportRow) -> None:
    """Move a report text between `row` and the rows before it (`rows`, in order) where the layout says
    it belongs; then append `row` to `rows`."""
    above = rows[-1] if rows else None
    before = rows[-2] if len(rows) > 1 else None
    if above is not None and row.empty and above.second and above.assessment is not None and not above.moved:
        _give_second(above, row)
    elif above is not None and row.empty and not above.moved:
        if above.report_only and (before is None or not before.has_action and not before.goal_only
                                  or bool(before.text) and not continues(before.text, above.text)):
            _give(draft, above, row)
        elif above.goal_only and above.realigned and row.realigned and above.text and not _took(above, before):
            _give(draft, above, row)
    if above is not None and row.goal_only and row.realigned and row.text and above.empty and above.realigned:
        _give(draft, row, above)
    rows.append(row)


def _took(row: ReportRow, before: ReportRow | None) -> bool:
    """Whether the row's report was wanted by the row above it (that row's own report cell is empty)."""
    return before is not None and before.empty


def _give_second(source: ReportRow, target: ReportRow) -> None:
    """The second report of `source` goes to `target`, whose own report cell is empty."""
    assert source.assessment is not None and target.assessment is not None
    own = source.assessment.fields.get("text", "")
    if not own.endswith(source.second) or own == source.second:
        return
    rest = own[: len(own) - len(source.second)].strip()
    source.assessment.fields["text"] = source.assessment.label = rest
    source.assessment.source_text = ""
    _fill(target, source.second, source.line)
    source.second = ""


def _fill(target: ReportRow, text: str, line: int) -> None:
    assert target.assessment is not None
    assessment = target.assessment
    assessment.fields["text"] = text
    assessment.label = text
    assessment.source_text = ""  # the text is quoted from another line: cite the lines
    assessment.cite(line)
    assessment.lines.sort()
    assessment.note(NOTE.format(src=line))
    target.text = text


def _give(draft: Draft, source: ReportRow, target: ReportRow) -> None:
    text = source.text
    if source.assessment is not None:
        if source.appended:
            own = source.assessment.fields.get("text", "")
            if own.endswith(text):
                rest = own[: len(own) - len(text)].strip()
                source.assessment.fields["text"] = rest
                source.assessment.label = rest or source.assessment.label
                source.assessment.lines = [n for n in source.assessment.lines if n != source.line]
        else:
            draft.remove(source.assessment)
    _fill(target, text, source.line)
    source.moved = True
