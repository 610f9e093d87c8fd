"""Type entailments by rules compiled from the ontology: what HermiT derives, at the speed of a scan.

HermiT over the whole graph grows worse than linearly (390 s at 100 k quads, not finished at 1 M:
bench/README.md). The ontology uses a small OWL fragment, and for it the entailed named types of the
individuals follow from a handful of rules (OWL 2 RL cax-sco, prp-dom, prp-rng, prp-inv, cls-int1,
cls-hv1, cls-svf1, cls-uni, cax-dw):

* class hierarchy: rdfs:subClassOf and owl:equivalentClass between named classes;
* rdfs:domain / rdfs:range of object properties, also through owl:inverseOf;
* defined classes (owl:equivalentClass to a class expression built from owl:intersectionOf,
  owl:unionOf, owl:hasValue and owl:someValuesFrom over classes or datatypes), iterated to a fixpoint;
* owl:disjointWith: an individual in two disjoint classes makes the build fail, naming it.

:func:`compile_rules` refuses any axiom outside this fragment, so an ontology change cannot silently
outgrow the rules; tests check that the rules and HermiT derive exactly the same types on the seeds.
Entailments that add no named type (owl:FunctionalProperty merging individuals: SHACL's
sh:maxCount 1 forbids the second value before reasoning) are not derived.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node as Term

from .errors import Inconsistent, KuntaKGError

Node = Term  # an rdflib node: classes, properties and individuals alike

# OWL 2 datatype map: the value spaces under xsd:decimal (a literal of these is an xsd:decimal value).
_DECIMALS = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger,
             XSD.negativeInteger, XSD.long, XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt,
             XSD.unsignedShort, XSD.unsignedByte}
_DATATYPES = {XSD.decimal: _DECIMALS, XSD.integer: _DECIMALS - {XSD.decimal}}

# Axioms the rules read, and those that state nothing about types (annotations, declarations).
_KNOWN = {RDFS.subClassOf, OWL.equivalentClass, RDFS.domain, RDFS.range, OWL.inverseOf, OWL.disjointWith,
          OWL.intersectionOf, OWL.unionOf, OWL.onProperty, OWL.hasValue, OWL.someValuesFrom, RDF.first,
          RDF.rest}
_OUTSIDE = {OWL.complementOf, OWL.oneOf, OWL.allValuesFrom, OWL.minCardinality, OWL.maxCardinality,
            OWL.cardinality, OWL.minQualifiedCardinality, OWL.maxQualifiedCardinality,
            OWL.qualifiedCardinality, OWL.hasSelf, OWL.propertyChainAxiom, OWL.hasKey, OWL.sameAs,
            OWL.differentFrom, OWL.AllDisjointClasses, OWL.disjointUnionOf, RDFS.subPropertyOf,
            OWL.equivalentProperty, OWL.propertyDisjointWith, OWL.TransitiveProperty, OWL.SymmetricProperty,
            OWL.ReflexiveProperty, OWL.IrreflexiveProperty, OWL.AsymmetricProperty,
            OWL.InverseFunctionalProperty, OWL.NegativePropertyAssertion, OWL.datatypeComplementOf,
            OWL.onDatatype, OWL.withRestrictions}

# Terms of the ontology itself, whose rdf:type is a declaration, not a class membership.
_SCHEMA_TYPES = (OWL.Class, OWL.Restriction, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                 OWL.FunctionalProperty, OWL.Ontology, RDFS.Datatype)

# A class expression: ("class", C) | ("and", [...]) | ("or", [...]) | ("value", p, v)
# | ("some", p, expr) | ("data", p, datatype)
Expr = tuple


@dataclass
class Rules:
    supers: dict[Node, set[Node]]                   # reflexive-transitive named superclasses
    domains: dict[Node, set[Node]] = field(default_factory=dict)
    ranges: dict[Node, set[Node]] = field(default_factory=dict)
    inverses: dict[Node, set[Node]] = field(default_factory=dict)
    defined: list[tuple[Node, Expr]] = field(default_factory=list)
    disjoint: list[tuple[Node, Node]] = field(default_factory=list)
    classes: set[Node] = field(default_factory=set)  # the named classes types are reported for

    def up(self, cls: Node) -> set[Node]:
        return self.supers.get(cls, {cls})


def compile_rules(ontology: Graph) -> Rules:
    """The rules of the ontology's type entailments; KuntaKGError for an axiom outside the fragment."""
    _refuse_outside(ontology)
    parents: dict[Node, set[Node]] = defaultdict(set)
    defined = []
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents[sub].add(sup)
        elif isinstance(sub, URIRef):
            _expression(ontology, sup)  # a superclass expression adds no named type; only check its form
    for cls, eq in ontology.subject_objects(OWL.equivalentClass):
        if isinstance(eq, URIRef):
            parents[cls].add(eq)
            parents[eq].add(cls)
        else:
            expr = _expression(ontology, eq)
            defined.append((cls, expr))
            parents[cls].update(c for c in _conjuncts(expr))  # C ≡ A ⊓ … gives C ⊑ A
            for member in _disjuncts(expr):                    # C ≡ A ⊔ B gives A ⊑ C, B ⊑ C
                parents[member].add(cls)
    classes: set[Node] = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    classes |= {c for cs in parents.values() for c in cs} | set(parents)
    rules = Rules(supers=closure(parents, classes), classes=classes - {OWL.Thing})
    for prop, cls in ontology.subject_objects(RDFS.domain):
        rules.domains.setdefault(prop, set()).add(cls)
    for prop, cls in ontology.subject_objects(RDFS.range):
        if cls not in _DATATYPES and not str(cls).startswith(str(XSD)) and cls != RDFS.Literal:
            rules.ranges.setdefault(prop, set()).add(cls)
    for p, q in ontology.subject_objects(OWL.inverseOf):
        rules.inverses.setdefault(p, set()).add(q)
        rules.inverses.setdefault(q, set()).add(p)
    rules.defined = defined
    rules.disjoint = sorted(ontology.subject_objects(OWL.disjointWith))
    return rules


