"""The one response path: content negotiation, rendering, errors and the headers of every response.

Views compute plain data; this module turns it into a response.

* **Negotiation** (:func:`negotiate`, :func:`choose`, :func:`accepts_gzip`): werkzeug parses
  ``Accept`` / ``Accept-Encoding``; an offer's quality is that of the most specific range that
  matches it (RFC 9110 §12.5.1, so ``text/csv;q=0, */*`` refuses CSV), ties go to the server's
  order, no header gives the first offer.  An explicit suffix (``.json``) wins over ``Accept``; an
  unknown suffix is 404, an ``Accept`` nothing matches 406.
* **Rendering** (:func:`render`, :func:`page`, :func:`json_response`, :func:`csv_response`,
  :func:`rdf`): the only module that calls ``render_template``.  HTML pages, their JSON twins, CSV
  and RDF bodies all end in :func:`finish`, which sets ``Vary``, ``Content-Location`` and one
  ``Link: <url>; rel="alternate"`` per twin (URLs percent-encoded: nothing a client sends can end
  the ``<…>``).  CSV meant for spreadsheets neutralises cells that a spreadsheet would run as a
  formula (see :func:`spreadsheet_cell`); ``/sparql``'s ``text/csv`` is the W3C format, untouched.
* **Errors** (:func:`error`, :func:`handle_http_error`, :func:`handle_exception`): one body,
  ``{"ok": false, "error", "errors", "status"}`` for programs, the same message as an HTML page
  for browsers (``Accept`` prefers ``text/html``), never a stack trace.
* **Headers of every response** (:func:`after_request`): CORS (``CORS_ORIGIN``), ``nosniff``,
  framing, referrer and opener policies, a Content-Security-Policy on HTML, and the request log line.

:func:`init_app` registers the handlers and the hook; ``create_app`` calls it once.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import re
import time
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NoReturn

from flask import Flask, Response, current_app, g, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, NotAcceptable, NotFound, ServiceUnavailable, abort
from werkzeug.http import parse_accept_header

log = logging.getLogger("server.http")

# suffix -> media type (negotiation and Link types) and the Content-Type sent
MEDIA = {
    "html": "text/html", "json": "application/json", "csv": "text/csv",
    "ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
SUFFIX = {v: k for k, v in MEDIA.items()}
RDF_FORMATS = ("ttl", "nt", "jsonld", "rdf")
CONTENT_TYPE = {**MEDIA, "html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
                "ttl": "text/turtle; charset=utf-8", "nt": "application/n-triples; charset=utf-8"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HTML_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml")
# characters left as they are in a Link URL: RFC 3986 reserved and unreserved ones and '%'
URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


# ------------------------------------------------------------------ negotiation

def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """The best of ``offers`` (media types, in server preference) for an ``Accept`` header."""
    if not offers:
        return None
    ranges = [(value.lower(), q) for value, q in parse_accept_header(header or "", MIMEAccept) if "/" in value]
    if not ranges:
        return offers[0]
    best, best_q = None, 0.0
    for offer in offers:
        kind, _, sub = offer.partition("/")
        specificity, quality = -1, 0.0
        for value, q in ranges:
            rkind, _, rsub = value.partition(";")[0].strip().partition("/")
            if (rkind, rsub) == (kind, sub):
                spec = 2
            elif rkind == kind and rsub == "*":
                spec = 1
            elif (rkind, rsub) == ("*", "*"):
                spec = 0
            else:
                continue
            if spec > specificity:
                specificity, quality = spec, q
        if specificity >= 0 and quality > best_q:
            best, best_q = offer, quality
    return best


def choose(fmt: str | None, offers: Sequence[str]) -> str:
    """The suffix to answer with: ``fmt`` if given (404 unless offered), else by ``Accept`` (406)."""
    if fmt is not None:
        if fmt not in offers:
            raise NotFound()
        return fmt
    media = negotiate(request.headers.get("Accept"), [MEDIA[o] for o in offers])
    if media is None:
        raise NotAcceptable("none of the accepted types can be produced; available: "
                            + ", ".join(MEDIA[o] for o in offers))
    return SUFFIX[media]


def accepts_gzip() -> bool:
    """The client takes gzip: an explicit ``gzip``/``x-gzip`` entry decides, else ``*``."""
    qualities = {value.lower(): q for value, q in request.accept_encodings}
    for name in ("gzip", "x-gzip", "*"):
        if name in qualities:
            return qualities[name] > 0
    return False


def not_modified(etag: str | None, last_modified: datetime | None, variants: Iterable[str] = ()) -> Response | None:
    """A 304 when the request's validators match (``make_conditional``), else None.

    ``etag`` is the quoted strong ETag of the representation; ``variants`` other ETags of it that
    a client may hold (the gzip one)."""
    if etag is None or request.method not in ("GET", "HEAD"):
        return None
    if "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers:
        return None  # the common case: nothing to compare
    for tag in (etag, *variants):
        resp = Response(status=200)
        resp.headers["ETag"] = tag
        if last_modified is not None:
            resp.last_modified = last_modified
        resp.make_conditional(request)
        if resp.status_code == 304:
            resp.headers["ETag"] = etag
            return resp
    return None


def cache_headers(resp: Response, etag: str | None, last_modified: datetime | None) -> Response:
    """A query answer's validators and the configured ``Cache-Control`` max-age (/sparql and the stored
    queries: an answer changes only with the store)."""
    if etag:
        resp.headers["ETag"] = etag
    if last_modified is not None:
        resp.last_modified = last_modified
    resp.headers["Cache-Control"] = "public, max-age=%d" % int(current_app.config["CACHE_MAX_AGE"])
    return resp


# ------------------------------------------------------------------ rendering

def to_json(obj: Any) -> Any:
    """Plain data for JSON: objects with ``as_json()`` use it; dataclasses, mappings, sequences recurse."""
    if obj is None or type(obj) in (str, int, float, bool):  # most of a large body: nothing to look up
        return obj
    if hasattr(obj, "as_json"):
        return obj.as_json()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_json(dataclasses.asdict(obj))
    if isinstance(obj, Mapping):
        return {k: to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [to_json(v) for v in obj]
    return obj


def json_body(data: Any) -> str:
    """JSON with ``<``, ``>`` and ``&`` escaped, so a body sniffed as HTML can never run markup."""
    text = json.dumps(to_json(data), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def spreadsheet_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text: a value starting with ``=``, ``+``, ``-``, ``@``,
    tab or carriage return gets a leading ``'`` (OWASP "CSV injection"); numbers stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_body(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_cell(v) for v in row])
    return buf.getvalue()


def link_url(url: str) -> str:
    """``url`` with every character that may not stand in a URI percent-encoded (``<``, ``>``, ``"``,
    spaces, controls, non-ASCII), so it cannot leave the ``<…>`` of a Link header."""
    return urllib.parse.quote(url, safe=URI_SAFE)


def query_suffix(args: Mapping[str, str] | None = None) -> str:
    """``?a=1&b=2`` of the request's arguments (or ``args``), re-encoded; ``""`` when there are none."""
    items = list(request.args.items(multi=True)) if args is None else list(args.items())
    return ("?" + urllib.parse.urlencode(items)) if items else ""


