"""rdflib terms <-> pyoxigraph terms: the pipeline builds graphs with rdflib and stores, sorts and
queries them with pyoxigraph."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


def rdflib_to_ox(node, cache: dict):
    """rdflib term -> pyoxigraph term (each distinct term converted once per cache)."""
    term = cache.get(node)
    if term is None:
        if isinstance(node, Literal):
            if node.language:
                term = ox.Literal(str(node), language=node.language)
            else:
                term = ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)) if node.datatype else None)
        elif isinstance(node, BNode):
            term = ox.BlankNode(str(node))
        else:
            term = ox.NamedNode(str(node))
        cache[node] = term
    return term


def ox_to_rdflib(term) -> Node:
    """pyoxigraph term -> rdflib term (a plain literal stays without a datatype, as rdflib makes it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
