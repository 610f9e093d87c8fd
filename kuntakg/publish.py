"""Deterministic dumps: the same graphs always give byte-identical files.

Quads go through pyoxigraph: blank nodes get canonical labels (RDFC-1.0), quads are sorted, and each
format is streamed from that one order.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .export import export as export_tables
from .namespaces import PREFIXES
from .parts import merge
from .release import Release, stamp

FORMATS = {"kuntakg.trig": ox.RdfFormat.TRIG, "kuntakg.nq": ox.RdfFormat.N_QUADS,
           "kuntakg.jsonld": ox.RdfFormat.JSON_LD}


def to_quads(graphs: dict[URIRef, Iterable[tuple]]) -> list[ox.Quad]:
    """The graphs' triples (rdflib graphs or lists of rdflib triples) as sorted, canonical quads."""
    dataset = ox.Dataset()
    for name, triples in graphs.items():
        graph_name = ox.NamedNode(str(name))
        terms: dict = {}
        for s, p, o in triples:
            dataset.add(ox.Quad(_term(s, terms), _term(p, terms), _term(o, terms), graph_name))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def _term(node, cache: dict):
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
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else str(q.graph_name)
        by_graph.setdefault(name, []).append(ox.Triple(q.subject, q.predicate, q.object))
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
                  dataset_iri: str, build_graph_iri: str) -> tuple[dict, Release]:
    """Write the dumps, per-document Turtle, exports and manifest of the merged parts into `out`.

    The parts are the whole dataset except the version statements, which :func:`kuntakg.release.stamp`
    adds to the build graph from a digest of the merged content. This first version gathers the merged
    quads in memory; the output is what :func:`write_dumps` writes for the same quads."""
    quads, release = stamp(list(merge(parts)), changelog, dataset_iri, build_graph_iri)
    manifest = write_dumps(quads, out, per_document, dataset=release.as_dict())
    store = ox.Store()
    store.bulk_extend(quads)
    export_tables(store, out / "exports")
    return manifest, release
