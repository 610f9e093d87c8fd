"""Data of the home, municipality and document pages, and the label search."""
from __future__ import annotations

import re
from typing import Any

from . import fulltext, kg
from .describe import EMPTY_PROV, KK, Link, labels, link, minter, page_href, provenance
from .kg import Term

ELEMENT_TYPES = ["StrategicTheme", "Goal", "Action", "ServicePromise", "Pilot", "Roadmap", "Milestone"]
SEARCH_LIMIT = 100


def _link(iri: str, names) -> Link:
    return link(Term("uri", iri), names)


def stats() -> dict:
    rows = kg.select("""SELECT
      (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?goal) AS ?goals)
      (COUNT(DISTINCT ?action) AS ?actions) (COUNT(DISTINCT ?ind) AS ?indicators)
      (COUNT(DISTINCT ?as) AS ?assessments) (COUNT(DISTINCT ?m) AS ?municipalities) WHERE {
      { ?doc a kk:PlanDocument . OPTIONAL { ?doc kk:municipality ?m } }
      UNION { ?goal a kk:Goal } UNION { ?action a kk:Action } UNION { ?ind a kk:Indicator }
      UNION { ?as a kk:StatusAssessment } }""")
    out = {k: int(v.value) for k, v in rows[0].items()} if rows else {}
    out["triples"] = kg.count("GRAPH ?g { ?s ?p ?o }")
    return out


def towns() -> list[dict]:
    """Municipalities that have documents, with their documents."""
    rows = kg.select("""SELECT ?m ?doc ?date WHERE { ?doc a kk:PlanDocument ; kk:municipality ?m .
      OPTIONAL { ?doc dcterms:temporal/time:hasBeginning/time:inXSDDate ?date } } ORDER BY ?m ?doc""")
    names = labels({r["m"].value for r in rows} | {r["doc"].value for r in rows})
    out: dict[str, dict] = {}
    for r in rows:
        m = r["m"].value
        entry = out.setdefault(m, {"town": _link(m, names), "documents": []})
        if all(d.iri != r["doc"].value for d in entry["documents"]):
            entry["documents"].append(_link(r["doc"].value, names))
    return sorted(out.values(), key=lambda e: e["town"].text)


def home() -> dict:
    return {"stats": stats(), "towns": towns()}


def municipality(iri: str) -> dict:
    kg.check_iri(iri)
    docs = kg.select("SELECT DISTINCT ?doc WHERE { ?doc a kk:PlanDocument ; kk:municipality <%s> } ORDER BY ?doc"
                     % iri)
    orgs = kg.select("""SELECT DISTINCT ?o ?parent WHERE { ?o kk:municipality <%s> .
      { ?o a org:OrganizationalUnit } UNION { ?o a org:Organization } UNION { ?o a kk:WorkingGroup }
      UNION { ?o a kk:GoverningBody }
      OPTIONAL { ?o org:subOrganizationOf ?parent } } ORDER BY ?o""" % iri)
    posts = kg.select("""SELECT DISTINCT ?post ?unit ?person WHERE { ?post a org:Post ; org:postIn ?unit .
      ?unit kk:municipality <%s> . OPTIONAL { ?post org:heldBy ?person } } ORDER BY ?post""" % iri)
    members = kg.select("""SELECT DISTINCT ?person ?group ?role WHERE {
      GRAPH ?g { ?ms a org:Membership ; org:member ?person ; org:organization ?group }
      ?g prov:wasDerivedFrom/kk:municipality <%s> . OPTIONAL { ?ms org:role ?role } }
      ORDER BY ?group ?person ?role""" % iri)
    counts = kg.select("""SELECT (COUNT(DISTINCT ?goal) AS ?goals) (COUNT(DISTINCT ?action) AS ?actions)
      (COUNT(DISTINCT ?ind) AS ?indicators) (COUNT(DISTINCT ?as) AS ?assessments) WHERE {
      ?plan kk:municipality <%s> ; kk:documentedIn ?doc .
      { ?goal a kk:Goal ; kk:inPlan ?plan } UNION { ?action a kk:Action ; kk:inPlan ?plan }
      UNION { ?x kk:inPlan ?plan ; kk:hasIndicator ?ind }
      UNION { ?as a kk:StatusAssessment ; kk:about/kk:inPlan ?plan } }""" % iri)
    iris = {iri} | {r["doc"].value for r in docs} | {r[k].value for r in orgs for k in ("o", "parent") if k in r}
    iris |= {r[k].value for r in posts for k in ("post", "unit", "person") if k in r}
    iris |= {r[k].value for r in members for k in ("person", "group", "role") if k in r}
    names = labels(iris)
    units: dict[str, dict] = {}
    for r in orgs:
        u = units.setdefault(r["o"].value, {"unit": _link(r["o"].value, names), "parents": []})
        if "parent" in r:
            u["parents"].append(_link(r["parent"].value, names))
    return {
        "iri": iri,
        "title": names[iri].text if iri in names else iri,
        "label": names.get(iri),
        "documents": [_link(r["doc"].value, names) for r in docs],
        "units": sorted(units.values(), key=lambda u: u["unit"].text),
        "posts": [{"post": _link(r["post"].value, names), "unit": _link(r["unit"].value, names),
                   "person": _link(r["person"].value, names) if "person" in r else None} for r in posts],
        "memberships": [{"person": _link(r["person"].value, names), "group": _link(r["group"].value, names),
                         "role": _link(r["role"].value, names) if "role" in r else None} for r in members],
        "headline": {k: int(v.value) for k, v in counts[0].items()} if counts else {},
    }


