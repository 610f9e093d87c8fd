"""``kuntakg`` console script: the pipeline's click group plus ``serve``.

``server`` imports ``kuntakg`` (never the reverse): the group and its build /
validate commands live in :mod:`kuntakg.cli`; this module adds ``serve``.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from kuntakg.cli import cli

from .settings import STORES


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port (0: any free port).")
@click.option("--data", "data", default=None, type=click.Path(dir_okay=True, path_type=Path),
              help="TriG or N-Quads dump to load [default: dist/kuntakg.trig].")
@click.option("--timeout", default=None, type=float, help="Query time limit in seconds [default: 30].")
@click.option("--workers", default=None, type=int, help="Query worker processes [default: CPUs, at least 2].")
@click.option("--store", default=None, type=click.Choice(STORES),
              help="Backend [default: oxigraph, embedded and loaded from --data].")
@click.option("--remote", "remote", default=None, help="Endpoint URL for --store remote.")
def serve(host, port, data, timeout, workers, store, remote):
    """Serve the SPARQL endpoint (werkzeug, threaded) over the built graph."""
    from werkzeug.serving import make_server

    from server import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # server.response logs every request
    config = {}
    if data is not None:
        config["KUNTAKG_DATA"] = str(data)
    if timeout is not None:
        config["QUERY_TIMEOUT"] = timeout
    if workers is not None:
        config["QUERY_WORKERS"] = workers
    if store is not None:
        config["STORE"] = store
    if remote is not None:
        config["REMOTE_ENDPOINT"] = remote
    if config.get("STORE", os.environ.get("KUNTAKG_STORE", "oxigraph")) != "remote":
        path = Path(config.get("KUNTAKG_DATA", os.environ.get("KUNTAKG_DATA", "dist/kuntakg.trig")))
        if not path.exists():
            raise click.ClickException("%s does not exist: run `kuntakg build` first or pass --data" % path)
    try:
        app = create_app(config)  # loads the store and forks the query workers before any thread starts
    except (OSError, ValueError, SyntaxError) as e:
        raise click.ClickException("cannot load the data: %s" % e) from None
    server = make_server(host, port, app, threaded=True,
                         request_handler=_quiet_handler(float(app.config["HEADER_TIMEOUT"])))
    click.echo("Kunta-KG SPARQL endpoint on http://%s:%d/sparql (Ctrl-C to stop)" % (host, server.server_port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["kuntakg"].close()


def _quiet_handler(timeout: float):
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        """server.response writes one line per request already (and /sparql its query, rows, time);
        the ``Server`` header names no versions.  A connection silent for `timeout` seconds while a
        request is read (or a response written) is closed: every connection has its own thread here,
        and a held-open one would keep it."""

        server_version = "kuntakg"
        sys_version = ""

        def log_request(self, code="-", size="-"):
            pass

        def version_string(self) -> str:
            return self.server_version

        def setup(self) -> None:
            super().setup()
            self.rfile = _QuietAfterTimeout(self.rfile)  # type: ignore[assignment]

    QuietHandler.timeout = timeout

    return QuietHandler


class _QuietAfterTimeout:
    """A request's input stream that reads as empty once its socket has timed out.

    After a response, werkzeug's server reads and discards what is left of the request; on a socket
    whose read already timed out (a body that never came: the app answered 400 at BODY_TIMEOUT) Python
    raises a plain OSError, which werkzeug logs as a traceback ("Error on request"). Nothing is left to
    read there, so that read gives nothing."""

    def __init__(self, stream):
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except OSError as exc:
            if exc.errno is None and "timed out" in str(exc) and not isinstance(exc, TimeoutError):
                return b""
            raise

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
