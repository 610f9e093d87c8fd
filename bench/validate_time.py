#!/usr/bin/env python3
"""The validate stage alone (issue 15): wall and CPU seconds of ``kuntakg.build.validate_all`` over a
project's documents, as the build runs it (forked workers, one per CPU unless --jobs).

    .venv/bin/python bench/validate_time.py [ROOT] [--jobs N] [--runs 3] [--code DIR]

ROOT defaults to the repository (the seed documents); a project made by bench/generate.py works too.
KUNTAKG_SHACL_COMPILED=0 runs every shape in pySHACL; --code DIR imports kuntakg from another checkout
(e.g. main, for the "before" figure). Reading the documents is not timed. CPU is this process plus
its (forked) children; the machine is shared, so the load average is printed with each figure.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path, nargs="?", default=ROOT)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--code", type=Path, default=None, help="checkout whose kuntakg is imported")
    args = ap.parse_args(argv)
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    from kuntakg import Project
    from kuntakg.build import read_all, validate_all
    from kuntakg.reference import reference_graph

    project = Project(root=args.root.resolve())
    docs = read_all(project)
    reference = reference_graph(project.reference, project.minter)
    quads = sum(len(d.graph) for d in docs) + len(reference)
    import kuntakg
    print(f"kuntakg from {Path(kuntakg.__file__).parent}; {len(docs)} documents, {quads} triples read; "
          f"KUNTAKG_SHACL_COMPILED={os.environ.get('KUNTAKG_SHACL_COMPILED', '(unset)')}; jobs={args.jobs or 'auto'}")
    walls, cpus = [], []
    for run in range(args.runs):
        fresh = Project(root=project.root)  # shapes and ontology parsed again: nothing memoised across runs
        wall, cpu = time.perf_counter(), cpu_seconds()
        validate_all(fresh, docs, reference, jobs=args.jobs)
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
        print(f"run {run + 1}: wall {walls[-1]:.2f} s, cpu {cpus[-1]:.2f} s "
              f"(load {' '.join(Path('/proc/loadavg').read_text().split()[:3])})")
    print(f"median: wall {statistics.median(walls):.2f} s, cpu {statistics.median(cpus):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
