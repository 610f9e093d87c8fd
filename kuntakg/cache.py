"""The build cache (issue 15): each document's read -> validate result, content-addressed.

An entry is keyed by a hash of everything the document's result can depend on:

* the **shared inputs** (:func:`shared_key`): the code (every ``.py`` file of the ``kuntakg`` package),
  the Python version and the versions of the RDF libraries, the base IRI, and every file under the
  project's ``ontology/``, ``shapes/`` and ``data/`` folders except ``data/documents`` and
  ``data/sources`` (status rules, reference data, theme tags, audit exclusions, anything added there
  later: the folders are hashed whole, no file is named), and the row ids of every document (the
  targets of cross-document references);
* the **document's folder**: every file in it, by name and content.

The source texts a document cites, and the documents whose graphs its validation looked at (the
targets of its ``kk:continues``), are only known after reading it: the entry records them with
their hashes, and a lookup uses the entry only while they are unchanged (as a compiler cache
records the headers a file included).

Layout under ``<project>/.kuntakg-cache/`` (git-ignored)::

    entries/<key[:2]>/<key>/        one complete entry: result.pickle, part.nq (the document's quads in
                                    the dump, kuntakg.docparts), summary.json (kuntakg.summary),
                                    meta.json (their hashes, deps)
    builds/<build-key>              the manifest hash of the dist/ a build with these inputs produced
    reuse/<inputs>/workbooks/       XLSX exports by the hash of their rows (kuntakg.export.write_xlsx)
    reuse/<inputs>/turtle/          per-document Turtle files by the hash of their graphs' lines
                                    (kuntakg.publish); TriG and JSON-LD blocks by graph likewise
    reuse/<inputs>/exports/         the exports' rows per document and the last dump's lines by owner
                                    (kuntakg.exportrows)
    reuse/<inputs>/ids/             each document's row ids by the hash of its folder
    tmp/<random>/                   an entry being written (flock-ed by its writer)

An entry is written into ``tmp/``, flushed, and renamed into ``entries/`` in one step, so a reader
sees either no entry or a complete one; a build killed while writing leaves only an unlocked
``tmp/`` folder, which the next build or ``kuntakg cache prune`` removes. The payload's sha256 is
checked before use (a damaged entry is a miss, and is removed). Two builds writing the same entry at
once: the first rename wins, the second discards its copy (both copies are the same bytes).
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rdflib import Graph, URIRef

from .ingest.result import DocumentRDF
from .locks import folder_lock

FORMAT = 3  # bump when the entry layout changes
_LIBRARIES = ("rdflib", "pyshacl", "pyoxigraph", "owlready2")
DEFAULT_MAX_BYTES = 2 * 1024**3


def _hash_file(h: "hashlib._Hash", path: Path, name: str) -> None:
    h.update(name.encode("utf-8") + b"\0")
    h.update(hashlib.sha256(path.read_bytes()).digest())


def hash_tree(folder: Path, skip: Iterable[Path] = ()) -> str:
    """sha256 over the relative names and contents of every file under `folder` (sorted)."""
    h = hashlib.sha256()
    folder = folder.resolve()
    skipped = {p.resolve() for p in skip}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if any(path == s or s in path.parents for s in skipped):
                continue
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
                _hash_file(h, path, path.relative_to(folder).as_posix())
    return h.hexdigest()


def code_version() -> str:
    """The code the results come from: every module of the package and the libraries it runs on."""
    h = hashlib.sha256(f"format {FORMAT}\0python {sys.version}\0".encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name} {version(name)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{name} -\0".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        _hash_file(h, path, path.relative_to(package).as_posix())
    return h.hexdigest()


def inputs_key(project) -> str:
    """The hash of the files and code every document depends on (see the module docstring). Drafts
    (data/drafts/, written by `kuntakg draft` and never built) are not inputs: a reviewer's edits there
    must not invalidate every document."""
    data = project.root / "data"
    h = hashlib.sha256()
    for part in (code_version(), project.base, hash_tree(project.ontology_dir), hash_tree(project.shapes_dir),
                 hash_tree(data, skip=(project.documents, project.sources, data / "drafts"))):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def shared_key(inputs: str, known: dict) -> str:
    """inputs_key plus every document's row ids (what cross-document references resolve to)."""
    h = hashlib.sha256(inputs.encode() + b"\0")
    for doc_id in sorted(known):
        h.update(doc_id.encode() + b"\0")
        for row_id, iri in sorted(known[doc_id].items(), key=lambda kv: str(kv[0])):
            h.update(f"{row_id}\0{iri}\0".encode())
    return h.hexdigest()


def triples_digest(triples: Iterable[tuple]) -> str:
    """An order-independent hash of a set of rdflib triples (their N-Triples forms, sorted)."""
    h = hashlib.sha256()
    for line in sorted({" ".join(_n3(term) for term in triple) for triple in triples}):
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()


def _n3(term) -> str:
    """term.n3(), without its IRI check for IRIs (the graphs hashed here were built from checked ones)."""
    return f"<{term}>" if type(term) is URIRef else term.n3()


