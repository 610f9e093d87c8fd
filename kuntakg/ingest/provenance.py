"""Where each row comes from: source spans and files, the quoted source text, the import row."""
from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import KK
from .cells import Mapper
from .schema import Row
from .sources import normalise, parse_span, sha256


def provenance(m: Mapper, subject: URIRef, row: Row) -> None:
    texts = []
    for raw in row.get_many("source"):
        span = parse_span(raw)
        if span is None:
            m.e.error(row, "source", f"'{raw}' is not 'file:first-last' (e.g. 'plan.txt:42-46')")
            continue
        problem = m.sources.check(span)
        if problem:
            m.e.error(row, "source", problem)
            continue
        texts.append(m.sources.text(span))
        m.e.add(subject, PROV.wasDerivedFrom, span_node(m, span), row, "source")
    quoted = row.get("source_text")
    if quoted and texts and normalise(quoted) not in normalise("\n".join(texts)):
        m.e.error(row, "source_text", "the quoted source text does not occur in the cited lines "
                  f"({row.get('source')})")
    source_text = quoted or "\n".join(texts)
    if source_text:
        m.e.add(subject, KK.sourceText, Literal(source_text, lang=m.lang), row, "source_text")
    m.e.add(subject, KK.importRow, Literal(f"{Path(row.file).name}#row={row.number}"), row, "id")
    if row.get("note"):
        m.e.add(subject, SKOS.editorialNote, Literal(row.get("note"), lang="en"), row, "note")


def span_node(m: Mapper, span) -> URIRef:
    node = m.minter.source_span(m.doc_id, span.file, span.first, span.last)
    add = m.e.add
    add(node, RDF.type, KK.SourceSpan)
    add(node, KK.sourceFile, source_file_node(m, span.file))
    add(node, KK.lineStart, Literal(span.first, datatype=XSD.positiveInteger))
    add(node, KK.lineEnd, Literal(span.last, datatype=XSD.positiveInteger))
    add(node, RDFS.label, Literal(f"{span.file}, lines {span.first}–{span.last}"
                                  if span.first != span.last else f"{span.file}, line {span.first}"))
    return node


def source_file_node(m: Mapper, file: str) -> URIRef:
    node = m.minter.source_file(m.doc_id, file)
    if (node, RDF.type, KK.SourceFile) not in m.e.out.graph:
        add = m.e.add
        add(node, RDF.type, KK.SourceFile)
        add(node, DCTERMS.identifier, Literal(file))
        add(node, KK.sha256, Literal(sha256(m.sources.path(file))))
    return node


def metadata_sources(m: Mapper, row: Row, subjects: tuple) -> None:
    for raw in row.get_many("source"):
        span = parse_span(raw)
        problem = m.sources.check(span) if span else f"'{raw}' is not 'file:first-last'"
        if problem:
            m.e.error(row, "source", problem)
            continue
        for subject in subjects:
            m.e.add(subject, PROV.wasDerivedFrom, span_node(m, span), row, "source")
