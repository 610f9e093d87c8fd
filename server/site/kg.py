"""Trusted internal queries for the site, on the same road as ``/sparql``.

The site never loads data itself: it sends :class:`QueryRequest` to the endpoint's query runner
(``app.extensions["kuntakg"].runner``: killable worker processes for local stores), under the
``SITE_QUERY_TIMEOUT`` time limit and the ``MAX_RESULT_ROWS`` / ``MAX_RESULT_BYTES`` bounds, and
reads SPARQL JSON back.  A query over the limit answers 503 (its worker is replaced), never a
hung page.  Only IRIs that pass :func:`check_iri` and literals written by :func:`literal` are put
into query text, so request text can never change a query's structure.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app
from werkzeug.exceptions import BadRequest

from kuntakg.namespaces import PREFIXES

from ..response import abort_with
from ..state import endpoint
from ..store import Backend, QueryError, QueryRequest, QueryResult

SPARQL_PREFIXES = "".join("PREFIX %s: <%s>\n" % (k, v) for k, v in PREFIXES.items())
BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class Term:
    """An RDF term from SPARQL JSON: kind is 'uri', 'literal' or 'bnode'."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    def n3(self) -> str:
        if self.kind == "uri":
            return "<%s>" % check_iri(self.value)
        if self.kind == "bnode":
            return "_:" + self.value
        return literal(self.value, self.lang, self.datatype)


class BadIRI(BadRequest, ValueError):
    """An IRI that cannot be looked up (answered with 400)."""

    def __init__(self, message: str):
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.description)


def check_iri(iri: str) -> str:
    """The IRI if it is safe to write as ``<iri>`` in SPARQL; BadIRI otherwise."""
    if not iri or BAD_IRI.search(iri):
        raise BadIRI("not a valid IRI: %r" % iri[:200])
    try:
        ox.NamedNode(iri)  # pyoxigraph's own IRI check
    except ValueError as e:
        raise BadIRI("not a valid IRI: %s" % e) from None
    return iri


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A SPARQL literal with every quote and control character escaped."""
    if lang:
        return str(ox.Literal(text, language=lang))
    if datatype:
        return str(ox.Literal(text, datatype=ox.NamedNode(check_iri(datatype))))
    return str(ox.Literal(text))


def backend() -> Backend:
    return endpoint().backend


def _run(query: str, form: str, media: str) -> QueryResult:
    cfg = current_app.config
    req = QueryRequest(query=SPARQL_PREFIXES + query, form=form, media_type=media,
                       timeout=float(cfg["SITE_QUERY_TIMEOUT"]), max_rows=int(cfg["MAX_RESULT_ROWS"]),
                       max_bytes=int(cfg["MAX_RESULT_BYTES"]))
    try:
        return endpoint().runner.execute(req)
    except QueryError as e:  # 503 at the time limit, 413 over a bound, 502 from a remote store
        abort_with(e.status, e.message, getattr(e, "headers", None))  # worker.Busy: Retry-After


def select(query: str) -> list[dict[str, Term]]:
    """Run a SELECT; rows as {variable: Term} (unbound variables are missing)."""
    result = _run(query, "SELECT", "application/sparql-results+json")
    data = json.loads(result.body)
    rows = []
    for b in data["results"]["bindings"]:
        row = {}
        for k, v in b.items():
            kind = v["type"]
            if kind == "typed-literal":
                kind = "literal"
            row[k] = Term(kind, v["value"], v.get("xml:lang"), v.get("datatype"))
        rows.append(row)
    return rows


def ask(query: str) -> bool:
    result = _run(query, "ASK", "application/sparql-results+json")
    return bool(json.loads(result.body)["boolean"])


def construct(query: str, media: str) -> bytes:
    """Run a CONSTRUCT and return it serialised in ``media`` (a type of formats.GRAPH_TYPES)."""
    return _run(query, "CONSTRUCT", media).body


def values(terms) -> str:
    """A VALUES body for IRIs (unsafe ones are skipped)."""
    out = []
    for t in terms:
        try:
            out.append("<%s>" % check_iri(t.value if isinstance(t, Term) else t))
        except ValueError:
            continue
    return " ".join(out)


def count(query_body: str) -> int:
    rows = select("SELECT (COUNT(*) AS ?n) WHERE { %s }" % query_body)
    return int(rows[0]["n"].value) if rows else 0
