"""What ``GET /sparql`` without a query answers: the SPARQL service description or a small HTML form."""
from __future__ import annotations

import html

import pyoxigraph as ox

from ..media import FORMAT_IRIS, GRAPH_TYPES


def service_description(endpoint: str, media: str, union: bool, store_name: str) -> bytes:
    SD = "http://www.w3.org/ns/sparql-service-description#"
    RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    svc = ox.NamedNode(endpoint)
    ds = ox.BlankNode("dataset")
    dg = ox.BlankNode("defaultGraph")
    n = ox.NamedNode
    triples = [
        ox.Triple(svc, RDF_TYPE, n(SD + "Service")),
        ox.Triple(svc, n(SD + "endpoint"), svc),
        ox.Triple(svc, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(svc, n(SD + "defaultDataset"), ds),
        ox.Triple(ds, RDF_TYPE, n(SD + "Dataset")),
        ox.Triple(ds, n(SD + "defaultGraph"), dg),
        ox.Triple(dg, RDF_TYPE, n(SD + "Graph")),
        ox.Triple(svc, n("http://purl.org/dc/terms/description"),
                  ox.Literal("Kunta-KG read-only SPARQL 1.1 endpoint (%s store); SERVICE and updates "
                             "are refused." % store_name, language="en")),
    ]
    if union:
        triples.append(ox.Triple(svc, n(SD + "feature"), n(SD + "UnionDefaultGraph")))
    for iri in FORMAT_IRIS.values():
        triples.append(ox.Triple(svc, n(SD + "resultFormat"), n(iri)))
    fmt = GRAPH_TYPES[media][0]
    return ox.serialize(triples, format=fmt, prefixes={"sd": SD, "dcterms": "http://purl.org/dc/terms/"}) or b""


def html_page(endpoint: str) -> bytes:
    e = html.escape(endpoint, quote=True)
    return ("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kunta-KG SPARQL endpoint</title></head>
<body>
<h1>Kunta-KG SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>%s</code>. The default graph is the union of all
document graphs. <code>SERVICE</code>, <code>LOAD</code> and updates are refused.</p>
<form method="post" action="%s">
<p><textarea name="query" rows="12" cols="90">SELECT ?g (COUNT(*) AS ?triples)
WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?g ORDER BY DESC(?triples)</textarea></p>
<p><label>Format <select name="format">
<option value="json">SPARQL JSON</option><option value="xml">SPARQL XML</option>
<option value="csv">CSV</option><option value="tsv">TSV</option>
</select></label> <button type="submit">Run query</button></p>
</form>
</body></html>
""" % (e, e)).encode()
