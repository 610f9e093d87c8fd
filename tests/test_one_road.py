"""One road to the store: the site's own queries (pages, search) run in the killable query workers under a
time limit, like /sparql. A slow page query answers 503 at the limit and the server keeps serving."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from server import create_app
from server.store import OxigraphBackend, QueryRequest, QueryResult

NEEDLE = "slow-needle"
INDEX_QUERY = "# kuntakg: search index"   # the one query that builds /search's index (server/site/fulltext.py)
# ~10^12 rows on the seed graph: a query nobody's page could finish
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


class SlowOnNeedle(OxigraphBackend):
    """The seed store; a query holding NEEDLE, or the search index query while the file ``slow`` exists,
    is made deliberately expensive (the cross product above). Before it starts, the worker process
    writes ``started`` so the test knows it is running."""

    def __init__(self, data: Path, started: Path):
        super().__init__(data)
        self.started = started

    def execute(self, req: QueryRequest) -> QueryResult:
        slow_index = INDEX_QUERY in req.query and (self.started.parent / "slow").exists()
        if NEEDLE in req.query or slow_index:
            self.started.write_text(str(os.getpid()))
            req = QueryRequest(query=CROSS, form="SELECT", media_type=req.media_type, timeout=req.timeout,
                               max_rows=req.max_rows, max_bytes=req.max_bytes)
        return super().execute(req)


@pytest.fixture(scope="module")
def slow_app(seed_build, tmp_path_factory):
    started = tmp_path_factory.mktemp("one-road") / "started"
    backend = SlowOnNeedle(seed_build.out / "kuntakg.trig", started)
    app = create_app({"BACKEND": backend, "ISOLATION": "process", "QUERY_WORKERS": 2, "SITE_QUERY_TIMEOUT": 4.0,
                      "TESTING": True})
    app.config["started_marker"] = started
    yield app
    app.extensions["kuntakg"].close()


def _wait_for(path: Path, thread: threading.Thread, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert thread.is_alive(), "the slow request ended before its query started"
        assert time.monotonic() < deadline, "the slow query never started"
        time.sleep(0.01)


@pytest.mark.fault
@pytest.mark.parametrize("accept,kind", [("application/json", "application/json"), ("text/html", "text/html")])
def test_slow_search_answers_503_and_the_server_keeps_serving(slow_app, accept, kind):
    """/search builds its index with one query on first use; made slow, that search answers 503 at the
    limit, the others are served meanwhile, and the next search builds the index and answers."""
    started: Path = slow_app.config["started_marker"]
    started.unlink(missing_ok=True)
    slow_app.extensions.pop("kuntakg_search_index", None)
    slow_flag = started.parent / "slow"
    slow_flag.touch()
    runner = slow_app.extensions["kuntakg"].runner
    workers_before = set(runner.worker_pids)
    answer: dict = {}

    def slow() -> None:
        t = time.monotonic()
        r = slow_app.test_client().get("/search", query_string={"q": NEEDLE}, headers={"Accept": accept})
        answer.update(status=r.status_code, type=r.mimetype, body=r.get_data(as_text=True),
                      seconds=time.monotonic() - t)

    thread = threading.Thread(target=slow)
    thread.start()
    _wait_for(started, thread)
    # while the slow query holds one worker, pages are answered by the other
    client = slow_app.test_client()
    assert client.get("/index.json").status_code == 200
    assert client.get("/id/municipality/609.json").status_code == 200
    assert thread.is_alive(), "the slow query ended before the other requests were answered"
    thread.join(60)
    slow_flag.unlink()
    assert not thread.is_alive()
    assert answer["status"] == 503, answer
    assert answer["type"] == kind
    assert "time limit" in answer["body"]
    assert answer["seconds"] < 4.0 + 10, answer  # at the limit, not after the query
    # the worker that ran it was killed and replaced; the server still answers
    assert int(started.read_text()) not in runner.worker_pids
    assert set(runner.worker_pids) != workers_before
    found = client.get("/search.json", query_string={"q": "Pori"})
    assert found.status_code == 200 and found.json["results"]
    assert client.get("/").status_code == 200


def test_site_queries_take_the_runner(seed_build):
    """Every site query is a QueryRequest to the runner, with the site's time limit and the row bound."""
    seen: list[QueryRequest] = []

    class Recording(OxigraphBackend):
        def execute(self, req: QueryRequest) -> QueryResult:
            seen.append(req)
            return super().execute(req)

    app = create_app({"BACKEND": Recording(seed_build.out / "kuntakg.trig"), "ISOLATION": "thread",
                      "SITE_QUERY_TIMEOUT": 7.5, "MAX_RESULT_ROWS": 12345, "TESTING": True})
    try:
        client = app.test_client()
        assert client.get("/index.json").status_code == 200
        assert client.get("/search.json", query_string={"q": "Pori"}).status_code == 200
        assert seen and all(r.timeout == 7.5 and r.max_rows == 12345 for r in seen)
    finally:
        app.extensions["kuntakg"].close()
