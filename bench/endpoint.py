#!/usr/bin/env python3
"""Benchmark the SPARQL endpoint against the engine under it (issue 5).

One run, one process tree, the same generated data (~100k quads, Kunta-KG
shaped, ``tests/gendata.py``) and the same query mix on:

* floor    pyoxigraph in-process, results serialised to SPARQL JSON
           (CONSTRUCT: N-Triples) — what the engine costs;
* endpoint our Flask app over HTTP (``kuntakg serve``: werkzeug threaded,
           queries in forked worker processes), persistent connection;
* rdflib   rdflib in-memory Dataset (default graph = union), results to JSON;
* oxigraph the ``oxigraph serve-read-only --union-default-graph`` server.

Prints median and p95 per query and target, the ratio of each median to the
floor, the geometric mean of the endpoint's median ratios over the queries
that take the engine >= 10 ms, the ``ASK {}`` round-trip median, rdflib vs
floor on the aggregate queries, and the throughput of a small SELECT on
gunicorn with 2 workers (Debian's ``ab`` when installed, else a bounded
Python client; the output says which).

    .venv/bin/python bench/endpoint.py [--quads 100000] [--runs 15] [--rdflib-runs 3] [--json out.json]
"""
from __future__ import annotations

import argparse
import gc
import http.client
import io
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import gendata  # noqa: E402
import pyoxigraph as ox  # noqa: E402

from server.sparql import guard  # noqa: E402

