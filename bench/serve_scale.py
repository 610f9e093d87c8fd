#!/usr/bin/env python3
"""Serving a large build (issue 15): every stored query through our API over the embedded on-disk
store and over Virtuoso, with per-town parameters.

    .venv/bin/python bench/serve_scale.py --dist bench/out/10000000/project/dist
        [--backends disk,virtuoso] [--runs 10] [--budget 20] [--json out.json] [--virtuoso-memory-gb 4]

1. **disk**: the dump ``kuntakg.nq`` bulk-loaded into an on-disk pyoxigraph store (400 k quads a load,
   cut between graphs, as the build's exports do; then ``optimize()``), served by
   ``python -m server.cli serve --store oxigraph-readonly --workers 2``; the engine alone ("floor": the
   text the API sends, with its parameters) is the same store opened read-only in this process.
2. **virtuoso**: ``deploy/virtuoso.py`` (bulk load, count check, our app with ``KUNTAKG_STORE=remote``
   in front), in a state folder beside the dump.

Each stored query is called as ``GET /api/queries/<name>.json``: required parameters take values from
the data (``scale.SAMPLES``); a query with a ``town`` parameter is called for one town (the issue
allows per-town parameters; "all towns" at 10 M quads is over the API's 10,000-row limit for some); a
paginated query (``pagination`` header: goal-neighbours) is called for its first page and its last.
One warm-up call (its time reported as the first asker's), then up to ``--runs`` calls or ``--budget``
seconds (at least 3); median and p95, with the API's answer cache off (``KUNTAKG_API_ANSWER_CACHE_CELLS=0``):
what an asker waits for an answer not yet kept (the ``queries`` pass). Then, as ``--passes`` asks, a
server with answers kept but none prepared (``kept``, disk store only): the first call of each query and
the p95 of the next five; and one with the defaults, the default answers prepared at start
(``prepared``: how long that takes, then the same calls).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import endpoint as ep  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from remote import stop  # noqa: E402
from scale import ApiTarget, engine_answer, loadavg, stored_calls  # noqa: E402

from kuntakg.publish import load_dump  # noqa: E402

TOWN_QUERY = """PREFIX kk: <https://w3id.org/kuntakg/ontology#>
SELECT ?c (COUNT(?p) AS ?n) WHERE { ?p kk:municipality/kk:statisticalCode ?c }
GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1"""


def disk_store(nq: Path, folder: Path) -> dict:
    """The dump in an on-disk store at `folder` (made once; reused when its quad count matches)."""
    manifest = json.loads((nq.parent / "manifest.json").read_text())
    if folder.is_dir():
        store = ox.Store.read_only(str(folder))
        if len(store) == manifest["quads"]:
            return {"reused": True, "quads": len(store)}
        del store
        shutil.rmtree(folder)
    t = time.perf_counter()
    store = ox.Store(str(folder))
    load_dump(store, nq)
    out = {"load_and_optimize_s": time.perf_counter() - t, "quads": len(store),
           "disk_mb": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6}
    del store
    if out["quads"] != manifest["quads"]:
        raise SystemExit(f"the store holds {out['quads']} quads, the manifest says {manifest['quads']}")
    return out


# queries that read the whole corpus without a town, and gained an optional `town` this session: called both ways
ALL_TOWNS_TOO = {"status-by-plan", "shared-indicators"}


def per_town_calls(store: ox.Store, only: set[str] | None = None) -> tuple[str, list[tuple[str, str, object, dict]]]:
    """stored_calls with `town` bound (the town with the most plans and reports) where a query has it."""
    town = next(iter(store.query(TOWN_QUERY, use_default_graph_as_union=True)))["c"].value
    calls = []
    for name, path, q, _ in stored_calls(store):
        if only and name not in only:
            continue
        args = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        if name in ALL_TOWNS_TOO:
            calls.append((name + " (all towns)", path, q, q.bind(args)))
        if q.param("town") is not None:
            args["town"] = town
            name += " (town=%s)" % town
        calls.append((name, path.split("?")[0] + ("?" + urllib.parse.urlencode(args) if args else ""), q,
                      q.bind(args)))
        if q.page_size is not None:  # a paginated query: its last page too (the deepest OFFSET)
            bindings = q.bind(args)
            count = sum(1 for _ in store.query(q.hinted(bindings, None), substitutions=bindings or None,
                                               use_default_graph_as_union=True))
            last = max(1, -(-count // q.page_size))
            calls.append(("%s (page %d of %d rows)" % (name, last, count),
                          path.split("?")[0] + "?" + urllib.parse.urlencode({**args, "page": last}), q, bindings))
    return town, calls


def page_of(path: str) -> int:
    """The ``page`` argument of an API path (1 without one)."""
    return int(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query)).get("page", 1))


PASSES = {  # the server's settings in each pass over the disk store
    "queries": {"KUNTAKG_API_ANSWER_CACHE_CELLS": "0"},          # what an asker waits, nothing kept
    "kept": {"KUNTAKG_API_PREPARE_ANSWERS": "false"},            # answers kept, none prepared
    "prepared": {"KUNTAKG_API_PREPARE_ANSWERS": "true"},         # the defaults: default answers prepared
}
PREPARED = re.compile(r"prepared (\d+) of (\d+) stored-query answers in ([0-9.]+) s")


def prepared(log: Path, proc: subprocess.Popen, started: float, timeout: float = 1800) -> dict:
    """Waits for the server's line saying its default answers are prepared: how many, and how long."""
    while time.perf_counter() - started < timeout and proc.poll() is None:
        found = PREPARED.search(log.read_text(errors="replace"))
        if found:
            done, total, seconds = found.groups()
            out = {"prepared": int(done), "queries": int(total), "prepare_s": float(seconds),
                   "ready_after_start_s": time.perf_counter() - started}
            print("== prepared:", json.dumps(out), flush=True)
            return out
        time.sleep(0.5)
    raise RuntimeError("the server did not say its answers were prepared (%s)" % log)


