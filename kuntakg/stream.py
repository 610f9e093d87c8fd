"""The build's documents, one at a time (issue 15): the corpus is never in memory at once.

Reading maps each document that the build cache does not answer in a forked process (a pool's
worth at a time), which puts the document itself (graphs and row origins) in a file of the build's
scratch folder and hands back its summary (kuntakg.summary: what the checks over several documents
read); the build's own process holds summaries only. The cache answers the others with their
summaries alone. A document that continues no other is validated by the process that read it, which
writes its part of the dump (kuntakg.docparts) and its cache payload there and then (pickling a document
and loading it again was a fifth of the validation). The others are validated afterwards, each in a
process of its own (forked, a pool's worth at a time) that loads it, and the graphs of the documents
it links to, from those files, validates it, and writes its part and payload the same way. The
checks over the corpus (theme links, coverage audit, reasoning) read the
summaries; the dumps are merged from the parts (kuntakg.publish.publish_parts).
"""
from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import Graph, URIRef

from .cache import Entry, write_payload
from .docparts import write_document_part
from .draft.check import draft_notes
from .entailment import compile_rules, schema_terms
from .errors import InputError, InvalidInput
from .forked import map_forked
from .ingest import document_ids, read_document
from .ingest.result import DocumentRDF
from .ingest.sources import SourceTexts
from .iris import Minter
from .namespaces import KK
from .project import Project
from .summary import summarise
from .validate import check, located, neighbourhood, prepare


class CachePlan(Protocol):
    """What the documents ask of the build cache (kuntakg.build._CachePlan)."""

    def document_ids(self, folder: Path) -> dict[str, URIRef]: ...
    def prepare(self, known: dict) -> None: ...
    def lookup(self, name: str) -> Entry | None: ...
    def store(self, name: str, entry: Entry, used: set[str], neighbours: list[str]) -> None: ...


