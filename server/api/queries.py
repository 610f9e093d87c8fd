"""Stored queries as a web API (the grlc/datasette model).

    /api/queries[.json]                 the catalogue
    /api/queries/<name>[.json|.csv|.html]  one stored query (queries/<name>.rq), parameters in the query string
    /api/openapi.json                   OpenAPI 3.0 description generated from the `#+` headers
    /api/docs                           interactive documentation (no CDN: server/site/static/apidocs.js)

The registry (:mod:`server.registry`) is parsed once, at app creation, and a bad header stops the
start-up. Parameter values are checked and typed by the registry and bound with pyoxigraph's
``substitutions``; a bad or unknown parameter answers 400 naming it. For Oxigraph's planner the same
terms, serialised by pyoxigraph, also open the WHERE group as a VALUES block (:meth:`StoredQuery.hinted`):
a typed term, never the raw value, so a value cannot change the query's structure.
Every stored query runs through the endpoint's query runner, like ``/sparql``: in a killable worker
under ``QUERY_TIMEOUT`` (503), at most ``API_MAX_ROWS`` rows (413). A non-Oxigraph backend gets the
values as the same VALUES block (StoredQuery.for_remote). The CSV is for spreadsheets: cells that would
start a formula are neutralised (:func:`server.response.spreadsheet_cell`).

A query with grlc's ``pagination: N`` header answers N rows per call: ``page=2`` asks for the next N,
and the ``Link`` header (and the JSON body's ``links``) gives the ``first``, ``prev`` and ``next`` pages'
URLs; a page with no ``next`` is the last. Each page is an answer of its own (kept, ETag) and costs one
page's labels and rendering, whatever the corpus's size.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from kuntakg.queries import ParameterError, StoredQuery

from .. import registry as query_registry
from ..response import (
    abort_with,
    add_links,
    cache_headers,
    choose,
    csv_response,
    error,
    html_response,
    json_response,
    not_modified,
    query_suffix,
)
from ..state import endpoint
from ..store import QueryError, QueryRequest
from . import lookup
from .answers import Answer, Refusal, answer_key, answers

bp = Blueprint("api", __name__, template_folder="templates")
FORMATS = ["json", "html", "csv"]  # in the order Accept negotiation prefers them
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
                             "positiveInteger")}


def registry() -> dict[str, StoredQuery]:
    return query_registry.stored_queries()


# --- execution -------------------------------------------------------------------------------------

def run(query: StoredQuery, bindings: dict, page: int = 1) -> tuple[list[str], list[list]]:
    """Columns (display names) and rows (pyoxigraph terms or None) of a stored SELECT query; of a paginated
    one, page ``page`` and the first row of the next page if there is one (see :func:`one_page`)."""
    limit = int(current_app.config["API_MAX_ROWS"])
    backend = endpoint().backend
    if isinstance(getattr(backend, "store", None), ox.Store):
        text, substitutions = query.hinted(bindings, page), bindings or None
    else:  # another store cannot bind: the values as a VALUES block of terms serialised by pyoxigraph
        text, substitutions = query.for_remote(bindings, page), None
    req = QueryRequest(query=text, form="SELECT", media_type="application/sparql-results+json",
                       timeout=float(current_app.config["QUERY_TIMEOUT"]), max_rows=limit + 1,
                       max_bytes=int(current_app.config["MAX_RESULT_BYTES"]), substitutions=substitutions)
    try:
        result = endpoint().runner.execute(req)
    except QueryError as e:  # 503 at the time limit, 413 over a bound, 502 from a remote store
        abort_with(e.status, "more than %d rows" % limit if e.status == 413 and "rows" in e.message
                   else e.message, getattr(e, "headers", None))  # worker.Busy: Retry-After
    results = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(results, ox.QuerySolutions):
        abort(500, "stored query %s is not a SELECT" % query.name)
    variables = [v.value for v in results.variables]
    rows = []
    for solution in results:
        rows.append(list(solution))  # its terms in the order of `variables`, None where unbound
        if len(rows) > limit:
            abort(413, "more than %d rows" % limit)
    return [query.column_name(v) for v in variables], rows


def page_argument(query: StoredQuery, args: dict[str, str]) -> int:
    """Takes ``page`` out of a paginated query's request arguments: its number (1 when absent);
    ParameterError when it does not fit. A query without pagination leaves it to ``bind`` (unknown)."""
    return query.page_number(args.pop("page", None)) if query.page_size is not None else 1


def one_page(query: StoredQuery, rows: list[list], page: int) -> tuple[list[list], dict[str, str]]:
    """A paginated answer's rows without the next page's first row, and the URLs of its first, previous
    and next pages (this request with another ``page``); other answers as they are, without links."""
    if query.page_size is None:
        return rows, {}

    def at(number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return request.path + query_suffix(args)

    links = {"first": at(1)}
    if page > 1:
        links["prev"] = at(page - 1)
    if len(rows) > query.page_size:
        links["next"] = at(page + 1)
    return rows[:query.page_size], links


def plain(term) -> object:
    """A term as JSON: numbers as numbers, booleans as booleans, everything else as its string."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value if term.datatype else None
        if dtype in NUMERIC:
            try:
                number = float(term.value)
                return int(number) if dtype != XSD + "decimal" and number.is_integer() else number
            except ValueError:
                return term.value
        if dtype == XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def local_href(iri: str) -> str | None:
    """Our own IRIs link to their page on this server; other http(s) IRIs link out; nothing else links."""
    base = current_app.config.get("LD_BASE") or "https://w3id.org/kuntakg/"
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


