"""The build cache (issue 15): hits, misses, invalidation, byte-identity with a cold build, killed
writes, damaged entries and prune. A small generated corpus (bench/generate.py: two plans of one
town, the second continuing the first) built with the rules reasoner."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from kg_fixtures import REPO

from kuntakg import Project, build
from kuntakg.cache import Cache, Entry

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "project"
    generate(root, docs=2)
    return root


@pytest.fixture
def project(corpus, tmp_path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    return Project(root=root)


def _sums(folder: Path) -> dict[str, str]:
    """Every file of a dist/, the exports/ folder included."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _cold(project: Project, tmp_path: Path, name: str = "cold") -> dict[str, str]:
    """A build with the cache off, into its own folder: the reference bytes."""
    out = tmp_path / name
    report = build(Project(root=project.root), out, reasoner="rules", use_cache=False)
    assert report.cached == 0
    return _sums(out)


def _cached(project: Project) -> tuple[int, dict[str, str]]:
    report = build(Project(root=project.root), reasoner="rules")  # a new Project reads the inputs afresh
    return report.cached, _sums(project.dist)


def _docs(project: Project) -> list[str]:
    return [f.name for f in project.document_folders()]


def _entries(project: Project) -> list[Path]:
    return sorted(Cache.of(project).entries.glob("*/*"))


def test_cold_then_cached_then_no_op_builds_are_byte_identical(project, tmp_path):
    cold = _cold(project, tmp_path)
    assert not Cache.of(project).root.exists()  # --no-cache neither reads nor writes the cache
    hits, first = _cached(project)
    assert hits == 0 and first == cold
    assert len(_entries(project)) == len(_docs(project))
    shutil.rmtree(project.dist)  # every document from the cache, the rest of the build redone
    hits, second = _cached(project)
    assert hits == len(_docs(project)) and second == cold
    before = {p: p.stat().st_mtime_ns for p in project.dist.iterdir()}
    report = build(project, reasoner="rules")  # nothing changed: dist/ is left as it is
    assert report.reasoners == () and set(report.timings) == {"cache"}
    assert {p: p.stat().st_mtime_ns for p in project.dist.iterdir()} == before


def test_a_damaged_dist_is_rebuilt_not_trusted(project, tmp_path):
    cold = _cold(project, tmp_path)
    _cached(project)
    victim = project.dist / f"{_docs(project)[0]}.ttl"
    victim.write_text("damaged", encoding="utf-8")
    report = build(project, reasoner="rules")
    assert report.reasoners and report.cached == len(_docs(project))
    assert _sums(project.dist) == cold


def _dependents(project: Project) -> dict[str, set[str]]:
    """doc id -> the documents whose cache entries recorded it as a neighbour (they continue it)."""
    out: dict[str, set[str]] = {doc: set() for doc in _docs(project)}
    for meta in (json.loads((p / "meta.json").read_text(encoding="utf-8")) for p in _entries(project)):
        for other in meta["neighbours"]:
            out[other].add(meta["doc_id"])
    return out


def test_changing_one_document_redoes_only_it(project, tmp_path):
    _cached(project)
    leaf = next(doc for doc, deps in _dependents(project).items() if not deps)  # the newest plan
    goals = project.documents / leaf / "goals.csv"
    goals.write_text(goals.read_text(encoding="utf-8").replace("Vahvistamme", "Vahvistamme yhä", 1), encoding="utf-8")
    hits, cached = _cached(project)
    assert hits == len(_docs(project)) - 1
    assert cached == _cold(project, tmp_path)


def test_a_relative_project_root(project, tmp_path, monkeypatch):
    """The shared-input hash leaves data/documents out also when the root is given relative (it was
    not: every edit of a document redid all of them)."""
    monkeypatch.chdir(tmp_path)
    relative = Project(root=Path("project"))
    build(relative, reasoner="rules")
    leaf = next(doc for doc, deps in _dependents(project).items() if not deps)
    goals = relative.documents / leaf / "goals.csv"
    goals.write_text(goals.read_text(encoding="utf-8").replace("Vahvistamme", "Vahvistamme yhä", 1), encoding="utf-8")
    assert build(Project(root=Path("project")), reasoner="rules").cached == len(_docs(project)) - 1


