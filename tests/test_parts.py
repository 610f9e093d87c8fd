"""kuntakg.parts: sorted canonical N-Quads parts and their merge."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from kg_fixtures import REPO

from kuntakg import Project, read_all
from kuntakg.docparts import bundle
from kuntakg.export import export
from kuntakg.parts import (Segment, canonical, holds_blank_nodes, index, merge, merge_lines, merged_lines,
                           segments, write_part)
from kuntakg.publish import load_chunks, publish_parts, write_dumps
from kuntakg.release import DCAT_VERSION, DCTERMS_MODIFIED, stamp


def _q(s: str, o: str, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"http://x/{s}"), ox.NamedNode("http://x/p"), ox.Literal(o), ox.NamedNode(f"http://g/{g}"))


def test_merge_is_the_sorted_union_without_duplicates(tmp_path):
    a = [_q("b", "1", "g1"), _q("a", "2", "g2"), _q("a", "1", "g1")]
    b = [_q("a", "1", "g1"), _q("c", "3", "g1"), _q("z", "0", "g0")]
    write_part(a, tmp_path / "a.nq")
    write_part(b, tmp_path / "b.nq")
    assert list(merge([tmp_path / "a.nq", tmp_path / "b.nq"])) == canonical(a + b)
    assert len(canonical(a + b)) == 5


def test_blank_nodes_in_two_parts_are_refused(tmp_path):
    blank = ox.Quad(ox.BlankNode(), ox.NamedNode("http://x/p"), ox.Literal("v"), ox.NamedNode("http://g/o"))
    write_part([blank], tmp_path / "a.nq")
    write_part([ox.Quad(ox.BlankNode(), blank.predicate, blank.object, blank.graph_name)], tmp_path / "b.nq")
    with pytest.raises(ValueError, match="blank nodes in more than one part"):
        list(merge([tmp_path / "a.nq", tmp_path / "b.nq"]))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _seed_content(seed_build):
    """The seed build's quads without the version statements, and each document's bundle."""
    project = Project(root=REPO)
    minter = project.minter
    dataset = str(minter.void()) + "#dataset"
    version = {DCAT_VERSION, DCTERMS_MODIFIED}
    content = [q for q in ox.parse(path=str(seed_build.out / "kuntakg.nq"), format=ox.RdfFormat.N_QUADS)
               if not (str(q.subject.value) == dataset and q.predicate.value in version)]
    towns = {d.doc_id: d.town for d in read_all(project, [project.documents / d for d in seed_build.documents])}
    per_document = {doc: bundle(minter, doc, towns[doc]) for doc in seed_build.documents}
    return project, content, per_document


def _publish(project, parts, per_document, tmp_path, name, **options):
    minter = project.minter
    (tmp_path / name).mkdir()
    (tmp_path / f"{name}-scratch").mkdir()
    manifest, _ = publish_parts(parts, tmp_path / name, per_document, project.changelog,
                                str(minter.void()) + "#dataset", str(minter.graph("build")),
                                tmp_path / f"{name}-scratch", **options)
    return manifest


def _in_memory(project, content, per_document, folder: Path):
    minter = project.minter
    folder.mkdir()
    quads, release = stamp(canonical(content), project.changelog, str(minter.void()) + "#dataset",
                           str(minter.graph("build")))
    manifest = write_dumps(quads, folder, per_document, dataset=release.as_dict())
    store = ox.Store()
    store.bulk_extend(quads)
    export(store, folder / "exports")
    return manifest


@pytest.mark.parametrize("store_in_memory,load_chunk", [(10**9, 10**9), (0, 1)],
                         ids=["store-in-memory", "store-on-disk-a-graph-per-load"])
def test_publish_parts_writes_what_the_in_memory_dumps_write(seed_build, tmp_path, store_in_memory, load_chunk):
    """The streaming publish (parts merged from disk, dumps, per-document Turtle, manifest and exports
    from files and an on-disk store) gives the same bytes as write_dumps + export over the same quads
    in memory, on the seed build. The parts are cut by graph, the blank nodes all in one of them."""
    project, content, per_document = _seed_content(seed_build)
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in content:
        by_graph.setdefault(str(q.graph_name), []).append(q)
    paths = []
    for number, quads in enumerate(by_graph.values()):
        paths.append(tmp_path / f"part{number}.nq")
        write_part(quads, paths[-1])
    streamed = _publish(project, paths, per_document, tmp_path, "streamed", store_in_memory=store_in_memory,
                        load_chunk=load_chunk)
    in_memory = _in_memory(project, content, per_document, tmp_path / "memory")
    assert streamed == in_memory
    assert _files(tmp_path / "streamed") == _files(tmp_path / "memory")
    assert _files(tmp_path / "streamed")["kuntakg.nq"] == (seed_build.out / "kuntakg.nq").read_bytes()


def test_graphs_split_over_parts_merge_quad_by_quad(seed_build, tmp_path):
    """Graphs that several parts write into, with quads repeated between parts (as the build graph
    and a town's shared graph are), merge into the same bytes; a rebuild that takes the per-document
    Turtle files from `reuse` writes the same bytes again, and a damaged reused file is not used."""
    project, content, per_document = _seed_content(seed_build)
    blank_free = [q for q in content if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))]
    free = set(blank_free)  # once: a set per quad made this test take 168 s
    with_blanks = [q for q in content if q not in free]
    cuts: list[list[ox.Quad]] = [with_blanks, [], [], []]
    for number, quad in enumerate(blank_free):
        cuts[1 + number % 3].append(quad)
        if number % 7 == 0:
            cuts[1 + (number + 1) % 3].append(quad)  # the same quad in two parts
    paths = []
    for number, quads in enumerate(cuts):
        paths.append(tmp_path / f"cut{number}.nq")
        write_part(quads, paths[-1])
    reuse = tmp_path / "reuse"
    first = _publish(project, paths, per_document, tmp_path, "first", reuse=reuse)
    _in_memory(project, content, per_document, tmp_path / "memory")
    assert _files(tmp_path / "first") == _files(tmp_path / "memory")
    kept = sorted((reuse / "turtle").rglob("*.ttl"))
    assert len(kept) == len(per_document)
    kept[0].write_bytes(b"damaged")
    second = _publish(project, paths, per_document, tmp_path, "second", reuse=reuse)
    assert second == first
    assert _files(tmp_path / "second") == _files(tmp_path / "memory")
    assert len(sorted((reuse / "turtle").rglob("*.ttl"))) == len(per_document)


def test_a_part_is_read_by_graph_and_blank_nodes_are_found_in_terms_only(tmp_path):
    part = tmp_path / "a.nq"
    quads = [_q("a", "x _:b0", "g1"), _q("b", "_:c", "g1"), _q("a", "y", "g2")]
    write_part(quads, part)
    found = segments(part)
    assert list(found) == ["<http://g/g1>", "<http://g/g2>"]
    assert [s.lines for s in found.values()] == [2, 1]
    assert found["<http://g/g2>"].read() == ox.serialize([quads[2]], format=ox.RdfFormat.N_QUADS)
    assert not holds_blank_nodes(part)
    blank = tmp_path / "b.nq"
    write_part([ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.BlankNode("b1"),
                        ox.NamedNode("http://g/g"))], blank)
    assert holds_blank_nodes(blank)
    with pytest.raises(ValueError, match="blank nodes in more than one part"):
        index([blank, blank])
    unnamed = tmp_path / "c.nq"
    unnamed.write_bytes(b'<http://x/s> <http://x/p> "v"^^<http://x/t> .\n')
    with pytest.raises(ValueError, match="c.nq:1: not a quad in a named graph"):
        segments(unnamed)
    with pytest.raises(ValueError, match="a part holds named graphs only"):
        write_part([ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/o"))],
                   tmp_path / "d.nq")


def test_load_chunks_cut_between_graphs_only(tmp_path):
    """The on-disk export store is bulk-loaded a few hundred thousand quads at a time; every cut falls
    between two graphs, and the ranges cover the file once, in order."""
    path = tmp_path / "dump.nq"
    path.write_bytes(b"x" * 100)
    segs = [Segment(path, 0, 30, 3), Segment(path, 30, 40, 1), Segment(path, 40, 90, 5), Segment(path, 90, 100, 1)]
    assert load_chunks(segs, 4) == [(0, 40), (40, 90), (90, 100)]
    assert load_chunks(segs, 1) == [(0, 30), (30, 40), (40, 90), (90, 100)]
    assert load_chunks(segs, 10**9) == [(0, 100)]
    assert load_chunks(list(reversed(segs)), 4) == [(0, 40), (40, 90), (90, 100)]
    assert load_chunks([], 4) == []


def test_merging_lines_as_bytes_gives_the_bytes_of_the_quad_merge(tmp_path):
    """merge_lines compares lines as bytes; merged_lines parses and compares terms. Terms where one is a
    prefix of another (IRIs, literals with and without a language or datatype, blank node labels),
    text beyond ASCII, escaped characters and repeated quads must come out in the same order."""
    g = ox.NamedNode("http://g/one")
    subjects = [ox.NamedNode("http://x/a"), ox.NamedNode("http://x/a1"), ox.NamedNode("http://x/a/b"),
                ox.NamedNode("http://x/ä"), ox.BlankNode("b1"), ox.BlankNode("b10")]
    predicates = [ox.NamedNode("http://x/p"), ox.NamedNode("http://x/p2")]
    objects = [ox.Literal("a"), ox.Literal("a", language="fi"), ox.Literal("a b"), ox.Literal("a\tb"),
               ox.Literal("a\nb"), ox.Literal('a"b'), ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
               ox.Literal("ö"), ox.Literal("z€"), ox.Literal("a", language="fiu"), ox.Literal("a", language="fi-ax"), ox.NamedNode("http://x/a"),
               ox.NamedNode("http://x/a1"), ox.BlankNode("b1")]
    quads = [ox.Quad(s, p, o, g) for s in subjects for p in predicates for o in objects]
    blank_free = [q for q in quads if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))]
    pieces = []
    for number in range(3):
        path = tmp_path / f"p{number}.nq"
        mine = [q for i, q in enumerate(blank_free) if i % 3 == number or i % 5 == 0]  # overlapping
        if number == 0:
            mine += [q for q in quads if q not in set(blank_free)]
        write_part(mine, path)
        assert path.read_bytes() == ox.serialize(canonical(mine), format=ox.RdfFormat.N_QUADS)
        pieces.append(segments(path)["<http://g/one>"])
    lines: list[bytes] = []
    assert merge_lines(pieces, lines.append) == len(lines) == len(quads)
    assert b"".join(lines) == merged_lines(pieces)
