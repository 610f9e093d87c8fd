"""`kuntakg build` refuses a document that still carries a `DRAFT:` note: the reviewer has not finished."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..ingest.tabular import read_tables

MARK = "DRAFT:"


def draft_notes(folder: Path) -> list[InputError]:
    """One error per note cell of the folder that still contains `DRAFT:`, naming file, row and column."""
    tables, _ = read_tables(folder)
    errors = []
    for rows in tables.values():
        for row in rows:
            note = row.get("note")
            if MARK in note:
                errors.append(InputError(row.file, row.number, row.columns.get("note", 0), "note",
                                         f"the draft note '{note[:80]}' is still there: review the row, "
                                         "then delete the note or rewrite it without 'DRAFT:'"))
    return errors


def refuse_drafts(folders: list[Path]) -> list[InputError]:
    return [e for f in folders for e in draft_notes(f)]
