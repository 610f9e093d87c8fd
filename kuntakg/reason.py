"""OWL reasoning: the inferred rdf:type triples of the data, and its consistency with the ontology.

Two engines derive the same types (tests compare them on the seeds):

* ``rules`` (:mod:`kuntakg.entailment`): the ontology's OWL fragment compiled to rules; a scan, linear in
  the data (0.1 s on the seeds, seconds at a million quads).
* ``hermit``: owlready2 + HermiT, complete OWL 2 DL, but superlinear (390 s at 100 k quads).

``auto`` (the build's default) materialises with the rules and runs HermiT beside them while the
reasoner's input is at most ``hermit_limit`` triples, failing the build if the two disagree; above
the limit HermiT checks the ontology alone (its consistency and class hierarchy, which the rules take
as given). bench/README.md ("Scale") has the measurements behind the limit.

owlready2 reads N-Triples, not Turtle (format="turtle" silently loads nothing), so graphs go in as
N-Triples. HermiT reports only the most specific classes; the superclasses are added from the class
hierarchy HermiT itself inferred (a post is a kk:ResponsibleParty through an owl:unionOf).
"""
from __future__ import annotations

import io
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .entailment import Rules, closure, compile_rules, inferred_types, inferred_types_of_facts
from .errors import Inconsistent, KuntaKGError

ENGINES = ("auto", "rules", "hermit")
HERMIT_LIMIT = 25_000  # triples of data: the seeds are ~11 k (HermiT 9 s); 60 k took 390 s

_INFERENCES = "http://inferrences/"  # owlready2's fixed name for the reasoner's output ontology
# HermiT refuses literals outside the OWL 2 datatype map (xsd:date, xsd:gYear). They carry no class
# information in this ontology, so they are left out of the reasoner's input; SHACL checks them.
_OUTSIDE_OWL2 = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.duration}


@dataclass
class Reasoning:
    inferred: Graph | list[tuple]  # rdf:type triples (a list: reason_facts at scale)
    engines: tuple[str, ...]   # what ran: ("rules",), ("hermit",), ("rules", "hermit"), ("rules", "hermit-tbox")


def reason(ontology: Graph, data: Graph | Sequence[Graph], engine: str = "auto",
           hermit_limit: int = HERMIT_LIMIT, memo=None) -> Reasoning:
    """Inferred rdf:type triples not already asserted in `data` (a graph, or a list of graphs, e.g.
    one per document: the rules read them in place). Raises Inconsistent. `memo(parts, run)` (the
    build cache, whose key holds the ontology) may skip HermiT's check of the ontology alone when it
    passed before."""
    if engine not in ENGINES:
        raise KuntaKGError(f"unknown reasoner {engine!r}: use one of {', '.join(ENGINES)}")
    graphs = [data] if isinstance(data, Graph) else list(data)
    if engine == "hermit":
        return Reasoning(hermit(ontology, _merged(graphs)), ("hermit",))
    inferred = rules(ontology, graphs)
    if engine == "rules":
        return Reasoning(inferred, ("rules",))
    if sum(len(g) for g in graphs) > hermit_limit:
        if memo is None:
            hermit(ontology, Graph())
        else:
            memo(("hermit-tbox",), lambda: hermit(ontology, Graph()))
        return Reasoning(inferred, ("rules", "hermit-tbox"))
    check = hermit(ontology, _merged(graphs))
    if set(check) != set(inferred):
        raise KuntaKGError(_disagreement(inferred, check))
    return Reasoning(inferred, ("rules", "hermit"))


def reads_graphs(engine: str, triples: int, hermit_limit: int = HERMIT_LIMIT) -> bool:
    """Whether :func:`reason_facts` runs HermiT over the documents' graphs (not only over their scans)."""
    return engine == "hermit" or (engine == "auto" and triples <= hermit_limit)


