"""Deterministic dumps: the same graphs always give byte-identical files.

Quads go through pyoxigraph: blank nodes get canonical labels (RDFC-1.0), quads are sorted, and each
format is streamed from that one order.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from .cache import keep, kept
from .export import write_exports
from .exportrows import document_rows
from .forked import fewer_collections
from .iris import Minter
from .namespaces import PREFIXES
from .oxterms import rdflib_to_ox
from .parts import Segment, index, merge_lines, merged_lines, segments, sort_key
from .release import Release, version_quads

STORE_IN_MEMORY = 2_000_000  # quads: above, the exports read an on-disk store (memory bound, issue 15)
# quads per bulk load into that on-disk store: one bulk load of 3.7 M quads peaked at 1.8 GB RSS, loads of
# 400 k at 0.56 GB in about the same time (bench/README.md)
LOAD_CHUNK = 400_000
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
                  reuse: Path | None = None, base: str | None = None,
                  store_in_memory: int = STORE_IN_MEMORY, load_chunk: int = LOAD_CHUNK) -> tuple[dict, Release]:
    """Write the dumps, per-document Turtle, manifest and exports of the merged parts into `out`: the
    same bytes :func:`write_dumps` and :func:`kuntakg.export.export` write for the same quads, without
    holding the corpus in memory.

    The parts are the whole dataset except the version statements, which :func:`kuntakg.release.stamp`
    would add to the build graph from a digest of the merged content. The merge goes graph by graph
    (:func:`kuntakg.parts.index`): a graph held by one part is its bytes, one held by several is merged
    quad by quad. The digest is taken over that merge, then the N-Quads dump is written with the
    version statements in their graph; the other dumps are read from it. The exports read a
    pyoxigraph store of the result (on disk in `scratch` above `store_in_memory` quads), in a process
    of their own while this one writes the TriG, JSON-LD and per-document Turtle files. `reuse` (the
    build cache): a folder for the workbooks (:func:`kuntakg.export.write_xlsx`) and per-document
    Turtle files of earlier builds, found by the hash of what they were made from, and the exports'
    rows of the previous build (with `base`, the IRIs' base: :mod:`kuntakg.exportrows`)."""
    graphs = index(parts)
    digest = hashlib.sha256()
    counts: Counter[str] = Counter()
    # graphs several parts write into (the build graph, a town's shared graph, the theme links), merged
    # line by line into a scratch file: the theme links alone are 15 % of the corpus
    merged: dict[str, Segment] = {}
    merged_path = scratch / "merged-graphs.nq"
    with merged_path.open("wb") as fh:
        def write(line: bytes) -> None:
            fh.write(line)
            digest.update(line)

        for graph, pieces in graphs.items():
            if len(pieces) == 1:
                for block in pieces[0].blocks():
                    digest.update(block)
                counts[graph] = pieces[0].lines
            else:
                start = fh.tell()
                counts[graph] = merge_lines(pieces, write)
                merged[graph] = Segment(merged_path, start, fh.tell(), counts[graph])
    extra, release = version_quads(changelog, dataset_iri, build_graph_iri, digest.hexdigest())
    stamped: dict[str, bytes] = {}  # graphs with the version statements added (the build graph: small)
    for graph, group in itertools.groupby(sorted(extra, key=sort_key), key=lambda q: str(q.graph_name)):
        pieces = [merged[graph]] if graph in merged else graphs.get(graph, [])
        stamped[graph] = merged_lines(pieces, list(group))
        counts[graph] = stamped[graph].count(b"\n")
    # the N-Quads dump, graph by graph; where each graph's lines are in it, for the per-document files
    nquads = out / "kuntakg.nq"
    written: dict[str, Segment] = {}
    with nquads.open("wb") as fh:
        for graph in sorted(set(graphs) | set(stamped)):
            start = fh.tell()
            if graph in stamped:
                fh.write(stamped[graph])
            else:
                fh.writelines((merged[graph] if graph in merged else graphs[graph][0]).blocks())
            written[graph] = Segment(nquads, start, fh.tell(), counts[graph])
    merged_path.unlink()
    store_path = None if sum(counts.values()) <= store_in_memory else scratch / "store"
    chunks = load_chunks([written[g] for g in sorted(written)], load_chunk)
    # spawned, not forked: a fork of a process that has used pyoxigraph's thread pool (a bulk load)
    # inherits the pool's state without its threads, and the child's bulk load waits for them forever
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        exports = pool.submit(_export, nquads, written, sorted(per_document), base, chunks, store_path,
                              out / "exports", reuse)
        for name, fmt in FORMATS.items():
            if fmt is not ox.RdfFormat.N_QUADS:
                _assemble(written.values(), out / name, fmt, reuse / name if reuse is not None else None)
        for doc_id, graph_names in per_document.items():
            pieces = [written[g] for g in (f"<{name}>" for name in graph_names) if g in written]
            _document_turtle(pieces, out / f"{doc_id}.ttl", reuse / "turtle" if reuse is not None else None)
        exports.result()
    files = {p.name: {"bytes": p.stat().st_size, "sha256": _file_sha(p)} for p in sorted(out.iterdir()) if p.is_file()}
    manifest: dict = {"quads": sum(counts.values()), "graphs": {g[1:-1]: n for g, n in counts.items()},
                      "files": files, "dataset": release.as_dict()}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest, release


def load_chunks(segments: Sequence[Segment], size: int) -> list[tuple[int, int]]:
    """Byte ranges of the N-Quads dump of about `size` quads each, cut only between graphs: a blank node
    label is scoped to one load, so a graph's blank nodes (the ontology's class expressions) stay whole;
    no export reads a blank node across graphs."""
    out: list[tuple[int, int]] = []
    start, lines = None, 0
    for seg in sorted(segments, key=lambda s: s.start):
        if start is None:
            start = seg.start
        lines += seg.lines
        end = seg.end
        if lines >= size:
            out.append((start, end))
            start, lines = None, 0
    if start is not None:
        out.append((start, end))
    return out


def _export(nquads: Path, graphs: dict[str, Segment], documents: list[str], base: str | None,
            chunks: Sequence[tuple[int, int]], store_path: Path | None, out: Path, reuse: Path | None) -> None:
    """The exports' tables. Over the whole corpus, a store in memory up to a size (about 370 bytes a
    quad; on disk, loading took 3 times as long at 100 k quads), on disk above it, loaded a chunk at a
    time so the bulk loader's memory stays bounded, then compacted for the queries. With the build
    cache (`reuse`) and an earlier build, only the rows that can have changed are computed, over a
    store of what they read (:mod:`kuntakg.exportrows`)."""
    def whole() -> ox.Store:
        if store_path is None:
            store = ox.Store()
            store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        else:
            store = ox.Store(str(store_path))
            load_dump(store, nquads, chunks)
        return store

    rows_folder = reuse / "exports" if reuse is not None and base is not None else None
    with fewer_collections():  # a spawned process: the build's thresholds are not inherited
        rows = document_rows(graphs, documents, Minter(base or ""), whole, rows_folder)
        write_exports(rows, out, reuse / "workbooks" if reuse is not None else None)


def load_dump(store: ox.Store, nquads: Path, chunks: Sequence[tuple[int, int]] | None = None) -> None:
    """Bulk-load an N-Quads dump in the dumps' order (graph by graph) into an on-disk store about
    LOAD_CHUNK quads at a time (:func:`load_chunks`; the chunks of the file's graphs unless given),
    then compact it for queries. ValueError, before anything is loaded, for a file not in that order."""
    if chunks is None:
        chunks = load_chunks(list(segments(nquads).values()), LOAD_CHUNK)
    with nquads.open("rb") as fh:
        for start, end in chunks:
            fh.seek(start)
            store.bulk_load(fh.read(end - start), format=ox.RdfFormat.N_QUADS)
    store.optimize()


def _assemble(graphs: Iterable[Segment], path: Path, fmt: ox.RdfFormat, reuse: Path | None) -> None:
    """The TriG or JSON-LD dump as each graph serialised on its own, joined: the same bytes as the
    dataset serialised at once (pyoxigraph writes a graph's block from its quads alone; tested), so an
    unchanged graph's block is taken from `reuse`, by the hash of its lines, instead of made again."""
    header = b""
    if fmt is ox.RdfFormat.TRIG:  # the prefix lines that every graph's own serialisation starts with
        probe = ox.NamedNode("http://kuntakg.invalid/probe")
        header = ox.serialize([ox.Quad(probe, probe, probe, probe)], format=fmt, prefixes=PREFIXES) or b""
        header = header[:header.index(b"<http://kuntakg.invalid/probe>")]
    suffix = path.suffix.lstrip(".")
    with path.open("wb") as fh:
        if fmt is ox.RdfFormat.JSON_LD:
            fh.write(b"[")
        for number, segment in enumerate(sorted(graphs, key=lambda s: s.start)):
            lines = segment.read()
            key = hashlib.sha256(lines).hexdigest()
            block = kept(reuse, key, suffix) if reuse is not None else None
            if block is None:
                block = ox.serialize(ox.parse(input=lines, format=ox.RdfFormat.N_QUADS), format=fmt,
                                     prefixes=PREFIXES) or b""
                if reuse is not None:
                    keep(reuse, key, suffix, block)
            if fmt is ox.RdfFormat.JSON_LD:  # [{graph}] per graph: the objects, comma-separated
                if not (block.startswith(b"[") and block.endswith(b"]")):
                    raise ValueError(f"{path}: a graph's JSON-LD is not an array")
                fh.write((b"," if number else b"") + block[1:-1])
            else:
                if not block.startswith(header):
                    raise ValueError(f"{path}: a graph's TriG does not start with the prefixes")
                fh.write(block if number == 0 else block[len(header):])
        if fmt is ox.RdfFormat.JSON_LD:
            fh.write(b"]")


def _document_turtle(pieces: Sequence[Segment], path: Path, reuse: Path | None) -> None:
    """A document's Turtle file: the triples of its bundled graphs, sorted. `reuse`: files of earlier
    builds by the hash of those graphs' lines (and of their own bytes, checked before use)."""
    lines = b"".join(piece.read() for piece in pieces)
    key = hashlib.sha256(lines).hexdigest()
    body = kept(reuse, key, "ttl") if reuse is not None else None
    if body is not None:
        path.write_bytes(body)
        return
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(input=lines, format=ox.RdfFormat.N_QUADS)}
    ox.serialize(sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))),
                 path, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    if reuse is not None:
        keep(reuse, key, "ttl", path.read_bytes())


def _graph_key(quad: ox.Quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else str(quad.graph_name)


def _file_sha(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
