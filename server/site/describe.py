"""What the pages show about a resource: labels, properties, incoming links, provenance.

Every function returns plain data (dicts, lists, :class:`Link`), the same for the HTML page and its
JSON twin.  Links only ever point at our own pages or at http(s) IRIs; any other scheme
(``javascript:``, ``data:``) is shown as text and never becomes an ``href``.
"""
from __future__ import annotations

import urllib.parse
from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app

from kuntakg.iris import Minter
from kuntakg.namespaces import CODE, ONTOLOGY_IRI, PREFIXES

from . import i18n, kg
from .kg import Term

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PREDICATES = [  # in order of preference (after language)
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#notation",
]
KK = ONTOLOGY_IRI + "#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
MAX_VALUES = 500
EMPTY_PROV: dict[str, list] = {"spans": [], "original": [], "by_document": []}


@dataclass
class Link:
    text: str
    href: str | None            # None: shown as text (not http(s), or a literal)
    lang: str | None = None
    iri: str | None = None      # the IRI, for IRIs
    translated: bool = False
    datatype: str | None = None

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}


def base() -> str:
    return current_app.config["LD_BASE"]


def minter() -> Minter:
    """The pipeline's IRI minter under this server's base: every IRI the site names comes from it."""
    return Minter(base())


def local_path(iri: str) -> str | None:
    """Path on this server that resolves ``iri``, or None when the IRI is not ours."""
    b = base()
    for prefix in ("id/", "graph/"):
        if iri.startswith(b + prefix):
            return "/" + iri[len(b):]
    if iri.startswith(str(CODE)):
        return "/code/" + iri[len(str(CODE)):]
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    return None


def iri_for_path(path: str) -> str:
    """Inverse of :func:`local_path` for ``id/…``, ``graph/…``, ``code/…``."""
    if path.startswith("code/"):
        return str(CODE) + path[len("code/"):]
    return str(minter().at(path))


def page_href(iri: str) -> str | None:
    """Where a link to ``iri`` goes: our page for it, else the IRI itself if http(s), else nowhere."""
    path = local_path(iri)
    if path is not None:
        return urllib.parse.quote(path, safe="/-_.~%")
    if iri.startswith(KK) or iri.startswith(ONTOLOGY_IRI + "/"):
        return "/resource?" + urllib.parse.urlencode({"iri": iri})
    scheme = urllib.parse.urlsplit(iri).scheme.lower()
    if scheme in ("http", "https"):
        return iri
    return None


def curie(iri: str) -> str:
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            if best is None or len(ns) > len(PREFIXES[best]):
                best = prefix
    if best:
        return best + ":" + iri[len(PREFIXES[best]):]
    return iri


def labels(iris, language: str | None = None) -> dict[str, i18n.Label]:
    """Best label of each IRI (see :mod:`server.i18n` for the fallback order)."""
    iris = sorted({i for i in iris if i})
    out: dict[str, i18n.Label] = {}
    if not iris:
        return out
    tr_prefix = str(minter().translation_graph(""))
    cands: dict[str, list] = {}
    for chunk in range(0, len(iris), 400):
        vals = kg.values(iris[chunk:chunk + 400])
        if not vals:
            continue
        # one pattern per predicate, not a second VALUES block: Oxigraph joins two VALUES blocks with a
        # scan of every quad (1.5 s a chunk at 1 M quads, against 9 ms)
        rows = kg.select("SELECT ?s ?p ?l ?g WHERE { VALUES ?s { %s } GRAPH ?g { %s } FILTER(isLiteral(?l)) }"
                         % (vals, " UNION ".join("{ ?s <%s> ?l BIND(<%s> AS ?p) }" % (p, p) for p in LABEL_PREDICATES)))
        for r in rows:
            cands.setdefault(r["s"].value, []).append(r)
    for iri, rows in cands.items():
        best = i18n.pick(((r["l"].value, r["l"].lang, r["g"].value.startswith(tr_prefix),
                           LABEL_PREDICATES.index(r["p"].value)) for r in rows), language)
        if best is not None:
            out[iri] = best
    return out


def fallback_text(iri: str) -> str:
    c = curie(iri)
    if c != iri:
        return c
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail or iri


def link(term: Term, names: dict[str, i18n.Label]) -> Link:
    if term.kind == "uri":
        lab = names.get(term.value)
        if lab:
            return Link(lab.text, page_href(term.value), lab.lang, term.value, lab.translated)
        return Link(fallback_text(term.value), page_href(term.value), None, term.value)
    if term.kind == "bnode":
        return Link("_:" + term.value, None)
    return Link(term.value, None, term.lang, None, False,
                curie(term.datatype) if term.datatype else None)


def exists(iri: str) -> bool:
    """The IRI is used in the data: as subject, object or name of a graph."""
    return kg.ask("ASK { { <%s> ?p ?o } UNION { ?s ?p <%s> } UNION { GRAPH <%s> { ?s ?p ?o } } }"
                  % (kg.check_iri(iri), iri, iri))


