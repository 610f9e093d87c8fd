"""Regenerate the column reference of docs/import-format.md from the schema and code lists."""
from __future__ import annotations

from rdflib import Graph

from ..project import Project
from .template import markdown_reference

MARKER = "## Column reference\n"


def updated(text: str, schemes: Graph) -> str:
    head, _, _ = text.partition(MARKER)
    intro = "\nThis section is generated from `kuntakg/ingest/schema.py` and `ontology/schemes.ttl` (a test keeps it\n" \
            "in step: run `python -m kuntakg.ingest.docs` after changing either).\n\n"
    return head + MARKER + intro + markdown_reference(schemes)


def main() -> None:
    project = Project()
    path = project.root / "docs" / "import-format.md"
    schemes = Graph().parse(project.ontology_dir / "schemes.ttl")
    path.write_text(updated(path.read_text(encoding="utf-8"), schemes), encoding="utf-8")


if __name__ == "__main__":
    main()
