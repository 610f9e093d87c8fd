"""Stemmed full-text search (issue 16 item 4): Snowball keys for Finnish, Swedish and English, the
index over the seed build's labels and original wording, and /search as JSON and CSV."""
from __future__ import annotations

import csv
import io

import pytest

from kuntakg.search import Hit, build, keys


@pytest.mark.parametrize("query,text,lang", [
    ("mielenterveys", "Lasten ja nuorten mielenterveyden edistäminen", "fi"),
    ("perhekeskus", "perhekeskuksen toiminta", "fi"),
    ("mielenterveys", "mielenterveyspalvelut", "fi"),          # inside a compound
    ("familjecentral", "familjecentralerna utvecklas", "sv"),
    ("barn", "Barnen och familjerna", "sv"),
    ("services", "electronic service", "en"),
])
def test_inflected_forms_match(query, text, lang):
    index = build([Hit("x", "label", text, lang), Hit("y", "label", "jotain aivan muuta", "fi")])
    assert [r.item for r in index.search(query)] == ["x"]


def test_every_word_must_match_and_labels_rank_first():
    index = build([Hit("a", "text", "lasten mielenterveyden tuki", "fi"),
                   Hit("b", "label", "mielenterveys", "fi"),
                   Hit("c", "label", "lasten liikunta", "fi")])
    assert [r.item for r in index.search("mielenterveys")] == ["b", "a"]
    assert [r.item for r in index.search("lasten mielenterveys")] == ["a"]
    assert index.search("") == [] and index.search("zzzz") == []


def test_keys_of_an_unknown_language_cover_all_three():
    assert len(keys("services", None)) >= 2


def search(client, q: str) -> list[dict]:
    r = client.get("/search.json", query_string={"q": q})
    assert r.status_code == 200
    return r.get_json()["results"]


def test_search_finds_mielenterveyden_with_its_source_line(site_client, kg):
    results = search(site_client, "mielenterveys")
    hits = [r for r in results if "mielenterveyden" in r["match"].lower()]
    assert hits, [r["match"] for r in results]
    expected = {r["s"] for r in kg.select("""SELECT DISTINCT ?s WHERE { ?s skos:prefLabel|kk:sourceText ?l .
      FILTER(CONTAINS(LCASE(STR(?l)), "mielenterveyden")) }""")}
    assert expected <= {r["iri"] for r in results}
    for r in hits:
        if r["source"]:
            span = kg.select("""SELECT ?file ?from WHERE { <%s> prov:wasDerivedFrom ?span . ?span kk:lineStart ?from ;
              kk:sourceFile/dcterms:identifier ?file }""" % r["iri"])
            assert any(r["source"].startswith("%s:%s" % (s["file"], s["from"])) for s in span), r
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_search_csv_twin_and_bounds(site_client):
    r = site_client.get("/search.csv", query_string={"q": "perhekeskus"})
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert rows and {"iri", "match", "source", "score"} <= set(rows[0])
    assert len(search(site_client, "a")) == 0            # one letter: nothing, no scan
    assert len(search(site_client, "ja " * 200)) <= 100  # bounded
