"""Plan files laid out unlike any of the five seed documents (issue 13: the drafter is also checked on
files laid out differently from anything in the repository). Each builder writes a real original file
(Word, PDF, Excel, text or Markdown) in Finnish, Swedish or English; tests/test_draft_unseen.py drafts
them and asserts the rows a reviewer would expect."""
from __future__ import annotations

from pathlib import Path
from typing import Any

FONTS = Path("/usr/share/fonts/truetype/dejavu")


def _docx_table(document: Any, rows: list[list[str]], merges: list[tuple[int, int, int]] = ()) -> None:  # type: ignore[assignment]
    """A table with a header row; `merges` are (column, first row, last row) of vertically merged cells."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            if text:
                table.cell(i, j).text = text
    for col, first, last in merges:
        table.cell(first, col).merge(table.cell(last, col))


def swedish_strategy_docx(path: Path) -> Path:
    """Borgå: a Swedish strategy, spearheads as numbered Heading 2, seven columns with a status column."""
    import docx

    d = docx.Document()
    d.add_heading("Borgå stads strategi 2022–2025", level=1)
    d.add_paragraph("Stadsfullmäktige godkände strategin den 14 juni 2022.")
    header = ["Strategiskt mål", "Åtgärd", "Mätare", "Målvärde", "Ansvarig", "Tidtabell", "Uppföljning"]
    d.add_heading("1. Livskraftig stad", level=2)
    _docx_table(d, [header,
                    ["Företagen trivs i Borgå", "Vi inrättar en företagslots för nya företagare",
                     "Antal nya företag per år", "minst 250 företag", "Näringslivsenheten", "2023", "Genomfört"],
                    ["", "Planläggningen av arbetsplatsområden påskyndas", "Handläggningstid för detaljplaner",
                     "från 12 till 8 månader", "Stadsplaneringschefen", "2022–2024", "Pågår"]],
                merges=[(0, 1, 2)])
    d.add_heading("2. Hållbar vardag", level=2)
    _docx_table(d, [header,
                    ["Koldioxidutsläppen minskar", "Stadens personbilar byts till elbilar",
                     "Utsläpp per invånare", "högst 4 ton", "Tekniska nämnden och miljönämnden", "2025",
                     "Uppskjutet till 2024"],
                    ["Barn och unga mår bra", "Elevvården förstärks med två nya kuratorer",
                     "Andelen elever som mår bra", "minst 80 %", "Bildningsdirektören", "2023",
                     "Inte påbörjat"]])
    d.save(str(path))
    return path


def english_markdown(path: Path) -> Path:
    """An English plan in Markdown: a pipe table with KPI, owner and traffic-light status words."""
    path.write_text(
        "# Pori Climate Action Plan 2024–2026\n\n"
        "Adopted by the City Council on 12 February 2024.\n\n"
        "## Priority 1: Clean energy\n\n"
        "| Objective | Key actions | KPI | Target 2025 | Owner | Status |\n"
        "|---|---|---|---|---|---|\n"
        "| Emissions from heating fall | Convert the oil-heated schools to heat pumps | Oil-heated schools | "
        "at most 2 schools | Facilities Department | ✓ completed |\n"
        "| | Install solar panels on public buildings | Solar capacity (kWp) | at least 500 kWp | "
        "Technical Services | on track |\n\n"
        "## Priority 2: Smart mobility\n\n"
        "| Objective | Key actions | KPI | Target 2025 | Owner | Status |\n"
        "|---|---|---|---|---|---|\n"
        "| More trips are made by bicycle | Build 15 km of new cycle paths | Share of cycling trips | "
        "at least 15 % | Urban Environment Division | delayed |\n"
        "| | Open a city bike scheme | City bike rides per year | more than 50000 rides | Mobility Manager | "
        "✗ not started |\n",
        encoding="utf-8")
    return path


def scorecard_xlsx(path: Path) -> Path:
    """Lohja: a balanced scorecard workbook, perspective cells blank below their first row, a baseline
    and a target column."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Tuloskortti 2025"
    ws.append(["Näkökulma", "Strateginen tavoite", "Mittari", "Lähtötaso 2022", "Tavoitetaso 2025", "Vastuutaho"])
    ws.append(["Asiakas", "Asukkaat ovat tyytyväisiä palveluihin", "Asukastyytyväisyys (asteikko 1–5)", "3,6",
               "vähintään 4,0", "Kaupunginhallitus"])
    ws.append([None, "Palvelut ovat saavutettavia", "Sähköisten palvelujen osuus", "40 %", "vähintään 80 %",
               "Digipalveluyksikkö"])
    ws.append(["Talous", "Talous on tasapainossa", "Vuosikate", "1,2 M€", "vähintään 5 M€", "Talousjohtaja"])
    ws.append([None, "Velkaantuminen pysähtyy", "Lainakanta euroa per asukas", "4 100", "alle 4 000 euroa/asukas",
               "Kaupunginvaltuusto"])
    ws.append(["Henkilöstö", "Henkilöstö voi hyvin", "Sairauspoissaolopäivät henkilöä kohden", "16",
               "enintään 12 päivää", "Henkilöstöjohtaja"])
    book.save(path)
    return path


