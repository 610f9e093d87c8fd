"""The vocabulary guide (issue 16, item 1): the worked questions against a live server, their answers
checked against the same facts computed from the dump's triples without SPARQL; the diagram drawn from
the ontology; the /guide page and its JSON twin; docs/guide.md in step with the questions."""
from __future__ import annotations

import collections
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kuntakg import Project
from kuntakg.guide import LAYOUT, edges, svg, write_diagrams
from kuntakg.guide_questions import QUESTIONS, markdown
from kuntakg.namespaces import KK

ROOT = Path(__file__).resolve().parent.parent
KKS = "https://w3id.org/kuntakg/ontology#"
SKOS_ = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BASE = "https://w3id.org/kuntakg/"


class Triples:
    """The union of the dump's graphs as plain Python indexes (no SPARQL): (s, p) -> objects etc."""

    def __init__(self, path: Path):
        self.sp: dict[tuple[str, str], set] = collections.defaultdict(set)
        self.po: dict[tuple[str, str], set] = collections.defaultdict(set)
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            s, p = q.subject.value, q.predicate.value
            o = q.object.value if not isinstance(q.object, ox.Literal) else q.object
            self.sp[(s, p)].add(o)
            if not isinstance(q.object, ox.Literal):
                self.po[(p, o)].add(s)

    def objs(self, s: str, p: str) -> set:
        return self.sp.get((s, KKS + p if ":" not in p else p), set())

    def one(self, s: str, p: str):
        values = self.objs(s, p)
        return next(iter(values)) if values else None

    def of_type(self, cls: str) -> set[str]:
        return self.po.get((RDF_TYPE, cls if ":" in cls else KKS + cls), set())

    def docs_of(self, item: str) -> set[str]:
        return {d for plan in self.objs(item, "inPlan") for d in self.objs(plan, "documentedIn")}


@pytest.fixture(scope="module")
def facts(seed_build) -> Triples:
    return Triples(seed_build.out / "kuntakg.nq")


def run(seed_live, q) -> list[dict[str, str]]:
    data = seed_live.select(q.query)
    names = data["head"]["vars"]
    return [{n: b[n]["value"] for n in names if n in b} for b in data["results"]["bindings"]]


