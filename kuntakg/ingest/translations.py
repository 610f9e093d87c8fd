"""The translations sheet: labels in languages the source did not use, kept in their own graph."""
from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, SKOS

from ..errors import InputError
from .cells import Mapper
from .schema import LANGUAGES, Row


def map_translation(m: Mapper, row: Row) -> None:
    subject = m.iri_of(row.get("subject"))
    col = row.columns.get("subject", 0)
    if subject is None:
        m.e.out.errors.append(InputError(row.file, row.number, col, "subject",
                                         f"no row with id '{row.get('subject')}' to translate"))
        return
    if row.get("lang") == m.lang:
        m.e.error(row, "lang", f"'{row.get('lang')}' is the document's own language: a translation "
                  "must be into another language")
        return
    if row.get("lang") not in LANGUAGES:
        m.e.error(row, "lang", f"language must be one of {', '.join(LANGUAGES)}")
        return
    prop = SKOS.prefLabel if row.get("field") == "label" else DCTERMS.description
    m.e.out.translations.add((subject, prop, Literal(row.get("text"), lang=row.get("lang"))))
    m.e.out.translators.add(row.get("translator"))
