"""Data of the vocabulary guide (``/guide``): the diagram, the code lists, the towns, the worked questions.

The diagram is drawn from the ontology by the build (``kuntakg/guide.py``: ``guide-<lang>.svg`` in the
dist folder); the code lists and the town table are read from the store (the code lists from the
ontology graph, so they are the ones the data was validated against); the worked questions come from
``kuntakg.guide_questions``, the same text the tests run.
"""
from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from kuntakg.guide import LANGUAGES
from kuntakg.guide_questions import QUESTIONS

from . import dataset, kg
from .describe import base, labels, link
from .kg import Term

TEXT = {
    "title": {"fi": "Sanaston opas", "sv": "Vokabulärguide", "en": "Vocabulary guide"},
    "intro": {"fi": "Yksi sivu tutkijalle: pääluokat ja niiden linkit, koodistot, kunnat ja kymmenen "
                    "esimerkkikyselyä, jotka ajetaan testeissä oikeaa dataa vasten.",
              "sv": "En sida för forskaren: huvudklasserna och länkarna mellan dem, kodlistorna, kommunerna och "
                    "tio exempelfrågor som körs mot de riktiga data i testerna.",
              "en": "One page for researchers: the main classes and their links, the code lists, the towns and "
                    "ten worked questions that the tests run against the real data."},
    "diagram": {"fi": "Pääluokat ja linkit", "sv": "Huvudklasser och länkar", "en": "Main classes and links"},
    "diagram_note": {
        "fi": "Piirretty ontologiasta: nuoli jokaisesta ominaisuudesta, jonka rdfs:domain ja rdfs:range ovat "
              "kuvassa; katkoviiva ja ontto kärki: rdfs:subClassOf; ylhäältä tuleva nuoli: ominaisuus ilman "
              "määrittelyjoukkoa (käytössä monella luokalla). Tavoite –kk:contributesTo→ tavoite on silmukka "
              "kk:PlanElementissä, koska tavoitteet ja toimenpiteet ovat suunnitelman osia.",
        "sv": "Ritad ur ontologin: en pil för varje egenskap vars rdfs:domain och rdfs:range finns i bilden; "
              "streckad med ihålig spets: rdfs:subClassOf; pil uppifrån: egenskap utan domän (används på "
              "flera klasser). Mål –kk:contributesTo→ mål är slingan på kk:PlanElement, eftersom mål och "
              "åtgärder är plandelar.",
        "en": "Drawn from the ontology: an arrow for every property whose rdfs:domain and rdfs:range are in "
              "the picture; dashed with a hollow head: rdfs:subClassOf; an arrow from above: a property "
              "without a domain (used on several classes). Goal –kk:contributesTo→ goal is the loop on "
              "kk:PlanElement, because goals and actions are plan elements."},
    "no_diagram": {"fi": "Kaavio syntyy buildissa (kuntakg build); tällä palvelimella sitä ei ole.",
                   "sv": "Diagrammet skapas av bygget (kuntakg build); den här servern har det inte.",
                   "en": "The diagram is made by the build (kuntakg build); this server has none."},
    "code_lists": {"fi": "Koodistot", "sv": "Kodlistor", "en": "Code lists"},
    "notation": {"fi": "Koodi", "sv": "Kod", "en": "Code"},
    "concept": {"fi": "Käsite", "sv": "Begrepp", "en": "Concept"},
    "towns": {"fi": "Kunnat", "sv": "Kommuner", "en": "Towns"},
    "code": {"fi": "Kuntanumero", "sv": "Kommunnummer", "en": "Code"},
    "documents": {"fi": "Asiakirjat", "sv": "Dokument", "en": "Documents"},
    "questions": {"fi": "Kymmenen esimerkkikysymystä", "sv": "Tio exempelfrågor", "en": "Ten worked questions"},
    "run": {"fi": "Aja (CSV)", "sv": "Kör (CSV)", "en": "Run (CSV)"},
    "prefixes_note": {"fi": "Jokaisessa kyselyssä on omat PREFIX-rivinsä, joten sen voi liittää sellaisenaan "
                            "osoitteeseen /query tai lähettää /sparql-päätepisteeseen.",
                      "sv": "Varje fråga har sina egna PREFIX-rader och kan klistras in i /query eller skickas "
                            "till /sparql som den är.",
                      "en": "Every query carries its own PREFIX lines, so it can be pasted into /query or sent "
                            "to /sparql as it is."},
}


def text(key: str, lang: str) -> str:
    return TEXT[key].get(lang) or TEXT[key]["en"]


def diagram_file(lang: str) -> Path | None:
    """The build's diagram in ``lang`` (``guide-<lang>.svg`` in the dist folder), if there is one."""
    folder = dataset.dist_dir()
    if folder is None or lang not in LANGUAGES:
        return None
    path = folder / f"guide-{lang}.svg"
    return path if path.is_file() else None


def code_lists(lang: str) -> list[dict[str, Any]]:
    """The SKOS schemes under ``<base>code/`` with their concepts (notation, label) in ``lang``."""
    prefix = base() + "code/"
    rows = kg.select("""SELECT DISTINCT ?scheme ?concept ?notation WHERE {
      ?scheme a skos:ConceptScheme . FILTER(STRSTARTS(STR(?scheme), %s))
      ?concept skos:inScheme ?scheme . OPTIONAL { ?concept skos:notation ?notation } } ORDER BY ?scheme ?notation"""
                     % kg.literal(prefix))
    names = labels({r["scheme"].value for r in rows} | {r["concept"].value for r in rows}, lang)
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        scheme = r["scheme"].value
        entry = out.setdefault(scheme, {"scheme": link(r["scheme"], names), "iri": scheme, "concepts": []})
        entry["concepts"].append({"notation": r["notation"].value if "notation" in r else None,
                                  "concept": link(r["concept"], names), "iri": r["concept"].value})
    return list(out.values())


def towns() -> list[dict[str, Any]]:
    """Towns with documents: code, names in fi/sv/en, documents."""
    rows = kg.select("""SELECT ?town ?code ?doc WHERE { ?doc a kk:PlanDocument ; kk:municipality ?town .
      OPTIONAL { ?town kk:statisticalCode ?code } } ORDER BY ?code ?doc""")
    names_rows = kg.select("""SELECT ?town ?name WHERE { VALUES ?town { %s } ?town skos:prefLabel ?name }
      ORDER BY ?town ?name""" % (kg.values(r["town"].value for r in rows) or "<urn:x-none>"))
    doc_names = labels({r["doc"].value for r in rows})
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        t = r["town"].value
        entry = out.setdefault(t, {"iri": t, "code": r["code"].value if "code" in r else None, "names": {},
                                   "documents": []})
        entry["documents"].append(link(r["doc"], doc_names))
    for r in names_rows:
        name: Term = r["name"]
        if name.lang and r["town"].value in out:
            out[r["town"].value]["names"].setdefault(name.lang, name.value)
    return list(out.values())


def questions(lang: str) -> list[dict[str, str]]:
    return [{"id": q.id, "title": q.title.get(lang, q.title["en"]), "idiom": q.idiom.get(lang, q.idiom["en"]),
             "query": q.query, "run": "/sparql?" + urllib.parse.urlencode({"query": q.query, "format": "csv"})}
            for q in QUESTIONS]


def data(lang: str) -> dict[str, Any]:
    return {"diagram": "/guide/diagram-%s.svg" % lang if diagram_file(lang) else None,
            "code_lists": code_lists(lang), "towns": towns(), "questions": questions(lang),
            "text": {k: text(k, lang) for k in TEXT}}
