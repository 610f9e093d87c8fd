"""Issue 13: `kuntakg draft` on plans laid out unlike the five seed documents (tests/unseen_plans.py
writes them: a Swedish strategy, an English Markdown plan with traffic-light statuses, a balanced
scorecard workbook, a numbered outline, key-value blocks, a workbook of action rows, a Word table with
merged goal cells, a PDF interim report, a Swedish follow-up). Each draft is checked for the rows a
reviewer expects and for a SHACL gate with no errors outside rows flagged DRAFT:."""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import unseen_plans as plans

from kuntakg.draft.run import draft
from kuntakg.ingest.tabular import read_tables
from kuntakg.project import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unseen") / "project"
    for part in ("shapes", "ontology", "data/reference", "data/status-rules", "data/draft"):
        shutil.copytree(ROOT / part, root / part)
    (root / "data/sources").mkdir(parents=True)
    return root


def drafted(project: Path, build: Callable[[Path], Path], name: str, code: str):  # type: ignore[no-untyped-def]
    original = build(project.parent / name)
    result = draft(original, code, project=Project(root=project), doc_id=f"unseen-{Path(name).stem}", force=True)
    tables, errors = read_tables(result.folder)
    assert not errors
    assert result.review is not None and not result.review.unflagged, [str(e) for e in result.review.unflagged]
    return result, {sheet: list(rows) for sheet, rows in tables.items()}


def labels(tables, sheet: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.get("label") for r in tables.get(sheet, [])]


def by_label(tables, sheet: str, label: str):  # type: ignore[no-untyped-def]
    [row] = [r for r in tables[sheet] if r.get("label") == label]
    return row


def target_of(tables, indicator: str) -> tuple[str, str, str, str]:  # type: ignore[no-untyped-def]
    ind = by_label(tables, "indicators", indicator)
    [t] = [r for r in tables["targets"] if r.get("indicator") == ind.get("id")]
    assert t.get("note").startswith("DRAFT:")
    return t.get("value"), t.get("unit"), t.get("comparison"), t.get("baseline_value")


def test_swedish_strategy_docx(project):
    result, t = drafted(project, plans.swedish_strategy_docx, "strategi.docx", "638")
    assert result.lang == "sv"
    assert labels(t, "goals") == ["Företagen trivs i Borgå", "Koldioxidutsläppen minskar", "Barn och unga mår bra"]
    assert len(t["actions"]) == 4
    goal = by_label(t, "goals", "Företagen trivs i Borgå").get("id")
    assert [a.get("contributes_to") for a in t["actions"][:2]] == [goal, goal]  # the merged goal cell
    assert labels(t, "indicators") == ["Antal nya företag per år", "Handläggningstid för detaljplaner",
                                       "Utsläpp per invånare", "Andelen elever som mår bra"]
    assert target_of(t, "Handläggningstid för detaljplaner") == ("8", "", "decrease-to", "12")
    assert target_of(t, "Andelen elever som mår bra") == ("80", "percent", "at-least", "")
    action = by_label(t, "actions", "Stadens personbilar byts till elbilar")
    assert action.get("responsible") == "tekniska-namnden;miljonamnden"
    assert (action.get("period_start"), action.get("period_end")) == ("2025", "2025")
    assert {r.get("label"): r.get("type") for r in t["organizations"]}["Miljönämnden"] == "board"
    assert "Bildningsdirektör" in labels(t, "posts")  # the base form of the title
    # the "Uppföljning" column beside "Mätare" is the status follow-up, read by the status rules
    assert [r.get("text") for r in t["assessments"]] == ["Genomfört", "Pågår", "Uppskjutet till 2024",
                                                         "Inte påbörjat"]
    assert dict(result.review.statuses) == {"done": 1, "in-progress": 1, "postponed": 1, "not-started": 1}


