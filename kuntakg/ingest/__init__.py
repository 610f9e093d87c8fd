"""Importers: a document folder in the import format -> its RDF graphs, with row origins."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from ..errors import InputError
from ..iris import Minter
from ..status import StatusRule
from .model import map_tables
from .result import DocumentRDF
from .sources import SourceTexts
from .tabular import read_tables

NOT_ROWS = ("metadata", "translations")


def read_document(folder: Path, minter: Minter, sources: SourceTexts, status_rules: list[StatusRule],
                  known_docs: dict[str, dict[str, URIRef]] | None = None) -> DocumentRDF:
    """Map one document folder. Errors are collected in the result, never raised."""
    tables, errors = read_tables(folder)
    if not errors and not tables.get("metadata"):
        problem = "the metadata sheet is missing" if "metadata" not in tables else "the metadata sheet has no rows"
        errors = [InputError(_metadata_file(folder), 0, 0, "", problem)]
    if errors:
        return DocumentRDF(folder.name, "", "", Graph(), Graph(), errors=errors)
    result = map_tables(tables, minter, sources, status_rules, known_docs)
    if result.doc_id and result.doc_id != folder.name:
        row = next(r for r in tables["metadata"] if r.get("field") == "id")
        result.errors.append(InputError(row.file, row.number, row.columns.get("value", 0), "value",
                                        f"document id '{result.doc_id}' differs from its folder name "
                                        f"'{folder.name}'"))
    return result


def _metadata_file(folder: Path) -> str:
    """Where the metadata sheet is (or belongs): in the workbook, if the document is one."""
    book = next(iter(sorted(folder.glob("*.xlsx"))), None)
    return f"{book}[metadata]" if book else str(folder / "metadata.csv")


def document_ids(folder: Path, minter: Minter) -> dict[str, URIRef]:
    """Row id -> IRI for every row of a document, for references from other documents."""
    tables, _ = read_tables(folder)
    meta = {r.get("field"): r.get("value") for r in tables.get("metadata", [])}
    doc_id, town = meta.get("id", ""), meta.get("municipality", "")
    return {row.get("id"): minter.row(sheet, doc_id, town, row.get("id"))
            for sheet, rows in tables.items() if sheet not in NOT_ROWS for row in rows}
