"""What the draft of one seed document misses and adds: per sheet, the hand rows no draft row matches and
the draft rows no hand row matches, with the lines they cite. A debugging aid for the draft importer's
rules; the matching is bench/draft.py's own (same labels, same quoted source_text, same threshold).

Run: `.venv/bin/python bench/draft_misses.py loviisa-perusturva-2020 [--kind text|docx|pdf] [--sheet goals]`.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from draft import SHEETS, match, rows  # noqa: E402
from draft_files import write_docx, write_pdf  # noqa: E402

from kuntakg.draft.run import draft  # noqa: E402
from kuntakg.project import Project  # noqa: E402


def _where(row: dict) -> str:
    return row.get("source_lines") or row.get("source") or ""


def misses(hand: dict[str, list[dict]], got: dict[str, list[dict]], sheets: tuple[str, ...]) -> list[str]:
    """Printable lines: per sheet with rows, the unmatched hand rows (-) and unmatched draft rows (+)."""
    out: list[str] = []
    for sheet in sheets:
        h, d = hand.get(sheet, []), got.get(sheet, [])
        if not h and not d:
            continue
        found = match(h, d)
        used = set(found.values())
        missed = [r for r in h if r["id"] not in found]
        extra = [r for r in d if r["id"] not in used]
        out.append(f"== {sheet}: {len(found)}/{len(h)} hand rows found, {len(extra)} of {len(d)} draft rows "
                   "match no hand row")
        for r in missed:
            quote = r.get("source_text", "")
            out.append(f"  - hand  {r['id']}: {r.get('label', '')}" + (f"  [quote: {quote}]" if quote else ""))
        for r in extra:
            note = r.get("note", "")
            out.append(f"  + draft {r['id']} ({_where(r)}): {r.get('label', '')}"
                       + (f"  [{note[:100]}]" if note else ""))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("doc", help="a folder name under data/documents/, e.g. loviisa-perusturva-2020")
    parser.add_argument("--kind", choices=("text", "docx", "pdf"), default="text")
    parser.add_argument("--sheet", choices=SHEETS, action="append", help="only this sheet (repeatable)")
    args = parser.parse_args()
    project = Project()
    folder = project.documents / args.doc
    if not (folder / "metadata.csv").is_file():
        parser.error(f"{folder}: no such document folder (a name under data/documents/)")
    meta = {r["field"]: r["value"] for r in rows(folder)["metadata"]}
    text_path = project.sources / meta["source_file"]
    with tempfile.TemporaryDirectory(prefix="kuntakg-draft-misses-") as tmp:
        work = Path(tmp)
        text = text_path.read_text(encoding="utf-8")
        original = {"text": lambda: text_path,
                    "docx": lambda: write_docx(text, work / f"{args.doc}.docx"),
                    "pdf": lambda: write_pdf(text, work / f"{args.doc}.pdf")}[args.kind]()
        result = draft(original, meta["municipality"], project, doc_id=args.doc, language=meta["language"],
                       out=work / args.doc, sources=project.sources if args.kind == "text" else work / "sources",
                       force=True, run_review=False)
        assert result.folder is not None
        got = rows(result.folder)
    for line in misses(rows(folder), got, tuple(args.sheet or SHEETS)):
        print(line)


if __name__ == "__main__":
    main()
