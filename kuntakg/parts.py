"""Sorted, canonical N-Quads parts: the unit a streaming build writes per document and merges into dumps.

A part is a file of N-Quads in the dumps' order (graph, subject, predicate, object, each compared as its
N-Triples text), without duplicates. Blank nodes are given RDFC-1.0 labels within the part; since those
labels are only unique within one canonicalisation, at most one part of a merge may hold blank nodes
(today only the ontology graph has any), which :func:`merge` checks.
"""
from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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
    """Write the quads as a part (atomically: a reader never sees half a file); return how many.
    ValueError for a quad in the default graph: a part's every line ends with its graph's name.

    Quads without blank nodes are kept as their N-Quads lines, sorted as text within each graph (the
    order of :func:`sort_key`, see :func:`merge_lines`): a dataset of the quads and their sort keys
    took 2 KB a quad (1 GB for the 0.5 M inferred types of 3.7 M quads), a line takes about 0.2 KB.
    Once a blank node appears, the part is canonicalised as a dataset (:func:`canonical`)."""
    lines: dict[str, set[str]] = {}
    with_blanks: list[ox.Quad] | None = None
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            raise ValueError(f"{path}: a quad in the default graph; a part holds named graphs only")
        if with_blanks is not None:
            with_blanks.append(quad)
        elif _has_blank(quad):
            with_blanks = [q for graph in lines.values()
                           for q in ox.parse(input="".join(graph), format=ox.RdfFormat.N_QUADS)]
            with_blanks.append(quad)
            lines.clear()
        else:
            lines.setdefault(str(quad.graph_name), set()).add(f"{quad} .\n")
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    if with_blanks is not None:
        ordered = canonical(with_blanks)
        ox.serialize(ordered, str(tmp), ox.RdfFormat.N_QUADS)
        count = len(ordered)
    else:
        count = 0
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for graph in sorted(lines):
                fh.writelines(sorted(lines[graph]))
                count += len(lines[graph])
    os.replace(tmp, path)
    return count


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


# --- merging by graph, as bytes (issue 15) --------------------------------------------------------
# Nearly every graph of a build is in one part only (a document's own graph and its translations),
# so the merge copies those parts' lines as bytes; only graphs that several parts write into (the
# build graph, a town's shared graph) are parsed and merged quad by quad. A part's line is the
# quad's N-Quads text (str(quad) + " .\n"), so the bytes are those `merge` would give.

@dataclass(frozen=True)
class Segment:
    """The lines of one named graph in one part: bytes [start, end) of the file."""

    path: Path
    start: int
    end: int
    lines: int

    def read(self) -> bytes:
        return b"".join(self.blocks())

    def blocks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The segment's bytes in blocks of at most `size` (a document's graph can be megabytes)."""
        with self.path.open("rb") as fh:
            fh.seek(self.start)
            left = self.end - self.start
            while left:
                block = fh.read(min(left, size))
                if not block:
                    raise ValueError(f"{self.path}: shorter than its index says")
                yield block
                left -= len(block)


def segments(path: Path) -> dict[str, Segment]:
    """The part's graphs (as N-Triples text, "<iri>") and where their lines are, in file order.

    ValueError when a line has no named graph or the part is not ordered by graph."""
    found: dict[str, Segment] = {}
    current, start, count, offset = b"", 0, 0, 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.endswith(b"> .\n"):
                raise ValueError(f"{path}:{number}: not a quad in a named graph")
            graph = line[line.rfind(b" <", 0, -4) + 1:-3]
            if b" " in graph:  # what the search found is no IRI: the line ends with a typed literal
                raise ValueError(f"{path}:{number}: not a quad in a named graph")
            if graph != current:
                if count:
                    _close(found, path, current, Segment(path, start, offset, count))
                current, start, count = graph, offset, 0
            count += 1
            offset += len(line)
    if count:
        _close(found, path, current, Segment(path, start, offset, count))
    return found


def _close(found: dict[str, Segment], path: Path, graph: bytes, segment: Segment) -> None:
    name = graph.decode("utf-8")
    if name in found:
        raise ValueError(f"{path}: graph {name} in two places: the part is not in the dumps' order")
    found[name] = segment


def holds_blank_nodes(path: Path) -> bool:
    """Whether a part has a blank node as a subject or an object (not just "_:" inside a literal)."""
    with path.open("rb") as fh:
        if not any(b"_:" in block for block in iter(lambda: fh.read(1 << 20) + fh.readline(), b"")):
            return False
        fh.seek(0)
        for line in fh:
            if line.startswith(b"_:"):
                return True
            head = line[:line.rfind(b" <", 0, -4)]
            last = head[head.rfind(b" ") + 1:]
            if last.startswith(b"_:") and b'"' not in last:  # a label never holds a quote; a literal ends with one
                return True
    return False


def index(paths: Sequence[Path]) -> dict[str, list[Segment]]:
    """Every graph of the parts (as "<iri>", in the dumps' order) and its segments; ValueError when
    two parts hold blank nodes (their labels are only unique within one part)."""
    by_graph: dict[str, list[Segment]] = {}
    with_blanks = [p for p in paths if holds_blank_nodes(p)]
    if len(with_blanks) > 1:
        raise ValueError("blank nodes in more than one part: " + ", ".join(map(str, with_blanks)))
    for path in paths:
        for graph, segment in segments(path).items():
            by_graph.setdefault(graph, []).append(segment)
    return {graph: by_graph[graph] for graph in sorted(by_graph)}


def merged_lines(pieces: Sequence[Segment], extra: Sequence[ox.Quad] = ()) -> bytes:
    """One graph's lines from several parts (and `extra` quads of it): sorted, without duplicates."""
    if len(pieces) == 1 and not extra:
        return pieces[0].read()
    streams = [ox.parse(input=piece.read(), format=ox.RdfFormat.N_QUADS) for piece in pieces]
    unique: list[ox.Quad] = []
    for quad in heapq.merge(*streams, sorted(extra, key=sort_key), key=sort_key):
        if not unique or quad != unique[-1]:
            unique.append(quad)
    body = ox.serialize(unique, format=ox.RdfFormat.N_QUADS)
    assert body is not None, "serialize returns the bytes when given no output"
    return body


def merge_lines(pieces: Sequence[Segment], write: Callable[[bytes], object]) -> int:
    """One graph's lines from several parts, sorted and without duplicates, handed to `write` one at a
    time; returns how many. The bytes of :func:`merged_lines` without parsing or holding the graph (the
    theme links of 3.7 M quads are 0.56 M quads in 25 pieces): within a graph a line is "s p o g .",
    and comparing lines as bytes compares (s, p, o) as N-Triples text, as :func:`sort_key` does. UTF-8
    keeps code point order; a term that is a prefix of another is followed by a space, which sorts
    before whatever follows it in the longer term (">" never, then "@" or "^" for a literal, a label
    character for a blank node); below-space characters are escaped in N-Quads."""
    count = 0
    previous = None
    for line in heapq.merge(*(_lines(piece) for piece in pieces)):
        if line != previous:
            write(line)
            count += 1
            previous = line
    return count


def _lines(segment: Segment) -> Iterator[bytes]:
    with segment.path.open("rb") as fh:
        fh.seek(segment.start)
        left = segment.end - segment.start
        while left > 0:
            line = fh.readline()
            if not line:
                raise ValueError(f"{segment.path}: shorter than its index says")
            left -= len(line)
            yield line
