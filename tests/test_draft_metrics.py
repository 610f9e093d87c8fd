"""Issue 13: metrics, spearheads, targets and responsible parties in drafts, on small fi/sv/en texts written
for these tests (not taken from the seed documents): several metrics in one cell, a metric named inside a
goal or action, metric names from target, count, rate and survey wordings."""
from __future__ import annotations

from draft_helpers import draft, labels, lexicon, one, refs

from kuntakg.draft.metrics import inline_metric, metric_name, split_cell
from kuntakg.draft.model import Draft
from kuntakg.draft.run import lexicon_path
from kuntakg.project import Project

PATH = lexicon_path(Project())












def name(text: str, lang: str) -> str:
    return metric_name(text, lexicon(lang), lang).label


# -- several metrics in one cell ------------------------------------------------------------------

def test_split_cell_at_double_space_and_semicolon():
    assert split_cell("Kirjastokäynnit  Lainausten määrä") == ["Kirjastokäynnit", "Lainausten määrä"]
    assert split_cell("Visits to the pool; Swimming lessons held") == ["Visits to the pool", "Swimming lessons held"]
    # one space, or a double space before a lower-case word, is one metric
    assert split_cell("Antal besök  per vecka") == ["Antal besök  per vecka"]


def test_key_value_block_with_two_metrics_in_one_cell():
    text = "\n".join([
        "Tavoite\tLiikunnan lisääminen",
        "Toimenpide\tAvataan uimahalli iltaisin",
        "Mittari\tUimahallikäyntien määrä  Uimakoulujen osallistujat",
        "Vastuuhenkilö\tliikuntapäällikkö Oona Virta",
    ])
    d = draft(text)
    assert labels(d, "indicators") == ["Uimahallikäyntien määrä", "Uimakoulujen osallistujat"]
    for indicator in d.of("indicators"):
        assert "Avataan uimahalli iltaisin" in refs(indicator, "measures")
        assert any("several metrics" in n for n in indicator.notes)


def test_english_table_cell_with_metrics_separated_by_semicolons():
    text = "\n".join([
        "| Objective | Action | Indicator | Owner |",
        "|---|---|---|---|",
        "| Cleaner parks | Add litter bins | Bins emptied per week; Resident complaints | Parks manager |",
    ])
    d = draft(text, "en")
    assert labels(d, "indicators") == ["Bins emptied per week", "Resident complaints"]


# -- metric names ---------------------------------------------------------------------------------

def test_metric_named_from_a_target_keeps_its_scope_but_not_its_baseline():
    assert name("Kotihoidon käyntien määrän lisääminen 10 % pohjoisella alueella", "fi") == \
        "Kotihoidon käyntien määrä pohjoisella alueella"
    assert name("Kotihoidon käyntien määrän lisääminen 10 %:lla vuodesta 2020", "fi") == "Kotihoidon käyntien määrä"


def test_rate_per_year_names_the_yearly_change():
    assert name("työpaikkojen määrä kasvaa 2 % vuodessa", "fi") == "Työpaikkojen määrän vuotuinen kasvu"
    assert name("Antalet invånare ökar med 1 % per år", "sv") == "Årlig ökning av antalet invånare"
    assert name("Library loans grow 4 % a year", "en") == "Annual growth in library loans"


def test_count_names_the_number_of_things_counted():
    assert name("Kotikäyntejä vuoden 2024 aikana vähintään 40 kpl", "fi") == "Kotikäyntien määrä"
    assert name("Järjestettyjä tapahtumia vähintään 6", "fi") == "Järjestettyjen tapahtumien määrä"
    assert name("minst 5 föräldramöten under 2025", "sv") == "Antal föräldramöten"
    assert name("At least 12 open days in 2026", "en") == "Number of open days"


def test_survey_names_what_it_measures():
    assert name("Oppilastyytyväisyyskysely kahdesti vuodessa", "fi") == "Oppilastyytyväisyys"
    assert name("Elevnöjdhetsenkät en gång per år", "sv") == "Elevnöjdhet"
    assert name("Resident satisfaction survey annually", "en") == "Resident satisfaction"


def test_plain_metric_is_kept_as_written():
    assert metric_name("Uimahallikäyntien määrä", lexicon("fi"), "fi").how == ""
    assert name("Share of pupils walking to school", "en") == "Share of pupils walking to school"


# -- a goal or action that names its metric -------------------------------------------------------