def numbered_outline_txt(path: Path) -> Path:
    """Loviisa: a numbered outline, goals as "1.1 Tavoite: …" and actions, metrics, owners as dashed keys."""
    path.write_text(
        "Loviisan kaupungin hyvinvointisuunnitelma 2023–2025\n\n"
        "1. Elinvoima\n\n"
        "1.1 Tavoite: Kaupungin työpaikkojen määrä kasvaa.\n"
        "- Toimenpide: Yritysneuvontaa tehostetaan yhdessä kehitysyhtiön kanssa.\n"
        "- Toimenpide: Kaavoitetaan uusi yritysalue sataman läheisyyteen.\n"
        "- Mittari: Työpaikkojen määrä vähintään 6 000\n"
        "- Vastuu: Elinkeinojohtaja\n\n"
        "1.2 Tavoite: Matkailijoiden määrä kasvaa.\n"
        "- Toimenpide: Matkailun markkinointi uudistetaan.\n"
        "- Mittari: Yöpymisten määrä vähintään 90 000\n"
        "- Vastuu: Matkailukoordinaattori\n\n"
        "2. Hyvinvointi\n\n"
        "2.1 Tavoite: Ikäihmiset asuvat kotona pidempään.\n"
        "- Toimenpide: Kotihoidon iltakäynnit lisätään.\n"
        "- Toimenpide: Perustetaan liikuntaryhmä ikäihmisille.\n"
        "- Mittari: Kotona asuvien 75 vuotta täyttäneiden osuus vähintään 92 %\n"
        "- Vastuu: Perusturvalautakunta\n",
        encoding="utf-8")
    return path


def key_value_md(path: Path) -> Path:
    """A key-value block per goal: "Tavoite:", "Toimenpiteet:" and a list, "Mittarit:", "Vastuu:"."""
    path.write_text(
        "# Porvoon ympäristöohjelma 2024–2027\n\n"
        "## Ilmasto\n\n"
        "Tavoite: Kaupungin omat päästöt vähenevät.\n\n"
        "Toimenpiteet:\n\n"
        "- Katuvalot vaihdetaan LED-valaisimiin.\n"
        "- Kaupungin henkilöautot vaihdetaan sähköautoihin.\n\n"
        "Mittarit: Kaupungin kiinteistöjen sähkönkulutus alle 30 GWh vuodessa\n\n"
        "Vastuu: Tekninen lautakunta\n\n"
        "Aikataulu: 2024–2026\n\n"
        "## Luonto\n\n"
        "Tavoite: Luonnon monimuotoisuus säilyy.\n\n"
        "Toimenpiteet:\n\n"
        "- Perustetaan kolme uutta luonnonsuojelualuetta.\n"
        "- Niittyjä hoidetaan vapaaehtoisten kanssa.\n\n"
        "Mittarit: Suojelualueiden pinta-ala vähintään 1 200 hehtaaria\n\n"
        "Vastuu: Ympäristölautakunta\n\n"
        "Aikataulu: 2025\n",
        encoding="utf-8")
    return path


