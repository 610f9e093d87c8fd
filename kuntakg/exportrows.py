"""The exports' rows per document, kept between builds (issue 15): a rebuild after one document changed
computes the rows of that document and of the documents next to it, over the few graphs they read,
and takes every other document's rows from the previous build.

Which rows can have changed is decided on the dump itself, not on the inputs. Every line of the
N-Quads dump has an *owner*: the document its subject belongs to (:meth:`kuntakg.iris.Minter.owner`:
its items, source lines, theme tags, its graphs), or no one (a town's people, concepts, periods, the
ontology, the reference data: *shared*). What an item's row says is read from

- lines the item's own document owns (its statements, labels, translations, theme links, inferred
  types, source lines, the graph's description);
- lines of documents that name the document's IRIs or that it names (a report's assessments *about*
  a plan's goal; a goal of another plan it contributes to): its *neighbours*;
- shared lines (a responsible post's name, a concept's notation, the town's code).

A row path never goes further (the patterns in :mod:`kuntakg.export` follow at most one IRI of
another document). So when a document's lines changed, its rows and its neighbours' rows are
computed again, over a store of their lines, their neighbours' lines and every shared line; when a
shared line changed, every row is. The dataset description (its version and date, new every build)
is read by no export and changes nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .cache import keep, kept
from .export import TABLES, by_document, tables
from .iris import DOCUMENT_SEGMENTS, Minter
from .parts import Segment

SHARED = ""         # lines no one document owns
VOLATILE = "~void"  # the dataset description: new every build, read by no export
Rows = dict[str, list[dict[str, Any]]]  # table -> rows


@dataclass
class GraphLines:
    """One graph of the dump, split by owner: its runs of lines (owner, start, end; offsets in the
    graph's bytes), each owner's hash over its lines, and the documents each owner's lines name."""

    runs: list[tuple[str, int, int]]
    hashes: dict[str, str]
    mentions: dict[str, list[str]]

    def as_json(self) -> dict:
        return {"runs": self.runs, "hashes": self.hashes, "mentions": self.mentions}

    @classmethod
    def from_json(cls, data: dict) -> GraphLines:
        return cls([(o, a, b) for o, a, b in data["runs"]], data["hashes"], data["mentions"])


class Owners:
    """Who owns a subject, and which documents a piece of N-Quads names (one regex over its bytes)."""

    def __init__(self, minter: Minter, documents: Iterable[str]):
        self.minter = minter
        self.documents = frozenset(documents)
        self.void = str(minter.void())
        base = re.escape(minter.base.encode("utf-8"))
        kinds = b"|".join(re.escape(k.encode()) for k in DOCUMENT_SEGMENTS)
        self._named = re.compile(b"<" + base + b"(?:id/(?:" + kinds + b")/|graph/(?:translations/)?)([^/>#]+)")

    def of(self, subject: bytes) -> str:
        if not subject.startswith(b"<"):
            return SHARED  # a blank node: the ontology's class expressions
        iri = subject[1:-1].decode("utf-8")
        if iri == self.void or iri.startswith(self.void + "#"):
            return VOLATILE
        return self.minter.owner(iri, self.documents) or SHARED

    def named(self, lines: bytes) -> set[str]:
        found = {m.decode("utf-8") for m in set(self._named.findall(lines))}
        return found & self.documents


def split_graph(lines: Iterable[bytes], owners: Owners) -> GraphLines:
    """A graph's lines (sorted, so a subject's lines are together) as runs of one owner each; read as they
    come (a national corpus's theme links are hundreds of megabytes), holding one run at a time."""
    runs: list[tuple[str, int, int]] = []
    hashes: dict[str, Any] = {}
    mentions: dict[str, set[str]] = {}
    owner: str | None = None
    start = pos = 0
    previous = None
    run: list[bytes] = []

    def close() -> None:
        if owner is None:
            return
        body = b"".join(run)
        runs.append((owner, start, pos))
        hashes.setdefault(owner, hashlib.sha256()).update(body)
        if owner not in (SHARED, VOLATILE):
            mentions.setdefault(owner, set()).update(owners.named(body) - {owner})

    for line in lines:
        subject = line[:line.find(b" ")]
        if subject != previous:
            previous = subject
            this = owners.of(subject)
            if this != owner:
                close()
                owner, start, run = this, pos, []
        run.append(line)
        pos += len(line)
    close()
    return GraphLines(runs, {who: h.hexdigest() for who, h in hashes.items()},
                      {who: sorted(named) for who, named in mentions.items()})


def segment_lines(segment: Segment) -> Iterator[bytes]:
    """A segment's lines, read a block at a time."""
    rest = b""
    for block in segment.blocks():
        block = rest + block
        cut = block.rfind(b"\n") + 1
        yield from block[:cut].splitlines(keepends=True)
        rest = block[cut:]
    if rest:
        yield rest


@dataclass
class Plan:
    """What a build's exports recompute: None for everything, else these documents (possibly none)."""

    recompute: set[str] | None
    context: set[str]  # the owners whose lines the recomputation reads


def plan(previous: Mapping[str, GraphLines] | None, current: Mapping[str, GraphLines],
         documents: Sequence[str], cached_rows: Mapping[str, str]) -> Plan:
    """Compare the owners' lines of the previous dump with this one's (see the module's docstring)."""
    if previous is None:
        return Plan(None, set())
    before, after = _owner_hashes(previous), _owner_hashes(current)
    if before.get(SHARED) != after.get(SHARED):
        return Plan(None, set())
    changed = {o for o in set(before) | set(after) if before.get(o) != after.get(o)} - {VOLATILE}
    changed |= {d for d in documents if d not in cached_rows}
    neighbours = _neighbours(previous, current)
    recompute = {d for o in changed for d in (o, *neighbours.get(o, ()))} & set(documents)
    context = {o for d in recompute for o in (d, *neighbours.get(d, ()))} | {SHARED, VOLATILE}
    return Plan(recompute, context)


def _owner_hashes(graphs: Mapping[str, GraphLines]) -> dict[str, str]:
    """Owner -> one hash over its lines in every graph (the graphs in the dump's order)."""
    out: dict[str, Any] = {}
    for name in sorted(graphs):
        for owner, digest in sorted(graphs[name].hashes.items()):
            out.setdefault(owner, hashlib.sha256()).update(f"{name}\0{digest}\0".encode())
    return {owner: h.hexdigest() for owner, h in out.items()}


def _neighbours(*states: Mapping[str, GraphLines]) -> dict[str, set[str]]:
    """Document -> the documents whose lines name it or that its lines name, in any of `states`."""
    out: dict[str, set[str]] = {}
    for graphs in states:
        for lines in graphs.values():
            for owner, named in lines.mentions.items():
                for other in named:
                    out.setdefault(owner, set()).add(other)
                    out.setdefault(other, set()).add(owner)
    return out


class RowStore:
    """The previous build's owners and rows, in the build cache (`folder`, one per set of shared inputs).
    ``state.json`` is replaced whole (written aside, renamed), and names row files by the hash of their
    bytes (:func:`kuntakg.cache.kept`), so a killed or concurrent build leaves either state, never a mix."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.state = folder / "state.json"

    def load(self) -> tuple[dict[str, GraphLines] | None, dict[str, str]]:
        try:
            data = json.loads(self.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None, {}
        return {g: GraphLines.from_json(v) for g, v in data["graphs"].items()}, data["rows"]

    def graph_lines(self, key: str) -> GraphLines | None:
        body = kept(self.folder / "graphs", key, "json")
        return GraphLines.from_json(json.loads(body)) if body is not None else None

    def keep_graph_lines(self, key: str, lines: GraphLines) -> None:
        keep(self.folder / "graphs", key, "json", json.dumps(lines.as_json()).encode("utf-8"))

    def rows(self, key: str) -> Rows | None:
        body = kept(self.folder / "rows", key, "json")
        if body is None:
            return None
        data = json.loads(body)
        return {table: data[table] for table in TABLES}  # in the tables' order, as the sheets are

    def keep_rows(self, rows: Rows) -> str:
        body = json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")
        key = hashlib.sha256(body).hexdigest()
        keep(self.folder / "rows", key, "json", body)
        return key

    def forget(self) -> None:
        self.state.unlink(missing_ok=True)

    def save(self, graphs: Mapping[str, GraphLines], rows: Mapping[str, str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".state.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"graphs": {g: v.as_json() for g, v in graphs.items()}, "rows": rows}),
                       encoding="utf-8")
        os.replace(tmp, self.state)


def document_rows(graphs: Mapping[str, Segment], documents: Sequence[str], minter: Minter,
                  whole: Callable[[], ox.Store], folder: Path | None) -> dict[str, Rows]:
    """Every document's rows (:func:`kuntakg.export.tables`, split by document): over `whole()` (a store
    of the dump) when there is no earlier build to start from (`folder` None: no cache) or a shared
    line changed; else the previous rows, and the rows of the documents whose lines or neighbours'
    lines changed computed over a store of just what they read."""
    if folder is None:
        return by_document(tables(whole()), documents)
    store = RowStore(folder)
    current = _graph_lines(graphs, Owners(minter, documents), store)
    previous, row_keys = store.load()
    reused: dict[str, Rows] = {}
    decided = plan(previous, current, documents, row_keys)
    redo = set(documents) if decided.recompute is None else decided.recompute
    for doc in sorted(set(documents) - redo):
        found = store.rows(row_keys[doc])
        if found is None:  # removed from the cache since (kuntakg cache prune): everything afresh
            decided, reused = Plan(None, set()), {}
            break
        reused[doc] = found
    out = _rows_of(decided, graphs, current, documents, reused, whole)
    return _kept(store, current, documents, out, {d: row_keys[d] for d in reused})


def _graph_lines(graphs: Mapping[str, Segment], owners: Owners, store: RowStore) -> dict[str, GraphLines]:
    """Each graph's lines by owner, kept by the hash of its bytes (a rebuild splits only changed graphs)."""
    out: dict[str, GraphLines] = {}
    for name, segment in graphs.items():
        digest = hashlib.sha256()
        for block in segment.blocks():
            digest.update(block)
        key = digest.hexdigest()
        lines = store.graph_lines(key)
        if lines is None:
            lines = split_graph(segment_lines(segment), owners)
            store.keep_graph_lines(key, lines)
        out[name] = lines
    return out