def test_inline_metric_cues():
    assert inline_metric("Lisäämme liikuntaa, mittarina liikuntaan osallistuneet", lexicon("fi"), "fi") == (
        "Lisäämme liikuntaa", "liikuntaan osallistuneet")
    assert inline_metric("Vi förbättrar skolmaten (mätare: elevernas nöjdhet)", lexicon("sv"), "sv") == (
        "Vi förbättrar skolmaten", "elevernas nöjdhet")
    assert inline_metric("Faster permits, measured by average handling time.", lexicon("en"), "en") == (
        "Faster permits", "average handling time")
    # a word that only contains the cue is none
    assert inline_metric("Otamme käyttöön uuden mittariston", lexicon("fi"), "fi") is None


def test_action_cell_with_its_own_metric_gets_an_indicator():
    text = "\n".join([
        "| Goal | Action | Responsible |",
        "|---|---|---|",
        "| Safer cycling | Build lit cycle paths, measured by km of lit path | Streets department |",
    ])
    d = draft(text, "en")
    action = one(d, "actions", "Build lit cycle paths")
    metric = one(d, "indicators", "km of lit path")
    assert refs(metric, "measures") == [action.label]
    assert any("names its own metric" in n for n in metric.notes)


# -- headings: organisations versus spearheads -----------------------------------------------------

KV_SV = "\n".join([
    "Mål\tTryggt boende",
    "Åtgärd\tFler hembesök",
    "Mätare\tAntal hembesök",
    "Ansvarig\tvårdchef Eva Lind",
])


def test_numbered_sibling_of_an_organisation_heading_is_an_organisation_not_a_spearhead():
    text = "\n".join([
        "# Verksamhetsplan för omsorgen",
        "",
        "## 3.1 Enhet för hemvård",
        "",
        KV_SV,
        "",
        "## 3.2 Äldreomsorg",
        "",
        KV_SV.replace("Tryggt boende", "Aktiv vardag").replace("Fler hembesök", "Dagverksamhet utökas"),
    ])
    d = draft(text, "sv")
    assert "Äldreomsorg" in labels(d, "organizations")
    assert any("names no organisation type" in n for n in one(d, "organizations", "Äldreomsorg").notes)
    assert labels(d, "themes") == []
    action = one(d, "actions", "Dagverksamhet utökas")
    assert refs(action, "organization") == ["Äldreomsorg"]


def test_heading_naming_an_organisation_is_no_spearhead():
    text = "\n".join([
        "### Opetuslautakunta",
        "",
        "Tavoite\tKoulumatkat turvallisiksi",
        "Toimenpide\tRakennetaan alikulku",
        "Vastuuhenkilö\ttekninen johtaja",
    ])
    d = draft(text)
    assert labels(d, "themes") == []
    assert labels(d, "organizations") == ["Opetuslautakunta"]


def test_spearhead_that_holds_no_items_is_dropped():
    text = "\n".join([
        "# Contents",
        "",
        "1. Introduction\t2",
        "2. Goals\t3",
        "",
        "Jane Smith",
        "Director of Culture",
        "",
        "| Spearhead | Goal | Action |",
        "|---|---|---|",
        "| A lively centre | More events downtown | Open the square for markets |",
    ])
    d = draft(text, "en")
    assert labels(d, "themes") == ["A lively centre"]
    goal = one(d, "goals", "More events downtown")
    assert refs(goal, "theme") == ["A lively centre"]


# -- responsible parties: plural and definite posts -------------------------------------------------

def parties(text: str, lang: str) -> list[str]:
    from kuntakg.draft.parties import Parties
    d = Draft("plan.txt", lang)
    return [p.label for p in Parties(d, lexicon(lang)).parse(text, 3)]


def test_plural_and_definite_posts_are_drafted_in_their_base_form():
    assert parties("Koulujen rehtorit ja kouluterveydenhoitajat", "fi") == ["Koulujen rehtori", "kouluterveydenhoitaja"]
    assert parties("Nuorisotyön ohjaajat", "fi") == ["Nuorisotyön ohjaaja"]
    assert parties("enhetscheferna och skolläkaren", "sv") == ["enhetschef", "skolläkare"]
    assert parties("Branch managers and the library director", "en") == ["Branch manager", "the library director"]


def test_base_form_post_keeps_a_note_of_how_it_was_printed():
    from kuntakg.draft.parties import Parties
    d = Draft("plan.txt", "fi")
    [post] = Parties(d, lexicon("fi")).parse("kirjastojen esimiehet", 3)
    assert post.label == "kirjastojen esimies"
    assert any("kirjastojen esimiehet" in n and n.startswith("DRAFT:") for n in post.notes)


# -- targets ---------------------------------------------------------------------------------------

