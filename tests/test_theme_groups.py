"""Theme groups and shares in /compare (issue 16 item 7): seven broader groups over the 34 themes as data
(data/reference/theme-groups.csv -> skos:broader in the graph), shares next to raw counts."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kuntakg.errors import InvalidInput
from kuntakg.iris import Minter
from kuntakg.themes import scheme_graph

REF = Path(__file__).resolve().parent.parent / "data" / "reference"


def test_every_theme_has_exactly_one_group_in_the_graph(kg):
    rows = kg.select("""SELECT ?t (COUNT(DISTINCT ?g) AS ?n) WHERE { ?t a kk:Theme .
      OPTIONAL { ?t skos:broader ?g . ?g skos:inScheme <https://w3id.org/kuntakg/id/scheme/theme-groups> } }
      GROUP BY ?t""")
    assert len(rows) == 34 and all(r["n"] == "1" for r in rows)
    groups = kg.select("""SELECT ?g ?l WHERE { ?g skos:inScheme <https://w3id.org/kuntakg/id/scheme/theme-groups> ;
      skos:prefLabel ?l }""")
    assert len({r["g"] for r in groups}) == 7 and len(groups) == 21   # fi, sv, en each


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace("oral-health;", "oral-helth;"), "theme-groups.csv:3:5: themes: unknown theme 'oral-helth'"),
    (lambda t: t.replace("staff;communication", "mental-health;staff;communication"),
     "theme 'mental-health' is already in group 'health-and-wellbeing'"),
    (lambda t: t.replace(";climate", ""), "theme 'climate' is in no group"),
])
def test_a_wrong_group_row_is_named(tmp_path, edit, message):
    for name in ("themes.csv", "lape-components.csv", "sdg.csv", "yso-concepts.csv", "indicator-concepts.csv"):
        shutil.copy(REF / name, tmp_path / name)
    (tmp_path / "theme-groups.csv").write_text(edit((REF / "theme-groups.csv").read_text(encoding="utf-8")),
                                               encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        scheme_graph(tmp_path, Minter())
    assert message in "\n".join(str(e) for e in info.value.errors)


def test_compare_shows_groups_and_shares_next_to_counts(api):
    d = api.get("/compare.json").get_json()
    tagged = {t["code"]: t["tagged"] for t in d["towns"]}
    assert all(tagged.values()) and len(d["theme_groups"]) == 7
    rows = api.get("/api/queries/theme-groups.json").get_json()["rows"]
    by = {(r["group"], r["town"]): r for r in rows}
    for g in d["theme_groups"]:
        for code, n in g["counts"].items():
            assert n == by[(g["group"], code)]["items"]
            assert g["shares"][code] == pytest.approx(100 * n / tagged[code], abs=0.05)
    for t in d["matrix"]:
        for code, n in t["counts"].items():
            assert t["shares"][code] == pytest.approx(100 * n / tagged[code], abs=0.05)
    html = api.get("/compare", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="chart-groups"' in html and 'id="groups-table"' in html
    pori = next(t for t in d["towns"] if t["code"] == "609")
    assert "Pori %d" % pori["tagged"] in html
    children = next(g for g in d["theme_groups"] if g["group"] == "children-and-families")
    assert "%d · %.1f %%" % (children["counts"]["609"], children["shares"]["609"]) in html
