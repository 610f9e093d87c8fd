"""The exports' rows kept between builds (issue 15, kuntakg.exportrows): which rows a change of the dump
can reach, and that rows computed over a store of what they read are the rows of the whole dump; the
workbook of everything joined from the documents' sheet rows is the workbook openpyxl writes."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuntakg.export import TABLES, _workbook, joined_workbook, openpyxl_workbook, row_templates, sheet_rows, tables
from kuntakg.exportrows import (
    SHARED,
    VOLATILE,
    GraphLines,
    Owners,
    _context_store,
    by_document,
    document_rows,
    plan,
    segment_lines,
    split_graph,
)
from kuntakg.iris import Minter
from kuntakg.parts import segments

KK = "https://w3id.org/kuntakg/"
EARLIER, LATER = "loviisa-perusturva-2020", "loviisa-perusturva-2021"  # the later plan continues the earlier


def _whole(path: Path):
    def load() -> ox.Store:
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        return store
    return load


def _never() -> ox.Store:
    raise AssertionError("the whole dump was loaded")


@pytest.fixture(scope="module")
def dump(seed_build) -> Path:
    return seed_build.out / "kuntakg.nq"


@pytest.fixture(scope="module")
def documents(seed_build) -> list[str]:
    return sorted(seed_build.documents)


@pytest.fixture(scope="module")
def full(dump, documents):
    return by_document(tables(_whole(dump)()), documents)


def test_each_documents_rows_over_what_they_read_are_its_rows_over_everything(dump, documents, full):
    graphs = segments(dump)
    owners = Owners(Minter(), documents)
    lines = {name: split_graph(segment_lines(seg), owners) for name, seg in graphs.items()}
    assert {o for gl in lines.values() for o, _, _ in gl.runs} >= {SHARED, VOLATILE, *documents}
    for doc in documents:
        decided = plan(lines, lines, documents, {d: "kept" for d in documents if d != doc})  # doc: not kept
        assert decided.recompute is not None and doc in decided.recompute
        context = _context_store(graphs, lines, decided.context)
        assert len(context) < sum(seg.lines for seg in graphs.values())  # not the whole dump
        assert by_document(tables(context), [doc])[doc] == full[doc], doc


def _lines(owner_hashes: dict[str, str], mentions: dict[str, list[str]] | None = None) -> GraphLines:
    return GraphLines([(o, 0, 0) for o in owner_hashes], owner_hashes, mentions or {})


def test_plan():
    docs = ["a", "b", "c"]
    kept = {d: "k" for d in docs}
    before = {"<g>": _lines({SHARED: "s", VOLATILE: "v1", "a": "1", "b": "1", "c": "1"}, {"b": ["a"]})}
    same = {"<g>": _lines({SHARED: "s", VOLATILE: "v2", "a": "1", "b": "1", "c": "1"}, {"b": ["a"]})}
    assert plan(before, same, docs, kept).recompute == set()  # the dataset's version changes nothing
    assert plan(None, same, docs, kept).recompute is None  # no earlier build: everything
    shared = {"<g>": _lines({SHARED: "s2", "a": "1", "b": "1", "c": "1"})}
    assert plan(before, shared, docs, kept).recompute is None  # a shared line: everything
    one = {"<g>": _lines({SHARED: "s", "a": "2", "b": "1", "c": "1"}, {"b": ["a"]})}
    decided = plan(before, one, docs, kept)
    assert decided.recompute == {"a", "b"}  # b names a: its rows may read a's lines
    assert decided.context == {"a", "b", SHARED, VOLATILE}
    gone = {"<g>": _lines({SHARED: "s", "a": "1", "c": "1"})}
    assert plan(before, gone, ["a", "c"], kept).recompute == {"a"}  # b named a, and b is gone
    unnamed = {"<g>": _lines({SHARED: "s", "a": "1", "b": "2", "c": "1"})}
    assert plan(before, unnamed, docs, kept).recompute == {"a", "b"}  # b no longer names a
    assert plan(before, same, docs, {"a": "k", "b": "k"}).recompute == {"c"}  # c's rows were not kept


def test_a_change_in_one_document_reaches_the_rows_of_the_document_it_names(dump, documents, full, tmp_path):
    """A later plan's assessment about an earlier plan's goal: the earlier plan's status column changes,
    and the rows kept from the first build plus the recomputed ones are the rows of the new dump."""
    folder = tmp_path / "rows"
    assert document_rows(segments(dump), documents, Minter(), _whole(dump), folder) == full
    text = dump.read_bytes().decode("utf-8")
    goal = next(line.split(" ")[0] for line in text.splitlines()
                if line.startswith(f"<{KK}id/goal/{EARLIER}/") and f"<{KK}graph/{EARLIER}>" in line)
    assessment = next(line.split(" ")[0] for line in text.splitlines()
                      if line.startswith(f"<{KK}id/assessment/{LATER}/") and "ontology#status>" in line)
    about = f"{assessment} <{KK}ontology#about> {goal} <{KK}graph/{LATER}> .\n"
    lines = text.splitlines(keepends=True)
    in_later = f"<{KK}graph/{LATER}> .\n"
    at = max(i for i, line in enumerate(lines) if line.startswith(assessment) and line.endswith(in_later))
    changed = tmp_path / "changed.nq"
    changed.write_text("".join(lines[:at + 1] + [about] + lines[at + 1:]), encoding="utf-8")
    expected = by_document(tables(_whole(changed)()), documents)
    assert expected[EARLIER] != full[EARLIER]  # the goal now has a (latest) status from the later plan
    again = document_rows(segments(changed), documents, Minter(), _never, folder)
    assert again == expected


def test_rows_kept_but_lost_are_computed_again(dump, documents, full, tmp_path):
    folder = tmp_path / "rows"
    document_rows(segments(dump), documents, Minter(), _whole(dump), folder)
    assert document_rows(segments(dump), documents, Minter(), _never, folder) == full  # nothing changed
    for kept in (folder / "rows").rglob("*.json"):
        kept.write_bytes(b"damaged")
    assert document_rows(segments(dump), documents, Minter(), _whole(dump), folder) == full


def test_the_joined_workbook_is_the_workbook_openpyxl_writes(full, documents):
    data = {t: [r for d in documents for r in full[d][t]] for t in next(iter(full.values()))}
    pieces = [sheet_rows(openpyxl_workbook(full[d])) for d in documents]
    empty = openpyxl_workbook({t: [] for t in data}, finish=False)
    tables = [[row for piece in pieces for row in piece[i]] for i in range(len(data))]
    assert joined_workbook(empty, tables, {t: len(rows) for t, rows in data.items()}) == openpyxl_workbook(data)
    assert joined_workbook(empty, [[] for _ in data], dict.fromkeys(data, 0)) == openpyxl_workbook(
        {t: [] for t in data})


def test_rows_written_without_openpyxl_are_openpyxls(full, documents):
    """Each seed document's workbook, its rows written by row_templates, is byte for byte openpyxl's."""
    for d in documents:
        templates = row_templates(full[d])
        assert templates is not None
        assert templates == sheet_rows(openpyxl_workbook(full[d]))
        assert _workbook(full[d]) == openpyxl_workbook(full[d])


TRICKY = ["plain", " lead", "trail ", "\tab", "line\nbreak", "a & b < c > d", '"quoted" \'single\'', "ä ö å €",
          "\u00a0nbsp", "x" * 40, "emoji 🌍", "]]>", "<t>", 0, 7, -3, 10**17, 2.5, 1e-7, 1/3, 123456789.125, ""]


@pytest.mark.parametrize("seed", range(5))
def test_tricky_cells_written_without_openpyxl_are_openpyxls(seed):
    """Text with outer whitespace, markup characters, non-ASCII, big and small numbers, empty cells."""
    rng = random.Random(seed)
    data = {table: [{c.name: rng.choice(TRICKY + [None]) for c in columns} for _ in range(rng.randint(0, 6))]
            for table, columns in TABLES.items()}
    assert row_templates(data) == sheet_rows(openpyxl_workbook(data))
    assert _workbook(data) == openpyxl_workbook(data)


@pytest.mark.parametrize("value", [True, float("nan"), "carriage\rreturn", "y" * 40000, Decimal("1.5")])
def test_values_left_to_openpyxl(value):
    data = {table: [] for table in TABLES}
    data["goals"] = [{c.name: value for c in TABLES["goals"]}]
    assert row_templates(data) is None
    assert _workbook(data) == openpyxl_workbook(data)

