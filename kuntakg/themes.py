"""The project's theme scheme and the links it makes between the towns (issue 7), all read from tables.

data/reference/
    themes.csv              the theme scheme <base>/id/scheme/themes, aligned to YSO, SDG, PTV and LAPE
    lape-components.csv     the LAPE programme's development areas <base>/id/scheme/lape
    sdg.csv                 UN SDG goals and the targets the themes point to (labels only; IRIs are the UN's)
    yso-concepts.csv        labels of the YSO concepts the themes use (checked against a YSO release)
    indicator-concepts.csv  shared indicator concepts <base>/id/scheme/indicators
    theme-cues.csv          cue words that *propose* tags (kuntakg themes propose)
    theme-tags.csv          the decided tags: doc_id, row_id, theme, reason, decided_by
    indicator-links.csv     which document indicator measures which shared concept

The tag table decides; rules only propose. Tags and indicator links are published in their own named
graph <base>/graph/theme-links, each tag an annotation with its reason, attributed to the project.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from .errors import InputError, InvalidInput
from .iris import Minter
from .namespaces import KK
from .reference import LANGS, YSO, read_table, split

SDG = Namespace("http://metadata.un.org/sdg/")
PTV = Namespace("http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/")
OA = Namespace("http://www.w3.org/ns/oa#")
TAGGED_SHEETS = ("goals", "actions", "milestones", "promises")
PROJECT_AGENT = "kunta-kg"
LINKS_NOTE = {
    "fi": "Teemaluokitukset ja yhteiset mittarit ovat Kunta-KG-hankkeen tekemiä linkkejä; "
          "kunnan asiakirja ei niitä esitä.",
    "sv": "Temaklassificeringarna och de gemensamma mätarna är länkar som Kunta-KG-projektet har gjort; "
          "kommunens dokument anger dem inte.",
    "en": "Theme tags and shared indicators are links made by the Kunta-KG project; "
          "the town's document does not state them.",
}


@dataclass(frozen=True)
class Item:
    doc_id: str
    row_id: str
    sheet: str
    iri: URIRef


def scheme_graph(folder: Path, minter: Minter) -> Graph:
    """The concept schemes: themes (with alignments), LAPE components, SDG labels, YSO labels, indicators."""
    g = Graph()
    themes, lape, indicators = minter.scheme("themes"), minter.scheme("lape"), minter.scheme("indicators")
    agent = minter.agent(PROJECT_AGENT)
    for scheme, labels in ((themes, ("Kunta-KG-teemat", "Kunta-KG-teman", "Kunta-KG themes")),
                           (lape, ("LAPE-muutosohjelman kehittämisalueet", "LAPE-programmets utvecklingsområden",
                                   "Development areas of the LAPE change programme")),
                           (indicators, ("Kunta-KG:n yhteiset mittarit", "Kunta-KG:s gemensamma mätare",
                                         "Kunta-KG shared indicators"))):
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        for lang, label in zip(LANGS, labels, strict=True):
            g.add((scheme, SKOS.prefLabel, Literal(label, lang=lang)))
        g.add((scheme, DCTERMS.creator, agent))
    g.add((agent, RDF.type, PROV.Agent))
    g.add((agent, SKOS.prefLabel, Literal("Kunta-KG project", lang="en")))
    for _, row in read_table(folder / "lape-components.csv"):
        _concept(g, minter.concept("lape", row["id"]), lape, row)
    for _, row in read_table(folder / "themes.csv"):
        theme = minter.concept("themes", row["id"])
        _concept(g, theme, themes, row)
        g.add((theme, RDF.type, KK.Theme))
        for pid in split(row.get("yso_exact", "")):
            g.add((theme, SKOS.exactMatch, YSO[pid]))
        for pid in split(row.get("yso_close", "")):
            g.add((theme, SKOS.closeMatch, YSO[pid]))
        for target in split(row.get("sdg", "")):
            g.add((theme, SKOS.relatedMatch, SDG[target]))
        for code in split(row.get("ptv", "")):
            g.add((theme, SKOS.closeMatch, PTV[code]))
        for component in split(row.get("lape", "")):
            g.add((theme, SKOS.relatedMatch, minter.concept("lape", component)))
    if (folder / "theme-groups.csv").exists():
        _theme_groups(g, folder, minter)
    for _, row in read_table(folder / "sdg.csv"):
        node = SDG[row["notation"]]
        g.add((node, SKOS.notation, Literal(row["notation"])))
        g.add((node, SKOS.prefLabel, Literal(row["label_en"], lang="en")))
        g.add((node, SKOS.inScheme, URIRef("http://metadata.un.org/sdg")))
        if row.get("goal"):
            g.add((node, SKOS.broader, SDG[row["goal"]]))
    for _, row in read_table(folder / "yso-concepts.csv"):
        node = YSO[row["id"]]
        for lang in LANGS:
            if row.get(f"label_{lang}"):
                g.add((node, SKOS.prefLabel, Literal(row[f"label_{lang}"], lang=lang)))
        g.add((node, SKOS.inScheme, URIRef("http://www.yso.fi/onto/yso/")))
    if (folder / "indicator-concepts.csv").exists():
        for _, row in read_table(folder / "indicator-concepts.csv"):
            concept = minter.concept("indicators", row["id"])
            _concept(g, concept, indicators, row)
            g.add((concept, RDF.type, KK.IndicatorConcept))
            for national in split(row.get("national_id", "")):
                g.add((concept, SKOS.exactMatch, URIRef(national)))
    return g


def _theme_groups(g: Graph, folder: Path, minter: Minter) -> None:
    """Broader groups over the themes (theme-groups.csv): their own scheme, each theme skos:broader one
    group. Every theme is in exactly one group; a wrong row stops the build naming the table and row."""
    groups = minter.scheme("theme-groups")
    g.add((groups, RDF.type, SKOS.ConceptScheme))
    for lang, label in zip(LANGS, ("Kunta-KG-teemaryhmät", "Kunta-KG-temagrupper", "Kunta-KG theme groups"),
                           strict=True):
        g.add((groups, SKOS.prefLabel, Literal(label, lang=lang)))
    known = {row["id"] for _, row in read_table(folder / "themes.csv")}
    placed: dict[str, str] = {}
    errors = []
    for number, row in read_table(folder / "theme-groups.csv"):
        group = minter.concept("theme-groups", row["id"])
        _concept(g, group, groups, row)
        for theme in split(row.get("themes", "")):
            if theme not in known:
                errors.append(InputError("theme-groups.csv", number, 5, "themes",
                                         f"unknown theme {theme!r} (see themes.csv)"))
            elif theme in placed:
                errors.append(InputError("theme-groups.csv", number, 5, "themes",
                                         f"theme {theme!r} is already in group {placed[theme]!r}"))
            else:
                placed[theme] = row["id"]
                g.add((minter.concept("themes", theme), SKOS.broader, group))
                g.add((group, SKOS.narrower, minter.concept("themes", theme)))
    for theme in sorted(known - set(placed)):
        errors.append(InputError("theme-groups.csv", 0, 5, "themes", f"theme {theme!r} is in no group"))
    if errors:
        raise InvalidInput(errors)


def _concept(g: Graph, node: URIRef, scheme: URIRef, row: dict) -> None:
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, scheme))
    g.add((node, SKOS.topConceptOf, scheme))
    g.add((scheme, SKOS.hasTopConcept, node))
    g.add((node, SKOS.notation, Literal(row["id"])))
    for lang in LANGS:
        if row.get(f"label_{lang}"):
            g.add((node, SKOS.prefLabel, Literal(row[f"label_{lang}"], lang=lang)))
    if row.get("definition_en"):
        g.add((node, SKOS.definition, Literal(row["definition_en"], lang="en")))
    if row.get("source"):
        g.add((node, DCTERMS.source, Literal(row["source"])))


def items(docs, minter: Minter) -> dict[tuple[str, str], Item]:
    """Every taggable plan element (goal, milestone, action, pilot, promise) of the built documents."""
    classes = (KK.Goal, KK.Milestone, KK.Action, KK.Pilot, KK.ServicePromise)
    found = {}
    for doc in docs:
        typed = {s for c in classes for s in doc.graph.subjects(RDF.type, c)}
        for sheet in TAGGED_SHEETS:
            base = str(minter.row(sheet, doc.doc_id, doc.town, ""))
            for s in typed:
                rest = str(s)[len(base):]
                if str(s).startswith(base) and rest and "/" not in rest:
                    found[(doc.doc_id, rest)] = Item(doc.doc_id, rest, sheet, s)
    return found


def links_graph(folder: Path, minter: Minter, docs, tables: dict[str, list] | None = None) -> Graph:
    """Tags and indicator links of the built documents; rows about documents not in the build are skipped.
    `tables`: the reference tables already read (see link_tables), when this runs over several groups
    of documents.

    Raises InvalidInput naming the table row of an unknown theme, row or concept. Untagged goals and
    actions do not stop the build (documents land before their tags); tests/test_themes.py names them."""
    tables = tables if tables is not None else link_tables(folder)
    g, errors = Graph(), []
    graph_iri, agent = minter.graph("theme-links"), minter.agent(PROJECT_AGENT)
    g.add((graph_iri, RDF.type, PROV.Entity))
    g.add((graph_iri, PROV.wasAttributedTo, agent))
    for lang, text in LINKS_NOTE.items():
        g.add((graph_iri, DCTERMS.description, Literal(text, lang=lang)))
    known = items(docs, minter)
    built = {d.doc_id for d in docs}
    themes = {row["id"] for _, row in tables["themes"]}
    for number, row in tables["theme-tags"]:
        key = (row["doc_id"], row["row_id"])
        if row["doc_id"] not in built:
            continue
        where = ("theme-tags.csv", number)
        if key not in known:
            errors.append(InputError(*where, 2, "row_id", f"no goal, action, milestone or promise {key[1]!r} "
                                                          f"in document {key[0]!r}"))
            continue
        if row["theme"] not in themes:
            errors.append(InputError(*where, 3, "theme", f"unknown theme {row['theme']!r} (see themes.csv)"))
            continue
        for column in ("reason", "decided_by"):
            if not row.get(column):
                errors.append(InputError(*where, 4 if column == "reason" else 5, column, "required"))
        item, theme = known[key].iri, minter.concept("themes", row["theme"])
        tag = minter.theme_tag(*key, row["theme"])
        g.add((item, DCTERMS.subject, theme))
        g.add((tag, RDF.type, KK.ThemeTag))
        g.add((tag, RDF.type, OA.Annotation))
        g.add((tag, OA.motivatedBy, OA.classifying))
        g.add((tag, OA.hasTarget, item))
        g.add((tag, OA.hasBody, theme))
        g.add((tag, RDFS.comment, Literal(row.get("reason", ""), lang="en")))
        g.add((tag, DCTERMS.creator, Literal(row.get("decided_by", ""))))
        g.add((tag, PROV.wasAttributedTo, agent))
        g.add((tag, KK.importRow, Literal(f"theme-tags.csv#row={number}")))
    if tables["indicator-links"]:
        errors += _indicator_links(g, tables, minter, docs, agent)
    if errors:
        raise InvalidInput(errors)
    return g


def link_tables(folder: Path) -> dict[str, list]:
    """The reference tables the links are made from, read once."""
    links = folder / "indicator-links.csv"
    return {"themes": read_table(folder / "themes.csv"), "theme-tags": read_table(folder / "theme-tags.csv"),
            "indicator-links": read_table(links) if links.exists() else [],
            "indicator-concepts": read_table(folder / "indicator-concepts.csv") if links.exists() else []}


def _indicator_links(g: Graph, tables: dict[str, list], minter: Minter, docs, agent: URIRef) -> list[InputError]:
    errors = []
    concepts = {row["id"] for _, row in tables["indicator-concepts"]}
    towns = {d.doc_id: d for d in docs}
    for number, row in tables["indicator-links"]:
        doc = towns.get(row["doc_id"])
        if doc is None:
            continue
        indicator = minter.row("indicators", doc.doc_id, doc.town, row["row_id"])
        if (indicator, RDF.type, KK.Indicator) not in doc.graph:
            errors.append(InputError("indicator-links.csv", number, 2, "row_id",
                                     f"no indicator {row['row_id']!r} in document {doc.doc_id!r}"))
            continue
        if row["concept"] not in concepts:
            errors.append(InputError("indicator-links.csv", number, 3, "concept",
                                     f"unknown concept {row['concept']!r} (see indicator-concepts.csv)"))
            continue
        link = minter.indicator_link(doc.doc_id, row["row_id"])
        g.add((indicator, KK.sharedIndicator, minter.concept("indicators", row["concept"])))
        g.add((link, RDF.type, PROV.Entity))
        g.add((link, RDF.subject, indicator))
        g.add((link, RDFS.comment, Literal(row.get("reason", ""), lang="en")))
        g.add((link, DCTERMS.creator, Literal(row.get("decided_by", ""))))
        g.add((link, PROV.wasAttributedTo, agent))
    return errors


CHECK_GROUP = 40_000  # rdf:type statements of the documents checked together with their links


def linked_graphs(project, docs, reference: Graph, memo=None,
                  group_size: int = CHECK_GROUP) -> Iterator[tuple[URIRef, Graph]]:
    """The named graphs of issue 7 for the build: <graph/themes> (schemes) and <graph/theme-links>,
    the links in pieces, one per group of documents (a piece per group keeps the check's memory to
    the group's size; the pieces of one graph are merged in the dump). See :func:`link_pieces`."""
    minter = project.minter
    yield minter.graph("themes"), scheme_graph(project.reference, minter)
    for _, make in link_pieces(project, docs, reference, memo, group_size):
        yield minter.graph("theme-links"), make()


def link_pieces(project, docs, reference: Graph, memo=None,
                group_size: int = CHECK_GROUP) -> Iterator[tuple[list, Callable[[], Graph]]]:
    """The pieces of <graph/theme-links>: each group of documents, and a function that makes its links
    and checks them (so that a build can take a group's piece from its cache instead).

    Each piece is checked with shapes/reference.ttl, together with the reference graph, the schemes
    and its documents' types (a tag's target is in its own document); a violation stops the build
    with the row of the table at fault where known. `memo(parts, run)` (the build cache) may skip the
    check of a piece when it passed before on the same links and types (the other inputs are in its
    key)."""
    from .cache import triples_digest
    from .validate import check

    folder, minter = project.reference, project.minter
    schemes = scheme_graph(folder, minter)
    tables = link_tables(folder)
    shapes: list[Graph] = []

    def make(group: list) -> Graph:
        links = links_graph(folder, minter, group, tables)
        types = [triple for doc in group for triple in doc.graph.triples((None, RDF.type, None))]

        def run_check() -> None:
            if not shapes:
                shapes.append(Graph().parse(project.shapes_dir / "reference.ttl", format="turtle"))
            data = reference + schemes + links
            for triple in types:
                data.add(triple)
            violations = check(data, shapes[0], project.ontology)
            errors = [InputError("data/reference", 0, 0, "", f"<{v.focus}>: {v.message()}")
                      for v in violations if str(v.severity).endswith("Violation")]
            if errors:
                raise InvalidInput(errors)

        if memo is None:
            run_check()
        else:
            memo((triples_digest(links), triples_digest(types)), run_check)
        return links

    for group in _groups(docs, group_size):
        yield group, partial(make, group)


def _groups(docs, size: int) -> Iterator[list]:
    """The documents in order, in groups of about `size` rdf:type statements (at least one document)."""
    group: list = []
    count = 0
    for doc in docs:
        types = sum(1 for _ in doc.graph.triples((None, RDF.type, None)))
        if group and count + types > size:
            yield group
            group, count = [], 0
        group.append(doc)
        count += types
    yield group


# --- proposals by cue words (the table decides) --------------------------------------------------

def load_cues(folder: Path) -> list[tuple[str, re.Pattern, str]]:
    return [(row["theme"], re.compile(row["pattern"], re.I), row["pattern"])
            for _, row in read_table(folder / "theme-cues.csv")]


PROPOSAL_COLUMNS = ("doc_id", "row_id", "theme", "reason", "decided_by")  # as in theme-tags.csv


def propose(documents: Path, folder: Path) -> list[dict[str, str]]:
    """Tag proposals for every goal/action row not yet in theme-tags.csv: cue words in the label and
    alternative labels, else in the description and source text; failing those, the themes of the rows
    it contributes to (decided or proposed) by a stated link: the `contributes_to` column only, never the
    links read from content or inferred from layout (`contributes_to_by_content`, `contributes_to_by_layout`)."""
    from .ingest.tabular import read_tables

    cues = load_cues(folder)
    decided = defaultdict(set)
    for _, tag in read_table(folder / "theme-tags.csv"):
        decided[(tag["doc_id"], tag["row_id"])].add(tag["theme"])
    out: list[dict[str, str]] = []
    pending: list[tuple[tuple[str, str], list[str]]] = []
    for doc_folder in sorted(p for p in documents.iterdir() if p.is_dir()):
        tables, _ = read_tables(doc_folder)
        doc_id = doc_folder.name
        for sheet in TAGGED_SHEETS:
            for row in tables.get(sheet, []):
                key = (doc_id, row.get("id"))
                if key in decided:
                    continue
                hits: defaultdict[str, list[str]] = defaultdict(list)
                for columns in (("label", "alt_labels"), ("description", "source_text")):
                    text = " ".join(row.get(c) or "" for c in columns)
                    for theme, pattern, _ in cues:
                        hits[theme] += [m.group(0) for m in pattern.finditer(text)]
                    hits = defaultdict(list, {t: w for t, w in hits.items() if w})
                    if hits:  # the label decides; the longer texts only when the label has no cue
                        break
                for theme, words in sorted(hits.items()):
                    decided[key].add(theme)
                    out.append({"doc_id": doc_id, "row_id": key[1], "theme": theme,
                                "reason": "cue words: " + ", ".join(sorted(set(w.lower() for w in words))),
                                "decided_by": "rule (proposal)"})
                if not hits:
                    pending.append((key, split(row.get("contributes_to") or "")))
    for key, parents in pending:  # parents' themes, once every row has had its cues
        inherited = set().union(*(decided.get((key[0], p), set()) for p in parents)) if parents else set()
        for theme in sorted(inherited):
            out.append({"doc_id": key[0], "row_id": key[1], "theme": theme,
                        "reason": "inherited from " + ", ".join(parents), "decided_by": "rule (proposal)"})
        if not inherited:
            out.append({"doc_id": key[0], "row_id": key[1], "theme": "", "reason": "no cue: decide by hand",
                        "decided_by": ""})
    return out