def _rows_of(decided: Plan, graphs: Mapping[str, Segment], current: Mapping[str, GraphLines],
             documents: Sequence[str], reused: dict[str, Rows], whole: Callable[[], ox.Store]) -> dict[str, Rows]:
    if decided.recompute is None:
        return by_document(tables(whole()), documents)
    fresh = by_document(tables(_context_store(graphs, current, decided.context)), decided.recompute)
    if set(fresh) - set(documents):  # rows of a graph that no document owns: only the whole dump says all
        return by_document(tables(whole()), documents)
    out = {**reused, **{d: fresh[d] for d in decided.recompute}}
    return {d: out[d] for d in documents}


def _kept(store: RowStore, current: Mapping[str, GraphLines], documents: Sequence[str], out: dict[str, Rows],
          unchanged: dict[str, str]) -> dict[str, Rows]:
    """Record this build's owners and rows for the next one (not when some rows belong to no document:
    the next build could not tell when they change)."""
    if set(out) - set(documents):
        store.forget()
        return out
    store.save(current, {d: unchanged[d] if d in unchanged else store.keep_rows(out[d]) for d in documents})
    return out


def _context_store(graphs: Mapping[str, Segment], lines: Mapping[str, GraphLines], owners: set[str]) -> ox.Store:
    """An in-memory store of the lines of `owners`, graph by graph."""
    store = ox.Store()
    chunks: list[bytes] = []
    for name, segment in graphs.items():
        wanted = [(a, b) for owner, a, b in lines[name].runs if owner in owners]
        if not wanted:
            continue
        with segment.path.open("rb") as fh:
            for a, b in wanted:
                fh.seek(segment.start + a)
                chunks.append(fh.read(b - a))
    if chunks:
        store.bulk_load(b"".join(chunks), format=ox.RdfFormat.N_QUADS)
    return store


__all__ = ["document_rows", "plan", "split_graph", "Owners", "GraphLines", "RowStore", "by_document",
           "SHARED", "VOLATILE"]
