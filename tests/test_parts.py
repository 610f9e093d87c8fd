"""kuntakg.parts: sorted canonical N-Quads parts and their merge."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from kg_fixtures import REPO

from kuntakg import Project, read_all
from kuntakg.docparts import bundle
from kuntakg.export import export
from kuntakg.parts import canonical, merge, write_part
from kuntakg.publish import publish_parts, write_dumps
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


@pytest.mark.parametrize("store_in_memory", [10**9, 0], ids=["store-in-memory", "store-on-disk"])
def test_publish_parts_writes_what_the_in_memory_dumps_write(seed_build, tmp_path, store_in_memory):
    """The streaming publish (parts merged from disk, dumps, per-document Turtle, manifest and exports
    from files and an on-disk store) gives the same bytes as write_dumps + export over the same quads
    in memory, on the seed build. The parts are cut by graph, the blank nodes all in one of them."""
    project = Project(root=REPO)
    minter = project.minter
    dataset, build_graph = str(minter.void()) + "#dataset", str(minter.graph("build"))
    version = {DCAT_VERSION, DCTERMS_MODIFIED}
    content = [q for q in ox.parse(path=str(seed_build.out / "kuntakg.nq"), format=ox.RdfFormat.N_QUADS)
               if not (str(q.subject.value) == dataset and q.predicate.value in version)]
    towns = {d.doc_id: d.town for d in read_all(project, [project.documents / d for d in seed_build.documents])}
    per_document = {doc: bundle(minter, doc, towns[doc]) for doc in seed_build.documents}
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in content:
        by_graph.setdefault(str(q.graph_name), []).append(q)
    paths = []
    for number, quads in enumerate(by_graph.values()):
        paths.append(tmp_path / f"part{number}.nq")
        write_part(quads, paths[-1])
    (tmp_path / "streamed").mkdir()
    (tmp_path / "scratch").mkdir()
    streamed, _ = publish_parts(paths, tmp_path / "streamed", per_document, project.changelog, dataset,
                                build_graph, tmp_path / "scratch", store_in_memory=store_in_memory)
    (tmp_path / "memory").mkdir()
    quads, release = stamp(canonical(content), project.changelog, dataset, build_graph)
    in_memory = write_dumps(quads, tmp_path / "memory", per_document, dataset=release.as_dict())
    store = ox.Store()
    store.bulk_extend(quads)
    export(store, tmp_path / "memory" / "exports")
    assert streamed == in_memory
    assert _files(tmp_path / "streamed") == _files(tmp_path / "memory")
    assert _files(tmp_path / "streamed")["kuntakg.nq"] == (seed_build.out / "kuntakg.nq").read_bytes()

