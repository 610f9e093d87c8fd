"""The state of one document's mapping (Mapper) and the cell readers every sheet's mapping uses."""
from __future__ import annotations

import datetime as dt
import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, TIME, XSD

from ..iris import Minter
from ..namespaces import KK, code
from ..status import StatusRule
from .result import DocumentRDF, Emitter
from .schema import SHEETS_BY_NAME, Row
from .sources import SourceTexts

TOWN = "municipality"  # in an organisation column: the town itself, not one of its units
YEAR = re.compile(r"^\d{4}$", re.ASCII)  # ASCII: '\d' would also take Arabic-Indic and other digits
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class Mapper:
    """One document's tables, what is known about them so far (metadata, row ids) and its output."""

    def __init__(self, tables: dict[str, list[Row]], minter: Minter, sources: SourceTexts,
                 status_rules: list[StatusRule], known_docs: dict[str, dict[str, URIRef]] | None = None):
        self.tables = tables
        self.minter = minter
        self.sources = sources
        self.status_rules = status_rules
        self.known_docs = known_docs or {}
        self.meta: dict[str, list[Row]] = {}
        self.ids: dict[str, tuple[str, URIRef]] = {}
        for row in tables.get("metadata", []):
            self.meta.setdefault(row.get("field"), []).append(row)
        self.doc_id, self.town, self.lang = (self.meta_value("id"), self.meta_value("municipality"),
                                             self.meta_value("language"))
        self.out = DocumentRDF(self.doc_id, self.town, self.lang, Graph(), Graph())
        self.e = Emitter(self.out, minter)

    def meta_value(self, name: str) -> str:
        rows = self.meta.get(name, [])
        return rows[0].get("value") if rows else ""

    def iri_of(self, rid: str) -> URIRef | None:
        return self.ids[rid][1] if rid in self.ids else None

    def text(self, s, p, row: Row, column: str, lang: str | None = None) -> None:
        for value in (row.get_many(column) if SHEETS_BY_NAME[row.sheet].column(column).many else [row.get(column)]):
            if value:
                self.e.add(s, p, Literal(value, lang=lang or self.lang), row, column)

    def resolve(self, row: Row, column: str) -> list[URIRef]:
        """Ids in a REF column as IRIs. An unknown id still becomes an IRI (of the first sheet the
        column may point into), so that the shapes report it as a dangling reference."""
        col = SHEETS_BY_NAME[row.sheet].column(column)
        values = row.get_many(column) if col.many else ([row.get(column)] if row.get(column) else [])
        iris = []
        for rid in values:
            if rid == TOWN and "organizations" in col.refs:
                iris.append(self.minter.municipality(self.town))
                continue
            if rid in self.ids and self.ids[rid][0] not in col.refs:
                self.e.error(row, column, f"'{rid}' is a row of the {self.ids[rid][0]} sheet; "
                             f"this column takes ids from: {', '.join(col.refs)}")
                continue
            iris.append(self.iri_of(rid) or self.minter.row(col.refs[0], self.doc_id, self.town, rid))
        return iris

    def refs(self, s, p, row: Row, column: str) -> list[URIRef]:
        iris = self.resolve(row, column)
        for iri in iris:
            self.e.add(s, p, iri, row, column)
        return iris

    def codes(self, s, p, row: Row, column: str) -> None:
        scheme = SHEETS_BY_NAME[row.sheet].column(column).scheme
        for value in row.get_many(column):
            self.e.add(s, p, code(scheme, value), row, column)

    def typed(self, s, p, row: Row, column: str, datatype) -> None:
        if row.get(column):
            self.e.add(s, p, Literal(row.get(column), datatype=datatype), row, column)

    def period(self, row: Row, start_col: str, end_col: str) -> URIRef | None:
        return self.period_of((row, start_col), (row, end_col))

    def period_of(self, start_cell: tuple[Row, str], end_cell: tuple[Row, str]) -> URIRef | None:
        """The period between two cells (row, column) holding YYYY or YYYY-MM-DD; either may be empty."""
        start, end = start_cell[0].get(start_cell[1]), end_cell[0].get(end_cell[1])
        if not start and not end:
            return None
        for (row, column), value in ((start_cell, start), (end_cell, end)):
            if value and not (YEAR.match(value) or DAY.match(value)):
                self.e.error(row, column, f"'{value}' is not a year (YYYY) or a day (YYYY-MM-DD)")
                return None
            if value and not calendar_day(day_of(value, first=True)):
                self.e.error(row, column, f"'{value}' is not a day of the calendar (years 0001-9999)")
                return None
        start, end = start or end, end or start
        first, last = day_of(start, first=True), day_of(end, first=False)
        if first > last:
            self.e.error(end_cell[0], end_cell[1], f"period ends ({end}) before it starts ({start})")
            return None
        period = self.minter.period(start, end)
        # The period's own triples remember the start cell, so that a shape violation about the
        # period or its instants is still reported at a cell, not by IRI.
        row, column = start_cell if start_cell[0].get(start_cell[1]) else end_cell

        def add(s, p, o):
            self.e.add(s, p, o, row, column)
        add(period, RDF.type, TIME.ProperInterval)
        add(period, RDFS.label, Literal(start if start == end else f"{start} – {end}"))
        if start == end and YEAR.match(start):
            add(period, KK.year, Literal(start, datatype=XSD.gYear))
        for prop, day in ((TIME.hasBeginning, first), (TIME.hasEnd, last)):
            instant = self.minter.instant(day)
            add(period, prop, instant)
            add(instant, RDF.type, TIME.Instant)
            add(instant, TIME.inXSDDate, Literal(day, datatype=XSD.date))
        return period


def calendar_day(day: str) -> bool:
    """Whether YYYY-MM-DD is a real day (not 2020-02-30, not year 0000)."""
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def day_of(value: str, first: bool) -> str:
    """A year's first or last day (YYYY-MM-DD); a day as it is."""
    if DAY.match(value):
        return value
    return f"{value}-01-01" if first else f"{value}-12-31"
