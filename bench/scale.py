#!/usr/bin/env python3
"""Scale benchmark (issue 8): the real build and the real endpoint over generated documents.

For each scale (approximate quads), in one run:

1. ``bench/generate.py`` writes a synthetic project (import format) under OUT/<scale>/project;
2. the real ``kuntakg.build.build`` runs in a child process (own session, killed at --build-timeout):
   the time of each stage (read, audit, validate = pySHACL per document, reason = owlready2 + HermiT,
   serialise) from BuildReport.timings, peak RSS of the Python process and of its children (the
   HermiT JVM); when the build does not finish, the stage it was in and for how long;
3. dump sizes (dist/kuntakg.{trig,nq,jsonld}, per-document Turtle);
4. pyoxigraph load time of dist/kuntakg.trig in-process (``Store.load``, as the server loads it) and
   ``bulk_load``, with the RSS growth;
5. every stored query as the API runs it (GET /api/queries/<name>.json on the real server,
   ``python -m server.cli serve --data … --workers 2`` on a free 127.0.0.1 port; required BASIL
   parameters bound to values from the data (SAMPLES), optional ones left open, i.e. "all towns")
   and on pyoxigraph in-process with the same bindings (results serialised), interleaved: median,
   p95 and the endpoint/floor ratio.

    .venv/bin/python bench/scale.py [--scales 100000,1000000] [--runs 15] [--out bench/out]
                                    [--build-timeout 1800] [--json bench/out/scale.json]

Output directory bench/out/ is git-ignored.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

STAGES = ("cache", "read", "audit", "validate", "reason", "serialise")


def loadavg() -> str:
    """The 1/5/15-minute load averages (the machine is shared: every figure is reported with them)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# --- the build, in a child process ----------------------------------------------------------------

def child_build(root: Path, progress: Path, use_cache: bool = True) -> int:
    """Run the real build of `root` into root/dist; append JSON lines to `progress`."""
    from kuntakg import Project
    from kuntakg.build import build

    def log(**rec):
        with progress.open("a") as fh:
            fh.write(json.dumps(rec) + "\n")

    t0 = time.perf_counter()
    log(event="start", t=0.0)
    try:
        report = build(Project(root=root), root / "dist",
                       on_stage=lambda s: log(event="stage", stage=s, t=time.perf_counter() - t0,
                                              rss_mb=rss_mb()), use_cache=use_cache)
    except Exception as exc:  # report, do not hide
        log(event="error", error=f"{type(exc).__name__}: {str(exc)[:2000]}",
            errors=[str(e) for e in getattr(exc, "errors", [])[:20]], t=time.perf_counter() - t0)
        return 1
    ru_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ru_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    log(event="done", t=time.perf_counter() - t0, timings=report.timings, inferred=report.inferred,
        reasoners=list(report.reasoners), cached=report.cached,
        documents=len(report.documents), quads=report.manifest.get("quads"),
        peak_rss_mb=ru_self, peak_rss_children_mb=ru_children)
    return 0


def run_build(root: Path, timeout: float, name: str = "build", use_cache: bool = True) -> dict:
    progress = root.parent / f"{name}-progress.jsonl"
    progress.unlink(missing_ok=True)
    load = loadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--_build", str(root), str(progress)]
                            + ([] if use_cache else ["--no-cache"]),
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=open(root.parent / "build.stderr", "w"))
    peak = 0.0
    peak_by_stage: dict[str, float] = {}
    peak_processes: list = []
    timed_out = False
    while proc.poll() is None:
        processes = tree_pss(proc.pid)
        sample = sum(mb for _, mb in processes)
        stage = last_stage(progress)
        peak_by_stage[stage] = max(peak_by_stage.get(stage, 0.0), sample)
        if sample > peak:
            peak, peak_processes = sample, processes
        if time.perf_counter() - t0 > timeout:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(1.0)
    wall = time.perf_counter() - t0
    events = [json.loads(x) for x in progress.read_text().splitlines()] if progress.exists() else []
    out = {"wall_s": wall, "sampled_peak_tree_rss_mb": peak, "timed_out": timed_out, "returncode": proc.returncode,
           "loadavg": load, "sampled_peak_by_stage_mb": {k: round(v) for k, v in peak_by_stage.items()},
           "processes_at_peak": [f"{name} {round(mb)} MB" for name, mb in sorted(peak_processes, key=lambda x: -x[1])]}
    done = next((e for e in events if e["event"] == "done"), None)
    if done:
        out.update(done)
    else:
        stages = [e for e in events if e["event"] == "stage"]
        err = next((e for e in events if e["event"] == "error"), None)
        timings = {}
        for a, b in zip(stages, stages[1:]):
            timings[a["stage"]] = b["t"] - a["t"]
        if stages:
            out["unfinished_stage"] = stages[-1]["stage"]
            out["unfinished_stage_s"] = (wall if not err else err["t"]) - stages[-1]["t"]
        out["timings"] = timings
        if err:
            out["error"] = err
    return out


