"""The SHACL gate: pyshacl over a document's graph, results reported at the source table's cells."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import cast

from pyshacl import validate as shacl_validate
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.rdfutil.clone import mix_graphs
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.validator import USE_FULL_MIXIN
from rdflib import BNode, ConjunctiveGraph, Graph, Literal, URIRef, plugin
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.query import Processor
from rdflib.term import Node

from .errors import InputError
from .ingest.result import DocumentRDF
from .shacl_compiled import Compiled, DataView, Finding, compile_shapes, run_checks
from .shacl_sparql import answer, answering


@dataclass(frozen=True)
class Violation:
    focus: URIRef | BNode
    path: URIRef | tuple | None  # ("^", p) for an inverse path
    value: object
    messages: dict[str, str]  # lang -> message
    severity: URIRef

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")


def load_shapes(folder: Path) -> Graph:
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


@lru_cache(maxsize=512)
def _prepared(query: str, base: str | None, namespaces: tuple):
    return translateQuery(parseQuery(query), base, dict(namespaces) or None)


class PreparedQueryProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each distinct query text once.

    pySHACL runs a SPARQL constraint once per focus node, and rdflib parses the text every time: about
    a third of the validation time (profiled) went into pyparsing. A parsed query is reusable with other
    bindings (that is what rdflib's prepareQuery is for), so the parse is cached by its text."""

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if base is None:  # kuntakg.shacl_sparql: Oxigraph answers while the validation asks it to
            answered = answer(self.graph, strOrQuery, initBindings, initNs)
            if answered is not None:
                return answered
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@cache
def _configure_rdflib() -> None:
    """Once per process (both settings are rdflib's global state): rdflib logs a traceback for each
    ill-typed literal it meets, which the shapes report properly; and SPARQL goes through the
    processor that parses each distinct query once. pySHACL's check of a SPARQL constraint's text is
    made once per text (`_checked_once`)."""
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    plugin.register("sparql", Processor, __name__, PreparedQueryProcessor.__name__)
    if not getattr(SPARQLQueryHelper.check_invalid_sparql, "kuntakg_once", False):
        SPARQLQueryHelper.check_invalid_sparql = _checked_once(SPARQLQueryHelper.check_invalid_sparql)  # type: ignore[method-assign]


def _checked_once(check_text: Callable[..., bool]) -> Callable[..., bool]:
    """pySHACL (pinned 0.40.1) checks a SPARQL constraint's text for MINUS, VALUES, SERVICE and
    re-bound variables before every focus node it runs it for, with six regular expressions over the
    text: 3 % of a cold build at a million quads (profiled). The answer depends only on the text and
    on which variables may be pre-bound (the regular expressions are the class's), so a text that
    passed once passes again; one that fails is checked, and fails, every time."""
    passed: set[tuple[str, bool, tuple[str, ...]]] = set()

    def check_invalid_sparql(self, sparql_text, valuenode=None, extravars=None):  # pySHACL's signature
        key = (sparql_text, valuenode is not None, tuple(sorted(extravars or ())))
        if key in passed:
            return True
        result = check_text(self, sparql_text, valuenode=valuenode, extravars=extravars)
        passed.add(key)
        return result

    check_invalid_sparql.kuntakg_once = True  # type: ignore[attr-defined]
    return check_invalid_sparql


COMPILED_ENV = "KUNTAKG_SHACL_COMPILED"  # "0" runs every shape in pySHACL (the reference the compiled checks match)


def compiling() -> bool:
    """Whether the simple shapes run compiled (kuntakg.shacl_compiled); on unless KUNTAKG_SHACL_COMPILED=0."""
    return os.environ.get(COMPILED_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Report:
    conforms: bool
    findings: list[Finding]


def report(data: Graph, shapes: Graph, ontology: Graph, compiled: bool | None = None,
           handed_over: bool = False) -> Report:
    """The SHACL report of a data graph, ontology mixed in for class hierarchies: the compiled checks
    and pySHACL over the shapes they leave, merged into the report pySHACL alone gives (`compiled`
    False, or KUNTAKG_SHACL_COMPILED=0: pySHACL alone). `handed_over`: the caller made `data` for this
    check alone, so the ontology may be poured into it rather than into a copy of it."""
    _configure_rdflib()
    if not (compiling() if compiled is None else compiled):
        return _pyshacl(data, shapes, ontology)
    if isinstance(data, ConjunctiveGraph):  # pySHACL mixes an ontology into a dataset differently
        return _pyshacl(data, shapes, ontology)
    plan = _memo(_compiled_shapes, compile_shapes, shapes)
    # The graph pySHACL would validate (the data with the ontology poured in), made once for both
    # halves from the ontology poured out once per process; a copy of the data unless handed over.
    target = data if handed_over else data + Graph()
    target += inoculated(ontology)
    conforms, findings = run_checks(plan.checks, DataView(target))
    if len(plan.reduced):
        with answering(target):
            rest = _pyshacl(target, plan.reduced, None)
        conforms, findings = conforms and rest.conforms, findings + rest.findings
    return Report(conforms, findings)


def prepare(shapes: Graph, ontology: Graph) -> None:
    """Compile the shapes and pour out the ontology now: the build calls this before it forks its
    validation workers, which then share the result instead of each redoing it."""
    if compiling():
        _memo(_compiled_shapes, compile_shapes, shapes)
        inoculated(ontology)


def inoculated(ontology: Graph) -> Graph:
    """What pySHACL pours of the ontology into (a copy of) the data graph: its class and property
    axioms (pyshacl.rdfutil.inoculate, its own function), poured into an empty graph once per ontology."""
    return _memo(_inoculated, _inoculate, ontology)


def check(data: Graph, shapes: Graph, ontology: Graph, handed_over: bool = False) -> list[Violation]:
    """All SHACL results for a data graph, ontology mixed in for class hierarchies (`handed_over`:
    see `report`)."""
    found = report(data, shapes, ontology, handed_over=handed_over)
    if found.conforms:
        return []
    # pyshacl drops the language tags of SPARQL-constraint messages; the shapes still have them.
    languages = {str(m): m.language for m in shapes.objects(None, SH.message) if isinstance(m, Literal)}
    return [_violation(f, shapes, languages) for f in found.findings]


def _pyshacl(data: Graph, shapes: Graph, ontology: Graph | None) -> Report:
    """pySHACL as the build has always called it; with no ontology, `data` is a graph of our own that
    already has it and that pySHACL may use in place."""
    conforms, graph, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                        advanced=True, allow_warnings=True, inplace=ontology is None)
    return Report(bool(conforms), [_finding(graph, r) for r in graph.subjects(RDF.type, SH.ValidationResult)])


