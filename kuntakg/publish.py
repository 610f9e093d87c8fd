"""Deterministic dumps: the same graphs always give byte-identical files.

Quads go through pyoxigraph: blank nodes get canonical labels (RDFC-1.0), quads are sorted, and each
format is streamed from that one order.
"""
from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .export import export as export_tables
from .namespaces import PREFIXES
from .parts import merge, read_part, sort_key
from .release import Release, version_quads

STORE_IN_MEMORY = 2_000_000  # quads: above, the exports read an on-disk store (memory bound, issue 15)
FORMATS = {"kuntakg.trig": ox.RdfFormat.TRIG, "kuntakg.nq": ox.RdfFormat.N_QUADS,
           "kuntakg.jsonld": ox.RdfFormat.JSON_LD}


def to_quads(graphs: dict[URIRef, Iterable[tuple]]) -> list[ox.Quad]:
    """The graphs' triples (rdflib graphs or lists of rdflib triples) as sorted, canonical quads."""
    dataset = ox.Dataset()
    for name, triples in graphs.items():
        graph_name = ox.NamedNode(str(name))
        terms: dict = {}
        for s, p, o in triples:
            dataset.add(ox.Quad(rdflib_to_ox(s, terms), rdflib_to_ox(p, terms), rdflib_to_ox(o, terms), graph_name))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def rdflib_to_ox(node, cache: dict):
    """rdflib term -> pyoxigraph term (each distinct term converted once per graph)."""
    term = cache.get(node)
    if term is None:
        if isinstance(node, Literal):
            if node.language:
                term = ox.Literal(str(node), language=node.language)
            else:
                term = ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)) if node.datatype else None)
        elif isinstance(node, BNode):
            term = ox.BlankNode(str(node))
        else:
            term = ox.NamedNode(str(node))
        cache[node] = term
    return term


def write_dumps(quads: list[ox.Quad], out: Path, per_document: dict[str, list[URIRef]],
                dataset: dict[str, str] | None = None) -> dict:
    """Write all dumps into `out`; return a manifest of files, sizes, checksums and counts (and, when
    given, the dataset version under ``"dataset"``: see :mod:`kuntakg.release`).

    per_document: doc id -> the graphs its own Turtle file bundles (its graph, its translations and
    the shared graphs of its town), so that one file reads on its own."""
    for name, fmt in FORMATS.items():
        ox.serialize(quads, out / name, fmt, prefixes=PREFIXES if fmt is not ox.RdfFormat.N_QUADS else None)
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in quads:  # bucket once: scanning every quad per document file grows as documents x quads
        by_graph.setdefault(_graph_key(q), []).append(ox.Triple(q.subject, q.predicate, q.object))
    for doc_id, graph_names in per_document.items():
        triples = sorted({t for g in graph_names for t in by_graph.get(str(g), ())},
                         key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        ox.serialize(triples, out / f"{doc_id}.ttl", ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    graphs = {name: len(triples) for name, triples in by_graph.items()}
    files = {p.name: {"bytes": p.stat().st_size, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
             for p in sorted(out.iterdir()) if p.is_file()}
    manifest: dict = {"quads": len(quads), "graphs": graphs, "files": files}
    if dataset is not None:
        manifest["dataset"] = dataset
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def publish_parts(parts: Sequence[Path], out: Path, per_document: dict[str, list[URIRef]], changelog: Path,
                  dataset_iri: str, build_graph_iri: str, scratch: Path,
                  reuse_workbooks: Path | None = None,
                  store_in_memory: int = STORE_IN_MEMORY) -> tuple[dict, Release]:
    """Write the dumps, per-document Turtle, manifest and exports of the merged parts into `out`: the
    same bytes :func:`write_dumps` and :func:`kuntakg.export.export` write for the same quads, without
    holding the corpus in memory.

    The parts are the whole dataset except the version statements, which :func:`kuntakg.release.stamp`
    would add to the build graph from a digest of the merged content. The merge is streamed once into
    `scratch` (counting and digesting on the way), the version statements are merged into that stream
    as each dump is written; the per-document files are assembled from per-graph files and the exports
    read from a pyoxigraph store of the result (on disk in `scratch` above `store_in_memory` quads).
    Not the store for the per-document files: it stores xsd:positiveInteger values as xsd:integer.
    `reuse_workbooks`: see :func:`kuntakg.export.write_xlsx`."""
    merged = scratch / "merged.nq"
    digest = hashlib.sha256()
    graphs: Counter[str] = Counter()

    def counted() -> Iterator[ox.Quad]:
        for quad in merge(parts):
            digest.update(str(quad).encode("utf-8") + b" .\n")
            graphs[_graph_key(quad)] += 1
            yield quad

    ox.serialize(counted(), str(merged), ox.RdfFormat.N_QUADS)
    extra, release = version_quads(changelog, dataset_iri, build_graph_iri, digest.hexdigest())
    extra = sorted(extra, key=sort_key)
    for quad in extra:
        graphs[_graph_key(quad)] += 1

    # the N-Quads dump first (the merge and the version statements), then the others read from it
    ox.serialize(heapq.merge(read_part(merged), extra, key=sort_key), out / "kuntakg.nq", ox.RdfFormat.N_QUADS)
    merged.unlink()

    def stamped() -> Iterator[ox.Quad]:
        return read_part(out / "kuntakg.nq")

    for name, fmt in FORMATS.items():
        if fmt is not ox.RdfFormat.N_QUADS:
            ox.serialize(stamped(), out / name, fmt, prefixes=PREFIXES)
    # per-document Turtle: each bundled graph's triples into a file of its own (the merge is ordered by
    # graph, so one file is open at a time), then each document's graphs read back, one document at a time
    wanted = {str(g) for graph_names in per_document.values() for g in graph_names}
    by_graph = scratch / "graphs"
    by_graph.mkdir()
    for name, group in itertools.groupby(stamped(), key=_graph_key):
        if name in wanted:
            ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in group),
                         str(by_graph / _file_name(name)), ox.RdfFormat.N_TRIPLES)
    for doc_id, graph_names in per_document.items():
        triples = {t for g in graph_names if (by_graph / _file_name(str(g))).is_file()
                   for t in ox.parse(path=str(by_graph / _file_name(str(g))), format=ox.RdfFormat.N_TRIPLES)}
        ox.serialize(sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))),
                     out / f"{doc_id}.ttl", ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    shutil.rmtree(by_graph)
    files = {p.name: {"bytes": p.stat().st_size, "sha256": _file_sha(p)} for p in sorted(out.iterdir()) if p.is_file()}
    manifest: dict = {"quads": sum(graphs.values()), "graphs": dict(graphs), "files": files,
                      "dataset": release.as_dict()}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # the exports' queries need the whole corpus: in memory up to a size (about 370 bytes a quad; on
    # disk, loading took 3 times as long at 100 k quads), on disk above it
    store = ox.Store() if manifest["quads"] <= store_in_memory else ox.Store(str(scratch / "store"))
    store.bulk_load(path=str(out / "kuntakg.nq"), format=ox.RdfFormat.N_QUADS)
    export_tables(store, out / "exports", reuse_workbooks)
    del store
    return manifest, release


def _graph_key(quad: ox.Quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else str(quad.graph_name)


def _file_name(graph: str) -> str:
    return hashlib.sha256(graph.encode("utf-8")).hexdigest() + ".nt"


def _file_sha(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