def _refuse_outside(ontology: Graph) -> None:
    for s, p, o in ontology:
        if p in _OUTSIDE or (p == RDF.type and o in _OUTSIDE):
            raise KuntaKGError(f"the rules reasoner does not cover {ontology.qname(str(o if p == RDF.type else p))} "
                               f"(on {s}); reason with HermiT instead (kuntakg build --reasoner hermit)")


def closure(parents: dict[Node, set[Node]], classes: set[Node]) -> dict[Node, set[Node]]:
    """Each class's superclasses, itself included (reflexive-transitive)."""
    closure = {}
    for cls in classes:
        seen, todo = {cls}, list(parents.get(cls, ()))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(parents.get(c, ()))
        closure[cls] = seen
    return closure


def _expression(g: Graph, node) -> Expr:
    if isinstance(node, URIRef):
        return ("class", node)
    if (node, OWL.intersectionOf, None) in g:
        return ("and", [_expression(g, m) for m in Collection(g, g.value(node, OWL.intersectionOf))])
    if (node, OWL.unionOf, None) in g:
        return ("or", [_expression(g, m) for m in Collection(g, g.value(node, OWL.unionOf))])
    prop = g.value(node, OWL.onProperty)
    if prop is not None and (node, OWL.hasValue, None) in g:
        return ("value", prop, g.value(node, OWL.hasValue))
    filler = g.value(node, OWL.someValuesFrom)
    if prop is not None and filler is not None:
        if filler in _DATATYPES:
            return ("data", prop, filler)
        return ("some", prop, _expression(g, filler))
    raise KuntaKGError(f"the rules reasoner does not cover the class expression {node} "
                       f"({', '.join(sorted(g.qname(str(p)) for p in g.predicates(node)))})")


def _conjuncts(expr: Expr) -> Iterator[Node]:
    if expr[0] == "class":
        yield expr[1]
    elif expr[0] == "and":
        for e in expr[1]:
            yield from _conjuncts(e)


def _disjuncts(expr: Expr) -> Iterator[Node]:
    if expr[0] == "or":
        for e in expr[1]:
            if e[0] == "class":
                yield e[1]


def _properties(expr: Expr) -> Iterator[Node]:
    if expr[0] in ("and", "or"):
        for e in expr[1]:
            yield from _properties(e)
    elif expr[0] in ("value", "some", "data"):
        yield expr[1]
        if expr[0] == "some":
            yield from _properties(expr[2])


