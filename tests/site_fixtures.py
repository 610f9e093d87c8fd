"""Fixtures for the linked-data site (issue 6), imported by conftest.py.

* ``site_app`` — the real app over the seed build (embedded pyoxigraph; queries in the request
  thread, so the Flask test client needs no worker processes);
* ``evil_app`` — the app over a small graph whose literals and IRIs hold ``<script>``, quotes and
  ``javascript:`` IRIs;
* ``site_url`` — the shared live server (``seed_live``: real worker processes behind ``/sparql``);
* ``browser_type_launch_args`` — pytest-playwright drives Debian's chromium (``CHROMIUM_PATH``,
  default ``/usr/bin/chromium``); Playwright cannot download browsers here.
"""
from __future__ import annotations

import urllib.parse

import os
import shutil
from pathlib import Path

import pytest

from server import create_app

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("KUNTAKG_ARTIFACTS", ROOT / "test-artifacts" / "browser"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BASE = "https://w3id.org/kuntakg/"

EVIL_TRIG = r"""
@prefix kk: <https://w3id.org/kuntakg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/kuntakg/graph/evil> {
  <https://w3id.org/kuntakg/id/goal/evil/g1> a kk:Goal ;
     skos:prefLabel "<script>alert('label')</script>"@fi , "\"><img src=x onerror=alert(1)>"@sv ;
     kk:sourceText "</blockquote><script>alert(\"source\")</script>"@fi ;
     rdfs:seeAlso <javascript:alert(document.cookie)> , <data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==> ,
        <https://example.org/a'onmouseover='alert(3)'> ;
     kk:inPlan <https://w3id.org/kuntakg/id/plan/evil> ;
     skos:editorialNote "' onmouseover='alert(2)" .
  <javascript:alert(document.cookie)> rdfs:label "<script>alert('iri label')</script>" .
  <https://w3id.org/kuntakg/id/doc/evil> a kk:PlanDocument ; dcterms:title "<b>Evil</b> & <i>title</i>"@fi ;
     kk:municipality <https://w3id.org/kuntakg/id/municipality/999> .
  <https://w3id.org/kuntakg/id/plan/evil> kk:documentedIn <https://w3id.org/kuntakg/id/doc/evil> .
  <https://w3id.org/kuntakg/id/municipality/999> a kk:Municipality ; skos:prefLabel "<script>town()</script>"@fi .
  <https://w3id.org/kuntakg/id/assessment/evil/a1> a kk:StatusAssessment ; kk:about <https://w3id.org/kuntakg/id/goal/evil/g1> ;
     kk:status <https://w3id.org/kuntakg/code/status/in-progress> ; dcterms:date "2021-06-30"^^<http://www.w3.org/2001/XMLSchema#date> .
  <https://w3id.org/kuntakg/id/assessment/evil/a2> a kk:StatusAssessment ; kk:about <https://w3id.org/kuntakg/id/goal/evil/g1> ;
     kk:status <https://w3id.org/kuntakg/code/status/done> ; dcterms:date "2021-12-31"^^<http://www.w3.org/2001/XMLSchema#date> ;
     kk:statusText "<script>alert('status')</script>"@fi .
  <https://w3id.org/kuntakg/code/status/done> skos:notation "done" ; skos:prefLabel "done"@en , "valmis"@fi .
  <https://w3id.org/kuntakg/code/status/in-progress> skos:notation "in-progress" ; skos:prefLabel "in progress"@en .
}
"""


def _app(config: dict):
    app = create_app({"TESTING": True, "ISOLATION": "thread", **config})
    if "resources" not in app.blueprints:  # until create_app registers the site itself
        from server import site
        site.init_app(app)
    return app


@pytest.fixture(scope="session")
def site_app(seed_build):
    app = _app({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig")})
    yield app
    app.extensions["kuntakg"].close()


@pytest.fixture
def site_client(site_app):
    return site_app.test_client()


@pytest.fixture(scope="session")
def evil_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("evil") / "evil.trig"
    path.write_text(EVIL_TRIG, encoding="utf-8")
    app = _app({"KUNTAKG_DATA": str(path)})
    yield app
    app.extensions["kuntakg"].close()


@pytest.fixture(scope="session")
def site_url(seed_live):
    """Root URL of the shared live server."""
    if "resources" not in seed_live.app.blueprints:
        from server import site
        try:
            site.init_app(seed_live.app)
        except AssertionError:
            pytest.fail("create_app does not register the site blueprints (server.site.init_app)")
    return seed_live.url.rsplit("/sparql", 1)[0]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing at %s: run `make system-deps` (apt-get install chromium) "
                    "or set CHROMIUM_PATH" % CHROMIUM)
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def artifacts():
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture
def recorded(page, site_url):
    """All requests of the page; requests to other hosts are aborted and listed."""
    seen, foreign = [], []

    def route(r):
        host = urllib.parse.urlsplit(r.request.url).hostname
        seen.append(r.request.url)
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    page.context.route("**/*", route)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 900})
    yield {"seen": seen, "foreign": foreign, "errors": errors}
    assert not foreign, "requests to other hosts: %s" % foreign
    assert not errors, errors
