"""Issue 13: structure recognition by header lexicon and layout, on small texts in the extracted layout.
Every layout of the five seed documents, Swedish headers, an English table laid out unlike anything in
the repository, responsible cells and target wording."""
from __future__ import annotations

from draft_helpers import draft, labels, one, refs

from kuntakg.draft.lexicon import Lexicon
from kuntakg.draft.model import Draft, Item
from kuntakg.draft.parties import Parties
from kuntakg.draft.run import lexicon_path
from kuntakg.draft.targets import parse
from kuntakg.project import Project

PATH = lexicon_path(Project())










WIDE = "\n".join([
    "**Sujuva arki lapsiperheille.**",
    "",
    "KESKUKSEN AVAINTAVOITTEET\tSeuranta / Mittari\tVastuualueiden avaintavoitteet (lautakuntataso)"
    "\tToimintasuunnitelma / Keino\tVastuuhenkilö\tTOTEUMA 1-6 2024",
    "Helpotamme perheiden arkea.\tPalvelun toteutuminen.\tJoustavat palvelut.\tPidennetään aukioloa."
    "\tPerusturvalautakunta sekä lasten ja nuorten palveluiden päällikkö.\tSiirretty syksyyn koronan vuoksi.",
    "\tToteutunut toiminta.\tSujuva yhteydenotto.\tKehitetään sähköisiä palveluita.\tPalveluvastaava.\t",
    "",
    "Talous on tasapainossa.",
    "",
    "KESKUKSEN AVAINTAVOITTEET\tSeuranta / Mittari\tVastuualueiden avaintavoitteet (lautakuntataso)"
    "\tToimintasuunnitelma / Keino\tVastuuhenkilö\tTOTEUMA 1-6 2024",
    "Toimintamme on kustannustehokasta.\tTalousarvio.\tPysytään budjetissa.\tSeurataan taloutta."
    "\tPerusturvajohtaja.\tToteutunut.",
])


def test_wide_table_cascade_continuation_and_reports():
    d = draft(WIDE)
    assert labels(d, "themes") == ["Sujuva arki lapsiperheille.", "Talous on tasapainossa."]
    key = one(d, "goals", "Helpotamme perheiden arkea.")
    assert key.fields["level"] == "key"
    sujuva = one(d, "goals", "Sujuva yhteydenotto.")
    assert sujuva.fields["level"] == "responsibility-area"
    assert refs(sujuva, "contributes_to") == ["Helpotamme perheiden arkea."]  # blank cell continues above
    action = one(d, "actions", "Kehitetään sähköisiä palveluita.")
    assert refs(action, "contributes_to") == ["Sujuva yhteydenotto."]
    assert refs(action, "theme") == ["Sujuva arki lapsiperheille."]
    assert refs(one(d, "actions", "Seurataan taloutta."), "theme") == ["Talous on tasapainossa."]
    first = one(d, "actions", "Pidennetään aukioloa.")
    assert refs(first, "responsible") == ["Perusturvalautakunta", "lasten ja nuorten palveluiden päällikkö"]
    assert not key.refs.get("responsible")  # the centre's goal is not the row's doer
    metric = one(d, "indicators", "Palvelun toteutuminen.")
    assert set(refs(metric, "measures")) == {"Helpotamme perheiden arkea.", "Joustavat palvelut.",
                                              "Pidennetään aukioloa."}
    [report] = d.of("reports")
    assert (report.label, report.fields["period_start"], report.fields["period_end"]) == (
        "TOTEUMA 1-6 2024", "2024-01-01", "2024-06-30")
    texts = {a.fields["text"]: refs(a, "about") for a in d.of("assessments")}
    assert texts["Siirretty syksyyn koronan vuoksi."] == ["Pidennetään aukioloa.", "Joustavat palvelut."]
    assert texts[""] == ["Kehitetään sähköisiä palveluita.", "Sujuva yhteydenotto."]  # empty report cell


