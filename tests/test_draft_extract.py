"""Issue 13: extraction of DOCX, PDF and XLSX originals into the one text layout (kuntakg/draft/layout.py),
and the clear one-line errors for files that cannot be read. The files are made here, with python-docx,
fpdf2 and openpyxl."""
from __future__ import annotations

from pathlib import Path

import pytest

from kuntakg.draft import extract_docx, extract_pdf, extract_xlsx
from kuntakg.draft.errors import DraftError
from kuntakg.draft.lexicon import Lexicon
from kuntakg.draft.run import extract, lexicon_path
from kuntakg.project import Project

FONTS = Path("/usr/share/fonts/truetype/dejavu")
LEXICON = Lexicon.load(lexicon_path(Project()))


def is_header(cells: list[str]) -> bool:
    return len([c for c in cells if c and LEXICON.role(c)]) >= 2


# -- DOCX ------------------------------------------------------------------------------------------
def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Palveluohjelma 2024", level=1)
    d.add_paragraph().add_run("Sujuva arki lapsiperheille").bold = True
    d.add_paragraph("Johdanto, tavallinen kappale.")
    d.add_paragraph("ensimmäinen kohta", style="List Bullet")
    d.add_paragraph("toinen kohta", style="List Bullet")
    t = d.add_table(rows=4, cols=4)
    for j, h in enumerate(["Tavoite", "Toimenpide", "Mittari", "Vastuu"]):
        t.cell(0, j).text = h
    t.cell(1, 0).text = "Tavoite A"
    t.cell(1, 0).merge(t.cell(2, 0))  # vertical merge: goal A over two rows
    t.cell(1, 1).text = "Toimenpide 1"
    t.cell(1, 1).add_paragraph("toinen kappale samassa solussa")
    t.cell(1, 2).text = "Mittari 1"
    t.cell(1, 3).text = "Perusturvalautakunta"
    t.cell(2, 1).text = "Toimenpide 2"
    t.cell(2, 2).text = "Mittari 2"
    t.cell(2, 3).text = "johtaja"
    t.cell(3, 0).text = "Koko rivin yli yhdistetty huomautus"
    t.cell(3, 0).merge(t.cell(3, 3))  # horizontal merge over the whole row
    d.add_heading("Toinen luku", level=2)
    d.save(str(path))
    return path


def test_docx_layout_headings_bold_bullets_merged_cells(tmp_path):
    text = extract_docx.extract(make_docx(tmp_path / "plan.docx"))
    assert text == (
        "## Palveluohjelma 2024\n\n"
        "**Sujuva arki lapsiperheille**\n\n"
        "Johdanto, tavallinen kappale.\n\n"
        "- ensimmäinen kohta\n- toinen kohta\n\n"
        "Tavoite\tToimenpide\tMittari\tVastuu\n"
        "Tavoite A\tToimenpide 1 <br> toinen kappale samassa solussa\tMittari 1\tPerusturvalautakunta\n"
        "\tToimenpide 2\tMittari 2\tjohtaja\n"
        "Koko rivin yli yhdistetty huomautus\t\t\t\n\n"
        "### Toinen luku\n")


def test_docx_extraction_is_stable(tmp_path):
    path = make_docx(tmp_path / "plan.docx")
    assert extract_docx.extract(path) == extract_docx.extract(path)


# -- PDF -------------------------------------------------------------------------------------------
def _pdf():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", "", 10)
    pdf.add_page()
    return pdf


def make_long_table_pdf(path: Path, rows: int = 70) -> Path:
    from fpdf.fonts import FontFace

    pdf = _pdf()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, "Palveluohjelma", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(repeat_headings=1, headings_style=FontFace(emphasis="BOLD")) as table:
        header = table.row()
        for h in ("Tavoite", "Toimenpide", "Mittari"):
            header.cell(h)
        for i in range(rows):
            row = table.row()
            if i % 2 == 0:
                row.cell(f"Tavoite {i}", rowspan=2)
            row.cell(f"Toimenpide {i}")
            row.cell(f"Mittari {i}")
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, "Seuraava luku", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_table_over_pages_with_repeated_header_is_one_table(tmp_path):
    path = make_long_table_pdf(tmp_path / "long.pdf")
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        assert len(pdf.pages) >= 2  # the table really goes on over a page break
    lines = extract_pdf.extract(path, is_header).rstrip("\n").split("\n")
    assert lines[0] == "## Palveluohjelma"
    rows = [ln for ln in lines if "\t" in ln]
    assert rows[0] == "Tavoite\tToimenpide\tMittari"
    assert sum(1 for r in rows if r.startswith("Tavoite\t")) == 1  # the repeated header is dropped
    assert len(rows) == 71
    assert rows[1] == "Tavoite 0\tToimenpide 0\tMittari 0"
    assert rows[2] == "\tToimenpide 1\tMittari 1"  # the merged cell continues the row above
    start = lines.index(rows[0])
    assert lines[start: start + 71] == rows  # one block: no break at the page boundary
    assert lines[-1] == "## Seuraava luku"


