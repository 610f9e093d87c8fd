"""Issue 15: the compiled SHACL checks (kuntakg.shacl_compiled) plus pySHACL over the shapes they leave
report exactly what pySHACL alone reports: the same conforms flag, the same results (focus node, path,
value, constraint component, source shape, severity, messages), and so the same build messages.

The data: every fixture that is validated today (tests/shapes/*.ttl, the fuzz document), the five seed
documents as the build validates them, the theme links check, generated documents (bench/generate.py)
and generated graphs (tests/gendata.py), and the seed data mutated to break every compiled property
shape of shapes/ in each way its constraints can fail. A shapes graph of our own covers what shapes/
does not use (other targets, severities, sh:languageIn, ranges, flags, shapes left to pySHACL)."""
from __future__ import annotations

import shutil
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from kg_fixtures import REPO, copy_project
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from kuntakg import Project
from kuntakg.build import _ValidationWork, read_all
from kuntakg.ingest import document_ids, read_document
from kuntakg.ingest.sources import SourceTexts
from kuntakg.reference import reference_graph
from kuntakg.shacl_compiled import DataView, PropertyCheck, compile_shapes
from kuntakg.shacl_sparql import OxigraphCopy
from kuntakg.themes import links_graph, scheme_graph
from kuntakg.validate import Report, inoculated, report

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

TESTS = Path(__file__).parent
EX = "https://example.org/"
KKS = "https://w3id.org/kuntakg/shapes#"


def assert_same(data: Graph, shapes: Graph, ontology: Graph) -> Report:
    """pySHACL alone and compiled + pySHACL give one report; returns the merged one."""
    alone = report(data, shapes, ontology, compiled=False)
    merged = report(data, shapes, ontology, compiled=True)
    assert merged.conforms == alone.conforms
    only_alone = Counter(alone.findings) - Counter(merged.findings)
    only_merged = Counter(merged.findings) - Counter(alone.findings)
    assert not only_alone and not only_merged, (list(only_alone)[:3], list(only_merged)[:3])
    return merged


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(root=REPO)


@pytest.fixture(scope="module")
def seeds(project) -> _ValidationWork:
    docs = read_all(project)
    reference = reference_graph(project.reference, project.minter)
    return _ValidationWork(project.shapes, project.ontology, reference, docs, docs)


@pytest.fixture(scope="module")
def theme_check(project, seeds) -> Graph:
    """The graph kuntakg.themes checks against shapes/reference.ttl in every build."""
    types = Graph()
    for doc in seeds.docs:
        for triple in doc.graph.triples((None, RDF.type, None)):
            types.add(triple)
    return (seeds.reference + scheme_graph(project.reference, project.minter)
            + links_graph(project.reference, project.minter, seeds.docs) + types)


# --- the compilation itself -----------------------------------------------------------------------

def test_the_simple_shapes_are_compiled_and_the_rest_is_left(project):
    plan = compile_shapes(project.shapes)
    compiled = {c.shape for node in plan.checks for c in node.properties}
    assert compiled == plan.compiled_shapes and len(compiled) > 50
    # pySHACL still has every SPARQL constraint and complex path of shapes/; sh:or and qualified counts
    # over simple member shapes are compiled, on property shapes and on node shapes themselves
    for predicate in (SH.sparql, SH.alternativePath):
        assert set(project.shapes.triples((None, predicate, None))) <= set(plan.reduced)
    for predicate in (SH["or"], SH.qualifiedValueShape):
        assert not set(plan.reduced.triples((None, predicate, None)))
    components = {c for node in plan.checks for check in node.properties for c, _ in check.constraints}
    assert {SH.OrConstraintComponent, SH.QualifiedMinCountConstraintComponent,
            SH.QualifiedMaxCountConstraintComponent} <= components
    assert {URIRef(KKS + "GoalShape"), URIRef(KKS + "TargetShape")} <= plan.compiled_shapes  # their own sh:or
    # and nothing of what it was given back is compiled
    assert not compiled & set(plan.reduced.objects(None, SH.property))
    assert not {s for s in plan.reduced.subjects() if s in compiled}


