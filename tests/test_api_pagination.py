"""Paginated stored queries (grlc's ``pagination`` header; issue 15: answers that grow with the corpus).

goal-neighbours answers 100 rows a page. The seed graph gives its default goal 13 neighbours, so the
pages are checked on a copy of queries/ whose goal-neighbours has 4 rows a page: walking the ``next``
links from page 1 gives exactly the rows of the same query without pagination, in the same order, in
every format; the text a remote store gets for a page answers the same rows.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuntakg.queries import QueryDefinitionError, load_queries, load_query

ROOT = Path(__file__).resolve().parents[1]
SIZE = 4
NAME = "goal-neighbours"
# a goal with more than 2 * SIZE neighbours in the seed graph (the default one has 13)
GOAL = "https://w3id.org/kuntakg/id/goal/pori-perusturva-2018/lt-1"


def queries_with(folder: Path, pagination: str | None) -> Path:
    """A copy of queries/ whose goal-neighbours has ``pagination`` (None: no pagination at all)."""
    shutil.copytree(ROOT / "queries", folder)
    path = folder / (NAME + ".rq")
    text = path.read_text(encoding="utf-8")
    replaced = re.sub(r"^#\+ pagination: \d+\n", "" if pagination is None else "#+ pagination: %s\n" % pagination,
                      text, count=1, flags=re.M)
    assert replaced != text
    path.write_text(replaced, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def apps(seed_build, tmp_path_factory):
    from server import create_app

    made = {}
    for key, pagination in (("paged", str(SIZE)), ("whole", None)):
        folder = queries_with(tmp_path_factory.mktemp("queries-" + key) / "queries", pagination)
        made[key] = create_app({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig"), "ISOLATION": "thread",
                                "TESTING": True, "QUERIES_DIR": str(folder)})
    yield made
    for app in made.values():
        app.extensions["kuntakg"].close()


def links_of(resp) -> dict[str, str]:
    """rel -> URL of a response's Link header (the pagination relations only)."""
    out = {}
    for part in resp.headers.get("Link", "").split(", "):
        m = re.fullmatch(r'<([^>]*)>; rel="(first|prev|next)"', part)
        if m:
            out[m.group(2)] = m.group(1)
    return out