class _Typing:
    """The entailed named types of every individual, grown to a fixpoint.

    The values of the properties the defined classes look at are indexed in one pass over the
    graphs, so the data can stay in many graphs (one per document) without being copied into one."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.types: dict[Node, set[Node]] = defaultdict(set)
        self.members: dict[Node, set[Node]] = defaultdict(set)
        self.asserted: dict[Node, set[Node]] = defaultdict(set)
        self.looked_at = {p for _, expr in rules.defined for p in _properties(expr)}
        self.values: dict[Node, dict[Node, list]] = {p: defaultdict(list) for p in self.looked_at}

    def scan(self, graph: Graph, schema: set) -> None:
        rules = self.rules
        for s, p, o in graph:
            if p == RDF.type:
                self.asserted[s].add(o)
                if isinstance(o, URIRef) and s not in schema:
                    self.add(s, o)
                continue
            for cls in rules.domains.get(p, ()):
                self.add(s, cls)
            for cls in rules.ranges.get(p, ()):
                self.add(o, cls)
            if p in self.looked_at:
                self.values[p][s].append(o)
            for inv in rules.inverses.get(p, ()):  # (s p o) is (o inv s)
                for cls in rules.domains.get(inv, ()):
                    self.add(o, cls)
                for cls in rules.ranges.get(inv, ()):
                    self.add(s, cls)
                if inv in self.looked_at:
                    self.values[inv][o].append(s)

    def add(self, node: Node, cls: Node) -> bool:
        if isinstance(node, Literal) or cls in self.types[node]:
            return False
        for c in self.rules.up(cls):
            if c not in self.types[node]:
                self.types[node].add(c)
                self.members[c].add(node)
        return True

    def objects(self, node: Node, prop: Node) -> list:
        return self.values[prop].get(node, [])

    def holds(self, node, expr: Expr) -> bool:
        kind = expr[0]
        if kind == "class":
            return expr[1] in self.types.get(node, ())
        if kind == "and":
            return all(self.holds(node, e) for e in expr[1])
        if kind == "or":
            return any(self.holds(node, e) for e in expr[1])
        if kind == "value":
            return any(o == expr[2] for o in self.objects(node, expr[1]))
        if kind == "some":
            return any(self.holds(o, expr[2]) for o in self.objects(node, expr[1]))
        return any(isinstance(o, Literal) and o.datatype in _DATATYPES[expr[2]] for o in self.objects(node, expr[1]))

    def candidates(self, expr: Expr) -> Iterable[Node]:
        """Individuals that may satisfy `expr`: members of a named conjunct, else of any disjunct."""
        named = list(_conjuncts(expr))
        if named:
            return list(self.members.get(named[0], ()))
        if expr[0] == "or":
            return list({n for e in expr[1] for n in self.candidates(e)})
        return list(self.types)


def inferred_types(rules: Rules, ontology: Graph, data: Graph | Iterable[Graph]) -> dict[Node, set[Node]]:
    """Every individual's entailed named types that no graph asserts. Raises Inconsistent."""
    typing = _typing(rules, ontology, data)
    return {node: types - typing.asserted.get(node, set()) for node, types in typing.types.items()}


def schema_terms(ontology: Graph) -> set:
    """The ontology's own terms, whose rdf:type is a declaration, not a class membership."""
    return {s for t in _SCHEMA_TYPES for s in ontology.subjects(RDF.type, t)}


def scan_facts(rules: Rules, schema: set, graph: Graph, encode: Callable[[Any], Any]) -> dict[str, list]:
    """What the scan of one graph contributes to the typing (its asserted types, the types its
    statements give by the class hierarchy, domains, ranges and inverses, and the values of the
    properties the defined classes look at), encoded by `encode` (JSON-ready). The scan of a union of
    graphs is the union of their scans, so :func:`inferred_types_of_facts` over every document's facts
    derives what :func:`inferred_types` derives over their graphs."""
    typing = _Typing(rules)
    typing.scan(graph, schema)
    return {"asserted": [[encode(n), [encode(c) for c in cs]] for n, cs in typing.asserted.items()],
            "types": [[encode(n), [encode(c) for c in cs]] for n, cs in typing.types.items()],
            "values": [[encode(p), [[encode(n), [encode(v) for v in vs]] for n, vs in by_node.items()]]
                       for p, by_node in typing.values.items() if by_node]}


def inferred_types_of_facts(rules: Rules, ontology: Graph, graphs: Iterable[Graph],
                            facts: Iterable[dict[str, list]], decode: Callable[[Any], Any]) -> dict[Node, set[Node]]:
    """:func:`inferred_types` over `graphs` and the graphs whose scans are `facts` (see scan_facts)."""
    typing = _Typing(rules)
    schema = schema_terms(ontology)
    for graph in (ontology, *graphs):
        typing.scan(graph, schema)
    for fact in facts:
        for node, classes in fact["asserted"]:
            typing.asserted[decode(node)].update(decode(c) for c in classes)
        for node, classes in fact["types"]:
            subject = decode(node)
            for c in classes:
                typing.add(subject, decode(c))
        for prop, by_node in fact["values"]:
            values = typing.values[decode(prop)]
            for node, vs in by_node:
                values[decode(node)].extend(decode(v) for v in vs)
    _fixpoint(rules, typing)
    return {node: types - typing.asserted.get(node, set()) for node, types in typing.types.items()}


def _typing(rules: Rules, ontology: Graph, data: Graph | Iterable[Graph]) -> _Typing:
    data = [data] if isinstance(data, Graph) else data
    typing = _Typing(rules)
    schema = schema_terms(ontology)
    for graph in (ontology, *data):
        typing.scan(graph, schema)
    _fixpoint(rules, typing)
    return typing


def _fixpoint(rules: Rules, typing: _Typing) -> None:
    """The defined classes, iterated until nothing changes; then the disjointness check."""
    changed = True
    while changed:
        changed = False
        for cls, expr in rules.defined:
            for node in typing.candidates(expr):
                if cls not in typing.types[node] and typing.holds(node, expr):
                    changed |= typing.add(node, cls)
    _check_disjoint(rules, typing)


def _check_disjoint(rules: Rules, typing: _Typing) -> None:
    for a, b in rules.disjoint:
        both = typing.members.get(a, set()) & typing.members.get(b, set())
        if both:
            node = min(both, key=str)
            raise Inconsistent(f"the ontology and the data are inconsistent: <{node}> is both a {a} and a {b}, "
                               f"which the ontology declares disjoint ({len(both)} such individuals)")