def kept(folder: Path, key: str, suffix: str) -> bytes | None:
    """A file an earlier build kept under `key` (made from inputs with that hash), if its bytes still
    match the hash in its name (`<key[:2]>/<key>.<sha256>.<suffix>`); a damaged one is removed."""
    try:  # listed, not globbed: a glob compiles a new pattern for every key (2 s a rebuild at 1 M quads)
        names = os.listdir(folder / key[:2])
    except FileNotFoundError:
        return None
    prefix, end = key + ".", "." + suffix
    for name in names:
        if not (name.startswith(prefix) and name.endswith(end) and name.count(".") == 2):
            continue
        path = folder / key[:2] / name
        body = path.read_bytes()
        if hashlib.sha256(body).hexdigest() == path.name.split(".")[1]:
            os.utime(path)  # used now: kuntakg cache prune removes the least recently used first
            return body
        path.unlink(missing_ok=True)
    return None


def keep(folder: Path, key: str, suffix: str, body: bytes) -> None:
    """Keep `body` for a later build's :func:`kept` (written under a temporary name, then renamed). In a
    subfolder per first two characters of the key: a look-up lists one of 256 small folders, not one
    folder of every graph's and document's files (thousands at national scale)."""
    folder = folder / key[:2]
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    tmp.write_bytes(body)
    os.replace(tmp, folder / f"{key}.{hashlib.sha256(body).hexdigest()}.{suffix}")


def file_sha(path: Path) -> str:
    """sha256 of a file, read in chunks (a dump can be hundreds of MB); "-" when it is missing."""
    if not path.is_file():
        return "-"
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass
class Entry:
    """A document's cache entry: its result pickled without row origins (the document passed
    validation, so no error needs locating; loaded only when a check needs the graph), its part of
    the dump, its summary (kuntakg.summary), and the inputs it was checked against."""

    payload: Path  # the pickled result (write_payload)
    part: Path     # the document's part (kuntakg.parts)
    summary: dict
    sources: dict[str, str] = field(default_factory=dict)    # source file name -> sha256
    neighbours: dict[str, str] = field(default_factory=dict)  # doc id -> folder hash

    def document(self) -> DocumentRDF:
        return _restore(self.payload.read_bytes())


def write_payload(doc: DocumentRDF, path: Path) -> None:
    """The graphs are pickled whole (rdflib's in-memory store with its indexes): restoring them is
    about 2.5 times faster than adding their triples to new graphs."""
    state = (doc.doc_id, doc.town, doc.language, sorted(doc.translators), doc.graph, doc.translations)
    path.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _restore(payload: bytes) -> DocumentRDF:
    doc_id, town, language, translators, graph, translations = pickle.loads(payload)  # noqa: S301 (our own files)
    if not isinstance(graph, Graph) or not isinstance(translations, Graph):
        raise ValueError("not a cache entry")
    return DocumentRDF(doc_id, town, language, graph, translations, translators=set(translators))


_FILES = ("result.pickle", "part.nq")  # checked against their hashes in meta.json on every use


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


