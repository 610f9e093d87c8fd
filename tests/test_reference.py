"""Reference data (issue 7): municipalities, counties, change events, themes and their alignments."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS

from kuntakg import Project
from kuntakg.namespaces import KK
from kuntakg.reference import SCHEMA, reference_graph
from kuntakg.themes import scheme_graph

REF = Path(__file__).resolve().parent.parent / "data" / "reference"


def rows(name: str) -> list[dict]:
    with (REF / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_reference_row_has_a_source():
    for name in ("municipalities.csv", "counties.csv", "change-events.csv", "themes.csv", "lape-components.csv",
                 "sdg.csv", "yso-concepts.csv", "indicator-concepts.csv"):
        for row in rows(name):
            assert row["source"].strip(), (name, row)


def test_reference_graph_links_towns_counties_and_the_2023_transfer():
    project = Project()
    g = reference_graph(REF, project.minter)
    m = project.minter
    assert len(set(g.subjects(RDF.type, KK.Municipality))) == 4
    assert len(set(g.subjects(RDF.type, KK.WellbeingServicesCounty))) == 3
    expected = {"434": "01", "444": "03", "609": "06", "638": "01"}   # vocabularies.md 2.1 (Statistics Finland)
    for town, county in expected.items():
        assert (m.municipality(town), KK.wellbeingServicesCounty, m.county(county)) in g
        assert (m.municipality(town), DCTERMS.spatial,
                URIRef(f"http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/{town}")) in g
    assert (m.municipality("444"), SCHEMA.sameAs, URIRef("http://www.wikidata.org/entity/Q214777")) in g
    assert not list(g.objects(m.county("06"), SCHEMA.sameAs))    # Satakunta's QID is unverified: left out
    events = set(g.subjects(RDF.type, ORG.ChangeEvent))
    assert len(events) == 4
    pori = m.change_event("sote-2023-609")
    assert (pori, ORG.originalOrganization, m.organisation("609", "perusturva")) in g
    assert (pori, ORG.resultingOrganization, m.county("06")) in g
    assert str(g.value(pori, DCTERMS.date)) == "2023-01-01"


def test_themes_are_aligned_to_known_yso_sdg_and_lape_concepts():
    yso = {r["id"] for r in rows("yso-concepts.csv")}
    sdg = {r["notation"] for r in rows("sdg.csv")}
    lape = {r["id"] for r in rows("lape-components.csv")}
    themes = rows("themes.csv")
    assert len(themes) >= 30
    for t in themes:
        ids = [x for x in (t["yso_exact"] + ";" + t["yso_close"]).split(";") if x]
        assert ids and set(ids) <= yso, t["id"]
        assert {x for x in t["sdg"].split(";") if x} <= sdg, t["id"]
        assert {x for x in t["lape"].split(";") if x} <= lape, t["id"]
        assert re.fullmatch(r"(P[0-9]+(\.[0-9]+)?)?(;P[0-9]+(\.[0-9]+)?)*", t["ptv"]), t["id"]
    for r in rows("yso-concepts.csv"):
        assert r["label_fi"] and r["label_sv"] and r["label_en"], r["id"]


def test_scheme_graph_labels_every_theme_in_three_languages():
    project = Project()
    g = scheme_graph(REF, project.minter)
    themes = set(g.subjects(RDF.type, KK.Theme))
    assert len(themes) == len(rows("themes.csv"))
    for theme in themes:
        assert {label.language for label in g.objects(theme, SKOS.prefLabel)} == {"fi", "sv", "en"}
        assert (theme, SKOS.inScheme, project.minter.scheme("themes")) in g
    family = project.minter.concept("themes", "family-centre")
    assert (family, SKOS.exactMatch, URIRef("http://www.yso.fi/onto/yso/p23383")) in g
    assert (family, SKOS.relatedMatch, project.minter.concept("lape", "perhekeskus")) in g


def test_theme_items_query_enumerates_exactly_the_themes():
    from kuntakg.queries import load_query
    q = load_query(Path(__file__).resolve().parent.parent / "queries" / "theme-items.rq")
    assert q.param("theme").enum == [r["id"] for r in rows("themes.csv")]
