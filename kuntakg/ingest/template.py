"""Blank templates of the import format (CSV or XLSX) and its column reference, made from schema.py."""
from __future__ import annotations

import csv
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from .schema import METADATA_FIELDS, PLAN_TYPES, SHEETS, Sheet

KIND_NAMES = {
    "id": "identifier", "text": "text", "ref": "id(s) of rows", "xref": "doc-id/row-id", "code": "code",
    "enum": "one of a list", "decimal": "number", "period": "YYYY or YYYY-MM-DD", "date": "YYYY-MM-DD",
    "source": "file:first-last", "lang": "fi, sv or en", "iri": "IRI",
}


def _describe(column, sheet: Sheet) -> str:
    extra = []
    if column.refs:
        extra.append("rows of: " + ", ".join(column.refs))
    if column.scheme:
        extra.append(f"code list `{column.scheme}`")
    if column.values:
        extra.append("values: " + ", ".join(f"`{v}`" for v in column.values))
    if column.many:
        extra.append("several, separated by `;`")
    suffix = f" ({'; '.join(extra)})" if extra else ""
    return column.doc.replace("|", "\\|") + suffix


def markdown_reference(schemes: Graph) -> str:
    """The column reference of every sheet and the code lists, as Markdown tables."""
    parts = []
    for sheet in SHEETS:
        parts.append(f"### `{sheet.file_name}`\n\n{sheet.doc}\n")
        parts.append("| column | required | kind | meaning |\n|---|---|---|---|")
        for column in sheet.all_columns:
            parts.append(f"| `{column.name}` | {'yes' if column.required else ''} | {KIND_NAMES[column.kind]} | "
                         f"{_describe(column, sheet)} |")
        parts.append("")
    parts.append("### Metadata fields\n")
    parts.append("| field | required | one per language |\n|---|---|---|")
    for name, (_, required, per_lang) in METADATA_FIELDS.items():
        parts.append(f"| `{name}` | {'yes' if required else ''} | {'yes' if per_lang else ''} |")
    parts.append(f"\n`plan_type` is one of {', '.join(f'`{t}`' for t in PLAN_TYPES)}.\n")
    parts.append("### Code lists\n")
    parts.append("| code list | code | fi | sv | en |\n|---|---|---|---|---|")
    for scheme in sorted(schemes.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        name = str(scheme).rsplit("/", 1)[-1]
        concepts = sorted(schemes.objects(scheme, SKOS.hasTopConcept),
                          key=lambda c: str(schemes.value(c, SKOS.notation)))
        for concept in concepts:
            labels = {label.language: str(label) for label in schemes.objects(concept, SKOS.prefLabel)
                      if isinstance(label, Literal)}
            parts.append(f"| `{name}` | `{schemes.value(concept, SKOS.notation)}` | {labels['fi']} | "
                         f"{labels['sv']} | {labels['en']} |")
    return "\n".join(parts) + "\n"


def write_csv_template(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in SHEETS:
        path = folder / sheet.file_name
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow([c.name for c in sheet.all_columns])
            if sheet.name == "metadata":
                writer.writerows([field, "", "", ""] for field in METADATA_FIELDS)
        written.append(path)
    return written


def write_xlsx_template(path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.append([c.name for c in sheet.all_columns])
        for cell, column in zip(ws[1], sheet.all_columns, strict=True):
            cell.comment = Comment(_describe(column, sheet), "Kunta-KG")
        if sheet.name == "metadata":
            for field in METADATA_FIELDS:
                ws.append([field, "", "", ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
