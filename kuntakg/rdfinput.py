"""Read an RDF file from outside the project (`kuntakg validate FILE`) without reaching further.

rdflib's parsers would fetch what a file points at: a JSON-LD `@context` (or `@import`) given by URL is
loaded over the network or, for a `file:` URL, from the disk; RDF/XML and TriX may declare entities
in a DTD that expand without bound. So the file is read once, and before rdflib parses those bytes:
JSON-LD must carry all its contexts inline, and XML may not declare a document type. Nothing else is
opened or fetched while parsing.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

from rdflib import Dataset
from rdflib.util import guess_format

from .xmlsafe import ForbiddenDTD, refuse_dtd

XML_FORMATS = {"xml", "trix"}


class RefusedInput(ValueError):
    """The file asks for something that is not read while parsing (a remote context, a DTD)."""


def read_rdf(path: Path) -> Dataset:
    """The file's quads. Raises RefusedInput, or the parser's own error for a file that is not RDF."""
    fmt = guess_format(path.name) or "turtle"
    data = path.read_bytes()
    if fmt in XML_FORMATS:
        try:
            refuse_dtd(io.BytesIO(data), str(path))
        except ForbiddenDTD as exc:
            raise RefusedInput(str(exc)) from None
    elif fmt == "json-ld":
        for reference in context_references(json.loads(data)):
            raise RefusedInput(f"{path}: JSON-LD context {reference!r} is not loaded: validation reads no "
                               "network or other files; put the context inline")
    dataset = Dataset()
    dataset.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    return dataset


def context_references(document: object) -> Iterator[str]:
    """Every context a JSON-LD document names rather than contains: string values of `@context`
    (alone or in a list) and of `@import`, anywhere (scoped contexts sit in term definitions)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            yield item
                stack.append(value)
