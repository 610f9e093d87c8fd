"""The build: documents -> RDF (one named graph each) -> SHACL gate -> HermiT -> dumps, swapped in whole.

Everything is written to a temporary folder beside dist/ and swapped in only when every stage passed,
so a failed build leaves the previous dist/ as it was. The temporary folder is flock-ed by its build
from creation to swap; the next build removes those of killed builds (no live build holds them).
"""
from __future__ import annotations

import gc
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from .audit import FileAudit, audit_summaries
from .audit import run as run_audit
from .cache import Cache, Entry, file_sha, hash_tree, inputs_key, keep, kept, shared_key
from .docparts import bundle, corpus_graphs, quads
from .draft.check import refuse_drafts
from .errors import AuditFailed, InvalidInput
from .forked import fewer_collections, map_forked, run_forked
from .guide import write_diagrams
from .ingest import document_ids, read_document
from .ingest.result import DocumentRDF
from .ingest.sources import SourceTexts
from .locks import folder_lock
from .namespaces import KK
from .parts import write_part
from .project import Project
from .publish import publish_parts
from .reason import Reasoning, engines_of, reads_graphs, reason_facts
from .reference import reference_graph
from .stream import Documents
from .summary import decode, type_statements
from .themes import link_pieces, scheme_graph
from .validate import check, located, neighbourhood, prepare

Stage = Callable[[str], None]


@dataclass
class BuildReport:
    out: Path
    documents: list[str]
    manifest: dict
    timings: dict[str, float] = field(default_factory=dict)
    inferred: int = 0
    reasoners: tuple[str, ...] = ()
    cached: int = 0  # documents whose read and validate results came from the build cache


@contextmanager
def _timed(timings: dict[str, float], name: str, on_stage: Stage | None) -> Iterator[None]:
    if on_stage:
        on_stage(name)
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


def read_all(project: Project, folders: list[Path] | None = None) -> list[DocumentRDF]:
    """Map every document folder; raise InvalidInput with every error of every document."""
    folders = folders if folders is not None else project.document_folders()
    known = {f.name: document_ids(f, project.minter) for f in project.document_folders()}
    sources = SourceTexts(project.sources)
    docs = [read_document(f, project.minter, sources, project.status_rules, known) for f in folders]
    errors = [e for d in docs for e in d.errors] + refuse_drafts(folders)  # issue 13: unreviewed drafts
    if errors:
        raise InvalidInput(errors)
    return docs


def validate_all(project: Project, docs: list[DocumentRDF], reference: Graph,
                 others: Sequence[DocumentRDF] = (), jobs: int | None = None) -> None:
    """SHACL per document, with what it points at in the reference and in other documents; raise
    InvalidInput on any violation. Documents are independent, so they are checked in `jobs`
    processes (default: one per CPU), forked so that the graphs are shared, not copied."""
    work = _ValidationWork(project.shapes, project.ontology, reference, docs, [*docs, *others])
    prepare(work.shapes, work.ontology)  # once, before the workers fork
    errors = [e for found in map_forked(work.errors_of, range(len(docs)), jobs) for e in found]
    if errors:
        raise InvalidInput(errors)


@dataclass
class _ValidationWork:
    shapes: Graph
    ontology: Graph
    reference: Graph
    docs: list[DocumentRDF]
    everyone: list[DocumentRDF]

    def data_of(self, index: int) -> Graph:
        """The graph a document is validated as: its own, with what it points at."""
        doc = self.docs[index]
        data = doc.graph + neighbourhood(doc.graph, self.reference)
        for other in self.everyone:
            if other is not doc and _refers_to(doc.graph, other.graph):
                data += neighbourhood(doc.graph, other.graph)
        return data

    def errors_of(self, index: int) -> list:
        return located(check(self.data_of(index), self.shapes, self.ontology, handed_over=True), self.docs[index])


def check_coverage(project: Project, docs: list[DocumentRDF]) -> list[FileAudit]:
    """The coverage audit; raise AuditFailed when any source content is missing from the graph."""
    results = run_audit(docs, project.sources, project.audit_dir)
    missing = [f"{r.file}:{line}: missing: {piece!r}" for r in results for line, piece in r.missing]
    if missing:
        raise AuditFailed(missing)
    return results


