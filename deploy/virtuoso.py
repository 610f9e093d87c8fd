#!/usr/bin/env python3
"""Serve a build from Virtuoso with our app in front (issue 15): bulk load, check, serve.

    .venv/bin/python deploy/virtuoso.py [--dist dist] [--state /var/lib/kuntakg-virtuoso]
                                        [--port 8000] [--workers 2] [--memory-gb 2]

1. writes a private ``virtuoso.ini`` into ``--state`` (database, logs; every port on 127.0.0.1 only;
   ``DirsAllowed`` = the dist folder; buffers sized from ``--memory-gb``), starts ``virtuoso-t``
   (Debian: ``apt-get install virtuoso-opensource``) and waits until its SQL port accepts;
2. replaces the ``dba`` password by a random one (kept in ``STATE/dba-password``, mode 600);
3. bulk-loads ``dist/kuntakg.nq`` with Virtuoso's loader (``ld_dir`` + ``rdf_loader_run`` +
   ``checkpoint``): each quad into its named graph; fails unless the loader reports no errors and
   the endpoint then holds exactly the manifest's quad count;
4. runs our app (gunicorn as ``make serve`` runs it) with ``KUNTAKG_STORE=remote`` in front of
   Virtuoso's ``/sparql`` (whose default graph is the union of the graphs, as our app expects),
   on 127.0.0.1:``--port``; prints ``ready http://…`` when it accepts, then waits; SIGTERM or
   SIGINT stops the app and Virtuoso (with a checkpoint) and exits 0.

A state folder that already holds a database is reused only if it was loaded from the same
``manifest.json`` (its sha256 is kept in ``STATE/loaded``); otherwise the script refuses (use a new
folder, or ``--reload`` to delete the old database first). Exit codes: 0 stopped, 1 failed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAPH_OF_TRIPLES = "http://kuntakg.invalid/default"  # only used for triples outside a named graph (none)

INI = """[Database]
DatabaseFile       = {state}/virtuoso.db
ErrorLogFile       = {state}/virtuoso.log
LockFile           = {state}/virtuoso.lck
TransactionFile    = {state}/virtuoso.trx
xa_persistent_file = {state}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {state}/virtuoso-temp.db
TransactionFile    = {state}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
AllowOSCalls             = 0
DirsAllowed              = {dist}
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}
MaxQueryMem              = 1G
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {state}/vsp
MaxClientConnections        = 10
ServerThreads               = 10
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 60
DefaultQuery               = SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}
"""


class Failed(Exception):
    pass


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None:
                raise Failed(f"{what} exited with {proc.returncode} before listening on {port}") from None
            if time.monotonic() > deadline:
                raise Failed(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s") from None
            time.sleep(0.1)


def isql(sql_port: int, password: str, sql: str, timeout: float) -> str:
    done = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", password, "VERBOSE=OFF", "BANNER=OFF",
                           f"exec={sql}"], capture_output=True, text=True, timeout=timeout)
    out = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in out:
        raise Failed(f"isql: {sql[:80]}…: {out.strip()[:500]}")
    return out


def graph_sizes(endpoint: str) -> dict[str, int]:
    """Quads per named graph, as the endpoint counts them (Virtuoso's own system graphs included)."""
    query = urllib.parse.urlencode({"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    request = urllib.request.Request(f"{endpoint}?{query}", headers={"Accept": "application/sparql-results+json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=600) as response:
        body = json.load(response)
    return {b["g"]["value"]: int(b["n"]["value"]) for b in body["results"]["bindings"]}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dist", type=Path, default=ROOT / "dist")
    ap.add_argument("--state", type=Path, required=True, help="folder for the Virtuoso database")
    ap.add_argument("--port", type=int, default=8000, help="our app's port on 127.0.0.1")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--memory-gb", type=float, default=2.0, help="Virtuoso's buffer pool")
    ap.add_argument("--reload", action="store_true", help="delete a database loaded from another build")
    args = ap.parse_args(argv)
    for tool in ("virtuoso-t", "isql-vt"):
        if shutil.which(tool) is None:
            log(f"{tool} not found: apt-get install virtuoso-opensource")
            return 1
    procs: list[subprocess.Popen] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        dist, state = args.dist.resolve(), args.state.resolve()
        manifest = dist / "manifest.json"
        if not (dist / "kuntakg.nq").is_file() or not manifest.is_file():
            raise Failed(f"{dist} holds no build (kuntakg.nq, manifest.json): run kuntakg build first")
        try:
            expected: dict[str, int] = json.loads(manifest.read_text(encoding="utf-8"))["graphs"]
        except (ValueError, KeyError, TypeError) as exc:
            raise Failed(f"{manifest} is not a build's manifest ({exc})") from None
        state.mkdir(parents=True, exist_ok=True)
        loaded_mark = state / "loaded"
        fresh = not (state / "virtuoso.db").exists()
        if not fresh and (not loaded_mark.is_file() or loaded_mark.read_text().strip() != sha256(manifest)):
            if not args.reload:
                raise Failed(f"{state} holds a database of another build (or an unfinished load): "
                             "pass --reload to replace it, or use a new --state folder")
            for p in state.glob("virtuoso*"):
                p.unlink()
            loaded_mark.unlink(missing_ok=True)
            fresh = True
        (state / "vsp").mkdir(exist_ok=True)
        sql_port, http_port = free_port(), free_port()
        buffers = int(args.memory_gb * 1024**3 / 8192 * 0.66)  # 8 kB pages; Virtuoso's rule of thumb: 2/3 of it
        ini = state / "virtuoso.ini"
        ini.write_text(INI.format(state=state, dist=dist, sql_port=sql_port, http_port=http_port,
                                  buffers=buffers, dirty=buffers * 3 // 4), encoding="utf-8")
        log(f"starting Virtuoso (SQL 127.0.0.1:{sql_port}, HTTP 127.0.0.1:{http_port}) in {state}")
        virtuoso = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=state,
                                    stdout=subprocess.DEVNULL, stderr=open(state / "virtuoso.stderr", "w"))
        procs.append(virtuoso)
        wait_port(sql_port, virtuoso, 300, "virtuoso-t")
        wait_port(http_port, virtuoso, 60, "virtuoso-t (HTTP)")
        password_file = state / "dba-password"
        if fresh:
            password = "k" + secrets.token_hex(20)  # letters and digits only: isql takes it unquoted
            isql(sql_port, "dba", f"set password dba {password};", 60)
            password_file.write_text(password, encoding="ascii")
            password_file.chmod(0o600)
            started = time.monotonic()
            isql(sql_port, password, f"ld_dir('{dist}', 'kuntakg.nq', '{GRAPH_OF_TRIPLES}');", 60)
            isql(sql_port, password, "rdf_loader_run();", 24 * 3600)
            errors = isql(sql_port, password, "SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;", 60)
            if errors.split()[-1:] != ["0"]:
                raise Failed(f"the loader reported errors: {errors.strip()[:500]}")
            isql(sql_port, password, "checkpoint;", 3600)
            log(f"bulk load and checkpoint: {time.monotonic() - started:.1f} s")
        else:
            password = password_file.read_text(encoding="ascii").strip()
        endpoint = f"http://127.0.0.1:{http_port}/sparql"
        held = graph_sizes(endpoint)
        wrong = {g: (held.get(g, 0), n) for g, n in expected.items() if held.get(g, 0) != n}
        if wrong:
            raise Failed(f"Virtuoso's graphs differ from the build's (held, built): {dict(list(wrong.items())[:5])}")
        loaded_mark.write_text(sha256(manifest) + "\n", encoding="ascii")
        log(f"Virtuoso holds the build's {sum(expected.values())} quads in {len(expected)} graphs")
        env = {**os.environ, "KUNTAKG_STORE": "remote", "KUNTAKG_REMOTE_ENDPOINT": endpoint,
               "KUNTAKG_QUERY_POOL_START": "lazy", "KUNTAKG_DATA": str(dist / "kuntakg.nq"),
               # what Virtuoso holds is this manifest's build, checked above: answers may be kept and
               # ETags given for it (a remote store without a version gets neither)
               "KUNTAKG_DATASET_VERSION": "virtuoso-" + sha256(manifest)[:20]}
        app = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", str(args.workers),
                                "--timeout", "90", "--limit-request-line", "8190",
                                "--bind", f"127.0.0.1:{args.port}", "server:create_app()"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(state / "app.stderr", "w"))
        procs.append(app)
        wait_port(args.port, app, 120, "the app (gunicorn)")
        print(f"ready http://127.0.0.1:{args.port}/ (Virtuoso {endpoint})", flush=True)
        while not stopping:
            for proc in procs:
                if proc.poll() is not None:
                    name = "virtuoso-t" if proc is virtuoso else "the app (gunicorn)"
                    raise Failed(f"{name} exited with {proc.returncode}")
            time.sleep(0.5)
        return 0
    except (Failed, OSError, subprocess.TimeoutExpired) as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()  # gunicorn stops its workers; virtuoso-t checkpoints and exits
                try:
                    proc.wait(120)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    sys.exit(main())
