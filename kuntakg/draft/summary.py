"""Printing the review summary of a draft (the CLI's part; the checks are in review.py)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .run import Result


def print_summary(result: Result, console: Console, limit: int = 200) -> None:
    console.print(f"extracted text: {result.text_file}  ({result.kind}, language {result.lang})")
    console.print(f"draft: {result.folder}  ({len(result.written)} file(s))")
    review = result.review
    if review is None:
        return
    table = Table(title="Rows per sheet")
    table.add_column("sheet")
    table.add_column("rows", justify="right")
    for sheet, n in review.rows.items():
        table.add_row(sheet, str(n))
    console.print(table)
    if review.statuses:
        console.print("assessment statuses by the cue-word rules: "
                      + ", ".join(f"{k} {v}" for k, v in sorted(review.statuses.items())))
    console.print(f"\n[bold]{len(review.notes)} DRAFT: note(s)[/] (check each, then delete the note):")
    for line in review.notes[:limit]:
        console.print(f"  {line}", markup=False, highlight=False)
    if len(review.notes) > limit:
        console.print(f"  ... and {len(review.notes) - limit} more")
    flagged = len(review.errors) - len(review.unflagged)
    console.print(f"\n[bold]SHACL gate / import format: {len(review.errors)} error(s)[/] "
                  f"({flagged} in rows with a DRAFT: note, {len(review.unflagged)} in other rows):")
    for error in review.errors[:limit]:
        console.print(f"  {error}", markup=False, highlight=False)
    console.print(f"\n[bold]coverage audit: {len(review.uncovered)} piece(s) of the source text no row covers[/] "
                  "(represent them, or list them in data/audit/<file>.csv with a reason):")
    for number, piece in review.uncovered[:limit]:
        console.print(f"  {result.text_file.name}:{number}: {piece[:140]!r}", markup=False, highlight=False)