def action_rows_xlsx(path: Path) -> Path:
    """Pori: one row per action, the goal repeated on each row or left blank for "same as above", a
    running number and a cost column the lexicon does not know."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Toimenpideohjelma"
    ws.append(["Nro", "Tavoite", "Toimenpide", "Vastuuhenkilö", "Aikataulu", "Kustannusarvio"])
    ws.append([1, "Nuorten syrjäytyminen vähenee", "Etsivää nuorisotyötä laajennetaan", "Nuorisopalvelupäällikkö",
               "2024", "40 000 €"])
    ws.append([2, "Nuorten syrjäytyminen vähenee", "Kesätyöseteli kaikille 9.-luokkalaisille",
               "Työllisyyspalvelut", "2024–2025", "120 000 €"])
    ws.append([3, None, "Harrastamisen Suomen mallia laajennetaan kaikkiin kouluihin", "Sivistysjohtaja", "2025",
               ""])
    ws.append([4, "Kaupunkilaiset liikkuvat enemmän", "Lähiliikuntapaikkoja kunnostetaan", "Liikuntapalvelut",
               "2024", "200 000 €"])
    ws.append([5, "Kaupunkilaiset liikkuvat enemmän", "Liikuntaneuvontaa tarjotaan terveysasemilla",
               "Terveyspalvelut", "2025", ""])
    book.save(path)
    return path


def merged_goals_docx(path: Path) -> Path:
    """Lohja: spearheads as Heading 2, a goal cell merged down over the rows of its actions, a column
    header that names both metric and target."""
    import docx

    d = docx.Document()
    d.add_heading("Lohjan sivistystoimen toimintasuunnitelma 2025", level=1)
    d.add_paragraph("Suunnitelma toteuttaa kaupunkistrategiaa sivistystoimen osalta.")
    header = ["Tavoite", "Toimenpiteet", "Mittari ja tavoitetaso", "Vastuu"]
    d.add_heading("Oppimisen ilo", level=2)
    _docx_table(d, [header,
                    ["Jokainen oppilas saa tarvitsemansa tuen", "Erityisopettajien määrää lisätään",
                     "Tukea saavien oppilaiden osuus vähintään 95 %", "Opetuspalvelut"],
                    ["", "Samanaikaisopetusta lisätään alakouluissa", "", "Rehtorit"],
                    ["", "Oppilashuollon palaveri kerran kuussa jokaisessa koulussa", "", "Koulukuraattorit"]],
                merges=[(0, 1, 3), (2, 1, 3)])
    d.add_heading("Harrastukset kaikille", level=2)
    _docx_table(d, [header,
                    ["Jokaisella lapsella on harrastus", "Koulupäivän yhteyteen tuodaan maksuttomia kerhoja",
                     "Harrastavien lasten osuus vähintään 90 %", "Nuoriso- ja liikuntapalvelut"],
                    ["", "Kirjasto järjestää lukudiplomin kaikille neljäsluokkalaisille", "", "Kirjastopalvelut"]],
                merges=[(0, 1, 2), (2, 1, 2)])
    d.save(str(path))
    return path


def interim_report_pdf(path: Path) -> Path:
    """Pori: a PDF interim report, a ruled table with a status column (Toteutunut / Osittain toteutunut /
    Ei toteutunut / Kesken), percentage and euro targets."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, "Talous- ja hyvinvointiohjelman osavuosiraportti 1–8/2024", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 8, "Kaupunginhallitus 23.9.2024", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [["Tavoite", "Toimenpide", "Mittari", "Tavoitetaso", "Tilanne 31.8.2024"],
            ["Talous on tasapainossa", "Tilankäyttöä tehostetaan", "Tyhjien tilojen kustannukset",
             "alle 2 M€", "Toteutunut"],
            ["Talous on tasapainossa", "Hankintoja keskitetään", "Keskitettyjen hankintojen osuus",
             "vähintään 80 %", "Osittain toteutunut"],
            ["Asiakkaat saavat palvelua nopeasti", "Sosiaalityön jonot puretaan", "Odotusaika",
             "enintään 7 päivää", "Ei toteutunut"],
            ["Asiakkaat saavat palvelua nopeasti", "Ajanvaraus avataan verkossa", "Verkossa varattujen aikojen osuus",
             "vähintään 30 %", "Kesken"]]
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=(55, 60, 55, 35, 45), first_row_as_headings=True) as table:
        for row in rows:
            r = table.row()
            for text in row:
                r.cell(text)
    pdf.output(str(path))
    return path


def swedish_report_txt(path: Path) -> Path:
    """Lovisa: a Swedish follow-up as text, key-value blocks with a status key and a "från … till" target."""
    path.write_text(
        "Lovisa stads välfärdsplan – uppföljning 2024\n\n"
        "Mål: Äldre bor hemma längre.\n"
        "Åtgärd: Hemvården utökar kvällsbesöken.\n"
        "Mätare: Väntetid till hemvård från 12 till 8 dagar\n"
        "Ansvarig: Grundtrygghetsnämnden\n"
        "Läge: Genomfört\n\n"
        "Mål: Barnfamiljer får stöd i tid.\n"
        "Åtgärd: Familjecentret öppnas i centrum.\n"
        "Mätare: Andelen familjer som får stöd inom en vecka minst 90 %\n"
        "Ansvarig: Familjetjänsternas chef\n"
        "Läge: Pågår\n",
        encoding="utf-8")
    return path