def test_swedish_headers():
    text = "\n".join([
        "En smidig vardag för barnfamiljer.",
        "",
        "| CENTRALENS NYCKELMÅL (1 ÅR) | Uppföljning / Mätare | Nyckelmål på ansvarsområdesnivå (nämndnivå) "
        "| Åtgärdsplan / Tillvägagångssätt | Ansvarig nämnd / person | Delårsrapport 1-6 2021 |",
        "|--|--|--|--|--|--|",
        "| Vi förebygger marginalisering. | Verksamhet som genomförs. | Föräldrarna får stöd. "
        "| Vi ger riktat stöd. | Grundtrygghetscentralen, servicechefen för tjänster för barn och unga samt "
        "ledande socialarbetaren | Verksamheten är inte ännu genomförd. |",
    ])
    d = draft(text, "sv")
    assert one(d, "goals", "Vi förebygger marginalisering.").fields["level"] == "key"
    assert one(d, "goals", "Föräldrarna får stöd.").fields["level"] == "responsibility-area"
    action = one(d, "actions", "Vi ger riktat stöd.")
    # posts in the definite form are drafted in their base form (a DRAFT note keeps the printed form)
    assert refs(action, "responsible") == ["Grundtrygghetscentralen", "servicechef för tjänster för barn och unga",
                                           "ledande socialarbetare"]
    assert one(d, "organizations", "Grundtrygghetscentralen").fields["type"] == "centre"
    assert labels(d, "reports") == ["Delårsrapport 1-6 2021"]


def test_english_plan_with_other_column_order():
    """A layout not in the repository: owner first, the goal in the third column, a status column."""
    text = "\n".join([
        "# Climate programme 2030",
        "",
        "## Priority: Clean transport",
        "",
        "Owner\tAction\tObjective\tKPI\tTarget\tStatus",
        "Head of Mobility Jane Smith\tBuild 20 km of cycle lanes\tMore people cycle\tCycling share\t"
        "Increase by 10 % from 2020\tOn track, started in spring",
        "Transport Board\tElectric buses\t\tBus emissions\tat most 50 t\t",
    ])
    d = draft(text, "en")
    assert labels(d, "themes") == ["Clean transport"]  # "Priority: …" names the spearhead
    goal = one(d, "goals", "More people cycle")
    action = one(d, "actions", "Build 20 km of cycle lanes")
    # the cascade follows the header roles, not the column order: the action serves no goal to its left
    assert goal.fields["level"]
    assert any(n.startswith("DRAFT: goal level guessed") for n in goal.notes)
    [post] = action.refs["responsible"]
    assert (post.sheet, post.label, refs(post, "holder")) == ("posts", "Head of Mobility", ["Jane Smith"])
    board = one(d, "organizations", "Transport Board")
    assert board.fields["type"] == "board"
    [cycling] = [t for t in d.of("targets") if t.refs["indicator"][0].label == "Cycling share"]
    assert (cycling.fields["value"], cycling.fields["unit"], cycling.fields["comparison"],
            cycling.fields["baseline_start"]) == ("10", "percent", "increase-by", "2020")
    [status] = [a for a in d.of("assessments") if a.fields["text"]]
    assert status.fields["text"] == "On track, started in spring"
    assert refs(status, "report") == ["Status"]


def test_key_value_blocks_with_numeric_targets():
    text = "\n".join([
        "### Perusturvan toimiala",
        "",
        "Pitkän aikavälin tavoite\tAsiakkaan osallisuuden lisääminen",
        "Toiminnallinen tavoite 2018\tAsiakkaiden valinnanvapauden lisääminen",
        "Toimenpide\tPalvelusetelien käyttöönotto",
        "Mittari\tMyönnettyjen palvelusetelien määrän nousu 5 %:lla vuodesta 2017.",
        "Vastuuhenkilö\tvs. vanhuspalveluiden johtaja Pirjo Mäkilä",
        "",
        "Pitkän aikavälin tavoite:\tAsiakkaan osallisuuden lisääminen",
        "Toiminnallinen tavoite 2018:\tPalveluohjaus kuntoon",
        "Toimenpide:\tPalveluohjaajien lisääminen",
        "Mittari:\tPalveluohjaajien lisääminen kolmesta kuuteen työntekijään",
        "Vastuuhenkilö:\tMari Levonen ja Pirjo Mäkilä",
    ])
    d = draft(text)
    [lt] = [g for g in d.of("goals") if g.fields["level"] == "long-term"]  # one goal, cited twice
    assert lt.lines == [3, 9]
    op = one(d, "goals", "Asiakkaiden valinnanvapauden lisääminen")
    assert (op.fields["level"], op.fields["period_start"]) == ("operational", "2018")
    assert refs(op, "contributes_to") == ["Asiakkaan osallisuuden lisääminen"]
    action = one(d, "actions", "Palvelusetelien käyttöönotto")
    assert refs(action, "contributes_to") == ["Asiakkaiden valinnanvapauden lisääminen"]
    [post] = action.refs["responsible"]
    assert (post.label, refs(post, "holder")) == ("vs. vanhuspalveluiden johtaja", ["Pirjo Mäkilä"])
    assert not lt.refs.get("responsible")
    targets = {t.refs["indicator"][0].label: t.fields for t in d.of("targets")}
    # the metric is named by what it measures; its cell stays the quoted source of metric and target
    assert one(d, "indicators", "Myönnettyjen palvelusetelien määrä").source_text == \
        "Myönnettyjen palvelusetelien määrän nousu 5 %:lla vuodesta 2017."
    first = targets["Myönnettyjen palvelusetelien määrä"]
    assert (first["value"], first["unit"], first["comparison"], first["baseline_start"]) == (
        "5", "percent", "increase-by", "2017")
    second = targets["Palveluohjaajien määrä"]
    assert (second["baseline_value"], second["value"], second["unit"], second["comparison"]) == (
        "3", "6", "persons", "increase-to")
    assert [p.label for p in d.of("people")] == ["Pirjo Mäkilä", "Mari Levonen"]
    assert one(d, "goals", "Palveluohjaus kuntoon").refs["responsible"][0].label == "Mari Levonen"


