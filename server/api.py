"""Stored queries as a web API (issue 7, the grlc/datasette model).

    /api/queries[.json]                 the catalogue
    /api/queries/<name>[.json|.csv|.html]  one stored query (queries/<name>.rq), parameters in the query string
    /api/openapi.json                   OpenAPI 3.0 description generated from the `#+` headers
    /api/docs                           interactive documentation (no CDN: server/static/apidocs.js)

The registry (kuntakg.queries) is parsed once, when the blueprint is registered, and a bad header
stops the start-up. Parameter values are checked and typed by the registry and bound with pyoxigraph's
``substitutions`` (never spliced into the query); a bad or unknown parameter answers 400 naming it.
Stored queries are our own, fixed texts: they run in-process on the embedded store (a parameter
value cannot change a query's shape). A non-Oxigraph backend gets the values as a VALUES block of
terms serialised by pyoxigraph, through the endpoint's isolated runner.
"""
from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.exceptions import ServiceUnavailable

from kuntakg.queries import ParameterError, StoredQuery, load_queries

bp = Blueprint("api", __name__, template_folder="templates")
ROOT = Path(__file__).resolve().parent.parent
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}
NEGOTIABLE = ["application/json", "text/html", "text/csv"]
MAX_ROWS = 10_000
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
                             "positiveInteger")}


def init_app(app) -> None:
    """Load queries/*.rq once and register the blueprint (fails loudly on a bad header)."""
    folder = Path(app.config.get("QUERIES_DIR") or ROOT / "queries")
    app.extensions["kuntakg_queries"] = load_queries(folder)
    app.register_blueprint(bp)
    from . import compare
    app.register_blueprint(compare.bp)


def registry() -> dict[str, StoredQuery]:
    return current_app.extensions["kuntakg_queries"]


# --- execution -------------------------------------------------------------------------------------

def run(query: StoredQuery, bindings: dict) -> tuple[list[str], list[list]]:
    """Columns (display names) and rows (pyoxigraph terms or None) of a stored SELECT query."""
    backend = current_app.extensions["kuntakg"].backend
    if isinstance(getattr(backend, "store", None), ox.Store):
        results = _run_local(query, bindings)
    else:
        results = _run_elsewhere(query, bindings)
    variables = [v.value for v in results.variables]
    rows = []
    for solution in results:
        rows.append([solution[v] for v in variables])
        if len(rows) > MAX_ROWS:
            abort(413, "more than %d rows" % MAX_ROWS)
    return [query.column_name(v) for v in variables], rows


def _run_local(query: StoredQuery, bindings: dict):
    """In a query worker, like /sparql: under the time limit (503), killable, the web process free."""
    from .store import QueryRequest

    req = QueryRequest(query=query.text, form="SELECT", media_type="application/sparql-results+json",
                       timeout=float(current_app.config.get("QUERY_TIMEOUT", 30)), substitutions=bindings or None)
    return _execute(req)


def _execute(req):
    """The runner's answer as pyoxigraph results; its QueryError (503 at the time limit, 502 from a
    remote store, 413) becomes that HTTP status, not a 500."""
    from .store import QueryError

    try:
        result = current_app.extensions["kuntakg"].runner.execute(req)
    except QueryError as e:
        if getattr(e, "retry_after", None):  # worker.Busy: the pool is saturated
            raise ServiceUnavailable(e.message, retry_after=e.retry_after) from None
        abort(e.status, e.message)
    return ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)


def _run_elsewhere(query: StoredQuery, bindings: dict):
    from .store import QueryRequest

    text = query.text
    if bindings:
        names = " ".join(str(v) for v in bindings)
        terms = " ".join(str(t) for t in bindings.values())  # N-Triples forms, escaped by pyoxigraph
        text += "\nVALUES (%s) { (%s) }\n" % (names, terms)
    req = QueryRequest(query=text, form="SELECT", media_type="application/sparql-results+json",
                       timeout=float(current_app.config.get("QUERY_TIMEOUT", 30)))
    return _execute(req)


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

