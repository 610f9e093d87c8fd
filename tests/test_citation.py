"""Citable data (issue 16, item 6): CITATION.cff, the dataset version in the dump, the manifest and the
VoID/DCAT description, the data changelog, and the "how to cite" line of /about and the README."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from kuntakg.errors import InvalidInput
from kuntakg.release import DCAT_VERSION, content_digest, latest_entry, stamp

ROOT = Path(__file__).resolve().parent.parent
DATASET = "https://w3id.org/kuntakg/.well-known/void#dataset"
BUILD_GRAPH = "https://w3id.org/kuntakg/graph/build"


def test_citation_cff_is_valid_cff_1_2_0():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "tests" / "vendor" / "cff-1.2.0" / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(cff)
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "CC-BY-4.0"


def test_citation_cff_names_the_release_of_the_changelog():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    release, date = latest_entry(ROOT / "data" / "CHANGELOG.md")
    assert str(cff["version"]) == release
    assert str(cff["date-released"]) == date


def test_the_dump_and_manifest_carry_the_version(seed_build):
    manifest = json.loads((seed_build.out / "manifest.json").read_text(encoding="utf-8"))
    info = manifest["dataset"]
    release, date = latest_entry(ROOT / "data" / "CHANGELOG.md")
    assert info["release"] == release and info["modified"] == date
    assert info["version"] == "%s+%s" % (release, info["content_sha256"][:12])
    quads = list(ox.parse(path=str(seed_build.out / "kuntakg.nq"), format=ox.RdfFormat.N_QUADS))
    stamped = [q for q in quads if q.subject == ox.NamedNode(DATASET)]
    assert {(q.predicate.value, q.object.value, q.graph_name.value) for q in stamped} == {
        (DCAT_VERSION, info["version"], BUILD_GRAPH),
        ("http://purl.org/dc/terms/modified", date, BUILD_GRAPH)}
    # the digest is the content without the version statements, recomputed from the published dump
    rest = sorted((q for q in quads if q.subject != ox.NamedNode(DATASET)),
                  key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    assert content_digest(rest) == info["content_sha256"]


def _quads(value: str) -> list[ox.Quad]:
    g = ox.NamedNode("https://example.org/g")
    return [ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal(value), g)]


def test_the_version_is_deterministic_and_follows_the_content(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Data changelog\n\n## Unreleased\n\n- next\n\n## 2.1.0 — 2027-01-15\n\n- more\n\n"
                         "## 2.0.0 — 2026-12-31\n", encoding="utf-8")
    a1, r1 = stamp(_quads("a"), changelog, DATASET, BUILD_GRAPH)
    a2, r2 = stamp(_quads("a"), changelog, DATASET, BUILD_GRAPH)
    _, r3 = stamp(_quads("b"), changelog, DATASET, BUILD_GRAPH)
    assert r1 == r2 and a1 == a2  # same inputs, same version and quads: no clock involved
    assert r1.release == "2.1.0" and r1.modified == "2027-01-15" and r1.version.startswith("2.1.0+")
    assert r3.version != r1.version and r3.release == r1.release
    assert len(a1) == 3


def test_a_bad_release_heading_names_file_and_line(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Data changelog\n\nintro\n\n## version one (December)\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as e:
        stamp(_quads("a"), changelog, DATASET, BUILD_GRAPH)
    assert str(changelog) + ":5:1" in str(e.value)
    assert "## <major>.<minor>.<patch> — <YYYY-MM-DD>" in str(e.value)


def test_a_project_without_changelog_is_release_0_0_0(tmp_path):
    quads, info = stamp(_quads("a"), tmp_path / "missing.md", DATASET, BUILD_GRAPH)
    assert info.release == "0.0.0" and info.modified is None
    assert len(quads) == 2 and "modified" not in info.as_dict()


def test_void_has_dcat_version_and_modified(site_client, seed_build):
    info = json.loads((seed_build.out / "manifest.json").read_text(encoding="utf-8"))["dataset"]
    r = site_client.get("/.well-known/void.ttl")
    g = Graph().parse(data=r.get_data(as_text=True), format="turtle")
    ds = URIRef(DATASET)
    assert list(g.objects(ds, URIRef(DCAT_VERSION))) == [Literal(info["version"])]
    assert list(g.objects(ds, DCTERMS.modified)) == [Literal(info["modified"], datatype=XSD.date)]


def test_about_page_says_how_to_cite(site_client, seed_build):
    info = json.loads((seed_build.out / "manifest.json").read_text(encoding="utf-8"))["dataset"]
    html = site_client.get("/about?lang=en").get_data(as_text=True)
    assert 'id="cite"' in html
    assert "version %s" % info["version"] in html
    data = site_client.get("/about.json").get_json()
    assert data["citation"]["version"] == info["version"]
    assert data["citation"]["text"].startswith("Kunta-KG project (%s)." % info["modified"][:4])


def test_readme_says_how_to_cite():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## How to cite" in readme and "CITATION.cff" in readme and "data/CHANGELOG.md" in readme