class Cache:
    def __init__(self, root: Path):
        self.root = root
        self.entries = root / "entries"
        self.builds = root / "builds"
        self.tmp = root / "tmp"
        self.hits = 0
        self.misses = 0

    @classmethod
    def of(cls, project) -> "Cache":
        return cls(Path(os.environ.get("KUNTAKG_CACHE", project.root / ".kuntakg-cache")))

    def _dir(self, key: str) -> Path:
        return self.entries / key[:2] / key

    # --- documents ---------------------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        """The complete entry under `key`, or None (missing, or damaged: then it is removed)."""
        folder = self._dir(key)
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            summary_bytes = (folder / "summary.json").read_bytes()
            sums = {name: file_sha(folder / name) for name in _FILES}
        except (OSError, ValueError):
            return None
        if (meta.get("format") != FORMAT or meta.get("files") != sums
                or hashlib.sha256(summary_bytes).hexdigest() != meta.get("summary_sha256")):
            self._discard(folder)
            return None
        try:
            summary = json.loads(summary_bytes)
        except ValueError:
            self._discard(folder)
            return None
        os.utime(folder)  # last use, for prune
        return Entry(folder / "result.pickle", folder / "part.nq", summary, meta["sources"], meta["neighbours"])

    def put(self, key: str, entry: Entry) -> None:
        """Write the entry under `key` atomically (tmp folder, fsync, rename); a no-op if one exists.
        The payload and the part are files written beforehand: they are copied in."""
        final = self._dir(key)
        if final.exists():
            return
        summary = json.dumps(entry.summary, ensure_ascii=False, sort_keys=True).encode("utf-8")
        with self.writing() as staging:
            for name, source in (("result.pickle", entry.payload), ("part.nq", entry.part)):
                shutil.copyfile(source, staging / name)
                _fsync(staging / name)
            (staging / "summary.json").write_bytes(summary)
            _fsync(staging / "summary.json")
            meta = {"format": FORMAT, "doc_id": entry.summary["doc_id"],
                    "files": {name: file_sha(staging / name) for name in _FILES},
                    "summary_sha256": hashlib.sha256(summary).hexdigest(),
                    "sources": entry.sources, "neighbours": entry.neighbours}
            (staging / "meta.json").write_bytes(json.dumps(meta, sort_keys=True).encode("utf-8"))
            _fsync(staging / "meta.json")
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                staging.rename(final)
            except OSError:  # another build put the same entry in first
                pass

    @contextmanager
    def writing(self) -> Iterator[Path]:
        """A fresh locked folder under tmp/ (removed afterwards unless renamed away)."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        with ExitStack() as held:  # the folder's lock is released after it is removed
            with folder_lock(self.tmp):
                staging = Path(tempfile.mkdtemp(dir=self.tmp))
                held.enter_context(folder_lock(staging))
            try:
                yield staging
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def _discard(self, folder: Path) -> None:
        """Move a damaged entry out of entries/ in one step, then delete it."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        target = Path(tempfile.mkdtemp(dir=self.tmp)) / "gone"
        try:
            folder.rename(target)
        except OSError:
            return
        shutil.rmtree(target.parent, ignore_errors=True)

    # --- checks over several documents ---------------------------------------------------------------

    def check_passed(self, key: str) -> bool:
        """Whether a check with this key (a hash of everything it looked at) passed before."""
        return (self.root / "checks" / key).is_file()

    def record_check(self, key: str) -> None:
        (self.root / "checks").mkdir(parents=True, exist_ok=True)
        with self.writing() as staging:
            (staging / "k").write_bytes(b"")
            os.replace(staging / "k", self.root / "checks" / key)

    # --- whole builds ------------------------------------------------------------------------------

    def build_done(self, build_key: str) -> str | None:
        try:
            return (self.builds / build_key).read_text(encoding="ascii").strip()
        except OSError:
            return None

    def record_build(self, build_key: str, manifest_sha: str) -> None:
        self.builds.mkdir(parents=True, exist_ok=True)
        with self.writing() as staging:
            (staging / "k").write_text(manifest_sha + "\n", encoding="ascii")
            os.replace(staging / "k", self.builds / build_key)

    # --- housekeeping ------------------------------------------------------------------------------

    def remove_stale(self) -> int:
        """Remove tmp/ folders nobody holds (left by killed builds)."""
        removed = 0
        if not self.tmp.is_dir():
            return removed
        with folder_lock(self.tmp):
            for folder in sorted(self.tmp.iterdir()):
                if not folder.is_dir() or folder.is_symlink():
                    continue
                with folder_lock(folder, blocking=False) as free:
                    if free:
                        shutil.rmtree(folder, ignore_errors=True)
                        removed += 1
        return removed

    def size(self) -> tuple[int, int]:
        """(entries, bytes), the files kept for reuse counted in the bytes."""
        count = total = 0
        for folder in self._all_entries():
            count += 1
            total += sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
        return count, total + sum(size for _, size, _ in self._reused())

    def _all_entries(self) -> list[Path]:
        if not self.entries.is_dir():
            return []
        return [e for shard in self.entries.iterdir() if shard.is_dir() for e in shard.iterdir() if e.is_dir()]

    def prune(self, max_bytes: int = DEFAULT_MAX_BYTES, max_age_days: float | None = None) -> dict[str, int]:
        """Remove killed builds' leftovers, entries unused for `max_age_days`, then the least recently
        used entries until the rest fit in `max_bytes`; records of old builds go with them."""
        stale = self.remove_stale()
        now = time.time()
        entries = []
        for folder in self._all_entries():
            try:
                used = folder.stat().st_mtime
                size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
            except OSError:
                continue
            entries.append((used, size, folder))
        entries.sort(key=lambda e: (e[0], e[2].name), reverse=True)  # most recent first
        kept_bytes = removed = 0
        for used, size, folder in entries:
            too_old = max_age_days is not None and now - used > max_age_days * 86400
            if too_old or kept_bytes + size > max_bytes:
                self._discard(folder)
                removed += 1
            else:
                kept_bytes += size
        if removed:  # build and check records are only shortcuts (a few bytes each): drop them with entries
            for records in (self.builds, self.root / "checks", self.root / "reuse", self.root / "workbooks"):
                shutil.rmtree(records, ignore_errors=True)
        reused_removed = 0
        if not removed:  # the files kept for reuse (exports, dumps' blocks, theme links, inferred types) share it
            for used, size, path in sorted(self._reused(), reverse=True):  # most recently used first
                too_old = max_age_days is not None and now - used > max_age_days * 86400
                if too_old or kept_bytes + size > max_bytes:
                    path.unlink(missing_ok=True)
                    reused_removed += 1
                else:
                    kept_bytes += size
        return {"removed": removed, "stale": stale, "kept": len(entries) - removed, "bytes": kept_bytes,
                "reuse_removed": reused_removed}

    def _reused(self) -> list[tuple[float, int, Path]]:
        """(last use, size, path) of every file under reuse/ (a look-up that finds one marks it used)."""
        out = []
        for path in (self.root / "reuse").rglob("*"):
            try:
                info = path.stat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                out.append((info.st_mtime, info.st_size, path))
        return out
