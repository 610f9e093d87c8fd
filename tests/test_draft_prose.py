"""Issue 13, prose: a plan written as paragraphs (no goal/action tables, no headings naming goals or
actions) is read sentence by sentence by cue words (kuntakg/draft/prose.py, lexicon `prose_cues`).
The texts here are written for the tests, in Finnish, Swedish and English."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from draft_helpers import one, refs

from kuntakg.cli import cli
from kuntakg.draft.lexicon import Lexicon
from kuntakg.draft.model import Draft, Item
from kuntakg.draft.prose import ProseCues, read_sentence, split_sentences
from kuntakg.draft.run import lexicon_path
from kuntakg.draft.structure import recognise
from kuntakg.ingest.tabular import read_tables
from kuntakg.project import Project

ROOT = Path(__file__).resolve().parent.parent
PATH = lexicon_path(Project())

FI = "\n".join([
    "# Järvenrannan kirjasto-ohjelma",
    "",
    "## Lukeva kunta",
    "",
    "Kunnassa asuu 8 400 asukasta ja lainaukset ovat vähentyneet 12 % vuodesta 2019. Tavoitteena on, että "
    "jokainen koululainen lukee kirjan kuukaudessa. Kirjastoauto käynnistettiin uudelleen viime keväänä. "
    "Lukudiplomi otettiin käyttöön kaikissa kouluissa. Ensi vuonna järjestetään kirjailijavierailuja kouluilla.",
    "",
    "## Tilat",
    "",
    "Pääkirjaston aulaa on tarkoitus uudistaa. Lasten osastolle on rakennettu pelinurkkaus, nuorille on avattu "
    "oma tila ja seniorit ovat saaneet lukupiirin. Omatoimiaikaa kokeiltiin Kirkonkylän lähikirjastossa.",
])


def cues(lang: str) -> ProseCues:
    return ProseCues(Lexicon.load(PATH, (lang,)), lang)


def draft(text: str, lang: str = "fi") -> Draft:
    result, _ = recognise(text, "plan.txt", lang, Lexicon.load(PATH, (lang,)))
    return result






def prose_notes(item: Item) -> list[str]:
    return [n for n in item.notes if n.startswith("DRAFT: ") and "read from" in n and "prose" in n]


def test_sentence_splitter():
    fi = cues("fi")
    assert split_sentences("Valtuusto hyväksyi ohjelman 1.1.2019. Sitä päivitetään esim. Kevään aikana "
                           "(ks. liite 2. Luku). Kokous pidettiin 23.10. Kaupungintalolla. Hän sanoi: \"Tämä on "
                           "hyvä. Jatketaan.\" Sitten lähdettiin. Ohjelma on n. 20 sivua.", fi) == [
        "Valtuusto hyväksyi ohjelman 1.1.2019.",  # a date inside is no break, a year at the end is
        "Sitä päivitetään esim. Kevään aikana (ks. liite 2. Luku).",  # abbreviations, brackets
        "Kokous pidettiin 23.10. Kaupungintalolla.",  # a day and month
        "Hän sanoi: \"Tämä on hyvä. Jatketaan.\"",  # a quoted sentence stays in its sentence
        "Sitten lähdettiin.",
        "Ohjelma on n. 20 sivua.",
    ]
    assert split_sentences("Vi ordnar t. ex. Kurser för alla. Mötet hölls 1.6. Alla kom. Det var bra.", cues("sv")) \
        == ["Vi ordnar t. ex. Kurser för alla.", "Mötet hölls 1.6. Alla kom.", "Det var bra."]
    # in English "over 65." ends a sentence; "e.g." and "Dr." do not; initials do not
    assert split_sentences("We use e.g. Buses. Dr. Smith and J. Brown lead it. Most are over 65. The end.",
                           cues("en")) == ["We use e.g. Buses.", "Dr. Smith and J. Brown lead it.",
                                           "Most are over 65.", "The end."]


@pytest.mark.parametrize("lang, sentence, role, cue_class", [
    ("fi", "Haluamme, että jokainen kuntalainen löytää harrastuksen.", "goal", "goal"),
    ("fi", "Uusi nuorisotila avattiin Keskustorille.", "action", "done"),
    ("fi", "Koulukuljetuksia on lisätty syrjäkylille.", "action", "done"),
    ("fi", "Liikuntaneuvontaa laajennetaan kaikkiin terveysasemiin.", "action", "plan"),
    ("fi", "Kesäsetelit tullaan jakamaan jokaiselle yhdeksäsluokkalaiselle.", "action", "plan"),
    ("fi", "Etäkirjastoa pilotoitiin kahdessa kylässä.", "pilot", "pilot"),
    ("sv", "Vi vill att alla unga har en meningsfull fritid.", "goal", "goal"),
    ("sv", "En ny fritidsgård har utvecklats i Norrby.", "action", "done"),
    ("sv", "Skolskjutsarna infördes hösten 2022.", "action", "done"),
    ("sv", "Hembesök kommer att erbjudas alla familjer.", "action", "plan"),
    ("sv", "Kvällsöppen rådgivning testades på biblioteket.", "pilot", "pilot"),
    ("en", "The goal is that every pupil can swim.", "goal", "goal"),
    ("en", "A free bus pass for seniors was launched in March.", "action", "done"),
    ("en", "We introduced evening opening hours at the library.", "action", "done"),
    ("en", "Outdoor gyms will be built in three parks.", "action", "plan"),
    ("en", "Night buses were piloted on two routes.", "pilot", "pilot"),
])
def test_cue_classes(lang, sentence, role, cue_class):
    [reading] = read_sentence(sentence, cues(lang), goal_stated=False)
    assert (reading.role, reading.cue_class, reading.text) == (role, cue_class, sentence)


@pytest.mark.parametrize("lang, sentence", [
    ("fi", "Kunnassa asuu 8 400 asukasta ja lainaukset ovat vähentyneet 12 % vuodesta 2019."),
    ("fi", "Työttömyysaste on noussut viime vuosina."),
    ("fi", "Kirjasto sijaitsee vanhassa koulurakennuksessa."),
    ("sv", "Antalet barnfamiljer har ökat med 5 % sedan 2018."),
    ("en", "Riverton has 40 000 residents, of whom 21 % are over 65."),
    ("en", "The number of visits has fallen since the pandemic."),
])
def test_background_sentences_are_not_drafted(lang, sentence):
    assert read_sentence(sentence, cues(lang), goal_stated=False) == []


def test_intention_is_a_goal_only_where_the_section_states_none():
    fi = cues("fi")
    [alone] = read_sentence("Uimahallia on tarkoitus laajentaa.", fi, goal_stated=False)
    assert (alone.role, alone.cue_class) == ("goal", "intention")
    [under] = read_sentence("Uimahallia on tarkoitus laajentaa.", fi, goal_stated=True)
    assert under.role == "action"
    [timed] = read_sentence("Uimahallia on tarkoitus laajentaa vuonna 2027.", fi, goal_stated=False)
    assert timed.role == "action"  # an intention with a time is a plan
    [deadline] = read_sentence("Kaupunki pyrkii nostamaan pyöräilyn osuuden 15 prosenttiin vuoteen 2030 mennessä.",
                               fi, goal_stated=False)
    assert deadline.role == "goal"  # ... but a deadline is what a goal names
    [by] = read_sentence("We intend to halve the queue for home care by 2028.", cues("en"), goal_stated=False)
    assert by.role == "goal"


def test_enumerations_of_aims_clauses_and_measures():
    aims = read_sentence("Haluamme parantaa koulumatkojen turvallisuutta, lasten liikkumista ja "
                         "vanhempien osallisuutta.", cues("fi"), goal_stated=False)
    assert [(r.role, r.text) for r in aims] == [("goal", "koulumatkojen turvallisuutta"),
                                                ("goal", "lasten liikkumista"),
                                                ("goal", "vanhempien osallisuutta")]
    clauses = read_sentence("Lasten osastolle on rakennettu pelinurkkaus, nuorille on avattu oma tila ja "
                            "seniorit ovat saaneet lukupiirin.", cues("fi"), goal_stated=True)
    assert [r.text for r in clauses] == ["Lasten osastolle on rakennettu pelinurkkaus", "nuorille on avattu oma tila",
                                         "seniorit ovat saaneet lukupiirin"]
    assert {r.cue_class for r in clauses} == {"enumeration"}
    # two clauses joined by "and" stay one action
    [two] = read_sentence("Kirjastoauto uusittiin ja sen reitit suunniteltiin uudelleen.", cues("fi"), True)
    assert two.text == "Kirjastoauto uusittiin ja sen reitit suunniteltiin uudelleen."
    listed = read_sentence("Several measures were taken, e.g. longer pool hours, walking groups in every "
                           "district and cheaper gym cards.", cues("en"), goal_stated=True)
    assert [r.text for r in listed][1:] == ["longer pool hours", "walking groups in every district",
                                            "cheaper gym cards"]
    # measures listed right after the verb, with no list cue
    after = read_sentence("Palveluun on koottu viikoittainen neuvontapiste, laajat puhelinajat iltaisin sekä "
                          "verkkosivujen chat-palvelu.", cues("fi"), goal_stated=True)
    assert [r.text for r in after][1:] == ["viikoittainen neuvontapiste", "laajat puhelinajat iltaisin",
                                           "verkkosivujen chat-palvelu"]
    # ... but places where something was done are not measures
    assert len(read_sentence("Malli otettiin käyttöön Porissa, Raumalla ja Ulvilassa.", cues("fi"), True)) == 1
    # a list of single common nouns names who takes part, not measures
    assert len(read_sentence("Hanketta kehitetään yhdessä, esim. koulut, päiväkodit, neuvolat.", cues("fi"),
                             True)) == 1


def test_heading_less_text_cascade_themes_and_notes():
    d = draft(FI)
    goal = one(d, "goals", "Jokainen koululainen lukee kirjan kuukaudessa")
    done = one(d, "actions", "Kirjastoauto käynnistettiin uudelleen viime keväänä.")
    plan = one(d, "actions", "Ensi vuonna järjestetään kirjailijavierailuja kouluilla.")
    assert refs(done, "contributes_to") == refs(plan, "contributes_to") == [goal.label]
    assert refs(done, "theme") == ["Lukeva kunta"]
    assert any("cue class: a done activity, cue 'käynnistettiin'" in n for n in prose_notes(done))
    assert any("cue class: a plan, cue 'järjestetään'" in n for n in prose_notes(plan))
    # the statistic is not drafted
    assert not [i for i in d.items if "asukasta" in i.label]
    # the second section states no goal: its intention is its goal, and the actions below serve it
    intention = one(d, "goals", "Pääkirjaston aulaa on tarkoitus uudistaa.")
    assert any("cue class: an intention" in n for n in prose_notes(intention))
    for label in ("Lasten osastolle on rakennettu pelinurkkaus", "Nuorille on avattu oma tila",
                  "Seniorit ovat saaneet lukupiirin"):
        action = one(d, "actions", label)
        assert refs(action, "contributes_to") == [intention.label]  # nearest goal above, same section
        assert refs(action, "theme") == ["Tilat"]
    assert any("cue class: a list of measures, cue 'on avattu'" in n
               for n in prose_notes(one(d, "actions", "Nuorille on avattu oma tila")))
    pilot = one(d, "actions", "Omatoimiaikaa kokeiltiin Kirkonkylän lähikirjastossa.")
    assert pilot.fields["kind"] == "pilot"
    # every item read from prose says so
    assert all(prose_notes(i) for i in d.of("goals") + d.of("actions"))

    # no heading at all, in Swedish: goals and actions still read, actions serve the goal above
    sv = draft("Vi vill stärka stödet till familjer med små barn. Hembesök kommer att erbjudas alla "
               "förstföderskor. Kvällsöppen rådgivning testades på biblioteket.", "sv")
    [sv_goal] = sv.of("goals")
    assert sv_goal.label == "Vi vill stärka stödet till familjer med små barn."
    assert [(a.label, refs(a, "contributes_to")) for a in sv.of("actions")] == [
        ("Hembesök kommer att erbjudas alla förstföderskor.", [sv_goal.label]),
        ("Kvällsöppen rådgivning testades på biblioteket.", [sv_goal.label])]


def test_aims_listed_in_one_sentence_are_all_served():
    d = draft("Haluamme parantaa koulumatkojen turvallisuutta, lasten liikkumista ja vanhempien osallisuutta. "
              "Suojateitä on maalattu kymmenen lisää.")
    assert [g.label for g in d.of("goals")] == ["Koulumatkojen turvallisuutta", "Lasten liikkumista",
                                                "Vanhempien osallisuutta"]
    [action] = d.of("actions")
    assert refs(action, "contributes_to") == [g.label for g in d.of("goals")]


def test_paragraphs_around_tables_stay_context():
    """A text whose goals and actions are in a table: its paragraphs are not read by cue words."""
    d = draft("\n".join([
        "Lukudiplomi otettiin käyttöön kaikissa kouluissa viime vuonna.",
        "",
        "Tavoite\tToimenpide",
        "Lapset lukevat enemmän\tKirjastoauto kiertää kouluilla",
    ]))
    assert [a.label for a in d.of("actions")] == ["Kirjastoauto kiertää kouluilla"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for part in ("shapes", "ontology", "data/reference", "data/status-rules", "data/draft"):
        shutil.copytree(ROOT / part, root / part)
    (root / "data/documents").mkdir(parents=True)
    (root / "data/sources").mkdir(parents=True)
    (root / "dist").mkdir()
    return root


def test_cli_drafts_a_prose_only_text_file(project, tmp_path):
    original = tmp_path / "Kirjasto-ohjelma.txt"
    original.write_text(FI + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["draft", str(original), "--municipality", "609", "--doc-id",
                                      "pori-kirjasto-2025"], env={"KUNTAKG_ROOT": str(project), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    tables, errors = read_tables(project / "data/drafts/pori-kirjasto-2025")
    assert not errors
    goals = {r.get("label"): r for r in tables["goals"]}
    assert set(goals) == {"Jokainen koululainen lukee kirjan kuukaudessa", "Pääkirjaston aulaa on tarkoitus uudistaa."}
    actions = {r.get("label"): r for r in tables["actions"]}
    assert len(actions) == 7
    visits = actions["Ensi vuonna järjestetään kirjailijavierailuja kouluilla."]
    assert visits.get("contributes_to") == goals["Jokainen koululainen lukee kirjan kuukaudessa"].get("id")
    assert all("DRAFT: " in (r.get("note") or "") for r in [*tables["goals"], *tables["actions"]])
    assert "SHACL gate / import format: 0 error(s)" in result.output


def test_a_section_naming_goals_keeps_its_reading_and_the_other_paragraphs_are_read_by_cues():
    d = draft("\n".join([
        "## Tavoitteet",
        "",
        "Jokainen lapsi harrastaa jotakin.",
        "",
        "## Harrastukset",
        "",
        "Harrastuskortti otettiin käyttöön syksyllä. Kunnanhallitus hyväksyi ohjelman kesäkuussa.",
    ]))
    [goal] = d.of("goals")
    assert goal.label == "Jokainen lapsi harrastaa jotakin."  # every sentence of the named section
    [action] = d.of("actions")  # the approval is context, not an action
    assert action.label == "Harrastuskortti otettiin käyttöön syksyllä."
    assert any("cue class: a done activity" in n for n in prose_notes(action))