def test_english_markdown_traffic_lights(project):
    result, t = drafted(project, plans.english_markdown, "climate.md", "609")
    assert result.lang == "en"
    assert labels(t, "themes") == ["Clean energy", "Smart mobility"]
    assert labels(t, "goals") == ["Emissions from heating fall", "More trips are made by bicycle"]
    assert [a.get("contributes_to") for a in t["actions"]] == [t["goals"][0].get("id")] * 2 + [
        t["goals"][1].get("id")] * 2
    assert target_of(t, "Share of cycling trips") == ("15", "percent", "at-least", "")
    # "more than 50000" is a number, not a baseline year
    rides = by_label(t, "indicators", "City bike rides per year").get("id")
    [rides_target] = [r for r in t["targets"] if r.get("indicator") == rides]
    assert (rides_target.get("value"), rides_target.get("baseline_start")) == ("50000", "")
    assert {r.get("label"): r.get("type") for r in t["organizations"]}["Technical Services"] == "unit"
    assert "Mobility Manager" in labels(t, "posts") and not t.get("people")  # a job title, not a name
    assert dict(result.review.statuses) == {"done": 1, "in-progress": 1, "postponed": 1, "not-started": 1}


def test_balanced_scorecard_xlsx(project):
    result, t = drafted(project, plans.scorecard_xlsx, "tuloskortti.xlsx", "444")
    assert len(t["goals"]) == 5 and len(t["indicators"]) == 5
    # "Näkökulma" is the spearhead column; a blank perspective cell continues the one above
    theme = {r.get("id"): r.get("label") for r in t["themes"]}
    assert [theme[g.get("theme")] for g in t["goals"]] == ["Asiakas", "Asiakas", "Talous", "Talous", "Henkilöstö"]
    assert target_of(t, "Sähköisten palvelujen osuus") == ("80", "percent", "at-least", "40")
    assert target_of(t, "Sairauspoissaolopäivät henkilöä kohden") == ("12", "days", "at-most", "16")
    assert target_of(t, "Lainakanta euroa per asukas")[:3] == ("4000", "euro-per-inhabitant", "at-most")
    # the baseline column ("Lähtötaso 2022") and the years in the headers
    surplus = by_label(t, "indicators", "Vuosikate").get("id")
    [row] = [r for r in t["targets"] if r.get("indicator") == surplus]
    assert (row.get("value"), row.get("unit"), row.get("comparison"), row.get("baseline_value")) == (
        "5000000", "euro", "at-least", "1200000")  # "vähintään 5 M€", "1,2 M€"
    assert {(r.get("baseline_start"), r.get("target_end")) for r in t["targets"]} == {("2022", "2025")}
    assert [r.get("baseline_value") for r in t["targets"]] == ["3.6", "40", "1200000", "4100", "16"]
    assert by_label(t, "goals", "Asukkaat ovat tyytyväisiä palveluihin").get("responsible") == "kaupunginhallitus"


def test_numbered_outline_txt(project):
    _, t = drafted(project, plans.numbered_outline_txt, "hyvinvointi.txt", "434")
    # "1. Elinvoima" above "1.1 Tavoite: …" heads a section; "- Toimenpide: …" bullets are outline keys
    assert labels(t, "themes") == ["Elinvoima", "Hyvinvointi"]
    assert labels(t, "goals") == ["Kaupungin työpaikkojen määrä kasvaa.", "Matkailijoiden määrä kasvaa.",
                                  "Ikäihmiset asuvat kotona pidempään."]
    assert labels(t, "actions") == ["Yritysneuvontaa tehostetaan yhdessä kehitysyhtiön kanssa.",
                                    "Kaavoitetaan uusi yritysalue sataman läheisyyteen.",
                                    "Matkailun markkinointi uudistetaan.", "Kotihoidon iltakäynnit lisätään.",
                                    "Perustetaan liikuntaryhmä ikäihmisille."]
    goals = [g.get("id") for g in t["goals"]]
    assert [a.get("contributes_to") for a in t["actions"]] == [goals[0], goals[0], goals[1], goals[2], goals[2]]
    theme = {r.get("id"): r.get("label") for r in t["themes"]}
    assert [theme[g.get("theme")] for g in t["goals"]] == ["Elinvoima", "Elinvoima", "Hyvinvointi"]
    assert len(t["indicators"]) == 3
    assert target_of(t, "Työpaikkojen määrä")[:3] == ("6000", "count", "at-least")
    assert by_label(t, "actions", "Kotihoidon iltakäynnit lisätään.").get("responsible") == "perusturvalautakunta"
    assert labels(t, "posts") == ["Elinkeinojohtaja", "Matkailukoordinaattori"]