def test_an_uncompilable_constraint_leaves_its_shape_to_pyshacl_whole():
    shapes = Graph().parse(data=textwrap.dedent(f"""\
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <{EX}> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property ex:simple , ex:mixed .
        ex:simple sh:path ex:p ; sh:minCount 1 ; sh:message "p needed"@en .
        ex:mixed sh:path ex:q ; sh:minCount 1 ; sh:equals ex:r ; sh:message "q needed, equal to r"@en .
        """), format="turtle")
    plan = compile_shapes(shapes)
    assert plan.compiled_shapes == {URIRef(EX + "simple")}
    mixed = URIRef(EX + "mixed")
    assert set(shapes.triples((mixed, None, None))) <= set(plan.reduced)
    assert (URIRef(EX + "S"), SH.property, mixed) in plan.reduced
    assert (URIRef(EX + "S"), SH.property, URIRef(EX + "simple")) not in plan.reduced
    data = Graph().parse(data=f"<{EX}a> a <{EX}C> ; <{EX}q> 1 ; <{EX}r> 2 .", format="turtle")
    merged = assert_same(data, shapes, Graph())
    assert {(f.shape, f.component) for f in merged.findings} == {
        (URIRef(EX + "simple"), SH.MinCountConstraintComponent), (mixed, SH.EqualsConstraintComponent)}


# --- what is validated today ----------------------------------------------------------------------

@pytest.mark.parametrize("fixture", sorted((TESTS / "shapes").glob("*.ttl")), ids=lambda p: p.stem)
def test_shape_fixtures(project, fixture):
    merged = assert_same(Graph().parse(fixture), project.shapes, project.ontology)
    assert not merged.conforms


SPARQL_SHAPES = ["AcyclicShape", "CascadeShape", "InferredLinkShape", "ReportSectionShape"]


@pytest.mark.parametrize("name", SPARQL_SHAPES)
def test_sparql_constraints_are_answered_by_oxigraph(project, name, monkeypatch):
    """pySHACL's SELECTs over the validated graph go to Oxigraph (kuntakg.shacl_sparql), every one of
    them, and the report is still pySHACL's with rdflib's engine alone (assert_same)."""
    answers: list[bool] = []
    select = OxigraphCopy.select

    def counted(self, *args):
        found = select(self, *args)
        answers.append(found is not None)
        return found
    monkeypatch.setattr(OxigraphCopy, "select", counted)
    merged = assert_same(Graph().parse(TESTS / "shapes" / f"{name}.ttl"), project.shapes, project.ontology)
    assert answers and all(answers)
    assert URIRef(KKS + name) in {f.shape for f in merged.findings if f.component == SH.SPARQLConstraintComponent}


def test_a_query_oxigraph_cannot_take_goes_to_rdflib():
    """A prefix only the data graph's namespaces declare, and an ASK validator's pre-bound $value (not
    projected), are answered by rdflib as before."""
    shapes = Graph().parse(data=textwrap.dedent(f"""\
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <{EX}> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:sparql [ sh:select "SELECT $this WHERE {{ $this mine:p ?o }}" ; sh:message "has p"@en ] .
        """), format="turtle")
    data = Graph().parse(data=f"<{EX}a> <{EX}p> 1 .", format="turtle")
    data.bind("mine", EX)
    merged = assert_same(data, shapes, Graph())
    assert [f.component for f in merged.findings] == [SH.SPARQLConstraintComponent]


def _build_messages(work: _ValidationWork, index: int, monkeypatch, compiled: bool) -> list[str]:
    monkeypatch.setenv("KUNTAKG_SHACL_COMPILED", "1" if compiled else "0")
    return sorted(str(e) for e in work.errors_of(index))