def kept(port: int, calls, runs: int = 5) -> dict:
    """With the API's answer cache on: the first asker's time (the answer is computed and kept) and the
    p95 of the next `runs` askers (each worker process keeps its own: the first call to each computes)."""
    api = ApiTarget(port)
    api.run("/api/queries.json")
    out: dict = {}
    for name, path, _, _ in calls:
        try:
            t = time.perf_counter()
            api.run(path)
            first = time.perf_counter() - t
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                api.run(path)
                times.append(time.perf_counter() - t)
            out[name] = {"first_ms": first * 1e3, "next_p95_ms": ep.stats(times)[1] * 1e3, "runs": runs}
        except Exception as exc:  # report, do not hide
            out[name] = {"error": str(exc)[:300]}
        print("   kept: %-38s %s" % (name, json.dumps({k: round(v, 1) if isinstance(v, float) else v
                                                       for k, v in out[name].items()})), flush=True)
    api.http.close()
    return out


def measure(port: int, calls, runs: int, budget: float, floor_store: ox.Store | None) -> dict:
    """Every call with the answer cache off (the server is started so): what each asker waits."""
    api = ApiTarget(port)
    api.run("/api/queries.json")
    rows: dict = {}
    for name, path, q, bindings in calls:
        times: list[float] = []
        floor: list[float] = []
        row: dict = {"path": path}
        try:
            t0 = time.perf_counter()
            api.run(path)  # warm-up: the first asker's call, reported apart (first_ms)
            row["first_ms"] = (time.perf_counter() - t0) * 1e3
            t0 = time.perf_counter()
            while len(times) < runs and (len(times) < 3 or time.perf_counter() - t0 < budget):
                t1 = time.perf_counter()
                body = api.run(path)
                times.append(time.perf_counter() - t1)
            # the engine's runs after the server's, not between them: a second store instance querying
            # between two calls made the server's slower (goal-neighbours p95 578 against 466 ms)
            for _ in range(len(times) if floor_store is not None else 0):
                t1 = time.perf_counter()
                engine_answer(floor_store, q, bindings, page_of(path))
                floor.append(time.perf_counter() - t1)
            median, p95 = ep.stats(times)
            row.update(median_ms=median * 1e3, p95_ms=p95 * 1e3, runs=len(times),
                       rows=len(json.loads(body).get("rows", [])))
            if floor:
                row["floor_median_ms"], row["floor_p95_ms"] = (x * 1e3 for x in ep.stats(floor))
        except Exception as exc:  # report, do not hide
            row["error"] = str(exc)[:300]
        rows[name] = row
        print("   %-44s %s" % (name, _fmt(row)), flush=True)
    api.http.close()
    return rows


