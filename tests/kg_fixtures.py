"""Fixtures for the pipeline: a copy of the project to break, and one real build of the seeds."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuntakg import Project, build

REPO = Path(__file__).resolve().parent.parent
PORI = "pori-perusturva-2018"


def copy_project(dest: Path, documents: tuple[str, ...] = (PORI,)) -> Project:
    """A throw-away project: ontology, shapes and data of this repo, with the chosen documents."""
    for name in ("ontology", "shapes"):
        shutil.copytree(REPO / name, dest / name)
    for name in ("sources", "reference", "status-rules", "audit"):
        shutil.copytree(REPO / "data" / name, dest / "data" / name)
    for doc in documents:
        shutil.copytree(REPO / "data" / "documents" / doc, dest / "data" / "documents" / doc)
    return Project(root=dest)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """One real build of every document in data/documents (the session's shared, read-only graph)."""
    only = os.environ.get("KUNTAKG_TEST_DOCUMENTS")  # e.g. while a document is being transcribed
    project = copy_project(tmp_path_factory.mktemp("seed-project"), tuple(only.split(","))) if only else Project(root=REPO)
    return build(project, tmp_path_factory.mktemp("seed-build") / "dist")


@pytest.fixture(scope="session")
def seed_live(seed_build):
    """The real server (embedded pyoxigraph, worker processes) over the seed build, on a free port."""
    from sparql_fixtures import start_server

    server = start_server({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig")})
    yield server
    server.close()


@pytest.fixture(scope="session")
def kg(seed_build):
    """The seed build loaded into pyoxigraph (default graph = union of the named graphs)."""
    store = ox.Store()
    store.bulk_load(path=str(seed_build.out / "kuntakg.trig"), format=ox.RdfFormat.TRIG)
    return KG(store)


class KG:
    PREFIXES = """PREFIX kk: <https://w3id.org/kuntakg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX code: <https://w3id.org/kuntakg/code/>
"""

    def __init__(self, store: ox.Store):
        self.store = store

    def select(self, query: str) -> list[dict[str, str]]:
        solutions = self.store.query(self.PREFIXES + query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]

    def ask(self, query: str) -> bool:
        return bool(self.store.query(self.PREFIXES + query, use_default_graph_as_union=True))