def test_pdf_unruled_table_with_known_header(tmp_path):
    pdf = _pdf()
    pdf.cell(0, 8, "Otsikko ennen taulukkoa", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for cells in (("Tavoite", "Toimenpide", "Vastuu"), ("Hyvä arki", "Kerhot", "Rehtori"),
                  ("Turvallisuus", "Valaistus", "Tekninen johtaja")):
        for c in cells:
            pdf.cell(60, 8, c)
        pdf.ln(8)
    pdf.output(str(tmp_path / "unruled.pdf"))
    text = extract_pdf.extract(tmp_path / "unruled.pdf", is_header)
    assert "Tavoite\tToimenpide\tVastuu\nHyvä arki\tKerhot\tRehtori\nTurvallisuus\tValaistus\tTekninen johtaja" in text
    assert text.startswith("Otsikko ennen taulukkoa\n")


def test_pdf_without_text_layer_is_refused(tmp_path):
    pdf = _pdf()
    pdf.rect(20, 20, 100, 50)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(DraftError, match="no text layer.*OCR is not supported"):
        extract_pdf.extract(tmp_path / "scan.pdf", is_header)


def test_encrypted_pdf_is_refused(tmp_path):
    pdf = _pdf()
    pdf.cell(0, 8, "salainen")
    pdf.set_encryption(owner_password="o", user_password="u")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(DraftError, match="encrypted"):
        extract_pdf.extract(tmp_path / "locked.pdf", is_header)


# -- XLSX ------------------------------------------------------------------------------------------
def test_xlsx_sheets_and_merged_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Tavoitteet"
    ws.append(["Tavoite", "Toimenpide", "Mittari"])
    ws.append(["Tavoite A", "Toimenpide 1", 5])
    ws.append([None, "Toimenpide 2", 2.5])
    ws.merge_cells("A2:A3")
    other = book.create_sheet("Tyhjä")
    other.append([None])
    book.save(tmp_path / "plan.xlsx")
    assert extract_xlsx.extract(tmp_path / "plan.xlsx") == (
        "## Tavoitteet\n\nTavoite\tToimenpide\tMittari\nTavoite A\tToimenpide 1\t5\n\tToimenpide 2\t2.5\n")


def test_xlsx_bomb_is_refused_before_parsing(tmp_path):
    """The import reader's bounds hold for drafts too: a small workbook that would unpack past the
    limit is refused before openpyxl opens it."""
    import zipfile

    from openpyxl import Workbook

    from kuntakg.ingest.xlsx import MAX_UNPACKED

    book = Workbook()
    book.active.append(["Tavoite", "Toimenpide"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/padding.xml", b" " * (MAX_UNPACKED + 1))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(DraftError, match=r"the workbook unpacks to .* \(at most "):
        extract_xlsx.extract(path)


# -- unreadable files ------------------------------------------------------------------------------
@pytest.mark.parametrize("name, content, message", [
    ("broken.docx", b"this is not a zip file", "not a readable Word file"),
    ("broken.xlsx", b"PK\x03\x04 damaged", "not a readable XLSX workbook"),
    ("broken.pdf", b"%PDF-1.4 garbage", "not a readable PDF|no text layer"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "encrypted"),
    ("notes.txt", "ä".encode("latin-1"), "not UTF-8 text"),
    ("plan.odt", b"whatever", "unknown file type"),
])
def test_unreadable_files_give_one_clear_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DraftError, match=message) as info:
        extract(path, LEXICON)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(DraftError, match="no such file"):
        extract(tmp_path / "nothing.docx", LEXICON)
