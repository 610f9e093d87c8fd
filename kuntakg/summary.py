"""A document's summary: what the checks over several documents need from it, without its graph.

The streaming build (issue 15) keeps one document's graph in memory at a time. What the steps over
the whole corpus read from the documents is collected here, once per document, and kept beside its
part in the build cache (JSON):

* ``types``: its rdf:type statements (the theme links find the tagged items and indicators in them,
  and the reference shapes check them; the reasoner takes them as asserted types);
* ``subjects`` and ``continues``: the nodes it describes and those it links to in other documents
  (which documents a document's validation has to look into);
* ``audit``: the source files it was imported from and, per file and line, the normalised literals
  of the resources citing that line (the coverage audit of a file reads these of every document
  imported from it);
* ``reasoning``: what the rules reasoner's scan found in its graph (kuntakg.entailment.scan_facts);
* ``triples``: its size (HermiT runs beside the rules only on small inputs).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from .audit import literals_by_line, source_files_of
from .entailment import Rules, scan_facts
from .ingest.result import DocumentRDF
from .namespaces import KK

Encoded = str | list


def encode(node) -> Encoded:
    """An rdflib node as JSON: an IRI as its text, a blank node as ["_", id], a literal as
    [lexical form, datatype or "", language or ""]."""
    if isinstance(node, Literal):
        return [str(node), str(node.datatype or ""), node.language or ""]
    if isinstance(node, BNode):
        return ["_", str(node)]
    return str(node)


def decode(value: Encoded):
    if isinstance(value, str):
        return URIRef(value)
    if len(value) == 2:
        return BNode(value[1])
    text, datatype, language = value
    return Literal(text, lang=language or None, datatype=URIRef(datatype) if datatype else None)


def summarise(doc: DocumentRDF, rules: Rules, schema: set) -> dict[str, Any]:
    graph = doc.graph
    return {
        "doc_id": doc.doc_id, "town": doc.town, "language": doc.language, "triples": len(graph),
        "types": sorted([str(s), str(o)] for s, o in graph.subject_objects(RDF.type)
                        if isinstance(s, URIRef) and isinstance(o, URIRef)),
        "other_types": [[encode(s), encode(o)] for s, o in graph.subject_objects(RDF.type)
                        if not (isinstance(s, URIRef) and isinstance(o, URIRef))],
        "subjects": sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)}),
        "continues": sorted({str(o) for o in graph.objects(None, KK.continues)}),
        "audit": {"files": sorted(source_files_of([doc])),
                  "by_line": {name: {str(line): texts for line, texts in lines.items()}
                              for name, lines in literals_by_line([doc]).items()}},
        "reasoning": scan_facts(rules, schema, graph, encode),
    }


class TypeStatements:
    """A document's rdf:type statements from its summary, answering the few look-ups of a Graph the
    theme links make (kuntakg.themes.items, links_graph) without building one: at a million quads,
    adding them to rdflib graphs was most of the stage."""

    def __init__(self, summary: dict[str, Any]):
        pairs = [(URIRef(s), URIRef(o)) for s, o in summary["types"]]
        pairs += [(decode(s), decode(o)) for s, o in summary["other_types"]]
        self.pairs = set(pairs)
        self.by_class: dict[Any, list] = {}
        for s, o in pairs:
            self.by_class.setdefault(o, []).append(s)

    def subjects(self, predicate, obj) -> Iterator:
        if predicate != RDF.type:
            raise ValueError("only rdf:type statements are summarised")
        return iter(self.by_class.get(obj, ()))

    def triples(self, pattern: tuple) -> Iterator[tuple]:
        if pattern != (None, RDF.type, None):
            raise ValueError("only every rdf:type statement can be asked for")
        return ((s, RDF.type, o) for s, o in self.pairs)

    def __contains__(self, triple: tuple) -> bool:
        s, p, o = triple
        return p == RDF.type and (s, o) in self.pairs


@dataclass
class Summarised:
    """A stand-in for a DocumentRDF where only its id, town and rdf:type statements are read (the
    theme links: kuntakg.themes)."""

    doc_id: str
    town: str
    graph: TypeStatements


def type_statements(summary: dict[str, Any]) -> Summarised:
    return Summarised(summary["doc_id"], summary["town"], TypeStatements(summary))
