"""YASGUI renders result values as text (issue 17, section 3, item 13): a real browser (Playwright with
Debian's chromium) runs queries in the /query editor over a graph whose literals and IRIs hold markup, and
no element of that markup may appear in the results table: the text shows as typed."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sparql_fixtures import start_server

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.security]

IMG = "<img src=x onerror=alert(1)>"
MARKUP_TRIG = r"""
@prefix ex: <http://example.org/x/> .
ex:g {
  ex:a ex:v "<img src=x onerror=alert(1)>" .
  ex:b ex:v "<b>bold</b><script>alert(2)</script>"@fi .
  ex:c ex:v "<svg onload=alert(3)></svg>"^^<http://example.org/x/t> .
  ex:d ex:v "&lt;i&gt;entity&lt;/i&gt; & <a href=javascript:alert(4)>link</a><img src=y onerror=alert(6)>" .
  <http://example.org/x/e?q=<u>'onmouseover='alert(5)> ex:v "iri" .
}
"""
EXPECTED_TEXTS = [IMG, "<b>bold</b><script>alert(2)</script>", "<svg onload=alert(3)></svg>",
                  "&lt;i&gt;entity&lt;/i&gt; & <a href=javascript:alert(4)>link</a><img src=y onerror=alert(6)>"]
# every CSP violation of the page, wherever markup was parsed (the handlers would run without the CSP)
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile + ':' + e.lineNumber), true);"""


@pytest.fixture(scope="module")
def markup_site(tmp_path_factory):
    path = tmp_path_factory.mktemp("markup") / "markup.trig"
    path.write_text(MARKUP_TRIG.replace("<u>", "%3Cu%3E"), encoding="utf-8")
    srv = start_server({"KUNTAKG_DATA": str(path), "QUERY_WORKERS": 1})
    if "resources" not in srv.app.blueprints:  # until create_app registers the site itself
        from server import site
        site.init_app(srv.app)
    yield srv.url.rsplit("/sparql", 1)[0]
    srv.close()


def _run_query(page: Page, base: str, query: str, accept: str | None = None) -> None:
    page.goto(base + "/query?lang=en")
    page.wait_for_function("window.yasgui && window.yasgui.getTab()")
    if accept:
        page.evaluate("a => { const t = window.yasgui.getTab(); t.setRequestConfig({acceptHeaderSelect: a}); }",
                      accept)
    page.evaluate("q => window.yasgui.getTab().getYasqe().setValue(q)", query)
    page.locator(".yasqe_queryButton").click()
    expect(page.locator(".yasr table tbody tr").first).to_be_visible(timeout=15000)


@pytest.mark.parametrize("accept", [None, "application/sparql-results+xml"], ids=["json", "xml"])
def test_literals_with_markup_show_as_text(page: Page, markup_site, accept):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.add_init_script(WATCH_CSP)
    _run_query(page, markup_site, "SELECT ?s ?v WHERE { ?s ?v0 ?v } ORDER BY ?v", accept)
    table = page.locator(".yasr table tbody")
    expect(table.locator("tr")).to_have_count(5)
    text = table.inner_text()
    for value in EXPECTED_TEXTS:
        assert value in text, (value, text)
    assert "e?q=%3Cu%3E'onmouseover='alert(5)" in text  # an IRI with a quote: whole, as text
    for tag in ("img", "b", "script", "svg", "i", "u"):
        assert table.locator(tag).count() == 0, "a <%s> element was made from result data" % tag
    # the only links in the table are the IRIs of the subjects, none of them javascript:
    hrefs = table.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith("http://example.org/x/") for h in hrefs), hrefs
    events = table.evaluate("t => [...t.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
                            ".filter(n => n.startsWith('on'))")
    assert events == [], events
    # the table's filter box: DataTables' filter strings go through innerHTML when they hold "&"
    page.locator(".yasr .tableFilter").press_sequentially("entity")  # YASR filters on keyup
    expect(table.locator("tr")).to_have_count(1)
    assert EXPECTED_TEXTS[3] in table.inner_text() and table.locator("img, a[href^=javascript]").count() == 0
    page.locator(".yasr .tableFilter").fill("")
    page.locator(".yasr .tableFilter").press("Backspace")
    expect(table.locator("tr")).to_have_count(5)
    assert page.evaluate("window.__csp") == [], "result data was parsed as markup (the CSP blocked its handlers)"
    assert not [u for u in fetched if u.rstrip("/").endswith(("/x", "/y"))], fetched  # no <img src=x> loaded
    assert not dialogs and not errors, (dialogs, errors)
