"""XML from outside the project: refuse a document type declaration before the real parser runs.

A DTD is where entities are defined, and nested entities expand without bound (a 5-level one made a
3,000,000-character literal; issue 17). No input Kunta-KG reads needs one: RDF/XML, TriX and the parts
of an XLSX workbook are refused if they declare a document type. The check reads only the prolog, up
to the root element's start tag, with the same expat parser the readers use.
"""
from __future__ import annotations

import xml.parsers.expat
from typing import IO

CHUNK = 1 << 16


class ForbiddenDTD(ValueError):
    """The XML declares a document type (and so may define entities)."""


class _RootReached(Exception):
    pass


def refuse_dtd(stream: IO[bytes], name: str) -> None:
    """Raise ForbiddenDTD if the XML in `stream` has a document type declaration. XML that is not
    well-formed passes: the real parser reports it."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(*_: object) -> None:
        raise ForbiddenDTD(f"{name}: a document type declaration (DTD) is refused: its entities could "
                           "expand without bound")

    def root(*_: object) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (_RootReached, xml.parsers.expat.ExpatError):
        return
