#!/usr/bin/env python3
"""Seeded generator of synthetic Kunta-KG plan documents in the import format (issue 8, "Scale").

Writes a whole project folder that ``kuntakg.Project(root=OUT)`` builds with the real pipeline
(read -> audit -> SHACL -> HermiT -> serialise):

    OUT/ontology/, OUT/shapes/                 copied from the repository
    OUT/data/status-rules/, OUT/data/audit/    copied (the audit needs no exclusions: every source
                                               line is one cell that its row quotes)
    OUT/data/reference/                        copied, with municipalities.csv extended by generated
                                               towns (309 in all) and theme-tags.csv extended by a
                                               tag for every generated goal and action
    OUT/data/sources/<doc-id>.txt              a synthetic "extracted text", one line per cited cell
    OUT/data/documents/<doc-id>/*.csv          metadata, organisations, posts, people, themes, goals
                                               (cascade long-term -> strategic -> responsibility-area
                                               -> operational, 4 levels), actions, indicators,
                                               numeric targets, yearly reports, assessments whose
                                               texts the cue-word rules classify, translations

The size is set by --triples (the approximate number of quads in the build; ~4,800 per document at
the default document size) or directly by --docs. Same seed and arguments -> byte-identical output.

    .venv/bin/python bench/generate.py OUT --triples 100000 [--seed 8]
"""
from __future__ import annotations

import argparse
import csv
import math
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOWNS = 309
QUADS_PER_DOC = 4800  # measured: ~4,800 quads per document (own graph, inferred, tags, translations)
LICENCE = "https://creativecommons.org/licenses/by/4.0/"

# --- vocabulary ----------------------------------------------------------------------------------
# (fi, sv, en) fragments. Labels are built from them; cue words for the theme proposals are irrelevant
# because the tag table decides.
SUBJECTS = [
    ("lasten ja nuorten hyvinvointia", "barns och ungas välbefinnande", "the wellbeing of children and young people"),
    ("ikäihmisten kotona asumista", "äldres boende hemma", "older people living at home"),
    ("sähköisiä palveluja", "elektroniska tjänster", "electronic services"),
    ("asukkaiden osallisuutta", "invånarnas delaktighet", "residents' participation"),
    ("mielenterveyspalvelujen saatavuutta", "tillgången till mentalvårdstjänster", "access to mental health services"),
    ("henkilöstön työhyvinvointia", "personalens välbefinnande i arbetet", "staff wellbeing at work"),
    ("kaupungin elinvoimaa", "stadens livskraft", "the vitality of the town"),
    ("ilmastotyötä ja päästövähennyksiä", "klimatarbete och utsläppsminskningar", "climate work and emission cuts"),
    ("liikuntaa ja vapaa-ajan palveluja", "motion och fritidstjänster", "sport and leisure services"),
    ("palveluohjausta", "servicehandledning", "service guidance"),
    ("omaishoitajien jaksamista", "närståendevårdarnas ork", "the coping of family carers"),
    ("varhaista tukea perheille", "tidigt stöd för familjer", "early support for families"),
    ("talouden tasapainoa", "en balanserad ekonomi", "a balanced economy"),
    ("asiakaslähtöisyyttä", "kundorientering", "customer orientation"),
]
VERBS = [
    ("Vahvistamme", "Vi stärker", "We strengthen"),
    ("Kehitämme", "Vi utvecklar", "We develop"),
    ("Lisäämme", "Vi ökar", "We increase"),
    ("Edistämme", "Vi främjar", "We promote"),
    ("Turvaamme", "Vi tryggar", "We secure"),
]
ACTIONS = [
    ("Järjestämme kokeilun", "Vi genomför ett försök", "We run a trial"),
    ("Otamme käyttöön uuden toimintamallin", "Vi tar i bruk en ny verksamhetsmodell", "We introduce a new operating model"),
    ("Koulutamme henkilöstön", "Vi utbildar personalen", "We train the staff"),
    ("Laadimme suunnitelman", "Vi gör upp en plan", "We draw up a plan"),
]
METRICS = [  # label, unit, comparison, baseline, value
    (("Asiakastyytyväisyys", "Kundnöjdhet", "Client satisfaction"), "score", "at-least", 3.8, 4.2),
    (("Käyntien määrä", "Antal besök", "Number of visits"), "count", "increase-to", 1200, 1500),
    (("Osuus asiakkaista", "Andel av klienterna", "Share of clients"), "percent", "increase-by", 10, 20),
    (("Jonotusaika", "Väntetid", "Waiting time"), "days", "decrease-to", 21, 14),
    (("Kustannukset asukasta kohden", "Kostnader per invånare", "Cost per inhabitant"), "euro-per-inhabitant", "at-most", 410, 395),
    (("Osallistujien määrä", "Antal deltagare", "Number of participants"), "persons", "increase-to", 40, 60),
]
# Report texts and the status the cue-word rules give them (data/status-rules/{fi,sv}.csv).
REPORT_TEXTS = {
    "fi": [
        "Toimenpide on toteutunut suunnitellusti.",
        "Työ on käynnissä ja etenee aikataulussa.",
        "Toteutus on siirretty seuraavalle vuodelle koronatilanteen vuoksi.",
        "Kokeilua ei ole vielä aloitettu henkilöstöpulan vuoksi.",
        "Uusi toimintamalli on otettu käyttöön kaikissa yksiköissä.",
        "Valmistelu jatkuu yhdessä järjestöjen kanssa.",
    ],
    "sv": [
        "Åtgärden har genomförts som planerat.",
        "Vi skjuter upp försöket till hösten på grund av coronaläget.",
        "Verksamheten är inte ännu påbörjad.",
        "Den nya modellen har tagits i bruk i alla enheter.",
        "Arbetet pågår och framskrider enligt tidtabellen.",
    ],
}
ORG_UNITS = [  # id, type, fi, sv
    ("hyvinvointi", "responsibility-area", "Hyvinvointipalvelut", "Välfärdstjänster"),
    ("sivistys", "responsibility-area", "Sivistyspalvelut", "Bildningstjänster"),
    ("tekninen", "responsibility-area", "Tekniset palvelut", "Tekniska tjänster"),
    ("konserni", "responsibility-area", "Konsernipalvelut", "Koncerntjänster"),
]
POSTS = [("kaupunginjohtaja", "kaupunginjohtaja", "stadsdirektör"),
         ("hyvinvointijohtaja", "hyvinvointijohtaja", "välfärdsdirektör"),
         ("sivistysjohtaja", "sivistysjohtaja", "bildningsdirektör"),
         ("tekninen-johtaja", "tekninen johtaja", "teknisk direktör")]
