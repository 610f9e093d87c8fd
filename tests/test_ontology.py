"""The ontology and its code lists: labelled in fi/sv/en, commented in en, consistent with the shapes."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kuntakg import Project
from kuntakg.ingest.schema import SHEETS
from kuntakg.namespaces import KK, code

ONTOLOGY = Project().ontology_dir


@pytest.fixture(scope="module")
def onto():
    return Graph().parse(ONTOLOGY / "kuntakg.ttl")


@pytest.fixture(scope="module")
def schemes():
    return Graph().parse(ONTOLOGY / "schemes.ttl")


def own_terms(onto):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted({s for k in kinds for s in onto.subjects(RDF.type, k) if str(s).startswith(str(KK))})


def test_every_term_has_labels_in_three_languages_and_a_comment(onto):
    terms = own_terms(onto)
    assert len(terms) > 50
    for term in terms:
        assert {l.language for l in onto.objects(term, RDFS.label)} == {"fi", "sv", "en"}, term
        assert any(c.language == "en" for c in onto.objects(term, RDFS.comment)), term


def test_every_concept_has_labels_in_three_languages(schemes):
    concepts = list(schemes.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 30
    for concept in concepts:
        assert {l.language for l in schemes.objects(concept, SKOS.prefLabel)} == {"fi", "sv", "en"}, concept
        assert schemes.value(concept, SKOS.notation) is not None, concept
        assert schemes.value(concept, SKOS.inScheme) is not None, concept


def test_required_classes_exist(onto):
    for name in ("PlanDocument", "Plan", "Strategy", "Programme", "StrategicTheme", "Goal", "LongTermGoal", "KeyGoal",
                 "ResponsibilityAreaGoal", "OperationalGoal", "Action", "Pilot", "ServicePromise", "Indicator",
                 "Target", "ProgressReport", "StatusAssessment", "Municipality", "Roadmap", "Milestone"):
        assert (KK[name], RDF.type, OWL.Class) in onto, name
    assert (KK.contributesTo, RDF.type, OWL.ObjectProperty) in onto


def test_shape_value_lists_match_the_code_lists(schemes):
    """Every sh:in list in the shapes names exactly the concepts of one scheme."""
    shapes = Project().shapes
    for node in shapes.subjects(SH["in"], None):
        members = set(shapes.items(shapes.value(node, SH["in"])))
        scheme_of = {schemes.value(m, SKOS.inScheme) for m in members}
        assert len(scheme_of) == 1 and None not in scheme_of, members
        assert members == set(schemes.subjects(SKOS.inScheme, scheme_of.pop()))


def test_code_columns_name_existing_schemes(schemes):
    for sheet in SHEETS:
        for column in sheet.all_columns:
            if column.scheme:
                scheme = URIRef(str(code(column.scheme, "")).rstrip("/"))
                assert (scheme, RDF.type, SKOS.ConceptScheme) in schemes, column


def test_ontology_is_consistent_on_its_own():
    from kuntakg.reason import reason
    result = reason(Project().ontology, Graph())  # auto: rules and HermiT, which must agree
    assert result.engines == ("rules", "hermit")
    assert len(result.inferred) == 0