def test_side_by_side_cascading_columns_with_bullets_and_page_break():
    text = "\n".join([
        "KÄRKI 1\tKAUPUNGIN TAVOITTEET\tKAUPUNGIN TOIMENPITEET\tHYVINVOINNIN TOIMENPITEET\t"
        "LASTEN JA PERHEIDEN PALVELUALUE",
        "Elinvoimainen kaupunki\t<ul> - asukasluku kasvaa - työpaikat lisääntyvät\t<ul> - sujuva kaavoitus"
        "\t<p>Kehitämme tiedottamista</p> <ul> - laadimme viestintäsuunnitelman\t<p>Varmistamme tiedonkulun</p>",
        "",
        "\t\t\t<p>Rakennamme yhteisen vuosi-</p>\t",
        "--\t--\t--\t--\t--",
        "",
        "\t\t\t<p>kellon</p> <p>Tuemme yhdistyksiä</p>\t",
    ])
    d = draft(text)
    assert labels(d, "themes") == ["Elinvoimainen kaupunki"]
    assert one(d, "themes", "Elinvoimainen kaupunki").fields["description"] == "KÄRKI 1"
    assert {g.label: g.fields["level"] for g in d.of("goals")} == {
        "asukasluku kasvaa": "strategic", "työpaikat lisääntyvät": "strategic"}
    assert refs(one(d, "actions", "sujuva kaavoitus"), "contributes_to") == ["asukasluku kasvaa",
                                                                             "työpaikat lisääntyvät"]
    assert refs(one(d, "actions", "Kehitämme tiedottamista"), "contributes_to") == ["sujuva kaavoitus"]
    assert refs(one(d, "actions", "laadimme viestintäsuunnitelman"), "contributes_to") == ["Kehitämme tiedottamista"]
    assert refs(one(d, "actions", "Varmistamme tiedonkulun"), "contributes_to") == ["Kehitämme tiedottamista"]
    assert one(d, "organizations", "LASTEN JA PERHEIDEN PALVELUALUE").fields["type"] == "service-area"
    joined = one(d, "actions", "Rakennamme yhteisen vuosikellon")  # cut by the page break, joined
    assert joined.lines == [4, 7]
    assert refs(one(d, "actions", "Tuemme yhdistyksiä"), "contributes_to") == ["sujuva kaavoitus"]


def test_roadmap_theme_by_year():
    text = "\n".join([
        "#### Yhteenveto",
        "",
        "2018\t2019\t2022\t2025",
        "Asiakasosallisuus\tAsiakasraadit\tUusia muotoja\tJoustavat tavat",
        "",
        "Sähköiset palvelut\tAjanvaraus\tEtäyhteydet\tUudet palvelut",
    ])
    d = draft(text)
    [roadmap] = d.of("roadmaps")
    assert roadmap.label == "Yhteenveto"
    assert labels(d, "themes") == ["Asiakasosallisuus", "Sähköiset palvelut"]
    milestones = [(m.refs["theme"][0].label, m.fields["year"], m.label) for m in d.of("milestones")]
    assert milestones[:4] == [("Asiakasosallisuus", "2018", "Asiakasosallisuus"),
                              ("Asiakasosallisuus", "2019", "Asiakasraadit"),
                              ("Asiakasosallisuus", "2022", "Uusia muotoja"),
                              ("Asiakasosallisuus", "2025", "Joustavat tavat")]
    assert len(milestones) == 8
    assert any(n.startswith("DRAFT:") for n in d.of("themes")[0].notes)


