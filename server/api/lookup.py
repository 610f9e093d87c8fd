"""What the stored-query API looks up besides the query itself: the towns and the labels in a language.

Both go down the one road (a :class:`QueryRequest` to the endpoint's runner, under the site's time
limit).  The town table is read once per app (the graph is read-only) and kept in ``app.extensions``:

* ``town`` accepts the statistical code (``638``) or a name in any language (``Porvoo``, ``Borgå``,
  ``borga``), compared without case or diacritics; anything else is a 400 listing the valid values.
* ``lang=fi|sv|en`` re-chooses the label columns a query declares in its ``x-labels`` header: the
  label of the column's item in that language, else Finnish, Swedish, English (in that order), and a
  ``<column>_lang`` column says which language was given, so a fallback is never silent.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from flask import current_app

from kuntakg.namespaces import PREFIXES

from ..response import abort_with
from ..state import endpoint
from ..store import QueryError, QueryRequest

KEY = "kuntakg_towns"
LANGS = ("fi", "sv", "en")
PREFIX_LINES = "".join("PREFIX %s: <%s>\n" % (k, v) for k, v in PREFIXES.items())
LABEL_CHUNK = 400


@dataclass(frozen=True)
class Town:
    code: str
    names: dict[str, str]   # language -> name


def select(query: str) -> list[dict[str, Any]]:
    """Rows of a trusted internal SELECT as {variable: term} (unbound ones left out), through the runner
    (503 at the time limit)."""
    names, rows = select_rows(query)
    return [{n: t for n, t in zip(names, row, strict=True) if t is not None} for row in rows]


def select_rows(query: str) -> tuple[list[str], list[list[Any]]]:
    """The variables and rows (terms in that order, None where unbound) of a trusted internal SELECT."""
    cfg = current_app.config
    req = QueryRequest(query=PREFIX_LINES + query, form="SELECT", media_type="application/sparql-results+json",
                       timeout=float(cfg["SITE_QUERY_TIMEOUT"]), max_rows=int(cfg["MAX_RESULT_ROWS"]),
                       max_bytes=int(cfg["MAX_RESULT_BYTES"]))
    try:
        result = endpoint().runner.execute(req)
    except QueryError as e:
        abort_with(e.status, e.message, getattr(e, "headers", None))
    parsed = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return [v.value for v in parsed.variables], [list(s) for s in parsed]


def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Borgå' and 'borga' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def towns() -> list[Town]:
    """Every municipality with a statistical code, read once per app."""
    cached = current_app.extensions.get(KEY)
    if cached is None:
        rows = select("""SELECT ?code ?name WHERE { ?m kk:statisticalCode ?code .
          OPTIONAL { ?m skos:prefLabel ?name } } ORDER BY ?code""")
        table: dict[str, dict[str, str]] = {}
        for r in rows:
            names = table.setdefault(r["code"].value, {})
            name = r.get("name")
            if isinstance(name, ox.Literal) and (name.language or "") in LANGS:
                names.setdefault(name.language or "", name.value)
        cached = [Town(code, names) for code, names in sorted(table.items())]
        current_app.extensions[KEY] = cached
    return cached


def town_values() -> list[str]:
    """Every accepted spelling as listed in OpenAPI: the codes, then the names in every language."""
    out: list[str] = []
    for t in towns():
        for value in [t.code, *t.names.values()]:
            if value not in out:
                out.append(value)
    return out


def resolve_town(raw: str) -> str | None:
    """The statistical code for a code or a name in any language; None when nothing matches."""
    key = fold(raw)
    for t in towns():
        if key == fold(t.code) or any(key == fold(n) for n in t.names.values()):
            return t.code
    return None


def valid_towns_text() -> str:
    return "; ".join("%s (%s)" % (t.code, ", ".join(dict.fromkeys(t.names.values()))) for t in towns())


def labels_in(iris: set[str]) -> dict[str, dict[str, str]]:
    """{iri: {language: label}} for skos:prefLabel / rdfs:label / foaf:name; untagged labels under ''."""
    out: dict[str, dict[str, str]] = {}
    ordered = sorted(iris)
    for start in range(0, len(ordered), LABEL_CHUNK):
        chunk = [i for i in ordered[start:start + LABEL_CHUNK] if safe_iri(i)]
        if not chunk:
            continue
        # one pattern per predicate, not a second VALUES for the predicate: Oxigraph joins two VALUES blocks
        # with a scan of every triple (1.2 s a chunk at 1 M quads, against 8 ms); a UNION, not the path
        # alternation (Virtuoso 7.2: 9.2 s per chunk against 211 ms). No ORDER BY: sorting the rows took
        # three quarters of the time (2,449 goals at 10 M quads: 280 against 70 ms); the smallest label of
        # each language is chosen here instead, as the first of the sorted rows was.
        _, rows = select_rows("""SELECT ?s ?l WHERE { VALUES ?s { %s }
          { ?s skos:prefLabel ?l } UNION { ?s rdfs:label ?l } UNION { ?s foaf:name ?l } }"""
                              % " ".join(str(ox.NamedNode(i)) for i in chunk))
        for subject, lit in rows:
            if isinstance(lit, ox.Literal) and subject is not None:
                names = out.setdefault(subject.value, {})
                lang = lit.language or ""
                if lang not in names or lit.value < names[lang]:
                    names[lang] = lit.value
    return out


def choose_label(names: dict[str, str], lang: str) -> tuple[str, str] | None:
    """(label, its language) in ``lang``, else fi, sv, en, else an untagged one; None without labels."""
    for candidate in (lang, *LANGS, ""):
        if candidate in names:
            return names[candidate], candidate
    return None


def safe_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return iri.startswith(("http://", "https://")) and not any(c in iri for c in '<>"{}|^`\\ ')


__all__ = ["Town", "towns", "town_values", "resolve_town", "valid_towns_text", "labels_in", "choose_label",
           "fold", "LANGS", "safe_iri", "select"]
