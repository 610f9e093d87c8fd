"""The settings of the Kunta-KG web application: one mapping, read once, in :func:`server.create_app`.

Every key has a default here (:data:`DEFAULTS`, the README's table says what each means).  At app
creation :func:`load` layers, in this order: the defaults, the ``KUNTAKG_<KEY>`` environment
variables (values parsed as JSON when possible: numbers, lists, booleans), and the ``config``
mapping given to ``create_app``.  Nothing is read at import time.  Relative paths are resolved
against the working directory at that moment, so a server started from the project root (as the
README starts it) finds ``dist/`` and ``queries/`` wherever the package is installed.

``KUNTAKG_DATA`` is the environment name of the key ``KUNTAKG_DATA``; ``KUNTAKG_BASE`` (the build's
base, also read by ``kuntakg build``) is the default of ``LD_BASE``; ``PUBLIC_URL`` is the older name
of ``PUBLIC_BASE``.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kuntakg.namespaces import DEFAULT_BASE

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# key -> default; the README's settings table lists them in this order
DEFAULTS: dict[str, Any] = {
    # the store
    "KUNTAKG_DATA": "dist/kuntakg.trig",
    "STORE": "oxigraph",
    "STORE_DUMP": None,
    "REMOTE_ENDPOINT": None,
    "DATASET_VERSION": None,
    "UNION_DEFAULT_GRAPH": True,
    # queries: one time limit, killable workers
    "QUERY_TIMEOUT": 30.0,
    "SITE_QUERY_TIMEOUT": 20.0,
    "QUERY_WORKERS": None,              # None: the number of CPUs, at least 2
    "QUERY_SHORT_WORKERS": 1,           # extra workers for short queries when all others are busy
    "QUERY_SHORT_TIMEOUT": 2.0,
    "QUERY_QUEUE": 8,                   # queries that may wait for a worker
    "QUERY_QUEUE_WAIT": 2.0,
    "QUERY_MEMORY_LIMIT": 1024,         # MiB per query worker beyond the shared store; 0: none
    "ISOLATION": None,                  # None: "process" for local stores, "thread" for remote
    "QUERY_POOL_START": "eager",
    # limits
    "MAX_RESULT_ROWS": 1_000_000,
    "MAX_RESULT_BYTES": 256 * 1024 * 1024,
    "RESULT_SPOOL_BYTES": 1024 * 1024,  # larger /sparql results are streamed from a temporary file
    "MAX_REQUEST_BYTES": 256 * 1024,
    "API_MAX_ROWS": 10_000,
    "API_ANSWER_CACHE_CELLS": 500_000,     # stored-query answers kept per worker (rows x columns); 0: none
    "API_PREPARE_ANSWERS": True,        # answer every stored query with its defaults when serving starts
    "SERVICE_ALLOWLIST": [],
    # HTTP
    "CORS_ORIGIN": "*",
    "CACHE_MAX_AGE": 0,
    "GZIP_MIN_BYTES": 1024,
    "GZIP_LEVEL": 5,
    "HEADER_TIMEOUT": 10.0,             # slow clients: request line + headers (and socket timeout)
    "BODY_TIMEOUT": 30.0,               # slow clients: whole body (gunicorn.conf.py)
    "PUBLIC_BASE": None,                # None: LD_BASE
    "ALLOWED_HOSTS": [],                # empty: any Host (it is never echoed)
    # the site
    "LD_BASE": None,                    # None: $KUNTAKG_BASE or https://w3id.org/kuntakg/
    "DIST_DIR": None,                   # None: the folder of KUNTAKG_DATA
    "QUERIES_DIR": None,                # None: queries/ of the project (beside the server package)
    "SITE_LANGUAGES": ["fi", "sv", "en"],
    "DEFAULT_LANGUAGE": "en",
    # logging
    "LOG_LEVEL": "INFO",
    "LOG_QUERY_CHARS": 200,
}

STORES = ("oxigraph", "oxigraph-readonly", "remote", "rdflib")
PATH_KEYS = ("KUNTAKG_DATA", "STORE_DUMP", "DIST_DIR", "QUERIES_DIR")


def _parse(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``KUNTAKG_*`` variables as settings (``KUNTAKG_DATA`` keeps its name)."""
    out: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith("KUNTAKG_"):
            continue
        key = name if name == "KUNTAKG_DATA" else name[len("KUNTAKG_"):]
        out[key] = _parse(value)
    if "PUBLIC_URL" in out and "PUBLIC_BASE" not in out:
        out["PUBLIC_BASE"] = out["PUBLIC_URL"]
    return out


def load(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
         cwd: Path | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then ``overrides``; derived defaults filled in, paths absolute."""
    env = dict(os.environ if environ is None else environ)
    cfg: dict[str, Any] = dict(DEFAULTS)
    cfg.update(from_environment(env))
    given = dict(overrides or {})
    if "PUBLIC_URL" in given and "PUBLIC_BASE" not in given:
        given["PUBLIC_BASE"] = given["PUBLIC_URL"]
    cfg.update(given)
    here = Path.cwd() if cwd is None else cwd
    for key in PATH_KEYS:
        if cfg.get(key):
            cfg[key] = str((here / Path(cfg[key]).expanduser()))
    if not cfg.get("QUERIES_DIR"):
        cfg["QUERIES_DIR"] = str(PROJECT_ROOT / "queries")
    if not cfg.get("LD_BASE"):
        cfg["LD_BASE"] = env.get("KUNTAKG_BASE") or DEFAULT_BASE
    if not str(cfg["LD_BASE"]).endswith("/"):
        cfg["LD_BASE"] = str(cfg["LD_BASE"]) + "/"
    if not cfg.get("PUBLIC_BASE"):
        cfg["PUBLIC_BASE"] = cfg["LD_BASE"]
    if not str(cfg["PUBLIC_BASE"]).endswith("/"):
        cfg["PUBLIC_BASE"] = str(cfg["PUBLIC_BASE"]) + "/"
    if not cfg.get("QUERY_WORKERS"):
        cfg["QUERY_WORKERS"] = max(2, os.cpu_count() or 2)
    if isinstance(cfg.get("ALLOWED_HOSTS"), str):
        cfg["ALLOWED_HOSTS"] = [h.strip() for h in cfg["ALLOWED_HOSTS"].split(",") if h.strip()]
    cfg["MAX_CONTENT_LENGTH"] = int(cfg["MAX_REQUEST_BYTES"])
    cfg["MAX_FORM_MEMORY_SIZE"] = int(cfg["MAX_REQUEST_BYTES"])
    return cfg
