"""Issue 13: drafts from real DOCX, PDF and XLSX files laid out the ways town plans are, made here with
python-docx, reportlab and openpyxl: merged cells, a table over several PDF pages with its header
repeated, a row split by a page break, paragraphs inside a cell told by line geometry and spacing, an
unruled and a partly ruled PDF table, Swedish headers, localised Word heading styles, content controls,
nested tables, empty report cells, two tables on one sheet. Each file is drafted (kuntakg.draft.run)
and the drafted rows are checked. The texts are written for these tests, not taken from the seeds."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kuntakg.draft.errors import DraftError
from kuntakg.draft.lexicon import Lexicon
from kuntakg.draft.run import draft, extract, lexicon_path
from kuntakg.ingest.tabular import read_tables
from kuntakg.project import Project

FONTS = Path("/usr/share/fonts/truetype/dejavu")
LEXICON = Lexicon.load(lexicon_path(Project()))


def drafted(path: Path, tmp_path: Path, language: str = "fi") -> dict[str, list[dict[str, str]]]:
    """The draft folder's rows per sheet (the file drafted for Pori, 609, into tmp_path)."""
    result = draft(path, "609", Project(), doc_id="test-plan", language=language, out=tmp_path / "test-plan",
                   sources=tmp_path / "sources", force=True, run_review=False)
    assert result.folder is not None
    tables, errors = read_tables(result.folder)
    assert not errors, errors
    return {sheet: [{k: v.strip() for k, v in r.cells.items()} for r in rows] for sheet, rows in tables.items()}


def labels(rows: dict[str, list[dict[str, str]]], sheet: str) -> list[str]:
    return [r["label"] for r in rows.get(sheet, [])]


def goal_of(rows: dict[str, list[dict[str, str]]], action: str) -> str:
    """The label of the goal an action contributes to."""
    goals = {g["id"]: g["label"] for g in rows["goals"]}
    [row] = [a for a in rows["actions"] if a["label"] == action]
    return goals[row["contributes_to"]]


# -- PDF (reportlab) -------------------------------------------------------------------------------
def _styles() -> tuple[Any, Any]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=11)
    heading = ParagraphStyle("heading", fontName="DejaVu-Bold", fontSize=15, leading=19, spaceAfter=6)
    return body, heading


def write_pdf(path: Path, story: list[Any]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    SimpleDocTemplate(str(path), pagesize=A4, topMargin=50, bottomMargin=50).build(story)
    return path


def ruled(rows: list[list[Any]], widths: list[float], **options: Any) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("FONTNAME", (0, 0), (-1, -1), "DejaVu")])
    return Table(rows, colWidths=widths, style=style, **options)


def cell(body: Any, *paragraphs: str) -> list[Any]:
    from reportlab.platypus import Paragraph

    return [Paragraph(p, body) for p in paragraphs]


def test_pdf_table_over_pages_with_repeated_header(tmp_path):
    from reportlab.platypus import Paragraph

    body, heading = _styles()
    rows: list[list[Any]] = [[cell(body, "Tavoite"), cell(body, "Toimenpide"), cell(body, "Mittari")]]
    for n in range(1, 31):
        rows.append([cell(body, f"Kirjasto {n} palvelee iltaisin entistä useampia kuntalaisia."),
                     cell(body, f"Laajennetaan kirjaston {n} aukioloaikoja omatoimikirjastoksi.",
                          f"Koulutetaan {n}. vapaaehtoisryhmä lukupiirien vetäjiksi."),
                     cell(body, f"Lainausten määrä kasvaa {n} %")])
    path = write_pdf(tmp_path / "kirjasto.pdf", [Paragraph("Kirjastopalvelujen ohjelma", heading),
                                                 ruled(rows, [150, 220, 110], repeatRows=1)])
    _, text = extract(path, LEXICON)
    assert text.count("Tavoite\tToimenpide\tMittari") == 1  # one table, the repeated header dropped
    got = drafted(path, tmp_path)
    assert len(got["goals"]) == 30 and len(got["actions"]) == 60
    assert "Tavoite" not in labels(got, "goals")
    assert goal_of(got, "Koulutetaan 30. vapaaehtoisryhmä lukupiirien vetäjiksi.") == \
        "Kirjasto 30 palvelee iltaisin entistä useampia kuntalaisia."
    assert len(got["indicators"]) == 30
    assert sorted(int(t["value"]) for t in got["targets"] if t.get("value")) == list(range(1, 31))