def test_about_a_number_is_approximately_and_at_most_stays_at_most():
    from kuntakg.draft.targets import parse
    fi = parse("jonoa on noin 14 päivää", lexicon("fi"))
    assert (fi.value, fi.unit, fi.comparison) == ("14", "days", "approximately")
    sv = parse("väntetiden är ungefär 10 dagar", lexicon("sv"))
    assert (sv.value, sv.unit, sv.comparison) == ("10", "days", "approximately")
    assert parse("queues of at most 5 days", lexicon("en")).comparison == "at-most"
    # a change word decides before 'about'
    assert parse("Loans increase by about 5 %", lexicon("en")).comparison == "increase-by"


def test_number_clause_of_an_item_of_several_sentences():
    from kuntakg.draft.metrics import number_clause
    text = "Kirjasto palvelee joustavasti. Aukioloa lisätään, esimerkiksi lauantaisin on auki 6 tuntia. Tiedotamme."
    assert number_clause(text, lexicon("fi"), "fi") == "lauantaisin on auki 6 tuntia"
    assert number_clause("We answer quickly, for example within 3 days.", lexicon("en"), "en") is None  # one sentence


def test_goal_of_several_sentences_gets_the_numbered_clause_as_its_metric():
    text = "\n".join([
        "| Goal | Action |",
        "|---|---|",
        "| Permits are handled fast. Most permits are decided, for example, in about 20 days. We publish the queue."
        " | Hire a permit clerk |",
    ])
    d = draft(text, "en")
    [metric] = d.of("indicators")
    assert metric.label == "in about 20 days"
    [target] = d.of("targets")
    assert (target.fields["value"], target.fields["unit"], target.fields["comparison"]) == ("20", "days",
                                                                                           "approximately")


# -- a paragraph that introduces a list of spearheads ----------------------------------------------

def test_paragraph_introducing_spearheads_gives_a_theme_per_bullet():
    text = "\n".join([
        "Kulttuuripalveluiden painopisteet vuosille 2024 – 2027 ohjaavat työtämme:",
        "",
        "- Lukutaidon vahvistaminen tarkoittaa, että jokainen lapsi löytää kirjan.",
        "- Kaupunkilaisten osallisuuteen panostamme avoimilla työpajoilla.",
        "- Saavutettavuus",
        "",
        "| Tavoite | Toimenpide |",
        "|---|---|",
        "| Lapset lukevat | Kirjastoauto kouluille |",
    ])
    d = draft(text)
    assert labels(d, "themes") == ["Kulttuuripalveluiden painopisteet vuosille 2024 – 2027", "Lukutaidon vahvistaminen",
                                   "Kaupunkilaisten osallisuuteen", "Saavutettavuus"]
    child = one(d, "themes", "Lukutaidon vahvistaminen")
    assert refs(child, "parent") == ["Kulttuuripalveluiden painopisteet vuosille 2024 – 2027"]
    assert child.fields["description"].startswith("Lukutaidon vahvistaminen tarkoittaa")
    assert any(n.startswith("DRAFT:") for n in child.notes)


def test_spearhead_lists_in_swedish_and_english():
    sv = draft("\n".join(["Stadens fokusområden är:", "", "- Trygg vardag innebär att alla känner sig trygga.",
                          "- Grön stad", "", "| Mål | Åtgärd |", "|---|---|", "| Färre olyckor | Bättre belysning |"]),
               "sv")
    assert labels(sv, "themes") == ["Stadens fokusområden", "Trygg vardag", "Grön stad"]
    en = draft("\n".join(["Our priorities for 2030 are:", "", "- Healthy lives means active residents.",
                          "- Good jobs, for all ages", "", "| Goal | Action |", "|---|---|",
                          "| More exercise | Free gym hours |"]), "en")
    assert labels(en, "themes") == ["Our priorities for 2030", "Healthy lives", "Good jobs"]


def test_a_colon_paragraph_without_a_spearhead_word_starts_no_theme_list():
    d = draft("\n".join(["Seuraavat asiat ovat tärkeitä:", "", "- Hyvä johtaminen", "",
                         "| Tavoite | Toimenpide |", "|---|---|", "| Osaava henkilöstö | Koulutusta |"]))
    assert "Hyvä johtaminen" not in labels(d, "themes")
    assert not any(t.refs.get("parent") for t in d.of("themes"))


def test_misspelt_post_word_is_still_a_post_and_splits_the_cell():
    from kuntakg.draft.parties import Parties
    d = Draft("plan.txt", "fi")
    got = Parties(d, lexicon("fi")).parse("Liikuntalautakunta sekä liikuntatoimen pääliikkö ja uimavalvojat", 3)
    assert [(p.sheet, p.label) for p in got][:2] == [("organizations", "Liikuntalautakunta"),
                                                     ("posts", "liikuntatoimen pääliikkö")]
    assert any("misspelt" in n for n in got[1].notes)
    assert parties("Youth coordinater and the sports manager", "en") == ["Youth coordinater", "the sports manager"]
    assert parties("skolans socialarbetrae och rektorn", "sv") == ["skolans socialarbetrae", "rektor"]