def test_a_changed_source_text_redoes_the_documents_citing_it(project, tmp_path):
    _cached(project)
    doc = _docs(project)[1]
    source = project.sources / f"{doc}.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a blank line: no new content
    hits, cached = _cached(project)
    assert hits == len(_docs(project)) - 1
    assert cached == _cold(project, tmp_path)


@pytest.mark.parametrize("shared", ["shapes", "data/reference"])
def test_a_changed_shared_input_redoes_every_document(project, tmp_path, shared):
    _cached(project)
    folder = project.root / shared
    target = sorted(p for p in folder.rglob("*") if p.is_file())[0]
    suffix = "\n# changed\n" if target.suffix == ".ttl" else "\n"
    target.write_bytes(target.read_bytes() + suffix.encode())
    hits, cached = _cached(project)
    assert hits == 0
    assert cached == _cold(project, tmp_path)


def test_a_shape_that_now_fails_fails_the_cached_documents_too(project):
    """Invalidation is not only bookkeeping: a stricter shape must be applied to every document."""
    _cached(project)
    before = _sums(project.dist)
    (project.shapes_dir / "zz-stricter.ttl").write_text(textwrap.dedent("""\
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix kk: <https://w3id.org/kuntakg/ontology#> .
        @prefix ex: <https://example.org/test#> .
        ex:NoGoals a sh:NodeShape ; sh:targetClass kk:Goal ;
            sh:property [ sh:path ex:neverThere ; sh:minCount 1 ] .
        """), encoding="utf-8")
    from kuntakg.errors import InvalidInput

    with pytest.raises(InvalidInput) as failed:
        build(Project(root=project.root), reasoner="rules")
    assert {e.file.split("/")[-2] for e in failed.value.errors if "/" in e.file} == set(_docs(project))
    assert _sums(project.dist) == before  # nothing written


def test_a_changed_neighbour_redoes_the_document_continuing_it(project, tmp_path):
    """The generated plans continue each other (kk:continues): validating one looks at the other."""
    _cached(project)
    dependents = _dependents(project)
    target = next(doc for doc, deps in sorted(dependents.items()) if deps)  # a plan the next one continues
    actions = project.documents / target / "actions.csv"
    actions.write_text(actions.read_text(encoding="utf-8").replace("Laadimme", "Laadimme pian", 1), encoding="utf-8")
    report = build(project, reasoner="rules")
    assert report.cached == len(_docs(project)) - 1 - len(dependents[target])
    assert _sums(project.dist) == _cold(project, tmp_path)


def test_a_damaged_entry_is_a_miss_and_is_removed(project, tmp_path):
    _cached(project)
    entry = _entries(project)[0]
    payload = entry / "result.pickle"
    payload.write_bytes(payload.read_bytes()[: payload.stat().st_size // 2])  # half an entry
    shutil.rmtree(project.dist)
    hits, cached = _cached(project)
    assert hits == len(_docs(project)) - 1
    assert cached == _cold(project, tmp_path)
    assert len(_entries(project)) == len(_docs(project))  # re-written whole


def test_a_damaged_part_is_a_miss_and_is_removed(project, tmp_path):
    """The entry's part (the document's quads in the dump) is checked like its payload: a part cut
    short would otherwise drop the document's triples from the dumps."""
    _cached(project)
    part = _entries(project)[0] / "part.nq"
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])
    shutil.rmtree(project.dist)
    hits, cached = _cached(project)
    assert hits == len(_docs(project)) - 1
    assert cached == _cold(project, tmp_path)
    assert all((e / "part.nq").is_file() for e in _entries(project))


