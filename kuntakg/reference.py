"""Reference data (data/reference/): municipalities, wellbeing services counties and ORG change events.

Everything is read from tables, so all 309 municipalities and 21 counties can be added by adding rows,
without code changes. Each table has a `source` column; the sources are described in
data/reference/README.md.

    municipalities.csv  code, name_fi/sv/en, wikidata, wikidata_sources, yso_place, codelist, county,
                        languages (official languages, ';'-separated, majority first), source
    counties.csv        code, name_fi/sv/en, wikidata, wikidata_sources, yso_place, source
    change-events.csv   id, date, original (<code> or <code>/<org-id>), resulting (county code), label_fi/sv/en, source
"""
from __future__ import annotations

import csv
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from .iris import Minter
from .namespaces import KK, LANGUAGE_IRIS

YSO = Namespace("http://www.yso.fi/onto/yso/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")
LANGS = ("fi", "sv", "en")


def read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV table with their 1-based line numbers (header = 1); blank cells as ''."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [(n, {k: (v or "").strip() for k, v in row.items() if k})
                for n, row in enumerate(csv.DictReader(fh), start=2)]


def split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(";") if v.strip()]


def reference_graph(folder: Path, minter: Minter) -> Graph:
    """The reference graph: municipalities.csv of `folder`, plus counties.csv and change-events.csv
    when present."""
    graph = municipalities(folder / "municipalities.csv", minter)
    if (folder / "counties.csv").exists():
        graph += counties(folder / "counties.csv", minter)
    if (folder / "change-events.csv").exists():
        graph += change_events(folder / "change-events.csv", minter)
    return graph


def municipalities(path: Path, minter: Minter) -> Graph:
    """The municipalities of one table."""
    graph = Graph()
    for _, row in read_table(path):
        town = minter.municipality(row["code"])
        graph.add((town, RDF.type, KK.Municipality))
        graph.add((town, KK.statisticalCode, Literal(row["code"])))
        _area(graph, town, row)
        if row.get("codelist"):
            graph.add((town, DCTERMS.spatial, URIRef(row["codelist"])))
        for lang in split(row.get("languages", "")):
            graph.add((town, DCTERMS.language, LANGUAGE_IRIS[lang]))
        if row.get("county"):
            graph.add((town, KK.wellbeingServicesCounty, minter.county(row["county"])))
    return graph


def counties(path: Path, minter: Minter) -> Graph:
    graph = Graph()
    for _, row in read_table(path):
        county = minter.county(row["code"])
        graph.add((county, RDF.type, KK.WellbeingServicesCounty))
        graph.add((county, DCTERMS.identifier, Literal(row["code"])))
        _area(graph, county, row)
    return graph


def change_events(path: Path, minter: Minter) -> Graph:
    """org:ChangeEvent per row: the municipal organisation (or unit) that handed its services to a county."""
    graph = Graph()
    for _, row in read_table(path):
        event = minter.change_event(row["id"])
        graph.add((event, RDF.type, ORG.ChangeEvent))
        for lang in LANGS:
            if row.get(f"label_{lang}"):
                graph.add((event, RDFS.label, Literal(row[f"label_{lang}"], lang=lang)))
        graph.add((event, DCTERMS.date, Literal(row["date"], datatype=XSD.date)))
        town, _, unit = row["original"].partition("/")
        original = minter.organisation(town, unit) if unit else minter.municipality(town)
        graph.add((event, ORG.originalOrganization, original))
        graph.add((event, ORG.resultingOrganization, minter.county(row["resulting"])))
        if unit:  # the unit belongs to the town whose services moved
            graph.add((event, DCTERMS.spatial, minter.municipality(town)))
        if row.get("source"):
            graph.add((event, DCTERMS.source, Literal(row["source"])))
    return graph


def _area(graph: Graph, node: URIRef, row: dict) -> None:
    """What municipalities and counties share: names, YSO place, Wikidata and the row's source."""
    _labels(graph, node, row)
    if row.get("yso_place"):
        graph.add((node, DCTERMS.spatial, YSO[row["yso_place"]]))
    if row.get("wikidata"):
        graph.add((node, SCHEMA.sameAs, WIKIDATA[row["wikidata"]]))
    if row.get("source"):
        graph.add((node, DCTERMS.source, Literal(row["source"])))


def _labels(graph: Graph, node: URIRef, row: dict) -> None:
    for lang in LANGS:
        if row.get(f"name_{lang}"):
            graph.add((node, SKOS.prefLabel, Literal(row[f"name_{lang}"], lang=lang)))
