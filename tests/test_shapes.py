"""Every SHACL shape has a fixture in tests/shapes/<Shape>.ttl that violates it, and is caught."""
from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

from kuntakg import Project

FIXTURES = Path(__file__).parent / "shapes"
KKS = "https://w3id.org/kuntakg/shapes#"


@pytest.fixture(scope="module")
def project():
    return Project()


def node_shapes(shapes: Graph) -> list[str]:
    return sorted(str(s) for s in shapes.subjects(RDF.type, SH.NodeShape) if str(s).startswith(KKS))


def test_every_shape_has_a_fixture(project):
    names = {s.removeprefix(KKS) for s in node_shapes(project.shapes)}
    assert names == {p.stem for p in FIXTURES.glob("*.ttl")}


def test_shapes_are_valid_shacl(project):
    conforms, _, text = validate(project.shapes, shacl_graph=None, meta_shacl=True, advanced=True)
    assert conforms, text


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_fixture_violates_its_shape(project, fixture):
    shape = project.shapes.resource(KKS + fixture.stem).identifier
    own = {shape, *project.shapes.objects(shape, SH.property)}
    conforms, report, _ = validate(Graph().parse(fixture), shacl_graph=project.shapes,
                                   ont_graph=project.ontology, advanced=True, inference="none")
    sources = set(report.objects(None, SH.sourceShape))
    assert not conforms and own & sources, f"{fixture.stem} not caught; fired: {sources}"


def test_every_message_is_in_three_languages(project):
    for node in set(project.shapes.subjects(SH.message, None)):
        langs = {m.language for m in project.shapes.objects(node, SH.message)}
        assert langs == {"fi", "sv", "en"}, node
