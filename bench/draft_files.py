"""Real DOCX and PDF files made from the source texts' own tables, for the draft benchmark and the tests.

The text is read into blocks (headings, bold lines, paragraphs, bullets, tables); a table becomes a
Word table (python-docx) or a ruled PDF table (fpdf2) whose header row is repeated on every page. A
blank cell at the start of a row that continues the row above is merged with the cell above (a
vertical merge in Word, a rowspan in the PDF), as the originals print it; several paragraphs of a cell
stay paragraphs, and bullet items stay bullets.
"""
from __future__ import annotations

import re
from pathlib import Path

from kuntakg.draft.structure import double_space_split, fragments, read_lines

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def blocks(text: str) -> list[tuple[str, object]]:
    """(kind, value): heading (level, text), bold, para, bullet, table (rows of cell paragraph lists)."""
    out: list[tuple[str, object]] = []
    rows: list[list[list[tuple[str, bool]]]] = []
    for line in read_lines(text):
        if line.kind in ("row", "sep"):
            if line.kind == "row":
                rows.append([_paragraphs(c) for c in line.cells])
            continue
        if rows:
            out.append(("table", _square(rows)))
            rows = []
        if line.kind == "heading":
            out.append(("heading", (min(line.level, 3), line.text)))
        elif line.kind in ("bold", "para", "bullet"):
            out.append((line.kind, line.text))
    if rows:
        out.append(("table", _square(rows)))
    return out


def _paragraphs(cell: str) -> list[tuple[str, bool]]:
    """A cell's paragraphs; two spaces before a capital in the extracted text were a line break in the
    original, so they become a new paragraph here."""
    if not cell.strip():
        return []
    found = [(part, bullet) for frag, bullet in fragments(cell) for part in double_space_split(frag)]
    return found or [(cell.strip(), False)]


def _square(rows: list[list[list[tuple[str, bool]]]]) -> list[list[list[tuple[str, bool]]]]:
    """Rows of one table padded to the header's width (longer rows keep their cells)."""
    width = max(len(r) for r in rows)
    return [r + [[] for _ in range(width - len(r))] for r in rows]


def _merge_down(rows: list[list[list[tuple[str, bool]]]]) -> list[list[int]]:
    """rowspan per cell: a leading run of empty cells (left of the first filled cell) under a filled
    cell continues that cell; 0 marks a covered cell."""
    span = [[1] * len(r) for r in rows]
    for i in range(1, len(rows)):
        first = next((j for j, c in enumerate(rows[i]) if c), len(rows[i]))
        for j in range(min(first, 2)):  # the leftmost columns only, as tables print them
            k = i - 1
            while k > 0 and span[k][j] == 0:
                k -= 1
            if k >= 1 and rows[k][j] and j < len(rows[k]) and span[k][j] > 0:
                span[k][j] += 1
                span[i][j] = 0
    return span


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for kind, value in blocks(text):
        if kind == "heading":
            level, heading = value  # type: ignore[misc]
            document.add_heading(heading, level=level)
        elif kind == "bold":
            document.add_paragraph().add_run(str(value)).bold = True
        elif kind == "bullet":
            document.add_paragraph(str(value), style="List Bullet")
        elif kind == "para":
            document.add_paragraph(str(value))
        elif kind == "table":
            rows = value  # type: ignore[assignment]
            width = max(len(r) for r in rows)  # type: ignore[union-attr]
            table = document.add_table(rows=len(rows), cols=width)  # type: ignore[arg-type]
            table.style = "Table Grid"
            span = _merge_down(rows)  # type: ignore[arg-type]
            for i, row in enumerate(rows):  # type: ignore[union-attr,arg-type]
                for j, paragraphs in enumerate(row):
                    if span[i][j] == 0:
                        continue
                    cell = table.cell(i, j)
                    first = True
                    for frag, bullet in paragraphs:
                        p = cell.paragraphs[0] if first else cell.add_paragraph()
                        p.text = re.sub(r"\s+", " ", frag)
                        if bullet:
                            p.style = "List Bullet"
                        first = False
                    if span[i][j] > 1:
                        cell.merge(table.cell(i + span[i][j] - 1, j))
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path) -> Path:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    for kind, value in blocks(text):
        if kind == "heading":
            pdf.set_font("DejaVu", "B", 14)
            pdf.multi_cell(0, 8, str(value[1]), new_x="LMARGIN", new_y="NEXT")  # type: ignore[index]
        elif kind in ("bold", "para", "bullet"):
            pdf.set_font("DejaVu", "B" if kind == "bold" else "", 9)
            body = f"• {value}" if kind == "bullet" else str(value)
            pdf.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")
        elif kind == "table":
            rows = value  # type: ignore[assignment]
            width = max(len(r) for r in rows)  # type: ignore[union-attr]
            span = _merge_down(rows)  # type: ignore[arg-type]
            pdf.set_font("DejaVu", "", 7)
            pdf.ln(2)
            with pdf.table(repeat_headings=1, headings_style=FontFace(emphasis="BOLD"), line_height=3.6,
                           first_row_as_headings=True) as table:
                for i, row in enumerate(rows):  # type: ignore[union-attr,arg-type]
                    out = table.row()
                    for j in range(width):
                        if span[i][j] == 0:
                            continue
                        cell = "\n".join(("• " if b else "") + re.sub(r"\s+", " ", f) for f, b in row[j])
                        out.cell(cell, rowspan=span[i][j])
            pdf.ln(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
