"""The example queries of the query editor: ``queries/*.rq`` with their ``#+`` YAML headers (grlc style)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app

from kuntakg.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Example:
    name: str
    summary: str
    description: str
    text: str


def folder() -> Path:
    return Path(current_app.config.get("QUERIES_DIR") or ROOT / "queries")


def parse(path: Path) -> Example:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line[2:].removeprefix(" ") for line in lines if line.startswith("#+")]
    meta = (yaml.safe_load("\n".join(header)) or {}) if header else {}
    if not isinstance(meta, dict) or not meta.get("summary"):
        raise ValueError("%s: the #+ header needs a summary" % path.name)
    return Example(path.stem, str(meta["summary"]), str(meta.get("description", "")).strip(),
                   "\n".join(line for line in lines if not line.startswith("#+")).strip() + "\n")


def load() -> list[Example]:
    d = folder()
    if not d.is_dir():
        return []
    return [parse(p) for p in sorted(d.glob("*.rq"))]


def prefix_map() -> dict[str, str]:
    return dict(PREFIXES)