def expected(t: Triples, qid: str):  # noqa: C901 - one small computation per question
    if qid == "towns":
        out = {}
        for doc in t.of_type("PlanDocument"):
            for town in t.objs(doc, "municipality"):
                names = {lit.language: lit.value for lit in t.objs(town, SKOS_ + "prefLabel")}
                key = (t.one(town, "statisticalCode").value, names["fi"], names["sv"])
                out.setdefault(key, set()).add(doc)
        return {k: len(v) for k, v in out.items()}
    if qid == "goal-levels":
        out = collections.defaultdict(set)
        for goal in t.of_type("Goal"):
            for level in t.objs(goal, "goalLevel"):
                for doc in t.docs_of(goal):
                    for n in t.objs(level, SKOS_ + "notation"):
                        out[(doc, n.value)].add(goal)
        return {k: len(v) for k, v in out.items()}
    if qid == "cascade":
        links = [KKS + "contributesTo", KKS + "contributesToByContent", KKS + "contributesToByLayout"]

        def below(top, kinds):  # transitive closure of the links, walked downwards
            stack, seen = [top], set()
            while stack:
                node = stack.pop()
                for kind in kinds:
                    for child in t.po.get((kind, node), set()):
                        if child not in seen:
                            seen.add(child)
                            stack.append(child)
            return seen

        out = {}
        for top in t.of_type("Goal"):
            if any(t.objs(top, kind) for kind in links):
                continue  # not a top goal
            reached = below(top, links)
            if reached:
                out[top] = (len(reached), len(below(top, links[:1])))
        return out
    if qid == "metrics-distinct":
        pairs = set()
        actions = t.of_type("Action")
        for goal in t.of_type("Goal"):
            pairs |= {(goal, i) for i in t.objs(goal, "hasIndicator")}
            for a in t.po.get((KKS + "contributesTo", goal), set()) & actions:
                pairs |= {(goal, i) for i in t.objs(a, "hasIndicator")}
        return pairs
    if qid == "baseline-year":
        out = {}
        for (s, p), values in t.sp.items():
            if p != KKS + "baselinePeriod" or not t.objs(s, "targetValue"):
                continue
            for period in values:
                for instant in t.objs(period, "http://www.w3.org/2006/time#hasBeginning"):
                    for d in t.objs(instant, "http://www.w3.org/2006/time#inXSDDate"):
                        out[s] = int(d.value[:4])
        return out
    if qid == "status-by-town":
        out = collections.defaultdict(set)
        for a in t.of_type("StatusAssessment"):
            for item in t.objs(a, "about"):
                for doc in t.docs_of(item):
                    for town in t.objs(doc, "municipality"):
                        for st in t.objs(a, "status"):
                            for n in t.objs(st, SKOS_ + "notation"):
                                out[(t.one(town, "statisticalCode").value, n.value)].add(a)
        return {k: len(v) for k, v in out.items()}
    if qid == "responsible-people":
        out = collections.defaultdict(set)
        persons, posts = t.of_type("http://xmlns.com/foaf/0.1/Person"), t.of_type("http://www.w3.org/ns/org#Post")
        for (item, p), parties in t.sp.items():
            if p != KKS + "responsible":
                continue
            for party in parties:
                holders = {party} if party in persons else (
                    t.objs(party, "http://www.w3.org/ns/org#heldBy") if party in posts else set())
                for h in holders:
                    for name in t.objs(h, "http://xmlns.com/foaf/0.1/name"):
                        out[name.value].add(item)
        return {k: len(v) for k, v in out.items()}
    if qid == "measurable":
        out = {}
        for goal in t.of_type("Goal"):
            numeric = any(t.objs(target, "targetValue") for ind in t.objs(goal, "hasIndicator")
                          for target in t.objs(ind, "hasTarget"))
            for doc in t.docs_of(goal):
                entry = out.setdefault(doc, [set(), set()])
                entry[0].add(goal)
                if numeric:
                    entry[1].add(goal)
        return {k: (len(v[0]), len(v[1])) for k, v in out.items()}
    if qid == "shared-themes":
        scheme = BASE + "id/scheme/themes"
        towns = collections.defaultdict(set)
        for (item, p), subjects in t.sp.items():
            if p != "http://purl.org/dc/terms/subject":
                continue
            for theme in subjects:
                if scheme in t.objs(theme, SKOS_ + "inScheme"):
                    for plan in t.objs(item, "inPlan"):
                        for doc in t.objs(plan, "documentedIn"):
                            towns[theme] |= t.objs(doc, "municipality")
        return {k: len(v) for k, v in towns.items() if len(v) > 1}
    if qid == "source-lines":
        doc = BASE + "id/doc/pori-perusturva-2018"
        out = set()
        for (item, p), spans in t.sp.items():
            if p != "http://www.w3.org/ns/prov#wasDerivedFrom" or doc not in t.docs_of(item):
                continue
            for span in spans:
                if span in t.of_type("SourceSpan"):
                    out.add((item, t.one(span, "sourceFile"), int(t.one(span, "lineStart").value),
                             int(t.one(span, "lineEnd").value)))
        return out
    raise AssertionError("no check for question %s" % qid)


def answer(rows: list[dict[str, str]], qid: str):
    if qid == "towns":
        return {(r["code"], r["name_fi"], r["name_sv"]): int(r["documents"]) for r in rows}
    if qid == "goal-levels":
        return {(r["doc"], r["level"]): int(r["goals"]) for r in rows}
    if qid == "cascade":
        return {r["top"]: (int(r["below"]), int(r["stated_below"])) for r in rows}
    if qid == "metrics-distinct":
        assert len(rows) == len({(r["goal"], r["indicator"]) for r in rows}), "DISTINCT left duplicates"
        return {(r["goal"], r["indicator"]) for r in rows}
    if qid == "baseline-year":
        return {r["target"]: int(r["baseline_year"]) for r in rows}
    if qid == "status-by-town":
        return {(r["code"], r["status"]): int(r["assessments"]) for r in rows}
    if qid == "responsible-people":
        return {r["name"]: int(r["items"]) for r in rows}
    if qid == "measurable":
        return {r["doc"]: (int(r["goals"]), int(r["measurable_goals"])) for r in rows}
    if qid == "shared-themes":
        return {r["theme"]: int(r["towns"]) for r in rows}
    if qid == "source-lines":
        return {(r["item"], r["file"], int(r["line_start"]), int(r["line_end"])) for r in rows}
    raise AssertionError(qid)


