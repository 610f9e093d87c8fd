"""pySHACL's SPARQL-based constraints answered by Oxigraph (issue 15).

pySHACL runs a constraint's SELECT once per focus node through rdflib's SPARQL engine: a third of the
validation time at a million quads (profiled), most of it rdflib evaluating small joins in Python.
While `answering(graph)` is active, the SELECTs pySHACL runs over that graph are answered by an
in-memory pyoxigraph copy of it (made at the first query), with the pre-bound variables substituted;
pySHACL still builds the results (messages, deduplication) from the rows as before. The copy is exact
(every triple, the ontology poured in included), so the answers are the same; tests/test_shacl_compiled.py
compares every report against pySHACL with rdflib alone. A query Oxigraph cannot parse (say, a prefix
that only rdflib's namespace manager knows) is left to rdflib."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Variable

from .oxterms import ox_to_rdflib, rdflib_to_ox

PREFIX_NAME = re.compile(r"[A-Za-z][\w.-]*")  # a prefix SPARQL can declare (PN_PREFIX, ASCII part)


class OxigraphCopy:
    """An in-memory pyoxigraph store with the triples of one rdflib graph, made when first asked."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._store: ox.Store | None = None
        self._terms: dict = {}
        self.answered = 0  # queries answered here (the tests check that the road is taken)

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            terms = self._terms
            self._store = ox.Store()
            self._store.bulk_extend(ox.Quad(rdflib_to_ox(s, terms), rdflib_to_ox(p, terms), rdflib_to_ox(o, terms))
                                    for s, p, o in self.graph)
        return self._store

    def select(self, text: str, bindings: Mapping[str, Any] | None, namespaces: Mapping[str, Any] | None
               ) -> dict[str, Any] | None:
        """The query's answer as rdflib's SPARQL processor returns it, or None for a query that is not a
        SELECT Oxigraph parses."""
        if not text.lstrip().upper().startswith(("PREFIX", "SELECT", "BASE", "#")):
            return None
        substitutions = {ox.Variable(str(name)): rdflib_to_ox(value, self._terms)
                         for name, value in (bindings or {}).items()}
        try:
            solutions = self.store.query(_with_namespaces(text, _declarations(namespaces)), substitutions=substitutions)
        except (SyntaxError, RuntimeError):  # RuntimeError: a bound variable the SELECT does not project
            return None
        if not isinstance(solutions, ox.QuerySolutions):
            return None
        names = [v.value for v in solutions.variables]
        variables = [Variable(name) for name in names]
        rows = []
        for solution in solutions:
            row = {}
            for name, variable in zip(names, variables, strict=True):
                value = solution[name]
                if value is not None:
                    row[variable] = ox_to_rdflib(value)
            rows.append(row)
        self.answered += 1
        return {"type_": "SELECT", "vars_": variables, "bindings": rows}


_answering: ContextVar[OxigraphCopy | None] = ContextVar("kuntakg_shacl_oxigraph", default=None)


@contextmanager
def answering(graph: Graph) -> Iterator[OxigraphCopy]:
    """Within the block, SELECTs over `graph` (that very object) are answered by Oxigraph."""
    copy = OxigraphCopy(graph)
    token = _answering.set(copy)
    try:
        yield copy
    finally:
        _answering.reset(token)


def answer(graph: Graph, query: object, bindings: Mapping[str, Any] | None,
           namespaces: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Oxigraph's answer to a query text over `graph` when `answering(graph)` is active; else None."""
    copy = _answering.get()
    if copy is None or copy.graph is not graph or not isinstance(query, str):
        return None
    return copy.select(query, bindings, namespaces)


def _declarations(namespaces: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(p), str(ns)) for p, ns in (namespaces or {}).items()
                        if PREFIX_NAME.fullmatch(str(p)) and ">" not in str(ns)))


@lru_cache(maxsize=256)
def _with_namespaces(text: str, declarations: tuple[tuple[str, str], ...]) -> str:
    """The query with the graph's namespaces declared ahead of it: rdflib resolves a prefix the query
    does not declare from them, and a prefix the query declares itself wins (it comes later)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declarations) + text
