"""Minting of instance IRIs: every rule for what an IRI looks like lives here.

IRIs are built from source identifiers only (municipality code, document id, row id), never from
row order, labels or blank nodes, so they are stable across builds and edits of the wording.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from rdflib import URIRef

from .namespaces import DEFAULT_BASE

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Each kind of document-scoped resource and the URL segment it lives under.
DOC_KINDS = {
    "themes": "theme", "goals": "goal", "actions": "action", "promises": "promise",
    "indicators": "indicator", "targets": "target", "reports": "report", "assessments": "assessment",
    "roadmaps": "roadmap", "milestones": "milestone", "memberships": "membership",
}
# Organisations, posts and people belong to the municipality: documents of one town share them.
TOWN_KINDS = {"organizations": "org", "posts": "post", "people": "person"}
# URL segments of IRIs that belong to one document: the id/<segment>/<doc id>/… IRIs (and id/doc/<doc id>)
DOCUMENT_SEGMENTS = (*DOC_KINDS.values(), "doc", "plan", "tag", "indicator-link")


def slugify(text: str) -> str:
    """'Anna-Liisa Koivisto' -> 'anna-liisa-koivisto' (ä→a, ö→o, å→a; no dots)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text))


class Minter:
    """Mints IRIs under one configurable base."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith("/") else base + "/"

    def _iri(self, *segments: str) -> URIRef:
        return URIRef(self.base + "/".join(segments))

    def municipality(self, code: str) -> URIRef:
        return self._iri("id", "municipality", code)

    def document(self, doc_id: str) -> URIRef:
        return self._iri("id", "doc", doc_id)

    def plan(self, doc_id: str) -> URIRef:
        return self._iri("id", "plan", doc_id)

    def source_file(self, doc_id: str, file_name: str) -> URIRef:
        return self._iri("id", "doc", doc_id, "source", slugify(file_name))

    def source_span(self, doc_id: str, file_name: str, first: int, last: int) -> URIRef:
        return self._iri("id", "doc", doc_id, "source", slugify(file_name), f"l{first}-{last}")

    def row(self, sheet: str, doc_id: str, town: str, row_id: str) -> URIRef:
        if sheet in TOWN_KINDS:
            return self._iri("id", TOWN_KINDS[sheet], town, row_id)
        return self._iri("id", DOC_KINDS[sheet], doc_id, row_id)

    def role(self, label: str) -> URIRef:
        return self._iri("id", "role", slugify(label))

    def period(self, start: str, end: str) -> URIRef:
        return self._iri("id", "period", start if start == end else f"{start}--{end}")

    def instant(self, day: str) -> URIRef:
        return self._iri("id", "instant", day)

    # Reference data and the project's own links (issue 7): counties, change events, concept schemes.
    def county(self, code: str) -> URIRef:
        return self._iri("id", "county", code)

    def change_event(self, event_id: str) -> URIRef:
        return self._iri("id", "change-event", event_id)

    def organisation(self, town: str, org_id: str) -> URIRef:
        return self.row("organizations", "", town, org_id)

    def scheme(self, name: str) -> URIRef:
        """A concept scheme of the project: themes, lape (LAPE components), indicators."""
        return self._iri("id", "scheme", name)

    def concept(self, scheme: str, concept_id: str) -> URIRef:
        return self._iri("id", "scheme", scheme, concept_id)

    def agent(self, name: str) -> URIRef:
        return self._iri("id", "agent", name)

    def theme_tag(self, doc_id: str, row_id: str, theme: str) -> URIRef:
        return self._iri("id", "tag", doc_id, row_id, theme)

    def indicator_link(self, doc_id: str, row_id: str) -> URIRef:
        return self._iri("id", "indicator-link", doc_id, row_id)

    def graph(self, name: str) -> URIRef:
        return self._iri("graph", name)

    def shared_graph(self, iri: URIRef) -> URIRef | None:
        """The named graph for statements about a resource that several documents share, or None.

        Organisations, posts and people belong to a town (graph town/<code>); periods, instants
        and roles are minted from values (graph common). Keeping them out of the document graphs
        means no triple is in two graphs, so counts over the union default graph are not doubled."""
        text = str(iri)
        if not text.startswith(self.base + "id/"):
            return None
        kind, _, rest = text[len(self.base) + 3:].partition("/")
        if kind in TOWN_KINDS.values():
            return self.graph(f"town/{rest.split('/', 1)[0]}")
        if kind in ("period", "instant", "role"):
            return self.graph("common")
        return None

    def document_graph(self, doc_id: str) -> URIRef:
        return self.graph(doc_id)

    def translation_graph(self, doc_id: str) -> URIRef:
        return self.graph(f"translations/{doc_id}")

    def owner(self, iri: str, documents: Container[str]) -> str | None:
        """The document (one of `documents`) that an IRI belongs to: its items, its source lines, its
        theme tags and indicator links, its own and its translations' graph; None for everything else
        (a town's organisation and people, concepts, periods, the corpus's graphs, other IRIs)."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base):]
        if rest.startswith("id/"):
            kind, _, tail = rest[3:].partition("/")
            doc = tail.split("/", 1)[0] if kind in DOCUMENT_SEGMENTS else None
        elif rest.startswith("graph/"):
            doc = rest[6:].removeprefix("translations/")
        else:
            return None
        return doc if doc in documents else None

    def void(self) -> URIRef:
        """The dataset description (VoID + DCAT); its nodes are hash IRIs of it (``…/void#dataset``)."""
        return self._iri(".well-known", "void")

    def at(self, path: str) -> URIRef:
        """``<base><path>``: the IRI that a server of this base resolves at ``/<path>``."""
        return URIRef(self.base + path.lstrip("/"))
