"""The review summary of a draft: rows per sheet, DRAFT: notes, the SHACL gate as file:row:column and the
coverage audit's uncovered pieces of the extracted text: the reviewer's to-do list."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..errors import InputError, InvalidInput
from ..ingest.tabular import read_tables
from ..project import Project
from ..status import StatusRule, classify, load_status_rules
from .check import MARK
from .lexicon import Lexicon


@dataclass
class Review:
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # file:row: note
    errors: list[InputError] = field(default_factory=list)  # import format and SHACL
    unflagged: list[InputError] = field(default_factory=list)  # errors in rows without a DRAFT: note
    uncovered: list[tuple[int, str]] = field(default_factory=list)  # (line, piece)
    statuses: Counter[str] = field(default_factory=Counter)


def _reference(project: Project) -> Graph:
    from ..reference import municipalities
    return municipalities(project.reference / "municipalities.csv", project.minter)


def review(project: Project, folder: Path, sources: Path, lang: str) -> Review:
    from ..audit import audit_file, literals_by_line
    from ..build import validate_all
    from ..ingest import read_document
    from ..ingest.sources import SourceTexts

    result = Review()
    tables, _ = read_tables(folder)
    flagged: set[tuple[str, int]] = set()
    source_file = ""
    for name, rows in tables.items():
        if name == "metadata":
            source_file = next((r.get("value") for r in rows if r.get("field") == "source_file"), "")
            continue
        result.rows[name] = len(rows)
        for row in rows:
            if MARK in row.get("note"):
                flagged.add((row.file, row.number))
                result.notes.append(f"{row.file}:{row.number}: {row.get('note')}")
            if name == "assessments":
                result.statuses[classify(row.get("text"), lang, rules(project)).status or "unclassified"] += 1
    doc = read_document(folder, project.minter, SourceTexts(sources), rules(project), {})
    errors = list(doc.errors)
    if not errors:
        try:
            validate_all(project, [doc], _reference(project), jobs=1)
        except InvalidInput as exc:
            errors = list(exc.errors)
    result.errors = errors
    result.unflagged = [e for e in errors if (e.file, e.row) not in flagged]
    if source_file and (sources / source_file).is_file() and not doc.errors:
        audit = audit_file(sources / source_file, [doc.doc_id], literals_by_line([doc]).get(source_file, {}), [])
        lexicon = Lexicon.load(project.root / "data" / "draft" / "lexicon.yaml", (lang,))
        # header cells and keys are the structure the rows were read by, not content
        result.uncovered = [(n, p) for n, p in audit.missing if not (len(p) < 80 and lexicon.role(p))]
    return result


def rules(project: Project) -> list[StatusRule]:
    return load_status_rules(project.root / "data" / "status-rules")