# --- rendering -------------------------------------------------------------------------------------

def html(template: str, status: int = 200, alternates: Mapping[str, str] | None = None, **data: Any) -> Response:
    """An API page in the site's layout (IRIs in result tables link to our pages: ``local_href``)."""
    return html_response(template, status, alternates, vary="Accept", local_href=local_href, **data)


def table_response(query: StoredQuery, columns: list[str], rows: list[list], fmt: str, args: dict,
                   elapsed: float, cached: bool = False, page: int = 1,
                   links: Mapping[str, str] | None = None) -> Response:
    """One answer as JSON, CSV or HTML; ``links``: a paginated answer's first/prev/next URLs (one_page)."""
    qs = query_suffix()
    alternates = {f: "/api/queries/%s.%s%s" % (query.name, f, qs) for f in FORMATS}
    links = links or {}
    if fmt == "json":
        body = {"ok": True, "query": query.name, "summary": query.summary, "parameters": args,
                "columns": columns, "rows": [dict(zip(columns, map(plain, r), strict=True)) for r in rows],
                "truncated": False, "query_ms": round(elapsed * 1000, 1), "cached": cached}
        if query.page_size is not None:
            body.update(page=page, page_size=query.page_size, links=dict(links))
        resp = json_response(body, alternates=alternates)
    elif fmt == "csv":
        resp = csv_response(columns, (["" if t is None else t.value for t in r] for r in rows), alternates=alternates)
    else:
        resp = html("api/query.html", query=query, columns=columns, rows=rows, args=args, alternates=alternates,
                    elapsed=elapsed, csv_url=alternates["csv"], json_url=alternates["json"], page=page, links=links)
    return add_links(resp, links)


# --- routes ----------------------------------------------------------------------------------------

@bp.get("/api/queries")
@bp.get("/api/queries.<fmt>")
def index(fmt: str | None = None):
    fmt = choose(fmt, FORMATS)
    queries = list(registry().values())
    alternates = {f: "/api/queries.%s" % f for f in ("html", "json")}
    if fmt == "json":
        body = {"ok": True, "queries": [{
            "name": q.name, "summary": q.summary, "tags": q.tags, "questions": q.questions,
            "url": "/api/queries/%s" % q.name, "page_size": q.page_size,
            "parameters": [{"name": p.name, "type": p.kind, "required": p.required, "default": p.default,
                            "enum": p.enum} for p in q.params]} for q in queries]}
        return json_response(body, alternates=alternates)
    if fmt == "csv":
        abort(404)
    return html("api/index.html", queries=queries, alternates=alternates)


@bp.get("/api/queries/<name>")
@bp.get("/api/queries/<name>.<fmt>")
def show(name: str, fmt: str | None = None):
    query = registry().get(name)
    if query is None:
        abort(404, "no stored query %r" % name)
    fmt = choose(fmt, FORMATS)
    args = {k: v for k, v in request.args.items()}
    for key in request.args:
        if len(request.args.getlist(key)) > 1:
            return error(400, "parameter %r: given more than once" % key, fmt, key)
    lang = args.pop("lang", None) if query.relabels else None
    if lang is not None and lang not in lookup.LANGS:
        return error(400, "parameter 'lang': must be one of %s" % ", ".join(lookup.LANGS), fmt, "lang")
    bind_args = dict(args)
    try:
        page = page_argument(query, bind_args)
    except ParameterError as exc:
        return error(400, str(exc), fmt, exc.param)
    if query.param("town") is not None and bind_args.get("town"):
        code = lookup.resolve_town(bind_args["town"])
        if code is None:
            return error(400, "parameter 'town': unknown town %r; give a code or a name in any language: %s"
                         % (bind_args["town"][:80], lookup.valid_towns_text()), fmt, "town")
        bind_args["town"] = code
    try:
        bindings = query.bind(bind_args)
    except ParameterError as exc:
        return error(400, str(exc), fmt, exc.param)
    start = time.perf_counter()
    label_lang, answer_id = answer_identity(query, bindings, lang, page)
    # weak: the body's query_ms and cached differ between calls; HTML pages depend on the site's language too
    etag = 'W/"q-%s-%s"' % (answer_id[:32], fmt) if answer_id and fmt != "html" else None
    unchanged = not_modified(etag, endpoint().backend.last_modified)
    if unchanged is not None:
        return answer_headers(unchanged, etag)
    columns, rows, cached = answer(query, bindings, label_lang, answer_id, page)
    rows, links = one_page(query, rows, page)
    if lang is not None:
        args["lang"] = lang
    resp = table_response(query, columns, rows, fmt, args, time.perf_counter() - start, cached=cached, page=page,
                          links=links)
    return answer_headers(resp, etag)


