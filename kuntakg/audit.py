"""Coverage audit: is every piece of content of the source texts represented in the graph?

The seed text is walked line by line. Each non-blank line is split into pieces (tab cells, markdown
'|' cells, HTML <p>/<br> blocks) with markup stripped. A piece is *represented* when its text is
covered by literals (source text, labels, …) of resources whose source span includes the line,
*excluded* when data/audit/<source-stem>.csv lists it with a reason, and *missing* otherwise.
Comparison ignores case, whitespace and hyphenation ("etäpal- veluja" == "etäpalveluja").
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF

from .ingest.result import DocumentRDF
from .namespaces import KK

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</p>|<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


def norm(text: str) -> str:
    text = _TAG.sub(" ", text)
    text = re.sub(r"(\*\*|__|^\s*#+\s*|^\s*[-*]\s+|\\)", " ", text, flags=re.MULTILINE)
    text = text.replace("*", " ").lower()
    text = re.sub(r"(\w)-\s+", r"\1", text)  # hyphenation across a line or cell break
    return " ".join(text.split())


def pieces(line: str) -> list[str]:
    cells = line.strip().strip("|").split("|") if line.lstrip().startswith("|") else line.split("\t")
    out = []
    for cell in cells:
        for block in _BLOCK.split(cell):
            text = norm(block)
            if _WORD.search(text):
                out.append(text)
    return out


@dataclass(frozen=True)
class Exclusion:
    first: int
    last: int
    text: str  # normalised; "" = the whole lines
    reason: str

    def covers(self, line: int) -> bool:
        return self.first <= line <= self.last


def load_exclusions(path: Path) -> list[Exclusion]:
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            lines = row["lines"].strip()
            first, _, last = lines.partition("-")
            out.append(Exclusion(int(first) if first else 1, int(last or first) if first else 10**9,
                                 norm(row.get("text", "")), row["reason"].strip()))
    return out


@dataclass
class FileAudit:
    file: str
    documents: list[str]
    found: int = 0
    represented: int = 0
    excluded: int = 0
    missing: list[tuple[int, str]] = field(default_factory=list)


def literals_by_line(docs: list[DocumentRDF]) -> dict[str, dict[int, list[str]]]:
    """file -> line -> normalised literals of every resource whose source span covers the line."""
    out: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for doc in docs:
        graph = doc.graph
        for subject, span in graph.subject_objects(PROV.wasDerivedFrom):
            file_node = graph.value(span, KK.sourceFile)
            first, last = graph.value(span, KK.lineStart), graph.value(span, KK.lineEnd)
            if file_node is None or first is None:
                continue
            texts = [norm(str(o)) for o in graph.objects(subject) if isinstance(o, Literal)]
            name = str(graph.value(file_node, DCTERMS.identifier))
            for line in range(int(str(first)), int(str(last)) + 1):
                out[name][line].extend(texts)
    return out


def _covered(piece: str, texts: list[str]) -> bool:
    if any(piece in t for t in texts):
        return True
    rest = piece
    for t in sorted(texts, key=len, reverse=True):
        if t:
            rest = rest.replace(t, " ")
    return not _WORD.search(rest)


def audit_file(path: Path, documents: list[str], texts_by_line: dict[int, list[str]],
               exclusions: list[Exclusion]) -> FileAudit:
    result = FileAudit(path.name, documents)
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        applicable = [e for e in exclusions if e.covers(number)]
        whole_line = any(not e.text for e in applicable)
        for piece in pieces(line):
            result.found += 1
            texts = texts_by_line.get(number, [])
            if _covered(piece, texts):
                result.represented += 1
            elif whole_line or _covered(piece, texts + [e.text for e in applicable]):
                result.excluded += 1
            else:
                result.missing.append((number, piece))
    return result


def audit(docs: list[DocumentRDF], sources: Path, exclusions_dir: Path,
          source_files: dict[str, list[str]]) -> list[FileAudit]:
    """Audit every source file that some document imports (source_files: file -> doc ids)."""
    by_line = literals_by_line(docs)
    return [audit_file(sources / name, doc_ids, by_line.get(name, {}),
                       load_exclusions(exclusions_dir / f"{Path(name).stem}.csv"))
            for name, doc_ids in sorted(source_files.items())]


def source_files_of(docs: list[DocumentRDF]) -> dict[str, list[str]]:
    """Source file name -> ids of the documents imported from it."""
    files: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        for node in set(doc.graph.objects(None, PROV.wasDerivedFrom)):
            if (node, RDF.type, KK.SourceFile) in doc.graph:
                files[str(doc.graph.value(node, DCTERMS.identifier))].append(doc.doc_id)
    return dict(files)


def run(docs: list[DocumentRDF], sources: Path, exclusions_dir: Path) -> list[FileAudit]:
    return audit(docs, sources, exclusions_dir, source_files_of(docs))


def audit_summaries(summaries: list[dict], sources: Path, exclusions_dir: Path,
                    memo=None) -> list[FileAudit]:
    """:func:`run` over the documents' summaries (kuntakg.summary), in the documents' order. With
    `memo(parts, run)` (the build cache, whose key holds the exclusions) a file that passed before
    with the same text and the same literals is not audited again."""
    files: dict[str, list[str]] = defaultdict(list)
    by_line: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for summary in summaries:
        for name in summary["audit"]["files"]:
            files[name].append(summary["doc_id"])
        for name, lines in summary["audit"]["by_line"].items():
            for line, texts in lines.items():
                by_line[name][int(line)].extend(texts)
    results: list[FileAudit] = []
    for name, doc_ids in sorted(files.items()):
        def one(name: str = name, doc_ids: list[str] = doc_ids) -> None:
            results.append(audit_file(sources / name, doc_ids, by_line.get(name, {}),
                                      load_exclusions(exclusions_dir / f"{Path(name).stem}.csv")))
            if results[-1].missing:
                raise _Missing()
        if memo is None:
            one()
            continue
        lines = by_line.get(name, {})
        digest = hashlib.sha256((sources / name).read_bytes())
        digest.update(json.dumps([doc_ids, sorted(lines.items())], ensure_ascii=False).encode("utf-8"))
        try:
            memo(("audit", name, digest.hexdigest()), one)
        except _Missing:
            pass
    return results


class _Missing(Exception):
    """A file with missing content: not recorded as passed (the caller reports it)."""