def test_pdf_row_split_by_a_page_break_is_joined(tmp_path):
    from reportlab.platypus import Paragraph, Spacer

    body, heading = _styles()
    long_action = ("Rakennetaan yhdessä kylätoimikuntien kanssa joukkoliikenteen kutsutaksiverkosto, joka kattaa "
                   "kaikki haja-asutusalueen kylät ja liittyy keskustan vuoroihin. ") * 6
    rows = [cell(body, "Tavoite"), cell(body, "Toimenpide"), cell(body, "Vastuu")], \
        [cell(body, "Kylistä pääsee keskustaan ilman omaa autoa."), cell(body, long_action.strip()),
         cell(body, "Tekninen lautakunta")]
    story = [Paragraph("Liikenneohjelma", heading), Spacer(1, 600),
             ruled([list(r) for r in rows], [150, 250, 100], repeatRows=1, splitInRow=1)]
    path = write_pdf(tmp_path / "liikenne.pdf", story)
    _, text = extract(path, LEXICON)
    table = [line for line in text.splitlines() if "\t" in line]
    assert len(table) == 2  # the header and the one row, its two parts joined
    assert table[1].startswith("Kylistä pääsee keskustaan ilman omaa autoa.\t" + long_action.strip()[:200])
    got = drafted(path, tmp_path)
    assert labels(got, "goals") == ["Kylistä pääsee keskustaan ilman omaa autoa."]
    assert all(goal_of(got, a) == "Kylistä pääsee keskustaan ilman omaa autoa." for a in labels(got, "actions"))
    assert "liittyy keskustan vuoroihin" in " ".join(labels(got, "actions"))


def test_pdf_paragraphs_in_a_cell_and_hyphenated_words(tmp_path):
    """Two paragraphs of a cell (paragraph spacing, or a short line before a word that would have fitted)
    are two actions; a word hyphenated at a line end is joined, 'sosiaali- ja' keeps its hyphen."""
    from reportlab.platypus import Paragraph

    body, heading = _styles()
    rows = [cell(body, "Tavoite"), cell(body, "Toimenpide"), cell(body, "Mittari")], \
        [cell(body, "Ikäihmiset asuvat kotona pidempään."),
         cell(body, "Lisätään kotihoidon iltakäyntejä.", "Otetaan käyttöön etäkotihoito kaikissa sosiaali- "
              "ja terveyskeskuksissa ja terveysasemilla vuoden aikana."),
         cell(body, "Kotona asuvien 75 vuotta täyttäneiden osuus kasvaa")]
    path = write_pdf(tmp_path / "koti.pdf", [Paragraph("Vanhuspalvelut", heading),
                                             ruled([list(r) for r in rows], [150, 150, 150], repeatRows=1)])
    got = drafted(path, tmp_path)
    assert labels(got, "actions") == [
        "Lisätään kotihoidon iltakäyntejä.",
        "Otetaan käyttöön etäkotihoito kaikissa sosiaali- ja terveyskeskuksissa ja terveysasemilla vuoden aikana."]


