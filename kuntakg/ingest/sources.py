"""Source spans: the 'source' column's 'file:first-last' references into the extracted texts."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .files import plain_file_problem

SPAN = re.compile(r"^(?P<file>[^:\s]+):(?P<first>\d+)(?:-(?P<last>\d+))?$")


@dataclass(frozen=True)
class Span:
    file: str
    first: int
    last: int

    def __str__(self) -> str:
        return f"{self.file}:{self.first}-{self.last}"


def parse_span(text: str) -> Span | None:
    m = SPAN.match(text.strip())
    if not m:
        return None
    first = int(m["first"])
    return Span(m["file"], first, int(m["last"] or first))


@lru_cache(maxsize=64)
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").split("\n"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class SourceTexts:
    """The extracted texts of the originals, read from one folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._problems: dict[str, str | None] = {}  # by name: each file is looked at once per build

    def path(self, file: str) -> Path:
        return self.folder / file

    def problem(self, file: str) -> str | None:
        """Why a source file name cannot be read, or None. Only plain files directly in the folder: a
        name with a folder part ('../x', '/etc/x') or a symbolic link would read outside the project."""
        if file not in self._problems:
            problem = plain_file_problem(self.folder, file)
            self._problems[file] = f"source file {problem}" if problem else None
        return self._problems[file]

    def check(self, span: Span) -> str | None:
        """Why a span cannot be used, or None."""
        problem = self.problem(span.file)
        if problem:
            return problem
        n = len(_lines(self.path(span.file)))
        if not 1 <= span.first <= span.last <= n:
            return f"lines {span.first}-{span.last} are outside '{span.file}' (1-{n})"
        return None

    def text(self, span: Span) -> str:
        lines = _lines(self.path(span.file))[span.first - 1: span.last]
        return "\n".join(lines).strip()


def normalise(text: str) -> str:
    """Whitespace-insensitive form used to check that a quoted source text occurs in its lines."""
    return " ".join(text.split())