def answer_identity(query: StoredQuery, bindings: dict, lang: str | None, page: int = 1) -> tuple[str, str | None]:
    """The language an answer's labels are chosen in (``lang``, else fi, sv, en; "" without x-labels) and
    the key it is kept under (None: not kept). The start-up preparation keys its answers here too, so that
    a request without parameters finds them."""
    label_lang = (lang or lookup.LANGS[0]) if query.labels else ""
    return label_lang, answer_key(query, bindings, label_lang, page)


def answer(query: StoredQuery, bindings: dict, label_lang: str, key: str | None,
           page: int = 1) -> tuple[list[str], list[list], bool]:
    """Columns, rows (labels chosen in ``label_lang``; of a paginated query, page ``page`` as :func:`run`
    gives it) and whether they were kept from an earlier call."""
    def compute() -> Answer:
        try:
            columns, rows = run(query, bindings, page)
        except RequestEntityTooLarge as exc:  # over a size bound: kept, the same for every asker
            return Refusal(413, exc.description or "too large")
        if query.labels:  # without lang the label is still chosen, in the order fi, sv, en: never at random
            columns, rows = relabel(query, columns, rows, label_lang)
        return columns, rows

    kept = answers() if key else None
    if kept is None or key is None:
        found, cached = compute(), False
    else:
        found, cached = kept.get_or_compute(key, compute, float(current_app.config["QUERY_TIMEOUT"]))
    if isinstance(found, Refusal):
        abort(found.status, found.message)
    return found[0], found[1], cached


def answer_headers(resp: Response, etag: str | None) -> Response:
    """A stored query's answer changes only with the store: its ETag (304 on revalidation), Last-Modified
    and Cache-Control, as on /sparql."""
    return cache_headers(resp, etag, endpoint().backend.last_modified if etag else None)


def relabel(query: StoredQuery, columns: list[str], rows: list[list], lang: str) -> tuple[list[str], list[list]]:
    """Each ``x-labels`` column gets a ``<column>_lang`` twin with its language tag, and its label is
    re-chosen from its item's labels in ``lang`` (fallback fi, sv, en, marked by the tag)."""
    index = {c: i for i, c in enumerate(columns)}
    pairs = [(index[label], index.get(item) if item else None) for label, item in query.labels.items()
             if label in index]
    iris = {r[i].value for _, i in pairs if i is not None for r in rows if isinstance(r[i], ox.NamedNode)}
    names = lookup.labels_in(iris)
    out_rows = []
    for row in rows:
        row = list(row)
        tags: dict[int, ox.Literal | None] = {}
        for li, ii in pairs:
            term = row[li]
            if ii is not None and isinstance(row[ii], ox.NamedNode):
                chosen = lookup.choose_label(names.get(row[ii].value, {}), lang)
                if chosen is not None:
                    term = ox.Literal(chosen[0], language=chosen[1]) if chosen[1] else ox.Literal(chosen[0])
                    row[li] = term
            tags[li] = ox.Literal(term.language) if isinstance(term, ox.Literal) and term.language else None
        extended = []
        for i, value in enumerate(row):
            extended.append(value)
            if i in tags:
                extended.append(tags[i])
        out_rows.append(extended)
    out_columns = []
    for i, c in enumerate(columns):
        out_columns.append(c)
        if any(i == li for li, _ in pairs):
            out_columns.append(c + "_lang")
    return out_columns, out_rows


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI description; its server is the configured public base, never the request's Host."""
    from .openapi import spec

    return json_response(spec(registry(), current_app.config["PUBLIC_BASE"].rstrip("/"),
                              {"town": lookup.town_values()}))


@bp.get("/api/docs")
def docs() -> Response:
    return html("api/docs.html", queries=list(registry().values()))
