"""Interface language and label choice.

The language of a page is, in this order: the ``lang`` query parameter (also stored in a cookie), the
``lang`` cookie, the browser's ``Accept-Language``, ``DEFAULT_LANGUAGE`` (en).

Labels fall back in a fixed order (:data:`FALLBACK`): the chosen language first, then the town's
two official languages Finnish and Swedish (the originals are written in one of them), then English,
then a label without a language tag, then any other.  Every label is shown with the ``lang``
attribute of the language it is actually in, so a Swedish original on a Finnish page is marked
``lang="sv"``.  Labels that come from a translation graph (written by the project, not by the town)
are marked as translations.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request

FALLBACK = {"fi": ("fi", "sv", "en"), "sv": ("sv", "fi", "en"), "en": ("en", "fi", "sv")}
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}

UI = {
    "site": {"fi": "Kunta-KG", "sv": "Kunta-KG", "en": "Kunta-KG"},
    "tagline": {"fi": "Avoin tietoverkko suomalaisten kuntien strategioista",
                "sv": "Ett öppet kunskapsnätverk om finländska kommuners strategier",
                "en": "An open knowledge graph of Finnish municipal strategies"},
    "intro": {"fi": "Kunnat julkaisevat strategiansa ja seurantaraporttinsa PDF- ja Word-taulukoina. Kunta-KG "
                    "muuntaa ne linkitetyksi avoimeksi dataksi: painopisteet, tavoitteiden porrastus, toimenpiteet, "
                    "mittarit tavoitearvoineen, vastuuhenkilöt ja toteutumisen arviot, jokainen alkuperäisen "
                    "tekstin rivinumeroon asti.",
              "sv": "Kommunerna publicerar sina strategier och uppföljningsrapporter som PDF- och Word-tabeller. "
                    "Kunta-KG gör dem till länkade öppna data: tyngdpunkter, målkaskader, åtgärder, mätare med "
                    "målvärden, ansvarspersoner och utfall, vart och ett med radnummer i originaltexten.",
              "en": "Towns publish their strategies and interim reports as PDF and Word tables. Kunta-KG turns "
                    "them into linked open data: spearheads, the cascade of goals, actions, metrics with targets, "
                    "who is responsible and how each item went, each traced to its lines in the original text."},
    "numbers": {"fi": "Luvut", "sv": "Siffror", "en": "In numbers"},
    "towns": {"fi": "Kunnat", "sv": "Kommuner", "en": "Towns"},
    "start": {"fi": "Mistä aloittaa", "sv": "Var börja", "en": "Where to start"},
    "search": {"fi": "Hae", "sv": "Sök", "en": "Search"},
    "search_label": {"fi": "Hae nimistä (fi/sv/en)", "sv": "Sök i namn (fi/sv/en)",
                     "en": "Search labels (fi/sv/en)"},
    "results": {"fi": "Tulokset", "sv": "Resultat", "en": "Results"},
    "no_results": {"fi": "Ei tuloksia.", "sv": "Inga resultat.", "en": "No results."},
    "documents": {"fi": "Asiakirjat", "sv": "Dokument", "en": "Documents"},
    "organisation": {"fi": "Organisaatio", "sv": "Organisation", "en": "Organisation"},
    "nav_guide": {"fi": "Opas", "sv": "Guide", "en": "Guide"},
    "link_content": {"fi": "linkki päätelty sisällöstä", "sv": "länken tolkad ur innehållet",
                     "en": "link read from the content"},
    "link_layout": {"fi": "linkki päätelty sivun asettelusta", "sv": "länken tolkad ur sidans layout",
                    "en": "link inferred from the page layout"},
    "report_section": {"fi": "raportin osio", "sv": "rapportens avsnitt", "en": "report section"},
    "other_sections": {"fi": "muiden osioiden arvioita samalta päivältä",
                       "sv": "bedömningar i andra avsnitt samma dag",
                       "en": "other sections' assessments of the same date"},
    "nav_compare": {"fi": "Vertailu", "sv": "Jämförelse", "en": "Compare"},
    "nav_api": {"fi": "API", "sv": "API", "en": "API"},
    "source_line": {"fi": "Lähderivit", "sv": "Källrader", "en": "Source lines"},
    "posts": {"fi": "Virat ja henkilöt", "sv": "Tjänster och personer", "en": "Posts and people"},
    "headline": {"fi": "Pääluvut", "sv": "Nyckeltal", "en": "Headline numbers"},
    "cascade": {"fi": "Tavoitteiden porrastus", "sv": "Målkaskad", "en": "Goal cascade"},
    "expand_all": {"fi": "Avaa kaikki", "sv": "Öppna alla", "en": "Expand all"},
    "collapse_all": {"fi": "Sulje kaikki", "sv": "Stäng alla", "en": "Collapse all"},
    "open_page": {"fi": "Avaa sivu", "sv": "Öppna sidan", "en": "Open page"},
    "source": {"fi": "Lähde", "sv": "Källa", "en": "Source"},
    "original": {"fi": "Alkuperäinen sanamuoto", "sv": "Ursprunglig formulering", "en": "Original wording"},
    "lines": {"fi": "rivit", "sv": "rader", "en": "lines"},
    "line": {"fi": "rivi", "sv": "rad", "en": "line"},
    "from": {"fi": "Lähde:", "sv": "Från", "en": "From"},
    "properties": {"fi": "Ominaisuudet", "sv": "Egenskaper", "en": "Properties"},
    "property": {"fi": "Ominaisuus", "sv": "Egenskap", "en": "Property"},
    "value": {"fi": "Arvo", "sv": "Värde", "en": "Value"},
    "subject": {"fi": "Lähde", "sv": "Från", "en": "From"},
    "incoming": {"fi": "Viittaukset tähän", "sv": "Länkar hit", "en": "Incoming links"},
    "provenance": {"fi": "Alkuperä", "sv": "Ursprung", "en": "Provenance"},
    "types": {"fi": "Tyyppi", "sv": "Typ", "en": "Type"},
    "formats": {"fi": "Muut muodot", "sv": "Andra format", "en": "Other formats"},
    "translated": {"fi": "käännös (Kunta-KG)", "sv": "översättning (Kunta-KG)",
                   "en": "translation (Kunta-KG)"},
    "status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "query": {"fi": "Kyselyeditori", "sv": "Frågeeditor", "en": "Query editor"},
    "downloads": {"fi": "Lataukset", "sv": "Nedladdningar", "en": "Downloads"},
    "dataset": {"fi": "Aineiston kuvaus (VoID/DCAT)", "sv": "Beskrivning av datamängden (VoID/DCAT)",
                "en": "Dataset description (VoID/DCAT)"},
    "ontology": {"fi": "Ontologia", "sv": "Ontologi", "en": "Ontology"},
    "language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "licence": {"fi": "Data: CC BY 4.0 (mainitse Kunta-KG ja kunta). Koodi: MIT.",
                "sv": "Data: CC BY 4.0 (ange Kunta-KG och kommunen). Kod: MIT.",
                "en": "Data: CC BY 4.0 (credit Kunta-KG and the town). Code: MIT."},
    "fallback": {"fi": "Nimet: suomi → ruotsi → englanti.", "sv": "Namn: svenska → finska → engelska.",
                 "en": "Labels: English → Finnish → Swedish."},
    "home": {"fi": "Etusivu", "sv": "Startsida", "en": "Home"},
    "load": {"fi": "Lataa editoriin", "sv": "Läs in i editorn", "en": "Load into the editor"},
    "prefixes_title": {"fi": "Lisää Kunta-KG:n etuliitteet", "sv": "Lägg till Kunta-KG:s prefix",
                       "en": "Insert the Kunta-KG prefixes"},
    "examples": {"fi": "Esimerkkikyselyt", "sv": "Exempelfrågor", "en": "Example queries"},
    "goals": {"fi": "tavoitetta", "sv": "mål", "en": "goals"},
    "actions": {"fi": "toimenpidettä", "sv": "åtgärder", "en": "actions"},
    "indicators": {"fi": "mittaria", "sv": "mätare", "en": "indicators"},
    "assessments": {"fi": "arviota", "sv": "bedömningar", "en": "status assessments"},
    "triples": {"fi": "kolmikkoa", "sv": "tripletter", "en": "triples"},
    "municipalities": {"fi": "kuntaa", "sv": "kommuner", "en": "towns"},
    "documents_n": {"fi": "asiakirjaa", "sv": "dokument", "en": "documents"},
    "not_found": {"fi": "Ei löytynyt", "sv": "Hittades inte", "en": "Not found"},
    "skip": {"fi": "Siirry sisältöön", "sv": "Hoppa till innehållet", "en": "Skip to content"},
}


def languages() -> list[str]:
    return list(current_app.config["SITE_LANGUAGES"])


def choose_language() -> str:
    langs = languages()
    asked = request.args.get("lang")
    if asked in langs:
        return asked
    cookie = request.cookies.get("lang")
    if cookie in langs:
        return cookie
    best = request.accept_languages.best_match(langs)
    return best or current_app.config["DEFAULT_LANGUAGE"]


def lang() -> str:
    if "site_lang" not in g:
        g.site_lang = choose_language()
    return g.site_lang


def t(key: str) -> str:
    entry = UI[key]
    return entry.get(lang()) or entry["en"]


def order(language: str | None = None) -> tuple[str, ...]:
    language = language or lang()
    return FALLBACK.get(language, (language, "fi", "sv", "en"))


@dataclass(frozen=True)
class Label:
    text: str
    lang: str | None  # the language the text is in ('' / None: untagged)
    translated: bool = False

    def as_json(self) -> dict:
        return {"text": self.text, "lang": self.lang, **({"translated": True} if self.translated else {})}


def rank(term_lang: str | None, language: str | None = None) -> int:
    pref = order(language)
    tag = (term_lang or "").lower().split("-")[0]
    if tag in pref:
        return pref.index(tag)
    return len(pref) + (0 if not tag else 1)


def pick(candidates, language: str | None = None) -> Label | None:
    """Best of ``[(text, lang, translated[, preference])]``: by language (:data:`FALLBACK`), then by
    ``preference`` (lower first, e.g. the rank of the label property; default 0), then originals before
    translations, then by text.  The one label ranking of the site."""
    best = None
    for candidate in candidates:
        text, term_lang, translated = candidate[:3]
        preference = candidate[3] if len(candidate) > 3 else 0
        key = (rank(term_lang, language), preference, translated, text)
        if best is None or key < best[0]:
            best = (key, Label(text, term_lang or None, translated))
    return best[1] if best else None
