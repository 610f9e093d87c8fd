#!/usr/bin/env python3
"""Loopback load run (issue 8): the production server (gunicorn --preload, 2 workers, as `make serve`)
under locust at increasing concurrency; prints users, req/s, p50/p95/p99 and failures per level and
the saturation point (the level after which throughput grows by less than 5 %).

    .venv/bin/python bench/load.py [--data dist/kuntakg.trig] [--users 1,2,4,8,16,32,64] [--seconds 20]

Every answer is checked by bench/locustfile.py (counts, labels), so failures include wrong answers.
"""
from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoint as ep  # noqa: E402  (bench/endpoint.py: the same port wait as the benchmarks)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plan_documents(data: Path) -> int:
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.TRIG if data.suffix == ".trig" else ox.RdfFormat.N_QUADS)
    q = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/kuntakg/ontology#PlanDocument> }"
    return int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)


class Gunicorn:
    def __init__(self, data: Path, workers: int = 2):
        self.port = free_port()
        env = {**os.environ, "KUNTAKG_DATA": str(data), "KUNTAKG_QUERY_POOL_START": "lazy"}
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--preload", "--workers", str(workers), "--timeout", "90",
             "--limit-request-line", "8190", "--bind", "127.0.0.1:%d" % self.port, "server:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        ep.wait_port(self.port, self.proc, timeout=180)

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def run_level(url: str, users: int, seconds: int, docs: int, workdir: Path) -> dict:
    prefix = workdir / ("u%d" % users)
    env = {**os.environ, "KUNTAKG_EXPECT_DOCS": str(docs)}
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
                    "-r", str(users), "-t", "%ds" % seconds, "--host", url, "--only-summary", "--csv", str(prefix),
                    "--stop-timeout", "10"], env=env, cwd=workdir, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=seconds + 120)
    with open(str(prefix) + "_stats.csv", newline="") as fh:
        total = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    return {"users": users, "requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
            "rps": float(total["Requests/s"]), "p50_ms": float(total["50%"]), "p95_ms": float(total["95%"]),
            "p99_ms": float(total["99%"])}


def run(data: Path, levels: list[int], seconds: int) -> tuple[list[dict], int | None, bool]:
    docs = plan_documents(data)
    server = Gunicorn(data)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for users in levels:
                rows.append(run_level(server.url, users, seconds, docs, Path(tmp)))
                print("%6d users %8.1f req/s  p50 %7.1f  p95 %7.1f  p99 %7.1f ms  %d requests, %d failures" % (
                    users, rows[-1]["rps"], rows[-1]["p50_ms"], rows[-1]["p95_ms"], rows[-1]["p99_ms"],
                    rows[-1]["requests"], rows[-1]["failures"]), flush=True)
        alive = server.alive()
    finally:
        server.stop()
    return rows, saturation(rows), alive


def saturation(rows: list[dict]) -> int | None:
    for before, after in zip(rows, rows[1:]):
        if after["rps"] < before["rps"] * 1.05:
            return before["users"]
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "dist" / "kuntakg.trig")
    ap.add_argument("--users", default="1,2,4,8,16,32,64")
    ap.add_argument("--seconds", type=int, default=20)
    args = ap.parse_args()
    rows, sat, alive = run(args.data, [int(u) for u in args.users.split(",")], args.seconds)
    print("saturation: %s users (%s req/s); failures %d of %d requests; server %s" % (
        sat, next((r["rps"] for r in rows if r["users"] == sat), "-"), sum(r["failures"] for r in rows),
        sum(r["requests"] for r in rows), "up" if alive else "DOWN"))
    return 0 if alive and not any(r["failures"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