def reason_facts(ontology: Graph, reference: Graph, facts: Iterable[dict], triples: int,
                 load_graphs: Callable[[], list[Graph]], decode: Callable, engine: str = "auto",
                 hermit_limit: int = HERMIT_LIMIT, memo=None) -> Reasoning:
    """:func:`reason` over the reference and the documents, given the rules' scans of the documents
    (`facts`, kuntakg.entailment.scan_facts) and their size in `triples` (reference included)
    instead of their graphs: the streaming build does not hold them. HermiT needs the graphs:
    `load_graphs()` gives them when it runs over the data (engine hermit, or auto on small inputs)."""
    if engine not in ENGINES:
        raise KuntaKGError(f"unknown reasoner {engine!r}: use one of {', '.join(ENGINES)}")
    if reads_graphs(engine, triples, hermit_limit):
        return reason(ontology, [reference, *load_graphs()], engine, hermit_limit, memo)
    compiled = compile_rules(ontology)
    inferred = _as_triples(compiled, inferred_types_of_facts(compiled, ontology, [reference], facts, decode))
    if engine == "rules":
        return Reasoning(inferred, engines_of(engine))
    if memo is None:
        hermit(ontology, Graph())
    else:
        memo(("hermit-tbox",), lambda: hermit(ontology, Graph()))
    return Reasoning(inferred, engines_of(engine))


def engines_of(engine: str) -> tuple[str, ...]:
    """What :func:`reason_facts` runs, and reports, when it does not read the graphs: the rules, and
    HermiT over the ontology alone unless the rules were asked for."""
    return ("rules",) if engine == "rules" else ("rules", "hermit-tbox")


def rules(ontology: Graph, data: Graph | Sequence[Graph]) -> Graph:
    graphs = [data] if isinstance(data, Graph) else list(data)
    compiled = compile_rules(ontology)
    return _as_graph(compiled, inferred_types(compiled, ontology, graphs))


def _as_graph(compiled: Rules, types: dict[Node, set[Node]]) -> Graph:
    inferred = Graph()
    for triple in _as_triples(compiled, types):
        inferred.add(triple)
    return inferred


def _as_triples(compiled: Rules, types: dict[Node, set[Node]]) -> list[tuple]:
    """The inferred rdf:type statements as plain triples (at scale, an rdflib graph of them cost
    more than the reasoning)."""
    return [(individual, RDF.type, cls) for individual, classes in types.items() if isinstance(individual, URIRef)
            for cls in classes & compiled.classes]


def _merged(graphs: list[Graph]) -> Graph:
    merged = Graph()
    for g in graphs:
        merged += g
    return merged


def hermit(ontology: Graph, data: Graph) -> Graph:
    import owlready2  # heavy import (Java bridge); only the build needs it

    if shutil.which(owlready2.JAVA_EXE) is None and shutil.which("java") is None:
        raise KuntaKGError("HermiT needs Java: install a Java runtime (e.g. apt-get install default-jre-headless)")
    world = owlready2.World()
    source = Graph()
    for triple in (*ontology, *data):
        if not (isinstance(triple[2], Literal) and triple[2].datatype in _OUTSIDE_OWL2):
            source.add(triple)
    ntriples = source.serialize(format="nt", encoding="utf-8")
    world.get_ontology("https://w3id.org/kuntakg/reasoning-input").load(
        fileobj=io.BytesIO(ntriples), format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise Inconsistent("HermiT: the ontology and the data are inconsistent") from exc
    found = world.as_rdflib_graph().get_context(world.get_ontology(_INFERENCES))
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    direct: defaultdict[Node, set[Node]] = defaultdict(set)
    for s, o in found.subject_objects(RDF.type):
        if isinstance(s, URIRef) and o in classes:
            direct[s].add(o)
    for s, o in data.subject_objects(RDF.type):
        direct[s].add(o)
    supers = _superclasses((*ontology.subject_objects(RDFS.subClassOf), *found.subject_objects(RDFS.subClassOf)))
    inferred = Graph()
    for individual, types in direct.items():
        for cls in set(types).union(*(supers.get(c, set()) for c in types)):
            if (individual, RDF.type, cls) not in data and cls != OWL.Thing:
                inferred.add((individual, RDF.type, cls))
    return inferred


def _superclasses(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    parents: defaultdict[Node, set[Node]] = defaultdict(set)
    for sub, sup in pairs:
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents[sub].add(sup)
    return closure(parents, set(parents))


def _disagreement(rules_found: Graph, hermit_found: Graph) -> str:
    only_rules = sorted(set(rules_found) - set(hermit_found))[:5]
    only_hermit = sorted(set(hermit_found) - set(rules_found))[:5]
    lines = ["the rules reasoner and HermiT disagree (run with --reasoner hermit, and fix kuntakg/entailment.py):"]
    lines += [f"  only rules:  <{s}> a <{o}>" for s, _, o in only_rules]
    lines += [f"  only HermiT: <{s}> a <{o}>" for s, _, o in only_hermit]
    return "\n".join(lines)
