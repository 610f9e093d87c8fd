"""IRI resolution under the base: content negotiation, extension twins, the ontology (issue 6)."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

PORI_DOC = "https://w3id.org/kuntakg/id/doc/pori-perusturva-2018"
RDF_TYPES = {
    "text/turtle": ("ttl", ox.RdfFormat.TURTLE),
    "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES),
    "application/ld+json": ("jsonld", ox.RdfFormat.JSON_LD),
    "application/rdf+xml": ("rdf", ox.RdfFormat.RDF_XML),
}


@pytest.fixture(scope="module")
def goal(kg):
    rows = kg.select("SELECT ?g ?label WHERE { ?g a kk:Goal ; kk:inPlan <https://w3id.org/kuntakg/id/plan/"
                     "pori-perusturva-2018> ; skos:prefLabel ?label FILTER(LANG(?label) = 'fi') } ORDER BY ?g LIMIT 1")
    return rows[0]


def path_of(iri: str) -> str:
    assert iri.startswith("https://w3id.org/kuntakg/")
    return "/" + iri[len("https://w3id.org/kuntakg/"):]


def triples(body: bytes, fmt) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(body, format=fmt)}


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_goal_iri_negotiates_rdf(site_client, goal, media):
    r = site_client.get(path_of(goal["g"]), headers={"Accept": media})
    assert r.status_code == 200
    assert r.mimetype == media
    assert "Accept" in r.headers["Vary"]
    suffix, fmt = RDF_TYPES[media]
    assert r.headers["Content-Location"] == path_of(goal["g"]) + "." + suffix
    got = triples(r.data, fmt)
    subject = "<%s>" % goal["g"]
    assert (subject, "<http://www.w3.org/2004/02/skos/core#prefLabel>", ox.Literal(goal["label"], language="fi")
            .__str__()) in got
    assert (subject, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<https://w3id.org/kuntakg/ontology#Goal>") \
        in got
    # the extension URL gives the same triples whatever the Accept header says
    twin = site_client.get(path_of(goal["g"]) + "." + suffix, headers={"Accept": "text/html"})
    assert twin.status_code == 200 and twin.mimetype == media
    assert triples(twin.data, fmt) == got


def test_goal_iri_in_a_browser_is_its_page(site_client, goal):
    r = site_client.get(path_of(goal["g"]), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert goal["label"] in html
    assert 'rel="alternate"' in r.headers["Link"] and ".ttl>" in r.headers["Link"]
    assert r.headers["Content-Location"].endswith(".html")
    # curl's default */* gets HTML too; a JSON client gets the page's JSON twin
    assert site_client.get(path_of(goal["g"]), headers={"Accept": "*/*"}).mimetype == "text/html"
    j = site_client.get(path_of(goal["g"]), headers={"Accept": "application/json"})
    assert j.mimetype == "application/json" and j.json["iri"] == goal["g"]


def test_json_twin_has_provenance_with_original_wording_and_lines(site_client, goal):
    data = site_client.get(path_of(goal["g"]) + ".json").json
    assert data["ok"] is True
    prov = data["provenance"]
    assert prov["original"] and prov["original"][0]["text"]
    span = prov["spans"][0]
    assert span["start"] <= span["end"] and span["document"] == PORI_DOC
    assert any(p["predicate"]["iri"] == "https://w3id.org/kuntakg/ontology#inPlan" for p in data["properties"])
    assert data["incoming"] or True  # a top goal may have no incoming links


def test_unknown_iri_extension_and_accept(site_client, goal):
    assert site_client.get("/id/goal/pori-perusturva-2018/no-such-goal").status_code == 404
    assert site_client.get(path_of(goal["g"]) + ".exe").status_code == 404
    r = site_client.get(path_of(goal["g"]), headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/turtle" in r.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/id/municipality/609", "/id/doc/pori-perusturva-2018",
                                  "/id/plan/pori-perusturva-2018", "/graph/pori-perusturva-2018",
                                  "/code/status/done", "/code/goal-level/long-term"])
def test_every_kind_of_iri_resolves(site_client, path):
    for fmt in ("html", "ttl", "json"):
        r = site_client.get(path + "." + fmt)
        assert r.status_code == 200, (path, fmt, r.data[:300])


def test_any_iri_has_a_page(site_client):
    r = site_client.get("/resource", query_string={"iri": "https://w3id.org/kuntakg/ontology#Goal"})
    assert r.status_code == 200 and "Goal" in r.get_data(as_text=True)
    assert site_client.get("/resource", query_string={"iri": "http://x/a b"}).status_code == 400


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_ontology_iri_in_every_rdf_format(site_client, media):
    r = site_client.get("/ontology", headers={"Accept": media})
    assert r.status_code == 200 and r.mimetype == media
    got = triples(r.data, RDF_TYPES[media][1])
    assert ("<https://w3id.org/kuntakg/ontology>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
            "<http://www.w3.org/2002/07/owl#Ontology>") in got
    assert len(got) > 500


def test_ontology_html_is_pylode_one_page_per_language(site_client, kg):
    label = {r["lang"]: r["l"] for r in kg.select(
        "SELECT (LANG(?l) AS ?lang) ?l WHERE { GRAPH <https://w3id.org/kuntakg/graph/ontology> "
        "{ kk:Goal rdfs:label ?l } }")}
    pages = {}
    for lang in ("fi", "sv", "en"):
        r = site_client.get("/ontology/%s.html" % lang)
        assert r.status_code == 200 and r.mimetype == "text/html"
        pages[lang] = r.get_data(as_text=True)
        assert '<html lang="%s">' % lang in pages[lang]
        assert "pyLODE" in pages[lang]
        assert "<h3>%s" % label[lang] in pages[lang]  # one heading per term, in that language only
    assert "<h3>%s" % label["fi"] not in pages["en"] and "<h3>%s" % label["en"] not in pages["fi"]
    assert "<script src=" not in pages["fi"] and 'rel="stylesheet" href="http' not in pages["fi"]
    r = site_client.get("/ontology", headers={"Accept": "text/html"}, query_string={"lang": "sv"})
    assert '<html lang="sv">' in r.get_data(as_text=True)
    assert site_client.get("/ontology/de.html").status_code == 404


def test_deploy_rules_redirect_every_path_to_the_server():
    from pathlib import Path
    rules = (Path(__file__).resolve().parent.parent / "deploy" / "w3id" / ".htaccess").read_text()
    assert "RewriteEngine on" in rules
    assert "R=303" in rules or "R=302" in rules
    for prefix in ("id/", "graph/", "code/", "ontology", ".well-known/void"):
        assert prefix in rules


def test_json_twin_is_valid_json_and_html_is_default(site_client):
    r = site_client.get("/id/municipality/609.json")
    assert json.loads(r.data)["municipality"]["documents"]


def test_iris_resolve_under_a_configured_base(tmp_path):
    from site_fixtures import _app

    data = tmp_path / "other.trig"
    data.write_text('<http://example.org/kg/graph/d> { <http://example.org/kg/id/goal/d/g1> '
                    '<http://www.w3.org/2004/02/skos/core#prefLabel> "Tavoite"@fi ; '
                    '<http://example.org/p> <http://example.org/kg/id/goal/d/g2> . }\n', encoding="utf-8")
    app = _app({"KUNTAKG_DATA": str(data), "LD_BASE": "http://example.org/kg/"})
    try:
        client = app.test_client()
        r = client.get("/id/goal/d/g1", headers={"Accept": "application/n-triples"})
        assert r.status_code == 200 and b"<http://example.org/kg/id/goal/d/g1>" in r.data
        html = client.get("/id/goal/d/g1.html").get_data(as_text=True)
        assert 'href="/id/goal/d/g2"' in html  # links to IRIs under the base stay on this server
        assert client.get("/graph/d.json").status_code == 200
    finally:
        app.extensions["kuntakg"].close()


def test_readme_shows_the_committed_screenshots():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in ("home", "document-tree", "query-editor"):
        assert "docs/screenshots/%s.png" % name in readme
        assert (root / "docs" / "screenshots" / (name + ".png")).stat().st_size > 10_000