def last_stage(progress: Path) -> str:
    """The stage the build was last reported in (its progress file), "start" before the first."""
    try:
        lines = progress.read_text().splitlines()
    except OSError:
        return "start"
    stages = [json.loads(x).get("stage") for x in lines if '"stage"' in x]
    return stages[-1] if stages else "start"


def tree_rss_mb(pid: int) -> float:
    """Memory of a process and its descendants (the HermiT JVM, forked SHACL processes), from /proc:
    the sum of their PSS, so pages a fork shares copy-on-write with its parent count once."""
    return sum(mb for _, mb in tree_pss(pid))


def tree_pss(pid: int) -> list[tuple[str, float]]:
    """(pid and command name, PSS in MB) of a process and each of its descendants."""
    out: list[tuple[str, float]] = []
    try:
        children = {}
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
                    children.setdefault(int(fields[1]), []).append(int(p.name))
                except OSError:
                    pass
        todo = [pid]
        while todo:
            q = todo.pop()
            todo += children.get(q, [])
            try:
                name = Path(f"/proc/{q}/comm").read_text().strip()
                for line in open(f"/proc/{q}/smaps_rollup"):
                    if line.startswith("Pss:"):
                        out.append((f"{q} {name}", int(line.split()[1]) / 1024))
            except OSError:
                pass
    except OSError:
        pass
    return out


# --- load and queries -----------------------------------------------------------------------------

def load_times(trig: Path) -> dict:
    import pyoxigraph as ox
    out = {}
    before = rss_mb()
    t = time.perf_counter()
    store = ox.Store()
    store.load(input=trig.read_bytes(), format=ox.RdfFormat.TRIG)
    out["load_s"] = time.perf_counter() - t
    out["load_rss_growth_mb"] = rss_mb() - before
    out["quads"] = len(store)
    t = time.perf_counter()
    other = ox.Store()
    other.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    out["bulk_load_s"] = time.perf_counter() - t
    del other
    return out, store


# Values for the stored queries' required parameters, taken from the data (the seeds' defaults do not
# occur in generated data): a goal with themes, the most used theme.
SAMPLES = {
    "goal": """PREFIX kk: <https://w3id.org/kuntakg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
               SELECT ?v WHERE { ?v a kk:Goal ; dcterms:subject ?t } ORDER BY ?v LIMIT 1""",
    "theme": """PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
                SELECT ?v WHERE { ?x dcterms:subject ?t . ?t skos:notation ?v }
                GROUP BY ?v ORDER BY DESC(COUNT(?x)) ?v LIMIT 1""",
}


class ApiTarget:
    """GET /api/queries/<name>.json on a persistent connection (the stored-query API)."""

    def __init__(self, port: int):
        import endpoint as ep
        self.http = ep.HttpTarget("http://127.0.0.1:%d/api" % port)

    def run(self, path: str) -> bytes:
        import http.client
        for attempt in (0, 1):
            if self.http.conn is None:
                self.http.conn = http.client.HTTPConnection(self.http.host, self.http.port, timeout=300)
            try:
                self.http.conn.request("GET", path, headers={"Accept": "application/json"})
                r = self.http.conn.getresponse()
                data = r.read()
                if r.status != 200:
                    raise RuntimeError("HTTP %d: %s" % (r.status, data[:300]))
                return data
            except (http.client.HTTPException, ConnectionError):
                self.http.conn.close()
                self.http.conn = None
                if attempt:
                    raise
        raise AssertionError