def test_lists_under_role_headings_and_pilots_with_fate():
    text = "\n".join([
        "## 2.1 Pitkän aikavälin tavoitteet",
        "",
        "*Ohjeteksti pohjasta.*",
        "",
        "- Sähköiset palvelut",
        "- Asiakkaan osallisuus",
        "",
        "## Ketterät kokeilut",
        "",
        "- Vankkuri: vakiinnutettu osaksi perhetyötä",
        "- ALKU-palvelu jatkuu vuonna 2019",
        "- Nuorten ääni: päättyi hankkeen mukana",
    ])
    d = draft(text)
    assert {g.label: g.fields["level"] for g in d.of("goals")} == {
        "Sähköiset palvelut": "long-term", "Asiakkaan osallisuus": "long-term"}
    pilots = {a.label: (a.fields["kind"], a.fields.get("outcome")) for a in d.of("actions")}
    assert pilots == {"Vankkuri: vakiinnutettu osaksi perhetyötä": ("pilot", "made-permanent"),
                      "ALKU-palvelu jatkuu vuonna 2019": ("pilot", "continued"),
                      "Nuorten ääni: päättyi hankkeen mukana": ("pilot", "ended")}


def test_organisation_context_line():
    text = "\n".join([
        "Ansvarsområdets namn: Tjänster för vuxna",
        "",
        "| Nyckelmål | Åtgärd | Ansvarig |",
        "|--|--|--|",
        "| Vi satsar på hälsa. | Vi grundar grupper. | servicechefen |",
    ])
    d = draft(text, "sv")
    org = one(d, "organizations", "Tjänster för vuxna")
    assert org.fields["type"] == "responsibility-area"
    assert refs(one(d, "actions", "Vi grundar grupper."), "organization") == ["Tjänster för vuxna"]


def test_responsible_cells_split_into_parties():
    lexicon = Lexicon.load(PATH, ("fi",))
    d = Draft("x.txt", "fi")
    parties = Parties(d, lexicon)
    got = [(p.sheet, p.label) for p in parties.parse(
        "Perusturvalautakunta, senioripalvelupäällikkö, palveluvastaava sekä kotihoidon esimiehet.", 3)]
    assert got == [("organizations", "Perusturvalautakunta"), ("posts", "senioripalvelupäällikkö"),
                   ("posts", "palveluvastaava"), ("posts", "kotihoidon esimies")]  # plural -> the post
    again = parties.parse("Perusturvaltaukunta ja palveluvastaava", 9)  # misspelt by the extraction
    assert again[0] is d.of("organizations")[0]
    assert d.of("organizations")[0].lines == [3, 9]
    assert any("also printed as 'Perusturvaltaukunta'" in n for n in again[0].notes)


def test_target_wordings():
    lexicon = Lexicon.load(PATH)
    t = parse("nousu 5 %:lla vuodesta 2017", lexicon)
    assert (t.value, t.unit, t.comparison, t.baseline_year) == ("5", "percent", "increase-by", "2017")
    t = parse("vähintään 9 k kpl", lexicon)  # ambiguous as extracted
    assert not t.numeric and t.non_numeric == "vähintään 9 k kpl" and t.notes
    t = parse("ökar till minst 80 procent", lexicon)
    assert (t.value, t.unit, t.comparison) == ("80", "percent", "at-least")
    t = parse("Toteutunut toiminta.", lexicon)
    assert not t.numeric


def test_title_row_above_the_header_names_the_spearhead():
    """A table whose first row is one merged title cell (a spreadsheet's or a Word table's caption)."""
    text = "\n".join([
        "## Sheet1",
        "",
        "Strategic priority 2: Wellbeing\t\t\t",
        "Objective\tMeasures\tResponsible unit\tTimetable",
        "Fewer children in care\tFamily work at home\tSocial services\t2024-2026",
    ])
    d = draft(text, "en")
    assert labels(d, "themes") == ["Strategic priority 2: Wellbeing"]
    action = one(d, "actions", "Family work at home")
    assert refs(action, "theme") == ["Strategic priority 2: Wellbeing"]
    assert (action.fields["period_start"], action.fields["period_end"]) == ("2024", "2026")
    assert refs(action, "contributes_to") == ["Fewer children in care"]