@pytest.mark.parametrize("index", range(5))
def test_seed_documents(seeds, index, monkeypatch):
    assert_same(seeds.data_of(index), seeds.shapes, seeds.ontology)
    assert _build_messages(seeds, index, monkeypatch, True) == _build_messages(seeds, index, monkeypatch, False)


def test_theme_links_check(project, theme_check):
    shapes = Graph().parse(project.shapes_dir / "reference.ttl", format="turtle")
    assert_same(theme_check, shapes, project.ontology)


def test_the_fuzz_document(tmp_path):
    fixtures = TESTS / "fixtures" / "fuzz"
    project = copy_project(tmp_path / "fuzz", ())
    shutil.copy(fixtures / "fuzz-source.txt", project.sources / "fuzz-source.txt")
    shutil.copytree(fixtures / "fuzz-kunta-2020", project.documents / "fuzz-kunta-2020")
    folder = project.documents / "fuzz-kunta-2020"
    known = {f.name: document_ids(f, project.minter) for f in project.document_folders()}
    doc = read_document(folder, project.minter, SourceTexts(project.sources), project.status_rules, known)
    assert not doc.errors
    reference = reference_graph(project.reference, project.minter)
    work = _ValidationWork(project.shapes, project.ontology, reference, [doc], [doc])
    assert_same(work.data_of(0), project.shapes, project.ontology)


# --- generated data -------------------------------------------------------------------------------

def test_generated_documents(tmp_path):
    generate(tmp_path / "gen", docs=3)
    project = Project(root=tmp_path / "gen")
    docs = read_all(project)
    work = _ValidationWork(project.shapes, project.ontology, reference_graph(project.reference, project.minter),
                           docs, docs)
    for index in range(len(docs)):
        assert_same(work.data_of(index), project.shapes, project.ontology)