class RecordingSources(SourceTexts):
    """SourceTexts that remember which files a document's reading looked at."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.used: set[str] = set()

    def path(self, file: str) -> Path:
        self.used.add(file)
        return super().path(file)

    def problem(self, file: str) -> str | None:
        self.used.add(file)
        return super().problem(file)


class Documents:
    """The build's documents in folder order: their summaries, and where each one's files are."""

    def __init__(self, project: Project, plan: CachePlan | None, scratch: Path):
        self.project = project
        self.plan = plan
        self.folders = project.document_folders()
        self.dir = scratch / "documents"
        self.dir.mkdir()
        self.summaries: list[dict[str, Any]] = []
        # folder name -> where the document read afresh is: ("whole", its pickle with row origins), or
        # ("entry", its cache payload) when it was validated as it was read (its violations in `checked`)
        self.fresh: dict[str, tuple[str, Path]] = {}
        self.checked: dict[str, list[InputError]] = {}  # folder name -> its violations, found while reading
        self._checking: _Validation | None = None
        self.entries: dict[str, Entry] = {}  # folder name -> the cache entry that answered it
        self.used: dict[str, set[str]] = {}  # folder name -> the source files its reading looked at

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.folders]

    def read(self, jobs: int | None = None, reference: Graph | None = None) -> None:
        """Read every document the cache does not answer, in `jobs` forked processes (default: one
        per CPU): each writes the document into the scratch folder and hands back its summary, so that
        this process only ever holds summaries. With `reference`, a document that continues no other is
        validated there too (its violations are raised by `validate`, after the checks over the corpus,
        as before). Raise InvalidInput with every error of every document (as kuntakg.build.read_all does)."""
        project, minter = self.project, self.project.minter
        known = {f.name: self.plan.document_ids(f) if self.plan is not None else document_ids(f, minter)
                 for f in self.folders}
        if self.plan is not None:
            self.plan.prepare(known)
        summaries: dict[str, dict[str, Any]] = {}
        todo: list[Path] = []
        for folder in self.folders:
            entry = self.plan.lookup(folder.name) if self.plan is not None else None
            if entry is not None:
                self.entries[folder.name] = entry
                summaries[folder.name] = entry.summary
                spill_reasoning(self.dir, folder.name, entry.summary)
            else:
                todo.append(folder)
        checking = self._validation(reference) if reference is not None else None
        work = _Reading(project, known, self.dir, compile_rules(project.ontology), schema_terms(project.ontology),
                        checking)
        results = map_forked(work.run_one, todo, jobs)
        errors: list[InputError] = []
        drafts: list[InputError] = []
        for folder, (found, summary, used, notes, checked) in zip(todo, results, strict=True):
            errors += found
            drafts += notes
            if not found:
                self.used[folder.name] = used
                if checked is None:
                    self.fresh[folder.name] = ("whole", self.dir / f"{folder.name}.pickle")
                else:
                    self.fresh[folder.name] = ("entry", self.dir / f"{folder.name}.payload")
                    self.checked[folder.name] = checked
                summaries[folder.name] = summary
        errors += drafts
        if errors:
            raise InvalidInput(errors)
        self.summaries = [summaries[folder.name] for folder in self.folders]

    def validate(self, reference: Graph, jobs: int | None = None) -> None:
        """SHACL per fresh document, with what it points at in the reference and in the documents it
        links to; raise InvalidInput on any violation. Each document that passes gets its part and
        cache payload written (and its cache entry, when the cache is on)."""
        names = list(self.fresh)
        if not names:
            return
        by_name = dict(zip(self.names, self.summaries, strict=True))
        links = self._links(names, by_name)
        work = self._validation(reference)
        work.files, work.links = self._document_files(), links
        todo = [name for name in names if name not in self.checked]
        found = dict(zip(todo, map_forked(work.run_one, todo, jobs), strict=True))
        errors = [e for name in names for e in (self.checked[name] if name in self.checked else found[name])]
        if errors:
            raise InvalidInput(errors)
        if self.plan is not None:
            for name in names:
                entry = Entry(self.dir / f"{name}.payload", self.part(name), self._with_reasoning(name, by_name[name]))
                self.plan.store(name, entry, self.used[name], links[name])

    def _validation(self, reference: Graph) -> _Validation:
        """The build's one validation against `reference`, for the reading stage (documents that continue no
        other) and the validation stage (the others, with the files and links known by then). Made with the
        shapes compiled and the ontology poured out (kuntakg.validate.prepare), so that the workers forked
        after it share them instead of each redoing them."""
        if self._checking is None or self._checking.reference is not reference:
            self._checking = _Validation(self.project.shapes, self.project.ontology, reference, self.project.minter,
                                         {}, {}, self.dir)
            prepare(self._checking.shapes, self._checking.ontology)
        return self._checking

    def _links(self, names: list[str], by_name: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
        """For each of `names`, the documents it links into (its kk:continues objects among their
        subjects), in folder order: one pass over every document's subjects, not one per pair."""
        continued = {name: set(by_name[name]["continues"]) for name in names}
        wanted = set().union(*continued.values())
        links: dict[str, list[str]] = {name: [] for name in names}
        if wanted:
            for other in self.names:
                hit = wanted.intersection(by_name[other]["subjects"])
                for name in names if hit else ():
                    if name != other and continued[name] & hit:
                        links[name].append(other)
        return links

    def slim(self) -> None:
        """Drop what only the checks over the corpus read from the summaries (most of their size),
        once those checks are done (the cache entries were written with the whole summaries)."""
        for summary in self.summaries:
            for key in ("types", "other_types", "subjects", "continues", "audit"):
                summary.pop(key, None)

    def reasoning_facts(self) -> Iterator[dict]:
        """Each document's scan for the reasoner, read from the file its reading (or the cache) left in
        the scratch folder, one document at a time, and removed."""
        for name in self.names:
            path = reasoning_file(self.dir, name)
            facts = pickle.loads(path.read_bytes())  # noqa: S301 (this build's own file)
            path.unlink()
            yield facts

    def reasoning_digests(self) -> list[str]:
        """Each document's hash of its scan for the reasoner (spill_reasoning), in folder order."""
        return [reasoning_file(self.dir, name).with_suffix(".sha256").read_text(encoding="ascii")
                for name in self.names]

    def _with_reasoning(self, name: str, summary: dict[str, Any]) -> dict[str, Any]:
        """The whole summary, as the cache keeps it."""
        return dict(summary, reasoning=pickle.loads(reasoning_file(self.dir, name).read_bytes()))  # noqa: S301

    def part(self, name: str) -> Path:
        """The document's part: from its cache entry, or the one its validation wrote."""
        entry = self.entries.get(name)
        return entry.part if entry is not None else self.dir / f"{name}.nq"

    def graphs(self) -> list[Graph]:
        """Every document's graph, loaded (HermiT reads them; only on small inputs)."""
        files = self._document_files()
        return [_load(*files[name]).graph for name in self.names]

    def _document_files(self) -> dict[str, tuple[str, Path]]:
        files = dict(self.fresh)
        files.update({name: ("entry", entry.payload) for name, entry in self.entries.items()})
        return files


