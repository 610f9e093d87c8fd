"""Issue 13: `kuntakg draft` end to end in a copy of the project: a DOCX becomes a draft folder and a
review summary; bad input gives one line and writes nothing; data/documents/ and dist/ are never
touched; `kuntakg build` refuses a document that still has DRAFT: notes."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kuntakg.build import read_all
from kuntakg.cli import cli
from kuntakg.draft.check import draft_notes
from kuntakg.errors import InvalidInput
from kuntakg.ingest.tabular import read_tables
from kuntakg.project import Project

ROOT = Path(__file__).resolve().parent.parent
PLAN = [
    ("heading", "Perusturvan palveluohjelma 2024"),
    ("bold", "Sujuva arki lapsiperheille"),
    ("table", [["Tavoite", "Toimenpide", "Mittari", "Vastuuhenkilö", "Toteuma 1-6 2024"],
               ["Perheet saavat apua nopeasti.", "Avataan perhekeskus.", "Odotusaika enintään 14 päivää",
                "vs. perhepalveluiden johtaja Pirjo Mäkilä", "Perhekeskus on avattu ja toiminta on käynnissä."],
               ["", "Lisätään kotikäyntejä.", "Kotikäyntien määrän nousu 5 %:lla vuodesta 2023",
                "Perusturvalautakunta ja palveluvastaava", ""]]),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the drafter and the review read, with one real document and a dist/."""
    root = tmp_path / "project"
    for part in ("shapes", "ontology", "data/reference", "data/status-rules", "data/draft"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copytree(ROOT / "data/documents/pori-perusturva-2018", root / "data/documents/pori-perusturva-2018")
    (root / "data/sources").mkdir(parents=True)
    shutil.copy(ROOT / "data/sources/003_5e7cafe1eadd7847.txt", root / "data/sources")
    (root / "dist").mkdir()
    (root / "dist/kuntakg.trig").write_text("# previous build\n")
    return root


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for kind, value in PLAN:
        if kind == "heading":
            d.add_heading(value, level=1)
        elif kind == "bold":
            d.add_paragraph().add_run(value).bold = True
        else:
            table = d.add_table(rows=len(value), cols=len(value[0]))
            for i, row in enumerate(value):
                for j, text in enumerate(row):
                    table.cell(i, j).text = text
    d.save(str(path))
    return path


def snapshot(root: Path) -> dict[str, str]:
    """Content hash of every file under data/documents/, data/sources/ and dist/."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for part in ("data/documents", "data/sources", "dist") for p in sorted((root / part).rglob("*"))
            if p.is_file()}


def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["draft", *args], env={"KUNTAKG_ROOT": str(root), "COLUMNS": "200"})


def test_docx_to_reviewed_draft(project, tmp_path):
    original = make_docx(tmp_path / "Palveluohjelma 2024.docx")
    before = snapshot(project)
    result = run(project, str(original), "--municipality", "609", "--doc-id", "pori-palveluohjelma-2024")
    assert result.exit_code == 0, result.output
    folder = project / "data/drafts/pori-palveluohjelma-2024"
    tables, errors = read_tables(folder)
    assert not errors
    assert {r.get("label") for r in tables["goals"]} == {"Perheet saavat apua nopeasti."}
    assert [r.get("label") for r in tables["actions"]] == ["Avataan perhekeskus.", "Lisätään kotikäyntejä."]
    assert [r.get("contributes_to") for r in tables["actions"]] == [tables["goals"][0].get("id")] * 2
    meta = {r.get("field"): r.get("value") for r in tables["metadata"]}
    assert meta["original_file"] == "Palveluohjelma 2024.docx"
    assert meta["original_sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
    text = project / "data/sources" / meta["source_file"]
    assert text.read_text(encoding="utf-8").startswith("## Perusturvan palveluohjelma 2024\n")
    for sheet, rows in tables.items():  # every row cites lines of the extracted text
        if sheet != "metadata":
            assert all(r.get("source").startswith(meta["source_file"] + ":") for r in rows), sheet
    [target] = [r for r in tables["targets"] if r.get("value") == "5"]
    assert (target.get("unit"), target.get("comparison"), target.get("baseline_start")) == (
        "percent", "increase-by", "2023")
    assert {r.get("label") for r in tables["posts"]} >= {"vs. perhepalveluiden johtaja", "palveluvastaava"}
    assert [r.get("name") for r in tables["people"]] == ["Pirjo Mäkilä"]
    assert [r.get("text") for r in tables["assessments"]] == [
        "Perhekeskus on avattu ja toiminta on käynnissä.", ""]
    # the review summary: rows, DRAFT notes, SHACL gate, coverage
    assert "Rows per sheet" in result.output
    assert "DRAFT: note(s)" in result.output and "targets.csv:" in result.output
    assert "SHACL gate / import format: 0 error(s)" in result.output
    assert "coverage audit:" in result.output
    assert "assessment statuses by the cue-word rules: in-progress 1, not-reported 1" in result.output
    # nothing else was touched: only the new extracted text appeared in data/sources/
    after = snapshot(project)
    assert {k: v for k, v in after.items() if k != f"data/sources/{meta['source_file']}"} == before


def test_build_refuses_drafts_with_notes(project, tmp_path):
    original = make_docx(tmp_path / "plan.docx")
    assert run(project, str(original), "--municipality", "609", "--doc-id", "pori-plan-2024").exit_code == 0
    draft = project / "data/drafts/pori-plan-2024"
    notes = draft_notes(draft)
    assert notes and all(e.column == "note" and e.row >= 2 and e.col > 0 for e in notes)
    shutil.copytree(draft, project / "data/documents/pori-plan-2024")  # copied in before the review is done
    with pytest.raises(InvalidInput) as info:
        read_all(Project(root=project))
    refused = [e for e in info.value.errors if "draft note" in e.message]
    assert any(e.file.endswith("targets.csv") for e in refused)
    assert all(str(e).startswith(f"{e.file}:{e.row}:{e.col}: note: ") for e in refused)


def test_xlsx_form(project, tmp_path):
    original = make_docx(tmp_path / "plan.docx")
    result = run(project, str(original), "--municipality", "609", "--doc-id", "pori-plan-2024", "--xlsx")
    assert result.exit_code == 0, result.output
    folder = project / "data/drafts/pori-plan-2024"
    assert [p.name for p in folder.iterdir()] == ["pori-plan-2024.xlsx"]
    tables, errors = read_tables(folder)
    assert not errors and len(tables["actions"]) == 2
    assert "SHACL gate / import format: 0 error(s)" in result.output


def test_existing_draft_needs_force(project, tmp_path):
    original = make_docx(tmp_path / "plan.docx")
    assert run(project, str(original), "--municipality", "609", "--doc-id", "x-plan").exit_code == 0
    again = run(project, str(original), "--municipality", "609", "--doc-id", "x-plan")
    assert again.exit_code == 2 and "give --force" in again.output
    assert run(project, str(original), "--municipality", "609", "--doc-id", "x-plan", "--force").exit_code == 0


@pytest.mark.parametrize("case", ["municipality", "into-documents", "into-dist", "scanned", "encrypted",
                                  "unreadable"])
def test_bad_input_one_line_nothing_written(project, tmp_path, case):
    from fpdf import FPDF

    original = make_docx(tmp_path / "plan.docx")
    args = [str(original), "--municipality", "609"]
    if case == "municipality":
        args[2] = "999"
        expected = "unknown municipality code '999'"
    elif case == "into-documents":
        args += ["--out", str(project / "data/documents/pori-plan")]
        expected = "never written into data/documents/"
    elif case == "into-dist":
        args += ["--out", str(project / "dist/pori-plan")]
        expected = "never written into dist/"
    elif case in ("scanned", "encrypted"):
        pdf = FPDF()
        pdf.add_page()
        if case == "scanned":
            pdf.rect(10, 10, 50, 50)
            expected = "no text layer (scanned?); OCR is not supported"
        else:
            pdf.set_font("helvetica", size=12)
            pdf.cell(0, 10, "secret")
            pdf.set_encryption(owner_password="a", user_password="b")
            expected = "encrypted"
        pdf.output(str(tmp_path / "plan.pdf"))
        args[0] = str(tmp_path / "plan.pdf")
    else:
        (tmp_path / "bad.docx").write_bytes(b"not a word file")
        args[0] = str(tmp_path / "bad.docx")
        expected = "not a readable Word file"
    before = snapshot(project)
    result = run(project, *args)
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and expected in lines[0] and "nothing was written" in lines[0], result.output
    assert snapshot(project) == before
    assert not (project / "data/drafts").exists()


def test_no_structure_writes_only_the_text(project, tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Tämä on pelkkää kertovaa tekstiä ilman taulukoita.")
    d.save(str(tmp_path / "essay.docx"))
    result = run(project, str(tmp_path / "essay.docx"), "--municipality", "609")
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no table or structure recognised" in lines[0]
    written = list((project / "data/sources").glob("essay-*.txt"))
    assert len(written) == 1 and "kertovaa" in written[0].read_text(encoding="utf-8")
    assert not (project / "data/drafts").exists()


def test_text_source_used_as_is(project):
    """A text already in data/sources/ is drafted in place: no copy, rows cite it."""
    source = project / "data/sources/003_5e7cafe1eadd7847.txt"
    before = snapshot(project)
    result = run(project, str(source), "--municipality", "609", "--doc-id", "pori-redraft")
    assert result.exit_code == 0, result.output
    assert snapshot(project) == before
    tables, _ = read_tables(project / "data/drafts/pori-redraft")
    assert len(tables["goals"]) >= 20
    assert all(r.get("source").startswith("003_5e7cafe1eadd7847.txt:") for r in tables["goals"])


def test_xlsx_original(project, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Toimenpiteet"
    ws.append(["Hyvinvoiva kunta"])
    ws.merge_cells("A1:D1")
    ws.append(["Tavoite", "Toimenpide", "Mittari", "Vastuu"])
    ws.append(["Lasten hyvinvointi paranee", "Perhekeskus avataan", "Asiakasmäärä vähintään 200 henkilöä",
               "Sivistyslautakunta"])
    ws.append([None, "Kerhotoimintaa lisätään", "Kerhojen määrä", "Nuorisotoimi"])
    ws.merge_cells("A3:A4")
    book.save(tmp_path / "toimenpiteet.xlsx")
    result = run(project, str(tmp_path / "toimenpiteet.xlsx"), "--municipality", "609", "--doc-id", "pori-xlsx")
    assert result.exit_code == 0, result.output
    tables, errors = read_tables(project / "data/drafts/pori-xlsx")
    assert not errors
    assert [r.get("label") for r in tables["themes"]] == ["Hyvinvoiva kunta"]
    assert [r.get("contributes_to") for r in tables["actions"]] == [tables["goals"][0].get("id")] * 2
    [target] = tables["targets"]
    assert (target.get("value"), target.get("unit"), target.get("comparison")) == ("200", "persons", "at-least")
    assert "SHACL gate / import format: 0 error(s)" in result.output


def test_drafts_are_deterministic(project, tmp_path):
    """The same original gives the same extracted text and the same draft, byte for byte."""
    original = make_docx(tmp_path / "plan.docx")
    outs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}" / "pori-plan-2024"
        result = run(project, str(original), "--municipality", "609", "--out", str(out), "--force",
                     "--sources", str(tmp_path / f"sources{n}"))
        assert result.exit_code == 0, result.output
        outs.append(out)
    first = {p.name: p.read_bytes() for p in sorted(outs[0].iterdir())}
    assert first == {p.name: p.read_bytes() for p in sorted(outs[1].iterdir())}
    texts = [sorted((tmp_path / f"sources{n}").iterdir()) for n in (1, 2)]
    assert [p.name for p in texts[0]] == [p.name for p in texts[1]]
    assert texts[0][0].read_bytes() == texts[1][0].read_bytes()


PROSE = [
    ("heading", "Kirjasto-ohjelma 2025"),
    ("heading2", "Tavoitteet"),
    ("para", "Kirjasto on kaikkien kuntalaisten olohuone. Lainaajien määrä kasvaa joka vuosi."),
    ("heading2", "Toimenpiteet"),
    ("para", "Aukioloaikoja pidennetään iltaisin. Kirjastoauto palaa kyliin syksyllä."),
    ("bullet", "Lukupiirit kouluihin"),
]


def make_prose_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for kind, value in PROSE:
        if kind == "heading":
            d.add_heading(value, level=1)
        elif kind == "heading2":
            d.add_heading(value, level=2)
        elif kind == "bullet":
            d.add_paragraph(value, style="List Bullet")
        else:
            d.add_paragraph(value)
    d.save(str(path))
    return path


def make_prose_pdf(path: Path) -> Path:
    from fpdf import FPDF

    fonts = Path("/usr/share/fonts/truetype/dejavu")
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    for kind, value in PROSE:
        size = {"heading": 18, "heading2": 14}.get(kind, 10)
        pdf.set_font("DejaVu", "B" if kind.startswith("heading") else "", size)
        pdf.multi_cell(0, size * 0.6, ("- " if kind == "bullet" else "") + value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_prose_plan_to_reviewed_draft(project, tmp_path, kind):
    """A plan written in paragraphs under headings that name goals and actions, from a real DOCX and
    PDF: one candidate row per sentence or bullet, each with a DRAFT note, actions serving the goal above,
    and the SHACL gate passes."""
    make = make_prose_docx if kind == "docx" else make_prose_pdf
    original = make(tmp_path / f"Kirjasto-ohjelma.{kind}")
    result = run(project, str(original), "--municipality", "609", "--doc-id", f"pori-kirjasto-{kind}")
    assert result.exit_code == 0, result.output
    tables, errors = read_tables(project / f"data/drafts/pori-kirjasto-{kind}")
    assert not errors
    goals = [r.get("label") for r in tables["goals"]]
    assert goals == ["Kirjasto on kaikkien kuntalaisten olohuone.", "Lainaajien määrä kasvaa joka vuosi."]
    actions = {r.get("label"): r.get("contributes_to") for r in tables["actions"]}
    last_goal = tables["goals"][-1].get("id")
    assert actions == {"Aukioloaikoja pidennetään iltaisin.": last_goal,
                       "Kirjastoauto palaa kyliin syksyllä.": last_goal, "Lukupiirit kouluihin": last_goal}
    for sheet in ("goals", "actions"):
        assert all("DRAFT: " in (r.get("note") or "") for r in tables[sheet]), sheet
    assert "SHACL gate / import format: 0 error(s)" in result.output
