"""The one module that owns namespaces and prefixes."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

DEFAULT_BASE = "https://w3id.org/kuntakg/"
ONTOLOGY_IRI = "https://w3id.org/kuntakg/ontology"
KK = Namespace(ONTOLOGY_IRI + "#")
CODE = Namespace("https://w3id.org/kuntakg/code/")
QB = Namespace("http://purl.org/linked-data/cube#")
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
LANGUAGE_IRIS = {"fi": EU_LANGUAGE.FIN, "sv": EU_LANGUAGE.SWE, "en": EU_LANGUAGE.ENG}


def code(scheme: str, notation: str):
    """IRI of a concept of one of our code lists (ontology/schemes.ttl)."""
    return CODE[f"{scheme}/{notation}"]


def code_scheme(scheme: str):
    return CODE[scheme]


PREFIXES: dict[str, str] = {
    "kk": str(KK),
    "code": str(CODE),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "time": str(TIME),
    "qb": str(QB),
}

__all__ = ["DCTERMS", "FOAF", "KK", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "TIME", "XSD", "CODE",
           "PREFIXES", "DEFAULT_BASE", "ONTOLOGY_IRI", "code", "code_scheme", "LANGUAGE_IRIS", "CC_BY"]
