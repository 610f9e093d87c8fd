"""The linked-data site: IRI resolution, pages, dataset description, downloads, query editor (issue 6).

``init_app(app)`` is the one call ``create_app`` makes; it sets the defaults below (without
overriding anything the config or ``KUNTAKG_*`` environment already set) and registers the
blueprints ``resources`` (IRIs under the base: ``/id/…``, ``/graph/…``, ``/code/…``, ``/ontology``,
``/resource?iri=``) and ``pages`` (home, search, downloads, ``/.well-known/void``, ``/query``).
Nothing is queried at start-up: every page asks the endpoint's backend
(``app.extensions["kuntakg"].backend``) when it is first requested.

Settings (``KUNTAKG_`` prefix in the environment):

LD_BASE
    Base of the instance IRIs that this server resolves (default ``$KUNTAKG_BASE`` or
    ``https://w3id.org/kuntakg/``).  ``<LD_BASE>id/goal/x/y`` is served at ``/id/goal/x/y``.
PUBLIC_URL
    Where the site is reachable (used in the dataset description for ``void:dataDump`` and
    ``void:sparqlEndpoint``); default: the URL of the current request.
DIST_DIR
    Folder of the build's dumps offered at ``/downloads/`` (default: the folder of ``KUNTAKG_DATA``).
SITE_LANGUAGES
    Languages of the interface, in order (default ``["fi", "sv", "en"]``).
DEFAULT_LANGUAGE
    Language when neither ``?lang=``, the ``lang`` cookie nor ``Accept-Language`` chooses one (``en``).
"""
from __future__ import annotations

import os

from kuntakg.namespaces import DEFAULT_BASE

SITE_DEFAULTS: dict = {
    "LD_BASE": os.environ.get("KUNTAKG_BASE", DEFAULT_BASE),
    "PUBLIC_URL": None,
    "DIST_DIR": None,
    "SITE_LANGUAGES": ["fi", "sv", "en"],
    "DEFAULT_LANGUAGE": "en",
}


def init_app(app) -> None:
    """Register the site's blueprints on ``app`` (called once by ``create_app``)."""
    from . import pages, resources

    for key, value in SITE_DEFAULTS.items():
        app.config.setdefault(key, value)
    if not app.config["LD_BASE"].endswith("/"):
        app.config["LD_BASE"] += "/"
    app.jinja_env.autoescape = True  # also for templates whose names do not end in .html
    app.register_blueprint(pages.bp)
    app.register_blueprint(resources.bp)
