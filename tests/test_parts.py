"""kuntakg.parts: sorted canonical N-Quads parts and their merge."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kuntakg.parts import canonical, merge, write_part


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
