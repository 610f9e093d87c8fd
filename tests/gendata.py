"""Deterministic synthetic data shaped like Kunta-KG (for tests and ``bench/``).

One named graph per synthetic plan document, each with a goal cascade
(long-term → key → operational goals linked by ``kk:contributesTo``), actions,
indicators with numeric targets, and fi/sv/en labels drawn from a small word
list, so aggregate, property-path, text-search and CONSTRUCT queries all have
something to chew on.  Nothing here is real data.
"""
from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

BASE = "https://w3id.org/kuntakg/"
KK = BASE + "ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"

WORDS_FI = ["hyvinvointi", "elinvoima", "osallisuus", "turvallisuus", "liikunta", "kulttuuri", "koulutus",
            "työllisyys", "ympäristö", "ilmasto", "asuminen", "liikenne", "terveys", "nuoriso", "ikäihmiset",
            "yrittäjyys", "digitalisaatio", "palvelu", "perusturva", "vetovoima"]
WORDS_SV = ["välfärd", "livskraft", "delaktighet", "trygghet", "motion", "kultur", "utbildning", "sysselsättning",
            "miljö", "klimat", "boende", "trafik", "hälsa", "ungdom", "äldre", "företagande", "digitalisering",
            "tjänst", "grundtrygghet", "attraktionskraft"]
WORDS_EN = ["wellbeing", "vitality", "participation", "safety", "sport", "culture", "education", "employment",
            "environment", "climate", "housing", "traffic", "health", "youth", "elderly", "enterprise",
            "digitalisation", "service", "social security", "attractiveness"]
STATUSES = ["on-track", "at-risk", "late", "done", "not-started"]
QUADS_PER_DOC = 2876


def kk(name: str) -> ox.NamedNode:
    return ox.NamedNode(KK + name)


def generate(n_quads: int = 100_000, seed: int = 0) -> list[ox.Quad]:
    """About ``n_quads`` quads (never fewer than one document's worth)."""
    rnd = random.Random(seed)
    n_docs = max(1, round(n_quads / QUADS_PER_DOC))
    quads: list[ox.Quad] = []
    for d in range(n_docs):
        g = ox.NamedNode(BASE + "graph/doc-%d" % d)
        doc = ox.NamedNode(BASE + "id/doc/doc-%d" % d)
        muni = ox.NamedNode(BASE + "id/municipality/%03d" % (d % 12))

        def add(s, p, o, g=g):
            quads.append(ox.Quad(s, p, o, g))

        def labels(s, i):
            add(s, RDFS_LABEL, ox.Literal("%s %d" % (WORDS_FI[i % 20], i), language="fi"))
            add(s, RDFS_LABEL, ox.Literal("%s %d" % (WORDS_SV[i % 20], i), language="sv"))
            add(s, RDFS_LABEL, ox.Literal("%s %d" % (WORDS_EN[i % 20], i), language="en"))

        add(doc, RDF_TYPE, kk("PlanDocument"))
        add(doc, kk("municipality"), muni)
        add(doc, kk("year"), ox.Literal(str(2015 + d % 10), datatype=ox.NamedNode(XSD + "integer")))
        labels(doc, d)
        n = 0
        for lt in range(5):
            top = ox.NamedNode(BASE + "id/goal/doc-%d/%d" % (d, lt))
            add(top, RDF_TYPE, kk("Goal"))
            add(top, kk("level"), kk("long-term"))
            add(top, kk("inPlan"), doc)
            labels(top, rnd.randrange(1000))
            for k in range(4):
                key = ox.NamedNode(BASE + "id/goal/doc-%d/%d-%d" % (d, lt, k))
                add(key, RDF_TYPE, kk("Goal"))
                add(key, kk("level"), kk("key"))
                add(key, kk("inPlan"), doc)
                add(key, kk("contributesTo"), top)
                labels(key, rnd.randrange(1000))
                for o in range(5):
                    op = ox.NamedNode(BASE + "id/goal/doc-%d/%d-%d-%d" % (d, lt, k, o))
                    add(op, RDF_TYPE, kk("Goal"))
                    add(op, kk("level"), kk("operational"))
                    add(op, kk("inPlan"), doc)
                    add(op, kk("contributesTo"), key)
                    labels(op, rnd.randrange(1000))
                    for _a in range(2):
                        n += 1
                        act = ox.NamedNode(BASE + "id/action/doc-%d/%d" % (d, n))
                        ind = ox.NamedNode(BASE + "id/indicator/doc-%d/%d" % (d, n))
                        add(act, RDF_TYPE, kk("Action"))
                        add(act, kk("forGoal"), op)
                        add(act, kk("status"), kk(rnd.choice(STATUSES)))
                        labels(act, rnd.randrange(1000))
                        add(act, kk("indicator"), ind)
                        add(ind, RDF_TYPE, kk("Indicator"))
                        add(ind, kk("targetValue"), ox.Literal(str(rnd.randrange(1, 500)),
                                                               datatype=ox.NamedNode(XSD + "integer")))
                        add(ind, kk("unit"), kk(rnd.choice(["percent", "count", "euro"])))
    return quads


def write(path: str | Path, n_quads: int = 100_000, seed: int = 0, extra: str = "") -> Path:
    """Write generated quads as TriG (plus ``extra`` TriG text appended) to ``path``."""
    path = Path(path)
    data = ox.serialize(generate(n_quads, seed), format=ox.RdfFormat.TRIG)
    path.write_bytes(data + b"\n" + extra.encode())
    return path