def test_a_cached_documents_part_is_merged_from_its_entry(project, tmp_path):
    """A rebuild takes the parts of unchanged documents from their entries: the dumps hold what the
    entries' parts hold (a part edited in place, with its recorded hash, shows up in the dump)."""
    _cached(project)
    entry = _entries(project)[0]
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    marker = '<https://zzz.example/marker> <https://zzz.example/p> "from the entry" <https://zzz.example/g> .\n'
    part = entry / "part.nq"
    part.write_bytes(part.read_bytes() + marker.encode("utf-8"))
    meta["files"]["part.nq"] = hashlib.sha256(part.read_bytes()).hexdigest()
    (entry / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    shutil.rmtree(project.dist)
    hits, _ = _cached(project)
    assert hits == len(_docs(project))
    assert marker in (project.dist / "kuntakg.nq").read_text(encoding="utf-8")


def test_kept_workbooks_are_reused_and_checked(project, tmp_path):
    """The XLSX exports of unchanged rows and the per-document Turtle files of unchanged graphs are
    copied from the cache's reuse/ folder; a kept file whose bytes no longer match the hash in its
    name is written afresh, not copied."""
    cold = _cold(project, tmp_path)
    _cached(project)
    reuse = Cache.of(project).root / "reuse"
    kept = sorted(reuse.rglob("*.xlsx"))
    assert len(kept) == len(_docs(project))  # one per document (the workbook of everything is joined from them)
    rows = sorted(reuse.rglob("*.rowxml"))  # sheets' rows read back from workbooks: only for values that
    assert not rows                          # openpyxl writes (export.row_templates writes the seeds' rows)
    turtle = sorted(reuse.rglob("*.ttl"))
    assert len(turtle) == len(_docs(project))
    for workbook in kept + rows + turtle:
        workbook.write_bytes(b"damaged")
    shutil.rmtree(project.dist)
    _, again = _cached(project)
    assert again == cold
    assert all(w.read_bytes() != b"damaged"
               for w in [*reuse.rglob("*.xlsx"), *reuse.rglob("*.rowxml"), *reuse.rglob("*.ttl")])


def test_the_rules_over_summaries_derive_what_the_rules_over_graphs_derive(project):
    """The streaming build reasons over each document's summary (the rules' scan of its graph), not its
    graph: on the corpus (two plans, the second continuing the first) the inferred types are the same."""
    from kuntakg.build import read_all
    from kuntakg.entailment import compile_rules, schema_terms
    from kuntakg.reason import reason, reason_facts
    from kuntakg.reference import reference_graph
    from kuntakg.summary import decode, summarise

    docs = read_all(project)
    reference = reference_graph(project.reference, project.minter)
    rules, schema = compile_rules(project.ontology), schema_terms(project.ontology)
    summaries = [json.loads(json.dumps(summarise(d, rules, schema))) for d in docs]  # as stored
    over_graphs = reason(project.ontology, [reference, *(d.graph for d in docs)], "rules").inferred
    over_summaries = reason_facts(project.ontology, reference, [s["reasoning"] for s in summaries],
                                  len(reference) + sum(s["triples"] for s in summaries),
                                  lambda: pytest.fail("the rules need no graph"), decode, "rules").inferred
    assert len(over_graphs) > 0 and set(over_summaries) == set(over_graphs)


_KILLED_WRITER = """
import os, sys, time
from pathlib import Path
import kuntakg.cache as cache
marker = Path(sys.argv[2])
real_fsync = os.fsync
def fsync(fd):
    real_fsync(fd)
    marker.write_text("writing")  # the event the test waits for: an entry half written
    time.sleep(600)
cache.os.fsync = fsync
from kuntakg import Project, build
build(Project(root=Path(sys.argv[1])), reasoner="rules")
"""


def test_a_build_killed_while_writing_an_entry_leaves_nothing_usable(project, tmp_path):
    cold = _cold(project, tmp_path)
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(project.root), str(marker)])
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None, "the build ended before writing an entry"
            assert time.monotonic() < deadline, "no entry was written in 300 s"
            time.sleep(0.01)  # poll interval; the event is the marker file appearing
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    cache = Cache.of(project)
    assert not _entries(project)  # nothing reached entries/
    assert [p for p in cache.tmp.iterdir()]  # the half-written entry is there, in tmp/
    hits, cached = _cached(project)  # the next build removes it and builds whole
    assert hits == 0 and cached == cold
    assert not list(cache.tmp.iterdir())
    assert len(_entries(project)) == len(_docs(project))


