"""Dataset description (VoID + DCAT-AP 3.0.1) and the downloadable dumps.

The description is computed from the store (counts per document graph, classes, vocabularies,
temporal and spatial coverage) and from the build's ``manifest.json`` (files, sizes, checksums), and
served at ``/.well-known/void``.  Its nodes are hash IRIs of that document under the base
(``<base>.well-known/void#dataset`` …), so they resolve wherever the base resolves.

Dumps are the build's files in the dist folder, offered as they are and gzip-compressed
(``gzip`` with mtime 0, so the same dump always gives the same ``.gz`` bytes and checksum).

URLs in the description start with the configured ``PUBLIC_BASE`` (default: the base of the IRIs),
never with the request's ``Host``.  Both caches are bounded and keyed by what the answer depends
on: the gzip bytes by (file, content hash), the description by (public base, IRI base, dataset
version, dist folder).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from flask import current_app
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, SKOS, VOID, XSD

from kuntakg.namespaces import CC_BY, ONTOLOGY_IRI, PREFIXES

from . import kg
from .describe import base, labels, minter

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
LANG_AUTH = "http://publications.europa.eu/resource/authority/language/"
DUMP_TYPES = {  # suffix -> (media type, EU file type)
    ".trig": ("application/trig", "RDF_TRIG"), ".nq": ("application/n-quads", "RDF_N_QUADS"),
    ".ttl": ("text/turtle", "RDF_TURTLE"), ".jsonld": ("application/ld+json", "JSON_LD"),
}
THEMES = {"GOVE": "Government and public sector", "SOCI": "Population and society", "HEAL": "Health"}



class BoundedCache:
    """A thread-safe mapping that keeps the ``size`` most recently used entries."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


_gz_cache = BoundedCache(32)   # gzip bodies of the dumps downloaded last
# (path, size, mtime) -> (gzip bytes, gzip sha256) of every dump: a few dozen bytes each, so all are kept;
# listing the dumps must not re-read and re-compress every file per request (5 s at a million quads)
_gz_facts: dict[tuple[str, int, int], tuple[int, str]] = {}
_void_cache = BoundedCache(4)  # one entry per (settings, dataset version): a reload adds one


# ------------------------------------------------------------------ dumps

def dist_dir() -> Path | None:
    cfg = current_app.config
    if cfg.get("DIST_DIR"):
        return Path(cfg["DIST_DIR"])
    data = cfg.get("KUNTAKG_DATA")
    if data and cfg.get("STORE", "oxigraph") in ("oxigraph", "rdflib"):
        p = Path(data)
        return p.parent if p.is_file() else None
    return None


def manifest() -> dict:
    d = dist_dir()
    if d is None or not (d / "manifest.json").is_file():
        return {"files": {}, "graphs": {}, "quads": None}
    return json.loads((d / "manifest.json").read_text(encoding="utf-8"))


def dumps() -> list[dict]:
    """Files of the build that can be downloaded, with their gzip twins."""
    d = dist_dir()
    out = []
    for name, info in sorted(manifest().get("files", {}).items()):
        path = d / name
        suffix = Path(name).suffix
        if suffix not in DUMP_TYPES or not path.is_file():
            continue
        gz_bytes, gz_sha256 = gzip_facts(path)
        out.append({"name": name, "bytes": path.stat().st_size, "sha256": info.get("sha256"),
                    "media_type": DUMP_TYPES[suffix][0], "file_type": DUMP_TYPES[suffix][1],
                    "gz_name": name + ".gz", "gz_bytes": gz_bytes, "gz_sha256": gz_sha256,
                    "document": name[:-4] if suffix == ".ttl" else None})
    return out


EXPORT_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/csvm+json",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def exports() -> list[dict]:
    """The tidy tables the build wrote to ``exports/`` (kuntakg.export), as listed in its manifest."""
    d = dist_dir()
    if d is None or not (d / "exports" / "manifest.json").is_file():
        return []
    listed = json.loads((d / "exports" / "manifest.json").read_text(encoding="utf-8")).get("files", {})
    out = []
    for name, info in sorted(listed.items(), key=lambda kv: (kv[0].count("/"), not kv[0].startswith("all/"), kv[0])):
        path = d / "exports" / name
        suffix = Path(name).suffix
        if suffix not in EXPORT_TYPES or not path.is_file() or ".." in name.split("/"):
            continue
        out.append({"name": name, "bytes": path.stat().st_size, "sha256": info.get("sha256"),
                    "media_type": EXPORT_TYPES[suffix],
                    "document": name.split("/", 1)[0] if "/" in name and not name.startswith("all/") else None})
    return out


