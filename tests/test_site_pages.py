"""Home, municipality, document, search pages; languages; escaping; accessibility basics (issue 6)."""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/id/municipality/609", "/id/doc/pori-perusturva-2018", "/search?q=omais", "/query", "/downloads/",
         "/.well-known/void.html", "/about", "/id/goal/pori-perusturva-2018/vp-op-4", "/guide"]


class Outline(HTMLParser):
    """Collects headings, form controls with their labels, lang attributes, links and scripts."""

    def __init__(self):
        super().__init__()
        self.headings, self.controls, self.labels, self.hrefs, self.langs = [], [], set(), [], []
        self.html_lang = None
        self.inline_handlers = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if "lang" in a:
            self.langs.append(a["lang"])
        self.inline_handlers += [k for k in a if k.startswith("on")]


def outline(html: str) -> Outline:
    p = Outline()
    p.feed(html)
    return p


def test_home_counts_towns_search_and_twin(site_client, kg):
    html = site_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Pori" in html and "/id/municipality/609" in html
    assert 'role="search"' in html
    data = site_client.get("/index.json").json
    goals = int(kg.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a kk:Goal }")[0]["n"])
    assert data["stats"]["goals"] == goals
    assert any(t["town"]["text"] == "Pori" for t in data["towns"])
    assert site_client.get("/", headers={"Accept": "application/json"}).json["ok"] is True


def test_search_over_labels_in_every_language_with_twins(site_client):
    fi = site_client.get("/search.json", query_string={"q": "vanhuspalvelut"}).json["results"]
    assert any("/id/org/609/vanhuspalvelut" in r["iri"] for r in fi)
    sv = site_client.get("/search.json", query_string={"q": "äldreomsorg"}).json["results"]
    assert any("/id/org/609/vanhuspalvelut" in r["iri"] for r in sv)
    en = site_client.get("/search.json", query_string={"q": "SERVICES FOR OLDER"}).json["results"]
    assert any("/id/org/609/vanhuspalvelut" in r["iri"] for r in en)
    rows = list(csv.reader(io.StringIO(site_client.get("/search.csv?q=vanhuspalvelut").get_data(as_text=True))))
    assert rows[0][:2] == ["iri", "label"] and len(rows) > 1
    # quotes and braces in the search text are data, not SPARQL
    r = site_client.get("/search.json", query_string={"q": '") } ; DROP ALL ; #'})
    assert r.status_code == 200 and r.json["results"] == []


def test_municipality_page(site_client):
    m = site_client.get("/id/municipality/609.json").json["municipality"]
    assert [d["iri"] for d in m["documents"]] == ["https://w3id.org/kuntakg/id/doc/pori-perusturva-2018"]
    assert any(u["unit"]["iri"].endswith("/vanhuspalvelut") for u in m["units"])
    assert any(p["person"] for p in m["posts"])
    assert m["headline"]["goals"] > 0 and m["headline"]["actions"] > 0
    html = site_client.get("/id/municipality/609").get_data(as_text=True)
    assert "pori-perusturva-2018" in html


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n["children"])


def test_document_tree_has_the_cascade_with_sources(site_client, kg):
    doc = site_client.get("/id/doc/pori-perusturva-2018.json").json["document"]
    nodes = list(_walk(doc["tree"]))
    kinds = {n["kind"] for n in nodes}
    assert {"Goal", "Action", "Indicator"} <= kinds
    goals = int(kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?g a kk:Goal ; kk:inPlan "
                          "<https://w3id.org/kuntakg/id/plan/pori-perusturva-2018> }")[0]["n"])
    assert len({n["iri"] for n in nodes if n["kind"] == "Goal"}) == goals
    # an action sits below the goal it contributes to
    action = next(n for n in nodes if n["kind"] == "Action")
    parent = kg.select("SELECT ?p WHERE { <%s> kk:contributesTo ?p }" % action["iri"])[0]["p"]
    assert any(action["iri"] in [c["iri"] for c in n["children"]] for n in nodes if n["iri"] == parent)
    with_source = [n for n in nodes if n["provenance"]["spans"]]
    assert len(with_source) > len(nodes) * 0.8
    html = site_client.get("/id/doc/pori-perusturva-2018").get_data(as_text=True)
    assert html.count("<details") >= len(nodes) and "<summary>" in html
    assert 'class="original"' in html


def test_status_badges_from_the_latest_assessment(evil_app):
    client = evil_app.test_client()
    tree = client.get("/id/doc/evil.json").json["document"]["tree"]
    g1 = next(n for n in _walk(tree) if n["iri"].endswith("/goal/evil/g1"))
    assert g1["status"]["notation"] == "done" and g1["status"]["date"] == "2021-12-31"  # the later one wins
    html = client.get("/id/doc/evil", query_string={"lang": "fi"}).get_data(as_text=True)
    assert '<span class="badge status-done"' in html and ">valmis</span>" in html
    assert "status-in-progress" not in html