def _finding(graph: Graph, result: Node) -> Finding:
    return Finding(focus=graph.value(result, SH.focusNode), path=graph.value(result, SH.resultPath),
                   value=graph.value(result, SH.value), component=graph.value(result, SH.sourceConstraintComponent),
                   shape=graph.value(result, SH.sourceShape), severity=graph.value(result, SH.resultSeverity),
                   messages=frozenset(graph.objects(result, SH.resultMessage)))


def _inoculate(ontology: Graph) -> Graph:
    """What pySHACL pours of the ontology into a copy of the data graph (its own function)."""
    return mix_graphs(Graph(), ontology) if USE_FULL_MIXIN else inoculate(Graph(), ontology)  # type: ignore[arg-type]


_compiled_shapes: dict[int, tuple[Graph, int, Compiled]] = {}
_inoculated: dict[int, tuple[Graph, int, Graph]] = {}


def _memo(memo: dict, make, graph: Graph):
    """`make(graph)` once per graph (per process: the build forks its workers after the first).
    Keyed by the graph object (held, so its id is not reused) and its size, so a graph that grew or
    shrank in place is redone. Not its triples' hash: that was 4 ms per document for the shapes and
    the ontology, which the build never changes in place."""
    key = len(graph)
    held = memo.get(id(graph))
    if held is None or held[0] is not graph or held[1] != key:
        if len(memo) > 8:
            memo.clear()
        held = memo[id(graph)] = (graph, key, make(graph))
    return held[2]


def neighbourhood(graph: Graph, around: Graph, hops: int = 2) -> Graph:
    """The triples of `around` within `hops` links of what `graph` refers to.

    A document's nodes are validated with the reference data they point at (a municipality, its
    wellbeing services county), not the whole reference: the shapes look at most two links away,
    and validating every municipality again with each document was half of the SHACL time."""
    out, seen = Graph(), set[Node]()
    frontier = {o for o in graph.objects() if not isinstance(o, Literal)}
    for _ in range(hops):
        reached = set()
        for node in frontier - seen:
            seen.add(node)
            for triple in around.triples((node, None, None)):
                out.add(triple)
                reached.add(triple[2])
        frontier = {n for n in reached if not isinstance(n, Literal)}
    return out


def _violation(finding: Finding, shapes: Graph, languages: dict[str, str | None]) -> Violation:
    messages: dict[str, str] = {}
    for m in sorted(finding.messages, key=str):  # a set: sorted, so that a tie between two is decided alike
        if isinstance(m, Literal):
            messages.setdefault(m.language or languages.get(str(m)) or "en", str(m))
    path: URIRef | tuple | None = finding.path if isinstance(finding.path, URIRef) else None
    inverse = shapes.value(finding.path, SH.inversePath) if isinstance(finding.path, BNode) else None
    if inverse is not None:
        path = ("^", inverse)
    return Violation(
        focus=cast(URIRef | BNode, finding.focus),
        path=path,
        value=finding.value,
        messages=messages,
        severity=cast(URIRef, finding.severity),
    )


def located(violations: list[Violation], doc: DocumentRDF, own: set | None = None, lang: str = "en"
            ) -> list[InputError]:
    """Violations as file:row:column errors of the document's import tables.

    Only violations about this document's own nodes (`own`: the subjects of its graph, by default) are
    kept: the graphs of documents it refers to are validated on their own. A violation with no recorded
    origin is still reported, by IRI."""
    errors = []
    for v in violations:
        mine = v.focus in own if own is not None else (v.focus, None, None) in doc.graph
        if v.severity != SH.Violation or not mine:
            continue
        value = f" (value: {_short(v.value)})" if v.value is not None and not isinstance(v.value, BNode) else ""
        origin = doc.origin(v.focus, v.path)
        if origin is None:
            errors.append(InputError(doc.doc_id, 0, 0, "", f"<{v.focus}>: {v.message(lang)}{value}"))
            continue
        row = origin.row
        errors.append(InputError(row.file, row.number, row.columns.get(origin.column, 0), origin.column,
                                 v.message(lang) + value))
    return errors


def _short(term) -> str:
    text = str(term)
    return text if len(text) <= 80 else text[:77] + "..."