def _file_key(path: Path) -> tuple[str, int, int]:
    """A dump's identity without reading it: a build replaces files (new inode, new mtime), never edits."""
    st = path.stat()
    return (str(path), st.st_size, st.st_mtime_ns)


def gzipped(path: Path) -> bytes:
    key = _file_key(path)
    body = _gz_cache.get(key)
    if body is None:
        body = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        _gz_cache.put(key, body)
        _gz_facts[key] = (len(body), hashlib.sha256(body).hexdigest())
    return body


def gzip_facts(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of the dump's gzip twin, compressed once per file and process."""
    key = _file_key(path)
    facts = _gz_facts.get(key)
    if facts is None:
        body = gzipped(path)
        facts = (len(body), hashlib.sha256(body).hexdigest())
    return facts


def sha256sums() -> str:
    lines = []
    for f in dumps():
        lines.append("%s  %s" % (f["sha256"], f["name"]))
        lines.append("%s  %s" % (f["gz_sha256"], f["gz_name"]))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ VoID + DCAT-AP

def public_url() -> str:
    """Where the site is reachable, from the settings (``PUBLIC_BASE``), without the final slash."""
    return str(current_app.config["PUBLIC_BASE"]).rstrip("/")


def void_graph() -> Graph:
    backend = kg.backend()
    key = (public_url(), base(), getattr(backend, "version", None), str(dist_dir()))
    g = _void_cache.get(key)
    if g is None:
        g = _build_void()
        _void_cache.put(key, g)
    return g


def _build_void() -> Graph:
    b, pub = base(), public_url()
    doc = URIRef(minter().void())
    n = lambda frag: URIRef("%s#%s" % (doc, frag))  # noqa: E731
    catalog, ds, publisher, service = n("catalog"), n("dataset"), n("publisher"), n("sparql")
    g = Graph()
    for prefix in ("dcat", "dcterms", "foaf", "void", "skos", "xsd"):
        g.bind(prefix, {"dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "void": VOID, "skos": SKOS,
                        "xsd": XSD}[prefix])
    g.bind("spdx", SPDX)
    title = {"fi": "Kunta-KG: kuntien strategia-asiakirjat linkitettynä datana",
             "sv": "Kunta-KG: kommunala strategidokument som länkade data",
             "en": "Kunta-KG: Finnish municipal strategy documents as linked data"}
    desc = {"fi": "Suomalaisten kuntien strategia- ja palvelusuunnitelmat sekä seurantaraportit RDF-muodossa: "
                  "painopisteet, tavoitteiden porrastus, toimenpiteet, mittarit ja tavoitearvot, vastuuhenkilöt "
                  "ja toteutumisen arviot, kukin jäljitettynä alkuperäisen tekstin riveihin.",
            "sv": "Strategi- och serviceplaner samt uppföljningsrapporter från finländska kommuner i RDF: "
                  "tyngdpunkter, målkaskader, åtgärder, mätare och målvärden, ansvariga och utfall, vart och ett "
                  "spårat till raderna i originaltexten.",
            "en": "Strategy and service plans and interim reports of Finnish towns in RDF: spearheads, the "
                  "cascade of goals, actions, metrics with targets, responsible posts and people, and status "
                  "assessments, each traced to its lines in the original text."}
    licence = URIRef(CC_BY)

    g.add((catalog, RDF.type, DCAT.Catalog))
    for lang_code in ("fi", "sv", "en"):
        g.add((catalog, DCTERMS.title, Literal("Kunta-KG", lang=lang_code)))
        g.add((catalog, DCTERMS.description, Literal(desc[lang_code], lang=lang_code)))
        g.add((ds, DCTERMS.title, Literal(title[lang_code], lang=lang_code)))
        g.add((ds, DCTERMS.description, Literal(desc[lang_code], lang=lang_code)))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCAT.dataset, ds))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, FOAF.homepage, URIRef(pub + "/")))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("Kunta-KG project", lang="en")))
    g.add((publisher, FOAF.name, Literal("Kunta-KG-projekti", lang="fi")))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, DCTERMS.title, Literal("Creative Commons Attribution 4.0 International", lang="en")))

    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCTERMS.license, licence))
    g.add((ds, DCTERMS.rights, Literal(
        "Data CC BY 4.0: credit 'Kunta-KG' and the town whose document an item comes from. The source "
        "documents are public documents of the towns.", lang="en")))
    g.add((ds, DCAT.landingPage, URIRef(pub + "/")))
    g.add((ds, FOAF.homepage, URIRef(pub + "/")))
    g.add((ds, DCAT.keyword, Literal("kuntastrategia", lang="fi")))
    g.add((ds, DCAT.keyword, Literal("municipal strategy", lang="en")))
    g.add((ds, DCAT.keyword, Literal("kommunstrategi", lang="sv")))
    for code, label in THEMES.items():
        theme = URIRef(DATA_THEME + code)
        g.add((ds, DCAT.theme, theme))
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((theme, SKOS.inScheme, URIRef(DATA_THEME[:-1])))
    for code in ("FIN", "SWE", "ENG"):
        g.add((ds, DCTERMS.language, URIRef(LANG_AUTH + code)))
        g.add((URIRef(LANG_AUTH + code), RDF.type, DCTERMS.LinguisticSystem))
    g.add((ds, VOID.sparqlEndpoint, URIRef(pub + "/sparql")))
    g.add((ds, VOID.uriSpace, Literal(b + "id/")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/TriG")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))
    g.add((ds, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    g.add((URIRef(ONTOLOGY_IRI), RDF.type, DCTERMS.Standard))
    g.add((URIRef(pub + "/"), RDF.type, FOAF.Document))
    version, released = dataset_version()
    if version is not None:
        g.add((ds, URIRef(str(DCAT) + "version"), Literal(version)))  # DCAT 3 (not in rdflib's DCAT 2 terms)
    modified = kg.backend().last_modified
    if released is not None:  # the date of the data's release (data/CHANGELOG.md), not of the file
        g.add((ds, DCTERMS.modified, Literal(released, datatype=XSD.date)))
    elif modified is not None:
        g.add((ds, DCTERMS.modified, Literal(modified.date().isoformat(), datatype=XSD.date)))

    _coverage(g, ds)
    _counts(g, ds, doc)

    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("Kunta-KG SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, URIRef(pub + "/sparql")))
    g.add((service, DCAT.endpointDescription, URIRef(pub + "/sparql")))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    g.add((service, DCTERMS.license, licence))
    sparql_dist = n("dist-sparql")
    g.add((ds, DCAT.distribution, sparql_dist))
    g.add((sparql_dist, RDF.type, DCAT.Distribution))
    g.add((sparql_dist, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((sparql_dist, DCAT.accessURL, URIRef(pub + "/sparql")))
    g.add((sparql_dist, DCAT.accessService, service))
    g.add((sparql_dist, DCTERMS.license, licence))

    for f in dumps():
        dist = n("dump-" + re.sub(r"[^A-Za-z0-9-]", "-", f["name"]))
        target = ds if f["document"] is None else n("doc-" + f["document"])
        g.add((target, DCAT.distribution, dist))
        if f["name"].startswith("kuntakg."):
            g.add((ds, VOID.dataDump, URIRef("%s/downloads/%s" % (pub, f["name"]))))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal("%s (gzip)" % f["name"], lang="en")))
        g.add((dist, DCAT.accessURL, URIRef(pub + "/downloads/")))
        g.add((dist, DCAT.downloadURL, URIRef("%s/downloads/%s" % (pub, f["gz_name"]))))
        media = URIRef(IANA + f["media_type"])
        g.add((dist, DCAT.mediaType, media))
        g.add((media, RDF.type, DCTERMS.MediaType))
        ftype = URIRef(FILE_TYPE + f["file_type"])
        g.add((dist, DCTERMS.format, ftype))
        g.add((ftype, RDF.type, DCTERMS.MediaTypeOrExtent))
        gz = URIRef(IANA + "application/gzip")
        g.add((dist, DCAT.compressFormat, gz))
        g.add((gz, RDF.type, DCTERMS.MediaType))
        g.add((dist, DCAT.byteSize, Literal(f["gz_bytes"], datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, licence))
        checksum = BNode("checksum-" + re.sub(r"[^A-Za-z0-9]", "-", f["name"]))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(f["gz_sha256"], datatype=XSD.hexBinary)))
    return g


def dataset_version() -> tuple[str | None, str | None]:
    """(dcat:version, dcterms:modified) the build recorded in the graph (kuntakg/release.py), or Nones."""
    node = "<%s#dataset>" % minter().void()
    rows = kg.select("""SELECT ?version ?modified WHERE { GRAPH ?g { %s <http://www.w3.org/ns/dcat#version> ?version
      OPTIONAL { %s dcterms:modified ?modified } } } ORDER BY ?version LIMIT 1""" % (node, node))
    if not rows:
        return None, None
    return rows[0]["version"].value, rows[0]["modified"].value if "modified" in rows[0] else None


def citation() -> dict[str, str | None]:
    """How to cite the data being served: the recommended line, with the dataset version (CITATION.cff)."""
    version, modified = dataset_version()
    year = (modified or "")[:4]
    text = "Kunta-KG project%s. Kunta-KG: Finnish municipal strategy documents as linked data%s [data set]. " \
           "CC BY 4.0. %s/" % (" (%s)" % year if year else "", ", version %s" % version if version else "",
                               public_url())
    return {"text": text, "version": version, "modified": modified, "void": public_url() + "/.well-known/void"}


def _coverage(g: Graph, ds: URIRef) -> None:
    rows = kg.select("SELECT DISTINCT ?doc ?m ?period WHERE { ?doc a kk:PlanDocument . "
                     "OPTIONAL { ?doc kk:municipality ?m } OPTIONAL { ?doc dcterms:temporal ?period } }")
    years = [int(y) for r in rows if "period" in r for y in re.findall(r"(?<![0-9])(\d{4})(?![0-9])",
                                                                        r["period"].value.rsplit("/", 1)[-1])]
    if years:
        period = BNode("temporal")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal("%d-01-01" % min(years), datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal("%d-12-31" % max(years), datatype=XSD.date)))
    towns = {r["m"].value for r in rows if "m" in r}
    names = labels(towns, "fi")
    for town in sorted(towns):
        t = URIRef(town)
        g.add((ds, DCTERMS.spatial, t))
        g.add((t, RDF.type, DCTERMS.Location))
        if town in names:
            g.add((t, SKOS.prefLabel, Literal(names[town].text, lang=names[town].lang)))


def _counts(g: Graph, ds: URIRef, doc: URIRef) -> None:
    graphs = kg.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    g.add((ds, VOID.triples, Literal(sum(int(r["n"].value) for r in graphs), datatype=XSD.integer)))
    docs = kg.select("SELECT ?doc ?id WHERE { ?doc a kk:PlanDocument ; dcterms:identifier ?id } ORDER BY ?id")
    counts = {r["g"].value: int(r["n"].value) for r in graphs}
    names = labels({r["doc"].value for r in docs})
    for r in docs:
        doc_id = r["id"].value
        sub = URIRef("%s#doc-%s" % (doc, doc_id))
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, RDF.type, DCAT.Dataset))
        lab = names.get(r["doc"].value)
        g.add((sub, DCTERMS.title, Literal(lab.text if lab else doc_id, lang=lab.lang if lab else None)))
        graph = str(minter().document_graph(doc_id))
        g.add((sub, DCTERMS.description, Literal(
            "The named graph %s: one document in the Kunta-KG import format." % graph, lang="en")))
        g.add((sub, PROV.wasDerivedFrom, URIRef(r["doc"].value)))
        g.add((sub, DCTERMS.isPartOf, ds))
        g.add((sub, DCTERMS.license, URIRef(CC_BY)))
        g.add((sub, VOID.triples, Literal(counts.get(graph, 0), datatype=XSD.integer)))
        g.add((sub, VOID.sparqlEndpoint, URIRef(public_url() + "/sparql")))
    classes = kg.select("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")
    props = kg.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
    subjects = kg.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
    g.add((ds, VOID.classes, Literal(int(classes[0]["n"].value), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(props), datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(int(subjects[0]["n"].value), datatype=XSD.integer)))
    vocabularies = set()
    for r in props:
        p = r["p"].value
        for ns in PREFIXES.values():
            if p.startswith(ns):
                vocabularies.add(ns)
                break
    for ns in sorted(vocabularies):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    example = kg.select("SELECT ?x WHERE { ?x a kk:Goal } ORDER BY ?x LIMIT 1")
    if example:
        g.add((ds, VOID.exampleResource, URIRef(example[0]["x"].value)))


def serialize(fmt: str) -> bytes:
    rdflib_fmt = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    return void_graph().serialize(format=rdflib_fmt, encoding="utf-8")