def _format(fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            abort(404)
        return fmt
    best = request.accept_mimetypes.best_match(NEGOTIABLE)
    if best is None:
        if request.headers.get("Accept"):
            abort(406, "supported: " + ", ".join(NEGOTIABLE))
        best = "application/json"
    return {"application/json": "json", "text/html": "html", "text/csv": "csv"}[best]


def _layout() -> tuple[str, dict]:
    """The site's base template and its context when the issue-6 site provides them, else our own."""
    try:
        from .pagerender import context
        return "base.html", context()
    except Exception:  # the site is not there (or not usable): a minimal page of our own
        return "api/minimal.html", {}


def html(template: str, status: int = 200, **data) -> Response:
    base, context = _layout()
    body = render_template(template, base_template=base, local_href=local_href, **{**context, **data})
    return _finish(Response(body, status, content_type=FORMATS["html"]), data.get("alternates", {}))


def _finish(resp: Response, alternates: dict[str, str]) -> Response:
    resp.headers["Vary"] = "Accept"
    links = ['<%s>; rel="alternate"; type="%s"' % (u, FORMATS[f].split(";")[0]) for f, u in alternates.items()]
    if links:
        resp.headers["Link"] = ", ".join(links)
    return resp


def error(status: int, message: str, fmt: str = "json", param: str | None = None) -> Response:
    body = {"ok": False, "error": message, "errors": [message], "status": status}
    if param:
        body["parameter"] = param
    if fmt == "html":
        return html("api/error.html", status, status_code=status, message=message, alternates={})
    if fmt == "csv":
        return Response("error\n%s\n" % message, status, content_type=FORMATS["csv"])
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json")


def table_response(query: StoredQuery, columns, rows, fmt: str, args: dict, elapsed: float) -> Response:
    qs = ("?" + request.query_string.decode()) if request.query_string else ""
    alternates = {f: "/api/queries/%s.%s%s" % (query.name, f, qs) for f in FORMATS}
    if fmt == "json":
        body = {"ok": True, "query": query.name, "summary": query.summary, "parameters": args,
                "columns": columns, "rows": [dict(zip(columns, map(plain, r))) for r in rows],
                "truncated": False, "query_ms": round(elapsed * 1000, 1)}
        resp = Response(json.dumps(body, ensure_ascii=False), 200, content_type="application/json")
        return _finish(resp, alternates)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if t is None else t.value for t in r])
        return _finish(Response(out.getvalue(), 200, content_type=FORMATS["csv"]), alternates)
    return html("api/query.html", query=query, columns=columns, rows=rows, args=args, alternates=alternates,
                elapsed=elapsed, csv_url=alternates["csv"], json_url=alternates["json"])


# --- routes ----------------------------------------------------------------------------------------

@bp.get("/api/queries")
@bp.get("/api/queries.<fmt>")
def index(fmt: str | None = None):
    fmt = _format(fmt)
    queries = list(registry().values())
    alternates = {f: "/api/queries.%s" % f for f in ("html", "json")}
    if fmt == "json":
        body = {"ok": True, "queries": [{
            "name": q.name, "summary": q.summary, "tags": q.tags, "questions": q.questions,
            "url": "/api/queries/%s" % q.name,
            "parameters": [{"name": p.name, "type": p.kind, "required": p.required, "default": p.default,
                            "enum": p.enum} for p in q.params]} for q in queries]}
        return _finish(Response(json.dumps(body, ensure_ascii=False), content_type="application/json"), alternates)
    if fmt == "csv":
        abort(404)
    return html("api/index.html", queries=queries, alternates=alternates)


@bp.get("/api/queries/<name>")
@bp.get("/api/queries/<name>.<fmt>")
def show(name: str, fmt: str | None = None):
    query = registry().get(name)
    if query is None:
        abort(404, "no stored query %r" % name)
    fmt = _format(fmt)
    args = {k: v for k, v in request.args.items()}
    for key in request.args:
        if len(request.args.getlist(key)) > 1:
            return error(400, "parameter %r: given more than once" % key, fmt, key)
    try:
        bindings = query.bind(args)
    except ParameterError as exc:
        return error(400, str(exc), fmt, exc.param)
    start = time.perf_counter()
    columns, rows = run(query, bindings)
    return table_response(query, columns, rows, fmt, args, time.perf_counter() - start)


@bp.get("/api/openapi.json")
def openapi():
    from .openapi import spec
    resp = Response(json.dumps(spec(registry(), request.host_url.rstrip("/")), ensure_ascii=False, indent=1),
                    content_type="application/json")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.get("/api/docs")
def docs():
    return html("api/docs.html", queries=list(registry().values()), alternates={})
