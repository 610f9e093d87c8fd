"""/compare: the towns side by side (issue 7), and /compare/neighbours: goals of other towns near one goal.

Every number comes from a stored query (queries/*.rq), so each chart has its table here and its CSV
at /api/queries/<name>.csv. Charts are SVG drawn on the server (server/api/charts.py).
"""
from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, Response, abort, request
from markupsafe import Markup

from kuntakg.queries import ParameterError

from ..response import add_links, choose, error, json_response, query_suffix
from . import charts, lookup
from . import queries as api

bp = Blueprint("compare", __name__)
# A chart tells its series apart by colour, and the palette has eight: the page compares at most this
# many towns at once (the first ones by name unless ?town= chooses; the JSON twin takes the same choice).
MAX_TOWNS = 8
LEVEL_ORDER = ["strategic", "long-term", "key", "responsibility-area", "operational", "milestone"]
STATUS_ORDER = ["done", "in-progress", "postponed", "not-started", "not-reported"]


def rows_of(name: str, **args) -> list[dict]:
    """Rows of a stored query as dicts; label columns in English (the page's language), fallback fi, sv."""
    query = api.registry()[name]
    columns, rows = api.run(query, query.bind(args))
    if query.labels:
        columns, rows = api.relabel(query, columns, rows, "en")
    return [dict(zip(columns, map(api.plain, r), strict=True)) for r in rows]


def _town_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for r in rows_of("documents"):
        names.setdefault(r["doc"], r["town"])
    return names


def _doc_label(doc: str, towns: dict[str, str]) -> str:
    return "%s · %s" % (towns.get(doc, "?"), doc.rsplit("/", 1)[-1])


class TownError(ValueError):
    """A ?town= that is not one of the graph's towns, or too many of them."""


def choose_towns(available: list[str], asked: list[str]) -> list[str]:
    """The towns to compare: those asked for (in the given order, repeats dropped), else the first
    MAX_TOWNS of ``available``."""
    if not asked:
        return available[:MAX_TOWNS]
    chosen = list(dict.fromkeys(asked))
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise TownError("unknown town code %s; the towns are listed in /compare.json under all_towns"
                        % ", ".join(repr(c) for c in unknown))
    if len(chosen) > MAX_TOWNS:
        raise TownError("at most %d towns at once (the charts' palette has %d colours); got %d"
                        % (MAX_TOWNS, MAX_TOWNS, len(chosen)))
    return chosen


def data(asked: list[str] | None = None) -> dict:
    """Everything /compare shows, as plain data (the HTML page and its JSON twin), for the chosen towns."""
    towns_by_doc = _town_names()
    code_names = {}
    all_levels = rows_of("goals-per-level")
    for r in all_levels:
        code_names[r["town"]] = towns_by_doc.get(r["document"], r["town"])
    every = sorted(code_names, key=lambda c: (code_names[c], c))
    codes = choose_towns(every, asked or [])
    chosen = set(codes)
    levels = [r for r in all_levels if r["town"] in chosen]

    matrix_rows = [r for r in rows_of("theme-town-matrix") if r["town"] in chosen]
    themes: dict[str, dict] = {}
    for r in matrix_rows:
        t = themes.setdefault(r["theme"], {"theme": r["theme"], "label": r["label"], "counts": {}})
        t["counts"][r["town"]] = r["items"]
    matrix = sorted(themes.values(), key=lambda t: (-len(t["counts"]), -sum(t["counts"].values()), t["label"]))

    group_rows = [r for r in rows_of("theme-groups") if r["town"] in chosen]
    totals = {r["town"]: r["townItems"] for r in group_rows}   # a town's tagged items (each item once)
    for t in matrix:
        t["shares"] = {c: round(100.0 * n / totals[c], 1) for c, n in t["counts"].items() if totals.get(c)}
    groups: dict[str, dict] = {}
    for r in group_rows:
        g = groups.setdefault(r["group"], {"group": r["group"], "label": r["label"], "counts": {}, "shares": {},
                                           "themes": {}})
        g["counts"][r["town"]] = r["items"]
        g["shares"][r["town"]] = r["share"]
        g["themes"][r["town"]] = r["themes"]
    theme_groups = sorted(groups.values(), key=lambda g: (-sum(g["shares"].values()), g["label"]))

    status = [r for r in rows_of("status-distribution") if r["town"] in chosen]
    measurability = [r for r in rows_of("measurability") if r["town"] in chosen]
    return {"towns": [{"code": c, "name": code_names[c], "tagged": totals.get(c, 0)} for c in codes],
            "all_towns": [{"code": c, "name": code_names[c]} for c in every], "max_towns": MAX_TOWNS,
            "matrix": matrix, "theme_groups": theme_groups, "levels": levels,
            "status": status, "measurability": measurability,
            "documents": {d: _doc_label(d, towns_by_doc) for d in towns_by_doc
                          if d in {r["document"] for r in all_levels if r["town"] in chosen}}}


