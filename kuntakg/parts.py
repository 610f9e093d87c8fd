"""Sorted, canonical N-Quads parts: the unit a streaming build writes per document and merges into dumps.

A part is a file of N-Quads in the dumps' order (graph, subject, predicate, object, each compared as its
N-Triples text), without duplicates. Blank nodes are given RDFC-1.0 labels within the part; since those
labels are only unique within one canonicalisation, at most one part of a merge may hold blank nodes
(today only the ontology graph has any), which :func:`merge` checks.
"""
from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

Key = tuple[str, str, str, str]


def sort_key(quad: ox.Quad) -> Key:
    """The dumps' order: graph, subject, predicate, object as N-Triples text."""
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads without duplicates, blank nodes canonically labelled (RDFC-1.0), in the dumps' order."""
    dataset = ox.Dataset(quads)
    if any(_has_blank(q) for q in dataset):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=sort_key)


def write_part(quads: Iterable[ox.Quad], path: Path) -> int:
    """Write the quads as a part (atomically: a reader never sees half a file); return how many."""
    ordered = canonical(quads)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    ox.serialize(ordered, str(tmp), ox.RdfFormat.N_QUADS)
    os.replace(tmp, path)
    return len(ordered)


def read_part(path: Path) -> Iterator[ox.Quad]:
    """The quads of a part, in its (the dumps') order."""
    return ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)


def merge(paths: Sequence[Path]) -> Iterator[ox.Quad]:
    """The sorted union of the parts without duplicates; ValueError when two parts hold blank nodes."""
    with_blanks: set[int] = set()

    def tagged(index: int, path: Path) -> Iterator[ox.Quad]:
        for quad in read_part(path):
            if index not in with_blanks and _has_blank(quad):
                with_blanks.add(index)
                if len(with_blanks) > 1:
                    raise ValueError("blank nodes in more than one part: "
                                     + ", ".join(str(paths[i]) for i in sorted(with_blanks)))
            yield quad

    previous: ox.Quad | None = None
    for quad in heapq.merge(*(tagged(i, p) for i, p in enumerate(paths)), key=sort_key):
        if quad != previous:
            yield quad
            previous = quad
