"""Command line: a thin click layer over the kuntakg Python API.

Exit codes (as pySHACL's): 0 success, 1 the data is invalid or inconsistent, 2 a usage or runtime error.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from .errors import MAX_ERRORS, AuditFailed, Inconsistent, InvalidInput, KuntaKGError
from .project import Project

STAGES = ("cache", "read", "audit", "validate", "reason", "serialise")
err = Console(stderr=True)


def _project(base: str | None) -> Project:
    return Project(base=base) if base else Project()


def _fail_invalid(exc: InvalidInput) -> None:
    for line in exc.listing():
        click.echo(line, err=True)
    err.print(f"[bold red]{len(exc.errors)} error(s); nothing was written.[/]")
    sys.exit(1)


@click.group()
@click.version_option(package_name="kuntakg")
def cli() -> None:
    """Kunta-KG: build, validate and audit the municipal strategy knowledge graph."""


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: dist/).")
@click.option("--base", help="Base IRI of instance data (default https://w3id.org/kuntakg/ or $KUNTAKG_BASE).")
@click.option("--reasoner", type=click.Choice(["auto", "rules", "hermit"]), default="auto", show_default=True,
              help="rules: the ontology's OWL fragment as rules (fast); hermit: HermiT (complete, slow at scale); "
                   "auto: rules, cross-checked by HermiT while the data is small enough.")
@click.option("--jobs", type=click.IntRange(min=1), help="Processes for SHACL validation (default: one per CPU).")
@click.option("--no-cache", is_flag=True, help="Redo every document (do not read or write the build cache).")
def build(out: Path | None, base: str | None, reasoner: str, jobs: int | None, no_cache: bool) -> None:
    """Build the graph from data/documents into dist/ (only swapped in when everything passed).

    Unchanged documents come from the build cache (.kuntakg-cache/, see `kuntakg cache`); a build with
    nothing changed leaves dist/ as it is."""
    from .build import build as run_build

    with err.status("building") as status:
        def on_stage(name: str) -> None:
            status.update(f"[bold]{name}[/] ({STAGES.index(name) + 1}/{len(STAGES)})")
            err.log(f"stage {name}")
        try:
            report = run_build(_project(base), out, on_stage, reasoner=reasoner, jobs=jobs, use_cache=not no_cache)
        except InvalidInput as exc:
            status.stop()
            _fail_invalid(exc)
        except AuditFailed as exc:
            status.stop()
            for line in exc.missing:
                click.echo(line, err=True)
            err.print(f"[bold red]coverage audit: {len(exc.missing)} piece(s) of source content missing[/] "
                      "(represent them or list them in data/audit/<file>.csv); nothing was written.")
            sys.exit(1)
        except Inconsistent as exc:
            status.stop()
            err.print(f"[bold red]{exc}[/]; nothing was written.")
            sys.exit(1)
        except KuntaKGError as exc:
            status.stop()
            err.print(f"[bold red]error:[/] {exc}")
            sys.exit(2)
    click.echo(f"Built {len(report.documents)} document(s) into {report.out}"
               + (f" ({report.cached} from the cache)" if report.cached else ""))
    table = Table()
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for name, seconds in report.timings.items():
        table.add_row(name, f"{seconds:.2f}")
    table.add_row("total", f"{sum(report.timings.values()):.2f}")
    Console().print(table)
    if not report.reasoners:  # nothing was redone
        click.echo(f"{report.manifest['quads']} quads in {len(report.manifest['graphs'])} named graphs; "
                   "no input changed since the build that wrote them (kuntakg build --no-cache redoes it)")
        return
    click.echo(f"{report.manifest['quads']} quads in {len(report.manifest['graphs'])} named graphs; "
               f"{report.inferred} inferred types (reasoning: {' + '.join(report.reasoners)})")


@cli.command("export")
@click.option("--dump", type=click.Path(path_type=Path), help="The built dump to read (default: dist/kuntakg.trig).")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: dist/exports/).")
def export_command(dump: Path | None, out: Path | None) -> None:
    """Tidy tables (CSV and XLSX) of goals, actions, indicators, targets and assessments, per document and
    for everything, with a data dictionary (docs/exports.md); `kuntakg build` writes them too."""
    from .export import export, load

    project = _project(None)
    dump = dump or project.dist / "kuntakg.trig"
    if not dump.is_file():
        click.echo(f"{dump}: no built dump; run `kuntakg build` first", err=True)
        sys.exit(2)
    out = out or project.dist / "exports"
    manifest = export(load(dump), out)
    rows = ", ".join(f"{n} {t}" for t, n in manifest["rows"].items())
    click.echo(f"{out}: {rows}; {len(manifest['documents'])} documents, {len(manifest['files'])} files")


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]), default="en", help="Language of the messages.")
def validate(path: Path, lang: str) -> None:
    """Check one document folder (import format + shapes) or an RDF file (shapes), without building."""
    from .validate import check

    project = _project(None)
    if path.is_dir():
        _validate_folder(project, path.resolve(), lang)
    else:
        from .rdfinput import RefusedInput, read_rdf
        try:
            data = read_rdf(path)
        except RefusedInput as exc:
            click.echo(f"refused: {exc}", err=True)
            sys.exit(2)
        except Exception as exc:  # rdflib raises many parser-specific types
            err.print(f"[bold red]{path}: not readable RDF:[/] {exc}")
            sys.exit(2)
        violations = [v for v in check(_union(data), project.shapes, project.ontology)
                      if v.severity.endswith("Violation")]
        for v in violations[:MAX_ERRORS]:
            click.echo(f"{path}: <{v.focus}> {v.path or ''}: {v.message(lang)}", err=True)
        if len(violations) > MAX_ERRORS:
            click.echo(f"... and {len(violations) - MAX_ERRORS} more", err=True)
        if violations:
            sys.exit(1)
    click.echo(f"{path}: valid")


@cli.command()
@click.argument("folders", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--show-missing/--no-show-missing", default=True, help="List each missing piece.")
def audit(folders: tuple[Path, ...], show_missing: bool) -> None:
    """Coverage audit: source content found, represented, excluded and missing, per source file
    (of every document, or of the document FOLDERS given)."""
    from .audit import run

    project = _project(None)
    try:
        from .build import read_all
        docs = read_all(project, [f.resolve() for f in folders] or None)
    except InvalidInput as exc:
        _fail_invalid(exc)
    results = run(docs, project.sources, project.audit_dir)
    table = Table(title="Coverage of the source texts")
    counts = ("found", "represented", "excluded", "missing")
    for column in ("source file", "documents", *counts):
        table.add_column(column, justify="right" if column in counts else "left")
    for r in results:
        table.add_row(r.file, ", ".join(r.documents), str(r.found), str(r.represented), str(r.excluded),
                      str(len(r.missing)))
    Console(width=160).print(table)
    missing = [(r.file, line, piece) for r in results for line, piece in r.missing]
    if show_missing:
        for file, line, piece in missing:
            click.echo(f"{file}:{line}: missing: {piece!r}")
    sys.exit(1 if missing else 0)


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--xlsx", is_flag=True, help="Write one workbook (OUT is its file name) instead of CSV files.")
def template(out: Path, xlsx: bool) -> None:
    """Write a blank document in the import format, to be filled in and put under data/documents/."""
    from .ingest.template import write_csv_template, write_xlsx_template

    written = [write_xlsx_template(out)] if xlsx else write_csv_template(out)
    click.echo(f"wrote {len(written)} file(s) under {out}")


@cli.group()
def themes() -> None:
    """Theme tags of plan elements: data/reference/theme-tags.csv decides, cue words only propose."""


@themes.command("propose")
def themes_propose() -> None:
    """Tag proposals for untagged rows, as CSV on stdout (review, then add to theme-tags.csv)."""
    import csv

    from .themes import PROPOSAL_COLUMNS, propose

    project = _project(None)
    writer = csv.DictWriter(sys.stdout, PROPOSAL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(propose(project.documents, project.reference))


@cli.group()
def cache() -> None:
    """The build cache (.kuntakg-cache/ under the project root, or $KUNTAKG_CACHE)."""


@cache.command("prune")
@click.option("--max-size", "max_mb", type=click.IntRange(min=0), default=2048, show_default=True,
              help="Keep at most this many MB of entries and files kept for reuse (least recently used go first).")
@click.option("--max-age", "max_days", type=click.FloatRange(min=0), help="Also remove entries unused for DAYS.")
@click.option("--all", "everything", is_flag=True, help="Empty the cache.")
def cache_prune(max_mb: int, max_days: float | None, everything: bool) -> None:
    """Remove what killed builds left, then old entries until the cache fits."""
    from .cache import Cache

    store = Cache.of(_project(None))
    result = store.prune(0 if everything else max_mb * 1024**2, max_days)
    click.echo(f"removed {result['removed']} entr{'y' if result['removed'] == 1 else 'ies'}, "
               f"{result['reuse_removed']} file(s) kept for reuse and {result['stale']} unfinished write(s); "
               f"{result['kept']} kept ({result['bytes'] / 1024**2:.1f} MB)")


@cache.command("info")
def cache_info() -> None:
    """Where the cache is, how many entries it holds and their size."""
    from .cache import Cache

    store = Cache.of(_project(None))
    count, size = store.size()
    click.echo(f"{store.root}: {count} entr{'y' if count == 1 else 'ies'}, {size / 1024**2:.1f} MB")


@cli.command("format-docs")
def format_docs() -> None:
    """Regenerate the column reference of docs/import-format.md from the schema and the code lists."""
    from .ingest.docs import write_reference

    project = _project(None)
    doc = project.root / "docs" / "import-format.md"
    write_reference(doc, project.ontology_dir / "schemes.ttl")
    click.echo(f"wrote the column reference of {doc}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--municipality", required=True, help="Statistical code of the town (data/reference/municipalities.csv).")
@click.option("--doc-id", help="Document id (default: town and file name).")
@click.option("--language", type=click.Choice(["fi", "sv", "en"]), help="Language of the plan (default: detected).")
@click.option("--out", type=click.Path(path_type=Path), help="Draft folder (default data/drafts/<doc-id>/).")
@click.option("--sources", type=click.Path(path_type=Path),
              help="Where the extracted text goes (default data/sources/).")
@click.option("--xlsx", is_flag=True, help="Write one workbook instead of CSV files.")
@click.option("--force", is_flag=True, help="Replace an existing draft folder.")
def draft(file: Path, municipality: str, doc_id: str | None, language: str | None, out: Path | None,
          sources: Path | None, xlsx: bool, force: bool) -> None:
    """Draft a document in the import format from a town's own DOCX, PDF, XLSX or text file, and print
    the reviewer's to-do list (DRAFT: notes, SHACL errors, uncovered source text)."""
    from .draft.errors import DraftError, NoStructure
    from .draft.run import draft as run_draft
    from .draft.summary import print_summary

    try:
        result = run_draft(file, municipality, _project(None), doc_id, language, out, sources, xlsx, force)
    except NoStructure as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except DraftError as exc:
        click.echo(f"error: {exc}; nothing was written.", err=True)
        sys.exit(2)
    print_summary(result, Console(width=160))
