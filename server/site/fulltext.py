"""The stemmed search index of ``/search`` (:mod:`kuntakg.search`), built once per app from the store.

One query down the one road (:mod:`.kg`, the site's time limit and bounds) reads every label and
every original wording (``kk:sourceText``) with the item's source span; the index is then kept in
``app.extensions`` and searched in memory, so a search costs no store query beyond the labels and
types of the (at most ``SEARCH_LIMIT``) results.  The graph is read-only, so the index never goes stale.
"""
from __future__ import annotations

import threading

from flask import current_app

from kuntakg.search import Hit, Index, build

from . import kg

KEY = "kuntakg_search_index"
_LOCK = threading.Lock()
LABELS = "skos:prefLabel rdfs:label foaf:name dcterms:title skos:altLabel"


def index() -> Index:
    cached = current_app.extensions.get(KEY)
    if cached is not None:
        return cached
    with _LOCK:
        cached = current_app.extensions.get(KEY)
        if cached is None:
            cached = current_app.extensions[KEY] = build(_hits())
    return cached


def _hits() -> list[Hit]:
    rows = kg.select("""# kuntakg: search index
    SELECT ?s ?p ?l (SAMPLE(?src) AS ?source) WHERE {
      VALUES ?p { %s kk:sourceText }
      ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l))
      OPTIONAL { ?s prov:wasDerivedFrom ?span . ?span kk:lineStart ?from ; kk:lineEnd ?to ;
                 kk:sourceFile/dcterms:identifier ?file .
                 BIND(CONCAT(STR(?file), ":", STR(?from), IF(?from = ?to, "", CONCAT("-", STR(?to)))) AS ?src) }
    } GROUP BY ?s ?p ?l ORDER BY ?s ?p ?l""" % LABELS)
    return [Hit(item=r["s"].value, field="text" if r["p"].value.endswith("#sourceText") else "label",
                text=r["l"].value, language=r["l"].lang, source=r["source"].value if "source" in r else None)
            for r in rows]
