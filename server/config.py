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
    Number of query worker processes that run queries up to the time limit
    (default: number of CPUs, at least 2; per web process).
QUERY_SHORT_WORKERS
    Extra workers kept for short queries (default 1): when every one of
    ``QUERY_WORKERS`` is busy, a query runs on one of these, but for at most
    ``QUERY_SHORT_TIMEOUT`` seconds (default 2); over that it gets 503 with
    ``Retry-After``.  So pages, stored queries and cheap queries are answered
    while long queries hold the others.
QUERY_QUEUE / QUERY_QUEUE_WAIT
    When no worker is free, at most ``QUERY_QUEUE`` queries (default 8) wait
    for one, each at most ``QUERY_QUEUE_WAIT`` seconds (default 2); a query
    beyond the queue, or one that waited that long, gets 503 with
    ``Retry-After`` (the seconds until a worker is expected to be free).
QUERY_MEMORY_LIMIT
    MiB of memory one query worker may allocate beyond what it shares with
    the web process (the loaded store) when it is forked (default 1024; 0: no
    limit).  Enforced with ``RLIMIT_DATA`` in the worker; a query over it gets
    503 "needed more than … MiB" and its worker is replaced.  Keep it above
    about three times ``MAX_RESULT_BYTES`` (the result is serialised, copied
    and sent from the worker).
ISOLATION
    ``"process"`` (default for local stores): queries run in worker
    processes forked after the store was loaded, so they share its memory and
    can be killed at the time limit.  ``"thread"``: run in the request thread
    (only safe where the backend enforces the limit itself, as the remote
    store does with socket timeouts; used by default for ``"remote"``).
QUERY_POOL_START
    ``"eager"`` (default): fork the workers in ``create_app``.  ``"lazy"``: not
    there, but on the first query in each process (or when the server starts
    the pool), for ``gunicorn --preload``, where the app (and the store) is
    built once in the master and shared by its workers: ``gunicorn.conf.py``
    (``make serve``) sets it and starts each worker's pool in ``post_fork``.
HEADER_TIMEOUT / BODY_TIMEOUT
    Slow clients (issue 17).  Under ``make serve`` (``gunicorn.conf.py``, which
    reads ``KUNTAKG_HEADER_TIMEOUT`` / ``KUNTAKG_BODY_TIMEOUT`` from the
    environment): seconds for a request's line and headers (default 10) and
    for its whole body (default 30); a connection still sending then is
    closed.  Under ``kuntakg serve``: ``HEADER_TIMEOUT`` is the socket timeout,
    so a connection silent that long while a request is read or a response
    written is closed.
MAX_RESULT_ROWS
    Largest number of result rows (SELECT) or triples (CONSTRUCT/DESCRIBE in
    line-based formats) sent; larger results get 413 with a hint to use
    LIMIT.  Default 1,000,000.
MAX_RESULT_BYTES
    Largest serialised result in bytes (default 256 MiB); larger get 413.
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
    "QUERY_SHORT_WORKERS": 1,
    "QUERY_SHORT_TIMEOUT": 2.0,
    "QUERY_QUEUE": 8,
    "QUERY_QUEUE_WAIT": 2.0,
    "QUERY_MEMORY_LIMIT": 1024,  # MiB
    "ISOLATION": None,
    "QUERY_POOL_START": "eager",  # None: "process" for local stores, "thread" for remote
    "HEADER_TIMEOUT": 10.0,
    "BODY_TIMEOUT": 30.0,
    "MAX_RESULT_ROWS": 1_000_000,
    "MAX_RESULT_BYTES": 256 * 1024 * 1024,
    "MAX_REQUEST_BYTES": 256 * 1024,
    "SERVICE_ALLOWLIST": [],
    "CORS_ORIGIN": "*",
    "CACHE_MAX_AGE": 0,
    "GZIP_MIN_BYTES": 1024,
    "GZIP_LEVEL": 5,
    "LOG_QUERY_CHARS": 200,
}

STORES = ("oxigraph", "oxigraph-readonly", "remote", "rdflib")