def test_english_status_rules():
    """data/status-rules/en.csv classifies English report texts, as fi.csv and sv.csv do."""
    from kuntakg.status import classify, load_status_rules

    rules = load_status_rules(Project().root / "data" / "status-rules")
    got = {text: classify(text, "en", rules) for text in (
        "Completed", "In progress: 12 km built", "Not started due to budget cuts", "Postponed to 2025 (COVID-19)")}
    assert {t: c.status for t, c in got.items()} == {
        "Completed": "done", "In progress: 12 km built": "in-progress",
        "Not started due to budget cuts": "not-started", "Postponed to 2025 (COVID-19)": "postponed"}
    assert got["Not started due to budget cuts"].reasons == ("resources",)
    assert got["Postponed to 2025 (COVID-19)"].reasons == ("covid-19",)


def test_two_header_rows_and_section_rows():
    """A merged 'Tavoitteet' header over two level columns, and spearhead rows merged across the table."""
    text = "\n".join([
        "Tavoitteet\t\tToimenpiteet\tVastuutaho",
        "Pitkän aikavälin\tVuosi 2025\t\t",
        "Hyvinvoiva kunta\t\t\t",
        "Terveet elintavat\tLiikuntaa lisätään\tUimahalli avataan\tLiikuntalautakunta",
        "Turvallinen kunta\t\t\t",
        "Vähemmän onnettomuuksia\tValaistus paranee\tKatuvalot uusitaan\tTekninen lautakunta",
    ])
    d = draft(text)
    assert labels(d, "themes") == ["Hyvinvoiva kunta", "Turvallinen kunta"]
    assert {g.label: g.fields["level"] for g in d.of("goals")} == {
        "Terveet elintavat": "long-term", "Liikuntaa lisätään": "operational",
        "Vähemmän onnettomuuksia": "long-term", "Valaistus paranee": "operational"}
    assert refs(one(d, "goals", "Liikuntaa lisätään"), "contributes_to") == ["Terveet elintavat"]
    action = one(d, "actions", "Katuvalot uusitaan")
    assert refs(action, "contributes_to") == ["Valaistus paranee"]
    assert refs(action, "theme") == ["Turvallinen kunta"]
    assert refs(action, "responsible") == ["Tekninen lautakunta"]


def test_outline_layout_with_colon_keys():
    """A plan written as an outline of paragraphs: "Tavoite 1: …", a list of actions, "Mittari: …"."""
    text = "\n".join([
        "# Hyvinvointisuunnitelma 2025",
        "",
        "Painopiste: Lapset ja nuoret",
        "",
        "**Tavoite 1: Lapset voivat hyvin**",
        "",
        "Toimenpiteet:",
        "",
        "- Perhekeskus avataan",
        "- Kerhoja lisätään",
        "",
        "Mittari: Lastensuojeluilmoitusten määrä vähenee 10 % vuodesta 2023",
        "",
        "Vastuu: Sivistysjohtaja ja perhepalveluiden päällikkö",
        "",
        "Tilanne: Perhekeskus avattiin syksyllä.",
        "",
        "Hankkeen aikana toteutettiin kolme kokeilua: Vankkuri, ALKU ja Perheneuvo",
    ])
    d = draft(text)
    goal = one(d, "goals", "Lapset voivat hyvin")
    assert refs(goal, "theme") == ["Lapset ja nuoret"]
    actions = {a.label: refs(a, "contributes_to") for a in d.of("actions") if a.fields["kind"] == "action"}
    assert actions == {"Perhekeskus avataan": ["Lapset voivat hyvin"], "Kerhoja lisätään": ["Lapset voivat hyvin"]}
    [metric] = d.of("indicators")
    assert set(refs(metric, "measures")) == {"Lapset voivat hyvin", "Perhekeskus avataan", "Kerhoja lisätään"}
    [target] = d.of("targets")
    assert (target.fields["value"], target.fields["comparison"], target.fields["baseline_start"]) == (
        "10", "decrease-by", "2023")
    assert refs(one(d, "actions", "Kerhoja lisätään"), "responsible") == ["Sivistysjohtaja",
                                                                         "perhepalveluiden päällikkö"]
    [assessment] = d.of("assessments")
    assert assessment.fields["text"] == "Perhekeskus avattiin syksyllä."
    assert refs(assessment, "report") == ["Tilanne"]
    pilots = [a.label for a in d.of("actions") if a.fields["kind"] == "pilot"]
    assert pilots == ["Vankkuri", "ALKU", "Perheneuvo"]


def drafted_notes(item: Item) -> list[str]:
    return [n for n in item.notes if n.startswith("DRAFT: ")]