def _refers_to(graph: Graph, other: Graph) -> bool:
    """Whether a document links into another (kk:continues is the only cross-document link)."""
    return any((o, None, None) in other for o in graph.objects(None, KK.continues))


def build(project: Project | None = None, out: Path | None = None, on_stage: Stage | None = None,
          reasoner: str = "auto", jobs: int | None = None, use_cache: bool = True) -> BuildReport:
    """Build the project into `out` (default dist/). `reasoner`: see kuntakg.reason; `jobs`: processes
    for the per-document stages (default: one per CPU). `use_cache`: take each unchanged document's
    read and validate results and its part of the dump from the build cache (kuntakg.cache), and skip
    the whole build when nothing changed and `out` is still what the last build with these inputs
    wrote; off, everything is redone (and the cache is neither read nor written)."""
    project = project or Project()
    out = out or project.dist
    _recover(out)
    timings: dict[str, float] = {}
    plan = _CachePlan(project, reasoner) if use_cache else None
    if plan is not None:
        with _timed(timings, "cache", on_stage):
            done = plan.up_to_date(out)
        if done is not None:
            return BuildReport(out, plan.doc_ids, done, timings, cached=len(plan.doc_ids))
    with staging_folder(out) as scratch, fewer_collections():  # scratch: parts and the merge's store
        return _build(project, out, scratch, plan, timings, on_stage, reasoner, jobs)


def _build(project: Project, out: Path, scratch: Path, plan: _CachePlan | None, timings: dict[str, float],
           on_stage: Stage | None, reasoner: str, jobs: int | None) -> BuildReport:
    """The stages over the documents one at a time (kuntakg.stream) and the checks over the corpus
    over their summaries (kuntakg.summary)."""
    minter = project.minter
    memo = plan.memo if plan is not None else None
    docs = Documents(project, plan, scratch)
    corpus: list[Path] = []  # the graphs that are no one document's, each a part written as soon as it is made
    with _timed(timings, "read", on_stage):
        reference = reference_graph(project.reference, minter)
        docs.read(jobs, reference)  # and validates each document that continues no other
        # issue 7: theme scheme and the project's links
        corpus += run_forked(lambda: _theme_parts(project, docs.summaries, reference, scratch, memo, plan))
    with _timed(timings, "audit", on_stage):
        check_coverage_of(project, docs.summaries, memo)
    with _timed(timings, "validate", on_stage):
        docs.validate(reference, jobs)
        docs.slim()
    with _timed(timings, "reason", on_stage):
        triples = len(reference) + sum(s["triples"] for s in docs.summaries)

        def reason_part() -> tuple[int, tuple[str, ...], list[Path]]:
            written: list[Path] = [scratch / "corpus-inferred.nq"]
            # over the scans alone (not the graphs), the result is a function of the scans and the shared
            # inputs: kept in the build cache, it is taken again while no document's scan changed
            key = None if plan is None or reads_graphs(reasoner, triples) else plan.reasoning_key(
                reasoner, docs.reasoning_digests())
            found = kept(plan.reuse / "inferred", key, "nq") if plan is not None and key is not None else None
            if found is not None:
                written[0].write_bytes(found)
                return found.count(b"\n"), engines_of(reasoner), written
            reasoning: Reasoning = reason_facts(project.ontology, reference, docs.reasoning_facts(),
                                                triples, docs.graphs, decode, reasoner, memo=memo)
            write_part(quads({minter.graph("inferred"): reasoning.inferred}), written[0])
            if plan is not None and key is not None:
                keep(plan.reuse / "inferred", key, "nq", written[0].read_bytes())
            return len(reasoning.inferred), reasoning.engines, written

        inferred, engines, written = run_forked(reason_part)
        corpus += written
    with _timed(timings, "serialise", on_stage):
        ontology = project.ontology + Graph().parse(project.ontology_dir / "alignments.ttl", format="turtle")
        _add_corpus_parts(corpus, scratch, corpus_graphs(minter, ontology, reference))
        parts = corpus + [docs.part(name) for name in docs.names]
        per_document = {s["doc_id"]: bundle(minter, s["doc_id"], s["town"]) for s in docs.summaries}
        with staging_folder(out) as staging:
            write_diagrams(project.ontology, staging)  # the vocabulary guide's diagram (kuntakg/guide.py)
            # the dataset version (data/CHANGELOG.md + content digest) in the build graph and the manifest
            manifest, _ = publish_parts(parts, staging, per_document, project.changelog,
                                        str(minter.void()) + "#dataset", str(minter.graph("build")), scratch,
                                        plan.reuse if plan is not None else None, minter.base)
            _swap(staging, out)
    if plan is not None:
        plan.finish(out)
    return BuildReport(out, [s["doc_id"] for s in docs.summaries], manifest, timings, inferred, engines,
                       len(docs.entries))


