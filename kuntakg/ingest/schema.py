"""The import format: which sheets a document folder has and what each column holds.

This module is the single source of truth for the format; docs/import-format.md describes it for
people and tests check that the two agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds: how a cell is read and checked.
ID, TEXT, REF, XREF, CODE, ENUM, DECIMAL, PERIOD, DATE, SOURCE, LANG, IRI = (
    "id", "text", "ref", "xref", "code", "enum", "decimal", "period", "date", "source", "lang", "iri",
)
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    doc: str
    required: bool = False
    many: bool = False
    refs: tuple[str, ...] = ()  # sheets an id may point into (REF)
    scheme: str = ""  # code list (CODE) by its scheme name in ontology/schemes.ttl
    values: tuple[str, ...] = ()  # allowed values (ENUM)


@dataclass(frozen=True)
class Sheet:
    name: str
    doc: str
    columns: tuple[Column, ...]
    content: bool = True  # content sheets carry id/source/source_text/note

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.all_columns if c.name == name)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        if not self.content:
            return self.columns
        return (_ID, *self.columns, *_PROVENANCE)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Headers that must be present (a column may be present and empty unless required)."""
        return tuple(c.name for c in self.all_columns if c.required)


_ID = Column("id", ID, "Identifier of the row, unique in the document: lowercase a-z, 0-9 and '-' "
             "(e.g. 'op-2018-1'). It becomes the last segment of the resource IRI, so never change it.",
             required=True)
_PROVENANCE = (
    Column("source", SOURCE, "Where the row comes from in the original: 'file:first-last' lines "
           "(e.g. '003_5e7cafe1eadd7847.txt:42-46'); several spans separated by ';'.",
           required=True, many=True),
    Column("source_text", TEXT, "The original wording, verbatim (damage included). Leave empty to take "
           "the cited lines verbatim from the source file; when given it must occur in those lines."),
    Column("note", TEXT, "Editorial note in English: repairs of extraction damage, ambiguities, "
           "interpretations."),
)

_ELEMENTS = ("goals", "actions", "promises", "themes", "milestones", "roadmaps")
_RESPONSIBLE = ("posts", "people", "organizations")
_PERIOD_START = Column("period_start", PERIOD, "First year (YYYY) or day (YYYY-MM-DD) of the period.")
_PERIOD_END = Column("period_end", PERIOD, "Last year (YYYY) or day (YYYY-MM-DD) of the period.")


def _label(what: str) -> Column:
    return Column("label", TEXT, f"The {what} in the document's language, cleaned of extraction "
                  "damage (hyphenation, obvious misspellings).", required=True)


def _element_columns(what: str) -> tuple[Column, ...]:
    return (
        _label(what),
        Column("alt_labels", TEXT, "Other wordings of the same item in the document.", many=True),
        Column("description", TEXT, "Longer text that belongs to the item."),
        Column("contributes_to", REF, "Ids of the higher goals or actions this one serves (the cascade), as the "
               "document states it: in words, or by its own structure (a heading over its bullets).",
               many=True, refs=("goals", "actions", "promises", "milestones")),
        Column("contributes_to_by_content", REF, "Ids of higher items this one serves by the project's reading: "
               "the document does not state the link, its layout places the items together and their wording "
               "pairs them (say why in note).", many=True, refs=("goals", "actions", "promises", "milestones")),
        Column("contributes_to_by_layout", REF, "Ids of higher items the layout alone places this one under "
               "(e.g. every item of the previous column in the same page-table); not a stated link.",
               many=True, refs=("goals", "actions", "promises", "milestones")),
        Column("theme", REF, "Ids of the spearheads (themes sheet) it is grouped under.", many=True,
               refs=("themes",)),
        Column("organization", REF, "Ids of the organisations whose item this is (one item may be "
               "placed under several, e.g. a centre and one of its areas); 'municipality' = the town itself.",
               many=True, refs=("organizations",)),
        Column("responsible", REF, "Ids of the posts, people or organisations named responsible.",
               many=True, refs=_RESPONSIBLE),
        _PERIOD_START,
        _PERIOD_END,
        Column("continues", XREF, "Items of earlier documents this continues, as '<doc-id>/<row-id>'.",
               many=True),
        Column("no_successor_in", TEXT, "Ids of later documents reviewed for a continuation of this item in which "
               "none was found (say what was compared in note).", many=True),
    )