def test_prose_under_an_action_heading_and_a_goal_cue_sentence():
    """Prose (issue 13, second pass): a goal stated in a sentence ("tavoitteena on, että …"), actions
    written as sentences under a heading that names them; each with a DRAFT note, actions linked to the
    goal above; a heading that names no role at the section's depth closes the section."""
    text = "\n".join([
        "# Liikuntaohjelma 2024–2027",
        "",
        "## Hyvinvoiva Kuusimäki",
        "",
        "Kuusimäen tavoitteena on, että jokainen lapsi liikkuu tunnin päivässä. Ohjelma hyväksyttiin keväällä.",
        "",
        "### Toimenpiteet",
        "",
        "Koulujen välitunteja pidennetään. Seurojen kanssa laaditaan kalenteri, esim. Syyslomalle.",
        "",
        "- Uimahallin aukioloja laajennetaan",
        "",
        "## Talous",
        "",
        "Talous on tiukka tänä vuonna. Säästöjä haetaan kaikista menoista.",
    ])
    d = draft(text)
    [goal] = d.of("goals")
    assert goal.label == "Jokainen lapsi liikkuu tunnin päivässä"
    assert goal.source_text == "jokainen lapsi liikkuu tunnin päivässä" and goal.lines == [5]
    assert any("cue 'tavoitteena on, että'" in n for n in drafted_notes(goal))
    actions = {a.label: refs(a, "contributes_to") for a in d.of("actions")}
    assert actions == {
        "Koulujen välitunteja pidennetään.": [goal.label],
        "Seurojen kanssa laaditaan kalenteri, esim. Syyslomalle.": [goal.label],  # no split after "esim."
        "Uimahallin aukioloja laajennetaan": [goal.label],
        "Säästöjä haetaan kaikista menoista.": [],  # a plan sentence after "## Talous" (prose.py)
    }
    for action in d.of("actions"):
        if action.label != "Säästöjä haetaan kaikista menoista.":
            assert any(n.startswith("DRAFT: linked to the nearest goal above it") for n in action.notes)
    sentence = one(d, "actions", "Koulujen välitunteja pidennetään.")
    assert any("read from prose under the heading 'Toimenpiteet' (line 7)" in n for n in sentence.notes)
    # the heading above is their spearhead (not the document's title)
    assert [t.label for t in d.of("themes")] == ["Hyvinvoiva Kuusimäki", "Talous"]
    savings = one(d, "actions", "Säästöjä haetaan kaikista menoista.")
    assert all(refs(i, "theme") == ["Hyvinvoiva Kuusimäki"] for i in d.of("goals") + d.of("actions")
               if i is not savings)
    # "Ohjelma hyväksyttiin keväällä." states no goal (an approval is context); "## Talous" closed the
    # section: its plan sentence (prose.py) serves no goal and has its own spearhead
    assert refs(savings, "contributes_to") == [] and refs(savings, "theme") == ["Talous"]
    assert len(d.items) == 7


def test_prose_sections_in_swedish():
    text = "\n".join([
        "## Våra mål",
        "",
        "Alla barn i kommunen ska ha en trygg skolväg. Vi strävar efter att ingen ungdom står utanför skolan.",
        "",
        "## Åtgärder",
        "",
        "Skolskjutsarna ses över under hösten. Fritidsgårdarna får längre öppettider t.ex. Under loven.",
    ])
    d = draft(text, "sv")
    goals = labels(d, "goals")
    assert goals == ["Alla barn i kommunen ska ha en trygg skolväg.", "Ingen ungdom står utanför skolan"]
    actions = {a.label: refs(a, "contributes_to") for a in d.of("actions")}
    assert actions == {"Skolskjutsarna ses över under hösten.": ["Ingen ungdom står utanför skolan"],
                       "Fritidsgårdarna får längre öppettider t.ex. Under loven.": ["Ingen ungdom står utanför skolan"]}
    assert all(drafted_notes(i) for i in d.items if i.sheet in ("goals", "actions"))


