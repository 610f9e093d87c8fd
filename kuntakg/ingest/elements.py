"""Plan elements: the themes, goals, actions, promises, roadmaps and milestones sheets."""
from __future__ import annotations

import re

from rdflib.namespace import DCTERMS, RDF, SKOS

from ..namespaces import KK
from .cells import Mapper
from .schema import Row

DOC_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def element(m: Mapper, s, row: Row, cls) -> None:
    m.e.add(s, RDF.type, cls, row, "id")
    m.e.add(s, KK.inPlan, m.minter.plan(m.doc_id), row, "id")
    m.text(s, SKOS.prefLabel, row, "label")
    cols = row.columns
    if "alt_labels" in cols:
        m.text(s, SKOS.altLabel, row, "alt_labels")
    if "description" in cols:
        m.text(s, DCTERMS.description, row, "description")
    for column, prop in (("contributes_to", KK.contributesTo), ("contributes_to_by_content", KK.contributesToByContent),
                         ("contributes_to_by_layout", KK.contributesToByLayout), ("theme", KK.strategicTheme),
                         ("organization", KK.forOrganization), ("responsible", KK.responsible)):
        if column in cols:
            m.refs(s, prop, row, column)
    if "period_start" in cols:
        period = m.period(row, "period_start", "period_end")
        if period is not None:
            m.e.add(s, DCTERMS.temporal, period, row, "period_start")
    for ref in row.get_many("continues") if "continues" in cols else []:
        continues(m, s, row, ref)
    for doc_id in row.get_many("no_successor_in") if "no_successor_in" in cols else []:
        if DOC_ID.fullmatch(doc_id):
            m.e.add(s, KK.noSuccessorIn, m.minter.plan(doc_id), row, "no_successor_in")
        else:
            m.e.error(row, "no_successor_in", f"'{doc_id}' is not a document id (lowercase a-z, 0-9 and '-')")


def continues(m: Mapper, s, row: Row, ref: str) -> None:
    doc_id, _, rid = ref.partition("/")
    target = m.known_docs.get(doc_id, {}).get(rid)
    if target is None:
        m.e.error(row, "continues", f"'{ref}' is not '<doc-id>/<row-id>' of a known document")
    else:
        m.e.add(s, KK.continues, target, row, "continues")


def map_themes(m: Mapper, s, row: Row) -> None:
    m.e.add(s, RDF.type, KK.StrategicTheme, row, "id")
    m.e.add(s, KK.inPlan, m.minter.plan(m.doc_id), row, "id")
    m.text(s, SKOS.prefLabel, row, "label")
    m.text(s, DCTERMS.description, row, "description")
    m.refs(s, SKOS.broader, row, "parent")


def map_goals(m: Mapper, s, row: Row) -> None:
    element(m, s, row, KK.Goal)
    m.codes(s, KK.goalLevel, row, "level")


def map_actions(m: Mapper, s, row: Row) -> None:
    element(m, s, row, KK.Pilot if row.get("kind") == "pilot" else KK.Action)
    m.codes(s, KK.pilotOutcome, row, "outcome")


def map_promises(m: Mapper, s, row: Row) -> None:
    element(m, s, row, KK.ServicePromise)


def map_roadmaps(m: Mapper, s, row: Row) -> None:
    m.e.add(s, RDF.type, KK.Roadmap, row, "id")
    m.e.add(s, KK.inPlan, m.minter.plan(m.doc_id), row, "id")
    m.text(s, SKOS.prefLabel, row, "label")
    m.text(s, DCTERMS.description, row, "description")


def map_milestones(m: Mapper, s, row: Row) -> None:
    element(m, s, row, KK.Milestone)
    m.refs(s, KK.inRoadmap, row, "roadmap")
    m.refs(s, KK.strategicTheme, row, "theme")
    period = m.period(row, "year", "year")
    if period is not None:
        m.e.add(s, KK.targetPeriod, period, row, "year")
