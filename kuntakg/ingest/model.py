"""Rows of the import format -> RDF: one function per sheet, all through one Emitter.

The Emitter remembers, for every triple it writes, the table row and column it came from, so that a
SHACL result about (focus node, path) can be reported as file:row:column of the source table.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, TIME, XSD

from ..errors import InputError
from ..iris import Minter, is_slug
from ..namespaces import KK, LANGUAGE_IRIS, code
from ..status import Rule, classify
from .schema import LANGUAGES, METADATA_FIELDS, PLAN_TYPES, SHEETS_BY_NAME, Row
from .sources import SourceTexts, normalise, parse_span, sha256

PLAN_CLASSES = {"strategy": KK.Strategy, "programme": KK.Programme,
                "implementation-plan": KK.ImplementationPlan, "plan": KK.Plan}
ORG_CLASSES = {"council": KK.GoverningBody, "executive-board": KK.GoverningBody, "board": KK.GoverningBody,
               "working-group": KK.WorkingGroup, "management-team": KK.WorkingGroup,
               "external": ORG.Organization}
# Organisation types that are part of the town unless the table names another parent.
TOWN_PARTS = {"sector", "centre", "service-area", "responsibility-area", "unit", "council",
              "executive-board", "board", "management-team"}
TOWN = "municipality"  # in an organisation column: the town itself, not one of its units
YEAR = re.compile(r"^\d{4}$", re.ASCII)  # ASCII: '\d' would also take Arabic-Indic and other digits
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@dataclass
class Origin:
    row: Row
    column: str


@dataclass
class DocumentRDF:
    """What the mapping of one document produced."""

    doc_id: str
    town: str
    language: str
    graph: Graph
    translations: Graph
    origins: dict[tuple, Origin] = field(default_factory=dict)  # (s, p) or (s,) -> Origin
    translators: set[str] = field(default_factory=set)
    errors: list[InputError] = field(default_factory=list)

    def origin(self, subject, path=None) -> Origin | None:
        return self.origins.get((subject, path)) or self.origins.get((subject,))


class Emitter:
    def __init__(self, out: DocumentRDF, minter: Minter):
        self.out = out
        self.minter = minter

    def add(self, s, p, o, row: Row | None = None, column: str = "") -> None:
        self.out.graph.add((s, p, o))
        if row is not None:
            self.out.origins.setdefault((s, p), Origin(row, column))
            self.out.origins.setdefault((s,), Origin(row, "id"))
            if isinstance(o, URIRef):
                self.out.origins.setdefault((o, ("^", p)), Origin(row, column))

    def error(self, row: Row, column: str, message: str) -> None:
        col = row.columns.get(column, 0)
        self.out.errors.append(InputError(row.file, row.number, col, column, message))


class DocumentMapper:
    """Maps the tables of one document folder to its named graph."""

    def __init__(self, tables: dict[str, list[Row]], minter: Minter, sources: SourceTexts,
                 rules: list[Rule], known_docs: dict[str, dict[str, URIRef]] | None = None):
        self.tables = tables
        self.minter = minter
        self.sources = sources
        self.rules = rules
        self.known_docs = known_docs or {}
        self.meta: dict[str, list[Row]] = {}
        self.ids: dict[str, tuple[str, URIRef]] = {}

    # -- entry point -------------------------------------------------------------------------
    def map(self) -> DocumentRDF:
        for row in self.tables.get("metadata", []):
            self.meta.setdefault(row.get("field"), []).append(row)
        doc_id, town, lang = self._meta_value("id"), self._meta_value("municipality"), self._meta_value("language")
        self.doc_id, self.town, self.lang = doc_id, town, lang
        out = DocumentRDF(doc_id, town, lang, Graph(), Graph())
        self.e = Emitter(out, self.minter)
        self._check_metadata()
        if out.errors:
            return out
        self._register_ids()
        self._map_document()
        for sheet in ("organizations", "people", "posts", "memberships", "themes", "goals", "actions",
                      "promises", "indicators", "targets", "reports", "assessments", "roadmaps",
                      "milestones"):
            mapper = getattr(self, f"_map_{sheet}")
            for row in self.tables.get(sheet, []):
                subject = self.ids[row.get("id")][1] if row.get("id") in self.ids else None
                if subject is None:
                    continue
                self._provenance(subject, row)
                mapper(subject, row)
        for row in self.tables.get("translations", []):
            self._map_translation(row)
        return out

    # -- metadata and ids --------------------------------------------------------------------
    def _meta_value(self, name: str) -> str:
        rows = self.meta.get(name, [])
        return rows[0].get("value") if rows else ""

    def _check_metadata(self) -> None:
        rows = self.tables["metadata"]
        where = rows[0] if rows else None
        for name, (kind, required, per_lang) in METADATA_FIELDS.items():
            got = self.meta.get(name, [])
            if required and not got:
                file = where.file if where else "metadata.csv"
                self.e.out.errors.append(InputError(file, 0, 0, "field", f"required field '{name}' is missing"))
            if len(got) > 1 and not per_lang:
                self.e.error(got[1], "field", f"field '{name}' is given more than once")
            for row in got:
                if per_lang and row.get("lang") not in LANGUAGES:
                    self.e.error(row, "lang", f"'{name}' needs a language: one of {', '.join(LANGUAGES)}")
        if self.doc_id and not is_slug(self.doc_id):
            self.e.error(self.meta["id"][0], "value", f"document id '{self.doc_id}' must be lowercase a-z, 0-9 and '-'")
        if self.town and not re.fullmatch(r"[0-9]{3}", self.town):
            self.e.error(self.meta["municipality"][0], "value", "municipality must be its three-digit code")
        if self.lang and self.lang not in LANGUAGES:
            self.e.error(self.meta["language"][0], "value", f"language must be one of {', '.join(LANGUAGES)}")
        plan_type = self._meta_value("plan_type")
        if plan_type and plan_type not in PLAN_TYPES:
            self.e.error(self.meta["plan_type"][0], "value", f"plan_type must be one of {', '.join(PLAN_TYPES)}")

    def _register_ids(self) -> None:
        for sheet, rows in self.tables.items():
            if sheet in ("metadata", "translations"):
                continue
            for row in rows:
                rid = row.get("id")
                if not is_slug(rid):
                    self.e.error(row, "id", f"id '{rid}' must be lowercase a-z, 0-9 and single '-' (e.g. 'goal-1')")
                elif rid in self.ids:
                    self.e.error(row, "id", f"id '{rid}' is already used in the {self.ids[rid][0]} sheet")
                else:
                    self.ids[rid] = (sheet, self.minter.row(sheet, self.doc_id, self.town, rid))

    def iri_of(self, rid: str) -> URIRef | None:
        return self.ids[rid][1] if rid in self.ids else None

    # -- cells -------------------------------------------------------------------------------
    def _text(self, s, p, row: Row, column: str, lang: str | None = None) -> None:
        for value in (row.get_many(column) if SHEETS_BY_NAME[row.sheet].column(column).many else [row.get(column)]):
            if value:
                self.e.add(s, p, Literal(value, lang=lang or self.lang), row, column)

    def _resolve(self, row: Row, column: str) -> list[URIRef]:
        """Ids in a REF column as IRIs. An unknown id still becomes an IRI (of the first sheet the
        column may point into), so that the shapes report it as a dangling reference."""
        col = SHEETS_BY_NAME[row.sheet].column(column)
        values = row.get_many(column) if col.many else ([row.get(column)] if row.get(column) else [])
        iris = []
        for rid in values:
            if rid == TOWN and "organizations" in col.refs:
                iris.append(self.minter.municipality(self.town))
                continue
            if rid in self.ids and self.ids[rid][0] not in col.refs:
                self.e.error(row, column, f"'{rid}' is a row of the {self.ids[rid][0]} sheet; "
                             f"this column takes ids from: {', '.join(col.refs)}")
                continue
            iris.append(self.iri_of(rid) or self.minter.row(col.refs[0], self.doc_id, self.town, rid))
        return iris

    def _refs(self, s, p, row: Row, column: str) -> list[URIRef]:
        iris = self._resolve(row, column)
        for iri in iris:
            self.e.add(s, p, iri, row, column)
        return iris

    def _code(self, s, p, row: Row, column: str) -> None:
        scheme = SHEETS_BY_NAME[row.sheet].column(column).scheme
        for value in row.get_many(column):
            self.e.add(s, p, code(scheme, value), row, column)

    def _typed(self, s, p, row: Row, column: str, datatype) -> None:
        if row.get(column):
            self.e.add(s, p, Literal(row.get(column), datatype=datatype), row, column)

    def _period(self, row: Row, start_col: str, end_col: str) -> URIRef | None:
        return self._period_of((row, start_col), (row, end_col))

    def _period_of(self, start_cell: tuple[Row, str], end_cell: tuple[Row, str]) -> URIRef | None:
        """The period between two cells (row, column) holding YYYY or YYYY-MM-DD; either may be empty."""
        start, end = start_cell[0].get(start_cell[1]), end_cell[0].get(end_cell[1])
        if not start and not end:
            return None
        for (row, column), value in ((start_cell, start), (end_cell, end)):
            if value and not (YEAR.match(value) or DAY.match(value)):
                self.e.error(row, column, f"'{value}' is not a year (YYYY) or a day (YYYY-MM-DD)")
                return None
            if value and not _calendar_day(_day(value, first=True)):
                self.e.error(row, column, f"'{value}' is not a day of the calendar (years 0001-9999)")
                return None
        start, end = start or end, end or start
        first, last = _day(start, first=True), _day(end, first=False)
        if first > last:
            self.e.error(end_cell[0], end_cell[1], f"period ends ({end}) before it starts ({start})")
            return None
        period = self.minter.period(start, end)
        # The period's own triples remember the start cell, so that a shape violation about the
        # period or its instants is still reported at a cell, not by IRI.
        row, column = start_cell if start_cell[0].get(start_cell[1]) else end_cell

        def add(s, p, o):
            self.e.add(s, p, o, row, column)
        add(period, RDF.type, TIME.ProperInterval)
        add(period, RDFS.label, Literal(start if start == end else f"{start} – {end}"))
        if start == end and YEAR.match(start):
            add(period, KK.year, Literal(start, datatype=XSD.gYear))
        for prop, day in ((TIME.hasBeginning, first), (TIME.hasEnd, last)):
            instant = self.minter.instant(day)
            add(period, prop, instant)
            add(instant, RDF.type, TIME.Instant)
            add(instant, TIME.inXSDDate, Literal(day, datatype=XSD.date))
        return period

    # -- provenance --------------------------------------------------------------------------
    def _provenance(self, subject: URIRef, row: Row) -> None:
        texts = []
        for raw in row.get_many("source"):
            span = parse_span(raw)
            if span is None:
                self.e.error(row, "source", f"'{raw}' is not 'file:first-last' (e.g. 'plan.txt:42-46')")
                continue
            problem = self.sources.check(span)
            if problem:
                self.e.error(row, "source", problem)
                continue
            texts.append(self.sources.text(span))
            self.e.add(subject, PROV.wasDerivedFrom, self._span(span), row, "source")
        quoted = row.get("source_text")
        if quoted and texts and normalise(quoted) not in normalise("\n".join(texts)):
            self.e.error(row, "source_text", "the quoted source text does not occur in the cited lines "
                         f"({row.get('source')})")
        source_text = quoted or "\n".join(texts)
        if source_text:
            self.e.add(subject, KK.sourceText, Literal(source_text, lang=self.lang), row, "source_text")
        self.e.add(subject, KK.importRow, Literal(f"{Path(row.file).name}#row={row.number}"), row, "id")
        if row.get("note"):
            self.e.add(subject, SKOS.editorialNote, Literal(row.get("note"), lang="en"), row, "note")

    def _span(self, span) -> URIRef:
        node = self.minter.source_span(self.doc_id, span.file, span.first, span.last)
        add = self.e.add
        add(node, RDF.type, KK.SourceSpan)
        add(node, KK.sourceFile, self._source_file(span.file))
        add(node, KK.lineStart, Literal(span.first, datatype=XSD.positiveInteger))
        add(node, KK.lineEnd, Literal(span.last, datatype=XSD.positiveInteger))
        add(node, RDFS.label, Literal(f"{span.file}, lines {span.first}–{span.last}"
                                      if span.first != span.last else f"{span.file}, line {span.first}"))
        return node

    def _source_file(self, file: str) -> URIRef:
        node = self.minter.source_file(self.doc_id, file)
        if (node, RDF.type, KK.SourceFile) not in self.e.out.graph:
            add = self.e.add
            add(node, RDF.type, KK.SourceFile)
            add(node, DCTERMS.identifier, Literal(file))
            add(node, KK.sha256, Literal(sha256(self.sources.path(file))))
        return node

    # -- the document ------------------------------------------------------------------------
    def _map_document(self) -> None:
        doc, plan = self.minter.document(self.doc_id), self.minter.plan(self.doc_id)
        town = self.minter.municipality(self.town)
        add, meta = self.e.add, self.meta
        first = meta["id"][0]
        add(doc, RDF.type, KK.PlanDocument, first, "value")
        add(doc, DCTERMS.identifier, Literal(self.doc_id), first, "value")
        add(doc, KK.municipality, town, meta["municipality"][0], "value")
        add(doc, DCTERMS.language, LANGUAGE_IRIS[self.lang], meta["language"][0], "value")
        licence = self._web_address(meta["licence"][0])
        if licence is not None:
            add(doc, DCTERMS.license, licence, meta["licence"][0], "value")
        add(plan, RDF.type, PLAN_CLASSES[self._meta_value("plan_type")], meta["plan_type"][0], "value")
        add(plan, KK.documentedIn, doc, first, "value")
        add(plan, KK.municipality, town, meta["municipality"][0], "value")
        for row in meta.get("title", []):
            add(doc, DCTERMS.title, Literal(row.get("value"), lang=row.get("lang")), row, "value")
            add(plan, SKOS.prefLabel, Literal(row.get("value"), lang=row.get("lang")), row, "value")
        for row in meta.get("description", []):
            add(doc, DCTERMS.description, Literal(row.get("value"), lang=row.get("lang")), row, "value")
        for row in meta.get("situation", []):
            add(plan, KK.situation, Literal(row.get("value"), lang=row.get("lang")), row, "value")
        for name, rows in meta.items():
            subjects = {"title": (doc, plan), "situation": (plan,)}.get(name, (doc,))
            for row in rows:
                self._metadata_sources(row, subjects)
        if meta.get("issued"):
            self._typed(doc, DCTERMS.issued, meta["issued"][0], "value", XSD.date)
        if meta.get("issuing_body"):
            row = meta["issuing_body"][0]
            body = self.iri_of(row.get("value")) or self.minter.row("organizations", self.doc_id, self.town, row.get("value"))
            add(doc, DCTERMS.publisher, body, row, "value")
        source_url = self._web_address(meta["source_url"][0]) if meta.get("source_url") else None
        if source_url is not None:
            add(doc, DCTERMS.source, source_url, meta["source_url"][0], "value")
        source_row = meta["source_file"][0]
        if self.sources.path(self._meta_value("source_file")).is_file():
            add(doc, PROV.wasDerivedFrom, self._source_file(self._meta_value("source_file")), source_row, "value")
        else:
            self.e.error(source_row, "value", f"source file '{self._meta_value('source_file')}' not found in {self.sources.folder}")
        period = self._period_from_meta()
        if period is not None:
            add(doc, DCTERMS.temporal, period)
            add(plan, DCTERMS.temporal, period)

    def _web_address(self, row: Row) -> URIRef | None:
        """The value of an IRI cell, or None after an error. rdflib takes any string as an IRI, but
        its N-Triples writer (for HermiT) and pyoxigraph (publishing) refuse invalid ones, so an
        invalid licence used to pass the shapes and crash a later build stage. The check is
        pyoxigraph's, the strictest of the three. Only web addresses: they become links."""
        value = row.get("value")
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            self.e.error(row, "value", f"'{value}' is not an IRI ({exc})")
            return None
        if not value.startswith(("http://", "https://")):
            self.e.error(row, "value", f"'{value}' is not a web address (http:// or https://)")
            return None
        return URIRef(value)

    def _metadata_sources(self, row: Row, subjects: tuple) -> None:
        for raw in row.get_many("source"):
            span = parse_span(raw)
            problem = self.sources.check(span) if span else f"'{raw}' is not 'file:first-last'"
            if problem:
                self.e.error(row, "source", problem)
                continue
            for subject in subjects:
                self.e.add(subject, PROV.wasDerivedFrom, self._span(span), row, "source")

    def _period_from_meta(self) -> URIRef | None:
        start, end = self.meta.get("period_start", []), self.meta.get("period_end", [])
        if not start and not end:
            return None
        start_row, end_row = (start or end)[0], (end or start)[0]
        return self._period_of((start_row, "value"), (end_row, "value"))

    # -- organisations and people ------------------------------------------------------------
    def _map_organizations(self, s, row: Row) -> None:
        kind = row.get("type")
        self.e.add(s, RDF.type, ORG_CLASSES.get(kind, ORG.OrganizationalUnit), row, "type")
        self._code(s, ORG.classification, row, "type")
        self._text(s, SKOS.prefLabel, row, "label")
        if row.get("parent"):
            self._refs(s, ORG.subOrganizationOf, row, "parent")
        elif kind in TOWN_PARTS:
            self.e.add(s, ORG.subOrganizationOf, self.minter.municipality(self.town), row, "parent")
        if kind in TOWN_PARTS:
            self.e.add(s, KK.municipality, self.minter.municipality(self.town), row, "type")

    def _map_people(self, s, row: Row) -> None:
        self.e.add(s, RDF.type, FOAF.Person, row, "id")
        self.e.add(s, FOAF.name, Literal(row.get("name")), row, "name")

    def _map_posts(self, s, row: Row) -> None:
        self.e.add(s, RDF.type, ORG.Post, row, "id")
        self._text(s, SKOS.prefLabel, row, "label")
        self._refs(s, ORG.postIn, row, "organization")
        for person in self._refs(s, ORG.heldBy, row, "holder"):
            self.e.add(person, ORG.holds, s, row, "holder")

    def _map_memberships(self, s, row: Row) -> None:
        self.e.add(s, RDF.type, ORG.Membership, row, "id")
        self._refs(s, ORG.member, row, "person")
        self._refs(s, ORG.organization, row, "organization")
        role = row.get("role")
        if role:
            role_iri = self.minter.role(role)
            self.e.add(s, ORG.role, role_iri, row, "role")
            self.e.add(role_iri, RDF.type, ORG.Role, row, "role")
            self.e.add(role_iri, SKOS.prefLabel, Literal(role, lang=self.lang), row, "role")

    # -- plan elements -----------------------------------------------------------------------
    def _element(self, s, row: Row, cls) -> None:
        self.e.add(s, RDF.type, cls, row, "id")
        self.e.add(s, KK.inPlan, self.minter.plan(self.doc_id), row, "id")
        self._text(s, SKOS.prefLabel, row, "label")
        cols = row.columns
        if "alt_labels" in cols:
            self._text(s, SKOS.altLabel, row, "alt_labels")
        if "description" in cols:
            self._text(s, DCTERMS.description, row, "description")
        for column, prop in (("contributes_to", KK.contributesTo), ("theme", KK.strategicTheme),
                             ("organization", KK.forOrganization), ("responsible", KK.responsible)):
            if column in cols:
                self._refs(s, prop, row, column)
        if "period_start" in cols:
            period = self._period(row, "period_start", "period_end")
            if period is not None:
                self.e.add(s, DCTERMS.temporal, period, row, "period_start")
        for ref in row.get_many("continues") if "continues" in cols else []:
            self._continues(s, row, ref)

    def _continues(self, s, row: Row, ref: str) -> None:
        doc_id, _, rid = ref.partition("/")
        target = self.known_docs.get(doc_id, {}).get(rid)
        if target is None:
            self.e.error(row, "continues", f"'{ref}' is not '<doc-id>/<row-id>' of a known document")
        else:
            self.e.add(s, KK.continues, target, row, "continues")

    def _map_themes(self, s, row: Row) -> None:
        self.e.add(s, RDF.type, KK.StrategicTheme, row, "id")
        self.e.add(s, KK.inPlan, self.minter.plan(self.doc_id), row, "id")
        self._text(s, SKOS.prefLabel, row, "label")
        self._text(s, DCTERMS.description, row, "description")
        self._refs(s, SKOS.broader, row, "parent")

    def _map_goals(self, s, row: Row) -> None:
        self._element(s, row, KK.Goal)
        self._code(s, KK.goalLevel, row, "level")

    def _map_actions(self, s, row: Row) -> None:
        self._element(s, row, KK.Pilot if row.get("kind") == "pilot" else KK.Action)
        self._code(s, KK.pilotOutcome, row, "outcome")

    def _map_promises(self, s, row: Row) -> None:
        self._element(s, row, KK.ServicePromise)

    def _map_roadmaps(self, s, row: Row) -> None:
        self.e.add(s, RDF.type, KK.Roadmap, row, "id")
        self.e.add(s, KK.inPlan, self.minter.plan(self.doc_id), row, "id")
        self._text(s, SKOS.prefLabel, row, "label")
        self._text(s, DCTERMS.description, row, "description")

    def _map_milestones(self, s, row: Row) -> None:
        self._element(s, row, KK.Milestone)
        self._refs(s, KK.inRoadmap, row, "roadmap")
        self._refs(s, KK.strategicTheme, row, "theme")
        period = self._period(row, "year", "year")
        if period is not None:
            self.e.add(s, KK.targetPeriod, period, row, "year")

    # -- metrics -----------------------------------------------------------------------------
    def _map_indicators(self, s, row: Row) -> None:
        self.e.add(s, RDF.type, KK.Indicator, row, "id")
        self._text(s, SKOS.prefLabel, row, "label")
        self._text(s, DCTERMS.description, row, "description")
        elements = self._resolve(row, "measures")
        if not elements and row.get("measures"):
            return
        for element in elements:
            self.e.add(element, KK.hasIndicator, s, row, "measures")

    def _map_targets(self, s, row: Row) -> None:
        add = self.e.add
        add(s, RDF.type, KK.Target, row, "id")
        for indicator in self._resolve(row, "indicator"):
            add(indicator, KK.hasTarget, s, row, "indicator")
        self._typed(s, KK.targetValue, row, "value", XSD.decimal)
        self._typed(s, KK.baselineValue, row, "baseline_value", XSD.decimal)
        self._code(s, KK.unit, row, "unit")
        self._code(s, KK.comparison, row, "comparison")
        for prop, start, end in ((KK.baselinePeriod, "baseline_start", "baseline_end"),
                                 (KK.targetPeriod, "target_start", "target_end")):
            period = self._period(row, start, end)
            if period is not None:
                add(s, prop, period, row, start)
        self._text(s, KK.nonNumericTarget, row, "non_numeric")

    # -- follow-up ---------------------------------------------------------------------------
    def _map_reports(self, s, row: Row) -> None:
        add = self.e.add
        add(s, RDF.type, KK.ProgressReport, row, "id")
        self._text(s, DCTERMS.title, row, "title")
        self._typed(s, DCTERMS.issued, row, "issued", XSD.date)
        add(s, KK.reportsOn, self.minter.plan(self.doc_id), row, "id")
        add(s, DCTERMS.isPartOf, self.minter.document(self.doc_id), row, "id")
        period = self._period(row, "period_start", "period_end")
        if period is not None:
            add(s, KK.reportingPeriod, period, row, "period_start")

    def _map_assessments(self, s, row: Row) -> None:
        add = self.e.add
        add(s, RDF.type, KK.StatusAssessment, row, "id")
        self._refs(s, KK.inReport, row, "report")
        self._refs(s, KK.about, row, "about")
        self._text(s, KK.statusText, row, "text")
        found = classify(row.get("text"), self.lang, self.rules)
        if row.get("status"):
            self._code(s, KK.status, row, "status")
            add(s, KK.statusDerivation, code("status-derivation", "override"), row, "status")
        elif found.status:
            add(s, KK.status, code("status", found.status), row, "text")
            add(s, KK.statusDerivation, code("status-derivation", "rule"), row, "text")
        else:
            self.e.error(row, "status", "no cue-word rule classifies this text; set the status by hand")
        if row.get("reason"):
            self._code(s, KK.reason, row, "reason")
        else:
            for reason in found.reasons:
                add(s, KK.reason, code("reason", reason), row, "text")
        if row.get("date"):
            self._typed(s, DCTERMS.date, row, "date", XSD.date)
        else:
            self._report_date(s, row)

    def _report_date(self, s, row: Row) -> None:
        report_id = row.get("report")
        report_row = next((r for r in self.tables.get("reports", []) if r.get("id") == report_id), None)
        if report_row is None:
            return
        day = report_row.get("issued") or report_row.get("period_end")
        if not _calendar_day(_day(day, first=True)):
            return  # the report's own row is reported for it; the assessment just gets no date
        if DAY.match(day):
            self.e.add(s, DCTERMS.date, Literal(day, datatype=XSD.date), row, "date")
        elif YEAR.match(day):
            self.e.add(s, DCTERMS.date, Literal(f"{day}-12-31", datatype=XSD.date), row, "date")

    # -- translations ------------------------------------------------------------------------
    def _map_translation(self, row: Row) -> None:
        subject = self.iri_of(row.get("subject"))
        col = row.columns.get("subject", 0)
        if subject is None:
            self.e.out.errors.append(InputError(row.file, row.number, col, "subject",
                                                f"no row with id '{row.get('subject')}' to translate"))
            return
        if row.get("lang") == self.lang:
            self.e.error(row, "lang", f"'{row.get('lang')}' is the document's own language: a translation "
                         "must be into another language")
            return
        if row.get("lang") not in LANGUAGES:
            self.e.error(row, "lang", f"language must be one of {', '.join(LANGUAGES)}")
            return
        prop = SKOS.prefLabel if row.get("field") == "label" else DCTERMS.description
        self.e.out.translations.add((subject, prop, Literal(row.get("text"), lang=row.get("lang"))))
        self.e.out.translators.add(row.get("translator"))


def _calendar_day(day: str) -> bool:
    """Whether YYYY-MM-DD is a real day (not 2020-02-30, not year 0000)."""
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def _day(value: str, first: bool) -> str:
    if DAY.match(value):
        return value
    return f"{value}-01-01" if first else f"{value}-12-31"
