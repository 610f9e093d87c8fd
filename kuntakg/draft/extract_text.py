"""Plain text or Markdown already in the layout of data/sources/: used as it is."""
from __future__ import annotations

from pathlib import Path

from .errors import DraftError


def extract(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DraftError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