def describe(iri: str) -> dict:
    """Everything the resource page shows (and its JSON twin holds)."""
    kg.check_iri(iri)
    tr_prefix = str(minter().translation_graph(""))
    out_rows = kg.select("SELECT DISTINCT ?p ?o ?g WHERE { GRAPH ?g { <%s> ?p ?o } } LIMIT %d"
                         % (iri, MAX_VALUES * 4))
    in_rows = kg.select("SELECT DISTINCT ?s ?p WHERE { ?s ?p <%s> } ORDER BY ?p ?s LIMIT %d" % (iri, MAX_VALUES))
    iris = {iri} | {r["p"].value for r in out_rows} | {r["o"].value for r in out_rows if r["o"].is_iri}
    iris |= {r["s"].value for r in in_rows if r["s"].is_iri} | {r["p"].value for r in in_rows}
    names = labels(iris)
    inferred_graph = str(minter().graph("inferred"))

    props: dict[str, dict[str, Any]] = {}
    types: list[dict[str, Any]] = []
    seen = set()
    for r in out_rows:
        p, o = r["p"].value, r["o"]
        key = (p, o)
        inferred = r["g"].value == inferred_graph
        if key in seen:
            continue
        seen.add(key)
        lk = link(o, names)
        if o.kind == "literal" and r["g"].value.startswith(tr_prefix):
            lk.translated = True
        if p == RDF_TYPE:
            types.append({"link": lk, "inferred": inferred})
            continue
        entry = props.setdefault(p, {"predicate": link(Term("uri", p), names), "values": []})
        entry["values"].append(lk)
    # asserted types first; within each, by label
    types.sort(key=lambda t: (t["inferred"], t["link"].text))
    for entry in props.values():
        entry["values"].sort(key=lambda v: (i18n.rank(v.lang), v.text))
    properties = sorted(props.values(), key=lambda e: (e["predicate"].iri not in PRIORITY, PRIORITY.get(
        e["predicate"].iri, 99), e["predicate"].text.lower()))

    incoming: dict[str, dict] = {}
    for r in in_rows:
        p = r["p"].value
        entry = incoming.setdefault(p, {"predicate": link(Term("uri", p), names), "subjects": []})
        entry["subjects"].append(link(r["s"], names))

    label = names.get(iri)
    graph_size = kg.count("GRAPH <%s> { ?s ?p ?o }" % iri) if iri.startswith(str(minter().graph(""))) else 0
    return {
        "graph_triples": graph_size,
        "iri": iri,
        "label": label,
        "title": label.text if label else fallback_text(iri),
        "types": types,
        "properties": properties,
        "incoming": sorted(incoming.values(), key=lambda e: e["predicate"].text.lower()),
        "provenance": provenance([iri]).get(iri, EMPTY_PROV),
    }


PRIORITY = {p: i for i, p in enumerate([
    "http://www.w3.org/2004/02/skos/core#prefLabel", KK + "sourceText", "http://purl.org/dc/terms/title",
    KK + "goalLevel", KK + "status", KK + "contributesTo", KK + "strategicTheme", KK + "inPlan",
    KK + "hasIndicator", KK + "hasTarget", KK + "targetValue", KK + "unit", KK + "comparison",
    KK + "responsible", KK + "forOrganization", PROV_DERIVED, "http://www.w3.org/2004/02/skos/core#editorialNote",
])}


def provenance(iris) -> dict[str, dict]:
    """For each item: its source spans ("document title, lines a–b") and its original wording."""
    vals = kg.values(iris)
    out: dict[str, dict] = {i: {"spans": [], "original": [], "by_document": []} for i in iris}
    if not vals:
        return out
    rows = kg.select("""SELECT ?x ?span ?start ?end ?file ?doc ?label WHERE {
      VALUES ?x { %s }
      ?x prov:wasDerivedFrom ?span . ?span a kk:SourceSpan ; kk:lineStart ?start ; kk:lineEnd ?end .
      OPTIONAL { ?span kk:sourceFile ?file . OPTIONAL { ?doc prov:wasDerivedFrom ?file ; a kk:PlanDocument } }
      OPTIONAL { ?span rdfs:label ?label }
    } ORDER BY ?x ?start ?end""" % vals)
    docs = labels({r["doc"].value for r in rows if "doc" in r})
    for r in rows:
        start, end = int(r["start"].value), int(r["end"].value)
        doc = r.get("doc")
        dl = docs.get(doc.value) if doc else None
        span = {
            "span": r["span"].value, "href": page_href(r["span"].value), "start": start, "end": end,
            "lines": "%d" % start if start == end else "%d–%d" % (start, end),
            "file_label": r["label"].value if "label" in r else None,
            "document": doc.value if doc else None,
            "document_href": page_href(doc.value) if doc else None,
            "document_title": dl.text if dl else None, "document_lang": dl.lang if dl else None,
        }
        if span not in out[r["x"].value]["spans"]:
            out[r["x"].value]["spans"].append(span)
    for entry in out.values():  # spans grouped by document: "From <title>, lines 7, 95"
        groups: dict = {}
        for span in entry["spans"]:
            grp = groups.setdefault(span["document"], {
                "document": span["document"], "document_href": span["document_href"],
                "document_title": span["document_title"], "document_lang": span["document_lang"], "spans": []})
            grp["spans"].append(span)
        entry["by_document"] = list(groups.values())
    for r in kg.select("SELECT ?x ?t WHERE { VALUES ?x { %s } ?x kk:sourceText ?t }" % vals):
        out[r["x"].value]["original"].append({"text": r["t"].value, "lang": r["t"].lang})
    return out