def stored_calls(store) -> list[tuple[str, str, object, dict]]:
    """(name, API path, StoredQuery, bindings) for every stored query, required parameters bound."""
    import urllib.parse

    from kuntakg.queries import load_queries

    calls = []
    for name, q in sorted(load_queries(ROOT / "queries").items()):
        args = {}
        for p in q.params:
            if p.required:
                rows = list(store.query(SAMPLES[p.name], use_default_graph_as_union=True))
                args[p.name] = rows[0]["v"].value if rows else p.default
        path = "/api/queries/%s.json" % name + ("?" + urllib.parse.urlencode(args) if args else "")
        calls.append((name, path, q, q.bind(args)))
    return calls


def _one_town(store, name: str, path: str, q):
    rows = list(store.query("PREFIX kk: <https://w3id.org/kuntakg/ontology#> SELECT ?c WHERE { "
                            "?p kk:municipality/kk:statisticalCode ?c } ORDER BY ?c LIMIT 1",
                            use_default_graph_as_union=True))
    town = rows[0]["c"].value
    args = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query), town=town)
    return (name + " (town=%s)" % town, path.split("?")[0] + "?" + urllib.parse.urlencode(args), q.bind(args))


def engine_answer(store, q, bindings: dict, page: int = 1) -> bytes:
    """A stored query's answer from pyoxigraph in this process (the engine alone, the "floor"): the text the
    API sends to an Oxigraph store (its Oxigraph form, the parameters as VALUES, a paginated query's page)
    and the same bindings, serialised as the endpoint serialises it."""
    import pyoxigraph as ox

    r = store.query(q.hinted(bindings, page), substitutions=bindings or None, use_default_graph_as_union=True)
    if isinstance(r, ox.QueryTriples):
        return r.serialize(format=ox.RdfFormat.N_TRIPLES)
    return r.serialize(format=ox.QueryResultsFormat.JSON)


def query_bench(store, trig: Path, runs: int, budget: float, log: Path, args_slow: float = 5.0,
                skip: frozenset = frozenset()) -> dict:
    """Every stored query through the API (GET /api/queries/<name>.json, the production path: guard,
    bindings, serialisation, log line; answers neither kept nor prepared) and on pyoxigraph in-process with
    the text the API sends and the same bindings (floor)."""
    import endpoint as ep  # bench/endpoint.py: the same statistics and server start as `make bench`

    calls = stored_calls(store)
    port = ep.free_port()
    t = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--data",
                               str(trig), "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=open(log, "w"), start_new_session=True,
                              # the endpoint's own work against the engine's: no answer kept or prepared
                              env={**os.environ, "KUNTAKG_API_ANSWER_CACHE_CELLS": "0"})
    try:
        ep.wait_port(port, server, timeout=900)
        start_s = time.perf_counter() - t
        api = ApiTarget(port)
        api.run("/api/queries.json")
        rows = {}
        for name, path, q, bindings in calls:
            name = "stored:" + name
            if name.split(":", 1)[-1] in skip:
                rows[name] = {"skipped": True}
                continue
            times = {"floor": [], "endpoint": []}
            try:
                t1 = time.perf_counter()
                engine_answer(store, q, bindings)  # warm-up
                first = time.perf_counter() - t1
                if first > args_slow:  # too slow to repeat: one floor run, one API run
                    t1 = time.perf_counter()
                    try:
                        api.run(path)
                        status = "ok"
                    except Exception as exc:
                        status = str(exc)[:80]
                    rows[name] = {"floor_once_ms": first * 1e3, "endpoint_once_ms": (time.perf_counter() - t1) * 1e3,
                                  "endpoint": status, "path": path}
                    print("   %-34s SLOW %s" % (name, rows[name]), flush=True)
                    continue
                try:
                    api.run(path)  # warm-up
                except RuntimeError as exc:
                    if not str(exc).startswith("HTTP 413") or q.param("town") is None:
                        raise
                    # "all towns" is over the API's row limit at this scale: measure the one-town call
                    name, path, bindings = _one_town(store, name, path, q)
                    engine_answer(store, q, bindings)
                    api.run(path)
                t0 = time.perf_counter()
                for _ in range(runs):
                    for key, run in (("floor", lambda: engine_answer(store, q, bindings)),
                                     ("endpoint", lambda: api.run(path))):
                        t1 = time.perf_counter()
                        run()
                        times[key].append(time.perf_counter() - t1)
                    if time.perf_counter() - t0 > budget and len(times["floor"]) >= 3:
                        break
                fm, fp = ep.stats(times["floor"])
                em, epp = ep.stats(times["endpoint"])
                rows[name] = {"floor_median_ms": fm * 1e3, "floor_p95_ms": fp * 1e3, "endpoint_median_ms": em * 1e3,
                              "endpoint_p95_ms": epp * 1e3, "ratio": em / fm if fm else None,
                              "runs": len(times["floor"]), "path": path}
            except Exception as exc:
                rows[name] = {"error": str(exc)[:300], "path": path}
            print("   %-34s %s" % (name, fmt_row(rows[name])), flush=True)
        api.http.close()
        return {"server_start_s": start_s, "queries": rows}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def fmt_row(r: dict) -> str:
    if r.get("skipped"):
        return "skipped"
    if "error" in r:
        return "ERROR " + r["error"]
    return "floor %8.2f/%8.2f ms  endpoint %8.2f/%8.2f ms  (x%.2f, %d runs)" % (
        r["floor_median_ms"], r["floor_p95_ms"], r["endpoint_median_ms"], r["endpoint_p95_ms"], r["ratio"] or 0,
        r["runs"])