def test_key_value_blocks_md(project):
    _, t = drafted(project, plans.key_value_md, "ymparisto.md", "638")
    assert labels(t, "goals") == ["Kaupungin omat päästöt vähenevät.", "Luonnon monimuotoisuus säilyy."]
    assert len(t["actions"]) == 4
    goals = [g.get("id") for g in t["goals"]]
    assert [a.get("contributes_to") for a in t["actions"]] == [goals[0]] * 2 + [goals[1]] * 2
    theme = {r.get("id"): r.get("label") for r in t["themes"]}
    assert [theme[g.get("theme")] for g in t["goals"]] == ["Ilmasto", "Luonto"]
    assert [a.get("responsible") for a in t["actions"]] == ["tekninen-lautakunta"] * 2 + ["ymparistolautakunta"] * 2
    assert [(a.get("period_start"), a.get("period_end")) for a in t["actions"]] == [("2024", "2026")] * 2 + [
        ("2025", "2025")] * 2
    assert [(r.get("value"), r.get("comparison")) for r in t["targets"]] == [("30", "at-most"), ("1200", "at-least")]


def test_action_rows_xlsx(project):
    _, t = drafted(project, plans.action_rows_xlsx, "ohjelma.xlsx", "609")
    # a goal repeated on each action row is one goal; a blank goal cell means "same as above"
    assert labels(t, "goals") == ["Nuorten syrjäytyminen vähenee", "Kaupunkilaiset liikkuvat enemmän"]
    goals = [g.get("id") for g in t["goals"]]
    assert [a.get("contributes_to") for a in t["actions"]] == [goals[0]] * 3 + [goals[1]] * 2
    assert [(a.get("period_start"), a.get("period_end")) for a in t["actions"]][1] == ("2024", "2025")
    kinds = {r.get("label"): r.get("type") for r in t["organizations"]}
    assert kinds["Liikuntapalvelut"] == kinds["Terveyspalvelut"] == "unit"
    assert "Sivistysjohtaja" in labels(t, "posts")
    assert not t.get("indicators")  # the cost column is no metric


def test_merged_goal_cells_docx(project):
    _, t = drafted(project, plans.merged_goals_docx, "sivistys.docx", "444")
    assert labels(t, "themes") == ["Oppimisen ilo", "Harrastukset kaikille"]
    assert labels(t, "goals") == ["Jokainen oppilas saa tarvitsemansa tuen", "Jokaisella lapsella on harrastus"]
    goals = [g.get("id") for g in t["goals"]]
    assert [a.get("contributes_to") for a in t["actions"]] == [goals[0]] * 3 + [goals[1]] * 2
    assert [a.get("responsible") for a in t["actions"]][:3] == ["opetuspalvelut", "rehtori", "koulukuraattori"]
    assert "Koulukuraattori" in labels(t, "posts")
    assert [(r.get("value"), r.get("unit"), r.get("comparison")) for r in t["targets"]] == [
        ("95", "percent", "at-least"), ("90", "percent", "at-least")]


def test_interim_report_pdf(project):
    result, t = drafted(project, plans.interim_report_pdf, "raportti.pdf", "609")
    assert labels(t, "goals") == ["Talous on tasapainossa", "Asiakkaat saavat palvelua nopeasti"]
    assert len(t["actions"]) == 4 and len(t["indicators"]) == 4
    assert "Kaupunginhallitus 23.9.2024" not in labels(t, "themes")  # a dateline is no spearhead
    assert target_of(t, "Keskitettyjen hankintojen osuus") == ("80", "percent", "at-least", "")
    assert target_of(t, "Tyhjien tilojen kustannukset") == ("2000000", "euro", "at-most", "")  # "alle 2 M€"
    assert target_of(t, "Odotusaika") == ("7", "days", "at-most", "")
    assert [r.get("title") for r in t["reports"]] == ["Tilanne 31.8.2024"]
    # a goal repeated on its action rows is assessed once; each row's status is its action's
    abouts = [r.get("about").split(";") for r in t["assessments"]]
    assert all(len([a for a in about if a.startswith("g-")]) <= 1 for about in abouts)
    assert sum(len([a for a in about if a.startswith("g-")]) for about in abouts) == 2
    assert dict(result.review.statuses) == {"done": 1, "in-progress": 2, "not-started": 1}


