"""Blueprint ``resources``: every IRI under the base resolves here, with content negotiation.

The persistent base ``https://w3id.org/kuntakg/`` redirects to this server with the path kept
(``deploy/w3id/.htaccess``), so ``<base>id/goal/d/g1`` is served at ``/id/goal/d/g1``, and likewise
``<base>graph/…``, the code lists ``…/code/<scheme>/<notation>`` at ``/code/…`` and the ontology
``…/ontology`` at ``/ontology``.

Policy (the same on every IRI): **direct content negotiation, no redirect.**  The IRI itself answers
``200`` with the representation chosen from ``Accept`` — HTML (default, also for ``*/*``), Turtle,
N-Triples, JSON-LD, RDF/XML, or the page's JSON twin for ``application/json`` — with
``Vary: Accept``, ``Content-Location`` naming the file-extension URL of what was sent, and a
``Link: rel="alternate"`` header per format.  The extension URLs (``.html``, ``.json``, ``.ttl``,
``.nt``, ``.jsonld``, ``.rdf``) never depend on headers.  Unknown IRIs get 404, an unknown
extension 404, an Accept nothing matches 406.  Hash IRIs of the ontology (``…/ontology#Goal``)
resolve to the ontology document, as hash IRIs do; ``/resource?iri=…`` shows any IRI's page.
"""
from __future__ import annotations

import urllib.parse

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from kuntakg.namespaces import ONTOLOGY_IRI, PREFIXES

from ..response import PAGE_VARY, RDF_FORMATS, choose, error, finish, page, rdf, twin_urls
from . import describe, i18n, kg, ontodoc, overview

bp = Blueprint("resources", __name__)

OFFERS = ["html", "ttl", "nt", "jsonld", "rdf", "json"]
KK = ONTOLOGY_IRI + "#"


def _split(rest: str) -> tuple[str, str | None]:
    """'goal/d/g1.ttl' -> ('goal/d/g1', 'ttl'); slugs never hold a dot, so a dot starts a suffix."""
    head, _, last = rest.rpartition("/")
    if "." in last:
        name, _, fmt = last.rpartition(".")
        return (head + "/" + name if head else name), fmt
    return rest, None


@bp.get("/id/<path:rest>")
def by_id(rest: str):
    return _resolve("id/", rest)


@bp.get("/graph/<path:rest>")
def by_graph(rest: str):
    return _resolve("graph/", rest)


@bp.get("/code/<path:rest>")
def by_code(rest: str):
    return _resolve("code/", rest)


@bp.get("/resource")
@bp.get("/resource.<fmt>")
def any_iri(fmt: str | None = None):
    iri = request.args.get("iri", "")
    if not iri:
        return error(400, "give the IRI as ?iri=")
    kg.check_iri(iri)
    stem = "/resource"
    alternates = {f: "%s.%s?%s" % (stem, f, urllib.parse.urlencode({"iri": iri})) for f in OFFERS}
    return _answer(iri, fmt, alternates)


def _resolve(prefix: str, rest: str):
    name, fmt = _split(rest)
    iri = describe.iri_for_path(prefix + name)
    stem = "/" + prefix + urllib.parse.quote(name, safe="/-_~")
    return _answer(iri, fmt, twin_urls(stem, OFFERS))


def _answer(iri: str, fmt: str | None, alternates: dict[str, str]) -> Response:
    kg.check_iri(iri)
    if fmt is not None and fmt not in OFFERS:
        abort(404)
    if not describe.exists(iri):
        return error(404, "%s: %s" % (i18n.t("not_found"), iri), "json" if fmt not in (None, "html") else None)
    fmt = choose(fmt, OFFERS)
    location = alternates[fmt]
    if fmt in RDF_FORMATS:
        body = rdf_body("CONSTRUCT { <%s> ?p ?o } WHERE { <%s> ?p ?o }" % (iri, iri), fmt)
        return rdf(body, fmt, alternates, location)
    data = describe.describe(iri)
    types = {t["link"].iri for t in data["types"]}
    template = "resource.html"
    if KK + "Municipality" in types:
        data["municipality"] = overview.municipality(iri)
        template = "municipality.html"
    elif KK + "PlanDocument" in types:
        data["document"] = overview.document(iri)
        template = "document.html"
    return page(template, data, fmt, alternates, location=location)


def rdf_body(construct: str, fmt: str) -> bytes:
    """A CONSTRUCT's result in ``fmt``; Turtle and RDF/XML sorted and with the project's prefixes."""
    if fmt not in ("ttl", "rdf"):
        return kg.construct(construct, rdf_media(fmt))
    nt = kg.construct(construct, "application/n-triples")
    triples = sorted(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    out_fmt = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.RDF_XML
    return ox.serialize(triples, format=out_fmt, prefixes=PREFIXES) or b""


def rdf_media(fmt: str) -> str:
    return {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
            "rdf": "application/rdf+xml"}[fmt]


# ------------------------------------------------------------------ the ontology

ONTOLOGY_GRAPH_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }"


def ontology_graph_iri() -> str:
    return str(describe.minter().graph("ontology"))


@bp.get("/ontology")
@bp.get("/ontology.<fmt>")
def ontology(fmt: str | None = None):
    """The ontology (with its code lists and alignments) in every RDF format; HTML is the pyLODE
    documentation in the page's language (``/ontology/<lang>.html`` names one language)."""
    offers = ["html", "ttl", "nt", "jsonld", "rdf"]
    if fmt is not None and fmt not in offers:
        abort(404)
    alternates = twin_urls("/ontology", offers)
    fmt = choose(fmt, offers)
    if fmt == "html":
        return ontology_html(i18n.lang())
    body = rdf_body(ONTOLOGY_GRAPH_QUERY % ontology_graph_iri(), fmt)
    return rdf(body, fmt, alternates, alternates[fmt])


@bp.get("/ontology/<language>.html")
def ontology_html(language: str):
    if language not in i18n.languages():
        abort(404)
    html = ontodoc.render(language, kg.construct(ONTOLOGY_GRAPH_QUERY % ontology_graph_iri(), "application/n-triples"))
    alternates = twin_urls("/ontology", ["ttl", "nt", "jsonld", "rdf"])
    resp = Response(html, 200, content_type="text/html; charset=utf-8")
    resp.headers["Content-Language"] = language
    return finish(resp, alternates, "/ontology/%s.html" % language, PAGE_VARY)
