"""Issue 16 in a real browser (Playwright driving Debian's chromium over the shared live server):
the home page's "Where to start" links open their example in the query editor, the navigation links
the comparison, the guide and the API docs, and the search page finds inflected Finnish words with the
matching source line.  ``KUNTAKG_UPDATE_SCREENSHOTS=1`` refreshes docs/screenshots/search.png."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.slow, pytest.mark.live]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def test_where_to_start_links_open_their_example(page: Page, recorded, site_url):
    page.goto(site_url + "/?lang=en")
    links = page.locator("#h-start + ul a[href^='/query#']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 3, hrefs
    examples = None
    opened = set()
    for href in hrefs:
        name = href.split("#", 1)[1]
        page.goto(site_url + "/?lang=en")
        page.locator("a[href='%s']" % href).first.click()
        page.wait_for_function("() => window.yasgui && typeof window.yasgui.getTab === 'function' && window.yasgui.getTab()")
        if examples is None:
            examples = {e["name"]: e["query"] for e in json.loads(page.locator("#examples-data").text_content())}
        assert name in examples, name
        expect(page.locator("#example")).to_have_value(name)
        value = page.evaluate("() => window.yasgui.getTab().getYasqe().getValue()")
        assert value.strip() == examples[name].strip(), name
        assert page.url.endswith("/query#" + name), page.url   # the address still names the example
        opened.add(value)
    assert len(opened) == len(hrefs)   # every link opened a different example, not the first one
    # an in-page fragment change loads that example too
    other = hrefs[0].split("#", 1)[1]
    page.evaluate("name => { window.location.hash = name; }", other)
    expect(page.locator("#example")).to_have_value(other)


def test_navigation_links_compare_guide_and_api_docs(page: Page, recorded, site_url):
    page.goto(site_url + "/?lang=en")
    nav = page.get_by_role("navigation", name="Kunta-KG")
    for href, text in (("/compare", "Compare"), ("/guide", "Guide"), ("/api/docs", "API")):
        expect(nav.locator("a[href='%s']" % href)).to_have_text(text)
    nav.locator("a[href='/compare']").click()
    expect(page).to_have_url(re.compile(r"/compare$"))
    page.get_by_role("navigation", name="Kunta-KG").locator("a[href='/api/docs']").click()
    expect(page).to_have_url(re.compile(r"/api/docs$"))
    page.goto(site_url + "/?lang=fi")
    expect(page.get_by_role("navigation", name="Kunta-KG").locator("a[href='/compare']")).to_have_text("Vertailu")


def test_search_finds_inflected_words_with_their_source_line(page: Page, recorded, site_url, artifacts):
    page.goto(site_url + "/?lang=en")
    page.locator("#site-q").fill("mielenterveys")
    page.locator("form.search button").click()
    expect(page.locator("h1")).to_contain_text("mielenterveys")
    results = page.locator("ul.results > li")
    expect(results.first).to_be_visible()
    texts = results.all_inner_texts()
    assert any("mielenterveyden" in t.lower() for t in texts), texts[:5]
    assert page.locator("ul.results small.source code").count() >= 1
    first_source = page.locator("ul.results small.source code").first.inner_text()
    assert re.fullmatch(r"\S+\.txt:\d+(-\d+)?", first_source), first_source
    path = artifacts / "search.png"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(path))
    if os.environ.get("KUNTAKG_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / "search.png")
    # a result of ours opens its page
    page.locator("ul.results > li a[href^='/id/']").first.click()
    expect(page).to_have_url(re.compile(r"/id/"))
    expect(page.locator("h1")).to_be_visible()