def replicate(nq: Path, copies: int, out: Path) -> int:
    """An approximate larger dataset for the serving test only: `copies` copies of a finished build's
    document data, each moved to other generated towns (codes and doc ids renamed, blank nodes
    suffixed); ontology, reference, theme scheme and shared periods once. Used when the build of the
    larger scale does not finish (it is not a build: no SHACL, no reasoning on the copies)."""
    import re

    once = ("/graph/ontology>", "/graph/reference>", "/graph/themes>", "/graph/common>")
    code_re = re.compile(r"(/municipality/|/org/|/post/|/person/|/town/)(\d{3})(?=[/>])|\bk(\d{3})-")
    lines = nq.read_text(encoding="utf-8").splitlines()
    used = sorted({m.group(1) for line in lines for m in re.finditer(r"/k(\d{3})-", line)})  # document towns
    refs = sorted({m.group(2) for line in lines if line.rstrip(" .").endswith("/graph/reference>")
                   for m in re.finditer(r"(/municipality/)(\d{3})>", line)} - set(used))
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for k in range(copies):
            mapping = dict(zip(used, refs[(k - 1) * len(used):k * len(used)])) if k else {}
            if k and len(mapping) < len(used):
                break
            for line in lines:
                if line.rstrip(" .").endswith(once) and k:
                    continue
                if k:
                    hits = []

                    def sub(m, hits=hits):
                        code = m.group(2) or m.group(3)
                        if code not in mapping:
                            return m.group(0)
                        hits.append(code)
                        return (m.group(1) + mapping[code]) if m.group(1) else f"k{mapping[code]}-"

                    line = code_re.sub(sub, line)
                    if not hits:
                        continue  # a statement about a shared resource (reference, periods): once is enough
                    line = re.sub(r"(_:[A-Za-z0-9]+)", rf"\1x{k}", line)
                fh.write(line + "\n")
                n += 1
    return n


def run_replicated(base_scale: int, copies: int, out: Path, args) -> dict:
    import pyoxigraph as ox

    src = out / str(base_scale) / "project" / "dist" / "kuntakg.nq"
    folder = out / f"replicated-{base_scale}x{copies}"
    folder.mkdir(parents=True, exist_ok=True)
    nq = folder / "replicated.nq"
    written = replicate(src, copies, nq)
    trig = folder / "replicated.trig"
    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    store.dump(output=str(trig), format=ox.RdfFormat.TRIG)
    res = {"scale": f"{base_scale}x{copies} (replicated)", "lines": written}
    res["load"], store = load_times(trig)
    print(f"== replicated {base_scale} x {copies}:", json.dumps(res), flush=True)
    res["serve"] = query_bench(store, trig, args.runs, args.budget, folder / "server.log",
                               skip=frozenset(args.skip.split(",")) if args.skip else frozenset())
    return res


