"""The vocabulary guide's diagram: the main classes and the links between them, drawn from the ontology.

A fixed set of main classes is laid out on a grid (:data:`LAYOUT`); every edge is read from the ontology:
an arrow for each ``owl:ObjectProperty`` whose ``rdfs:domain`` and ``rdfs:range`` are both on the grid
(properties between the same two classes share one arrow), a hollow-headed arrow for each
``rdfs:subClassOf`` between two ``kk:`` classes on it, a loop for a property from a class to itself, and a short
arrow from above for a property with a range on the grid but no domain (it is used on several classes).
So a property added to or removed from the ontology appears in or disappears from the diagram at the
next build. No layout engine, no outside requests: plain SVG, one file per language
(``guide-<lang>.svg`` in ``dist/``), deterministic for the same ontology.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, TIME

from .namespaces import KK, PREFIXES

LANGUAGES = ("fi", "sv", "en")
# (column, row) of each main class on the grid
LAYOUT: dict[URIRef, tuple[int, int]] = {
    KK.Municipality: (0, 0), KK.PlanDocument: (1, 0), KK.Plan: (2, 0), KK.ProgressReport: (3, 0),
    KK.StrategicTheme: (1, 1), KK.PlanElement: (2, 1), KK.StatusAssessment: (3, 1), TIME.ProperInterval: (4, 1),
    KK.Action: (1, 2), KK.Indicator: (2, 2), KK.Goal: (3, 2),
    KK.ResponsibleParty: (0, 3), KK.Target: (3, 3), SKOS.Concept: (4, 3),
}
BOX_W, BOX_H, COL, ROW, MARGIN_X, MARGIN_TOP = 184, 46, 280, 128, 24, 70
OTHER_LABELS = {TIME.ProperInterval: {"fi": "aikaväli", "sv": "tidsintervall", "en": "time interval"},
                SKOS.Concept: {"fi": "koodiston käsite", "sv": "kodbegrepp", "en": "code-list concept"}}


@dataclass(frozen=True)
class Edge:
    source: URIRef | None  # None: a property without a domain
    target: URIRef
    properties: tuple[str, ...]  # CURIEs
    kind: str  # "property", "subclass" or "loop"


def curie(iri: URIRef | str) -> str:
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def edges(ontology: Graph) -> list[Edge]:
    """The diagram's edges, read from the ontology (sorted, so the drawing is deterministic)."""
    on_grid = set(LAYOUT)
    grouped: dict[tuple[URIRef | None, URIRef], list[str]] = {}
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if not isinstance(prop, URIRef):
            continue
        ranges = [r for r in ontology.objects(prop, RDFS.range) if isinstance(r, URIRef) and r in on_grid]
        domains = list(ontology.objects(prop, RDFS.domain))
        for rng in ranges:
            if not domains:
                grouped.setdefault((None, rng), []).append(curie(prop))
            for dom in domains:
                if isinstance(dom, URIRef) and dom in on_grid:
                    grouped.setdefault((dom, rng), []).append(curie(prop))
    out = [Edge(src, dst, tuple(sorted(props)), "loop" if src == dst else "property")
           for (src, dst), props in grouped.items()]
    for sub in on_grid:
        for sup in ontology.objects(sub, RDFS.subClassOf):
            if isinstance(sup, URIRef) and sup in on_grid and sup != sub and sup.startswith(str(KK)):  # kk: only
                out.append(Edge(sub, sup, ("rdfs:subClassOf",), "subclass"))
    return sorted(out, key=lambda e: (e.kind, str(e.source), str(e.target), e.properties))


