"""The document pages show interpretation as interpretation (issue 14): a cascade link inferred from the
content or the page layout is drawn and marked as such, and a status taken from one section of a report
that prints the item in several sections names that section and says how many others there are."""
from __future__ import annotations

from collections.abc import Iterator

KK = "https://w3id.org/kuntakg/ontology#"


def _walk(nodes: list[dict]) -> Iterator[dict]:
    for n in nodes:
        yield n
        yield from _walk(n["children"])


def _count(kg, query: str) -> int:
    return int(kg.select(query)[0]["n"])


def test_lohja_tree_draws_inferred_links_marked_by_their_basis(site_client, kg):
    doc = site_client.get("/id/doc/lohja-kehittamisohjelma-2018-2025.json").json["document"]
    nodes = list(_walk(doc["tree"]))
    marked = {n["link_basis"] for n in nodes if n.get("link_basis")}
    assert {"stated", "content", "layout"} <= marked
    # every inferred link of the graph between two elements of the plan is an edge of the tree
    plan = "<https://w3id.org/kuntakg/id/plan/lohja-kehittamisohjelma-2018-2025>"
    for prop, basis in (("contributesToByContent", "content"), ("contributesToByLayout", "layout")):
        pairs = kg.select("SELECT ?x ?p WHERE { ?x kk:%s ?p ; kk:inPlan %s . ?p kk:inPlan %s . "
                          "FILTER NOT EXISTS { ?x kk:contributesTo ?p } }" % (prop, plan, plan))
        assert pairs
        edges = {(n["iri"], c["iri"]) for n in nodes for c in n["children"] if c.get("link_basis") == basis}
        assert {(str(r["p"]), str(r["x"])) for r in pairs} <= edges, prop
    html = site_client.get("/id/doc/lohja-kehittamisohjelma-2018-2025", query_string={"lang": "en"})
    body = html.get_data(as_text=True)
    assert "link inferred from the page layout" in body and "link read from the content" in body


def test_a_status_from_one_of_several_sections_names_its_section(site_client, kg):
    doc = site_client.get("/id/doc/loviisa-perusturva-2021.json").json["document"]
    nodes = [n for n in _walk(doc["tree"]) if n.get("status")]
    several = [n for n in nodes if n["status"]["same_date"] > 0]
    assert several, "Loviisa 2021 prints items in several sections of one report"
    for n in several:
        assert n["status"]["section"], n["iri"]
        same_day = _count(kg, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a kk:about <%s> ; dcterms:date ?d . "
                              "FILTER(STR(?d) = \"%s\") }" % (n["iri"], n["status"]["date"]))
        assert n["status"]["same_date"] == same_day - 1, n["iri"]
    body = site_client.get("/id/doc/loviisa-perusturva-2021", query_string={"lang": "en"}).get_data(as_text=True)
    assert "other sections&#39; assessments of the same date" in body or \
        "other sections' assessments of the same date" in body