@cli.command("guide-docs")
@click.option("--path", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="the Markdown file (default: docs/guide.md of the project)")
def guide_docs(path: Path | None) -> None:
    """Regenerate the worked questions of docs/guide.md from kuntakg/guide_questions.py."""
    from .guide_questions import update_docs

    doc = path or _project(None).root / "docs" / "guide.md"
    try:
        doc.write_text(update_docs(doc.read_text(encoding="utf-8")), encoding="utf-8")
    except (OSError, ValueError) as e:
        raise click.ClickException(f"{doc}: {e}") from None
    click.echo(f"wrote the worked questions of {doc}")


def _validate_folder(project: Project, folder: Path, lang: str) -> None:
    from .build import validate_all
    from .ingest import document_ids, read_document
    from .ingest.sources import SourceTexts
    from .reference import reference_graph

    folders = project.document_folders()
    known = {f.name: document_ids(f, project.minter) for f in folders}
    sources = SourceTexts(project.sources)
    target = read_document(folder, project.minter, sources, project.status_rules, known)
    if target.errors:
        _fail_invalid(InvalidInput(target.errors))
    # Other documents are only context for cross-document links; their own errors are not this one's.
    others = [d for f in folders if f.resolve() != folder
              for d in [read_document(f, project.minter, sources, project.status_rules, known)] if not d.errors]
    try:
        validate_all(project, [target], reference_graph(project.reference, project.minter),
                     others)
    except InvalidInput as exc:
        _fail_invalid(exc)


def _union(dataset):
    from rdflib import Graph
    graph = Graph()
    for quad in dataset.quads((None, None, None, None)):
        graph.add(quad[:3])
    return graph


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