def _theme_parts(project: Project, summaries: list[dict], reference: Graph, scratch: Path, memo,
                 plan: _CachePlan | None = None) -> list[Path]:
    """The theme graphs (kuntakg.themes), checked, as parts: the schemes, then the links a piece per
    group of documents, each taken from the build cache while its documents' types are unchanged."""
    minter = project.minter
    parts = [scratch / "corpus-themes-0.nq"]
    write_part(quads({minter.graph("themes"): scheme_graph(project.reference, minter)}), parts[0])
    # the documents' type statements made a group at a time (all at once they were most of the peak of a
    # national build: 1.6 GB at 5 M quads), and each group's garbage collected before the next: the build
    # collects seldom (forked.fewer_collections), and each check leaves graphs behind
    for group, make in link_pieces(project, (type_statements(s) for s in summaries), reference, memo=memo):
        gc.collect()
        parts.append(scratch / f"corpus-themes-{len(parts)}.nq")
        key = plan.links_key(group) if plan is not None else None
        body = kept(plan.reuse / "links", key, "nq") if plan is not None and key is not None else None
        if body is not None:
            parts[-1].write_bytes(body)
            continue
        write_part(quads({minter.graph("theme-links"): make()}), parts[-1])
        if plan is not None and key is not None:
            keep(plan.reuse / "links", key, "nq", parts[-1].read_bytes())
    return parts


def _add_corpus_parts(corpus: list[Path], scratch: Path, graphs: Mapping[URIRef, Iterable[tuple]]) -> None:
    """Each graph as a part of its own, added to `corpus`: sorting one graph's quads at a time keeps
    the peak to the largest graph (a piece of the theme links, the inferred types), not all of them."""
    for graph in graphs:
        corpus.append(scratch / f"corpus-{len(corpus)}.nq")
        write_part(quads({graph: graphs[graph]}), corpus[-1])


def check_coverage_of(project: Project, summaries: list[dict], memo=None) -> list[FileAudit]:
    """check_coverage over the documents' summaries (kuntakg.summary)."""
    results = audit_summaries(summaries, project.sources, project.audit_dir, memo)
    missing = [f"{r.file}:{line}: missing: {piece!r}" for r in results for line, piece in r.missing]
    if missing:
        raise AuditFailed(missing)
    return results