def test_ordinary_words_are_no_misspelt_posts():
    lex = lexicon("fi")
    for word in ("kehittäminen", "johtaminen", "asiantuntijuus", "suunnitelman", "ohjaustoiminta"):
        assert lex.misspelt_post(word) is None, word


def kinds(text: str, lang: str) -> list[tuple[str, str]]:
    from kuntakg.draft.parties import Parties
    return [(p.sheet, p.label) for p in Parties(Draft("plan.txt", lang), lexicon(lang)).parse(text, 3)]


def test_abbreviated_organisations_are_organisations_with_a_note():
    from kuntakg.draft.parties import Parties
    d = Draft("plan.txt", "fi")
    got = Parties(d, lexicon("fi")).parse("Tekltk, kh ja tekninen johtaja", 3)
    assert [(p.sheet, p.label) for p in got] == [("organizations", "Tekltk"), ("organizations", "Kh"),
                                                 ("posts", "tekninen johtaja")]
    assert got[0].fields["type"] == "board" and got[1].fields["type"] == "executive-board"
    assert any("abbreviation" in n for n in got[0].notes)
    assert kinds("KS och kommundirektören", "sv") == [("organizations", "KS"), ("posts", "kommundirektör")]


def test_slash_and_bracket_join_two_parties_only_when_both_name_one():
    assert kinds("Tekltk / kaupungininsinööri", "fi")[0] == ("organizations", "Tekltk")
    assert kinds("Kultur- och fritidsnämnden/kulturchefen", "sv") == [
        ("organizations", "Kultur- och fritidsnämnden"), ("posts", "kulturchef")]
    assert kinds("Planning Board (chair: Ann Lee)", "en") == [("organizations", "Planning Board"), ("posts", "chair")]
    # a slash inside a name is no separator
    assert kinds("lasten/nuorten palveluiden johtaja", "fi") == [("posts", "lasten/nuorten palveluiden johtaja")]


def test_teachers_are_posts():
    assert kinds("Rehtorit ja opettajat", "fi") == [("posts", "Rehtori"), ("posts", "opettaja")]
    assert kinds("class teachers and the principal", "en") == [("posts", "class teacher"), ("posts", "the principal")]


def test_rate_period_of_a_value_and_not_of_a_deadline():
    from kuntakg.draft.targets import parse
    assert parse("lainaukset lisääntyvät 3 % vuodessa", lexicon("fi")).per == "year"
    assert parse("minst 2 hembesök per månad", lexicon("sv")).per == "month"
    assert parse("at least 4 sessions a week", lexicon("en")).per == "week"
    # "within 14 days": the period word carries the number itself
    within = parse("päätös tehdään 14 päivässä", lexicon("fi"))
    assert (within.value, within.unit, within.per) == ("14", "days", "")


def test_ordinal_number_is_no_target_value():
    from kuntakg.draft.targets import parse
    got = parse("Yhteistyö 3. sektorin toimijoiden kanssa", lexicon("fi"))
    assert not got.numeric and got.value == ""
    got = parse("2. asteen opiskelijoista 90 % valmistuu", lexicon("fi"))
    assert (got.value, got.unit) == ("90", "percent")


def test_rate_target_in_a_draft_carries_its_period():
    text = "\n".join([
        "| Goal | Action |",
        "|---|---|",
        "| Library loans grow 4 % a year | Longer opening hours |",
    ])
    d = draft(text, "en")
    [target] = d.of("targets")
    assert (target.fields["value"], target.fields["unit"], target.fields["per"]) == ("4", "percent", "year")
    assert [i.label for i in target.refs["indicator"]] == ["Annual growth in library loans"]


def test_metric_stated_with_its_level_is_named_by_the_words_before_the_level():
    assert name("Sairauspoissaolot alle 8 päivää", "fi") == "Sairauspoissaolot"
    assert name("Toimintakate on enintään 120 euroa per asukas", "fi") == "Toimintakate"
    assert name("Väntetid högst 14 dagar", "sv") == "Väntetid"
    assert name("Resident satisfaction ≥ 4 (scale 1–5)", "en") == "Resident satisfaction"
    # the level cue starts the wording, or more words follow the number: kept as written
    assert name("Vähintään kahden kerhon toiminta", "fi") == "Vähintään kahden kerhon toiminta"
    assert name("palveluun pääsee noin 7 päivän jonotuksella", "fi") == "palveluun pääsee noin 7 päivän jonotuksella"