METADATA_FIELDS: dict[str, tuple[str, bool, bool]] = {
    # field: (kind, required, may repeat per language)
    "id": (ID, True, False),
    "title": (TEXT, True, True),
    "description": (TEXT, False, True),
    "situation": (TEXT, False, True),
    "municipality": (TEXT, True, False),
    "language": (LANG, True, False),
    "plan_type": (ENUM, True, False),
    "issuing_body": (REF, False, False),
    "signed_by": (REF, False, False),
    "approved_by": (REF, False, False),
    "issued": (DATE, False, False),
    "period_start": (PERIOD, False, False),
    "period_end": (PERIOD, False, False),
    "source_file": (TEXT, True, False),
    "original_file": (TEXT, False, False),  # the town's own file a draft was made from (kuntakg draft)
    "original_sha256": (TEXT, False, False),
    "source_url": (IRI, False, False),
    "licence": (IRI, True, False),
}
PLAN_TYPES = ("strategy", "programme", "implementation-plan", "plan")

SHEETS: tuple[Sheet, ...] = (
    Sheet("metadata", "Key-value description of the document: one field per row.", (
        Column("field", ENUM, "The field name.", required=True, values=tuple(METADATA_FIELDS)),
        Column("lang", LANG, "Language of a text value (fi, sv, en), for title/description/situation."),
        Column("value", TEXT, "The value.", required=True),
        Column("source", SOURCE, "Where the value is stated in the original, if it is.", many=True),
    ), content=False),
    Sheet("organizations", "Organisations the document names: sectors, centres, units, boards, groups.", (
        Column("type", CODE, "Organisation type.", required=True, scheme="org-type"),
        _label("name of the organisation"),
        Column("parent", REF, "Id of the organisation it belongs to; empty = the municipality.",
               refs=("organizations",)),
    )),
    Sheet("people", "People named in the document (names only, as printed).", (
        Column("name", TEXT, "Full name as printed.", required=True),
    )),
    Sheet("posts", "Posts (offices) named in the document and who holds them.", (
        _label("title of the post"),
        Column("organization", REF, "Id of the organisation the post is in.", refs=("organizations",)),
        Column("holder", REF, "Id of the person who holds the post.", refs=("people",)),
    )),
    Sheet("memberships", "Membership of people in organisations or working groups.", (
        Column("person", REF, "Id of the person.", required=True, refs=("people",)),
        Column("organization", REF, "Id of the organisation or group.", required=True,
               refs=("organizations",)),
        Column("role", TEXT, "Role in the group as printed (e.g. 'puheenjohtaja')."),
    )),
    Sheet("themes", "Spearheads, strategic priorities or strategy headings.", (
        _label("spearhead"),
        Column("description", TEXT, "Longer text of the spearhead."),
        Column("parent", REF, "Id of a broader spearhead, if nested.", refs=("themes",)),
    )),
    Sheet("goals", "Goals at every level, with their cascade.", (
        Column("level", CODE, "Goal level.", required=True, scheme="goal-level"),
        *_element_columns("goal"),
    )),
    Sheet("actions", "Actions, means and pilots.", (
        Column("kind", ENUM, "'action' or 'pilot'.", values=("action", "pilot")),
        *_element_columns("action"),
        Column("outcome", CODE, "For pilots: what became of it.", scheme="pilot-outcome"),
    )),
    Sheet("promises", "Service promises.", _element_columns("service promise")),
    Sheet("indicators", "Metrics and follow-up measures.", (
        _label("metric"),
        Column("measures", REF, "Ids of the goals, actions or promises it follows up.", required=True,
               many=True, refs=("goals", "actions", "promises", "milestones")),
        Column("description", TEXT, "Longer text (e.g. how or how often it is measured)."),
        Column("kind", CODE, "What the metric measures: 'activity-performed' when it only records that the "
               "activity was carried out ('Toteutunut toiminta', 'Verksamhet som genomförs'), 'result' for a "
               "measured quantity or result; empty = not classified.", scheme="indicator-kind"),
    )),
    Sheet("targets", "Targets set for metrics: numbers parsed from the wording, or a non-numeric wording.", (
        Column("indicator", REF, "Id of the metric.", required=True, refs=("indicators",)),
        Column("value", DECIMAL, "Target value as a number ('.' decimal point). Empty if not numeric."),
        Column("unit", CODE, "Unit of value and baseline.", scheme="unit"),
        Column("comparison", CODE, "How value reads against the baseline ('approximately' for 'noin', 'ungefär').",
               scheme="comparison"),
        Column("per", CODE, "The period the value is given per, for a rate ('1 % vuodessa': year).",
               scheme="rate-period"),
        Column("baseline_value", DECIMAL, "Baseline value, if stated."),
        Column("baseline_start", PERIOD, "Baseline period start (YYYY or YYYY-MM-DD)."),
        Column("baseline_end", PERIOD, "Baseline period end."),
        Column("target_start", PERIOD, "Target period start."),
        Column("target_end", PERIOD, "Target period end."),
        Column("non_numeric", TEXT, "The target's wording when it has no unambiguous number."),
    )),
    Sheet("reports", "Progress or interim reports on the plan.", (
        Column("title", TEXT, "Title as printed (e.g. 'TOTEUMA 1-6 2020').", required=True),
        Column("issued", DATE, "Date of the report (YYYY-MM-DD), if known."),
        _PERIOD_START,
        _PERIOD_END,
    )),
    Sheet("assessments", "What a report says about each goal or action.", (
        Column("report", REF, "Id of the report.", required=True, refs=("reports",)),
        Column("about", REF, "Id of the goal, action or promise assessed.", required=True, many=True,
               refs=("goals", "actions", "promises", "milestones")),
        Column("text", TEXT, "The report's text, cleaned of extraction damage; empty when the report "
               "says nothing about the item (classified not-reported)."),
        Column("status", CODE, "The reviewed status (the graph records 'rule' when the cue-word rules read the "
               "same, 'override' when this reading overrules them); empty = classified by the rules alone.",
               scheme="status"),
        Column("reason", CODE, "Stated reason(s) for the status.", many=True, scheme="reason"),
        Column("date", DATE, "Date of the assessment; empty = the report's end date."),
        Column("section", REF, "Ids of the organisations whose section (table) of the report prints this text "
               "(a report that repeats an item in the centre's and in each area's table: one row per section "
               "text, each naming its section).", many=True, refs=("organizations",)),
        Column("table_goal", REF, "Id of the goal heading the table the text is printed in, when the report "
               "prints the item under several goals' tables.", refs=("goals",)),
    )),
    Sheet("roadmaps", "Roadmap tables.", (
        _label("roadmap"),
        Column("description", TEXT, "Longer text of the roadmap."),
    )),
    Sheet("milestones", "Cells of a roadmap: what is expected by a year.", (
        Column("roadmap", REF, "Id of the roadmap.", required=True, refs=("roadmaps",)),
        Column("theme", REF, "Id of the roadmap row (a spearhead in the themes sheet).", refs=("themes",)),
        Column("year", PERIOD, "Year of the milestone (YYYY).", required=True),
        _label("milestone"),
        Column("contributes_to", REF, "Ids of goals the milestone serves.", many=True,
               refs=("goals", "actions")),
    )),
    Sheet("translations", "Labels in languages the source did not use; kept apart from source text.", (
        Column("id", ID, "Identifier of the translation row.", required=True),
        Column("subject", REF, "Id of the translated row.", required=True,
               refs=("organizations", "posts", "themes", *_ELEMENTS, "indicators", "reports")),
        Column("field", ENUM, "Which text is translated.", required=True, values=("label", "description")),
        Column("lang", LANG, "Language of the translation.", required=True),
        Column("text", TEXT, "The translation.", required=True),
        Column("translator", TEXT, "Who translated (person or 'Kunta-KG project').", required=True),
    ), content=False),
)

SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
LANGUAGES = ("fi", "sv", "en")


@dataclass
class Row:
    """One row of an import table, with where it came from for error messages."""

    sheet: str
    file: str  # path shown in messages (CSV path, or 'book.xlsx[sheet]')
    number: int  # 1-based; the header is row 1
    cells: dict[str, str] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)  # column name -> 1-based position

    def get(self, name: str) -> str:
        return self.cells.get(name, "").strip()

    def get_many(self, name: str) -> list[str]:
        return [v.strip() for v in self.get(name).split(LIST_SEPARATOR) if v.strip()]
