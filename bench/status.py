"""Rule-only agreement of the cue-word status rules with the reviewed statuses (issue 14).

`.venv/bin/python bench/status.py [--root DIR]` classifies every report text of every document's
assessments sheet with `kuntakg.status.classify` alone (no hand overrides) and compares the result with
the reviewed status of the row (its `status` column). It prints, per language, the agreement over the
report texts (rows whose text is empty are not-reported by definition and are counted apart) and then
every disagreement with the clauses the rules read. Exit status 1 when a row has no reviewed status or
a language is below `--goal` (default 0.9).
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kuntakg.status import classify, load_status_rules  # noqa: E402


def document_language(folder: Path) -> str:
    with (folder / "metadata.csv").open(encoding="utf-8-sig", newline="") as fh:
        return next((r["value"].strip() for r in csv.DictReader(fh) if r["field"] == "language"), "fi")


def compare(root: Path) -> tuple[dict[str, list[int]], list[str], list[str]]:
    """Per language [agreeing, report texts, empty texts]; disagreement lines; rows without a status."""
    rules = load_status_rules(root / "data" / "status-rules")
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    wrong: list[str] = []
    unreviewed: list[str] = []
    for sheet in sorted((root / "data" / "documents").glob("*/assessments.csv")):
        lang = document_language(sheet.parent)
        with sheet.open(encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                where = f"{sheet.parent.name}/assessments.csv:{n} {row['id']}"
                reviewed = (row.get("status") or "").strip()
                if not reviewed:
                    unreviewed.append(where)
                    continue
                text = (row.get("text") or "").strip()
                if not text:
                    counts[lang][2] += 1
                    continue
                found = classify(text, lang, rules)
                counts[lang][1] += 1
                if found.status == reviewed:
                    counts[lang][0] += 1
                    continue
                read = "; ".join(f"[{s or '-'}] {c}" for c, s in found.clauses)
                wrong.append(f"{lang} {where}: rules {found.status or 'nothing'}, reviewed {reviewed}\n"
                             f"      {read}  (rules {', '.join(found.rule_lines) or 'none'})")
    return counts, wrong, unreviewed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--goal", type=float, default=0.9)
    args = ap.parse_args(argv)
    counts, wrong, unreviewed = compare(args.root)
    print("lang  agree / texts   share   (not-reported rows, empty text)")
    ok = not unreviewed
    for lang in sorted(counts):
        agree, total, empty = counts[lang]
        share = agree / total if total else 1.0
        ok &= share >= args.goal
        print(f"{lang:4}  {agree:5} / {total:<5}  {share:6.1%}   ({empty})")
    agree, total = sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())
    print(f"all   {agree:5} / {total:<5}  {agree / max(total, 1):6.1%}")
    print(f"\n{len(wrong)} disagreement(s):")
    for line in wrong:
        print("  " + line)
    for where in unreviewed:
        print(f"  no reviewed status: {where}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