FIRST = ["Anna", "Mikko", "Liisa", "Jukka", "Sari", "Timo", "Maria", "Pekka", "Eeva", "Juha", "Kaisa", "Ville"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Lindholm", "Heikkinen", "Koskinen", "Järvinen", "Sjöberg"]
TOWN_STEMS = ["Järvi", "Koski", "Salmi", "Lahti", "Niemi", "Saari", "Mäki", "Harju", "Kangas", "Joki", "Lampi", "Vaara"]
TOWN_ENDS = ["la", "nen", "vesi", "kylä", "pää", "ranta", "selkä", "puoli", "linna", "mo"]
PLAN_KINDS = [("strategia", "strategy"), ("palveluohjelma", "programme"), ("toimeenpanosuunnitelma", "implementation-plan")]
LANG_NAME = {"fi": 0, "sv": 1, "en": 2}


class Doc:
    """Rows of one document and the source text lines they cite."""

    def __init__(self, doc_id: str, source: str):
        self.doc_id, self.source = doc_id, source
        self.lines: list[str] = []
        self.tables: dict[str, list[dict]] = {}

    def cite(self, text: str) -> str:
        """Add a line to the source text; return its span. Tabs/newlines never occur in the text."""
        self.lines.append(text)
        return f"{self.source}:{len(self.lines)}"

    def row(self, sheet: str, **cells) -> None:
        self.tables.setdefault(sheet, []).append(cells)


def town_table(rnd: random.Random, n: int) -> list[dict]:
    """n synthetic municipalities with three-digit codes that avoid the real seed towns' codes."""
    counties = [r["code"] for r in csv.DictReader(open(ROOT / "data/reference/counties.csv", encoding="utf-8"))]
    taken = {r["code"] for r in csv.DictReader(open(ROOT / "data/reference/municipalities.csv", encoding="utf-8"))}
    codes = [f"{c:03d}" for c in range(5, 1000) if f"{c:03d}" not in taken]
    codes = sorted(rnd.sample(codes, n))
    towns, names = [], set()
    for code in codes:
        while True:
            name = rnd.choice(TOWN_STEMS) + rnd.choice(TOWN_ENDS)
            if name not in names:
                break
            name = name + rnd.choice(["", "n"]) + str(len(names) % 97)
            if name not in names:
                break
        names.add(name)
        bilingual = rnd.random() < 0.15
        towns.append({"code": code, "name_fi": name, "name_sv": name + "s" if bilingual else name, "name_en": name,
                      "wikidata": "", "wikidata_sources": "", "yso_place": "", "codelist": "",
                      "county": rnd.choice(counties), "languages": "fi;sv" if bilingual else "fi",
                      "source": "synthetic (bench/generate.py)"})
    return towns


def make_doc(rnd: random.Random, town: dict, plan_no: int, previous: Doc | None, themes: list[str],
             branching: int) -> tuple[Doc, list[dict]]:
    kind_fi, plan_type = PLAN_KINDS[plan_no % len(PLAN_KINDS)]
    start = 2018 + 4 * plan_no
    end = start + 3
    doc_id = f"k{town['code']}-{kind_fi}-{start}"
    lang = "sv" if town["languages"].startswith("sv") or (town["languages"] == "fi;sv" and plan_no % 2) else "fi"
    li = LANG_NAME[lang]
    others = [lg for lg in ("fi", "sv", "en") if lg != lang]
    d = Doc(doc_id, f"{doc_id}.txt")
    name = town["name_fi"] if lang == "fi" else town["name_sv"]
    title = (f"{name} {kind_fi} {start}–{end}" if lang == "fi" else f"{name} {kind_fi} {start}–{end} (på svenska)")
    tags: list[dict] = []

    def tr(subject: str, texts: tuple[str, str, str], field: str = "label") -> None:
        for lg in others:
            d.row("translations", id=f"tr-{subject}-{lg}", subject=subject, field=field, lang=lg,
                  text=texts[LANG_NAME[lg]], translator="Kunta-KG project (synthetic)")

    meta = [("id", "", doc_id, ""), ("title", lang, title, d.cite(title)), ("municipality", "", town["code"], ""),
            ("language", "", lang, ""), ("plan_type", "", plan_type, ""), ("issuing_body", "", "valtuusto", ""),
            ("issued", "", f"{start - 1}-12-{rnd.randint(10, 20)}", ""), ("period_start", "", str(start), ""),
            ("period_end", "", str(end), ""), ("source_file", "", d.source, ""), ("licence", "", LICENCE, "")]
    for f, lg, v, src in meta:
        d.row("metadata", field=f, lang=lg, value=v, source=src)

    # organisations, posts, people (town-level ids: shared by the town's documents)
    labels = {"fi": "Kaupunginvaltuusto", "sv": "Stadsfullmäktige"}
    d.row("organizations", id="valtuusto", type="council", label=labels[lang], parent="",
          source=d.cite(labels[lang]), source_text="", note="")
    units = ORG_UNITS[: 2 + rnd.randint(1, 2)]
    for uid, utype, fi, sv in units:
        label = fi if lang == "fi" else sv
        d.row("organizations", id=uid, type=utype, label=label, parent="", source=d.cite(label), source_text="", note="")
        tr(uid, (fi, sv, fi))
    people = []
    for i, (pid, fi, sv) in enumerate(POSTS[: len(units) + 1]):
        person = f"p-{rnd.randint(1, 40)}"
        if person in people:
            person = f"p-{rnd.randint(41, 80)}-{i}"
        if person not in people:
            # the same person id always has the same name in a town: derive it from the id
            pname = f"{FIRST[hash_id(town['code'] + person) % len(FIRST)]} {LAST[hash_id(person + town['code']) % len(LAST)]}"
            d.row("people", id=person, name=pname, source=d.cite(pname), source_text="", note="")
            people.append(person)
        label = fi if lang == "fi" else sv
        org = units[i - 1][0] if i else "valtuusto"
        d.row("posts", id=pid, label=label, organization=org, holder=person,
              source=d.cite(label), source_text="", note="")
    posts = [p[0] for p in POSTS[: len(units) + 1]]

    # themes (spearheads)
    n_themes = 3
    for t in range(1, n_themes + 1):
        subj = SUBJECTS[(hash_id(doc_id) + t) % len(SUBJECTS)]
        texts = tuple(f"{['Kärki', 'Spets', 'Spearhead'][k]} {t}: {subj[k]}" for k in range(3))
        d.row("themes", id=f"th-{t}", label=texts[li], description="", parent="", source=d.cite(texts[li]),
              source_text="", note="")
        tr(f"th-{t}", texts)

    # the goal cascade: long-term -> strategic -> responsibility-area -> operational
    levels = ["long-term", "strategic", "responsibility-area", "operational"]
    prev_top = [r["id"] for r in (previous.tables["goals"] if previous else []) if r["level"] == "long-term"]
    layer: list[str] = []
    goal_count = 0
    for depth, level in enumerate(levels):
        parents = layer or [None]
        layer = []
        width = branching if depth else max(2, branching)
        for parent in parents:
            for _ in range(width):
                goal_count += 1
                gid = f"g-{goal_count}"
                subj, verb = rnd.choice(SUBJECTS), rnd.choice(VERBS)
                texts = tuple(f"{verb[k]} {subj[k]} ({gid})" for k in range(3))
                continues = ""
                if depth == 0 and prev_top:
                    continues = f"{previous.doc_id}/{prev_top[(len(layer)) % len(prev_top)]}"
                unit = rnd.choice(units)[0]
                d.row("goals", id=gid, level=level, label=texts[li], alt_labels="", description="",
                      contributes_to=parent or "", theme=f"th-{rnd.randint(1, n_themes)}",
                      organization="municipality" if depth < 2 else unit,
                      responsible=rnd.choice(posts) if depth >= 2 else "", period_start=str(start),
                      period_end=str(end), continues=continues, source=d.cite(texts[li]), source_text="",
                      note="synthetic" if rnd.random() < 0.1 else "")
                tr(gid, texts)
                tags.append({"doc_id": doc_id, "row_id": gid, "theme": rnd.choice(themes),
                             "reason": "synthetic tag", "decided_by": "bench/generate.py"})
                layer.append(gid)

    # actions (one or two per operational goal), indicators and targets, reports and assessments
    actions = []
    for gid in layer:
        for _ in range(rnd.randint(1, 2)):
            aid = f"a-{len(actions) + 1}"
            act, subj = rnd.choice(ACTIONS), rnd.choice(SUBJECTS)
            texts = tuple(f"{act[k]}: {subj[k]} ({aid})" for k in range(3))
            d.row("actions", id=aid, kind="pilot" if rnd.random() < 0.1 else "action", label=texts[li],
                  alt_labels="", description="", contributes_to=gid, theme=f"th-{rnd.randint(1, n_themes)}",
                  organization=rnd.choice(units)[0], responsible=rnd.choice(posts), period_start=str(start),
                  period_end=str(end), continues="", outcome="", source=d.cite(texts[li]), source_text="", note="")
            tr(aid, texts)
            tags.append({"doc_id": doc_id, "row_id": aid, "theme": rnd.choice(themes),
                         "reason": "synthetic tag", "decided_by": "bench/generate.py"})
            actions.append(aid)
    measured = [r["id"] for r in d.tables["goals"] if r["level"] == "responsibility-area"] + actions[::2]
    for i, item in enumerate(measured, start=1):
        mlabels, unit, comparison, base, value = rnd.choice(METRICS)
        mid = f"m-{i}"
        d.row("indicators", id=mid, label=f"{mlabels[li]} ({mid})", measures=item, description="",
              source=d.cite(f"{mlabels[li]} ({mid})"), source_text="", note="")
        tr(mid, tuple(f"{x} ({mid})" for x in mlabels))
        scale = rnd.choice([1, 1, 2, 5])
        v, b = round(value * scale, 1), round(base * scale, 1)
        wording = f"{b} → {v} ({unit}) {end}"
        d.row("targets", id=f"t-{i}", indicator=mid, value=str(v), unit=unit, comparison=comparison,
              baseline_value=str(b), baseline_start=str(start - 1), baseline_end=str(start - 1),
              target_start=str(end), target_end=str(end), non_numeric="", source=d.cite(wording),
              source_text="", note="")
    texts = REPORT_TEXTS[lang]
    for year in range(start, min(end, 2025) + 1):
        rid = f"rep-{year}"
        title_r = (f"Toimintakertomus {year}" if lang == "fi" else f"Verksamhetsberättelse {year}")
        d.row("reports", id=rid, title=title_r, issued=f"{year + 1}-03-{rnd.randint(10, 28)}",
              period_start=f"{year}-01-01", period_end=f"{year}-12-31", source=d.cite(title_r),
              source_text="", note="")
        tr(rid, (f"Toimintakertomus {year}", f"Verksamhetsberättelse {year}", f"Annual report {year}"))
        for aid in actions:
            text = rnd.choice(texts)
            d.row("assessments", id=f"as-{year}-{aid}", report=rid, about=aid, text=text, status="", reason="",
                  date="", source=d.cite(f"{text} [{aid} {year}]"), source_text=text, note="")
    return d, tags


def hash_id(text: str) -> int:
    """A stable small hash (Python's hash() is salted per process)."""
    h = 0
    for ch in text.encode():
        h = (h * 131 + ch) % 1_000_003
    return h




def write_table(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def check_texts() -> None:
    """Every report text must be classified by the project's cue-word rules (else the import stops)."""
    sys.path.insert(0, str(ROOT))
    from kuntakg.status import classify, load_status_rules

    rules = load_status_rules(ROOT / "data" / "status-rules")
    bad = [(lang, t) for lang, texts in REPORT_TEXTS.items() for t in texts if not classify(t, lang, rules).status]
    if bad:
        raise SystemExit(f"report texts no cue-word rule classifies: {bad}")


def generate(out: Path, docs: int, seed: int = 8, branching: int = 2) -> dict:
    check_texts()
    rnd = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, out / name)
    for name in ("status-rules", "audit", "reference"):
        shutil.copytree(ROOT / "data" / name, out / "data" / name)
    (out / "data/sources").mkdir(parents=True)
    (out / "data/documents").mkdir(parents=True)
    towns = town_table(rnd, TOWNS)
    with (out / "data/reference/municipalities.csv").open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(towns[0]), lineterminator="\n")
        w.writerows(towns)
    themes = [r["id"] for r in csv.DictReader(open(ROOT / "data/reference/themes.csv", encoding="utf-8"))]
    plans = max(3, math.ceil(docs / TOWNS))  # plans per town (several; more once every town has 3)
    active = towns[: math.ceil(docs / plans)]
    tags, n = [], 0
    for town in active:
        previous = None
        for plan_no in range(plans):
            if n >= docs:
                break
            d, t = make_doc(rnd, town, plan_no, previous, themes, branching)
            folder = out / "data/documents" / d.doc_id
            folder.mkdir()
            for sheet, rows in d.tables.items():
                write_table(folder / f"{sheet}.csv", rows)
            (out / "data/sources" / d.source).write_text("\n".join(d.lines) + "\n", encoding="utf-8")
            tags += t
            previous, n = d, n + 1
    with (out / "data/reference/theme-tags.csv").open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(tags[0]), lineterminator="\n")
        w.writerows(tags)
    return {"documents": n, "towns": len(active), "plans_per_town": plans, "tags": len(tags)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--triples", type=int, default=100_000, help="approximate quads of the build")
    ap.add_argument("--docs", type=int, help="number of documents (overrides --triples)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--branching", type=int, default=2, help="children per goal in the cascade")
    a = ap.parse_args(argv)
    docs = a.docs or max(1, round(a.triples / QUADS_PER_DOC))
    info = generate(a.out, docs, a.seed, a.branching)
    print(info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
