"""`kuntakg draft`: the whole way from a town's own file to a reviewed draft folder."""
from __future__ import annotations

import csv
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..ingest.sources import normalise
from ..iris import slugify
from ..project import Project
from ..status import classify, load_status_rules
from . import extract_docx, extract_pdf, extract_text, extract_xlsx
from .emit import Meta, tables, write
from .errors import DraftError, NoStructure
from .lexicon import LANGS, Lexicon
from .model import Item
from .review import Review, review
from .structure import recognise

KINDS = {".docx": "docx", ".pdf": "pdf", ".xlsx": "xlsx", ".xlsm": "xlsx", ".txt": "text", ".md": "text",
         ".markdown": "text"}


@dataclass
class Result:
    text_file: Path
    folder: Path | None
    doc_id: str
    lang: str
    kind: str
    written: list[Path]
    review: Review | None


def lexicon_path(project: Project) -> Path:
    return project.root / "data" / "draft" / "lexicon.yaml"


def _kind(path: Path) -> str:
    kind = KINDS.get(path.suffix.lower())
    if kind:
        return kind
    head = path.read_bytes()[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DraftError(f"{path}: an encrypted or legacy (.doc/.xls) Office file; save it as .docx or .xlsx")
    raise DraftError(f"{path}: unknown file type '{path.suffix}' (DOCX, PDF, XLSX, text or Markdown)")


def municipality_name(project: Project, code: str) -> str:
    path = project.reference / "municipalities.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"].strip() == code.strip():
                return row["name_fi"].strip()
    raise DraftError(f"unknown municipality code '{code}' (not in {path})")


def extract(path: Path, lexicon: Lexicon) -> tuple[str, str]:
    """(kind, extracted text) of an original file; DraftError with one clear line if it cannot be read."""
    if not path.is_file():
        raise DraftError(f"{path}: no such file")
    try:
        kind = _kind(path)
    except OSError as exc:
        raise DraftError(f"{path}: not readable ({exc.strerror})") from exc
    if kind in ("docx", "xlsx") and path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0":
        raise DraftError(f"{path}: the file is encrypted (password-protected Office file); save an unprotected copy")

    def is_header(cells: list[str]) -> bool:
        roles = [lexicon.role(c) for c in cells if c]
        return len([r for r in roles if r]) >= lexicon.layout("header_min_roles")

    if kind == "docx":
        return kind, extract_docx.extract(path, lexicon.words("docx_heading_styles"),
                                          lexicon.words("docx_title_styles"))
    if kind == "xlsx":
        return kind, extract_xlsx.extract(path, is_header)
    if kind == "pdf":
        return kind, extract_pdf.extract(path, is_header, lexicon.words("conjunctions"))
    return kind, extract_text.extract(path)


def flag_unquoted(items: list[Item], text: str) -> None:
    """A DRAFT: note on every item whose quoted source_text is not in the lines it cites (a label joined
    over two rows, a cell rebuilt from moved paragraphs): the import would reject the quote, and the
    reviewer is told to fix it rather than meet an unflagged error."""
    lines = text.split("\n")
    for item in items:
        if not item.source_text or not item.lines:
            continue
        cited = "\n".join(lines[n - 1] for n in sorted(item.lines) if 0 < n <= len(lines))
        if normalise(item.source_text) not in normalise(cited):
            item.note(f"the quoted source_text is not found as such in the cited lines "
                      f"({', '.join(map(str, sorted(item.lines)))}); correct the quote or empty it")


def _plan_type(title: str) -> str:
    low = title.lower()
    if re.search(r"strategi", low):
        return "strategy"
    if re.search(r"ohjelma|program", low):
        return "programme"
    if re.search(r"toimeenpano|toimintasuunnitelm|verksamhetsplan|implementation|action plan|avaintavoit|nyckelmål",
                 low):
        return "implementation-plan"
    return "plan"


def _atomic_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


def draft(path: Path, municipality: str, project: Project | None = None, doc_id: str | None = None,
          language: str | None = None, out: Path | None = None, sources: Path | None = None,
          xlsx: bool = False, force: bool = False, run_review: bool = True) -> Result:
    project = project or Project()
    path = path.resolve()
    town = municipality_name(project, municipality)
    if language is not None and language not in LANGS:
        raise DraftError(f"unknown language '{language}' (fi, sv or en)")
    sources = (sources or project.sources).resolve()
    if doc_id is None:
        doc_id = out.name if out is not None else f"{slugify(town)}-{slugify(path.stem)}"[:60].strip("-")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", doc_id):
        raise DraftError(f"'{doc_id}' is not a document id (lowercase a-z, 0-9 and '-'); give --doc-id")
    folder = (out or project.root / "data" / "drafts" / doc_id).resolve()
    for guarded, what in ((project.documents, "data/documents/"), (project.dist, "dist/")):
        guarded = guarded.resolve()
        if folder == guarded or guarded in folder.parents:
            raise DraftError(f"{folder}: drafts are never written into {what}; review the draft, then copy it there")
    if folder.exists() and not force:
        raise DraftError(f"{folder} exists; give --force to replace it")
    if folder.name != doc_id:
        raise DraftError(f"the output folder's name '{folder.name}' must equal the document id '{doc_id}'")

    lexicon = Lexicon.load(lexicon_path(project))
    kind, text = extract(path, lexicon)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if kind == "text" and path.parent == sources:
        text_file = path  # already one of the extracted texts: used as it is
    else:
        if kind == "text":  # a copy in the layout's conventions: no byte-order mark, \n line ends
            text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        text_file = sources / f"{slugify(path.stem)[:40]}-{digest[:12]}.txt"
    lang = language or lexicon.detect_language(text)
    # roles are matched in every language (a Finnish table may have a "Status" column); the detected or
    # given language decides how responsible cells are split
    structure, recognised = recognise(text, text_file.name, lang, lexicon)
    items = [i for i in structure.items if i.sheet in ("goals", "actions", "promises", "indicators", "milestones")]
    if text_file != path:
        _atomic_text(text_file, text)
    if not recognised or not items:
        raise NoStructure(f"{path}: no table or structure recognised; only the extracted text was written to "
                          f"{text_file} (transcribe it by hand, see docs/import-format.md)")
    flag_unquoted(structure.items, text)
    status_rules = load_status_rules(project.root / "data" / "status-rules")
    for assessment in structure.of("assessments"):
        found = classify(assessment.fields.get("text", ""), lang, status_rules)
        if found.status is None:
            assessment.note("no cue-word rule classifies the report text; set the status by hand")
    title, title_line = structure.title or (path.stem, None)
    years = [str(y) for y in structure.years]
    title_years = re.findall(r"\b(?:19|20)\d\d\b", title)
    period = (min(title_years), max(title_years)) if title_years else ((min(years), max(years)) if years else None)
    meta = Meta(doc_id, municipality, lang, title, title_line, _plan_type(text[:4000]), period, text_file.name,
                path.name, digest)
    sheets = tables(structure, meta)
    written = write(folder, sheets, xlsx, force)
    result = Result(text_file, folder, doc_id, lang, kind, written, None)
    if run_review:
        result.review = review(project, folder, sources, lang)
    return result
