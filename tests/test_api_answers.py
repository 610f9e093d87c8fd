"""Stored-query API answers that cannot mislead (issue 16 item 2): ``lang`` chooses the label columns
(fallback marked by ``<column>_lang``), ``town`` takes a code or a name in any language (an unknown one
is a 400 listing the valid towns), OpenAPI lists the values of every enumerable parameter, and Porvoo's
working-group memberships show in ``action-owners`` and on the town page. The checks compare with the
graph (the ``kg`` fixture: the seed build in pyoxigraph) and run over the real app and over HTTP."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from kuntakg.queries import load_queries

TOWNS = {"609": ("Pori", "Björneborg"), "638": ("Porvoo", "Borgå"), "444": ("Lohja", "Lojo"),
         "434": ("Loviisa", "Lovisa")}


def labels_by_lang(kg, iri: str) -> dict[str, set[str]]:
    rows = kg.store.query(kg.PREFIXES + "SELECT ?l WHERE { <%s> skos:prefLabel|rdfs:label|foaf:name ?l }" % iri,
                          use_default_graph_as_union=True)
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["l"].language or "", set()).add(r["l"].value)
    return out


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_lang_chooses_the_label_and_marks_the_fallback(api, kg, lang):
    r = api.get("/api/queries/theme-items.json", query_string={"theme": "family-centre", "lang": lang})
    assert r.status_code == 200
    body = r.get_json()
    assert body["parameters"]["lang"] == lang
    assert body["columns"][body["columns"].index("label") + 1] == "label_lang"
    assert body["rows"]
    fallbacks = 0
    for row in body["rows"]:
        names = labels_by_lang(kg, row["item"])
        if lang in names:
            assert row["label"] in names[lang] and row["label_lang"] == lang, row["item"]
        else:  # fallback in the order fi, sv, en, and the column says so
            fallbacks += 1
            first = next(x for x in ("fi", "sv", "en") if x in names)
            assert row["label"] in names[first] and row["label_lang"] == first, row["item"]
    if lang == "en":
        assert fallbacks < len(body["rows"])


def test_without_lang_labels_are_chosen_in_a_fixed_order_not_at_random(api, kg):
    a = api.get("/api/queries/action-owners.json?town=609").get_json()["rows"]
    b = api.get("/api/queries/action-owners.json?town=609").get_json()["rows"]
    assert a == b
    for row in a:
        names = labels_by_lang(kg, row["owner"])
        first = next((x for x in ("fi", "sv", "en", "") if x in names), None)
        assert row["label"] in names[first] and (row["label_lang"] or "") == first


def test_language_tags_survive_in_csv_and_json(api):
    r = api.get("/api/queries/theme-items.csv?theme=family-centre&lang=sv")
    head = r.get_data(as_text=True).splitlines()[0].split(",")
    assert head[head.index("label") + 1] == "label_lang" and "sourceText_lang" in head


@pytest.mark.parametrize("value", ["609", "Pori", "pori", "Björneborg", "BJORNEBORG", " björneborg "])
def test_town_accepts_the_code_or_a_name(api, value):
    r = api.get("/api/queries/goals-per-level.json", query_string={"town": value})
    assert r.status_code == 200, r.get_data(as_text=True)
    rows = r.get_json()["rows"]
    assert rows and {row["town"] for row in rows} == {"609"}


def test_an_unknown_town_is_a_400_listing_the_valid_ones(api):
    r = api.get("/api/queries/goals-per-level.json?town=Helsinki")
    assert r.status_code == 400
    body = r.get_json()
    assert body["parameter"] == "town"
    for code, names in TOWNS.items():
        assert code in body["error"] and all(n in body["error"] for n in names)
    html = api.get("/api/queries/goals-per-level?town=%3Cb%3EX", headers={"Accept": "text/html"})
    assert html.status_code == 400 and "<b>X" not in html.get_data(as_text=True)


def test_openapi_lists_the_values_of_every_enumerable_parameter(api):
    spec = api.get("/api/openapi.json").get_json()
    registry = load_queries(__import__("pathlib").Path(__file__).resolve().parent.parent / "queries")
    seen_town = seen_lang = 0
    for name, q in registry.items():
        params = {p["name"]: p for p in spec["paths"]["/api/queries/%s" % name]["get"]["parameters"]}
        for p in q.params:
            if p.enum is not None:
                assert params[p.name]["schema"]["enum"] == p.enum
        if "town" in params:
            seen_town += 1
            enum = params["town"]["schema"]["enum"]
            assert set(TOWNS) <= set(enum) and {"Porvoo", "Borgå", "Pori", "Björneborg"} <= set(enum)
        if q.relabels:
            seen_lang += 1
            assert params["lang"]["schema"]["enum"] == ["fi", "sv", "en"]
            columns = spec["paths"]["/api/queries/%s" % name]["get"]["responses"]["200"]["content"][
                "application/json"]["schema"]["properties"]["columns"]["items"]["enum"]
            assert all(c + "_lang" in columns for c in q.labels)
    assert seen_town >= 10 and seen_lang >= 10


def test_porvoo_memberships_in_action_owners_and_on_the_page(api, kg):
    rows = api.get("/api/queries/action-owners.json?town=638").get_json()["rows"]
    expected = kg.select("""SELECT (COUNT(DISTINCT ?p) AS ?people) (COUNT(DISTINCT ?ms) AS ?memberships) WHERE {
      GRAPH ?g { ?ms a org:Membership ; org:member ?p } ?g prov:wasDerivedFrom/kk:municipality/kk:statisticalCode "638" }""")
    people = int(expected[0]["people"])
    memberships = int(expected[0]["memberships"])
    assert people >= 8 and memberships >= 20
    members = [r for r in rows if "membership" in r["via"].split()]
    assert len(members) == people
    assert sum(len(r["memberOf"].split("; ")) for r in members) == memberships
    page = api.get("/id/municipality/638", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    section = html[html.index('id="h-posts"'):]
    section = section[:section.index("</section>")]
    assert "<li>—</li>" not in section and section.count("<li>") == memberships
    for r in members:
        assert r["owner"].replace("https://w3id.org/kuntakg", "") in section


@pytest.mark.live
def test_town_names_and_lang_over_http(site_url):
    url = site_url + "/api/queries/action-owners.json?town=Borg%C3%A5&lang=sv"
    with urllib.request.urlopen(url, timeout=30) as resp:
        body = json.loads(resp.read())
    assert body["parameters"] == {"town": "Borgå", "lang": "sv"}
    assert {r["town"] for r in body["rows"]} == {"638"}
    assert any(r["label_lang"] == "sv" for r in body["rows"])
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(site_url + "/api/queries/action-owners.json?town=Turku", timeout=30)
    assert err.value.code == 400 and "638 (Porvoo, Borgå)" in json.loads(err.value.read())["error"]


def test_language_tags_are_kept_for_declared_columns(api):
    """Every x-labels column has a <column>_lang twin holding the language tag of each value."""
    registry = load_queries(__import__("pathlib").Path(__file__).resolve().parent.parent / "queries")
    checked = 0
    for name, q in registry.items():
        if not q.labels:
            continue
        body = api.get("/api/queries/%s.json" % name).get_json()
        for column in q.labels:
            assert body["columns"][body["columns"].index(column) + 1] == column + "_lang", name
            for row in body["rows"]:
                if row[column] is not None and row[column + "_lang"] is not None:
                    assert row[column + "_lang"] in ("fi", "sv", "en"), (name, row)
            checked += 1
    assert checked >= 18
