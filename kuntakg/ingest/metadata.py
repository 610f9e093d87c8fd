"""The metadata sheet: its checks, the document's row ids, and the document and plan resources."""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from ..errors import InputError
from ..iris import is_slug
from ..namespaces import KK, LANGUAGE_IRIS
from .cells import Mapper
from .provenance import metadata_sources, source_file_node
from .schema import LANGUAGES, METADATA_FIELDS, PLAN_TYPES, Row

PLAN_CLASSES = {"strategy": KK.Strategy, "programme": KK.Programme,
                "implementation-plan": KK.ImplementationPlan, "plan": KK.Plan}


def check_metadata(m: Mapper) -> None:
    rows = m.tables["metadata"]
    where = rows[0] if rows else None
    for name, (_kind, required, per_lang) in METADATA_FIELDS.items():
        got = m.meta.get(name, [])
        if required and not got:
            file = where.file if where else "metadata.csv"
            m.e.out.errors.append(InputError(file, 0, 0, "field", f"required field '{name}' is missing"))
        if len(got) > 1 and not per_lang:
            m.e.error(got[1], "field", f"field '{name}' is given more than once")
        for row in got:
            if per_lang and row.get("lang") not in LANGUAGES:
                m.e.error(row, "lang", f"'{name}' needs a language: one of {', '.join(LANGUAGES)}")
    if m.doc_id and not is_slug(m.doc_id):
        m.e.error(m.meta["id"][0], "value", f"document id '{m.doc_id}' must be lowercase a-z, 0-9 and '-'")
    if m.town and not re.fullmatch(r"[0-9]{3}", m.town):
        m.e.error(m.meta["municipality"][0], "value", "municipality must be its three-digit code")
    if m.lang and m.lang not in LANGUAGES:
        m.e.error(m.meta["language"][0], "value", f"language must be one of {', '.join(LANGUAGES)}")
    plan_type = m.meta_value("plan_type")
    if plan_type and plan_type not in PLAN_TYPES:
        m.e.error(m.meta["plan_type"][0], "value", f"plan_type must be one of {', '.join(PLAN_TYPES)}")


def register_ids(m: Mapper) -> None:
    for sheet, rows in m.tables.items():
        if sheet in ("metadata", "translations"):
            continue
        for row in rows:
            rid = row.get("id")
            if not is_slug(rid):
                m.e.error(row, "id", f"id '{rid}' must be lowercase a-z, 0-9 and single '-' (e.g. 'goal-1')")
            elif rid in m.ids:
                m.e.error(row, "id", f"id '{rid}' is already used in the {m.ids[rid][0]} sheet")
            else:
                m.ids[rid] = (sheet, m.minter.row(sheet, m.doc_id, m.town, rid))


def map_document(m: Mapper) -> None:
    doc, plan = m.minter.document(m.doc_id), m.minter.plan(m.doc_id)
    town = m.minter.municipality(m.town)
    add, meta = m.e.add, m.meta
    first = meta["id"][0]
    add(doc, RDF.type, KK.PlanDocument, first, "value")
    add(doc, DCTERMS.identifier, Literal(m.doc_id), first, "value")
    add(doc, KK.municipality, town, meta["municipality"][0], "value")
    add(doc, DCTERMS.language, LANGUAGE_IRIS[m.lang], meta["language"][0], "value")
    licence = web_address(m, meta["licence"][0])
    if licence is not None:
        add(doc, DCTERMS.license, licence, meta["licence"][0], "value")
    add(plan, RDF.type, PLAN_CLASSES[m.meta_value("plan_type")], meta["plan_type"][0], "value")
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
            metadata_sources(m, row, subjects)
    if meta.get("issued"):
        m.typed(doc, DCTERMS.issued, meta["issued"][0], "value", XSD.date)
    if meta.get("issuing_body"):
        row = meta["issuing_body"][0]
        body = m.iri_of(row.get("value")) or m.minter.row("organizations", m.doc_id, m.town, row.get("value"))
        add(doc, DCTERMS.publisher, body, row, "value")
    # who signed the document and which body approved it, where printed (ids of people/posts, organisations)
    for name, prop, sheet in (("signed_by", KK.signedBy, "people"), ("approved_by", KK.approvedBy, "organizations")):
        if meta.get(name):
            row = meta[name][0]
            who = m.iri_of(row.get("value")) or m.minter.row(sheet, m.doc_id, m.town, row.get("value"))
            add(doc, prop, who, row, "value")
    source_url = web_address(m, meta["source_url"][0]) if meta.get("source_url") else None
    if source_url is not None:
        add(doc, DCTERMS.source, source_url, meta["source_url"][0], "value")
    source_row = meta["source_file"][0]
    problem = m.sources.problem(m.meta_value("source_file"))
    if problem:
        m.e.error(source_row, "value", problem)
    else:
        add(doc, PROV.wasDerivedFrom, source_file_node(m, m.meta_value("source_file")), source_row, "value")
    period = period_from_meta(m, )
    if period is not None:
        add(doc, DCTERMS.temporal, period)
        add(plan, DCTERMS.temporal, period)


def web_address(m: Mapper, row: Row) -> URIRef | None:
    """The value of an IRI cell, or None after an error. rdflib takes any string as an IRI, but
    its N-Triples writer (for HermiT) and pyoxigraph (publishing) refuse invalid ones, so an
    invalid licence used to pass the shapes and crash a later build stage. The check is
    pyoxigraph's, the strictest of the three. Only web addresses: they become links."""
    value = row.get("value")
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        m.e.error(row, "value", f"'{value}' is not an IRI ({exc})")
        return None
    if not value.startswith(("http://", "https://")):
        m.e.error(row, "value", f"'{value}' is not a web address (http:// or https://)")
        return None
    return URIRef(value)


def period_from_meta(m: Mapper) -> URIRef | None:
    start, end = m.meta.get("period_start", []), m.meta.get("period_end", [])
    if not start and not end:
        return None
    start_row, end_row = (start or end)[0], (end or start)[0]
    return m.period_of((start_row, "value"), (end_row, "value"))
