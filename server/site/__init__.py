"""The linked-data site: IRI resolution, pages, dataset description, downloads, query editor.

``init_app(app)`` is the one call ``create_app`` makes: it registers the blueprints ``resources``
(IRIs under the base: ``/id/…``, ``/graph/…``, ``/code/…``, ``/ontology``, ``/resource?iri=``) and
``pages`` (home, search, downloads, ``/.well-known/void``, ``/query``), the layout context every
template gets (interface language, translations) and the ``lang`` cookie.  Nothing is queried at
start-up: every page asks the store through the query runner (:mod:`server.site.kg`) when it is
first requested.  Its settings (``LD_BASE``, ``PUBLIC_BASE``, ``DIST_DIR``, ``SITE_LANGUAGES``,
``DEFAULT_LANGUAGE``, ``SITE_QUERY_TIMEOUT``) are in :mod:`server.settings` and the README.
"""
from __future__ import annotations

import urllib.parse
from typing import Any

from flask import Flask, Response, g, request

from . import i18n


def layout() -> dict[str, Any]:
    """What base.html needs on every page: the language, the translations and the language links."""
    return {"t": i18n.t, "lang": i18n.lang(), "languages": i18n.languages(),
            "language_names": i18n.LANGUAGE_NAMES, "lang_url": lang_url}


def lang_url(code: str) -> str:
    args = request.args.to_dict()
    args["lang"] = code
    return request.path + "?" + urllib.parse.urlencode(args)


def remember_language(resp: Response) -> Response:
    """``?lang=`` chooses the interface language for later pages too (a cookie); a page drawn in a
    language says so (``Content-Language``)."""
    if resp.mimetype == "text/html" and "site_lang" in g:
        resp.headers.setdefault("Content-Language", g.site_lang)
    if request.args.get("lang") in i18n.languages():
        resp.set_cookie("lang", request.args["lang"], max_age=365 * 86400, samesite="Lax")
    return resp


def init_app(app: Flask) -> None:
    """Register the site's blueprints on ``app`` (called once by ``create_app``)."""
    from . import pages, resources

    app.jinja_env.autoescape = True  # also for templates whose names do not end in .html
    app.context_processor(layout)
    app.after_request(remember_language)
    app.register_blueprint(pages.bp)
    app.register_blueprint(resources.bp)
