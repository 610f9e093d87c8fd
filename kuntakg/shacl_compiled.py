"""Simple SHACL property shapes run as direct graph look-ups; pySHACL gets only the rest (issue 15).

pySHACL evaluates every property shape once per focus node in Python, with a constraint object built
per call: at a million quads that was a third of the cold build. Most of our shapes are plain
cardinality, datatype, node kind, sh:in, sh:class, string and range checks on one predicate (or its
inverse) of the nodes a node shape targets. `compile_shapes` picks those property shapes out, and
returns them as `PropertyCheck`s together with the shapes graph without them, for pySHACL.
`run_checks` evaluates the checks over the data graph with the ontology mixed in exactly as pySHACL
mixes it (its own `inoculate`), and yields the results pySHACL would report for them: same focus
node, path, value, constraint component, source shape, severity and messages. Each constraint below
follows pySHACL's implementation of it (pyshacl.constraints.core, 0.40), quirks included; anything
not listed here, or written in a form pySHACL would reject or treat specially, stays with pySHACL
whole (see `_node_candidates` and `_property_check`)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import cast

from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS
from pyshacl.consts import XSD_WHOLE_INTEGERS
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

# Parameters of the constraints compiled here (sh:flags belongs to sh:pattern): the simple ones, and
# sh:or and qualified counts over member shapes that have only simple ones.
SIMPLE = {SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["in"], SH["class"], SH.pattern,
          SH.minLength, SH.maxLength, SH.minInclusive, SH.minExclusive, SH.maxInclusive,
          SH.maxExclusive, SH.languageIn, SH.uniqueLang}
OVER_SHAPES = {SH["or"], SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
               SH.qualifiedValueShapesDisjoint}
COMPILED = SIMPLE | OVER_SHAPES
# Every predicate that makes pySHACL evaluate something on a shape: the core constraint parameters,
# and the SHACL-AF / JS ones it adds in advanced mode.
CONSTRAINT_PARAMETERS = {*ALL_CONSTRAINT_PARAMETERS, SH.expression, SH.js}
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
ALLOWED_SEVERITIES = {SH.Info, SH.Warning}  # what allow_warnings=True lets through (validate.check)


@dataclass(frozen=True)
class Finding:
    """One validation result, as pySHACL reports it (sh:resultPath is the shapes graph's node)."""
    focus: Node | None
    path: Node | None
    value: Node | None
    component: Node | None
    shape: Node | None
    severity: Node | None
    messages: frozenset[Node]


class DataView:
    """Look-ups over the graph pySHACL validates: the data with the ontology's class and property
    axioms poured in (pyshacl.rdfutil.inoculate). Class closures are memoised: the same few classes
    are asked about for every node."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._subclasses: dict[Node, frozenset[Node]] = {}

    def objects(self, subject: Node, predicate: Node) -> set[Node]:
        return set(self.graph.objects(subject, predicate))

    def subjects(self, predicate: Node, obj: Node) -> set[Node]:
        return set(self.graph.subjects(predicate, obj))

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        return self.graph.subject_objects(predicate)

    def subclasses(self, cls: Node) -> frozenset[Node]:
        """`cls` and everything rdfs:subClassOf* it (rdflib's transitive_subjects, as pySHACL walks it)."""
        found = self._subclasses.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for sub in self.subjects(RDFS.subClassOf, todo.pop()):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            found = self._subclasses[cls] = frozenset(seen)
        return found

    def is_instance(self, node: Node, cls: Node) -> bool:
        """sh:class as pySHACL decides it: a type of `node` that is `cls` or a subclass of it."""
        if isinstance(node, Literal):
            return False
        classes = self.subclasses(cls)
        return any(t in classes for t in self.graph.objects(node, RDF.type))

    def instances(self, cls: Node) -> set[Node]:
        return {s for c in self.subclasses(cls) for s in self.subjects(RDF.type, c)}


# A constraint: (focus, its value nodes, the data) -> the sh:value of each result (None: no value).
Constraint = Callable[[Node, set[Node], DataView], list[Node | None]]


@dataclass(frozen=True)
class Targets:
    """A node shape's targets (pyshacl.shape.Shape.focus_nodes): sh:targetClass takes subclasses."""
    nodes: tuple[Node, ...] = ()
    classes: tuple[Node, ...] = ()
    subjects_of: tuple[Node, ...] = ()
    objects_of: tuple[Node, ...] = ()

    def focus_nodes(self, view: DataView) -> set[Node]:
        found = set(self.nodes)
        for cls in self.classes:
            found |= view.instances(cls)
        for p in self.subjects_of:
            found.update(s for s, _ in view.subject_objects(p))
        for p in self.objects_of:
            found.update(o for _, o in view.subject_objects(p))
        return found


@dataclass(frozen=True)
class PropertyCheck:
    """A property shape of a node shape, compiled: its constraints over one predicate of the focus; or
    the node shape's own constraints (no predicate: the focus is the value)."""
    shape: Node
    path: Node | None  # the sh:path node of the shapes graph, reported as sh:resultPath
    predicate: URIRef | None
    inverse: bool
    constraints: tuple[tuple[URIRef, Constraint], ...]  # (constraint component, check)
    severity: Node
    messages: frozenset[Node]
    counts: bool  # whether its results make the report non-conforming (see _counts)

    def values(self, focus: Node, view: DataView) -> set[Node]:
        return _values(focus, self.predicate, self.inverse, view)


def _values(focus: Node, predicate: URIRef | None, inverse: bool, view: DataView) -> set[Node]:
    if predicate is None:
        return {focus}
    return view.subjects(predicate, focus) if inverse else view.objects(focus, predicate)


@dataclass(frozen=True)
class NodeCheck:
    shape: Node
    targets: Targets
    properties: tuple[PropertyCheck, ...]


@dataclass
class Compiled:
    checks: list[NodeCheck]
    reduced: Graph  # the shapes pySHACL still has to run
    compiled_shapes: set[Node] = field(default_factory=set)  # the property shapes (and node shapes' own) taken out


def run_checks(checks: Iterable[NodeCheck], view: DataView) -> tuple[bool, list[Finding]]:
    """The results of the compiled shapes over the data, and whether they conform."""
    conforms, findings = True, []
    for node in checks:
        focus_nodes = node.targets.focus_nodes(view)
        for prop in node.properties:
            for focus in focus_nodes:
                values = prop.values(focus, view)
                for component, constraint in prop.constraints:
                    for value in constraint(focus, values, view):
                        findings.append(Finding(focus, prop.path, value, component, prop.shape, prop.severity,
                                                prop.messages))
                        conforms = conforms and not prop.counts
    return conforms, findings


# --- the constraints (each mirrors pyshacl.constraints.core.<module>.<Component>.evaluate) ---------

def _min_count(n: int) -> Constraint:
    return lambda focus, values, view: [None] if n and len(values) < n else []


def _max_count(n: int) -> Constraint:
    return lambda focus, values, view: [None] if len(values) > n else []


def _each(test: Callable[[Node, DataView], bool]) -> Constraint:
    return lambda focus, values, view: [v for v in values if not test(v, view)]


def _datatype_matches(value: Node, rule: Node | None) -> bool:
    if not isinstance(value, Literal):
        return False
    if value.datatype == rule:
        return getattr(value, "ill_typed", None) is not True and _actual_datatype(value, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and rule == XSD.string:
        return _actual_datatype(value, rule)
    if rule == RDF.langString and value.language:
        return _actual_datatype(value, rule)
    return False


# The Python value pySHACL expects of a literal of these datatypes; other datatypes pass unchecked.
PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def _actual_datatype(value: Literal, rule: Node | None) -> bool:
    kind = PYTHON_TYPES.get(rule) if rule is not None else None
    return kind is None or isinstance(value.value, kind)


NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal)}


def _node_kind_matches(value: Node, rule: Node | None) -> bool:
    kinds: tuple[type, ...] = NODE_KINDS.get(rule, ()) if rule is not None else ()
    if isinstance(value, BNode):
        return BNode in kinds
    if isinstance(value, Literal):
        return Literal in kinds
    return URIRef in kinds


def _datatype(rule: Node | None) -> Callable[[Node, DataView], bool]:
    return lambda v, view: _datatype_matches(v, rule)


def _node_kind(rule: Node | None) -> Callable[[Node, DataView], bool]:
    return lambda v, view: _node_kind_matches(v, rule)


def _member_of(allowed: frozenset[Node]) -> Callable[[Node, DataView], bool]:
    return lambda v, view: v in allowed


def _instance_of(cls: Node) -> Callable[[Node, DataView], bool]:
    return lambda v, view: view.is_instance(v, cls)


def _as_string(value: Node) -> str:
    """pySHACL's StringBasedConstraintBase.value_node_to_string."""
    if isinstance(value, Literal) and value.value is not None and value.datatype in (None, RDF.langString, XSD.string):
        return str(value.value)
    return str(value)


def _pattern(rule: Literal, flags: Node | None) -> Callable[[Node, DataView], bool]:
    re_flags = 0
    if isinstance(flags, Literal) and flags:  # pySHACL reads only i and m
        text = str(flags.value).lower()
        re_flags |= (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
    source = str(rule.value) if rule.value is not None and len(rule.value) > 1 else str(rule)
    matcher = re.compile(source, re_flags)
    return lambda v, view: not isinstance(v, BNode) and bool(matcher.search(_as_string(v)))


def _length(bound: int, at_least: bool) -> Callable[[Node, DataView], bool]:
    if at_least:
        return lambda v, view: bound == 0 or (not isinstance(v, BNode) and len(_as_string(v)) >= bound)
    return lambda v, view: not isinstance(v, BNode) and len(_as_string(v)) <= bound


def _range(bound: Literal, accept: Callable[[int], bool]) -> Callable[[Node, DataView], bool]:
    bound_is_string = isinstance(bound.value, str)

    def test(v: Node, view: DataView) -> bool:
        if not isinstance(v, Literal) or isinstance(v.value, str) != bound_is_string:
            return False
        try:
            return accept(compare_literal(v, bound))
        except (TypeError, NotImplementedError):
            return False
    return test


def _language_in(languages: set[str]) -> Callable[[Node, DataView], bool]:
    def test(v: Node, view: DataView) -> bool:
        if not isinstance(v, Literal) or not v.language:
            return False
        lang = str(v.language)
        return "*" in languages or lang.lower() in languages or lang.split("-")[0].lower() in languages
    return test


def _unique_lang(focus: Node, values: set[Node], view: DataView) -> list[Node | None]:
    seen: set[str] = set()
    duplicated: set[str] = set()
    for v in values:
        if isinstance(v, Literal) and v.language:
            lang = str(v.language).lower()
            (duplicated if lang in seen else seen).add(lang)
    return [None] * len(duplicated)


# A member shape of sh:or or sh:qualifiedValueShape, compiled: whether a node conforms to it.
Conforms = Callable[[Node, DataView], bool]


def _any_of(members: list[Conforms]) -> Callable[[Node, DataView], bool]:
    """sh:or (pyshacl OrConstraintComponent): a value conforms to one of the members at least."""
    return lambda v, view: any(member(v, view) for member in members)


def _qualified(member: Conforms, bound: int, at_least: bool) -> Constraint:
    """sh:qualifiedMinCount / sh:qualifiedMaxCount (pyshacl QualifiedValueShapeConstraintComponent, not
    disjoint): one result without a value when the number of values conforming to the member is off."""
    def constraint(focus: Node, values: set[Node], view: DataView) -> list[Node | None]:
        conforming = sum(1 for v in values if member(v, view))
        return [None] if (conforming < bound if at_least else conforming > bound) else []
    return constraint


# --- compiling: which shapes, and the constraints of each -----------------------------------------

def _single(shapes: Graph, node: Node, predicate: URIRef) -> Node | None:
    """The one value of `predicate`; None when it is absent. ValueError when there are several."""
    values = list(shapes.objects(node, predicate))
    if len(values) > 1:
        raise ValueError(predicate)
    return values[0] if values else None


def _whole_integer(node: Node | None) -> int | None:
    if (isinstance(node, Literal) and not getattr(node, "ill_typed", False) and node.datatype in XSD_WHOLE_INTEGERS
            and isinstance(node.value, int) and node.value >= 0
            and node.datatype not in (XSD.negativeInteger, XSD.nonPositiveInteger)):
        return node.value
    return None


def _count(node: Node | None) -> int | None:
    """sh:minCount / sh:maxCount as pySHACL accepts them: an xsd:integer literal >= 0."""
    if isinstance(node, Literal) and node.datatype == XSD.integer and isinstance(node.value, int) and node.value >= 0:
        return node.value
    return None


def _list(shapes: Graph, head: Node | None) -> list[Node] | None:
    """The members of a well-formed RDF list (None for anything else)."""
    if head == RDF.nil:
        return []
    if not isinstance(head, BNode):
        return None
    members: list[Node] = []
    node: Node = head
    seen: set[Node] = set()
    while node != RDF.nil:
        if node in seen or not isinstance(node, BNode):
            return None
        seen.add(node)
        first, rest = list(shapes.objects(node, RDF.first)), list(shapes.objects(node, RDF.rest))
        if len(first) != 1 or len(rest) != 1:
            return None
        members.append(first[0])
        node = rest[0]
    return members


def _constraints(shapes: Graph, shape: Node, on_path: bool = True, nested: bool = True
                 ) -> list[tuple[URIRef, Constraint]] | None:
    """The compiled constraints of a property shape (`on_path`) or of a node shape itself, or None when
    any is not compilable here (including every form pySHACL refuses to load: it then raises as it does
    today). `nested`: whether sh:or and qualified counts may be compiled (not inside their members)."""
    out: list[tuple[URIRef, Constraint]] = []
    try:
        over_shapes = _over_shapes(shapes, shape, on_path) if nested else []
        if over_shapes is None:
            return None
        out += over_shapes
        if (shape, SH.minCount, None) in shapes:
            n = _count(_single(shapes, shape, SH.minCount))
            if n is None:
                return None
            out.append((SH.MinCountConstraintComponent, _min_count(n)))
        if (shape, SH.maxCount, None) in shapes:
            n = _count(_single(shapes, shape, SH.maxCount))
            if n is None:
                return None
            out.append((SH.MaxCountConstraintComponent, _max_count(n)))
        if (shape, SH.datatype, None) in shapes:
            out.append((SH.DatatypeConstraintComponent, _each(_datatype(_single(shapes, shape, SH.datatype)))))
        if (shape, SH.nodeKind, None) in shapes:
            out.append((SH.NodeKindConstraintComponent, _each(_node_kind(_single(shapes, shape, SH.nodeKind)))))
        if (shape, SH["in"], None) in shapes:
            members = _list(shapes, _single(shapes, shape, SH["in"]))
            if members is None:
                return None
            out.append((SH.InConstraintComponent, _each(_member_of(frozenset(members)))))
        classes = list(shapes.objects(shape, SH["class"]))
        for cls in classes:  # one result per class a value fails, as pySHACL reports them
            out.append((SH.ClassConstraintComponent, _each(_instance_of(cls))))
        patterns = list(shapes.objects(shape, SH.pattern))
        if patterns:
            flags = _single(shapes, shape, SH.flags)
            for rule in patterns:
                if not isinstance(rule, Literal):
                    return None
                out.append((SH.PatternConstraintComponent, _each(_pattern(rule, flags))))
        for predicate, at_least, component in ((SH.minLength, True, SH.MinLengthConstraintComponent),
                                               (SH.maxLength, False, SH.MaxLengthConstraintComponent)):
            if (shape, predicate, None) in shapes:
                length = _whole_integer(_single(shapes, shape, predicate))
                if length is None:
                    return None
                out.append((component, _each(_length(length, at_least))))
        for predicate, accept, component in (
                (SH.minInclusive, lambda c: c >= 0, SH.MinInclusiveConstraintComponent),
                (SH.minExclusive, lambda c: c > 0, SH.MinExclusiveConstraintComponent),
                (SH.maxInclusive, lambda c: c <= 0, SH.MaxInclusiveConstraintComponent),
                (SH.maxExclusive, lambda c: c < 0, SH.MaxExclusiveConstraintComponent)):
            for bound in shapes.objects(shape, predicate):
                if not isinstance(bound, Literal):
                    return None
                out.append((component, _each(_range(bound, accept))))
        if (shape, SH.languageIn, None) in shapes:
            members = _list(shapes, _single(shapes, shape, SH.languageIn))
            if members is None or not all(isinstance(m, Literal) and isinstance(m.value, str) for m in members):
                return None
            languages = {str(m).lower() for m in members}
            out.append((SH.LanguageInConstraintComponent, _each(_language_in(languages))))
        if (shape, SH.uniqueLang, None) in shapes:
            flag = _single(shapes, shape, SH.uniqueLang)
            if not isinstance(flag, Literal) or not isinstance(flag.value, bool):
                return None
            if flag.value:
                out.append((SH.UniqueLangConstraintComponent, _unique_lang))
    except ValueError:  # a parameter given twice where pySHACL allows one: its error, not ours
        return None
    return out


def _over_shapes(shapes: Graph, shape: Node, on_path: bool) -> list[tuple[URIRef, Constraint]] | None:
    """sh:or and sh:qualifiedValueShape whose member shapes are simple (see `_member`)."""
    out: list[tuple[URIRef, Constraint]] = []
    for head in shapes.objects(shape, SH["or"]):
        members = [_member(shapes, m) for m in _list(shapes, head) or []]
        if not members or any(m is None for m in members):
            return None
        out.append((SH.OrConstraintComponent, _each(_any_of(cast(list[Conforms], members)))))
    qualified = {p for p, _ in shapes.predicate_objects(shape)} & (OVER_SHAPES - {SH["or"]})
    if qualified:
        if not on_path or SH.qualifiedValueShapesDisjoint in qualified:
            return None  # pySHACL ignores them on a node shape; sibling shapes are not compiled
        bounds = [
            (_qualified_count(shapes, shape, SH.qualifiedMinCount), True, SH.QualifiedMinCountConstraintComponent),
            (_qualified_count(shapes, shape, SH.qualifiedMaxCount), False, SH.QualifiedMaxCountConstraintComponent)]
        given = [(n, at_least, c) for n, at_least, c in bounds if n is not None]
        value_shapes = list(shapes.objects(shape, SH.qualifiedValueShape))
        if any(n is False for n, _, _ in bounds) or not given or not value_shapes:
            return None
        for value_shape in value_shapes:
            member = _member(shapes, value_shape)
            if member is None:
                return None
            out += [(component, _qualified(member, n, at_least)) for n, at_least, component in given]
    return out


def _qualified_count(shapes: Graph, shape: Node, predicate: URIRef) -> int | bool | None:
    """sh:qualifiedMinCount / MaxCount as pySHACL reads it (a literal whose value is an int); None when
    absent, False when pySHACL would refuse it."""
    values = list(shapes.objects(shape, predicate))
    if not values:
        return None
    value = values[0].value if len(values) == 1 and isinstance(values[0], Literal) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else False


MEMBER_PREDICATES = SIMPLE | {SH.path, SH.flags, RDF.type}


def _member(shapes: Graph, node: Node) -> Conforms | None:
    """A member shape of sh:or / sh:qualifiedValueShape, when it is a blank node of simple constraints
    (on the node itself, or on one predicate of it) that only that list refers to: whether a node
    conforms to it (pySHACL's Shape.validate with it as focus, conforming when there is no result)."""
    if not isinstance(node, BNode) or not _referenced_once(shapes, node):
        return None
    if not {p for p, _ in shapes.predicate_objects(node)} <= MEMBER_PREDICATES:
        return None
    if not set(shapes.objects(node, RDF.type)) <= {SH.NodeShape, SH.PropertyShape}:
        return None
    path = _simple_path(shapes, node) if (node, SH.path, None) in shapes else None
    if (node, SH.path, None) in shapes and path is None:
        return None
    constraints = _constraints(shapes, node, on_path=path is not None, nested=False)
    if constraints is None:
        return None
    predicate, inverse = (path[1], path[2]) if path is not None else (None, False)

    def conforms(value: Node, view: DataView) -> bool:
        values = _values(value, predicate, inverse, view)
        return not any(constraint(value, values, view) for _, constraint in constraints)
    return conforms


def _custom_parameters(shapes: Graph) -> set[Node] | None:
    """Parameters of the constraint components the shapes graph defines itself (pySHACL applies them
    to every shape that has their mandatory parameters); None when one has no mandatory parameter,
    and so applies to every shape."""
    found: set[Node] = set()
    for component in shapes.subjects(RDF.type, SH.ConstraintComponent):
        mandatory = False
        for parameter in shapes.objects(component, SH.parameter):
            found.update(shapes.objects(parameter, SH.path))
            optional = shapes.value(parameter, SH.optional)
            mandatory = mandatory or not (isinstance(optional, Literal) and optional.value is True)
        if not mandatory:
            return None
    return found


def _simple_path(shapes: Graph, shape: Node) -> tuple[Node, URIRef, bool] | None:
    """(path node, predicate, inverse?) for a predicate path or sh:inversePath of one predicate."""
    paths = list(shapes.objects(shape, SH.path))
    if len(paths) != 1:
        return None
    path = paths[0]
    if isinstance(path, URIRef):
        return path, path, False
    if isinstance(path, BNode):
        description = list(shapes.predicate_objects(path))
        if (len(description) == 1 and description[0][0] == SH.inversePath and isinstance(description[0][1], URIRef)
                and len(list(shapes.subject_predicates(path))) == 1):
            return path, description[0][1], True
    return None


def _severity(shapes: Graph, shape: Node) -> Node | None:
    values = set(shapes.objects(shape, SH.severity))
    if len(values) > 1:
        return None  # pySHACL picks one of them at random
    return next(iter(values), SH.Violation)


def _referenced_once(shapes: Graph, node: Node) -> bool:
    return len(list(shapes.subject_predicates(node))) == 1


def _targets(shapes: Graph, shape: Node) -> Targets | None:
    """The node shape's targets when all are of the four plain kinds (not sh:target, not an implicit
    class target: a shape that is itself a class)."""
    if (shape, SH.target, None) in shapes:
        return None
    metaclasses = {RDFS.Class, *shapes.transitive_subjects(RDFS.subClassOf, RDFS.Class)}
    if any(t in metaclasses for t in shapes.objects(shape, RDF.type)):
        return None
    return Targets(*(tuple(shapes.objects(shape, p)) for p in TARGETS))


def _counts(node_severity: Node, prop_severity: Node) -> bool:
    """With allow_warnings, pySHACL lets a result through (the report still conforms) when either the
    property shape's or its node shape's severity is sh:Info or sh:Warning."""
    return node_severity not in ALLOWED_SEVERITIES and prop_severity not in ALLOWED_SEVERITIES


def _property_check(shapes: Graph, shape: Node, node_severity: Node, custom: set[Node]) -> PropertyCheck | None:
    if not _referenced_once(shapes, shape) or (shape, SH.deactivated, None) in shapes:
        return None
    if any((shape, p, None) in shapes for p in TARGETS + (SH.target,)) or (shape, RDF.type, SH.NodeShape) in shapes:
        return None
    parameters = {p for p, _ in shapes.predicate_objects(shape) if p in CONSTRAINT_PARAMETERS or p in custom}
    if not parameters <= COMPILED:
        return None
    messages = frozenset(shapes.objects(shape, SH.message))
    severity = _severity(shapes, shape)
    path = _simple_path(shapes, shape)
    if not messages or severity is None or path is None:  # no sh:message: pySHACL words the message
        return None
    constraints = _constraints(shapes, shape)
    if constraints is None:
        return None
    return PropertyCheck(shape, path[0], path[1], path[2], tuple(constraints), severity, messages,
                         _counts(node_severity, severity))


def _node_check(shapes: Graph, shape: Node, severity: Node, parameters: set[Node]
                ) -> tuple[PropertyCheck, set[tuple[Node, Node, Node]]] | None:
    """The node shape's own constraints (sh:or on the focus, say), compiled, with the triples that
    describe them; None when it has none, or any of them is left to pySHACL."""
    messages = frozenset(shapes.objects(shape, SH.message))
    if not parameters or not parameters <= COMPILED or not messages:
        return None
    constraints = _constraints(shapes, shape, on_path=False)
    if constraints is None:
        return None
    described: set[tuple[Node, Node, Node]] = set()
    for parameter in parameters:
        for value in shapes.objects(shape, parameter):
            described.add((shape, parameter, value))
            if isinstance(value, BNode):
                owned = _owned(shapes, value)
                if not owned:
                    return None
                described |= owned
    check = PropertyCheck(shape, None, None, False, tuple(constraints), severity, messages, _counts(severity, severity))
    return check, described


def _node_candidates(shapes: Graph) -> Iterator[Node]:
    """Shapes pySHACL validates on their own, from their targets, and only so: node shapes with
    targets that no other shape refers to. Not a closed shape (sh:closed reads its sh:property list),
    not a deactivated one, nor one pySHACL refuses to load (a property shape without a path)."""
    with_targets = {s for p in TARGETS for s in shapes.subjects(p, None)}
    for shape in sorted(with_targets, key=str):
        if any((shape, p, None) in shapes for p in (SH.path, SH.deactivated, SH.closed)):
            continue
        if (shape, RDF.type, SH.PropertyShape) in shapes:
            continue
        if next(shapes.subject_predicates(shape), None) is not None:
            continue
        yield shape


def compile_shapes(shapes: Graph) -> Compiled:
    """Split the shapes graph into compiled checks and the shapes graph pySHACL still runs."""
    custom = _custom_parameters(shapes)
    removed: set[tuple[Node, Node, Node]] = set()
    checks: list[NodeCheck] = []
    compiled: set[Node] = set()
    # SHACL rules change the data before pySHACL validates it (advanced mode): then nothing is compiled
    if custom is None or (None, SH.rule, None) in shapes:
        return Compiled(checks, shapes, compiled)
    for shape in _node_candidates(shapes):
        targets, severity = _targets(shapes, shape), _severity(shapes, shape)
        if targets is None or severity is None:
            continue
        props = []
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            check = _property_check(shapes, prop, severity, custom)
            if check is None:
                continue
            owned = _owned(shapes, prop)
            props.append(check)
            compiled.add(prop)
            removed.add((shape, SH.property, prop))
            removed |= owned
        rest = {p for p, _ in shapes.predicate_objects(shape) if p in CONSTRAINT_PARAMETERS or p in custom}
        own = _node_check(shapes, shape, severity, rest - {SH.property})
        if own is not None:
            props.append(own[0])
            compiled.add(shape)
            removed |= own[1]
            rest &= {SH.property}
        if not props:
            continue
        checks.append(NodeCheck(shape, targets, tuple(props)))
        if all((shape, SH.property, p) in removed for p in shapes.objects(shape, SH.property)):
            rest.discard(SH.property)
        if not rest:  # nothing left for pySHACL to do with this shape: not even its focus nodes
            removed |= {(shape, p, o) for p, o in shapes.predicate_objects(shape)}
    reduced = Graph(namespace_manager=shapes.namespace_manager)
    for triple in shapes:
        if triple not in removed:
            reduced.add(triple)
    return Compiled(checks, reduced, compiled)


def _owned(shapes: Graph, node: Node) -> set[tuple[Node, Node, Node]]:
    """The triples describing a compiled property shape, with the blank nodes only it refers to (its
    path, its sh:in and sh:languageIn lists), so that pySHACL does not load it again. A blank node
    that something else refers to as well is kept, and so is the shape's description then."""
    triples: set[tuple[Node, Node, Node]] = set()
    todo, seen = [node], {node}
    while todo:
        subject = todo.pop()
        for p, o in shapes.predicate_objects(subject):
            triples.add((subject, p, o))
            if isinstance(o, BNode) and o not in seen:
                if not _referenced_once(shapes, o):
                    return set()
                seen.add(o)
                todo.append(o)
    return triples