def test_prose_in_english_only_where_a_heading_names_the_section():
    """A bold line "Key actions" opens a section; a long heading that merely mentions pilots does not; a
    paragraph all in italics (template guidance) is skipped; a short paragraph right before a table still
    titles the table."""
    text = "\n".join([
        "## How our pilots became everyday practice in the libraries",
        "",
        "Three trials ran in 2023. Two of them were kept after the review.",
        "",
        "Our aim is to halve the waiting list for home care by 2026.",
        "",
        "**Key actions**",
        "",
        "*Describe each action in one sentence.*",
        "",
        "We hire four more nurses. The night shift gets its own coordinator.",
        "",
        "Safer streets",
        "",
        "Goal\tAction",
        "Fewer accidents\tNew crossings",
    ])
    d = draft(text, "en")
    cue_goal = one(d, "goals", "Halve the waiting list for home care by 2026")
    assert any("cue 'Our aim is to'" in n for n in cue_goal.notes)
    prose = {a.label: refs(a, "contributes_to") for a in d.of("actions") if a.lines[0] == 11}
    assert prose == {"We hire four more nurses.": [cue_goal.label],
                     "The night shift gets its own coordinator.": [cue_goal.label]}
    assert not [i for i in d.items if i.lines and i.lines[0] in (3, 9)]
    table_goal = one(d, "goals", "Fewer accidents")
    assert refs(table_goal, "theme") == ["Safer streets"]
    assert refs(one(d, "actions", "New crossings"), "contributes_to") == ["Fewer accidents"]


def test_prose_section_from_a_plain_short_line_and_numbered_sentences():
    """A section word standing alone on a line (a heading whose style was lost) opens the section;
    numbered paragraphs lose their numbers."""
    text = "\n".join([
        "Vuosisuunnitelma 2025",
        "",
        "Toimenpiteet",
        "",
        "1. Kirjaston aukioloaikoja pidennetään iltaisin.",
        "",
        "2. Lukupiirejä järjestetään kaikissa kouluissa.",
    ])
    d = draft(text)
    assert labels(d, "actions") == ["Kirjaston aukioloaikoja pidennetään iltaisin.",
                                     "Lukupiirejä järjestetään kaikissa kouluissa."]
    assert one(d, "actions", "Lukupiirejä järjestetään kaikissa kouluissa.").lines == [7]


def test_metric_named_from_its_target_statement():
    """A metric cell that states its target is named by the words before its change word (last word
    in its base form), in fi, sv and en; a cell with no number keeps its wording."""
    cases = [
        ("fi", "Tavoite\tMittari", "Kirjasto on avoinna\tKirjastokäyntien määrän kasvu 8 % vuodesta 2022",
         "Kirjastokäyntien määrä", "8"),
        ("fi", "Tavoite\tMittari", "Jonot lyhenevät\tOdotusajan lyhentäminen 10 päivään", "Odotusaika", "10"),
        ("fi", "Tavoite\tMittari", "Ohjaus paranee\tOhjaajien lisääminen kahdesta neljään", "Ohjaajien määrä", "4"),
        ("sv", "Mål\tMätare", "Fler digitala tjänster\tAndelen digitala besök ökar med 12 %",
         "Andelen digitala besök", "12"),
        ("en", "Goal\tIndicator", "Easier booking\tShare of online bookings rises to 45 %",
         "Share of online bookings", "45"),
    ]
    for lang, header, row, name, value in cases:
        d = draft(f"{header}\n{row}\n", lang)
        metric = one(d, "indicators", name)
        assert metric.source_text == row.split("\t")[1]
        assert any(n.startswith("DRAFT: metric named from its target statement") for n in metric.notes)
        [target] = d.of("targets")
        assert target.refs["indicator"] == [metric] and target.fields["value"] == value, (lang, target.fields)
    d = draft("Tavoite\tMittari\nKirjasto on avoinna\tKirjastokäyntien määrä kasvaa\n")
    assert labels(d, "indicators") == ["Kirjastokäyntien määrä kasvaa"]


def test_headings_inside_a_prose_section_name_its_items():
    """Under "Strategiset tavoitteet", each sub-heading is a goal and its paragraph its description; under
    "Toimenpiteet" each sub-heading is an action serving the goal above; an outline heading "Mål 2: …"
    stays an outline item."""
    text = "\n".join([
        "## Strategiset tavoitteet",
        "",
        "### 1. Turvallinen koulutie",
        "",
        "Jokainen oppilas kulkee kouluun turvallisesti. Liikenne rauhoitetaan koulujen lähellä.",
        "",
        "### Toimenpiteet",
        "",
        "#### Suojateiden valaistus",
        "",
        "Valaistus uusitaan kymmenellä suojatiellä.",
    ])
    d = draft(text)
    goal = one(d, "goals", "Turvallinen koulutie")
    assert goal.fields["description"] == ("Jokainen oppilas kulkee kouluun turvallisesti. Liikenne rauhoitetaan "
                                          "koulujen lähellä.")
    assert goal.fields["level"] == "strategic" and goal.lines == [3, 5]
    assert any("read as a goal" in n for n in goal.notes)
    action = one(d, "actions", "Suojateiden valaistus")
    assert refs(action, "contributes_to") == ["Turvallinen koulutie"]
    assert action.fields["description"] == "Valaistus uusitaan kymmenellä suojatiellä."
    assert len(d.of("goals")) == 1 and len(d.of("actions")) == 1

    sv = draft("\n".join([
        "## Mål 2: Tryggare skolvägar",
        "",
        "Fler övergångsställen får belysning under året.",
    ]), "sv")
    assert labels(sv, "goals") == ["Tryggare skolvägar"]
    assert not sv.of("actions")


