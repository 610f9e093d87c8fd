"""Stored-query answers kept per version of the store, their ETags, and the town parameter of the
queries that read the whole corpus (issue 15: serving a national corpus)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from server.api.answers import Answers


def app_over(seed_build, **settings):
    from server import create_app

    return create_app({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig"), "ISOLATION": "thread",
                       "TESTING": True, **settings})


@pytest.fixture(scope="module")
def fresh(seed_build):
    """An app of its own: no other test has asked it anything."""
    app = app_over(seed_build)
    yield app.test_client()
    app.extensions["kuntakg"].close()


def test_the_second_asker_gets_the_kept_answer(fresh):
    first = fresh.get("/api/queries/status-distribution.json?town=Loviisa")
    again = fresh.get("/api/queries/status-distribution.json?town=434")   # the same town by its code
    other = fresh.get("/api/queries/status-distribution.json?town=Pori")
    swedish = fresh.get("/api/queries/goal-cascade.json?town=Loviisa&lang=sv")
    assert [r.status_code for r in (first, again, other, swedish)] == [200] * 4
    assert (first.json["cached"], again.json["cached"], other.json["cached"]) == (False, True, False)
    assert again.json["rows"] == first.json["rows"] and first.json["rows"]
    assert other.json["rows"] != first.json["rows"]
    assert swedish.json["cached"] is False
    assert fresh.get("/api/queries/goal-cascade.json?town=434").json["cached"] is False   # another language
    assert fresh.get("/api/queries/status-distribution.csv?town=434").data.decode().count("\n") == \
        len(first.json["rows"]) + 1


def test_an_answer_has_an_etag_and_revalidates(fresh):
    first = fresh.get("/api/queries/themes-across-towns.json")
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Cache-Control"].startswith("public, max-age=")
    again = fresh.get("/api/queries/themes-across-towns.json", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag and not again.data
    csv = fresh.get("/api/queries/themes-across-towns.csv", headers={"If-None-Match": tag})
    assert csv.status_code == 200 and csv.headers["ETag"] != tag       # a tag per format
    town = fresh.get("/api/queries/theme-town-matrix.json?town=Pori", headers={"If-None-Match": tag})
    assert town.status_code == 200
    assert fresh.get("/api/queries/theme-town-matrix.json?town=Porvoo").headers["ETag"] != town.headers["ETag"]
    assert "ETag" not in fresh.get("/api/queries/themes-across-towns.html").headers


def test_nothing_is_kept_when_the_bound_is_zero(seed_build):
    app = app_over(seed_build, API_ANSWER_CACHE_CELLS=0)
    try:
        client = app.test_client()
        calls = [client.get("/api/queries/documents.json").json for _ in range(2)]
        assert [c["cached"] for c in calls] == [False, False] and calls[0]["rows"] == calls[1]["rows"]
    finally:
        app.extensions["kuntakg"].close()


def test_the_bound_drops_the_least_recently_used():
    kept = Answers(max_cells=40)
    row = [[ox.Literal("x")]]
    for name in "abcd":
        kept.put(name, (["c"], row * 10))          # 10 cells each: all four fit
    assert kept.get("a") is not None               # a is now the most recent
    kept.put("e", (["c"], row * 10))
    assert kept.get("b") is None and kept.get("a") is not None and kept.get("e") is not None
    kept.put("huge", (["c"], row * 11))            # over a quarter of the bound: never kept
    assert kept.get("huge") is None and len(kept) == 4


@pytest.mark.parametrize("name", ["status-by-plan", "actions-with-targets", "shared-indicators"])
def test_a_town_parameter_gives_that_towns_rows_of_the_whole_answer(api, name):
    everything = api.get(f"/api/queries/{name}.json")
    assert everything.status_code == 200, everything.data
    rows = everything.json["rows"]
    towns = sorted({r["town"] for r in rows})
    assert towns and all(towns), "every row names its town"
    for town in towns:
        one = api.get(f"/api/queries/{name}.json?town={town}")
        assert one.status_code == 200
        assert one.json["rows"] == [r for r in rows if r["town"] == town]
        assert one.json["parameters"] == {"town": town}
