"""Draft importer benchmark (issue 13): draft the five seed documents and score them against the hand
transcriptions in data/documents/.

Each document is drafted three ways: from its text in data/sources/ (used as it is), and from a real
DOCX and a real PDF made from the same text (bench/draft_files.py: Word tables with vertically merged
cells; ruled PDF tables over several pages with the header row repeated). Every draft is written to a
temporary folder; data/ is only read.

Scores, per document and over all five:
* rows per sheet: recall (hand rows found in the draft) and precision (draft rows that are hand rows);
  two labels match when, lower-cased with spaces, punctuation and hyphenation ignored, they are equal
  or their difflib ratio is at least 0.85 (one-to-one, best pairs first); a draft label also matches
  the hand row's quoted `source_text` (the document's words the transcriber summarised); recall by
  the label alone is printed too;
* cascade: hand `contributes_to` links between matched rows that the draft has too;
* responsible: hand (row, party) pairs of matched rows whose party the draft names (label ratio >= 0.85);
* targets: hand targets with a value for which the draft has a target of the same value on the same
  metric (the matched indicator, or a draft indicator of the same matched goal or action);
* statuses: hand assessments matched to a draft assessment (same matched subject, similar text) whose
  cue-word status equals the hand row's status in the built graph (override, else the rules); also
  over the hand rows without an override only (the draft cannot know a reviewer's override);
* SHACL: import-format and SHACL errors of the draft in rows without a DRAFT: note.

Run: `.venv/bin/python bench/draft.py [--only text|docx|pdf] [--markdown]`.
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from draft_files import write_docx, write_pdf  # noqa: E402

from kuntakg.draft.model import clean_label  # noqa: E402
from kuntakg.draft.run import draft  # noqa: E402
from kuntakg.ingest.tabular import read_tables  # noqa: E402
from kuntakg.project import Project  # noqa: E402
from kuntakg.status import classify, load_status_rules  # noqa: E402

SHEETS = ("themes", "goals", "actions", "promises", "indicators", "milestones")
CORE = ("goals", "actions", "indicators")
PARTY_LABEL = {"posts": "label", "people": "name", "organizations": "label"}


def key(text: str) -> str:
    return re.sub(r"[\W_]+", "", clean_label(text).lower())


def _ratio(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match(hand: list[dict], drafted: list[dict], label: str = "label", quoted: bool = True) -> dict[str, str]:
    """hand id -> draft id, one-to-one, best pairs first.

    A draft row matches a hand row when its label is the hand label, or (quoted=True) when its label is
    the hand row's `source_text`: the document's own words that the transcriber quotes for the row and
    then summarised into the label ("Kouluterveyskyselyn käsittelymalli on tarkoitus levittää …" for
    "Kouluterveyskyselyn käsittelymallin levittäminen"). The drafter copies the document's words, so the
    quote is what it can be expected to find. Both figures are printed (label only, label or quote).
    """
    pairs = []
    for h in hand:
        hk = key(h[label])
        quote = key(h.get("source_text", "")) if quoted else ""
        for d in drafted:
            dk = key(d[label])
            ratio = max(_ratio(hk, dk), _ratio(quote, dk))
            if ratio >= 0.85:
                pairs.append((ratio, h["id"], d["id"]))
    out: dict[str, str] = {}
    used: set[str] = set()
    for _, h_id, d_id in sorted(pairs, reverse=True):
        if h_id not in out and d_id not in used:
            out[h_id] = d_id
            used.add(d_id)
    return out


def rows(folder: Path) -> dict[str, list[dict]]:
    tables, errors = read_tables(folder)
    return {name: [dict(r.cells) for r in rs] for name, rs in tables.items()}


def many(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def score(hand: dict[str, list[dict]], got: dict[str, list[dict]], lang: str, rules) -> dict:  # type: ignore[no-untyped-def]
    result: dict = {"sheets": {}}
    mapping: dict[str, str] = {}
    for sheet in SHEETS:
        h, d = hand.get(sheet, []), got.get(sheet, [])
        m = match(h, d)
        mapping.update(m)
        result["sheets"][sheet] = (len(m), len(h), len(d))
        result.setdefault("label_only", {})[sheet] = len(match(h, d, quoted=False))
    # cascade links between matched rows
    draft_links = {(r["id"], t) for s in ("goals", "actions", "promises", "milestones") for r in got.get(s, [])
                   for t in many(r.get("contributes_to", ""))}
    found = total = 0
    for s in ("goals", "actions", "promises", "milestones"):
        for r in hand.get(s, []):
            for t in many(r.get("contributes_to", "")):
                if r["id"] in mapping and t in mapping:
                    total += 1
                    found += (mapping[r["id"]], mapping[t]) in draft_links
    result["cascade"] = (found, total)
    # responsible parties
    def party_labels(tables: dict[str, list[dict]]) -> dict[str, str]:
        return {r["id"]: r.get(col, "") for s, col in PARTY_LABEL.items() for r in tables.get(s, [])}
    hand_parties, got_parties = party_labels(hand), party_labels(got)
    got_rows = {r["id"]: r for s in ("goals", "actions", "promises") for r in got.get(s, [])}
    found = total = 0
    for s in ("goals", "actions", "promises"):
        for r in hand.get(s, []):
            if r["id"] not in mapping:
                continue
            names = [got_parties.get(p, "") for p in many(got_rows.get(mapping[r["id"]], {}).get("responsible", ""))]
            for p in many(r.get("responsible", "")):
                total += 1
                label = key(hand_parties.get(p, p))
                found += any(difflib.SequenceMatcher(None, label, key(n)).ratio() >= 0.85 for n in names)
    result["responsible"] = (found, total)
    # target numbers
    got_targets = defaultdict(list)
    for t in got.get("targets", []):
        got_targets[t.get("indicator", "")].append(t)
    hand_measures = {r["id"]: many(r.get("measures", "")) for r in hand.get("indicators", [])}
    got_measuring = defaultdict(set)
    for r in got.get("indicators", []):
        for m in many(r.get("measures", "")):
            got_measuring[m].add(r["id"])
    found = total = 0
    for t in hand.get("targets", []):
        if not t.get("value"):
            continue
        total += 1
        # the same metric: the matched indicator, or a draft indicator of the same (matched) goal or action
        candidates = {mapping.get(t.get("indicator", ""), "")}
        for m in hand_measures.get(t.get("indicator", ""), []):
            candidates |= got_measuring.get(mapping.get(m, ""), set())
        found += any(_num(g.get("value")) == _num(t["value"]) for c in candidates for g in got_targets.get(c, []))
    result["targets"] = (found, total)
    # assessment statuses
    got_by_about = defaultdict(list)
    for a in got.get("assessments", []):
        for about in many(a.get("about", "")):
            got_by_about[about].append(a)
    found = total = matched = rule_found = rule_matched = 0
    for a in hand.get("assessments", []):
        total += 1
        truth = a.get("status") or classify(a.get("text", ""), lang, rules).status
        candidates = [g for about in many(a.get("about", "")) if about in mapping
                      for g in got_by_about.get(mapping[about], [])]
        best = max(candidates, key=lambda g: difflib.SequenceMatcher(None, key(g.get("text", "")),
                                                                      key(a.get("text", ""))).ratio(), default=None)
        if best is None:
            continue
        matched += 1
        same = classify(best.get("text", ""), lang, rules).status == truth
        found += same
        if not a.get("status"):  # decided by the rules in the built graph, not overridden by hand
            rule_matched += 1
            rule_found += same
    result["statuses"] = (found, matched, total)
    result["rule_statuses"] = (rule_found, rule_matched)
    return result


def _num(value: str | None) -> str:
    try:
        return str(float(value or ""))
    except ValueError:
        return ""


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f} %" if b else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("text", "docx", "pdf"))
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args()
    project = Project()
    rules = load_status_rules(project.root / "data" / "status-rules")
    docs = []
    for folder in project.document_folders():
        meta = {r["field"]: r["value"] for r in rows(folder)["metadata"]}
        docs.append((folder, meta))
    kinds = [args.only] if args.only else ["text", "docx", "pdf"]
    totals: dict[str, dict] = {}
    per_doc: dict[tuple[str, str], tuple[int, int]] = {}  # (kind, doc) -> core matched, core hand rows
    lines = []
    with tempfile.TemporaryDirectory(prefix="kuntakg-draft-bench-") as tmp:
        work = Path(tmp)
        for kind in kinds:
            agg: dict = defaultdict(lambda: [0, 0, 0])
            label_only = 0
            for folder, meta in docs:
                text_path = project.sources / meta["source_file"]
                text = text_path.read_text(encoding="utf-8")
                if kind == "text":
                    original = text_path
                elif kind == "docx":
                    original = write_docx(text, work / "files" / f"{folder.name}.docx")
                else:
                    original = write_pdf(text, work / "files" / f"{folder.name}.pdf")
                start = time.perf_counter()
                result = draft(original, meta["municipality"], project, doc_id=folder.name,
                               language=meta["language"], out=work / kind / folder.name,
                               sources=project.sources if kind == "text" else work / "sources", force=True)
                seconds = time.perf_counter() - start
                s = score(rows(folder), rows(result.folder), meta["language"], rules)  # type: ignore[arg-type]
                review = result.review
                assert review is not None
                label_only += sum(s["label_only"][c] for c in CORE)
                per_doc[(kind, folder.name)] = (sum(s["sheets"][c][0] for c in CORE),
                                                sum(s["sheets"][c][1] for c in CORE))
                cells = [kind, folder.name]
                for sheet in SHEETS:
                    m, h, d = s["sheets"][sheet]
                    agg[sheet][0] += m
                    agg[sheet][1] += h
                    agg[sheet][2] += d
                    cells.append(f"{pct(m, h)} / {pct(m, d)}" if h or d else "–")
                for name in ("cascade", "responsible", "targets"):
                    f, t = s[name]
                    agg[name][0] += f
                    agg[name][1] += t
                    cells.append(f"{f}/{t}")
                f, m, t = s["statuses"]
                agg["statuses"][0] += f
                agg["statuses"][1] += m
                agg["statuses"][2] += t
                cells.append(f"{f}/{m} ({t})")
                f, m = s["rule_statuses"]
                agg["rule_statuses"][0] += f
                agg["rule_statuses"][1] += m
                cells.append(f"{f}/{m}")
                cells.append(f"{len(review.unflagged)} ({len(review.errors)})")
                cells.append(f"{seconds:.1f}")
                lines.append(cells)
            totals[kind] = agg
            agg["label_only"] = [label_only, 0, 0]
            cells = [kind, "**all five**"]
            for sheet in SHEETS:
                m, h, d = agg[sheet]
                cells.append(f"{pct(m, h)} / {pct(m, d)}")
            for name in ("cascade", "responsible", "targets"):
                f, t, _ = agg[name]
                cells.append(f"{f}/{t} = {pct(f, t)}")
            f, m, t = agg["statuses"]
            cells.append(f"{f}/{m} = {pct(f, m)} ({t})")
            f, m, _ = agg["rule_statuses"]
            cells.append(f"{f}/{m} = {pct(f, m)}")
            cells += ["", ""]
            lines.append(cells)
    header = ["from", "document", *(f"{s} R / P" for s in SHEETS), "cascade", "responsible", "targets",
              "statuses (of hand)",
              "statuses not overridden", "errors unflagged (all)", "s"]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for cells in lines:
            print("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(str(c[i])) for c in [header, *lines]) for i in range(len(header))]
        for cells in [header, *lines]:
            print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    core = {k: (sum(totals[k][s][0] for s in CORE), sum(totals[k][s][1] for s in CORE)) for k in totals}
    print("\nrecall of goals + actions + indicators: "
          + ", ".join(f"{k} {pct(*v)} ({v[0]}/{v[1]})" for k, v in core.items()))
    print("the same, a hand row matched by its label only (not by its quoted source_text): "
          + ", ".join(f"{k} {pct(totals[k]['label_only'][0], core[k][1])} ({totals[k]['label_only'][0]}/{core[k][1]})"
                      for k in totals))
    drafted = {k: (sum(totals[k][s][0] for s in CORE), sum(totals[k][s][2] for s in CORE)) for k in totals}
    print("precision of goals + actions + indicators: "
          + ", ".join(f"{k} {pct(*v)} ({v[0]}/{v[1]})" for k, v in drafted.items()))
    prose = "porvoo-lape-2018"  # its goals and actions are written in paragraphs, not tables
    tables = {k: (sum(v[0] for (kk, d), v in per_doc.items() if kk == k and d != prose),
                  sum(v[1] for (kk, d), v in per_doc.items() if kk == k and d != prose)) for k in kinds}
    print(f"the same without {prose} (prose, not tables): "
          + ", ".join(f"{k} {pct(*v)} ({v[0]}/{v[1]})" for k, v in tables.items()))


if __name__ == "__main__":
    main()
