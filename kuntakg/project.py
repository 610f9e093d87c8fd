"""Where a project's inputs and outputs live, with the defaults of this repository."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from .iris import Minter
from .namespaces import DEFAULT_BASE
from .status import StatusRule, load_status_rules


def _root() -> Path:
    return Path(os.environ.get("KUNTAKG_ROOT", Path(__file__).resolve().parent.parent))


@dataclass
class Project:
    root: Path = field(default_factory=_root)
    base: str = field(default_factory=lambda: os.environ.get("KUNTAKG_BASE", DEFAULT_BASE))

    @property
    def documents(self) -> Path:
        return self.root / "data" / "documents"

    @property
    def sources(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def reference(self) -> Path:
        return self.root / "data" / "reference"

    @property
    def audit_dir(self) -> Path:
        return self.root / "data" / "audit"

    @property
    def changelog(self) -> Path:
        """The data changelog, whose newest entry is the dataset's release (kuntakg/release.py)."""
        return self.root / "data" / "CHANGELOG.md"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @cached_property
    def minter(self) -> Minter:
        return Minter(self.base)

    @cached_property
    def status_rules(self) -> list[StatusRule]:
        return load_status_rules(self.root / "data" / "status-rules")

    @cached_property
    def ontology(self) -> Graph:
        """The ontology and its code lists (not the alignments, which are pointers for readers)."""
        graph = Graph()
        for name in ("kuntakg.ttl", "schemes.ttl"):
            graph.parse(self.ontology_dir / name, format="turtle")
        return graph

    @cached_property
    def shapes(self) -> Graph:
        from .validate import load_shapes
        return load_shapes(self.shapes_dir)

    def document_folders(self) -> list[Path]:
        return sorted(p for p in self.documents.iterdir() if p.is_dir() and not p.name.startswith("."))
