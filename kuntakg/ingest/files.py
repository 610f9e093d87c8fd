"""Which files an import may read: plain files directly inside the project's own folders.

A name from a table ('../../../secret.txt', '/etc/passwd') or a symbolic link in data/sources or in a
document folder would otherwise be read, and its text audited, printed and published (issue 17).
"""
from __future__ import annotations

from pathlib import Path


def plain_file_problem(folder: Path, name: str) -> str | None:
    """Why `name` is not a plain file directly inside `folder`, or None. The message starts with the
    name, quoted: "'x' is ..."."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return f"'{name}' must be a file name in {folder}, without a folder part"
    path = folder / name
    if path.is_symlink():
        return f"'{name}' is a symbolic link in {folder}: only plain files are read"
    if not path.exists():
        return f"'{name}' not found in {folder}"
    if not path.is_file():
        return f"'{name}' in {folder} is not a plain file"
    return None
