#!/usr/bin/env python3
"""The remote-store path at scale (issue 8): the same stored queries through our API, once over the
embedded store and once over an Oxigraph server (``STORE=remote``), interleaved; p50/p95 of each,
the ratio remote/embedded, and whether the two return the same rows.

    .venv/bin/python bench/remote.py [--data bench/out/1000000/project/dist/kuntakg.nq] [--runs 10]

The Oxigraph server is PyPI ``oxigraph`` (the test extra): ``oxigraph load`` into a store directory
under a temporary folder, then ``oxigraph serve-read-only --union-default-graph`` on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import endpoint as ep  # noqa: E402
from scale import ApiTarget, stored_calls  # noqa: E402

BIN = Path(sys.executable).parent


def start(cmd: list[str], port: int, env: dict | None = None, log: Path | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=open(log, "w") if log else subprocess.DEVNULL, start_new_session=True)
    ep.wait_port(port, proc, timeout=900)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def rows_of(body: bytes) -> list:
    return sorted(json.dumps(r, sort_keys=True) for r in json.loads(body)["rows"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=BENCH / "out" / "1000000" / "project" / "dist" / "kuntakg.nq")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--budget", type=float, default=10.0)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--virtuoso", metavar="URL",
                    help="also through our app over this Virtuoso SPARQL endpoint, already loaded with the same "
                         "N-Quads (bench/README.md shows the commands)")
    args = ap.parse_args()
    trig = args.data.with_suffix(".trig")
    store = ox.Store()
    store.bulk_load(path=str(args.data), format=ox.RdfFormat.N_QUADS)
    calls = stored_calls(store)
    out: dict = {"data": str(args.data), "quads": len(store), "queries": {}}
    with tempfile.TemporaryDirectory(prefix="kuntakg-remote-") as tmp:
        location = Path(tmp) / "oxigraph"
        t = time.perf_counter()
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(args.data)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out["oxigraph_load_s"] = time.perf_counter() - t
        oxi_port, embedded_port, remote_port = ep.free_port(), ep.free_port(), ep.free_port()
        procs = []
        try:
            procs.append(start([str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind",
                                "127.0.0.1:%d" % oxi_port, "--union-default-graph"], oxi_port))
            serve = [sys.executable, "-m", "server.cli", "serve", "--data", str(trig), "--workers", "2", "--port"]
            procs.append(start(serve + [str(embedded_port)], embedded_port, log=Path(tmp) / "embedded.log"))
            procs.append(start(serve + [str(remote_port)], remote_port, log=Path(tmp) / "remote.log", env={
                "KUNTAKG_STORE": "remote", "KUNTAKG_REMOTE_ENDPOINT": "http://127.0.0.1:%d/query" % oxi_port}))
            targets = {"embedded": ApiTarget(embedded_port), "remote": ApiTarget(remote_port)}
            if args.virtuoso:
                virtuoso_port = ep.free_port()
                procs.append(start(serve + [str(virtuoso_port)], virtuoso_port, log=Path(tmp) / "virtuoso.log",
                                   env={"KUNTAKG_STORE": "remote", "KUNTAKG_REMOTE_ENDPOINT": args.virtuoso}))
                targets["virtuoso"] = ApiTarget(virtuoso_port)
            print("%d quads; oxigraph load %.1f s" % (out["quads"], out["oxigraph_load_s"]), flush=True)
            for name, path, _q, _b in calls:
                out["queries"][name] = row = measure(targets, path, args.runs, args.budget)
                print("  %-24s %s" % (name, fmt(row)), flush=True)
        finally:
            for p in procs:
                stop(p)
    summary(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


def measure(targets: dict, path: str, runs: int, budget: float) -> dict:
    times: dict = {k: [] for k in targets}
    bodies: dict = {}
    try:
        for key, target in targets.items():
            bodies[key] = target.run(path)  # warm-up, and the rows to compare
        t0 = time.perf_counter()
        for _ in range(runs):
            for key, target in targets.items():
                t = time.perf_counter()
                target.run(path)
                times[key].append(time.perf_counter() - t)
            if time.perf_counter() - t0 > budget and len(times["embedded"]) >= 3:
                break
    except Exception as exc:  # noqa: BLE001 - reported in the table
        return {"error": str(exc)[:200]}
    row = {"runs": len(times["embedded"]), "same_rows": rows_of(bodies["embedded"]) == rows_of(bodies["remote"])}
    if "virtuoso" in bodies:
        row["virtuoso_same_rows"] = rows_of(bodies["embedded"]) == rows_of(bodies["virtuoso"])
    for key, ts in times.items():
        median, p95 = ep.stats(ts)
        row[key + "_p50_ms"], row[key + "_p95_ms"] = median * 1e3, p95 * 1e3
    row["ratio"] = row["remote_p50_ms"] / row["embedded_p50_ms"]
    if "virtuoso" in times:
        row["virtuoso_ratio"] = row["virtuoso_p50_ms"] / row["embedded_p50_ms"]
    return row


def fmt(row: dict) -> str:
    if "error" in row:
        return "ERROR " + row["error"]
    text = "embedded %8.1f/%8.1f ms  oxigraph-server %8.1f/%8.1f ms  x%.2f  same rows: %s" % (
        row["embedded_p50_ms"], row["embedded_p95_ms"], row["remote_p50_ms"], row["remote_p95_ms"], row["ratio"],
        row["same_rows"])
    if "virtuoso_ratio" in row:
        text += "  virtuoso %8.1f/%8.1f ms  x%.2f  same rows: %s" % (
            row["virtuoso_p50_ms"], row["virtuoso_p95_ms"], row["virtuoso_ratio"], row["virtuoso_same_rows"])
    return text


def summary(out: dict) -> None:
    rows = [r for r in out["queries"].values() if "ratio" in r]
    ratios = sorted(r["ratio"] for r in rows)
    if ratios:
        print("remote/embedded median ratio: median %.2f, range %.2f-%.2f; same rows %d of %d; errors %d" % (
            ratios[len(ratios) // 2], ratios[0], ratios[-1], sum(r["same_rows"] for r in rows), len(rows),
            len(out["queries"]) - len(rows)))


if __name__ == "__main__":
    sys.exit(main())