def _fmt(row: dict) -> str:
    if "error" in row:
        return "ERROR " + row["error"]
    floor = " (engine %.0f ms)" % row["floor_median_ms"] if "floor_median_ms" in row else ""
    return "p50 %8.1f ms  p95 %8.1f ms  %d runs, %d rows%s; first call %.0f ms" % (
        row["median_ms"], row["p95_ms"], row["runs"], row["rows"], floor, row["first_ms"])


def serve_disk(dist: Path, args) -> dict:
    folder = dist.parent / "serve-store"
    out: dict = {"store": disk_store(dist / "kuntakg.nq", folder), "loadavg_before": loadavg()}
    print("== disk store:", json.dumps(out["store"]), flush=True)
    store = ox.Store.read_only(str(folder))
    town, calls = per_town_calls(store, args.only)
    out["town"] = town
    for what in args.passes:
        port = ep.free_port()
        t = time.perf_counter()
        env = {**os.environ, "KUNTAKG_DIST_DIR": str(dist), **PASSES[what]}
        log = dist.parent / f"serve-disk-{what}.log"
        proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--store",
                                 "oxigraph-readonly", "--data", str(folder), "--workers", "2"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=open(log, "w"), start_new_session=True)
        try:
            ep.wait_port(port, proc, timeout=900)
            out.setdefault("server_start_s", time.perf_counter() - t)
            if what == "prepared":
                out["prepare"] = prepared(log, proc, t)
            out[what] = (measure(port, calls, args.runs, args.budget, store) if what == "queries"
                         else kept(port, calls))
        finally:
            stop(proc)
    out["loadavg_after"] = loadavg()
    return out


def serve_virtuoso(dist: Path, args) -> dict:
    """Virtuoso behind our app: the `queries` pass (nothing kept; the dump loaded afresh), then, when asked
    for, the `prepared` pass (the app's defaults over the same loaded store: default answers prepared)."""
    if not (dist.parent / "serve-store").is_dir():
        raise SystemExit("run the disk backend first: its store picks the town and the parameters")
    store = ox.Store.read_only(str(dist.parent / "serve-store"))
    state = dist.parent / "virtuoso-state"
    town, calls = per_town_calls(store, args.only)
    out: dict = {"loadavg_before": loadavg(), "town": town}
    for what in [p for p in ("queries", "prepared") if p in args.passes]:
        port = ep.free_port()
        t = time.perf_counter()
        log = dist.parent / f"serve-virtuoso-{what}.log"
        argv = [sys.executable, str(ROOT / "deploy" / "virtuoso.py"), "--dist", str(dist), "--state", str(state),
                "--port", str(port), "--workers", "2", "--memory-gb", str(args.virtuoso_memory_gb)]
        proc = subprocess.Popen(argv + (["--reload"] if what == "queries" else []), cwd=ROOT,
                                stdout=subprocess.PIPE, env={**os.environ, **PASSES[what]}, stderr=open(log, "w"),
                                text=True, start_new_session=True)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:  # the script prints "ready http://…" once the app accepts
                print("   virtuoso.py:", line.rstrip(), flush=True)
                if line.startswith("ready"):
                    break
            else:
                raise SystemExit("deploy/virtuoso.py ended before it was ready (see %s)" % log)
            out.setdefault("load_and_start_s", time.perf_counter() - t)
            if what == "prepared":
                out["prepare"] = prepared(state / "app.stderr", proc, t)  # the app's log
            out[what] = (measure(port, calls, args.runs, args.budget, None) if what == "queries"
                         else kept(port, calls))
        finally:
            stop(proc, timeout=120)  # Virtuoso checkpoints on the way out
    out["loadavg_after"] = loadavg()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dist", type=Path, required=True)
    ap.add_argument("--backends", default="disk,virtuoso")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--budget", type=float, default=20.0)
    ap.add_argument("--virtuoso-memory-gb", type=float, default=4.0)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--passes", default=",".join(PASSES), type=lambda v: v.split(","),
                    help="passes over the disk store: queries (nothing kept), kept (answers kept), prepared "
                         "(default answers prepared at start)")
    ap.add_argument("--only", help="stored queries to run (comma-separated names; default: every one)")
    args = ap.parse_args()
    args.only = set(args.only.split(",")) if args.only else None
    result: dict = {}
    for backend in args.backends.split(","):
        print(f"== {backend}", flush=True)
        result[backend] = {"disk": serve_disk, "virtuoso": serve_virtuoso}[backend](args.dist.resolve(), args)
        if args.json:
            args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
