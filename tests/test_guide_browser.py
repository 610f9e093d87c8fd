"""The vocabulary guide in a real browser (issue 16): Playwright driving Debian's chromium over the shared
live server. The diagram image loads from this server (no other host is asked), the town table and the
ten questions are there, the language switch changes the diagram. With ``KUNTAKG_UPDATE_SCREENSHOTS=1``
the screenshot docs/screenshots/guide.png is refreshed."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kuntakg.guide_questions import QUESTIONS

pytestmark = [pytest.mark.slow, pytest.mark.live]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def test_guide_in_a_real_browser(page: Page, recorded, site_url, artifacts):
    page.goto(site_url + "/guide?lang=en")
    expect(page.locator("h1")).to_have_text("Vocabulary guide")
    diagram = page.locator(".guide-diagram img")
    expect(diagram).to_have_attribute("src", "/guide/diagram-en.svg")
    diagram.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('.guide-diagram img');"
                           " return i.complete && i.naturalWidth > 0; }")
    assert diagram.evaluate("i => i.naturalWidth") > 1000  # the SVG was decoded, not a broken image
    towns = page.request.get(site_url + "/guide.json?lang=en").json()["towns"]
    expect(page.locator("table.towns-table tbody tr")).to_have_count(len(towns))
    expect(page.locator("ol.questions > li")).to_have_count(len(QUESTIONS))
    expect(page.locator("#q-metrics-distinct pre")).to_contain_text("SELECT DISTINCT ?goal ?indicator")
    assert page.locator("table.code-list").count() >= 5
    path = artifacts / "guide.png"
    page.set_viewport_size({"width": 1400, "height": 900})
    page.locator("h1").scroll_into_view_if_needed()
    page.screenshot(path=str(path))
    if os.environ.get("KUNTAKG_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / "guide.png")
    # switch the language: Finnish headings and the Finnish diagram
    page.locator("nav.langs a[lang=fi]").click()
    expect(page.locator("h1")).to_have_text("Sanaston opas")
    expect(diagram).to_have_attribute("src", "/guide/diagram-fi.svg")
    assert any(u.endswith("/guide/diagram-fi.svg") for u in recorded["seen"])