def test_gendata_graphs(project):
    """tests/gendata.py is shaped like Kunta-KG but breaks many shapes: a report with many results."""
    from gendata import generate as quads
    dataset = Dataset()
    dataset.parse(data=ox.serialize(quads(6000, seed=3), format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
    union = Graph()
    for graph in dataset.graphs():
        union += graph
    merged = assert_same(union, project.shapes, project.ontology)
    assert not merged.conforms and len(merged.findings) > 100


# --- mutations: every compiled property shape of shapes/, broken each way its constraints can fail ---

def _values(graph: Graph, check: PropertyCheck, focus) -> list:
    if check.predicate is None:
        return [focus]
    if check.inverse:
        return list(graph.subjects(check.predicate, focus))
    return list(graph.objects(focus, check.predicate))


def _add(graph: Graph, check: PropertyCheck, focus, value) -> None:
    if check.inverse and isinstance(value, Literal):
        return  # the values of an inverse path are subjects
    graph.add((value, check.predicate, focus) if check.inverse else (focus, check.predicate, value))


def _break(graph: Graph, shapes: Graph, check: PropertyCheck, focus, component, n: int) -> None:
    """Make `focus` fail `component` of `check` (plus whatever else that breaks on the way)."""
    fresh = URIRef(f"{EX}fresh/{n}")
    values = _values(graph, check, focus)
    if component == SH.MinCountConstraintComponent:
        for v in values:
            graph.remove((v, check.predicate, focus) if check.inverse else (focus, check.predicate, v))
    elif component == SH.MaxCountConstraintComponent:
        sample = values[0] if values else fresh
        for i in range(4):  # more than any sh:maxCount of shapes/
            if isinstance(sample, Literal):
                _add(graph, check, focus, Literal(f"{sample}{i}", lang=sample.language, datatype=sample.datatype))
            else:
                _add(graph, check, focus, URIRef(f"{fresh}/{i}"))
    elif component == SH.DatatypeConstraintComponent:
        _add(graph, check, focus, Literal("x", datatype=XSD.token))
        _add(graph, check, focus, Literal("2020-13-45", datatype=XSD.date))  # ill-typed
        _add(graph, check, focus, Literal("12a", datatype=XSD.positiveInteger))
        _add(graph, check, focus, Literal("plain"))
    elif component == SH.NodeKindConstraintComponent:
        _add(graph, check, focus, Literal("https://example.org/a-literal"))
        _add(graph, check, focus, BNode())
    elif component in (SH.InConstraintComponent, SH.ClassConstraintComponent):
        _add(graph, check, focus, fresh)
        _add(graph, check, focus, Literal("a literal"))
        if component == SH.ClassConstraintComponent:  # a type that is no subclass of the class
            graph.add((fresh, RDF.type, URIRef(EX + "Unrelated")))
    elif component in (SH.PatternConstraintComponent, SH.MinLengthConstraintComponent):
        _add(graph, check, focus, Literal("!"))
        _add(graph, check, focus, Literal(""))
        _add(graph, check, focus, BNode())
    elif component == SH.UniqueLangConstraintComponent:
        _add(graph, check, focus, Literal("toinen", lang="fi"))
        _add(graph, check, focus, Literal("kolmas", lang="FI"))
        _add(graph, check, focus, Literal("andra", lang="sv"))
        _add(graph, check, focus, Literal("tredje", lang="sv"))
    elif component == SH.OrConstraintComponent and check.predicate is None:
        # the focus itself fails every member: what the members' paths reach goes, and so do its types
        # below the members' classes that are not the shape's target class
        for member in _or_members(shapes, check):
            for p in shapes.objects(member, SH.path):
                graph.remove((focus, p, None))
            for cls in shapes.objects(member, SH["class"]):
                graph.remove((focus, RDF.type, cls))
    elif component == SH.OrConstraintComponent:
        _add(graph, check, focus, fresh)  # an untyped value: no sh:class member holds
        graph.add((fresh, RDF.type, URIRef(EX + "Unrelated")))
    elif component == SH.QualifiedMinCountConstraintComponent:
        for v in values:
            graph.remove((v, check.predicate, focus) if check.inverse else (focus, check.predicate, v))
    elif component == SH.QualifiedMaxCountConstraintComponent:
        # more values that conform to the qualified shape than the maximum: of its class, or language
        for i in range(4):
            for shape in shapes.objects(check.shape, SH.qualifiedValueShape):
                for cls in shapes.objects(shape, SH["class"]):
                    _add(graph, check, focus, URIRef(f"{fresh}/{i}"))
                    graph.add((URIRef(f"{fresh}/{i}"), RDF.type, cls))
                for head in shapes.objects(shape, SH.languageIn):
                    for lang in shapes.items(head):
                        _add(graph, check, focus, Literal(f"nimi {i}", lang=str(lang)))
    else:
        raise AssertionError(f"no mutation for {component}")


def _or_members(shapes: Graph, check: PropertyCheck) -> list:
    return [m for head in shapes.objects(check.shape, SH["or"]) for m in shapes.items(head)]


KINDS = [SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent, SH.DatatypeConstraintComponent,
         SH.NodeKindConstraintComponent, SH.InConstraintComponent, SH.ClassConstraintComponent,
         SH.PatternConstraintComponent, SH.MinLengthConstraintComponent, SH.UniqueLangConstraintComponent,
         SH.OrConstraintComponent, SH.QualifiedMinCountConstraintComponent, SH.QualifiedMaxCountConstraintComponent]


@pytest.mark.parametrize("component", KINDS, ids=lambda c: c.removeprefix(str(SH)))
def test_mutations(project, seeds, theme_check, component):
    """For every compiled property shape with this kind of constraint: the first of its focus nodes in
    the seed data (the largest seed document's validation graph plus the theme links check) is broken."""
    base = max((seeds.data_of(i) for i in range(len(seeds.docs))), key=len) + theme_check
    plan = compile_shapes(project.shapes)
    view = DataView(base + inoculated(project.ontology))
    graph, broken = Graph() + base, set()
    for n, node in enumerate(plan.checks):
        focus_nodes = sorted(node.targets.focus_nodes(view), key=str)
        for m, check in enumerate(node.properties):
            if focus_nodes and component in {c for c, _ in check.constraints}:
                _break(graph, project.shapes, check, focus_nodes[0], component, n * 100 + m)
                broken.add(check.shape)
    assert broken, f"no compiled shape of shapes/ has {component}"
    merged = assert_same(graph, project.shapes, project.ontology)
    fired = {f.shape for f in merged.findings if f.component == component}
    assert fired & broken and not merged.conforms


# --- what shapes/ does not use --------------------------------------------------------------------

OWN_SHAPES = f"""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <{EX}> .
ex:ByNode a sh:NodeShape ; sh:targetNode ex:n1 , ex:missing ;
    sh:property [ sh:path ex:score ; sh:minInclusive 0 ; sh:maxExclusive 10 ; sh:message "0 <= score < 10"@en ] ,
        [ sh:path ex:when ; sh:minExclusive "2020-01-01"^^xsd:date ; sh:maxInclusive "2024-12-31"^^xsd:date ;
          sh:message "in the 2020s"@en ] ,
        [ sh:path ex:name ; sh:minCount 1 ; sh:maxLength 5 ; sh:languageIn ( "fi" "sv" ) ;
          sh:pattern "^[a-z]+$" ; sh:flags "i" ; sh:message "short fi/sv name"@en , "lyhyt nimi"@fi ] .
ex:ByObject a sh:NodeShape ; sh:targetObjectsOf ex:link ;
    sh:property [ sh:path ex:kind ; sh:minCount 1 ; sh:class ex:A , ex:B ; sh:message "kind A and B"@en ] .
ex:BySubject a sh:NodeShape ; sh:targetSubjectsOf ex:link ;
    sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:maxCount 1 ; sh:nodeKind sh:IRI ;
                  sh:message "one IRI owner"@en ] ,
        [ sh:path ex:note ; sh:datatype xsd:string ; sh:severity sh:Warning ; sh:message "plain note"@en ] ,
        [ sh:path ex:off ; sh:minCount 1 ; sh:deactivated true ; sh:message "never"@en ] .
ex:Lenient a sh:NodeShape ; sh:targetClass ex:Top ; sh:severity sh:Info ;
    sh:property [ sh:path ex:size ; sh:datatype xsd:integer ; sh:message "integer size"@en ] .
ex:ByClass a sh:NodeShape ; sh:targetClass ex:Top ;
    sh:property [ sh:path ex:label ; sh:uniqueLang true ; sh:minCount 1 ; sh:message "one label per language"@en ] ,
        [ sh:path ex:code ; sh:in ( "a" 1 ex:c ) ; sh:message "a code"@en ] .
ex:Referred a sh:NodeShape ; sh:targetClass ex:Top ;
    sh:property [ sh:path ex:code ; sh:minCount 2 ; sh:message "two codes"@en ] .
ex:Referrer a sh:NodeShape ; sh:targetNode ex:n1 ; sh:node ex:Referred .
"""

OWN_DATA = f"""\
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <{EX}> .
ex:Mid rdfs:subClassOf ex:Top . ex:Low rdfs:subClassOf ex:Mid .
ex:n1 a ex:Low ; ex:score 10 , -1 , 5 , "7" , 3.5 ; ex:when "2020-01-01"^^xsd:date , "2021-06-01"^^xsd:date , "x" ;
    ex:name "Abc"@fi , "toolong"@sv , "abc"@en , "ab1"@fi-FI , "plain" ;
    ex:label "a"@fi , "b"@fi , "c"@sv ; ex:code "a" , 1 , ex:c , "1" , ex:d ; ex:size "big" .
ex:n2 a ex:Mid ; ex:link ex:t1 , ex:t2 , "lit" ; ex:note "ok" , "typed"^^xsd:token , "fi"@fi ; ex:label "x"@en .
ex:o1 ex:owns ex:n2 . ex:o2 ex:owns ex:n2 . [] ex:owns ex:n2 .
ex:t1 ex:kind ex:k1 , ex:k2 . ex:k1 a ex:A , ex:B . ex:k2 a ex:A .
ex:t2 ex:kind ex:k3 . ex:k3 a ex:SubB .
"""

OWN_ONTOLOGY = f"""\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <{EX}> .
ex:SubB a owl:Class ; rdfs:subClassOf ex:B .
ex:B a owl:Class . ex:A a owl:Class .
"""


def test_own_shapes_cover_targets_severities_and_constraints_shapes_do_not_use():
    shapes = Graph().parse(data=OWN_SHAPES, format="turtle")
    plan = compile_shapes(shapes)
    # sh:deactivated and a shape another one refers to (sh:node) stay with pySHACL
    assert {s for s in plan.reduced.subjects(SH.deactivated, None)}
    assert (URIRef(EX + "Referred"), SH.property, None) in plan.reduced
    merged = assert_same(Graph().parse(data=OWN_DATA, format="turtle"), shapes,
                         Graph().parse(data=OWN_ONTOLOGY, format="turtle"))
    components = {f.component for f in merged.findings if f.shape in plan.compiled_shapes}
    assert components >= {SH.MinInclusiveConstraintComponent, SH.MaxExclusiveConstraintComponent,
                          SH.MinExclusiveConstraintComponent, SH.MaxInclusiveConstraintComponent,
                          SH.MaxLengthConstraintComponent, SH.LanguageInConstraintComponent,
                          SH.PatternConstraintComponent, SH.ClassConstraintComponent, SH.MaxCountConstraintComponent,
                          SH.NodeKindConstraintComponent, SH.DatatypeConstraintComponent,
                          SH.UniqueLangConstraintComponent, SH.InConstraintComponent, SH.MinCountConstraintComponent}


@pytest.mark.parametrize("severity, conforms", [("sh:Warning", True), ("sh:Info", True), ("sh:Violation", False)])
def test_a_node_shapes_severity_decides_whether_its_properties_results_count(severity, conforms):
    """pySHACL with allow_warnings: a Warning or Info node shape lets its property shapes' violations
    through without failing the report (check() then reports nothing); the compiled checks agree."""
    shapes = Graph().parse(data=textwrap.dedent(f"""\
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <{EX}> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity {severity} ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "p needed"@en ] .
        """), format="turtle")
    plan = compile_shapes(shapes)
    assert len(plan.compiled_shapes) == 1 and not len(plan.reduced)
    merged = assert_same(Graph(), shapes, Graph())
    assert merged.conforms is conforms and len(merged.findings) == 1


def test_shapes_without_a_message_stay_with_pyshacl(project):
    """pySHACL words the message of a shape that has none itself; that wording is left to it."""
    shapes = Graph().parse(data=textwrap.dedent(f"""\
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <{EX}> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
        """), format="turtle")
    assert not compile_shapes(shapes).compiled_shapes
    assert_same(Graph(), shapes, Graph())


SIMPLE = f"""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <{EX}> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "p needed"@en ] .
"""


def test_shacl_rules_turn_compilation_off():
    """A SHACL rule adds data before pySHACL validates (advanced mode): here the very value asked for."""
    shapes = Graph().parse(data=SIMPLE + textwrap.dedent("""\
        ex:S sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:p ; sh:object ex:b ] .
        """), format="turtle")
    assert not compile_shapes(shapes).compiled_shapes
    assert assert_same(Graph(), shapes, Graph()).conforms


def test_a_custom_constraint_component_keeps_the_shapes_using_it_with_pyshacl():
    shapes = Graph().parse(data=SIMPLE + textwrap.dedent("""\
        ex:NotEqual a sh:ConstraintComponent ;
            sh:parameter [ sh:path ex:notEqual ] ;
            sh:validator [ a sh:SPARQLAskValidator ; sh:message "equal"@en ;
                           sh:ask "ASK { FILTER ($value != $notEqual) }" ] .
        ex:T a sh:NodeShape ; sh:targetNode ex:a ;
            sh:property [ sh:path ex:q ; sh:minCount 1 ; ex:notEqual ex:b ; sh:message "q needed, not b"@en ] .
        """), format="turtle")
    plan = compile_shapes(shapes)
    assert len(plan.compiled_shapes) == 1 and (URIRef(EX + "T"), SH.property, None) in plan.reduced
    data = Graph().parse(data=f"<{EX}a> <{EX}q> <{EX}b> .", format="turtle")
    merged = assert_same(data, shapes, Graph())
    assert {f.component for f in merged.findings} == {SH.MinCountConstraintComponent, URIRef(EX + "NotEqual")}


def test_or_and_qualified_counts_over_members_shapes_do_not_use():
    """sh:or and qualified counts in forms shapes/ does not use: members on an inverse path, with
    datatypes and patterns, several value shapes, a node shape's sh:or beside its properties; and the
    forms left to pySHACL (a disjoint qualified shape, a member with sh:node, a member named by IRI)."""
    shapes = Graph().parse(data=textwrap.dedent(f"""\
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ex: <{EX}> .
        ex:Or a sh:NodeShape ; sh:targetClass ex:T ; sh:message "or on the node"@en ;
            sh:or ( [ sh:path [ sh:inversePath ex:owns ] ; sh:minCount 2 ] [ sh:datatype xsd:integer ] ) ;
            sh:property [ sh:path ex:v ; sh:or ( [ sh:datatype xsd:integer ] [ sh:pattern "^a" ] ) ;
                          sh:message "integer or a..."@en ] .
        ex:Q a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:v ; sh:qualifiedValueShape [ sh:datatype xsd:integer ] ,
                              [ sh:minInclusive 2 ] ; sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ;
                          sh:message "one or two integers"@en ] ,
                        [ sh:path ex:w ; sh:qualifiedValueShape [ sh:class ex:A ] ; sh:qualifiedMaxCount 0 ;
                          sh:message "no A"@en ] .
        ex:Left a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:v ; sh:qualifiedValueShape [ sh:datatype xsd:integer ] ;
                          sh:qualifiedMinCount 3 ; sh:qualifiedValueShapesDisjoint true ; sh:message "disjoint"@en ] ,
                        [ sh:path ex:w ; sh:or ( [ sh:node ex:Named ] ex:Named ) ; sh:message "named"@en ] .
        ex:Named sh:class ex:A .
        """), format="turtle")
    plan = compile_shapes(shapes)
    left = {s for s in plan.reduced.subjects(SH.message, None)}
    assert URIRef(EX + "Or") in plan.compiled_shapes and len(left) == 2
    data = Graph().parse(data=textwrap.dedent(f"""\
        @prefix ex: <{EX}> .
        ex:t1 a ex:T ; ex:v 1 , 2 , 3 , "abc" , "x" ; ex:w ex:a1 , ex:b1 .
        ex:t2 a ex:T ; ex:v "b" . ex:o1 ex:owns ex:t2 . ex:o2 ex:owns ex:t2 .
        ex:t3 a ex:T . ex:a1 a ex:A .
        """), format="turtle")
    merged = assert_same(data, shapes, Graph())
    assert {SH.OrConstraintComponent, SH.QualifiedMinCountConstraintComponent,
            SH.QualifiedMaxCountConstraintComponent} <= {f.component for f in merged.findings}
