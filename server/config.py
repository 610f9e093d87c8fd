"""Default settings of the Kunta-KG web application.

Every key can be overridden by the ``config`` mapping given to
:func:`server.create_app` or, for deployments, by an environment variable with
the ``KUNTAKG_`` prefix (``app.config.from_prefixed_env("KUNTAKG")``), e.g.
``KUNTAKG_QUERY_TIMEOUT=10`` or ``KUNTAKG_STORE=remote``.  Values from the
environment are parsed as JSON when possible (numbers, lists, booleans).

Keys
----
KUNTAKG_DATA
    Path of the RDF dump loaded at start-up (TriG, N-Quads, Turtle or
    N-Triples, by file suffix).  For ``STORE="oxigraph-readonly"`` it is the
    directory of an on-disk Oxigraph store; for ``STORE="remote"`` it is
    ignored.  Default ``dist/kuntakg.trig``.
STORE
    Backend behind ``/sparql``:
    ``"oxigraph"`` (default) embedded in-memory pyoxigraph store loaded from
    ``KUNTAKG_DATA``; ``"oxigraph-readonly"`` a read-only open of an on-disk
    Oxigraph store (several server processes can share it);
    ``"remote"`` any SPARQL 1.1 endpoint at ``REMOTE_ENDPOINT``;
    ``"rdflib"`` rdflib's in-memory Dataset (reference backend, slow).
STORE_DUMP
    For ``STORE="oxigraph-readonly"``: the dump the on-disk store is made
    from (e.g. ``dist/kuntakg.nq``).  When given, start-up checks the store
    (it opens, and holds the quad count of ``manifest.json`` beside the dump)
    and rebuilds a missing, corrupt or incomplete store from the dump into a
    temporary directory that is then swapped in.  Default none (no check).
REMOTE_ENDPOINT
    URL of the remote SPARQL endpoint (``STORE="remote"``).  Its default
    graph should be the union of its named graphs (Oxigraph:
    ``--union-default-graph``).
DATASET_VERSION
    Explicit dataset version for ETags.  Defaults to a SHA-256 of the dump;
    for the remote store there is none unless set (then no ETag / 304).
UNION_DEFAULT_GRAPH
    The default graph is the union of all named graphs (default True).
QUERY_TIMEOUT
    Time limit of one query in seconds (default 30).  A query over it gets
    503; its worker process is killed and replaced.
QUERY_WORKERS
    Number of query worker processes (default: number of CPUs, at least 2).
ISOLATION
    ``"process"`` (default for local stores): queries run in worker
    processes forked after the store was loaded, so they share its memory and
    can be killed at the time limit.  ``"thread"``: run in the request thread
    (only safe where the backend enforces the limit itself, as the remote
    store does with socket timeouts; used by default for ``"remote"``).
QUERY_POOL_START
    ``"eager"`` (default): fork the workers in ``create_app``.  ``"lazy"``: on
    the first query in each process, for ``gunicorn --preload``, where the app
    (and the store) is built once in the master and shared by its workers
    (``make serve`` does this).
MAX_RESULT_ROWS
    Largest number of result rows (SELECT) or triples (CONSTRUCT/DESCRIBE in
    line-based formats) sent; larger results get 413 with a hint to use
    LIMIT.  Default 1,000,000.
MAX_RESULT_BYTES
    Largest serialised result in bytes (default 256 MiB), in every format;
    larger get 413 before anything is sent.
RESULT_SPOOL_BYTES
    ``/sparql`` results larger than this (default 1 MiB) are written by the
    query worker to an anonymous temporary file (in ``TMPDIR``) and streamed
    to the client from there in 64 KiB pieces, gzipped on the fly; smaller
    ones are sent from memory.  A slow reader of a large result then costs
    disk space (at most ``MAX_RESULT_BYTES``), not memory of the web process;
    no room in ``TMPDIR`` → 503.
MAX_REQUEST_BYTES
    Largest request body or query string in bytes (default 256 KiB); larger
    get 413 (body) or 414 (URL).
SERVICE_ALLOWLIST
    IRIs of endpoints that ``SERVICE`` may call (default empty: every
    ``SERVICE`` is refused).  Variables as service IRIs are always refused.
CORS_ORIGIN
    Value of ``Access-Control-Allow-Origin`` (default ``*``; empty disables).
CACHE_MAX_AGE
    ``Cache-Control: max-age`` in seconds for query results (default 0:
    clients revalidate with ETag / If-Modified-Since and get 304).
GZIP_MIN_BYTES / GZIP_LEVEL
    Responses larger than this are gzipped when the client accepts it
    (defaults 1024 bytes, level 5).
LOG_QUERY_CHARS
    How many characters of each query the per-request log line keeps (200).
"""
from __future__ import annotations

import os

DEFAULTS: dict = {
    "KUNTAKG_DATA": "dist/kuntakg.trig",
    "STORE": "oxigraph",
    "STORE_DUMP": None,
    "REMOTE_ENDPOINT": None,
    "DATASET_VERSION": None,
    "UNION_DEFAULT_GRAPH": True,
    "QUERY_TIMEOUT": 30.0,
    "QUERY_WORKERS": max(2, os.cpu_count() or 2),
    "ISOLATION": None,
    "QUERY_POOL_START": "eager",  # None: "process" for local stores, "thread" for remote
    "MAX_RESULT_ROWS": 1_000_000,
    "MAX_RESULT_BYTES": 256 * 1024 * 1024,
    "RESULT_SPOOL_BYTES": 1024 * 1024,
    "MAX_REQUEST_BYTES": 256 * 1024,
    "SERVICE_ALLOWLIST": [],
    "CORS_ORIGIN": "*",
    "CACHE_MAX_AGE": 0,
    "GZIP_MIN_BYTES": 1024,
    "GZIP_LEVEL": 5,
    "LOG_QUERY_CHARS": 200,
}

STORES = ("oxigraph", "oxigraph-readonly", "remote", "rdflib")
