"""Blueprint ``sparql``: the read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

* Query via GET, POST form-encoded and POST direct (``application/sparql-query``);
  ``default-graph-uri`` / ``named-graph-uri`` narrow the dataset per request
  (otherwise the default graph is the union of all named graphs).
* Updates (``update=``, ``application/sparql-update``), ``LOAD`` and ``SERVICE``
  are refused before any store sees the request (:mod:`server.sparql.guard`).
* Results by content negotiation (q-values) or the ``format`` / ``output`` / ``results``
  parameters, by the rule of :func:`server.sparql.format_rule.choose_media`; 406 lists the types.
* GET without a query: service description (RDF types) or a small HTML form.
* Every query runs under the time limit in a killable worker (:mod:`server.sparql.worker`):
  503 at the limit, never a 200 with a cut-off body.
* ETag / Last-Modified from the dataset version with 304, gzip, 413/414
  for oversized requests, errors without stack traces (the one error body of
  :mod:`server.response`, which also sets CORS), and one log line per request.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import time
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from .. import media as formats
from .. import response
from .. import state as app_state
from ..store import Backend, QueryError, QueryRequest
from . import description, format_rule, guard

bp = Blueprint("sparql", __name__)
log = logging.getLogger("server.sparql")

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def error_response(status: int, message: str, headers=None) -> Response:
    return response.error(status, message, headers=headers)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    t0 = time.perf_counter()
    state = {"rows": "-", "query": None}
    try:
        resp = _handle(state)
    except (ApiError, QueryError, guard.Refused) as e:
        resp = error_response(e.status, e.message, getattr(e, "headers", None))  # worker.Busy: Retry-After
    except HTTPException as e:  # e.g. 413 from the form parser
        resp = error_response(e.code or 400, e.description or e.name)
    except Exception as e:  # noqa: BLE001
        resp = response.handle_exception(e)
    resp = _finish(resp)
    _log(resp, state, t0)
    return resp


def _log(resp: Response, state: dict, t0: float) -> None:
    g.logged = True  # this line replaces the general one of server.response
    if not log.isEnabledFor(logging.INFO):
        return
    n = current_app.config["LOG_QUERY_CHARS"]
    q = state["query"]
    q = " ".join(q.split())[:n] if q else "-"
    log.info("%s /sparql status=%d ms=%.1f rows=%s bytes=%s query=%s", request.method, resp.status_code,
             (time.perf_counter() - t0) * 1000, state["rows"], resp.content_length, json.dumps(q,
                                                                                               ensure_ascii=False))


def _param_lists(source, into: dict) -> None:
    for name in into:
        into[name] += source.getlist(name)


def _buffer_unsized_body(limit: int) -> None:
    """A body without Content-Length (``Transfer-Encoding: chunked``) is read here, at most ``limit``
    + 1 bytes: over the limit → 413.  Werkzeug's own guard for such bodies (``MAX_CONTENT_LENGTH``)
    stops reading *at* the limit without an error, so the form parser and ``get_data`` would see
    the first 256 KiB of a longer query and run it cut off (issue 17, item 6).  Under the limit, the
    body is handed on as if it had been sent with a Content-Length."""
    env = request.environ
    if request.method != "POST" or env.get("CONTENT_LENGTH") or not env.get("wsgi.input_terminated"):
        return
    stream, buf = env["wsgi.input"], bytearray()
    try:
        while len(buf) <= limit:
            chunk = stream.read(limit + 1 - len(buf))
            if not chunk:
                break
            buf += chunk
    except (OSError, ValueError) as e:  # a broken chunk header, or the client left mid-body
        raise ApiError(400, "malformed or incomplete chunked request body (%s)" % type(e).__name__) from None
    if len(buf) > limit:
        raise ApiError(413, "request body larger than %d bytes" % limit)
    env["wsgi.input"] = io.BytesIO(bytes(buf))
    env["CONTENT_LENGTH"] = str(len(buf))
    env.pop("wsgi.input_terminated", None)
    env.pop("HTTP_TRANSFER_ENCODING", None)
    req = request._get_current_object()  # type: ignore[attr-defined]
    for cached in ("content_length", "stream"):
        req.__dict__.pop(cached, None)


def _handle(state: dict) -> Response:
    cfg = current_app.config
    ext: app_state.Endpoint = app_state.endpoint()
    if request.method == "OPTIONS":
        return _preflight()
    limit = cfg["MAX_REQUEST_BYTES"]
    _buffer_unsized_body(int(limit))
    if len(request.query_string) > limit:
        raise ApiError(414, "request URL longer than %d bytes; POST the query instead" % limit)
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "request body larger than %d bytes" % limit)

    p: dict[str, list[str]] = {"query": [], "update": [], "default-graph-uri": [], "named-graph-uri": [],
                               **{name: [] for name in formats.FORMAT_PARAMS}}
    _param_lists(request.args, p)
    if request.method == "POST":
        mtype = request.mimetype
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ApiError(415, "only UTF-8 request bodies are accepted, not %s" % charset)
        if mtype == "application/x-www-form-urlencoded":
            _param_lists(request.form, p)
        elif mtype == "application/sparql-query":
            raw = request.get_data(cache=False)
            if len(raw) > limit:
                raise ApiError(413, "request body larger than %d bytes" % limit)
            try:
                p["query"].append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise ApiError(400, "request body is not valid UTF-8") from None
        elif mtype == "application/sparql-update":
            raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        elif not mtype:
            raise ApiError(400, "POST needs a Content-Type: application/x-www-form-urlencoded "
                                "or application/sparql-query")
        else:
            raise ApiError(415, "unsupported Content-Type %s; use application/x-www-form-urlencoded "
                                "or application/sparql-query" % mtype)
    if p["update"]:
        if p["query"]:
            raise ApiError(400, "a request carries either query or update, not both")
        raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if len(p["query"]) > 1:
        raise ApiError(400, "exactly one query parameter is allowed, got %d" % len(p["query"]))
    if not p["query"]:
        if request.method == "GET":
            return _service_description(ext)
        raise ApiError(400, "missing query parameter")

    query = p["query"][0]
    state["query"] = query
    info = guard.check_query(query, cfg["SERVICE_ALLOWLIST"])
    try:
        media = format_rule.choose_media([(name, v) for name in formats.FORMAT_PARAMS for v in p[name]],
                                     request.headers.get("Accept"), info.form)
    except format_rule.FormatChoiceError as e:
        raise ApiError(e.status, e.message) from None

    dgs, ngs = p["default-graph-uri"], p["named-graph-uri"]
    has_dataset = bool(dgs or ngs)
    base_iri = request.base_url
    etag = _etag(ext.backend, query, dgs, ngs, media, base_iri)
    not_modified = _not_modified(ext.backend, etag)
    if not_modified is not None:
        state["rows"] = "304"
        return not_modified

    req = QueryRequest(query=query, form=info.form, media_type=media, base_iri=base_iri,
                       default_graphs=dgs if has_dataset else None, named_graphs=ngs if has_dataset else None,
                       max_rows=int(cfg["MAX_RESULT_ROWS"]), max_bytes=int(cfg["MAX_RESULT_BYTES"]),
                       timeout=float(cfg["QUERY_TIMEOUT"]), query_dataset=info.has_from,
                       from_graphs=(info.from_default, info.from_named) if info.from_resolved else None,
                       spool_after=int(cfg["RESULT_SPOOL_BYTES"]))
    try:
        result = ext.runner.execute(req)
    except QueryError as e:
        if e.status == 400:  # "unknown prefix kk:" and the PREFIX line, not the parser's character classes
            e.message = guard.explain_prefix_error(query, e.message)
        raise
    state["rows"] = result.rows
    if result.spool is None:
        resp = Response(result.body, 200, content_type=formats.content_type(result.media_type))
        _cache_headers(resp, ext.backend, etag)
    else:
        resp = _streamed(result.spool, formats.content_type(result.media_type))
        _cache_headers(resp, ext.backend, etag)
        if etag and resp.headers.get("Content-Encoding") == "gzip":
            resp.headers["ETag"] = etag[:-1] + '-gzip"'
    return resp


STREAM_CHUNK = 64 * 1024


def _streamed(spool: BinaryIO, ctype: str) -> Response:
    """A large result from its temporary file, 64 KiB at a time (gzipped on the fly when the
    client accepts it): the web process never holds it whole, whatever the client's pace."""
    size = os.fstat(spool.fileno()).st_size
    cfg = current_app.config
    gz = request.method != "HEAD" and size >= int(cfg["GZIP_MIN_BYTES"]) and response.accepts_gzip()
    level = int(cfg["GZIP_LEVEL"])

    def chunks() -> Iterator[bytes]:
        try:
            z = zlib.compressobj(level, zlib.DEFLATED, 31) if gz else None  # 31: gzip container
            while block := spool.read(STREAM_CHUNK):
                out = z.compress(block) if z else block
                if out:
                    yield out
            if z:
                yield z.flush()
        finally:
            spool.close()

    resp = Response(chunks(), 200, content_type=ctype, direct_passthrough=True)
    resp.call_on_close(spool.close)
    if gz:
        resp.headers["Content-Encoding"] = "gzip"
    else:
        resp.content_length = size
    return resp


