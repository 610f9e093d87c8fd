"""The two reasoners: the rules compiled from the ontology, and HermiT, derive the same types."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, XSD

from kuntakg import Project
from kuntakg.errors import Inconsistent, KuntaKGError
from kuntakg.reason import hermit, reason, rules
from kuntakg.entailment import compile_rules

KK = Namespace("https://w3id.org/kuntakg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
LEVEL = Namespace("https://w3id.org/kuntakg/code/goal-level/")
X = Namespace("https://example.org/x/")

SMALL = f"""
@prefix kk: <{KK}> . @prefix org: <{ORG}> . @prefix foaf: <{FOAF}> . @prefix level: <{LEVEL}> .
@prefix x: <{X}> . @prefix xsd: <{XSD}> .
x:goal a kk:Goal ; kk:goalLevel level:operational ; kk:hasIndicator x:metric .
x:metric kk:hasTarget x:target .
x:target a kk:Target ; kk:targetValue "20"^^xsd:decimal .
x:wording a kk:Target .
x:longterm a kk:Goal ; kk:goalLevel level:long-term .
x:person foaf:name "N.N." ; org:holds x:post .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Project().ontology


def _types(graph: Graph, node) -> set[str]:
    return {o.n3().split("#")[-1].rstrip(">") for o in graph.objects(node, RDF.type)}


def test_rules_derive_the_defined_classes(ontology):
    found = rules(ontology, Graph().parse(data=SMALL, format="turtle"))
    assert {"OperationalGoal", "MeasurableElement", "PlanElement"} <= _types(found, X.goal)
    assert "Indicator" in _types(found, X.metric)                       # rdfs:domain of kk:hasTarget
    assert "NumericTarget" in _types(found, X.target)                   # someValuesFrom xsd:decimal
    assert "NumericTarget" not in _types(found, X.wording)
    assert {"LongTermGoal"} <= _types(found, X.longterm) and "MeasurableElement" not in _types(found, X.longterm)
    assert {"Post", "ResponsibleParty"} <= _types(found, X.post)        # owl:inverseOf, then owl:unionOf
    assert "Goal" not in _types(found, X.goal)                          # asserted, so not "inferred"


@pytest.mark.slow
def test_rules_equal_hermit_on_a_small_graph(ontology):
    data = Graph().parse(data=SMALL, format="turtle")
    assert set(rules(ontology, data)) == set(hermit(ontology, data))


def test_the_seed_build_was_cross_checked_by_hermit(seed_build):
    """`auto` ran both engines over all seed documents and the build fails if they disagree."""
    assert seed_build.reasoners == ("rules", "hermit")
    assert seed_build.inferred > 2000


@pytest.mark.slow
def test_both_engines_find_disjoint_classes_inconsistent(ontology):
    data = Graph().parse(data=SMALL, format="turtle")
    data.add((X.goal, RDF.type, KK.Action))  # kk:Goal owl:disjointWith kk:Action
    with pytest.raises(Inconsistent, match="goal.*disjoint"):
        rules(ontology, data)
    with pytest.raises(Inconsistent):
        hermit(ontology, data)


def test_an_axiom_outside_the_fragment_is_refused(ontology):
    extended = ontology + Graph()
    extended.add((KK.contributesTo, RDF.type, OWL.TransitiveProperty))
    with pytest.raises(KuntaKGError, match="TransitiveProperty.*--reasoner hermit"):
        compile_rules(extended)


def test_auto_leaves_large_data_to_the_rules_and_checks_the_ontology_with_hermit(ontology):
    data = Graph().parse(data=SMALL, format="turtle")
    result = reason(ontology, data, "auto", hermit_limit=len(data) - 1)
    assert result.engines == ("rules", "hermit-tbox")
    assert set(result.inferred) == set(rules(ontology, data))


def test_numeric_datatypes_follow_the_owl2_datatype_map(ontology):
    data = Graph().parse(data=SMALL, format="turtle")
    data.set((X.target, KK.targetValue, Literal("3", datatype=XSD.integer)))
    data.add((X.wording, KK.targetValue, Literal("kolme")))
    found = rules(ontology, data)
    assert "NumericTarget" in _types(found, X.target)       # xsd:integer values are xsd:decimal values
    assert "NumericTarget" not in _types(found, X.wording)  # a plain string is not
    assert URIRef(X.target) in set(found.subjects())
