"""What mapping one document produces (DocumentRDF), and the Emitter every triple goes through.

The Emitter remembers, for every triple it writes, the table row and column it came from, so that a
SHACL result about (focus node, path) can be reported as file:row:column of the source table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from ..errors import InputError
from ..iris import Minter
from .schema import Row


@dataclass
class Origin:
    row: Row
    column: str


@dataclass
class DocumentRDF:
    """What the mapping of one document produced."""

    doc_id: str
    town: str
    language: str
    graph: Graph
    translations: Graph
    origins: dict[tuple, Origin] = field(default_factory=dict)  # (s, p) or (s,) -> Origin
    translators: set[str] = field(default_factory=set)
    errors: list[InputError] = field(default_factory=list)

    def origin(self, subject, path=None) -> Origin | None:
        return self.origins.get((subject, path)) or self.origins.get((subject,))


class Emitter:
    def __init__(self, out: DocumentRDF, minter: Minter):
        self.out = out
        self.minter = minter

    def add(self, s, p, o, row: Row | None = None, column: str = "") -> None:
        self.out.graph.add((s, p, o))
        if row is not None:
            self.out.origins.setdefault((s, p), Origin(row, column))
            self.out.origins.setdefault((s,), Origin(row, "id"))
            if isinstance(o, URIRef):
                self.out.origins.setdefault((o, ("^", p)), Origin(row, column))

    def error(self, row: Row, column: str, message: str) -> None:
        col = row.columns.get(column, 0)
        self.out.errors.append(InputError(row.file, row.number, col, column, message))
