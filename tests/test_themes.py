"""Theme tags (issue 7): every goal and action of every document carries a theme; the table decides,
rules only propose; the links are published in their own graph as the project's, not the towns'."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kg_fixtures import copy_project
from kuntakg import InvalidInput, build
from kuntakg.themes import propose

LINKS = "https://w3id.org/kuntakg/graph/theme-links"


def test_every_goal_and_action_has_a_theme(kg):
    untagged = kg.select(f"""
        SELECT ?item WHERE {{
          GRAPH ?g {{ ?item a ?cls }} ?g a kk:DocumentGraph .
          VALUES ?cls {{ kk:Goal kk:Milestone kk:Action kk:Pilot kk:ServicePromise }}
          FILTER NOT EXISTS {{ GRAPH <{LINKS}> {{ ?item dcterms:subject ?theme }} }}
        }} ORDER BY ?item""")
    names = [r["item"].split("/id/", 1)[1] for r in untagged]
    assert not names, f"{len(names)} goals/actions without a theme (add rows to data/reference/theme-tags.csv; " \
                      f"`kuntakg themes propose` suggests some): {', '.join(names)}"


def test_tags_say_who_decided_why_and_that_the_link_is_the_projects(kg):
    bad = kg.select("""
        SELECT ?tag WHERE { ?tag a kk:ThemeTag .
          FILTER NOT EXISTS { ?tag rdfs:comment ?why ; dcterms:creator ?who ; prov:wasAttributedTo ?agent } }""")
    assert bad == []
    assert kg.ask(f"""ASK {{ GRAPH <{LINKS}> {{ <{LINKS}> prov:wasAttributedTo ?agent ;
                               dcterms:description ?d . FILTER(lang(?d) = "en" && CONTAINS(?d, "not state")) }} }}""")
    # the towns' own document graphs never carry the project's theme links
    assert not kg.ask("""ASK { GRAPH ?g { ?item dcterms:subject ?t . ?t a kk:Theme } ?g a kk:DocumentGraph }""")


def test_a_theme_links_goals_and_actions_of_several_towns_with_their_source_text(kg):
    """The 'done when' of issue 7, through plain SPARQL: electronic services in every finished town."""
    rows = kg.select("""
        SELECT ?town ?item ?text WHERE {
          ?item dcterms:subject ?theme ; kk:inPlan/kk:municipality/kk:statisticalCode ?town .
          ?theme skos:notation "electronic-services" .
          ?item prov:wasDerivedFrom/kk:lineStart ?line .
          OPTIONAL { ?item kk:sourceText ?text } }""")
    towns = {r["town"] for r in rows}
    assert {"609", "444", "638"} <= towns          # Pori sähköinen ajanvaraus, Lohja sähköiset palvelut, Porvoo
    pori = {r["item"].rsplit("/", 1)[1] for r in rows if r["town"] == "609"}
    assert {"a-1", "ts-a-1", "lt-1"} <= pori       # "Sähköisen ajanvarauksen kehittäminen", "… sähköisiä palveluja"


def test_an_unknown_row_or_theme_in_the_tag_table_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "p")
    tags = project.reference / "theme-tags.csv"
    with tags.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([
            ["pori-perusturva-2018", "no-such-goal", "electronic-services", "test", "test"],
            ["pori-perusturva-2018", "lt-1", "no-such-theme", "test", "test"]])
    with pytest.raises(InvalidInput) as exc:
        build(project, tmp_path / "dist")
    text = str(exc.value)
    assert "theme-tags.csv" in text and "no-such-goal" in text and "no-such-theme" in text


def test_rules_propose_and_the_table_decides(tmp_path):
    project = copy_project(tmp_path / "p")
    (project.reference / "theme-tags.csv").write_text("doc_id,row_id,theme,reason,decided_by\n", encoding="utf-8")
    proposals = propose(project.documents, project.reference)
    by_item = {}
    for p in proposals:
        by_item.setdefault(p["row_id"], set()).add(p["theme"])
    assert "electronic-services" in by_item["a-1"]       # "Sähköisen ajanvarauksen kehittäminen"
    assert "informal-care" in by_item["vp-op-4"]         # "Omaishoidon kehittäminen"
    assert all(p["decided_by"] in ("rule (proposal)", "") for p in proposals)
    # once decided, a row is not proposed again
    shutil.copy(Path(__file__).resolve().parent.parent / "data/reference/theme-tags.csv",
                project.reference / "theme-tags.csv")
    assert not [p for p in propose(project.documents, project.reference) if p["doc_id"] == "pori-perusturva-2018"]


@pytest.mark.live
def test_done_when_a_sparql_query_finds_every_towns_items_on_a_theme(seed_live):
    """Through /sparql over real HTTP: goals and actions of every town on 'electronic services',
    each with source text."""
    query = """
    PREFIX kk: <https://w3id.org/kuntakg/ontology#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?town ?item ?text ?file ?from ?to WHERE {
      ?theme skos:notation "electronic-services" ; skos:inScheme <https://w3id.org/kuntakg/id/scheme/themes> .
      ?item dcterms:subject ?theme ; kk:inPlan/kk:municipality/kk:statisticalCode ?town ;
            prov:wasDerivedFrom ?span .
      ?span kk:lineStart ?from ; kk:lineEnd ?to ; kk:sourceFile/dcterms:identifier ?file .
      OPTIONAL { ?item kk:sourceText ?text }
    }"""
    rows = seed_live.select(query)["results"]["bindings"]
    assert {"609", "444", "638", "434"} <= {b["town"]["value"] for b in rows}
    for b in rows:                       # every hit points at its lines of the source text
        assert b["file"]["value"].endswith(".txt") and int(b["from"]["value"]) <= int(b["to"]["value"])
    items = {b["item"]["value"] for b in rows}
    assert "https://w3id.org/kuntakg/id/action/pori-perusturva-2018/a-1" in items       # sähköinen ajanvaraus
    assert "https://w3id.org/kuntakg/id/milestone/porvoo-lape-2018/m-3-2018" in items   # 004:96 Sähköiset palvelut


def test_theme_links_checked_in_groups_of_documents_are_the_links_checked_at_once():
    """The build makes and checks the theme links a group of documents at a time (memory at scale):
    the pieces, one per document here, hold together what the links of all documents hold."""
    from kg_fixtures import REPO

    from kuntakg import Project, read_all
    from kuntakg.reference import reference_graph
    from kuntakg.themes import linked_graphs

    project = Project(root=REPO)
    docs = read_all(project)
    reference = reference_graph(project.reference, project.minter)

    def union(pieces) -> dict:
        graphs: dict = {}
        for name, graph in pieces:
            graphs.setdefault(name, set()).update(graph)
        return graphs

    whole = list(linked_graphs(project, docs, reference))
    grouped = list(linked_graphs(project, docs, reference, group_size=1))
    assert len(whole) == 2
    assert len([name for name, _ in grouped if name == project.minter.graph("theme-links")]) == len(docs)
    assert union(grouped) == union(whole)
    assert len(union(whole)[project.minter.graph("theme-links")]) > 100
