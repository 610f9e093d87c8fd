"""Rows of the import format -> RDF: one function per sheet, in one order, all through one Emitter.

The sheets' mappings live in one module per family (metadata, organisations, elements, metrics,
followup, translations); cells.py holds the mapping's state and the cell readers they share.
"""
from __future__ import annotations

from collections.abc import Callable

from rdflib import URIRef

from ..iris import Minter
from ..status import StatusRule
from .cells import Mapper
from .elements import map_actions, map_goals, map_milestones, map_promises, map_roadmaps, map_themes
from .followup import map_assessments, map_reports
from .metadata import check_metadata, map_document, register_ids
from .metrics import map_indicators, map_targets
from .organisations import map_memberships, map_organizations, map_people, map_posts
from .provenance import provenance
from .result import DocumentRDF
from .schema import Row
from .sources import SourceTexts
from .translations import map_translation

SheetMapping = Callable[[Mapper, URIRef, Row], None]

# In mapping order: a row may refer to rows of any sheet (ids are registered first), but the
# origins of shared nodes (periods, instants) are those of the first row that makes them.
SHEET_MAPPINGS: dict[str, SheetMapping] = {
    "organizations": map_organizations, "people": map_people, "posts": map_posts,
    "memberships": map_memberships, "themes": map_themes, "goals": map_goals, "actions": map_actions,
    "promises": map_promises, "indicators": map_indicators, "targets": map_targets, "reports": map_reports,
    "assessments": map_assessments, "roadmaps": map_roadmaps, "milestones": map_milestones,
}


def map_tables(tables: dict[str, list[Row]], minter: Minter, sources: SourceTexts, status_rules: list[StatusRule],
               known_docs: dict[str, dict[str, URIRef]] | None = None) -> DocumentRDF:
    """The RDF of one document's tables. Errors are collected in the result, never raised."""
    m = Mapper(tables, minter, sources, status_rules, known_docs)
    check_metadata(m)
    if m.out.errors:
        return m.out
    register_ids(m)
    map_document(m)
    for sheet, mapping in SHEET_MAPPINGS.items():
        for row in tables.get(sheet, []):
            subject = m.iri_of(row.get("id"))
            if subject is None:
                continue
            provenance(m, subject, row)
            mapping(m, subject, row)
    for row in tables.get("translations", []):
        map_translation(m, row)
    return m.out