def test_action_cue_sentences_below_a_goal():
    """Outside any named section, a sentence with an action cue ("we will", "vi kommer att", "aiomme")
    below a goal read from text serves it; in a plan written as paragraphs (prose.py) a plan sentence with
    no goal above is still a candidate action, serving none."""
    en = draft("\n".join([
        "## Housing",
        "",
        "Our goal is to end rough sleeping by 2028. We will open two more shelters in the town centre.",
        "",
        "## Transport",
        "",
        "We will repaint the bus shelters.",
    ]), "en")
    goal = one(en, "goals", "End rough sleeping by 2028")
    action = one(en, "actions", "Open two more shelters in the town centre")
    assert refs(action, "contributes_to") == [goal.label]
    assert any("an action read from a sentence of prose (cue 'We will')" in n for n in action.notes)
    # "## Transport" closed the goal's section: its plan sentence serves no goal
    assert refs(one(en, "actions", "We will repaint the bus shelters."), "contributes_to") == []
    sv = draft("Målet är att alla bibliotek är öppna på kvällen. Vi kommer att anställa två bibliotekarier.", "sv")
    assert [(a.label, refs(a, "contributes_to")) for a in sv.of("actions")] == [
        ("Anställa två bibliotekarier", ["Alla bibliotek är öppna på kvällen"])]
    fi = draft("Tavoitteena on puhtaampi järvi. Aiomme rakentaa kolme kosteikkoa valuma-alueelle.")
    assert [a.label for a in fi.of("actions")] == ["Rakentaa kolme kosteikkoa valuma-alueelle"]


def test_numbered_items_run_together_in_a_cell():
    """A cell holding a numbered list run into one line is one item per number (in order); a number that
    breaks the order stays inside its item."""
    fi = draft("Tavoite\tToimenpiteet\nPuistot ovat siistejä\t1. Roska-astioita lisätään. 2. Talkoot "
               "järjestetään 5. kerran. 3. Valaistus uusitaan\n")
    assert labels(fi, "actions") == ["Roska-astioita lisätään.", "Talkoot järjestetään 5. kerran.",
                                     "Valaistus uusitaan"]
    assert all(refs(a, "contributes_to") == ["Puistot ovat siistejä"] for a in fi.of("actions"))
    sv = draft("Mål\tÅtgärder\nRenare stränder\t1) Fler soptunnor 2) Städdagar varje vår\n", "sv")
    assert labels(sv, "actions") == ["Fler soptunnor", "Städdagar varje vår"]
    en = draft("Goal\tActions\nSafer parks\t1. New lights <br> 2. Wardens at night\n", "en")
    assert labels(en, "actions") == ["New lights", "Wardens at night"]


def test_spearhead_of_prose_items_is_the_enclosing_heading():
    """Items read under a section take the heading that encloses the section as their spearhead: not an
    earlier sibling, not a heading that names a role or an organisation, not the title."""
    text = "\n".join([
        "# Strategy for Westby",
        "",
        "## 1. Where we stand",
        "",
        "Westby has 12 000 residents.",
        "",
        "## 2. Goals and actions",
        "",
        "### 2.1 Goals",
        "",
        "- Every child can swim by the age of ten",
        "",
        "## 3. Green Westby",
        "",
        "### Actions",
        "",
        "We plant a tree for every newborn.",
        "",
        "## Parks department",
        "",
        "### Goals",
        "",
        "- Playgrounds within 500 m of every home",
    ])
    d = draft(text, "en")
    assert refs(one(d, "goals", "Every child can swim by the age of ten"), "theme") == []
    assert refs(one(d, "actions", "We plant a tree for every newborn."), "theme") == ["Green Westby"]
    assert refs(one(d, "goals", "Playgrounds within 500 m of every home"), "theme") == []
    assert [t.label for t in d.of("themes")] == ["Green Westby"]