def test_there_are_ten_questions_with_three_languages():
    assert len(QUESTIONS) == 10
    assert len({q.id for q in QUESTIONS}) == 10
    for q in QUESTIONS:
        assert set(q.title) == set(q.idiom) == {"fi", "sv", "en"}, q.id


@pytest.mark.parametrize("q", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_worked_question_answers_are_right(seed_live, facts, q):
    rows = run(seed_live, q)
    assert rows, "%s: no answer" % q.id
    assert answer(rows, q.id) == expected(facts, q.id)


def test_the_distinct_idiom_matters(seed_live):
    """Without DISTINCT the metrics question repeats (goal, metric) pairs: the reason the guide uses it."""
    q = next(q for q in QUESTIONS if q.id == "metrics-distinct")
    with_distinct = run(seed_live, q)
    without = seed_live.select(q.query.replace("SELECT DISTINCT", "SELECT", 1))["results"]["bindings"]
    assert len(without) > len(with_distinct)


def test_the_baseline_period_is_an_iri_not_a_year(seed_live):
    """The idiom's premise: kk:baselinePeriod gives an IRI; the year is reached through time:hasBeginning."""
    rows = seed_live.select("PREFIX kk: <https://w3id.org/kuntakg/ontology#> "
                            "SELECT ?p WHERE { ?t kk:baselinePeriod ?p } LIMIT 5")["results"]["bindings"]
    assert rows and all(r["p"]["type"] == "uri" for r in rows)


# ------------------------------------------------------------------ the diagram

def test_diagram_edges_come_from_the_ontology():
    found = {(e.source, e.target): e for e in edges(Project().ontology)}
    assert "kk:contributesTo" in found[(KK.PlanElement, KK.PlanElement)].properties  # the cascade, a loop
    assert found[(KK.Indicator, KK.Target)].properties == ("kk:hasTarget",)
    assert "kk:about" in found[(KK.StatusAssessment, KK.PlanElement)].properties
    assert found[(KK.Goal, KK.PlanElement)].kind == "subclass"
    assert "kk:municipality" in found[(None, KK.Municipality)].properties  # no domain: drawn from above


def test_a_property_added_to_the_ontology_appears_in_the_diagram():
    ontology = Graph()
    for triple in Project().ontology:
        ontology.add(triple)
    new = URIRef(KKS + "evaluatedBy")
    ontology.add((new, RDF.type, OWL.ObjectProperty))
    ontology.add((new, RDFS.domain, KK.Target))
    ontology.add((new, RDFS.range, KK.StatusAssessment))
    assert "kk:evaluatedBy" not in svg(Project().ontology, "en")
    drawn = svg(ontology, "en")
    assert "kk:evaluatedBy" in drawn
    ontology.remove((KK.hasTarget, None, None))
    assert "kk:hasTarget" not in svg(ontology, "en")


def test_diagram_is_valid_svg_in_three_languages_and_deterministic(tmp_path):
    ontology = Project().ontology
    paths = write_diagrams(ontology, tmp_path)
    assert [p.name for p in paths] == ["guide-fi.svg", "guide-sv.svg", "guide-en.svg"]
    for path, label in zip(paths, ("tavoite", "mål", "goal"), strict=True):
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        classes = root.findall(".//{http://www.w3.org/2000/svg}g[@class='class']")
        assert {c.get("data-iri") for c in classes} == {str(c) for c in LAYOUT}
        assert ">%s<" % label in path.read_text(encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "").replace(
            "data-iri=\"http", "")  # no outside references (only the class IRIs as data)
    (tmp_path / "again").mkdir()
    again = write_diagrams(ontology, tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_the_build_writes_the_diagrams(seed_build):
    for lang in ("fi", "sv", "en"):
        assert (seed_build.out / f"guide-{lang}.svg").is_file()
        assert f"guide-{lang}.svg" in seed_build.manifest["files"]


# ------------------------------------------------------------------ the page

def test_guide_page_and_json_twin(site_client, facts):
    r = site_client.get("/guide?lang=en")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert '<img src="/guide/diagram-en.svg"' in html
    data = site_client.get("/guide.json?lang=en").get_json()
    assert data["ok"] and data["diagram"] == "/guide/diagram-en.svg"
    # towns: code, names and documents as in the graph
    towns = {t["code"]: t for t in data["towns"]}
    want = collections.defaultdict(set)
    for doc in facts.of_type("PlanDocument"):
        for town in facts.objs(doc, "municipality"):
            want[facts.one(town, "statisticalCode").value].add(doc)
    assert {c: {d["iri"] for d in t["documents"]} for c, t in towns.items()} == want
    assert towns["609"]["names"]["fi"] == "Pori" and towns["609"]["names"]["sv"] == "Björneborg"
    for code in want:
        assert "<code>%s</code>" % code in html
    # code lists: every concept of ontology/schemes.ttl, with its notation
    schemes = Graph().parse(ROOT / "ontology" / "schemes.ttl")
    want_codes = {(str(s), str(n)) for c, s in schemes.subject_objects(SKOS.inScheme)
                  for n in schemes.objects(c, SKOS.notation)}
    got_codes = {(s["iri"], c["notation"]) for s in data["code_lists"] for c in s["concepts"]}
    assert got_codes == want_codes
    # the ten questions with their queries, escaped in HTML
    assert [q["id"] for q in data["questions"]] == [q.id for q in QUESTIONS]
    assert all(q["query"] == Q.query for q, Q in zip(data["questions"], QUESTIONS, strict=True))
    assert "?goal kk:hasIndicator ?indicator" in html and "kk:contributesTo+" in html
    assert "&lt;https://w3id.org/kuntakg/ontology#&gt;" in html


@pytest.mark.parametrize("lang,title", [("fi", "Sanaston opas"), ("sv", "Vokabulärguide"), ("en", "Vocabulary guide")])
def test_guide_in_three_languages(site_client, lang, title):
    r = site_client.get("/guide?lang=" + lang)
    html = r.get_data(as_text=True)
    assert "<h1>%s</h1>" % title in html
    assert r.headers["Content-Language"] == lang
    q = QUESTIONS[0]
    assert q.title[lang] in html
    svg_resp = site_client.get("/guide/diagram-%s.svg" % lang)
    assert svg_resp.status_code == 200 and svg_resp.mimetype == "image/svg+xml"


def test_guide_diagram_unknown_language_is_404(site_client):
    assert site_client.get("/guide/diagram-de.svg").status_code == 404
    assert site_client.get("/guide/diagram-..%2Fmanifest.svg").status_code == 404


def test_guide_run_links_answer_csv(site_client):
    data = site_client.get("/guide.json?lang=en").get_json()
    r = site_client.get(data["questions"][0]["run"])
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.get_data(as_text=True).splitlines()[0] == "code,name_fi,name_sv,documents"


# ------------------------------------------------------------------ docs/guide.md

def test_docs_guide_md_has_the_questions_as_they_run():
    text = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    assert markdown() in text, "docs/guide.md is out of date: run `kuntakg guide-docs`"
    assert "docs/screenshots/guide.png" in text or "screenshots/guide.png" in text


def test_guide_docs_command_rewrites_the_questions(tmp_path):
    from click.testing import CliRunner

    from kuntakg.cli import cli

    doc = tmp_path / "guide.md"
    shutil.copy(ROOT / "docs" / "guide.md", doc)
    doc.write_text(re.sub(r"### 1\. .*", "### 1. stale", doc.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["guide-docs", "--path", str(doc)])
    assert result.exit_code == 0, result.output
    assert markdown() in doc.read_text(encoding="utf-8")
