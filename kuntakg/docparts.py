"""What each document, and the corpus around them, puts into the dump: the named graphs, as parts.

A document's part holds its triples in the graphs they belong to (its own graph, its translations'
graph, and the shared town/common graphs for statements about shared resources) and the build graph's
statements about those graphs. The corpus part holds the rest: ontology (with alignments), reference,
inferred types, the theme graphs and the build activity. Parts are merged into the dumps
(:func:`kuntakg.publish.publish_parts`); since a document's part depends on nothing but the document,
the build cache keeps it with the document's entry and a rebuild merges it again without redoing it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, VOID

from .ingest.result import DocumentRDF
from .iris import Minter
from .namespaces import KK
from .oxterms import rdflib_to_ox
from .parts import write_part
from .version import __version__

Graphs = dict[URIRef, list[tuple]]


def bundle(minter: Minter, doc_id: str, town: str) -> list[URIRef]:
    """The graphs a document's own Turtle file holds, so that the file reads on its own."""
    return [minter.document_graph(doc_id), minter.translation_graph(doc_id),
            minter.graph(f"town/{town}"), minter.graph(f"translations/town/{town}"), minter.graph("common")]


def document_graphs(minter: Minter, doc: DocumentRDF) -> Graphs:
    """The document's triples by the named graph they go into, and the build graph's statements
    about those graphs."""
    graphs: Graphs = {}
    build_graph: list[tuple] = []
    activity = minter.graph("build")
    doc_iri, graph_iri = minter.document(doc.doc_id), minter.document_graph(doc.doc_id)
    _place(graphs, minter, graph_iri, doc.graph)
    # the size of the document's graph, recorded as VoID does: counting it over the store was a whole
    # scan of every graph for the documents listing (3 s at 10 M quads)
    build_graph += [(graph_iri, RDF.type, KK.DocumentGraph), (graph_iri, PROV.wasDerivedFrom, doc_iri),
                    (graph_iri, PROV.wasGeneratedBy, activity),
                    (graph_iri, VOID.triples, Literal(len(graphs.get(graph_iri, ()))))]
    if len(doc.translations):
        tr_iri = minter.translation_graph(doc.doc_id)
        _place(graphs, minter, tr_iri, doc.translations, translations=True)
        build_graph += [(tr_iri, RDF.type, KK.TranslationGraph), (tr_iri, KK.translationsOf, doc_iri)]
        build_graph += [(tr_iri, DCTERMS.contributor, Literal(t)) for t in sorted(doc.translators)]
        build_graph.append((tr_iri, DCTERMS.description, Literal(
            "Labels translated by the Kunta-KG project, not written by the town.", lang="en")))
    for name in graphs:  # the shared graphs this document writes into
        if str(name).startswith(str(minter.graph("town/"))) or name == minter.graph("common"):
            build_graph += [(name, RDF.type, KK.SharedGraph), (name, PROV.wasGeneratedBy, activity)]
        if str(name).startswith(str(minter.graph("translations/town/"))):
            build_graph.append((name, RDF.type, KK.TranslationGraph))
    graphs.setdefault(activity, []).extend(build_graph)
    return graphs


def corpus_graphs(minter: Minter, ontology: Graph, reference: Graph) -> dict[URIRef, Any]:
    """The graphs that are not any one document's, apart from the inferred types and the theme graphs
    (the build writes those as soon as they are made): ontology, reference, build activity."""
    activity = minter.graph("build")
    return {minter.graph("ontology"): ontology, minter.graph("reference"): reference,
            activity: [(activity, RDF.type, PROV.Activity),
                       (activity, PROV.wasAssociatedWith, Literal(f"kuntakg {__version__}"))]}


TERM_CACHE = 50_000


def quads(graphs: Mapping[URIRef, Iterable[tuple]]) -> Iterator[ox.Quad]:
    """rdflib triples by graph name -> pyoxigraph quads (each distinct term converted once per graph)."""
    for name, triples in graphs.items():
        graph_name = ox.NamedNode(str(name))
        terms: dict = {}
        for s, p, o in triples:
            if len(terms) > TERM_CACHE:  # bounded: the inferred types have a distinct subject each
                terms.clear()
            yield ox.Quad(rdflib_to_ox(s, terms), rdflib_to_ox(p, terms), rdflib_to_ox(o, terms), graph_name)


def write_document_part(minter: Minter, doc: DocumentRDF, path: Path) -> int:
    return write_part(quads(document_graphs(minter, doc)), path)


def _place(graphs: Graphs, minter: Minter, own: URIRef, graph: Graph, translations: bool = False) -> None:
    """Put a document's triples into its own graph, except those about shared resources.

    Plain lists, not rdflib graphs: the part's dataset removes duplicates, and rdflib's add was the
    largest cost of the stage."""
    where: dict = {}
    for triple in graph:
        subject = triple[0]
        if subject not in where:
            shared = minter.shared_graph(subject)  # type: ignore[arg-type]  # IRI or blank node (None)
            if shared is not None and translations:
                shared = minter.graph("translations/" + str(shared)[len(str(minter.graph(""))):])
            where[subject] = graphs.setdefault(shared or own, [])
        where[subject].append(triple)
