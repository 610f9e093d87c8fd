"""Errors that point at the input: file, row and column of the import table."""
from __future__ import annotations

from dataclasses import dataclass

MAX_ERRORS = 100  # errors listed (and, per sheet, checked) before the rest is only counted


@dataclass(frozen=True, order=True)
class InputError:
    file: str
    row: int  # 1-based, header = 1; 0 when the whole file is at fault
    col: int  # 1-based; 0 when the whole row or file is at fault
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:{self.col}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class KuntaKGError(Exception):
    """Base class of the errors the CLI reports without a traceback."""


class InvalidInput(KuntaKGError):
    """The input breaks the import format or the shapes; nothing was written."""

    def __init__(self, errors: list[InputError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(self.listing()))

    def __reduce__(self):  # pickled with its errors (a build step in a forked process: kuntakg.forked)
        return InvalidInput, (self.errors,)

    def listing(self, limit: int = MAX_ERRORS) -> list[str]:
        """The errors as lines, at most `limit` of them and then '... and N more'."""
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"... and {len(self.errors) - limit} more")
        return lines


class Inconsistent(KuntaKGError):
    """The reasoner found the ontology plus the data inconsistent."""


class AuditFailed(KuntaKGError):
    """Content of a source text is neither represented in the graph nor excluded with a reason."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("\n".join(missing))

    def __reduce__(self):
        return AuditFailed, (self.missing,)