def figures(d: dict) -> dict[str, Markup]:
    docs = d["documents"]
    names = {t["code"]: t["name"] for t in d["towns"]}
    group_labels = [g["label"] for g in d["theme_groups"]]
    town_names = [names[t["code"]] for t in d["towns"]]
    group_values = {(g["label"], names[c]): share for g in d["theme_groups"] for c, share in g["shares"].items()
                    if c in names}
    level_cats = sorted({docs.get(r["document"], r["document"]) for r in d["levels"]})
    level_series = [lv for lv in LEVEL_ORDER if any(r["level"] == lv for r in d["levels"])]
    level_values = {(docs.get(r["document"], r["document"]), r["level"]): r["goals"] for r in d["levels"]}
    out = {"groups": charts.grouped_percent_bars("chart-groups", "Share of the town's tagged items (%)",
                                                 group_labels, town_names, group_values)}
    out["levels"] = (charts.stacked_bars("chart-levels", "Goals per level, per document", level_cats,
                                         level_series, level_values))
    if d["status"]:
        cats = sorted({"%s · %s" % (r["town"], r["reportTitle"]) for r in d["status"]})
        series = [s for s in STATUS_ORDER if any(r["status"] == s for r in d["status"])]
        values = {("%s · %s" % (r["town"], r["reportTitle"]), r["status"]): r["assessments"] for r in d["status"]}
        out["status"] = charts.stacked_bars("chart-status", "Status of assessments per town and report",
                                            cats, series, values)
    measures = ["numeric target", "with baseline", "named owner"]
    m_values, m_cats = {}, []
    for r in d["measurability"]:
        cat = docs.get(r["document"], r["document"])
        m_cats.append(cat)
        goals = r["goals"] or 1
        for m, key in zip(measures, ("numeric", "withBaseline", "withOwner"), strict=True):
            m_values[(cat, m)] = 100.0 * r[key] / goals
    out["measurability"] = charts.grouped_percent_bars("chart-measurability", "Share of goals (%)", m_cats,
                                                       measures, m_values)
    return {k: Markup(v) for k, v in out.items()}   # built from escaped text only (charts.py)


@bp.get("/compare")
@bp.get("/compare.<fmt>")
def compare(fmt: str | None = None) -> Response:
    fmt = choose(fmt, api.FORMATS)
    try:
        d = data(request.args.getlist("town"))
    except TownError as exc:
        return error(400, str(exc), fmt, "town")
    qs = query_suffix()
    alternates = {"html": "/compare.html" + qs, "json": "/compare.json" + qs}
    if fmt == "json":
        return json_response({"ok": True, **d}, alternates=alternates)
    if fmt == "csv":
        abort(404)
    return api.html("api/compare.html", d=d, figures=figures(d), alternates=alternates)


@bp.get("/compare/neighbours")
@bp.get("/compare/neighbours.<fmt>")
def neighbours(fmt: str | None = None) -> Response:
    fmt = choose(fmt, api.FORMATS)
    query = api.registry()["goal-neighbours"]
    args = request.args.to_dict()
    asked_town = args.pop("town", None)   # the page's goal list only; not a parameter of the query
    try:
        page = api.page_argument(query, args)
        bindings = query.bind(args)
    except ParameterError as exc:
        return error(400, str(exc), fmt, exc.param)
    columns, rows = api.run(query, bindings, page)
    rows, links = api.one_page(query, rows, page)
    param = query.param("goal")
    goal = str(bindings[next(iter(bindings))].value) if bindings else (param.default if param else None)
    qs = query_suffix()
    alternates = {"html": "/compare/neighbours.html" + qs, "json": "/compare/neighbours.json" + qs,
                  "csv": "/api/queries/goal-neighbours.csv" + qs}
    # The page's goal list is one town's (the goal's own, or ?town=): every goal of a national corpus
    # would be over the row limit and no use in a <select>.
    town = lookup.resolve_town(asked_town) if asked_town else None
    if asked_town and town is None:
        return error(400, "unknown town %r; towns: %s" % (asked_town, lookup.valid_towns_text()), fmt, "town")
    if fmt in ("json", "csv"):
        return api.table_response(query, columns, rows, fmt, args, 0.0, page=page, links=links)
    towns = [(t.code, t.names.get("fi") or next(iter(t.names.values()), t.code)) for t in lookup.towns()]
    if town is None and goal:
        town = _town_of(goal)
    goals = rows_of("goal-cascade", town=town) if town else []
    options = sorted({(r["goal"], r["label"]) for r in goals}, key=lambda x: x[0])
    by_goal = defaultdict(list)
    for iri, label in options:
        by_goal[iri].append(label)
    resp = api.html("api/neighbours.html", goal=goal, columns=columns, rows=rows, alternates=alternates,
                    options=[(iri, " / ".join(labels)) for iri, labels in by_goal.items()],
                    towns=towns, town=town, page=page, links=links)
    return add_links(resp, links)


def _town_of(goal: str) -> str | None:
    if not lookup.safe_iri(goal):
        return None
    rows = lookup.select("SELECT ?code WHERE { <%s> kk:inPlan/kk:municipality/kk:statisticalCode ?code } LIMIT 1"
                         % goal)
    return rows[0]["code"].value if rows else None