def _label(ontology: Graph, cls: URIRef, lang: str) -> str:
    for label in ontology.objects(cls, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return OTHER_LABELS.get(cls, {}).get(lang, "")


def _centre(cls: URIRef) -> tuple[float, float]:
    col, row = LAYOUT[cls]
    return MARGIN_X + col * COL + BOX_W / 2, MARGIN_TOP + row * ROW + BOX_H / 2


def _border(cx: float, cy: float, dx: float, dy: float) -> tuple[float, float]:
    """Where the ray from a box's centre in direction (dx, dy) leaves the box."""
    scale = min((BOX_W / 2) / abs(dx) if dx else math.inf, (BOX_H / 2) / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def _text(x: float, y: float, text: str, cls: str, anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'


def svg(ontology: Graph, lang: str) -> str:
    """The diagram as a standalone SVG document, class names in ``lang``."""
    width = MARGIN_X * 2 + (max(c for c, _ in LAYOUT.values()) * COL) + BOX_W
    height = MARGIN_TOP + max(r for _, r in LAYOUT.values()) * ROW + BOX_H + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-labelledby="guide-diagram-title" font-family="sans-serif">',
             f'<title id="guide-diagram-title">{escape(_TITLE[lang])}</title>',
             "<style>.box{fill:#f4f7fb;stroke:#2a5b8c;stroke-width:1.5}.curie{font-size:13px;font-weight:bold;"
             "fill:#10243a}.label{font-size:11px;fill:#38506a}.edge{stroke:#555;stroke-width:1.3;fill:none}"
             ".sub{stroke:#999;stroke-dasharray:5 3}.prop{font-size:10.5px;fill:#7a2e0e;paint-order:stroke;"
             "stroke:#fff;stroke-width:3px}</style>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
             '<marker id="hollow" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="11" markerHeight="11" '
             'orient="auto"><path d="M0,0 L12,6 L0,12 z" fill="#fff" stroke="#999"/></marker></defs>']
    labels: list[str] = []
    all_edges = edges(ontology)
    pairs = {(e.source, e.target) for e in all_edges}
    for e in all_edges:
        props = ", ".join(e.properties)  # loops and stubs: one line
        if e.kind == "loop":  # on the box's top left corner
            cx, cy = _centre(e.target)
            left, top = cx - BOX_W / 2, cy - BOX_H / 2
            parts.append(f'<path class="edge" d="M{left + 30:.1f},{top:.1f} C{left + 24:.1f},{top - 44:.1f} '
                         f'{left - 40:.1f},{top - 20:.1f} {left:.1f},{top + 12:.1f}" marker-end="url(#arrow)"/>')
            labels.append(_text(left - 8, top - 30, props, "prop", "end"))
            continue
        if e.source is None:
            cx, cy = _centre(e.target)
            top = cy - BOX_H / 2
            parts.append(f'<line class="edge" x1="{cx:.1f}" y1="{top - 40:.1f}" x2="{cx:.1f}" y2="{top:.1f}" '
                         'marker-end="url(#arrow)"/>')
            labels.append(_text(cx + 6, top - 26, props, "prop", "start"))
            continue
        (sx, sy), (tx, ty) = _centre(e.source), _centre(e.target)
        dx, dy = tx - sx, ty - sy
        length = math.hypot(dx, dy)
        # two edges between the same classes in opposite directions: move both apart a little
        off = 7.0 if (e.target, e.source) in pairs else 0.0
        ox, oy = -dy / length * off, dx / length * off
        x0, y0 = _border(sx, sy, dx, dy)
        x1, y1 = _border(tx, ty, -dx, -dy)
        x0, y0, x1, y1 = x0 + ox, y0 + oy, x1 + ox, y1 + oy
        if e.kind == "subclass":
            parts.append(f'<line class="edge sub" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                         'marker-end="url(#hollow)"/>')
            continue
        parts.append(f'<line class="edge" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                     'marker-end="url(#arrow)"/>')
        # the label: above a horizontal arrow, beside any other, one property a line; on a diagonal near
        # its upper end (a fifth of a downward arrow, 70 % of an upward one), where crossing arrows part
        t = 0.5 if dx == 0 or dy == 0 else (0.2 if dy > 0 else 0.7)
        mx, my = x0 + (x1 - x0) * t + ox * 1.6, y0 + (y1 - y0) * t + oy * 1.6
        if dy == 0:
            for i, prop in enumerate(reversed(e.properties)):
                labels.append(_text(mx, my - 5 - 12 * i, prop, "prop"))
        else:
            for i, prop in enumerate(e.properties):
                labels.append(_text(mx + 5, my + 4 + 12 * i, prop, "prop", "start"))
    for cls in sorted(LAYOUT, key=str):
        cx, cy = _centre(cls)
        parts.append(f'<g class="class" data-iri="{escape(str(cls))}"><rect class="box" x="{cx - BOX_W / 2:.1f}" '
                     f'y="{cy - BOX_H / 2:.1f}" width="{BOX_W}" height="{BOX_H}" rx="6"/>')
        parts.append(_text(cx, cy - 4, curie(cls), "curie"))
        parts.append(_text(cx, cy + 13, _label(ontology, cls, lang), "label") + "</g>")
    parts.extend(labels)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


_TITLE = {"fi": "Kunta-KG:n pääluokat ja niiden väliset linkit",
          "sv": "Kunta-KG:s huvudklasser och länkarna mellan dem",
          "en": "The main classes of Kunta-KG and the links between them"}


def write_diagrams(ontology: Graph, out: Path) -> list[Path]:
    """``guide-<lang>.svg`` for every language into ``out``."""
    paths = []
    for lang in LANGUAGES:
        path = out / f"guide-{lang}.svg"
        path.write_text(svg(ontology, lang), encoding="utf-8")
        paths.append(path)
    return paths