def twin_urls(stem: str, offers: Sequence[str], query: Mapping[str, str] | None = None) -> dict[str, str]:
    qs = ("?" + urllib.parse.urlencode(dict(query))) if query else ""
    return {o: "%s.%s%s" % (stem, o, qs) for o in offers}


def render(template: str, **context: Any) -> str:
    """A template with the site's layout context (the context processors) and ``alternates``/``data``."""
    context.setdefault("alternates", {})
    context.setdefault("data", {})
    return render_template(template, **context)


def finish(resp: Response, alternates: Mapping[str, str] | None = None, location: str | None = None,
           vary: str = "Accept") -> Response:
    resp.headers["Vary"] = vary
    if alternates:
        resp.headers["Link"] = ", ".join('<%s>; rel="alternate"; type="%s"' % (link_url(u), MEDIA[f])
                                         for f, u in alternates.items())
    if location:
        resp.headers["Content-Location"] = link_url(location)
    return resp


def add_links(resp: Response, relations: Mapping[str, str]) -> Response:
    """Append ``<url>; rel="name"`` per relation (RFC 8288: ``first``, ``prev``, ``next`` of a paginated
    answer) to the response's Link header, after its alternates."""
    if relations:
        links = ['<%s>; rel="%s"' % (link_url(u), rel) for rel, u in relations.items()]
        resp.headers["Link"] = ", ".join(filter(None, [resp.headers.get("Link"), *links]))
    return resp


PAGE_VARY = "Accept, Accept-Language, Cookie"


def json_response(data: Any, status: int = 200, alternates: Mapping[str, str] | None = None,
                  location: str | None = None, vary: str = "Accept") -> Response:
    return finish(Response(json_body(data), status, content_type=CONTENT_TYPE["json"]), alternates, location, vary)


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], status: int = 200,
                 alternates: Mapping[str, str] | None = None, location: str | None = None,
                 vary: str = "Accept") -> Response:
    """CSV for spreadsheets (formula-looking cells neutralised, :func:`spreadsheet_cell`)."""
    return finish(Response(csv_body(header, rows), status, content_type=CONTENT_TYPE["csv"]), alternates,
                  location, vary)


def html_response(template: str, code: int = 200, alternates: Mapping[str, str] | None = None,
                  location: str | None = None, vary: str = PAGE_VARY, language: str | None = None,
                  **context: Any) -> Response:
    """A rendered template (``code``: the HTTP status; ``context`` may hold a ``status`` of its own)."""
    resp = Response(render(template, alternates=alternates or {}, **context), code,
                    content_type=CONTENT_TYPE["html"])
    if language:
        resp.headers["Content-Language"] = language
    return finish(resp, alternates, location, vary)