def latest_status(items) -> dict[str, dict]:
    """The status of each item's latest assessment (by dcterms:date, then IRI).

    A report that prints an item in several sections (the centre's table and each area's) makes one
    assessment per section on the same date (issue 14): the one shown names its section, and
    ``same_date`` counts the other sections' assessments of that date, so a page never presents one
    section's status as the item's only one."""
    vals = kg.values(items)
    if not vals:
        return {}
    rows = kg.select("""SELECT ?x ?a ?date ?status ?notation ?text (SAMPLE(?sec) AS ?section) WHERE {
      VALUES ?x { %s }
      ?a a kk:StatusAssessment ; kk:about ?x ; kk:status ?status .
      OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?status skos:notation ?notation }
      OPTIONAL { ?a kk:statusText ?text } OPTIONAL { ?a kk:reportSection ?sec } }
      GROUP BY ?x ?a ?date ?status ?notation ?text ORDER BY ?x ?date ?a""" % vals)
    names = labels({r["status"].value for r in rows} | {r["section"].value for r in rows if "section" in r})
    out: dict[str, dict] = {}
    dates: dict[tuple[str, str | None], int] = {}
    for r in rows:  # ordered: the last one per item wins
        date = r["date"].value if "date" in r else None
        dates[(r["x"].value, date)] = dates.get((r["x"].value, date), 0) + 1
        out[r["x"].value] = {
            "status": _link(r["status"].value, names),
            "notation": r["notation"].value if "notation" in r else "unknown",
            "date": date,
            "assessment": page_href(r["a"].value),
            "text": r["text"].value if "text" in r else None,
            "text_lang": r["text"].lang if "text" in r else None,
            "section": _link(r["section"].value, names) if "section" in r else None,
        }
    for x, status in out.items():
        status["same_date"] = dates[(x, status["date"])] - 1  # other assessments of the item that day
    return out