class _CachePlan:
    """Which documents the cache answers, and the whole build's key."""

    def __init__(self, project: Project, reasoner: str):
        self.project = project
        self.cache = Cache.of(project)
        self.cache.remove_stale()
        self.folders = project.document_folders()
        self.doc_ids = [f.name for f in self.folders]
        self.inputs = inputs_key(project)
        self.folder_hash = {f.name: hash_tree(f) for f in self.folders}
        whole = hashlib.sha256(f"{self.inputs}\0{reasoner}\0".encode())
        for name in self.doc_ids:
            whole.update(f"{name}\0{self.folder_hash[name]}\0".encode())
        whole.update(hash_tree(project.sources).encode())
        self.build_key = whole.hexdigest()
        self.reuse = self.cache.root / "reuse" / self.inputs  # workbooks and Turtle files: kuntakg.publish

    def up_to_date(self, out: Path) -> dict | None:
        """The manifest of `out` when the last build with the same inputs wrote it and it is intact."""
        recorded = self.cache.build_done(self.build_key)
        manifest_path = out / "manifest.json"
        if recorded is None or file_sha(manifest_path) != recorded:
            return None
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for name, info in manifest["files"].items():
            if file_sha(out / name) != info["sha256"]:
                return None
        return manifest

    def document_ids(self, folder: Path) -> dict[str, URIRef]:
        """kuntakg.ingest.document_ids, kept by the folder's hash (reading every table of every document
        for its row ids was most of a one-document rebuild's reading)."""
        key = _digest(self.inputs, "ids", self.folder_hash[folder.name])
        body = kept(self.reuse / "ids", key, "json")
        if body is not None:
            return {row_id: URIRef(iri) for row_id, iri in json.loads(body).items()}
        ids = document_ids(folder, self.project.minter)
        if all(isinstance(row_id, str) for row_id in ids):
            keep(self.reuse / "ids", key, "json", json.dumps({k: str(v) for k, v in ids.items()}).encode("utf-8"))
        return ids

    def reasoning_key(self, reasoner: str, digests: list[str]) -> str:
        """The key of the reasoning's result over the documents' scans (the ontology and reference data
        are among the shared inputs)."""
        return _digest(self.inputs, "reasoning", reasoner, *digests)

    def links_key(self, group: list) -> str:
        """The key of a piece of the theme links: the shared inputs (the reference tables among them)
        and each of its documents' id, town and rdf:type statements."""
        h = hashlib.sha256(f"{self.inputs}\0theme-links\0".encode())
        for doc in group:
            h.update(json.dumps([doc.doc_id, doc.town, sorted(map(list, doc.graph.pairs))],
                                ensure_ascii=False).encode("utf-8") + b"\0")
        return h.hexdigest()

    def prepare(self, known: dict) -> None:
        """The documents' keys, from the shared inputs and every document's row ids (`known`)."""
        shared = shared_key(self.inputs, known)
        self.keys = {name: _digest(shared, name, h) for name, h in self.folder_hash.items()}

    def lookup(self, name: str) -> Entry | None:
        """The document's entry while the source texts and neighbours it was checked with are unchanged."""
        entry = self.cache.get(self.keys[name])
        if entry is not None and self._still_valid(entry):
            self.cache.hits += 1
            return entry
        self.cache.misses += 1
        return None

    def _still_valid(self, entry: Entry) -> bool:
        sources = self.project.sources
        return (all(file_sha(sources / name) == sha for name, sha in entry.sources.items())
                and all(self.folder_hash.get(doc_id) == h for doc_id, h in entry.neighbours.items()))

    def store(self, name: str, entry: Entry, used: set[str], neighbours: list[str]) -> None:
        """Cache a document read afresh, now that it passed validation, with the source files its
        reading looked at and the documents its validation looked into."""
        sources = self.project.sources
        entry.sources = {n: file_sha(sources / n) for n in sorted(used)}
        entry.neighbours = {other: self.folder_hash[other] for other in neighbours}
        self.cache.put(self.keys[name], entry)

    def memo(self, parts: tuple[str, ...], run: Callable[[], None]) -> None:
        """Run a check over several documents unless it passed before on the same inputs."""
        key = _digest(self.inputs, "check", *parts)
        if self.cache.check_passed(key):
            return
        run()
        self.cache.record_check(key)

    def finish(self, out: Path) -> None:
        self.cache.record_build(self.build_key, file_sha(out / "manifest.json"))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _recover(out: Path) -> None:
    """A build killed between the two renames of _swap leaves only the side copy: put it back. One
    killed while writing leaves its staging folder: remove those no live build holds."""
    previous = out.with_name(out.name + ".previous")
    if previous.exists() and not out.exists():
        previous.rename(out)
    remove_stale_staging(out)



@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A fresh `.<out>-XXXX` folder beside `out`, locked by this process until the block ends (and
    removed then, unless it was swapped in). It is created and locked while the parent folder is
    locked, so remove_stale_staging never sees it unlocked."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        with folder_lock(out.parent):
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
            held.enter_context(folder_lock(staging))
        try:
            staging.chmod(0o755)
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove the staging folders of killed builds beside `out`: those whose lock nobody holds. A
    live build holds its folder's lock from creation to swap, so its folder is never removed."""
    removed: list[Path] = []
    if not out.parent.is_dir():
        return removed
    with folder_lock(out.parent):
        for folder in sorted(out.parent.glob(f".{out.name}-*")):
            if folder.is_symlink() or not folder.is_dir():
                continue
            try:
                with folder_lock(folder, blocking=False) as free:
                    if free:
                        shutil.rmtree(folder, ignore_errors=True)
                        removed.append(folder)
            except FileNotFoundError:  # a live build swapped it in (renamed it) since the listing
                continue
    return removed


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging`; the previous dist survives under a side name until the new one is in."""
    previous = out.with_name(out.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if out.exists():
        out.rename(previous)
    staging.rename(out)
    shutil.rmtree(previous, ignore_errors=True)