# ------------------------------------------------------------------ caching

def _etag(backend: Backend, query, dgs, ngs, media, base) -> str | None:
    if not backend.version:
        return None
    key = "\x00".join([backend.version, query, "\x01".join(dgs), "\x01".join(ngs), media, base])
    return '"%s-%s"' % (backend.version[:12], hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:20])


def _cache_headers(resp: Response, backend: Backend, etag: str | None) -> None:
    response.cache_headers(resp, etag, backend.last_modified if backend.version else None)


def _not_modified(backend: Backend, etag: str | None) -> Response | None:
    if etag is None:
        return None
    resp = response.not_modified(etag, backend.last_modified, [etag[:-1] + '-gzip"'])
    if resp is not None:
        _cache_headers(resp, backend, etag)
    return resp


# ------------------------------------------------------------------ other responses

def _preflight() -> Response:
    resp = Response(status=204)
    del resp.headers["Content-Type"]
    resp.headers["Allow"] = ALLOWED_METHODS
    if current_app.config["CORS_ORIGIN"]:
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "Accept, Content-Type, If-None-Match, If-Modified-Since")
        resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def _service_description(ext: app_state.Endpoint) -> Response:
    media = response.negotiate(request.headers.get("Accept"), formats.SD_TYPES)
    if media is None:
        raise ApiError(406, "GET /sparql without a query returns the service description; supported types: "
                            + ", ".join(formats.SD_TYPES))
    if media == formats.HTML:
        body = description.html_page(request.base_url)
    else:
        body = description.service_description(request.base_url, media, ext.backend.union, ext.backend.name)
    return Response(body, 200, content_type=formats.content_type(media))


def _finish(resp: Response) -> Response:
    cfg = current_app.config
    resp.headers["Vary"] = "Accept, Accept-Encoding"
    if (resp.status_code == 200 and request.method != "HEAD" and not resp.direct_passthrough
            and response.accepts_gzip() and "Content-Encoding" not in resp.headers):
        data = resp.get_data()
        if len(data) >= int(cfg["GZIP_MIN_BYTES"]):
            resp.set_data(gzip.compress(data, compresslevel=int(cfg["GZIP_LEVEL"]), mtime=0))
            resp.headers["Content-Encoding"] = "gzip"
            etag = resp.headers.get("ETag")
            if etag:
                resp.headers["ETag"] = etag[:-1] + '-gzip"'
    return resp