def test_swedish_follow_up_txt(project):
    result, t = drafted(project, plans.swedish_report_txt, "uppfoljning.txt", "434")
    assert result.lang == "sv"
    assert labels(t, "goals") == ["Äldre bor hemma längre.", "Barnfamiljer får stöd i tid."]
    assert labels(t, "actions") == ["Hemvården utökar kvällsbesöken.", "Familjecentret öppnas i centrum."]
    assert [(r.get("value"), r.get("unit"), r.get("comparison"), r.get("baseline_value")) for r in t["targets"]] == [
        ("8", "days", "decrease-to", "12"), ("90", "percent", "at-least", "")]
    assert "Familjetjänsternas chef" in labels(t, "posts")
    assert dict(result.review.statuses) == {"done": 1, "in-progress": 1}


def test_english_traffic_lights_docx(project):
    result, t = drafted(project, plans.english_traffic_light_docx, "culture.docx", "638")
    assert result.lang == "en"
    assert labels(t, "themes") == ["Culture for everyone"]
    assert labels(t, "goals") == ["Every child takes part in culture", "Library services reach new users",
                                  "Events are accessible"]
    goals = [g.get("id") for g in t["goals"]]
    # bullets in one cell are actions of their own, serving the row's goal
    assert [a.get("contributes_to") for a in t["actions"]] == [goals[0]] * 2 + [goals[1]] * 2 + [goals[2]] * 2
    assert labels(t, "posts") == ["Head of Culture", "Library Director", "Events Coordinator"]
    assert not t.get("people")
    assert target_of(t, "Library visits per year")[:3] == ("400000", "count", "at-least")
    assert target_of(t, "Staff trained")[:3] == ("40", "persons", "at-least")
    assert {(r.get("target_start"), r.get("target_end")) for r in t["targets"]} == {("2025", "2025")}
    # a check mark, a cross and traffic-light colours are statuses
    assert [r.get("text") for r in t["assessments"]] == ["Green", "✓", "Amber", "✗"]
    assert all(r.get("id") != "as" for r in t["assessments"])
    assert dict(result.review.statuses) == {"in-progress": 2, "done": 1, "not-started": 1}


def test_swedish_goal_cards_docx(project):
    result, t = drafted(project, plans.swedish_goal_cards_docx, "bildning.docx", "434")
    assert result.lang == "sv"
    assert labels(t, "themes") == ["Lärande", "Fritid"]
    assert labels(t, "goals") == ["Alla elever når grundläggande läsfärdighet.", "Unga har en meningsfull fritid."]
    goals = [g.get("id") for g in t["goals"]]
    assert [a.get("contributes_to") for a in t["actions"]] == [goals[0]] * 2 + [goals[1]]
    assert [a.get("responsible") for a in t["actions"]] == ["bildningsnamnden"] * 2 + ["ungdomschef"]
    assert [(a.get("period_start"), a.get("period_end")) for a in t["actions"]] == [("2025", "2026")] * 2 + [
        ("2025", "2025")]
    assert [(r.get("value"), r.get("unit"), r.get("comparison")) for r in t["targets"]] == [
        ("85", "percent", "at-least"), ("6000", "count", "at-least")]


def test_bold_keys_md(project):
    _, t = drafted(project, plans.bold_keys_md, "liikenne.md", "609")
    assert labels(t, "themes") == ["Turvallinen koulumatka", "Ikäihmisten liikkuminen"]
    assert labels(t, "goals") == ["Koulumatkat ovat turvallisia kävellen ja pyöräillen.",
                                  "Ikäihmiset liikkuvat turvallisesti."]
    goals = {g.get("id"): g for g in t["goals"]}
    assert [a.get("contributes_to") for a in t["actions"]] == [t["goals"][0].get("id")] * 2 + [t["goals"][1].get("id")]
    # an action under a goal heading shares its spearhead
    assert [a.get("theme") for a in t["actions"]] == [goals[a.get("contributes_to")].get("theme") for a in t["actions"]]
    assert [a.get("responsible") for a in t["actions"]] == ["kaupunkiympariston-toimiala"] * 2 + ["tekninen-lautakunta"]
    assert {r.get("label"): r.get("type") for r in t["organizations"]} == {
        "Kaupunkiympäristön toimiala": "sector", "Tekninen lautakunta": "board"}
    assert [(r.get("value"), r.get("unit"), r.get("comparison")) for r in t["targets"]] == [
        ("2", "count", "at-most"), ("20", "percent", "decrease-by")]