def test_a_live_writers_tmp_folder_is_not_removed(project):
    cache = Cache.of(project)
    with cache.writing() as held:
        assert cache.remove_stale() == 0 and held.exists()
    assert not held.exists()


def test_two_writers_of_the_same_entry(project):
    """Two builds finishing the same document: the first entry stays, the second write is dropped."""
    _cached(project)
    cache = Cache.of(project)
    key = _entries(project)[0].name
    entry = cache.get(key)
    assert entry is not None
    before = (_entries(project)[0] / "result.pickle").read_bytes()
    cache.put(key, Entry(entry.payload, entry.part, entry.summary, entry.sources, entry.neighbours))
    assert (cache.entries / key[:2] / key / "result.pickle").read_bytes() == before
    assert not list(cache.tmp.iterdir())


def test_prune(project, tmp_path):
    _cached(project)
    cache = Cache.of(project)
    count, size = cache.size()
    assert count == len(_docs(project)) and size > 0
    oldest = _entries(project)[0]
    os.utime(oldest, (time.time() - 10 * 86400,) * 2)
    (cache.tmp / "left-by-a-killed-build").mkdir()
    result = cache.prune(max_age_days=5)
    assert result == {"removed": 1, "stale": 1, "kept": count - 1, "bytes": cache.size()[1], "reuse_removed": 0}
    assert oldest not in _entries(project)
    result = cache.prune(max_bytes=cache.size()[1] - 1)  # one more must go: the least recently used
    assert result["removed"] == 1 and cache.size()[0] == count - 2
    hits, cached = _cached(project)  # a pruned entry is a miss, the output the same
    assert hits == count - 2 and cached == _cold(project, tmp_path)


