"""Reference data (data/reference/): municipalities, read from a table so that all 309 can be added
without code changes."""
from __future__ import annotations

import csv
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from .iris import Minter
from .namespaces import KK


def municipalities(path: Path, minter: Minter) -> Graph:
    graph = Graph()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            town = minter.municipality(row["code"])
            graph.add((town, RDF.type, KK.Municipality))
            graph.add((town, KK.statisticalCode, Literal(row["code"])))
            for lang in ("fi", "sv", "en"):
                if row.get(f"name_{lang}"):
                    graph.add((town, SKOS.prefLabel, Literal(row[f"name_{lang}"], lang=lang)))
    return graph