def english_traffic_light_docx(path: Path) -> Path:
    """An English implementation plan: several key actions as bullets in one cell, owners as job titles
    and a status column of check marks and traffic-light colours."""
    import docx

    d = docx.Document()
    d.add_heading("Porvoo Culture and Leisure Implementation Plan 2025", level=1)
    d.add_paragraph("Approved by the Culture and Leisure Board on 3 March 2025.")
    d.add_heading("Theme: Culture for everyone", level=2)
    rows = [["Objective", "Key actions", "KPI", "Target 2025", "Owner", "Status"],
            ["Every child takes part in culture", "", "Pupils reached by the culture path", "at least 95 %",
             "Head of Culture", "Green"],
            ["Library services reach new users", "", "Library visits per year", "more than 400 000 visits",
             "Library Director", "✓"],
            ["Events are accessible", "Publish accessibility information for every event", "", "",
             "Events Coordinator", "Amber"],
            ["", "Train event staff in accessible services", "Staff trained", "at least 40 staff",
             "Events Coordinator", "✗"]]
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            if text:
                table.cell(i, j).text = text
    for i, actions in ((1, ["Culture path visits for every school class", "Free art workshops in holidays"]),
                       (2, ["Open the library on Sundays", "Bring the mobile library to new housing areas"])):
        cell = table.cell(i, 1)
        first = True
        for action in actions:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            paragraph.style = "List Bullet"
            paragraph.add_run(action)
            first = False
    d.save(str(path))
    return path


def swedish_goal_cards_docx(path: Path) -> Path:
    """Lovisa: one two-column "card" table per goal (key in the first column, value in the second),
    under a Heading 2 spearhead, actions as bullets inside the value cell."""
    import docx

    d = docx.Document()
    d.add_heading("Lovisa stads bildningsplan 2025–2027", level=1)
    cards = [("Lärande", [("Mål", "Alla elever når grundläggande läsfärdighet."),
                          ("Åtgärder", ["Läsveckor i alla lågstadieskolor", "Skolbiblioteken förnyas"]),
                          ("Mätare", "Andelen elever med god läsfärdighet minst 85 %"),
                          ("Ansvarig", "Bildningsnämnden"),
                          ("Tidtabell", "2025–2026")]),
             ("Fritid", [("Mål", "Unga har en meningsfull fritid."),
                         ("Åtgärder", ["Ungdomsgården hålls öppen på fredagskvällar"]),
                         ("Mätare", "Antal besök på ungdomsgården minst 6 000"),
                         ("Ansvarig", "Ungdomschefen"),
                         ("Tidtabell", "2025")])]
    for theme, rows in cards:
        d.add_heading(theme, level=2)
        table = d.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        for i, (key, value) in enumerate(rows):
            table.cell(i, 0).text = key
            if isinstance(value, list):
                cell = table.cell(i, 1)
                for j, text in enumerate(value):
                    paragraph = cell.paragraphs[0] if j == 0 else cell.add_paragraph()
                    paragraph.style = "List Bullet"
                    paragraph.add_run(text)
            else:
                table.cell(i, 1).text = value
    d.save(str(path))
    return path


def bold_keys_md(path: Path) -> Path:
    """Pori: a Markdown plan whose goals are level-3 headings "Tavoite 1.1: …", with bold inline keys
    ("**Mittari:** …") and a bold list heading before the actions."""
    path.write_text(
        "# Porin liikenneturvallisuussuunnitelma 2025–2028\n\n"
        "## Turvallinen koulumatka\n\n"
        "### Tavoite 1.1: Koulumatkat ovat turvallisia kävellen ja pyöräillen.\n\n"
        "**Toimenpiteet**\n\n"
        "- Koulujen ympäristöön rakennetaan korotettuja suojateitä.\n"
        "- Nopeusrajoitus lasketaan 30 km/h:iin koulujen läheisyydessä.\n\n"
        "**Mittari:** Koulumatkalla loukkaantuneiden lasten määrä enintään 2 vuodessa\n\n"
        "**Vastuu:** Kaupunkiympäristön toimiala\n\n"
        "## Ikäihmisten liikkuminen\n\n"
        "### Tavoite 2.1: Ikäihmiset liikkuvat turvallisesti.\n\n"
        "**Toimenpiteet**\n\n"
        "- Talvikunnossapitoa tehostetaan palvelutalojen ympäristössä.\n\n"
        "**Mittari:** Liukastumisonnettomuuksien määrä vähenee 20 %\n\n"
        "**Vastuu:** Tekninen lautakunta\n",
        encoding="utf-8")
    return path