def run_scale(scale: int, out: Path, args) -> dict:
    import generate

    folder = out / str(scale)
    folder.mkdir(parents=True, exist_ok=True)
    root = folder / "project"
    res: dict = {"scale": scale}
    progress = folder / "build-progress.jsonl"
    done = [json.loads(x) for x in progress.read_text().splitlines()] if progress.exists() else []
    done = next((e for e in done if e["event"] == "done"), None)
    if args.reuse and done and (root / "dist" / "kuntakg.trig").exists():
        # an earlier run's finished build of this scale (same seed): measure dumps, load and queries only
        res["generate"] = {"documents": done["documents"], "reused": True}
        res["build"] = b = dict(done, reused=True)
        print(f"== scale {scale}: reusing the finished build in {root}", flush=True)
    else:
        t = time.perf_counter()
        res["generate"] = generate.generate(root, max(1, round(scale / generate.QUADS_PER_DOC)), args.seed)
        res["generate"]["s"] = time.perf_counter() - t
        print(f"== scale {scale}: {res['generate']}", flush=True)
        res["build"] = b = run_build(root, args.build_timeout)
    print("   build:", json.dumps({k: v for k, v in b.items() if k != "error"}), flush=True)
    if "error" in b:
        print("   build error:", b["error"], flush=True)
    dist = root / "dist"
    if b.get("event") != "done":
        return res
    res["dumps_mb"] = {p.name: p.stat().st_size / 1e6 for p in sorted(dist.glob("kuntakg.*"))}
    res["dumps_mb"]["per-document .ttl (sum)"] = sum(p.stat().st_size for p in dist.glob("*.ttl")) / 1e6
    print("   dumps MB:", json.dumps({k: round(v, 2) for k, v in res["dumps_mb"].items()}), flush=True)
    res["load"], store = load_times(dist / "kuntakg.trig")
    print("   load:", json.dumps(res["load"]), flush=True)
    res["serve"] = query_bench(store, dist / "kuntakg.trig", args.runs, args.budget, folder / "server.log")
    if not res["generate"].get("reused"):
        res["rebuilds"] = rebuilds(root, args.build_timeout)
    return res


def rebuilds(root: Path, timeout: float) -> dict:
    """Issue 15: with the cache the cold build filled, a rebuild with nothing changed, then one after a
    label of one document changed (the last: no other document continues it); wall time of the
    child process and the build's own stage times, peak memory, and whether dist/ is the same bytes
    as before (no-op) / differs (one change)."""
    import hashlib

    def sums() -> dict[str, str]:
        dist = root / "dist"  # every file, exports/ included (a folder since issue 16)
        return {p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(dist.rglob("*")) if p.is_file()}

    out = {}
    before = sums()
    out["noop"] = run_build(root, timeout, "rebuild-noop")
    out["noop"]["dist_unchanged"] = sums() == before
    last = sorted(p for p in (root / "data" / "documents").iterdir() if p.is_dir())[-1]
    goals = last / "goals.csv"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(text.replace("Vahvistamme", "Vahvistamme yhä", 1), encoding="utf-8")
    out["one"] = run_build(root, timeout, "rebuild-one")
    out["one"]["dist_changed"] = sums() != before
    print("   rebuilds:", json.dumps({k: {x: v.get(x) for x in ("wall_s", "timings", "cached", "loadavg")}
                                      for k, v in out.items()}), flush=True)
    return out


