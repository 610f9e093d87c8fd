"""One code path for the site's pages and their twins (HTML, JSON, CSV, RDF).

Views compute a plain ``data`` dict once; :func:`respond` negotiates the format (an explicit
suffix wins; otherwise ``Accept``; nothing suitable gives 406, an unknown suffix 404) and renders
it.  Every response carries ``Vary: Accept`` and one ``Link: <url>; rel="alternate"`` per twin.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import urllib.parse

from flask import Response, abort, current_app, render_template, request

from .. import media as formats
from . import i18n
from .describe import Link

MEDIA = {
    "html": "text/html", "json": "application/json", "csv": "text/csv",
    "ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
SUFFIX = {v: k for k, v in MEDIA.items()}
RDF_FORMATS = ("ttl", "nt", "jsonld", "rdf")


class NotAcceptable(Exception):
    def __init__(self, offers):
        super().__init__("none of the accepted types can be produced; available: " + ", ".join(offers))
        self.offers = offers


def choose(fmt: str | None, offers: list[str]) -> str:
    """The suffix to answer with (404 for an unknown suffix, NotAcceptable when Accept has no match)."""
    if fmt is not None:
        if fmt not in offers:
            abort(404)
        return fmt
    media = formats.negotiate(request.headers.get("Accept"), [MEDIA[o] for o in offers])
    if media is None:
        raise NotAcceptable([MEDIA[o] for o in offers])
    return SUFFIX[media]


def twin_urls(stem: str, offers: list[str], query: dict | None = None) -> dict[str, str]:
    qs = ("?" + urllib.parse.urlencode(query)) if query else ""
    return {o: "%s.%s%s" % (stem, o, qs) for o in offers}


def to_json(obj):
    if isinstance(obj, Link):
        return obj.as_json()
    if isinstance(obj, i18n.Label):
        return {"text": obj.text, "lang": obj.lang, **({"translated": True} if obj.translated else {})}
    if dataclasses.is_dataclass(obj):
        return to_json(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [to_json(v) for v in obj]
    return obj


def finish(resp: Response, alternates: dict[str, str] | None = None, location: str | None = None) -> Response:
    resp.headers["Vary"] = "Accept, Accept-Language, Cookie"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    if alternates:
        resp.headers["Link"] = ", ".join('<%s>; rel="alternate"; type="%s"' % (u, MEDIA[f])
                                         for f, u in alternates.items())
    if location:
        resp.headers["Content-Location"] = location
    if current_app.config.get("CORS_ORIGIN"):
        resp.headers["Access-Control-Allow-Origin"] = current_app.config["CORS_ORIGIN"]
    if request.args.get("lang") in i18n.languages():
        resp.set_cookie("lang", request.args["lang"], max_age=365 * 86400, samesite="Lax")
    return resp


def page(template: str, data: dict, fmt: str, alternates: dict[str, str], status: int = 200,
         csv_rows: tuple[list[str], list[list]] | None = None, location: str | None = None) -> Response:
    """Render ``data`` as ``fmt`` ('html', 'json' or 'csv')."""
    if fmt == "json":
        body = json.dumps({"ok": True, **to_json(data)}, ensure_ascii=False, indent=1)
        body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        resp = Response(body, status, content_type="application/json")
    elif fmt == "csv":
        header, rows = csv_rows or ([], [])
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
        resp = Response(buf.getvalue(), status, content_type="text/csv; charset=utf-8")
    else:
        body = render_template(template, data=data, alternates=alternates, **context())
        resp = Response(body, status, content_type="text/html; charset=utf-8")
        resp.headers["Content-Language"] = i18n.lang()
    return finish(resp, alternates, location)


def rdf(body: bytes, fmt: str, alternates: dict[str, str], location: str | None = None) -> Response:
    resp = Response(body, 200, content_type=formats.content_type(MEDIA[fmt]))
    resp = finish(resp, alternates, location)
    resp.headers["Vary"] = "Accept"  # RDF does not depend on the page language
    return resp


def context() -> dict:
    return {"t": i18n.t, "lang": i18n.lang(), "languages": i18n.languages(),
            "language_names": i18n.LANGUAGE_NAMES, "lang_url": lang_url}


def lang_url(code: str) -> str:
    args = request.args.to_dict()
    args["lang"] = code
    return request.path + "?" + urllib.parse.urlencode(args)


def error(status: int, message: str, fmt: str = "html") -> Response:
    if fmt == "html" and formats.negotiate(request.headers.get("Accept"), ["text/html", "application/json"]) \
            == "text/html":
        body = render_template("error.html", status=status, message=message, alternates={}, data={},
                               **context())
        return finish(Response(body, status, content_type="text/html; charset=utf-8"))
    return finish(Response(formats.error_body(status, message), status, content_type="application/json"))
