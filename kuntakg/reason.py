"""OWL reasoning with owlready2 + HermiT: consistency of ontology + data, and inferred types.

owlready2 reads N-Triples, not Turtle (format="turtle" silently loads nothing), so graphs go in as
N-Triples. HermiT keeps only the most specific inferred classes; the superclasses are added here
from the ontology's own class hierarchy so that the inferred graph holds every entailed type.
"""
from __future__ import annotations

import io
import shutil
from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import Inconsistent, KuntaKGError

_INFERENCES = "http://inferrences/"  # owlready2's fixed name for the reasoner's output ontology
# HermiT refuses literals outside the OWL 2 datatype map (xsd:date, xsd:gYear). They carry no class
# information in this ontology, so they are left out of the reasoner's input; SHACL checks them.
_OUTSIDE_OWL2 = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.duration}


def reason(ontology: Graph, data: Graph) -> Graph:
    """Inferred rdf:type triples not already asserted. Raises Inconsistent."""
    import owlready2  # heavy import (Java bridge); only the build needs it

    if shutil.which(owlready2.JAVA_EXE) is None and shutil.which("java") is None:
        raise KuntaKGError("HermiT needs Java: install a Java runtime (e.g. apt-get install default-jre-headless)")
    world = owlready2.World()
    source = Graph()
    for triple in (*ontology, *data):
        if not (isinstance(triple[2], Literal) and triple[2].datatype in _OUTSIDE_OWL2):
            source.add(triple)
    source = source.serialize(format="nt", encoding="utf-8")
    world.get_ontology("https://w3id.org/kuntakg/reasoning-input").load(
        fileobj=io.BytesIO(source), format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise Inconsistent("HermiT: the ontology and the data are inconsistent") from exc
    found = world.as_rdflib_graph().get_context(world.get_ontology(_INFERENCES))
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    direct = defaultdict(set)
    for s, o in found.subject_objects(RDF.type):
        if isinstance(s, URIRef) and o in classes:
            direct[s].add(o)
    for s, o in data.subject_objects(RDF.type):
        direct[s].add(o)
    return _entailed_types(direct, ontology, data)


def _entailed_types(types: dict, ontology: Graph, data: Graph) -> Graph:
    supers = _superclasses(ontology)
    inferred = Graph()
    for individual, classes in types.items():
        for cls in set(classes).union(*(supers.get(c, set()) for c in classes)):
            if (individual, RDF.type, cls) not in data and cls != OWL.Thing:
                inferred.add((individual, RDF.type, cls))
    return inferred


def _superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    parents = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents[sub].add(sup)
    closure = {}
    for cls in list(parents):
        seen, todo = set(), list(parents[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(parents.get(c, ()))
        closure[cls] = seen
    return closure