def page(template: str, data: Mapping[str, Any], fmt: str, alternates: Mapping[str, str], status: int = 200,
         csv_rows: tuple[Sequence[str], Iterable[Sequence[Any]]] | None = None, location: str | None = None,
         language: str | None = None, **context: Any) -> Response:
    """``data`` as ``fmt``: 'html' (``template``), 'json' (``{"ok": true, …data}``) or 'csv' (``csv_rows``)."""
    if fmt == "json":
        return json_response({"ok": True, **data}, status, alternates, location, PAGE_VARY)
    if fmt == "csv":
        header, rows = csv_rows or ([], [])
        return csv_response(header, rows, status, alternates, location, PAGE_VARY)
    return html_response(template, status, alternates, location, PAGE_VARY, language, data=data, **context)


def rdf(body: bytes, fmt: str, alternates: Mapping[str, str], location: str | None = None) -> Response:
    """An RDF body (it does not depend on the page language: ``Vary: Accept``)."""
    return finish(Response(body, 200, content_type=CONTENT_TYPE[fmt]), alternates, location, "Accept")


# ------------------------------------------------------------------ errors

def error_body(status: int, message: str, param: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error": message, "errors": [message], "status": status}
    if param:
        body["parameter"] = param
    return body


def wants_html() -> bool:
    return negotiate(request.headers.get("Accept"), ["application/json", "text/html"]) == "text/html"


def error(status: int, message: str, fmt: str | None = None, param: str | None = None,
          headers: Mapping[str, str] | None = None) -> Response:
    """The one error response: HTML for browsers (or ``fmt='html'``), else JSON; ``fmt='csv'`` gives a
    one-cell CSV (a ``.csv`` URL promised CSV)."""
    if fmt is None or fmt not in ("json", "csv", "html"):
        fmt = "html" if wants_html() else "json"
    if fmt == "html":
        try:
            resp = html_response("error.html", status, status=status, message=message)
        except Exception:  # noqa: BLE001 - the page cannot be drawn (no request language…): JSON then
            log.exception("error page for %d could not be rendered", status)
            fmt = "json"
    if fmt == "csv":
        resp = csv_response(["error"], [[message]], status)
    elif fmt == "json":
        resp = Response(json_body(error_body(status, message, param)), status, content_type="application/json")
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def abort_with(status: int, message: str, headers: Mapping[str, str] | None = None) -> NoReturn:
    """Stop the request with an error answered by the one error path; a ``Retry-After`` header given
    (a saturated query pool) is kept."""
    retry = (headers or {}).get("Retry-After")
    if status == 503 and retry:
        raise ServiceUnavailable(message, retry_after=int(retry))
    abort(status, message)


def handle_http_error(e: HTTPException) -> Response:
    """Every HTTP error (404, 405, 413 …) through :func:`error`."""
    code = e.code or 500
    headers = {k: v for k, v in e.get_headers() if k.lower() in ("allow", "retry-after", "www-authenticate")}
    return error(code, e.description or e.name, headers=headers)


def handle_exception(e: Exception) -> Response:
    if (type(e).__module__ or "").startswith("gunicorn.http."):
        # the WSGI server failed to read the body the client sent (e.g. a broken chunked encoding)
        return error(400, "malformed request body (%s)" % type(e).__name__)
    log.exception("internal error on %s", request.path)
    return error(500, "internal server error")


# ------------------------------------------------------------------ every response

def before_request() -> Response | None:
    g.request_started = time.perf_counter()
    hosts = current_app.config.get("ALLOWED_HOSTS")
    if hosts:
        from werkzeug.sansio.utils import host_is_trusted

        if not host_is_trusted(request.host, hosts):
            return error(400, "this server does not answer for that Host")
    return None


def relative_redirect(resp: Response) -> None:
    """A redirect of ours (werkzeug's slash redirects build ``http://<Host>/path/``) keeps only the
    path and query, so the Host a client sent never comes back in ``Location`` or the body."""
    location = resp.headers.get("Location")
    if not location or not 300 <= resp.status_code < 400:
        return
    parts = urllib.parse.urlsplit(location)
    if parts.netloc and parts.netloc == request.host:
        relative = urllib.parse.urlunsplit(("", "", parts.path, parts.query, parts.fragment))
        resp.headers["Location"] = relative
        resp.set_data(b"")
        resp.mimetype = "text/plain"


def after_request(resp: Response) -> Response:
    relative_redirect(resp)
    for name, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(name, value)
    if resp.mimetype in HTML_TYPES:
        resp.headers.setdefault("Content-Security-Policy", CSP)
    origin = current_app.config.get("CORS_ORIGIN")
    if origin:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers.setdefault("Access-Control-Expose-Headers", "ETag, Last-Modified, Content-Length, Link")
    if not g.get("logged") and log.isEnabledFor(logging.INFO):
        started = g.get("request_started")
        ms = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info("%s %s status=%d ms=%.1f bytes=%s", request.method, request.path, resp.status_code, ms,
                 resp.content_length)
    return resp


def init_app(app: Flask) -> None:
    app.before_request(before_request)
    app.after_request(after_request)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_exception)