def test_the_pages_are_the_whole_answer_in_order(apps):
    whole = apps["whole"].test_client().get("/api/queries/%s.json" % NAME, query_string={"goal": GOAL}).json
    assert "page" not in whole and len(whole["rows"]) > 2 * SIZE, "too few rows to span three pages"
    client = apps["paged"].test_client()
    url, rows, pages = "/api/queries/%s.json?goal=%s" % (NAME, GOAL), [], 0
    while url:
        resp = client.get(url)
        assert resp.status_code == 200, resp.json
        body = resp.json
        pages += 1
        assert body["page"] == pages and body["page_size"] == SIZE
        assert body["links"] == links_of(resp)  # the body's links are the Link header's
        assert body["links"]["first"].endswith("page=1")
        assert ("prev" in body["links"]) == (pages > 1)
        assert 0 < len(body["rows"]) <= SIZE and (len(body["rows"]) == SIZE or "next" not in body["links"])
        rows += body["rows"]
        url = body["links"].get("next")
    assert rows == whole["rows"]
    assert pages == -(-len(whole["rows"]) // SIZE)


def test_csv_and_html_pages(apps):
    client = apps["paged"].test_client()
    whole = apps["whole"].test_client().get("/api/queries/%s.csv" % NAME, query_string={"goal": GOAL})
    expected = list(csv.reader(io.StringIO(whole.get_data(as_text=True))))
    second = client.get("/api/queries/%s.csv" % NAME, query_string={"goal": GOAL, "page": "2"})
    got = list(csv.reader(io.StringIO(second.get_data(as_text=True))))
    assert got[0] == expected[0] and got[1:] == expected[1 + SIZE:1 + 2 * SIZE]
    assert set(links_of(second)) == {"first", "prev", "next"}
    html = client.get("/api/queries/%s.html" % NAME, query_string={"goal": GOAL, "page": "2"})
    text = html.get_data(as_text=True)
    assert 'rel="next"' in text and 'rel="prev"' in text and "Page 2" in text
    assert text.count("<tr>") == SIZE + 1  # the header and one page of rows


def test_a_page_after_the_last_is_empty_and_bad_pages_are_400(apps):
    client = apps["paged"].test_client()
    far = client.get("/api/queries/%s.json" % NAME, query_string={"goal": GOAL, "page": "999"})
    assert far.status_code == 200 and far.json["rows"] == [] and "next" not in far.json["links"]
    for bad in ("0", "-1", "1.5", "x", "1e3", "10000000"):
        resp = client.get("/api/queries/%s.json" % NAME, query_string={"goal": GOAL, "page": bad})
        assert resp.status_code == 400 and resp.json["parameter"] == "page", bad
    resp = client.get("/api/queries/documents.json", query_string={"page": "2"})  # not paginated
    assert resp.status_code == 400 and resp.json["parameter"] == "page"


def test_each_page_is_kept_and_revalidated_on_its_own(seed_build, tmp_path):
    from server import create_app

    folder = queries_with(tmp_path / "queries", str(SIZE))
    app = create_app({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig"), "ISOLATION": "thread",
                      "TESTING": True, "QUERIES_DIR": str(folder)})
    try:
        client = app.test_client()
        first = [client.get("/api/queries/%s.json" % NAME, query_string={"goal": GOAL, "page": p}) for p in "12"]
        again = [client.get("/api/queries/%s.json" % NAME, query_string={"goal": GOAL, "page": p}) for p in "12"]
        assert [r.json["cached"] for r in first + again] == [False, False, True, True]
        assert first[0].json["rows"] != first[1].json["rows"]
        assert [r.json["rows"] for r in again] == [r.json["rows"] for r in first]
        assert first[0].headers["ETag"] != first[1].headers["ETag"]
        revalidated = client.get("/api/queries/%s.json" % NAME, query_string={"goal": GOAL, "page": "2"},
                                 headers={"If-None-Match": first[1].headers["ETag"]})
        assert revalidated.status_code == 304
    finally:
        app.extensions["kuntakg"].close()


def test_the_text_for_a_remote_store_answers_the_same_page(apps, seed_build, tmp_path):
    """A remote store gets the stored text with LIMIT/OFFSET after its ORDER BY and the parameters as a
    VALUES block; run here on an in-memory store with the seed graph."""
    query = load_queries(queries_with(tmp_path / "queries", str(SIZE)))[NAME]
    store = ox.Store()
    store.load(path=str(seed_build.out / "kuntakg.trig"), format=ox.RdfFormat.TRIG)
    bindings = query.bind({"goal": GOAL})
    client = apps["paged"].test_client()
    for page in (1, 2, 3):
        text = query.for_remote(bindings, page)
        assert "LIMIT %d OFFSET %d" % (SIZE + 1, (page - 1) * SIZE) in text
        solutions = store.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        neighbours = [s["neighbour"].value for s in solutions][:SIZE]
        api = client.get("/api/queries/%s.json" % NAME, query_string={"goal": GOAL, "page": str(page)}).json
        assert neighbours == [r["neighbour"] for r in api["rows"]]


def test_openapi_and_the_catalogue_describe_the_pages(apps):
    client = apps["paged"].test_client()
    op = client.get("/api/openapi.json").json["paths"]["/api/queries/" + NAME]["get"]
    page = next(p for p in op["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1 and str(SIZE) in page["description"]
    assert "Link" in op["responses"]["200"]["headers"]
    assert {"page", "page_size", "links"} <= set(op["responses"]["200"]["content"]["application/json"]["schema"]
                                                   ["properties"])
    catalogue = {q["name"]: q for q in client.get("/api/queries.json").json["queries"]}
    assert catalogue[NAME]["page_size"] == SIZE and catalogue["documents"]["page_size"] is None
    documents = client.get("/api/openapi.json").json["paths"]["/api/queries/documents"]["get"]
    assert "page" not in {p["name"] for p in documents["parameters"]}


def test_the_compare_page_pages_the_neighbours(apps):
    client = apps["paged"].test_client()
    first = client.get("/compare/neighbours.json", query_string={"goal": GOAL})
    assert first.status_code == 200 and len(first.json["rows"]) == SIZE
    assert links_of(first)["next"].startswith("/compare/neighbours.json?")
    html = client.get("/compare/neighbours", query_string={"goal": GOAL, "page": "2"},
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'rel="prev"' in html and "Page 2" in html


@pytest.mark.live
def test_a_client_follows_the_link_header_over_http(apps, seed_build, tmp_path):
    """requests (its ``links``, parsed from the Link header) walks the CSV pages of a live server and
    pandas reads each: together they are the whole answer's CSV."""
    import pandas as pd
    import requests
    from sparql_fixtures import start_server

    whole = apps["whole"].test_client().get("/api/queries/%s.csv" % NAME, query_string={"goal": GOAL})
    expected = pd.read_csv(io.StringIO(whole.get_data(as_text=True)), dtype=str, keep_default_na=False)
    folder = queries_with(tmp_path / "queries", str(SIZE))
    srv = start_server({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig"), "QUERIES_DIR": str(folder),
                        "QUERY_WORKERS": 1})
    try:
        url: str | None = srv.url.rsplit("/sparql", 1)[0] + "/api/queries/%s.csv?goal=%s" % (NAME, GOAL)
        frames = []
        with requests.Session() as session:
            while url:
                resp = session.get(url, timeout=30)
                resp.raise_for_status()
                assert resp.links["first"]["url"].endswith("page=1")
                frames.append(pd.read_csv(io.StringIO(resp.text), dtype=str, keep_default_na=False))
                url = urllib.parse.urljoin(url, resp.links["next"]["url"]) if "next" in resp.links else None
    finally:
        srv.close()
    assert len(frames) == -(-len(expected) // SIZE)
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), expected)


@pytest.mark.parametrize("header,tail,message", [
    ("#+ pagination: 0\n", "ORDER BY ?s\n", "from 1 to"),
    ("#+ pagination: many\n", "ORDER BY ?s\n", "from 1 to"),
    ("#+ pagination: true\n", "ORDER BY ?s\n", "from 1 to"),
    ("#+ pagination: 10\n", "", "needs ORDER BY"),
    ("#+ pagination: 10\n", "ORDER BY ?s\nLIMIT 10\n", "no LIMIT or OFFSET"),
    ("#+ pagination: 10\n", "ORDER BY ?s LIMIT 10 OFFSET 5\n", "no LIMIT or OFFSET"),
])
def test_a_bad_paginated_query_stops_loading(tmp_path, header, tail, message):
    """The page size is a number of rows; the query orders its rows and does not limit them itself."""
    path = tmp_path / "q.rq"
    path.write_text("#+ summary: s\n#+ description: d\n#+ tags: [goals]\n" + header
                    + "SELECT ?s WHERE {\n  ?s ?p ?o .\n}\n" + tail, encoding="utf-8")
    with pytest.raises(QueryDefinitionError, match=message):
        load_query(path)