def summary(results: list[dict]) -> None:
    print("\n# scale table")
    head = "%-28s" % "figure" + "".join("%16s" % r["scale"] for r in results)
    print(head)

    def line(label, fn):
        cells = []
        for r in results:
            try:
                v = fn(r)
            except (KeyError, TypeError):
                v = None
            cells.append("%16s" % ("-" if v is None else (f"{v:.2f}" if isinstance(v, float) else v)))
        print("%-28s" % label + "".join(cells))

    line("documents", lambda r: r["generate"]["documents"])
    line("quads (build)", lambda r: r["build"].get("quads"))
    for s in STAGES:
        line(f"{s} s", lambda r, s=s: r["build"]["timings"].get(s))
    line("build total s", lambda r: sum(r["build"]["timings"].values()) if r["build"].get("event") == "done" else None)
    line("reasoning", lambda r: "+".join(r["build"]["reasoners"]))
    line("build + load s", lambda r: sum(r["build"]["timings"].values()) + r["load"]["load_s"])
    line("unfinished stage", lambda r: r["build"].get("unfinished_stage"))
    line("  ... in it for s", lambda r: r["build"].get("unfinished_stage_s"))
    line("load average (build)", lambda r: r["build"].get("loadavg"))
    line("no-op rebuild s", lambda r: r["rebuilds"]["noop"]["wall_s"])
    line("  (in-process s)", lambda r: sum(r["rebuilds"]["noop"]["timings"].values()))
    line("  dist unchanged", lambda r: str(r["rebuilds"]["noop"]["dist_unchanged"]))
    line("  load average", lambda r: r["rebuilds"]["noop"]["loadavg"])
    line("one-doc rebuild s", lambda r: r["rebuilds"]["one"]["wall_s"])
    line("  (in-process s)", lambda r: sum(r["rebuilds"]["one"]["timings"].values()))
    line("  documents cached", lambda r: r["rebuilds"]["one"]["cached"])
    line("  peak RSS MB", lambda r: r["rebuilds"]["one"]["peak_rss_mb"])
    line("  load average", lambda r: r["rebuilds"]["one"]["loadavg"])
    line("peak RSS python MB", lambda r: r["build"].get("peak_rss_mb"))
    line("peak RSS children MB", lambda r: r["build"].get("peak_rss_children_mb"))
    line("sampled tree PSS MB", lambda r: r["build"].get("sampled_peak_tree_rss_mb"))
    line("trig MB", lambda r: r["dumps_mb"]["kuntakg.trig"])
    line("nq MB", lambda r: r["dumps_mb"]["kuntakg.nq"])
    line("jsonld MB", lambda r: r["dumps_mb"]["kuntakg.jsonld"])
    line("pyoxigraph load s", lambda r: r["load"]["load_s"])
    line("pyoxigraph bulk_load s", lambda r: r["load"]["bulk_load_s"])
    line("server start s", lambda r: r["serve"]["server_start_s"])
    names = sorted({n for r in results for n in r.get("serve", {}).get("queries", {})})
    for n in names:
        line(n[7:] + " p95 ms", lambda r, n=n: r["serve"]["queries"][n].get("endpoint_p95_ms",
                                                                             r["serve"]["queries"][n].get("endpoint_once_ms")))
        line("  x floor (median)", lambda r, n=n: r["serve"]["queries"][n].get("ratio"))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--_build":
        return child_build(Path(argv[1]), Path(argv[2]), use_cache="--no-cache" not in argv[3:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query before stopping early (>= 3 runs)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--out", type=Path, default=BENCH / "out")
    ap.add_argument("--build-timeout", type=float, default=1800)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--reuse", action="store_true",
                    help="reuse a finished build of a scale found in --out (skip generate + build)")
    ap.add_argument("--replicate", metavar="SCALExCOPIES",
                    help="serving test only, on copies of a finished build (e.g. 100000x10), see replicate()")
    ap.add_argument("--skip", help="stored queries not to run (comma-separated names), e.g. goal-neighbours")
    args = ap.parse_args(argv)
    if args.replicate:
        base, copies = (int(x) for x in args.replicate.split("x"))
        res = run_replicated(base, copies, args.out, args)
        (args.out / f"replicated-{args.replicate}.json").write_text(json.dumps(res, indent=1))
        return 0
    results = []
    for scale in (int(s) for s in args.scales.split(",")):
        results.append(run_scale(scale, args.out, args))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.json or args.out / "scale.json").write_text(json.dumps(results, indent=1))
    summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
