"""Stored-query answers kept per version of the store, their ETags, and the town parameter of the
queries that read the whole corpus (issue 15: serving a national corpus)."""
from __future__ import annotations

import threading

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


def test_one_computation_for_concurrent_askers():
    """A second asker of an answer being computed waits for it and takes it; its own computation never
    runs (the first computation is held until the second asker is certainly in line behind it)."""
    kept = Answers(max_cells=100)
    release, started = threading.Event(), threading.Event()
    calls: list[str] = []
    answer = (["c"], [[ox.Literal("x")]])

    def slow():
        calls.append("first")
        started.set()
        release.wait(30)
        return answer

    def again():
        calls.append("second")
        return answer

    got: dict[str, tuple] = {}
    first = threading.Thread(target=lambda: got.update(first=kept.get_or_compute("k", slow, 30)))
    first.start()
    started.wait(30)
    second = threading.Thread(target=lambda: got.update(second=kept.get_or_compute("k", again, 30)))
    second.start()
    release.set()
    first.join(30)
    second.join(30)
    assert calls == ["first"]
    assert got == {"first": (answer, False), "second": (answer, True)}


def test_a_failed_computation_is_not_kept_and_the_next_asker_computes():
    kept = Answers(max_cells=100)

    def fails():
        raise RuntimeError("503")

    with pytest.raises(RuntimeError):
        kept.get_or_compute("k", fails, 1)
    answer = (["c"], [[ox.Literal("y")]])
    assert kept.get_or_compute("k", lambda: answer, 1) == (answer, False)
    assert kept.get_or_compute("k", fails, 1) == (answer, True)


def test_answers_with_default_parameters_are_prepared_at_start(seed_build):
    """API_PREPARE_ANSWERS: every stored query's default answer is kept before anyone asks, and it is
    the answer an app that keeps nothing gives."""
    from server.api.answers import KEY

    prepared = app_over(seed_build, API_PREPARE_ANSWERS=True)
    plain = app_over(seed_build, API_ANSWER_CACHE_CELLS=0, API_PREPARE_ANSWERS=True)  # nothing to prepare
    try:
        kept = prepared.extensions[KEY]
        assert kept.prepared.wait(120)
        names = [q["name"] for q in plain.test_client().get("/api/queries.json").json["queries"]]
        assert len(kept) == len(names) >= 20
        for name in names:
            got = prepared.test_client().get(f"/api/queries/{name}.json").json
            want = plain.test_client().get(f"/api/queries/{name}.json").json
            assert got["cached"] is True and want["cached"] is False, name
            assert got["rows"] == want["rows"], name
        assert KEY not in plain.extensions
    finally:
        prepared.extensions["kuntakg"].close()
        plain.extensions["kuntakg"].close()


def test_a_refusal_for_size_is_kept_and_prepared(seed_build):
    """More rows than API_MAX_ROWS is the same 413 for every asker of this store: kept (the second asker's
    query never runs) and prepared at start like an answer; the JSON error body is the same."""
    from server.api.answers import KEY

    app = app_over(seed_build, API_MAX_ROWS=2, API_PREPARE_ANSWERS=True)
    try:
        assert app.extensions[KEY].prepared.wait(120)
        runner = app.extensions["kuntakg"].runner
        ran: list[str] = []
        execute = runner.execute
        runner.execute = lambda req: ran.append(req.query) or execute(req)
        client = app.test_client()
        prepared = client.get("/api/queries/documents.json")           # refused when prepared
        assert prepared.status_code == 413 and "more than 2 rows" in prepared.json["error"]
        client.get("/api/queries/status-distribution.json?town=Pori")   # reads the towns' names once
        ran.clear()
        first = client.get("/api/queries/status-distribution.json?town=Loviisa")   # not a default answer
        again = client.get("/api/queries/status-distribution.json?town=434")
        assert first.status_code == again.status_code == 413 and first.json == again.json
        assert len(ran) == 1, "only the first asker's query ran"
    finally:
        app.extensions["kuntakg"].close()