def test_cli_no_cache_and_prune(project, tmp_path):
    env = {**os.environ, "KUNTAKG_ROOT": str(project.root)}
    kuntakg = [sys.executable, "-m", "kuntakg.cli"]
    done = subprocess.run([*kuntakg, "build", "--reasoner", "rules"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([*kuntakg, "build", "--reasoner", "rules"], env=env, capture_output=True, text=True)
    assert "no input changed" in again.stdout
    forced = subprocess.run([*kuntakg, "build", "--reasoner", "rules", "--no-cache"], env=env,
                            capture_output=True, text=True)
    assert forced.returncode == 0 and "inferred types" in forced.stdout and "from the cache" not in forced.stdout
    pruned = subprocess.run([*kuntakg, "cache", "prune", "--all"], env=env, capture_output=True, text=True)
    assert pruned.returncode == 0 and f"removed {len(_docs(project))} entries" in pruned.stdout
    assert not _entries(project)


def test_checks_over_the_corpus_go_through_the_memo(project):
    """HermiT's check of the ontology alone (above the data limit) is asked of the cache's memo, which
    skips it when it passed with the same shared inputs; a check that fails is not recorded."""
    from rdflib import Graph

    from kuntakg.build import _CachePlan
    from kuntakg.reason import reason

    asked: list[tuple[str, ...]] = []
    result = reason(project.ontology, Graph(), "auto", hermit_limit=-1, memo=lambda parts, run: asked.append(parts))
    assert asked == [("hermit-tbox",)] and result.engines == ("rules", "hermit-tbox")
    plan = _CachePlan(project, "auto")
    ran: list[int] = []
    plan.memo(("x",), lambda: ran.append(1))
    plan.memo(("x",), lambda: ran.append(2))
    assert ran == [1]

    def fails() -> None:
        raise RuntimeError("check failed")

    with pytest.raises(RuntimeError):
        plan.memo(("y",), fails)
    plan.memo(("y",), lambda: ran.append(3))
    assert ran == [1, 3]


def test_drafts_are_not_inputs_of_the_build(project):
    """A reviewer editing data/drafts/ (never built) does not invalidate every cached document; any other
    file under data/ does."""
    from kuntakg.cache import inputs_key

    before = inputs_key(project)
    drafts = project.root / "data" / "drafts" / "some-draft"
    drafts.mkdir(parents=True)
    (drafts / "goals.csv").write_text("id,label\ng-1,Tavoite\n", encoding="utf-8")
    assert inputs_key(project) == before
    (project.root / "data" / "reference" / "extra.csv").write_text("x\n1\n", encoding="utf-8")
    assert inputs_key(project) != before


def test_the_reasoning_over_unchanged_scans_is_taken_from_the_cache(project, tmp_path):
    """The rules' result over the documents' scans is kept by their hashes: a rebuild where no scan
    changed (a label edited) takes it (an edited kept file, renamed to its new hash, shows up in the
    dump), and after a change the dump is again the cold build's."""
    _cached(project)
    [kept_file] = (Cache.of(project).root / "reuse").glob("*/inferred/*/*.nq")
    marker = b'<https://zzz.example/marker> <https://zzz.example/p> "from the cache" <https://zzz.example/g> .\n'
    body = kept_file.read_bytes() + marker
    key = kept_file.name.split(".")[0]
    kept_file.unlink()
    (kept_file.parent / f"{key}.{hashlib.sha256(body).hexdigest()}.nq").write_bytes(body)
    leaf = next(doc for doc, deps in _dependents(project).items() if not deps)
    goals = project.documents / leaf / "goals.csv"
    goals.write_text(goals.read_text(encoding="utf-8").replace("Vahvistamme", "Vahvistamme yhä", 1), encoding="utf-8")
    report = build(Project(root=project.root), reasoner="rules")
    assert report.reasoners == ("rules",) and report.cached == len(_docs(project)) - 1
    assert marker in (project.dist / "kuntakg.nq").read_bytes()


def test_prune_counts_the_files_kept_for_reuse(project, tmp_path):
    """The files kept for reuse (exports' rows, dumps' blocks, theme links, inferred types) are in the
    budget: over it, the least recently used go first, and the next build's output is the same."""
    _cached(project)
    cache = Cache.of(project)
    count, size = cache.size()
    reused = sum(p.stat().st_size for p in (cache.root / "reuse").rglob("*") if p.is_file())
    assert reused > 0
    result = cache.prune(max_bytes=size - reused // 2)
    assert result["removed"] == 0 and result["reuse_removed"] > 0 and cache.size()[1] <= size - reused // 2
    hits, cached = _cached(project)
    assert hits == count and cached == _cold(project, tmp_path)


def test_the_reasoning_key_does_not_depend_on_the_order_of_a_scan(tmp_path):
    """A scan lists sets in an order that changes with each process's string hashing (every build is a
    new process): its hash, the reasoning cache's key, is taken over sorted lists."""
    from kuntakg.stream import reasoning_file, spill_reasoning

    first = {"asserted": [["a", ["x", "y"]], ["b", ["z"]]], "values": [["p", [["a", ["c", ["1", "", "fi"]]]]]]}
    second = {"asserted": [["b", ["z"]], ["a", ["y", "x"]]], "values": [["p", [["a", [["1", "", "fi"], "c"]]]]]}
    other = {"asserted": [["b", ["z"]], ["a", ["x"]]], "values": []}
    digests = []
    for number, facts in enumerate((first, second, other)):
        spill_reasoning(tmp_path, f"doc{number}", {"reasoning": facts})
        digests.append(reasoning_file(tmp_path, f"doc{number}").with_suffix(".sha256").read_text())
    assert digests[0] == digests[1] != digests[2]
