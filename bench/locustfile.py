"""Locust user mix for the loopback load run (bench/load.py; tests/test_load_run.py).

Every answer is checked, not only its status: a count the data fixes (KUNTAKG_EXPECT_DOCS plan
documents, given by bench/load.py from the dump), a label on a page, a boolean. "0 failures" means
0 wrong or failed answers. Only ever pointed at 127.0.0.1."""
from __future__ import annotations

import json
import os
import urllib.parse

from locust import HttpUser, between, task

DOCS = int(os.environ.get("KUNTAKG_EXPECT_DOCS", "0"))
COUNT_DOCS = urllib.parse.quote(
    "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/kuntakg/ontology#PlanDocument> }")
JSON = {"Accept": "application/sparql-results+json"}


class Researcher(HttpUser):
    wait_time = between(0, 0.05)

    def _check(self, path: str, name: str, test, headers=None, method="GET", body=None):
        kwargs = {"name": name, "catch_response": True, "headers": headers or {}}
        call = self.client.get if method == "GET" else self.client.post
        if body is not None:
            kwargs["data"] = body
        with call(path, **kwargs) as r:
            if r.status_code != 200:
                r.failure("HTTP %d" % r.status_code)
            elif not test(r):
                r.failure("wrong answer: %s" % r.text[:200])

    @task(3)
    def stored_documents(self):
        self._check("/api/queries/documents.json", "api documents", lambda r: len(r.json()["rows"]) == DOCS)

    @task(2)
    def stored_goals_per_level(self):
        self._check("/api/queries/goals-per-level.json", "api goals-per-level", lambda r: len(r.json()["rows"]) > 0)

    @task(1)
    def stored_query_list(self):
        self._check("/api/queries.json", "api index", lambda r: len(r.json()["queries"]) > 10)

    @task(2)
    def home_page(self):
        self._check("/", "page /", lambda r: "Kunta-KG" in r.text and "</html>" in r.text)

    @task(1)
    def downloads_twin(self):
        self._check("/downloads/index.json", "page downloads.json", lambda r: bool(json.loads(r.text)))

    @task(2)
    def sparql_get(self):
        self._check("/sparql?query=" + COUNT_DOCS, "sparql GET count",
                    lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"]) == DOCS, JSON)

    @task(1)
    def sparql_post(self):
        self._check("/sparql", "sparql POST ask", lambda r: r.json()["boolean"] is True,
                    {**JSON, "Content-Type": "application/sparql-query"}, "POST",
                    "ASK { ?s a <https://w3id.org/kuntakg/ontology#PlanDocument> }")