def reasoning_file(folder: Path, name: str) -> Path:
    """Where a document's scan for the reasoner waits in the scratch folder (Documents.reasoning_facts)."""
    return folder / f"{name}.reasoning.pickle"


def spill_reasoning(folder: Path, name: str, summary: dict[str, Any]) -> None:
    """Move the reasoner's scan (half of a summary's memory) from the summary to its file in `folder`,
    where it waits until the reasoner reads it."""
    facts = summary.pop("reasoning")
    reasoning_file(folder, name).write_bytes(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
    # its hash, for the build cache's key of the reasoning's result, kept in the summary (and so in the
    # cache entry): as JSON, its lists sorted (a scan lists sets, in an order that changes with each
    # process's string hashing)
    if "reasoning_sha256" not in summary:
        canonical = json.dumps(_sorted_lists(facts), ensure_ascii=False)
        summary["reasoning_sha256"] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    reasoning_file(folder, name).with_suffix(".sha256").write_text(summary["reasoning_sha256"], encoding="ascii")


def _sorted_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_lists(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return sorted((_sorted_lists(item) for item in value), key=repr)
    return value


def _load(kind: str, path: Path) -> DocumentRDF:
    if kind == "whole":
        doc = pickle.loads(path.read_bytes())  # noqa: S301 (this build's own file)
        assert isinstance(doc, DocumentRDF)
        return doc
    return Entry(path, path, {}).document()


@dataclass
class _Reading:
    project: Project
    known: dict
    out: Path
    rules: Any
    schema: set
    checking: _Validation | None = None

    def run_one(self, folder: Path) -> tuple[list[InputError], dict[str, Any], set[str], list[InputError],
                                             list[InputError] | None]:
        """The document's errors, or its summary and the source files its reading looked at (the
        document itself goes into `out`, pickled whole with its row origins); its unreviewed draft
        notes (issue 13; a cached document passed this check); and, when it continues no other
        document and `checking` is given, its SHACL violations (None: not validated here; its part
        and payload are then in `out` instead of the pickle)."""
        texts = RecordingSources(self.project.sources)
        doc = read_document(folder, self.project.minter, texts, self.project.status_rules, self.known)
        notes = draft_notes(folder)
        if doc.errors:
            return doc.errors, {}, set(), notes, None
        summary = summarise(doc, self.rules, self.schema)
        checked = None
        if self.checking is not None and not summary["continues"]:
            checked = self.checking.check_loaded(folder.name, doc, [])
        else:
            (self.out / f"{folder.name}.pickle").write_bytes(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
        # the reasoner's scan goes to a file here, not back to the build's process (see reasoning_facts)
        spill_reasoning(self.out, folder.name, summary)
        return [], summary, texts.used, notes, checked


@dataclass
class _Validation:
    shapes: Graph
    ontology: Graph
    reference: Graph
    minter: Minter
    files: dict[str, tuple[str, Path]]
    links: dict[str, list[str]]
    out: Path

    def run_one(self, name: str) -> list[InputError]:
        doc = _load(*self.files[name])
        around = []
        for other in self.links[name]:
            other_graph = _load(*self.files[other]).graph
            if _refers_to(doc.graph, other_graph):
                around.append(neighbourhood(doc.graph, other_graph))
            del other_graph
        return self.check_loaded(name, doc, around)

    def check_loaded(self, name: str, doc: DocumentRDF, around: list[Graph]) -> list[InputError]:
        """Validate `doc` with what it points at in the reference and in `around` (the neighbourhoods
        of the documents it links to), after writing its part and payload into `out`."""
        around = [neighbourhood(doc.graph, self.reference), *around]
        # The document's part and cache payload are written before the check, which then validates the
        # graph this process loaded with what it points at poured in, not a copy of it (a copy was a
        # sixth of the stage). A document that fails leaves them behind in the scratch folder, unused.
        write_document_part(self.minter, doc, self.out / f"{name}.nq")
        write_payload(doc, self.out / f"{name}.payload")
        own = set(doc.graph.subjects())
        data = doc.graph
        for graph in around:
            data += graph
        return located(check(data, self.shapes, self.ontology, handed_over=True), doc, own)


def _refers_to(graph: Graph, other: Graph) -> bool:
    """Whether a document links into another (kk:continues is the only cross-document link)."""
    return any((o, None, None) in other for o in graph.objects(None, KK.continues))