def document(iri: str) -> dict:
    """The document with its plan as a tree: theme → goals → sub-goals → actions → indicators → targets."""
    kg.check_iri(iri)
    plans = kg.select("SELECT ?plan WHERE { ?plan kk:documentedIn <%s> } ORDER BY ?plan" % iri)
    meta = kg.select("""SELECT ?m ?report ?publisher WHERE { OPTIONAL { <%s> kk:municipality ?m }
      OPTIONAL { ?report dcterms:isPartOf <%s> ; a kk:ProgressReport }
      OPTIONAL { <%s> dcterms:publisher ?publisher } }""" % (iri, iri, iri))
    plan_vals = kg.values(r["plan"].value for r in plans)
    rows = []
    if plan_vals:
        rows = kg.select("""SELECT ?x ?type ?parent ?basis ?theme ?level WHERE { VALUES ?plan { %s }
          ?x kk:inPlan ?plan ; a ?type . VALUES ?type { %s }
          OPTIONAL { VALUES (?link ?basis) { (kk:contributesTo "stated") (kk:contributesToByContent "content")
                                             (kk:contributesToByLayout "layout") }
                     ?x ?link ?parent . ?parent kk:inPlan ?plan }
          OPTIONAL { ?x kk:strategicTheme ?theme }
          OPTIONAL { ?x kk:goalLevel ?level } } ORDER BY ?x""" % (
            plan_vals, " ".join("kk:" + t for t in ELEMENT_TYPES)))
    elements: dict[str, dict] = {}
    for r in rows:
        x = r["x"].value
        e = elements.setdefault(x, {"iri": x, "type": r["type"].value.rsplit("#", 1)[-1], "parents": {},
                                    "themes": set(), "level": None})
        if "parent" in r:  # a link the document states wins over one inferred for the same pair
            if e["parents"].get(r["parent"].value) != "stated":
                e["parents"][r["parent"].value] = r["basis"].value
        if "theme" in r:
            e["themes"].add(r["theme"].value)
        if "level" in r:
            e["level"] = r["level"].value
    ind_rows = kg.select("""SELECT ?x ?ind ?target WHERE { VALUES ?x { %s } ?x kk:hasIndicator ?ind .
      OPTIONAL { ?ind kk:hasTarget ?target } } ORDER BY ?x ?ind ?target""" % kg.values(elements)) if elements else []
    indicators: dict[str, list] = {}
    targets: dict[str, list] = {}
    for r in ind_rows:
        if r["ind"].value not in indicators.setdefault(r["x"].value, []):
            indicators[r["x"].value].append(r["ind"].value)
        if "target" in r and r["target"].value not in targets.setdefault(r["ind"].value, []):
            targets[r["ind"].value].append(r["target"].value)
    all_iris = set(elements) | {i for v in indicators.values() for i in v} | {t for v in targets.values() for t in v}
    all_iris |= {e["level"] for e in elements.values() if e["level"]}
    all_iris |= {iri} | {r["plan"].value for r in plans}
    all_iris |= {r[k].value for r in meta for k in ("m", "report", "publisher") if k in r}
    names = labels(all_iris | {KK + k for k in ELEMENT_TYPES + ["Indicator", "Target"]})
    prov = provenance(all_iris - {iri})
    status = latest_status(elements)

    children: dict[str, list] = {}
    basis: dict[tuple[str, str], str] = {}  # (parent, child) -> how the link is known (issue 14)
    roots = []
    for x, e in elements.items():
        parents = [p for p in e["parents"] if p in elements and p != x]
        for p in parents:
            basis[(p, x)] = e["parents"][p]
        if not parents and e["type"] != "StrategicTheme":
            parents = [t for t in e["themes"] if t in elements]
        if parents:
            for p in parents:
                children.setdefault(p, []).append(x)
        else:
            roots.append(x)
    type_order = {t: i for i, t in enumerate(ELEMENT_TYPES)}

    def sort_key(x):
        return (type_order.get(elements[x]["type"], 99), _natural(x))

    def node(x: str, path: tuple) -> dict:
        e = elements.get(x)
        kind = e["type"] if e else ("Target" if any(x in v for v in targets.values()) else "Indicator")
        kind_label = names[KK + kind].text if KK + kind in names else kind
        n: dict[str, Any] = {
            "iri": x, "href": page_href(x), "kind": kind, "kind_label": kind_label, "label": _link(x, names),
            "level": _link(e["level"], names) if e and e["level"] else None,
            "status": status.get(x), "provenance": prov.get(x, EMPTY_PROV), "children": [],
            "link_basis": basis.get((path[-1], x)) if path else None}
        if x in path:  # never loop, even on data the cascade shape would reject
            return n
        for c in sorted(children.get(x, []), key=sort_key):
            n["children"].append(node(c, path + (x,)))
        for ind in indicators.get(x, []):
            child = node(ind, path + (x,))
            child["children"] = [node(t, path + (x, ind)) for t in targets.get(ind, [])]
            n["children"].append(child)
        return n

    tree = [node(x, ()) for x in sorted(roots, key=sort_key)]
    m = meta[0] if meta else {}
    return {
        "iri": iri, "title": names[iri].text if iri in names else iri, "label": names.get(iri),
        "municipality": _link(m["m"].value, names) if "m" in m else None,
        "publisher": _link(m["publisher"].value, names) if "publisher" in m else None,
        "reports": sorted({r["report"].value for r in meta if "report" in r}),
        "plans": [_link(r["plan"].value, names) for r in plans],
        "tree": tree,
        "counts": {t: sum(1 for e in elements.values() if e["type"] == t) for t in ELEMENT_TYPES},
        "dump": iri.rsplit("/", 1)[-1] + ".ttl",
    }


def _natural(iri: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", iri)]


def search(text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Stemmed full-text search over labels and original wording (:mod:`.fulltext`), best first."""
    text = " ".join(text.split())[:200]
    if len(text) < 2:
        return []
    found = fulltext.index().search(text, limit)
    seen: dict[str, dict] = {r.item: {"iri": r.item, "match": r.hit.text, "match_lang": r.hit.language,
                                      "match_field": r.hit.field, "source": r.source, "score": r.score}
                             for r in found}
    names = labels(seen)
    types = kg.select("SELECT ?s ?t WHERE { VALUES ?s { %s } GRAPH ?g { ?s a ?t } FILTER(?g != <%s>) }" % (
        kg.values(seen), minter().graph("inferred"))) if seen else []
    tnames = labels({r["t"].value for r in types})
    for s, entry in seen.items():
        entry["link"] = _link(s, names)
        entry["types"] = sorted({_link(r["t"].value, tnames).text for r in types if r["s"].value == s})
    return list(seen.values())


__all__ = ["home", "municipality", "document", "search", "stats", "towns"]
