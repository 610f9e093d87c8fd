"""HTML documentation of the ontology with pyLODE (pinned 3.3.4, ``ontpub`` profile), one page per language.

pyLODE runs every language's labels together in one heading, so each language gets its own document:
the ontology graph is filtered to literals in that language (and untagged ones) before rendering.
Pages are rendered on first request and cached per (language, ontology content).
"""
from __future__ import annotations

import hashlib
import html as htmlmod
import re
import threading

_cache: dict[tuple[str, str], str] = {}
_lock = threading.Lock()
NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}


def filtered_graph(nt: bytes, language: str):
    from rdflib import Graph, Literal

    src = Graph().parse(data=nt, format="nt")
    g = Graph()
    for prefix, ns in src.namespaces():
        g.bind(prefix, ns)
    g.bind("kk", "https://w3id.org/kuntakg/ontology#")
    for s, p, o in src:
        if isinstance(o, Literal) and o.language and o.language.split("-")[0] != language:
            continue
        g.add((s, p, o))
    return g


def render(language: str, nt: bytes) -> str:
    key = (language, hashlib.sha256(nt).hexdigest())
    with _lock:
        if key in _cache:
            return _cache[key]
        from pylode import OntPub

        page = OntPub(filtered_graph(nt, language)).make_html()
        page = _decorate(page, language)
        _cache[key] = page
        return page


def _decorate(page: str, language: str) -> str:
    page = re.sub(r"<html[^>]*>", '<html lang="%s">' % language, page, count=1)
    links = " · ".join(
        ('<a href="/ontology/%s.html" lang="%s"%s>%s</a>' % (
            code, code, ' aria-current="page"' if code == language else "", htmlmod.escape(name)))
        for code, name in NAMES.items())
    nav = ('<nav aria-label="Kunta-KG" style="padding:.5em 1em;background:#f3f3f3;border-bottom:1px solid #ccc">'
           '<a href="/">Kunta-KG</a> · %s · <a href="/ontology.ttl">Turtle</a> · '
           '<a href="/ontology.rdf">RDF/XML</a> · <a href="/ontology.jsonld">JSON-LD</a> · '
           '<a href="/ontology.nt">N-Triples</a> · <a href="/.well-known/void">VoID/DCAT</a></nav>') % links
    return re.sub(r"(<body[^>]*>)", r"\1" + nav.replace("\\", "\\\\"), page, count=1)