def test_pdf_justified_cell_paragraphs(tmp_path):
    """In justified text a paragraph's last line stops short of the edge while wrapped lines reach it: the
    next paragraph is told even when its first long word would not have fitted after that line."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    body, heading = _styles()
    justified = ParagraphStyle("justified", parent=body, alignment=TA_JUSTIFY)
    first = ("Kehitetään koulujen oppilashuoltoa yhdessä nuorisopalvelujen kanssa niin, että tuki on lähellä "
             "oppilaita koko lukuvuoden.")
    second = "Oppilashuoltohenkilöstön määrää lisätään kahdella kuraattorilla."
    rows = [[cell(body, "Tavoite"), cell(body, "Toimenpide")],
            [cell(body, "Oppilaat voivat hyvin."), [Paragraph(first, justified), Paragraph(second, justified)]]]
    path = write_pdf(tmp_path / "koulu.pdf", [Paragraph("Opetuspalvelut", heading), ruled(rows, [150, 160])])
    got = drafted(path, tmp_path)
    assert labels(got, "actions") == [first, second]


def test_pdf_unruled_tables_beside_a_ruled_one_and_headings_between(tmp_path):
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    body, heading = _styles()
    plain = TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVu"), ("FONTSIZE", (0, 0), (-1, -1), 9),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    first = Table([["Tavoite", "Toimenpide", "Vastuuhenkilö"],
                   ["Puistot ovat siistejä.", "Lisätään roska-astioita.", "puistopäällikkö"],
                   ["", "Järjestetään siivoustalkoot.", "kaupunginpuutarhuri"]],
                  colWidths=[160, 180, 120], style=plain)
    second = Table([["Tavoite", "Toimenpide", "Vastuuhenkilö"],
                    ["Liikuntapaikat ovat esteettömiä.", "Rakennetaan luiskat halleihin.", "liikuntajohtaja"]],
                   colWidths=[160, 180, 120], style=plain)
    ruled_first = ruled([[cell(body, "Tavoite"), cell(body, "Toimenpide"), cell(body, "Vastuuhenkilö")],
                        [cell(body, "Kirjasto on kohtaamispaikka."), cell(body, "Avataan kirjastokahvila."),
                         cell(body, "kirjastotoimenjohtaja")]], [160, 180, 120])
    path = write_pdf(tmp_path / "ympäristö.pdf", [Paragraph("Kirjasto", heading), ruled_first, Spacer(1, 20),
                                                  Paragraph("Viheralueet", heading), first, Spacer(1, 20),
                                                  Paragraph("Liikunta", heading), second])
    _, text = extract(path, LEXICON)
    assert "## Kirjasto" in text and "## Viheralueet" in text and "## Liikunta" in text
    got = drafted(path, tmp_path)
    assert labels(got, "goals") == ["Kirjasto on kohtaamispaikka.", "Puistot ovat siistejä.",
                                    "Liikuntapaikat ovat esteettömiä."]
    assert goal_of(got, "Järjestetään siivoustalkoot.") == "Puistot ovat siistejä."
    assert goal_of(got, "Rakennetaan luiskat halleihin.") == "Liikuntapaikat ovat esteettömiä."


def test_pdf_table_with_horizontal_rules_only(tmp_path):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    body, heading = _styles()
    style = TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEABOVE", (0, 0), (-1, 0), 1, colors.black)])
    rows = [cell(body, "Mål"), cell(body, "Åtgärd"), cell(body, "Mätare"), cell(body, "Ansvarig enhet och person")], \
        [cell(body, "Fler unga deltar i fritidsverksamhet."),
         cell(body, "Vi öppnar ett nytt ungdomscafé i centrum som har öppet även under veckosluten."),
         cell(body, "Antalet besökare"), cell(body, "ungdomsledaren")], \
        [cell(body, ""), cell(body, "Vi ordnar sommarjobb för skolelever."), cell(body, "Antalet sommarjobb"),
         cell(body, "personalchefen")]
    path = write_pdf(tmp_path / "fritid.pdf", [Paragraph("Fritidsprogram", heading),
                                               Table([list(r) for r in rows], colWidths=[120, 170, 90, 90],
                                                     style=style)])
    _, text = extract(path, LEXICON)
    assert "Mål\tÅtgärd\tMätare\tAnsvarig enhet och person\n" in text  # the header's wrapped cell is one cell
    got = drafted(path, tmp_path, language="sv")
    assert labels(got, "goals") == ["Fler unga deltar i fritidsverksamhet."]
    assert labels(got, "actions") == [
        "Vi öppnar ett nytt ungdomscafé i centrum som har öppet även under veckosluten.",
        "Vi ordnar sommarjobb för skolelever."]
    assert goal_of(got, "Vi ordnar sommarjobb för skolelever.") == "Fler unga deltar i fritidsverksamhet."
    assert {"Antalet besökare", "Antalet sommarjobb"} <= set(labels(got, "indicators"))


def test_pdf_running_header_and_page_numbers_do_not_break_a_table(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body, heading = _styles()

    def furniture(canvas: Any, document: Any) -> None:
        canvas.setFont("DejaVu", 8)
        canvas.drawString(50, A4[1] - 30, "Esimerkkilän kaupunki – Ympäristöohjelma 2027")
        canvas.drawString(A4[0] - 80, 25, f"{document.page} (4)")

    rows: list[list[Any]] = [[cell(body, "Tavoite"), cell(body, "Toimenpide")]]
    for n in range(1, 26):
        rows.append([cell(body, f"Järven {n} vedenlaatu paranee."),
                     cell(body, f"Kunnostetaan järven {n} ranta-alue ja poistetaan vesikasvillisuutta.")])
    path = tmp_path / "ympäristö.pdf"
    SimpleDocTemplate(str(path), pagesize=A4, topMargin=50, bottomMargin=50).build(
        [Paragraph("Vesistöt", heading), ruled(rows, [200, 260], repeatRows=1)],
        onFirstPage=furniture, onLaterPages=furniture)
    _, text = extract(path, LEXICON)
    assert "Ympäristöohjelma 2027" not in text and "(4)" not in text
    assert text.count("Tavoite\tToimenpide") == 1
    got = drafted(path, tmp_path)
    assert len(got["goals"]) == 25 and len(got["actions"]) == 25
    assert goal_of(got, "Kunnostetaan järven 25 ranta-alue ja poistetaan vesikasvillisuutta.") == \
        "Järven 25 vedenlaatu paranee."


def test_pdf_without_text_layer_keeps_its_error(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    page.rect(50, 50, 400, 600, fill=1)  # a scanned page: an image or drawing, no text
    page.save()
    with pytest.raises(DraftError, match="OCR is not supported"):
        extract(tmp_path / "scan.pdf", LEXICON)


# -- DOCX (python-docx) ----------------------------------------------------------------------------
def _docx_table(document: Any, rows: list[list[str]]) -> Any:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            if text:
                table.cell(i, j).text = text
    return table


def test_docx_merged_cells_swedish_headers_and_empty_report_cells(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Verksamhetsplan för äldreomsorgen", level=1)
    table = _docx_table(document, [
        ["Mål", "", "Åtgärd", "Ansvarig", "Lägesrapport 1–6/2025"],
        ["Äldre bor tryggt hemma.", "", "Vi utökar hemvårdens kvällsbesök.", "hemvårdschefen", ""],
        ["", "", "Vi inför trygghetstelefoner.", "servicechefen", "Telefonerna är i bruk."],
        ["Närståendevårdare orkar.", "", "Vi ordnar avlösning varje månad.", "socialarbetaren", ""]])
    table.cell(0, 0).merge(table.cell(0, 1))  # gridSpan: the goal column is two grid columns wide
    for i in (1, 2, 3):
        table.cell(i, 0).merge(table.cell(i, 1))
    table.cell(1, 0).merge(table.cell(2, 1))  # vMerge: the first goal over two rows
    document.save(str(tmp_path / "plan.docx"))
    got = drafted(tmp_path / "plan.docx", tmp_path, language="sv")
    assert labels(got, "goals") == ["Äldre bor tryggt hemma.", "Närståendevårdare orkar."]
    assert goal_of(got, "Vi inför trygghetstelefoner.") == "Äldre bor tryggt hemma."
    assert goal_of(got, "Vi ordnar avlösning varje månad.") == "Närståendevårdare orkar."
    reports = {r["text"] for r in got.get("assessments", []) if r.get("text")}
    assert reports == {"Telefonerna är i bruk."}  # the empty report cells give no report text


def _style(document: Any, name: str, based_on: str | None = None, outline: int | None = None) -> Any:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on:
        style.base_style = document.styles[based_on]
    if outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(level)
    return style


def test_docx_localised_heading_styles(tmp_path):
    import docx

    document = docx.Document()
    _style(document, "Otsikko 1")  # Finnish Word's name, no outline level in the style
    _style(document, "Rubrik 2")  # Swedish Word's name
    _style(document, "Luvun otsake", outline=0)  # a custom style with an outline level
    _style(document, "Alaotsake", based_on="Luvun otsake")  # level from the style it is based on
    document.add_paragraph("Sivistyspalvelut", style="Otsikko 1")
    document.add_paragraph("Varhaiskasvatus", style="Rubrik 2")
    document.add_paragraph("Perusopetus", style="Luvun otsake")
    document.add_paragraph("Lukio", style="Alaotsake")
    document.add_paragraph("Tavallinen kappale.")
    _docx_table(document, [["Tavoite", "Toimenpide"], ["Jokainen oppilas saa tukea ajoissa.",
                                                       "Palkataan kaksi erityisopettajaa."]])
    document.save(str(tmp_path / "sivistys.docx"))
    _, text = extract(tmp_path / "sivistys.docx", LEXICON)
    assert text.startswith("## Sivistyspalvelut\n\n### Varhaiskasvatus\n\n## Perusopetus\n\n## Lukio\n\n"
                           "Tavallinen kappale.\n")
    got = drafted(tmp_path / "sivistys.docx", tmp_path)
    assert labels(got, "goals") == ["Jokainen oppilas saa tukea ajoissa."]
    assert labels(got, "actions") == ["Palkataan kaksi erityisopettajaa."]


def _wrap_in_content_control(element: Any, placeholder: bool = False) -> None:
    """Put a w:sdt (content control) around `element` where it stands; `placeholder`: the control shows
    its placeholder text (nothing was filled in)."""
    from docx.oxml import OxmlElement

    sdt, content, props = OxmlElement("w:sdt"), OxmlElement("w:sdtContent"), OxmlElement("w:sdtPr")
    if placeholder:
        props.append(OxmlElement("w:showingPlcHdr"))
    sdt.append(props)
    sdt.append(content)
    element.addprevious(sdt)
    content.append(element)


def test_docx_content_controls_lists_and_nested_table(tmp_path):
    import docx

    document = docx.Document()
    intro = document.add_paragraph("Kulttuuriohjelma 2026", style="Title")
    _wrap_in_content_control(intro._p)  # a template's title field
    table = _docx_table(document, [["Tavoite", "Toimenpide", "Mittari", "Toteuma"],
                                   ["Kulttuuri tavoittaa kaikki ikäryhmät.", "", "Kävijämäärä",
                                    "Kirjoita toteuma tähän."],
                                   ["Taiteilijat työskentelevät kunnassa.", "Avataan työhuoneet.",
                                    "Työhuoneiden käyttöaste", "Työhuoneet avattiin."]])
    _wrap_in_content_control(table.cell(1, 3).paragraphs[0]._p, placeholder=True)  # an unfilled field
    action_cell = table.cell(1, 1)
    action_cell.paragraphs[0].text = "Järjestetään kylissä konsertteja."
    action_cell.paragraphs[0].style = document.styles["List Bullet"]
    second = action_cell.add_paragraph("Tuodaan taidenäyttelyt kouluihin.", style="List Number")
    nested = table.cell(2, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "lähtötaso 40 %"
    nested.cell(0, 1).text = "tavoite 70 %"
    _wrap_in_content_control(second._p)  # a content control inside a cell
    _wrap_in_content_control(table.rows[2]._tr)  # a repeating-section control around a whole row
    document.save(str(tmp_path / "kulttuuri.docx"))
    _, text = extract(tmp_path / "kulttuuri.docx", LEXICON)
    assert text.startswith("# Kulttuuriohjelma 2026\n")
    assert "Työhuoneiden käyttöaste <br> lähtötaso 40 % – tavoite 70 %" in text
    got = drafted(tmp_path / "kulttuuri.docx", tmp_path)
    assert labels(got, "goals") == ["Kulttuuri tavoittaa kaikki ikäryhmät.", "Taiteilijat työskentelevät kunnassa."]
    assert labels(got, "actions") == ["Järjestetään kylissä konsertteja.", "Tuodaan taidenäyttelyt kouluihin.",
                                      "Avataan työhuoneet."]
    assert goal_of(got, "Tuodaan taidenäyttelyt kouluihin.") == "Kulttuuri tavoittaa kaikki ikäryhmät."
    assert goal_of(got, "Avataan työhuoneet.") == "Taiteilijat työskentelevät kunnassa."
    assert "Kirjoita toteuma tähän." not in text
    assert [r["text"] for r in got["assessments"] if r.get("text")] == ["Työhuoneet avattiin."]


def test_docx_table_framed_in_a_one_cell_table(tmp_path):
    import docx

    document = docx.Document()
    frame = document.add_table(rows=1, cols=1)
    inner = frame.cell(0, 0)
    inner.paragraphs[0].text = "Vapaa-aikalautakunnan tavoitteet"
    table = inner.add_table(rows=2, cols=2)
    for j, (head, value) in enumerate([("Tavoite", "Uimahalli on auki myös sunnuntaisin."),
                                       ("Toimenpide", "Palkataan kaksi uimavalvojaa.")]):
        table.cell(0, j).text = head
        table.cell(1, j).text = value
    document.save(str(tmp_path / "vapaa-aika.docx"))
    _, text = extract(tmp_path / "vapaa-aika.docx", LEXICON)
    assert "Tavoite\tToimenpide\n" in text
    got = drafted(tmp_path / "vapaa-aika.docx", tmp_path)
    assert goal_of(got, "Palkataan kaksi uimavalvojaa.") == "Uimahalli on auki myös sunnuntaisin."


# -- XLSX (openpyxl) -------------------------------------------------------------------------------
def test_xlsx_two_tables_on_one_sheet_and_merged_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Ohjelma"
    sheet.append(["Kaupunkistrategian toimeenpano 2026"])  # a title, a blank row, then a subtitle
    sheet.append([])
    sheet.append(["Elinvoima"])
    sheet.append(["Tavoite", "Toimenpide", "Vastuu"])
    sheet.append(["Yrityksiä syntyy lisää.", "Perustetaan yrityspalvelupiste.", "elinkeinojohtaja"])
    sheet.append([None, "Järjestetään yrittäjäaamut.", "elinkeinojohtaja"])
    sheet.merge_cells("A5:A6")
    sheet.append([])
    sheet.append([])
    sheet.append(["Hyvinvointi"])
    sheet.append(["Tavoite", "Toimenpide", "Mittari", "Vastuu"])
    sheet.append(["Liikunta lisääntyy.", "Avataan ulkokuntosali.", "Kävijämäärä", "liikuntapalvelut"])
    sheet.append([])  # spacing inside the table: the rows below go on in it
    sheet.append(["Yksinäisyys vähenee.", "Perustetaan kylätalojen kerhoja.", "Kerhojen määrä", "kulttuurijohtaja"])
    other = book.create_sheet("Talous")
    other.append(["Tavoite", "Toimenpide", "Mittari", "Tavoitetaso"])
    other.append(["Talous on tasapainossa.", "Karsitaan päällekkäisiä tiloja.", "Tilojen käyttöaste", 0.85])
    other.cell(2, 4).number_format = "0 %"  # 85 % shown, 0.85 stored
    hidden = book.create_sheet("Valinnat")  # the lookup list behind a drop-down: not part of the plan
    hidden.append(["Tavoite", "Toimenpide"])
    hidden.append(["Valitse tavoite", "Valitse toimenpide"])
    hidden.sheet_state = "hidden"
    book.save(tmp_path / "ohjelma.xlsx")
    _, text = extract(tmp_path / "ohjelma.xlsx", LEXICON)
    assert "Tavoite\tToimenpide\tVastuu\n" in text and "Tavoite\tToimenpide\tMittari\tVastuu\n" in text
    assert "Kaupunkistrategian toimeenpano 2026\n\nElinvoima\n\nTavoite\tToimenpide\tVastuu\n" in text
    got = drafted(tmp_path / "ohjelma.xlsx", tmp_path)
    assert "\tTilojen käyttöaste\t85 %\n" in text and "Valinnat" not in text
    assert labels(got, "goals") == ["Yrityksiä syntyy lisää.", "Liikunta lisääntyy.", "Yksinäisyys vähenee.",
                                    "Talous on tasapainossa."]
    assert goal_of(got, "Järjestetään yrittäjäaamut.") == "Yrityksiä syntyy lisää."
    assert goal_of(got, "Avataan ulkokuntosali.") == "Liikunta lisääntyy."
    assert goal_of(got, "Perustetaan kylätalojen kerhoja.") == "Yksinäisyys vähenee."
    assert labels(got, "indicators") == ["Kävijämäärä", "Kerhojen määrä", "Tilojen käyttöaste"]
    assert [(t["value"], t["unit"]) for t in got["targets"] if t.get("value")] == [("85", "percent")]