BIN = Path(sys.executable).parent
PFX = ("PREFIX kk: <https://w3id.org/kuntakg/ontology#>\n"
       "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
QUERIES = [  # (name, group, query)
    ("agg-class-counts", "aggregate", "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t"),
    ("agg-graph-sizes", "aggregate",
     "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n)"),
    ("agg-targets", "aggregate",
     "SELECT ?u ?st (COUNT(?i) AS ?n) (SUM(?v) AS ?sum) (AVG(?v) AS ?avg) (MAX(?v) AS ?max) "
     "WHERE { ?a kk:status ?st ; kk:indicator ?i . ?i kk:targetValue ?v ; kk:unit ?u } GROUP BY ?u ?st"),
    ("path-cascade", "path",
     "SELECT ?top (COUNT(?a) AS ?n) WHERE { ?a kk:forGoal/kk:contributesTo+ ?top . ?top kk:level kk:long-term } "
     "GROUP BY ?top ORDER BY DESC(?n) ?top LIMIT 20"),
    ("path-star", "path", "SELECT (COUNT(*) AS ?n) WHERE { ?g kk:contributesTo* ?top }"),
    ("text-contains", "text",
     "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(LCASE(?l), \"ilmasto\")) }"),
    ("text-regex", "text",
     "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(REGEX(?l, \"^hyvin.*9$\", \"i\") && LANG(?l) = \"fi\") }"),
    ("construct-reach", "construct",
     "CONSTRUCT { ?a kk:reaches ?top } WHERE { ?a kk:forGoal/kk:contributesTo+ ?top . ?top kk:level kk:long-term }"),
    ("small-docs", "small", "SELECT ?d ?l WHERE { ?d a kk:PlanDocument ; rdfs:label ?l FILTER(LANG(?l) = \"fi\") } "
                            "ORDER BY ?d LIMIT 10"),
    ("small-describe-doc", "small", "SELECT ?p ?o WHERE { <https://w3id.org/kuntakg/id/doc/doc-3> ?p ?o }"),
    ("small-ask", "small", "ASK { ?a a kk:Action ; kk:status kk:late }"),
]


def stored_queries() -> list[tuple[str, str, str]]:
    """The project's stored queries (queries/*.rq), run as they are (BASIL parameters unbound)."""
    out = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if guard.check_query(text).form:
            out.append(("stored:" + path.stem, "stored", text))
    return out


SMALL_SELECT = "SELECT ?d WHERE { ?d a <https://w3id.org/kuntakg/ontology#PlanDocument> } LIMIT 5"


def is_graph(q: str) -> bool:
    return guard.check_query(q).form in ("CONSTRUCT", "DESCRIBE")


def accept_for(q: str) -> str:
    return "application/n-triples" if is_graph(q) else "application/sparql-results+json"


def stats(times: list[float]) -> tuple[float, float]:
    s = sorted(times)
    p95 = s[min(len(s) - 1, math.ceil(0.95 * len(s)) - 1)]
    return statistics.median(s), p95


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server exited with %s" % proc.returncode) from None
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start") from None
            time.sleep(0.05)


class HttpTarget:
    """Persistent HTTP/1.1 connection; POST application/sparql-query (as SPARQL clients do)."""

    def __init__(self, url: str):
        p = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = p.hostname, p.port, p.path
        self.conn = None

    def run(self, query: str) -> bytes:
        body = query.encode()
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
            try:
                self.conn.request("POST", self.path, body=body, headers={
                    "Content-Type": "application/sparql-query", "Accept": accept_for(query)})
                r = self.conn.getresponse()
                data = r.read()
                if r.status != 200:
                    raise RuntimeError("HTTP %d: %s" % (r.status, data[:300]))
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return data
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError

    def close(self):
        if self.conn:
            self.conn.close()


class FloorTarget:
    def __init__(self, store: ox.Store):
        self.store = store

    def run(self, query: str) -> bytes:
        r = self.store.query(query, use_default_graph_as_union=True)
        if isinstance(r, ox.QueryTriples):
            return r.serialize(format=ox.RdfFormat.N_TRIPLES)
        return r.serialize(format=ox.QueryResultsFormat.JSON)


class RdflibTarget:
    def __init__(self, path: Path):
        import rdflib
        import rdflib.plugins.sparql as rs
        rs.SPARQL_LOAD_GRAPHS = False
        self.ds = rdflib.Dataset(default_union=True)
        self.ds.parse(str(path), format="trig")

    def run(self, query: str) -> bytes:
        res = self.ds.query(query)
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            return res.graph.serialize(format="nt", encoding="utf-8")
        buf = io.BytesIO()
        res.serialize(buf, format="json")
        return buf.getvalue()


def measure(target, query: str, runs: int, budget: float) -> list[float]:
    target.run(query)  # warm-up
    times = []
    start = time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        target.run(query)
        times.append(time.perf_counter() - t)
        if time.perf_counter() - start > budget and len(times) >= 3:
            break
    return times


def throughput(data: Path, seconds_note: list) -> dict:
    port = free_port()
    env = dict(os.environ, KUNTAKG_DATA=str(data), KUNTAKG_QUERY_POOL_START="lazy")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--preload", "--workers", "2", "--timeout", "90",
                             "--bind", "127.0.0.1:%d" % port, "--log-level", "warning", "server:create_app()"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, proc)
        url = "http://127.0.0.1:%d/sparql?%s" % (port, urllib.parse.urlencode({"query": SMALL_SELECT}))
        ab = shutil.which("ab")
        if ab:
            subprocess.run([ab, "-q", "-n", "500", "-c", "8", "-H", "Accept: application/sparql-results+json", url],
                           capture_output=True, check=True)  # warm-up: every worker forks its query pool
            out = subprocess.run([ab, "-q", "-n", "10000", "-c", "8", "-H",
                                  "Accept: application/sparql-results+json", url],
                                 capture_output=True, text=True, check=True).stdout
            val = {k: v for k, v in (ln.split(":", 1) for ln in out.splitlines() if ":" in ln)}
            return {"client": "ab (apache2-utils) -n 10000 -c 8, no keep-alive",
                    "rps": float(val["Requests per second"].split()[0]),
                    "failed": int(val["Failed requests"].strip()),
                    "non2xx": int(val.get("Non-2xx responses", "0").strip() or 0),
                    "mean_ms": float(val["Time per request"].split()[0])}
        return python_load(port, url)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def python_load(port: int, url: str) -> dict:
    """Bounded fallback client: 8 threads, keep-alive-less GETs for 5 s."""
    path = url.split(str(port), 1)[1]
    count = [0, 0]
    stop = time.monotonic() + 5

    def worker():
        while time.monotonic() < stop:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            r = c.getresponse()
            r.read()
            count[0 if r.status == 200 else 1] += 1
            c.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"client": "python http.client, 8 threads, 5 s (ab not installed)",
            "rps": count[0] / (time.monotonic() - t0), "failed": count[1], "non2xx": count[1], "mean_ms": None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quads", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--rdflib-runs", type=int, default=3)
    ap.add_argument("--json", help="also write the numbers to this JSON file")
    ap.add_argument("--no-throughput", action="store_true")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="kuntakg-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        data = gendata.write(tmp / "bench.trig", args.quads, seed=42)
        store = ox.Store()
        store.load(input=data.read_bytes(), format=ox.RdfFormat.TRIG)  # exactly as the server loads it
        print("# data: %d quads in %d named graphs (%s, %.1f MB TriG)" % (
            len(store), len(list(store.named_graphs())), data.name, data.stat().st_size / 1e6))

        targets = {"floor": FloorTarget(store)}
        port = free_port()
        ep_log = open(tmp / "endpoint.log", "w")
        ep = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--data",
                               str(data), "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=ep_log)
        procs.append(ep)
        wait_port(port, ep)
        targets["endpoint"] = HttpTarget("http://127.0.0.1:%d/sparql" % port)

        oxbin = BIN / "oxigraph"
        if oxbin.exists():
            loc = tmp / "oxdb"
            subprocess.run([str(oxbin), "load", "--location", str(loc), "--file", str(data)], check=True,
                           capture_output=True)
            oport = free_port()
            oxs = subprocess.Popen([str(oxbin), "serve-read-only", "--location", str(loc), "--bind",
                                    "127.0.0.1:%d" % oport, "--union-default-graph"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(oxs)
            wait_port(oport, oxs)
            targets["oxigraph"] = HttpTarget("http://127.0.0.1:%d/query" % oport)
        t = time.perf_counter()
        targets["rdflib"] = RdflibTarget(data)
        print("# rdflib load: %.1f s" % (time.perf_counter() - t))

        gc.collect()
        gc.freeze()  # rdflib's millions of objects must not make the client's GC pauses land in HTTP timings

        results: dict = {}
        fast_targets = [t for t in targets if t != "rdflib"]
        for name, group, q in QUERIES + stored_queries():
            query = PFX + q
            results[name] = {"group": group}
            # interleaved: every round runs the query once on each target, so drifting machine
            # load hits all of them alike
            times = {t: [] for t in fast_targets}
            for t in fast_targets:
                targets[t].run(query)  # warm-up
            start = time.perf_counter()
            for i in range(args.runs):
                for t in fast_targets:
                    t0 = time.perf_counter()
                    targets[t].run(query)
                    times[t].append(time.perf_counter() - t0)
                if time.perf_counter() - start > 60 and i >= 2:
                    break
            times["rdflib"] = measure(targets["rdflib"], query, args.rdflib_runs, 60.0)
            for t, ts in times.items():
                med, p95 = stats(ts)
                results[name][t] = {"median_ms": med * 1000, "p95_ms": p95 * 1000, "n": len(ts)}
            sys.stderr.write(".")
            sys.stderr.flush()
        sys.stderr.write("\n")

        ask = measure(targets["endpoint"], "ASK {}", 300, 20)
        ask_med, ask_p95 = stats(ask)
        ask_floor = stats(measure(targets["floor"], "ASK {}", 300, 5))[0]

        # ---- report
        order = [t for t in ("floor", "endpoint", "oxigraph", "rdflib") if t in targets]
        print()
        print("%-20s %-9s " % ("query", "group") + " ".join("%21s" % t for t in order))
        print("%-20s %-9s " % ("", "") + " ".join("%21s" % "median/p95 ms (×floor)" for _ in order))
        for name, r in results.items():
            floor = r["floor"]["median_ms"]
            cells = []
            for t in order:
                m = r[t]
                cells.append("%8.2f/%7.2f %s" % (m["median_ms"], m["p95_ms"],
                                                  "(%5.2f)" % (m["median_ms"] / floor) if t != "floor" else "       "))
            print("%-20s %-9s " % (name, r["group"]) + " ".join("%21s" % c for c in cells))
        heavy = [n for n, r in results.items() if r["floor"]["median_ms"] >= 10]
        summary = {}
        for t in order[1:]:
            if heavy:
                g = math.exp(statistics.mean(math.log(results[n][t]["median_ms"] / results[n]["floor"]["median_ms"])
                                             for n in heavy))
                summary[t] = g
        print()
        print("queries taking the engine >= 10 ms: %s" % (", ".join(heavy) or "(none)"))
        for t, g in summary.items():
            print("geometric mean of median ratios to the floor, %-8s: %.3f×" % (t, g))
        print("ASK {} round trip via endpoint: median %.2f ms, p95 %.2f ms (engine alone %.3f ms)" % (
            ask_med * 1000, ask_p95 * 1000, ask_floor * 1000))
        aggs = [n for n, r in results.items() if r["group"] == "aggregate"]
        rd = {n: results[n]["rdflib"]["median_ms"] / results[n]["floor"]["median_ms"] for n in aggs}
        print("rdflib vs floor on aggregates: " + ", ".join("%s %.0f×" % (n, v) for n, v in rd.items())
              + " (min %.0f×)" % min(rd.values()))
        tp = None
        if not args.no_throughput:
            tp = throughput(data, [])
            print("throughput, small SELECT, gunicorn --workers 2: %.0f req/s (%s; %d failed, %d non-2xx%s)" % (
                tp["rps"], tp["client"], tp["failed"], tp["non2xx"],
                ", mean %.2f ms at concurrency 8" % tp["mean_ms"] if tp["mean_ms"] else ""))
        if args.json:
            Path(args.json).write_text(json.dumps({
                "quads": len(store), "results": results, "heavy": heavy, "geomean": summary,
                "ask_ms": {"median": ask_med * 1000, "p95": ask_p95 * 1000}, "rdflib_aggregates": rd,
                "throughput": tp}, indent=2))
        return 0
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT if p is procs[0] else signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