def test_language_switch_fallback_and_lang_attributes(site_client):
    r = site_client.get("/id/doc/pori-perusturva-2018", query_string={"lang": "sv"})
    html = r.get_data(as_text=True)
    assert '<html lang="sv">' in html and "Målkaskad" in html
    assert "lang=sv" in r.headers["Set-Cookie"]
    # the cookie keeps the choice
    html2 = site_client.get("/id/doc/pori-perusturva-2018").get_data(as_text=True)
    assert '<html lang="sv">' in html2
    # a label without a Swedish version falls back to Finnish (the original) and says so with lang="fi"
    assert 'lang="fi"' in html2
    en = site_client.get("/id/municipality/609", query_string={"lang": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in en and "Services for older people" in en
    fi = site_client.get("/id/municipality/609", query_string={"lang": "fi"}).get_data(as_text=True)
    assert '<html lang="fi">' in fi and ">Vanhuspalvelut</a>" in fi
    site_client.get("/", query_string={"lang": "en"})


def test_fallback_order_is_stated():
    from server.site import i18n
    assert i18n.FALLBACK == {"fi": ("fi", "sv", "en"), "sv": ("sv", "fi", "en"), "en": ("en", "fi", "sv")}
    assert i18n.pick([("Kunta", "fi", False), ("Kommun", "sv", False)], "en").text == "Kunta"
    assert i18n.pick([("x", None, False), ("Kommun", "sv", False)], "fi").text == "Kommun"
    assert i18n.pick([("Town", "en", True), ("Kommun", "sv", False)], "en").text == "Town"


@pytest.mark.parametrize("path", PAGES)
def test_accessibility_basics(site_client, path):
    r = site_client.get(path + ("&" if "?" in path else "?") + "lang=fi", headers={"Accept": "text/html"})
    assert r.status_code == 200, path
    o = outline(r.get_data(as_text=True))
    assert o.html_lang == "fi"
    assert o.headings[0] == 1 and o.headings.count(1) == 1, o.headings
    for a, b in zip(o.headings, o.headings[1:], strict=False):
        assert b <= a + 1, "heading levels skip from h%d to h%d on %s" % (a, b, path)
    for control in o.controls:
        assert control.get("id") in o.labels or control.get("aria-label"), (path, control)
    assert not o.inline_handlers


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colour_contrast_of_the_stylesheet():
    css = (ROOT / "server" / "site" / "static" / "site.css").read_text()
    pairs = 0
    for rule in re.finditer(r"([^{}]+)\{([^}]*)\}", css):
        body = rule.group(2)
        bg = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", body)
        fg = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body)
        if bg and fg:
            pairs += 1
            assert contrast(bg.group(1), fg.group(1)) >= 4.5, rule.group(1).strip()
    assert pairs >= 6
    variables = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{3,6})", css))
    assert contrast(variables["fg"], variables["bg"]) >= 7
    assert contrast(variables["link"], variables["bg"]) >= 4.5
    assert contrast(variables["muted"], variables["soft"]) >= 4.5
    assert contrast("#ffffff", variables["accent"]) >= 4.5  # header links


# ------------------------------------------------------------------ escaping

EVIL_PAGES = ["/", "/id/goal/evil/g1", "/id/goal/evil/g1.json", "/id/doc/evil", "/id/municipality/999",
              "/search?q=script", "/search.csv?q=script", "/resource?iri=javascript:alert(document.cookie)"]


@pytest.mark.parametrize("path", EVIL_PAGES)
def test_data_is_escaped_and_inert(evil_app, path):
    client = evil_app.test_client()
    r = client.get(path, headers={"Accept": "text/html"})
    body = r.get_data(as_text=True)
    assert r.status_code in (200, 400), (path, r.status_code, body[:300])
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    if r.mimetype == "text/csv":  # CSV holds the data as it is; it is never rendered as a page
        assert "<script>alert('label')</script>" in body
        return
    assert "<script>alert" not in body and "<script>town" not in body
    assert "<img src=x" not in body and "<b>Evil</b>" not in body and "<b>x</b>" not in body
    if r.mimetype == "text/html":
        o = outline(body)
        assert not [h for h in o.hrefs if h.strip().lower().startswith(("javascript:", "data:"))]
        assert not o.inline_handlers
        scripts = re.findall(r"<script[^>]*>", body)
        assert all('src="/static/' in s or 'type="application/json"' in s for s in scripts), scripts
    if path == "/id/goal/evil/g1":
        assert "&lt;script&gt;alert(" in body  # shown, as text
        assert "javascript:alert(document.cookie)" in body  # the IRI is shown, not linked


def test_evil_iri_rdf_round_trips(evil_app):
    import pyoxigraph as ox
    r = evil_app.test_client().get("/id/goal/evil/g1.ttl")
    got = {str(t.object) for t in ox.parse(r.data, format=ox.RdfFormat.TURTLE)}
    assert "<javascript:alert(document.cookie)>" in got
    assert str(ox.Literal("<script>alert('label')</script>", language="fi")) in got




def test_every_page_route_has_twins(site_app):
    rules = {r.rule for r in site_app.url_map.iter_rules() if r.endpoint.split(".")[0] in ("pages", "resources")}
    for plain, twin in [("/", "/index.<fmt>"), ("/search", "/search.<fmt>"), ("/query", "/query.<fmt>"),
                        ("/downloads/", "/downloads/index.<fmt>"), ("/resource", "/resource.<fmt>"),
                        ("/ontology", "/ontology.<fmt>"), ("/.well-known/void", "/.well-known/void.<fmt>"),
                        ("/about", "/about.<fmt>")]:
        assert plain in rules and twin in rules


def test_example_queries_run_and_return_rows(site_client):
    from server.registry import editor_text, stored_queries
    with site_client.application.app_context():
        items = [type("Example", (), {"name": q.name, "text": editor_text(q)}) for q in stored_queries().values()]
    assert len(items) >= 3
    html = site_client.get("/query").get_data(as_text=True)
    for q in items:  # each example is offered and runs as it is (row counts: the query catalogue's tests)
        assert 'value="%s"' % q.name in html
        r = site_client.post("/sparql", data={"query": q.text}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (q.name, r.data[:300])
    mine = site_client.post("/sparql", data={"query": next(q.text for q in items if q.name == "documents")},
                            headers={"Accept": "application/sparql-results+json"}).json
    assert len(mine["results"]["bindings"]) >= 2
