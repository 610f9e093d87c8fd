"""Regenerate the column reference of docs/import-format.md from the schema and code lists."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .template import markdown_reference

MARKER = "## Column reference\n"
INTRO = ("\nThis section is generated from `kuntakg/ingest/schema.py` and `ontology/schemes.ttl` (a test keeps "
         "it\nin step: run `kuntakg format-docs` after changing either).\n\n")


def updated(text: str, schemes: Graph) -> str:
    head, _, _ = text.partition(MARKER)
    return head + MARKER + INTRO + markdown_reference(schemes)


def write_reference(doc: Path, schemes_file: Path) -> None:
    """Rewrite the column reference section of `doc` (docs/import-format.md)."""
    schemes = Graph().parse(schemes_file)
    doc.write_text(updated(doc.read_text(encoding="utf-8"), schemes), encoding="utf-8")
