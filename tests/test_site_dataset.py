"""VoID + DCAT-AP at /.well-known/void (validated with the DCAT-AP 3.0.1 shapes) and the dumps (issue 6)."""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef

DCAT = Namespace("http://www.w3.org/ns/dcat#")  # plain namespaces: rdflib's defined ones warn under pytest
VOID = Namespace("http://rdfs.org/ns/void#")

SHAPES = Path(__file__).resolve().parent / "vendor" / "dcat-ap-3.0.1"
DS = URIRef("https://w3id.org/kuntakg/.well-known/void#dataset")


@pytest.fixture(scope="module")
def void(site_app) -> Graph:
    r = site_app.test_client().get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    return Graph().parse(data=r.data, format="turtle")


def test_dcat_ap_shapes_validate_the_description(void):
    from pyshacl import validate

    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(SHAPES / name, format="turtle")
    conforms, _, text = validate(void, shacl_graph=shapes, inference="none")
    assert conforms, text
    # and the shapes do catch a broken description
    broken = Graph() + void
    for p in (URIRef("http://purl.org/dc/terms/title"), URIRef("http://purl.org/dc/terms/description")):
        broken.remove((DS, p, None))
    assert not validate(broken, shacl_graph=shapes, inference="none")[0]


def test_void_has_counts_subsets_endpoint_dumps_vocabularies(void, seed_build):
    manifest = seed_build.manifest
    assert int(void.value(DS, VOID.triples)) == manifest["quads"]
    subsets = list(void.objects(DS, VOID.subset))
    assert len(subsets) == len(seed_build.documents)
    for sub in subsets:
        doc_id = str(sub).rsplit("#doc-", 1)[1]
        graph = "https://w3id.org/kuntakg/graph/" + doc_id
        assert int(void.value(sub, VOID.triples)) == manifest["graphs"][graph]
    assert str(void.value(DS, VOID.sparqlEndpoint)).endswith("/sparql")
    dumps = {str(d).rsplit("/", 1)[1] for d in void.objects(DS, VOID.dataDump)}
    assert {"kuntakg.trig", "kuntakg.nq"} <= dumps
    vocabularies = {str(v) for v in void.objects(DS, VOID.vocabulary)}
    assert {"https://w3id.org/kuntakg/ontology#", "http://www.w3.org/2004/02/skos/core#",
            "http://www.w3.org/ns/prov#"} <= vocabularies
    for p in ("license", "publisher", "temporal", "spatial", "title", "description"):
        assert void.value(DS, URIRef("http://purl.org/dc/terms/" + p)) is not None, p
    assert len(list(void.objects(DS, DCAT.theme))) >= 1
    assert str(void.value(DS, URIRef("http://purl.org/dc/terms/license"))) == \
        "https://creativecommons.org/licenses/by/4.0/"


def test_void_in_other_formats_and_linked_from_every_page(site_client):
    for fmt, rdf in (("jsonld", ox.RdfFormat.JSON_LD), ("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML)):
        r = site_client.get("/.well-known/void." + fmt)
        assert r.status_code == 200 and len(list(ox.parse(r.data, format=rdf))) > 50
    html = site_client.get("/.well-known/void", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "void:sparqlEndpoint" in html
    for path in ("/", "/id/municipality/609", "/query"):
        assert 'href="/.well-known/void"' in site_client.get(path).get_data(as_text=True)


def test_dumps_download_gzip_with_checksums_and_last_modified(site_client, seed_build):
    listing = site_client.get("/downloads/index.json").json["files"]
    names = {f["name"] for f in listing}
    assert {"kuntakg.trig", "kuntakg.nq", "kuntakg.jsonld"} <= names
    assert {d + ".ttl" for d in seed_build.documents} <= names
    sums = dict(reversed(line.split("  ")) for line in
                site_client.get("/downloads/SHA256SUMS").get_data(as_text=True).splitlines())
    for f in listing:
        plain = site_client.get("/downloads/" + f["name"])
        assert plain.status_code == 200 and plain.headers["Last-Modified"]
        assert hashlib.sha256(plain.data).hexdigest() == f["sha256"] == sums[f["name"]] == \
            seed_build.manifest["files"][f["name"]]["sha256"]
        gz = site_client.get("/downloads/" + f["gz_name"])
        assert gz.status_code == 200 and gz.mimetype == "application/gzip" and gz.headers["Last-Modified"]
        assert hashlib.sha256(gz.data).hexdigest() == f["gz_sha256"] == sums[f["gz_name"]]
        assert gzip.decompress(gz.data) == plain.data
        again = site_client.get("/downloads/" + f["name"], headers={"If-Modified-Since": plain.headers["Last-Modified"]})
        assert again.status_code == 304
    assert site_client.get("/downloads/manifest.json").status_code == 404
    assert site_client.get("/downloads/..%2Fkuntakg.trig").status_code == 404


def test_dumps_reload_to_the_same_graph(site_client, kg, seed_build):
    def quads(name, fmt):
        data = gzip.decompress(site_client.get("/downloads/%s.gz" % name).data)
        return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
                for q in ox.parse(data, format=fmt) if not isinstance(q.subject, ox.BlankNode)
                and not isinstance(q.object, ox.BlankNode)}
    trig = quads("kuntakg.trig", ox.RdfFormat.TRIG)
    assert trig == quads("kuntakg.nq", ox.RdfFormat.N_QUADS) == quads("kuntakg.jsonld", ox.RdfFormat.JSON_LD)
    built = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
             for q in ox.parse(path=str(seed_build.out / "kuntakg.trig"), format=ox.RdfFormat.TRIG)
             if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert trig == built
    # the store behind the endpoint holds as many quads (it writes xsd:positiveInteger as xsd:integer)
    assert len(kg.store) == seed_build.manifest["quads"]
    assert json.loads(site_client.get("/downloads/index.json").data)["ok"] is True
