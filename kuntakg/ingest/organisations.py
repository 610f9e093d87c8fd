"""The organisations, people, posts and memberships sheets."""
from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import FOAF, ORG, RDF, SKOS

from ..namespaces import KK
from .cells import Mapper
from .schema import Row

ORG_CLASSES = {"council": KK.GoverningBody, "executive-board": KK.GoverningBody, "board": KK.GoverningBody,
               "working-group": KK.WorkingGroup, "management-team": KK.WorkingGroup,
               "external": ORG.Organization}
# Organisation types that are part of the town unless the table names another parent.
TOWN_PARTS = {"sector", "centre", "service-area", "responsibility-area", "unit", "council",
              "executive-board", "board", "management-team"}


def map_organizations(m: Mapper, s, row: Row) -> None:
    kind = row.get("type")
    m.e.add(s, RDF.type, ORG_CLASSES.get(kind, ORG.OrganizationalUnit), row, "type")
    m.codes(s, ORG.classification, row, "type")
    m.text(s, SKOS.prefLabel, row, "label")
    if row.get("parent"):
        m.refs(s, ORG.subOrganizationOf, row, "parent")
    elif kind in TOWN_PARTS:
        m.e.add(s, ORG.subOrganizationOf, m.minter.municipality(m.town), row, "parent")
    if kind in TOWN_PARTS:
        m.e.add(s, KK.municipality, m.minter.municipality(m.town), row, "type")


def map_people(m: Mapper, s, row: Row) -> None:
    m.e.add(s, RDF.type, FOAF.Person, row, "id")
    m.e.add(s, FOAF.name, Literal(row.get("name")), row, "name")


def map_posts(m: Mapper, s, row: Row) -> None:
    m.e.add(s, RDF.type, ORG.Post, row, "id")
    m.text(s, SKOS.prefLabel, row, "label")
    m.refs(s, ORG.postIn, row, "organization")
    for person in m.refs(s, ORG.heldBy, row, "holder"):
        m.e.add(person, ORG.holds, s, row, "holder")


def map_memberships(m: Mapper, s, row: Row) -> None:
    m.e.add(s, RDF.type, ORG.Membership, row, "id")
    m.refs(s, ORG.member, row, "person")
    m.refs(s, ORG.organization, row, "organization")
    role = row.get("role")
    if role:
        role_iri = m.minter.role(role)
        m.e.add(s, ORG.role, role_iri, row, "role")
        m.e.add(role_iri, RDF.type, ORG.Role, row, "role")
        m.e.add(role_iri, SKOS.prefLabel, Literal(role, lang=m.lang), row, "role")
