"""Server-side SVG charts for /compare: horizontal stacked bars, nothing else needed.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies); every
segment has a <title> and every chart a <title>/<desc>, and each chart is shown beside its table.
All text is XML-escaped: labels come from the data.
"""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Dark text on the light colours, white on the dark ones (contrast of the in-bar numbers).
_TEXT_ON = {"#0072B2": "#ffffff", "#E69F00": "#000000", "#009E73": "#ffffff", "#CC79A7": "#000000",
            "#56B4E9": "#000000", "#D55E00": "#ffffff", "#F0E442": "#000000", "#000000": "#ffffff"}


def stacked_bars(chart_id: str, title: str, categories: list[str], series: list[str],
                 values: dict[tuple[str, str], float], unit: str = "", max_value: float | None = None,
                 percent: bool = False) -> str:
    """One bar per category, one segment per series; values[(category, series)]."""
    label_w, bar_w, row_h, gap = 260, 420, 26, 8
    totals = [sum(values.get((c, s), 0) for s in series) for c in categories]
    top = max_value if max_value is not None else max(totals + [1])
    legend_rows = (len(series) + 2) // 3
    height = 30 + len(categories) * (row_h + gap) + 20 + legend_rows * 22
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(chart_id)} class="chart" role="img" '
           f'viewBox="0 0 {label_w + bar_w + 70} {height}" width="100%" '
           f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
           f'<title id="{chart_id}-title">{escape(title)}</title>',
           f'<desc id="{chart_id}-desc">Stacked bars; the same numbers are in the table below.</desc>',
           '<style>text{font:12px system-ui,sans-serif;fill:#1a1a1a}</style>']
    y = 20
    for c, total in zip(categories, totals, strict=True):
        out.append(f'<text x="{label_w - 8}" y="{y + row_h * 0.68:.1f}" text-anchor="end">{escape(_short(c))}</text>')
        x = float(label_w)
        for i, s in enumerate(series):
            v = values.get((c, s), 0)
            if not v:
                continue
            w = bar_w * v / top if top else 0
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            shown = f"{v:g}{unit}"
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" fill="{colour}">'
                       f'<title>{escape(c)} · {escape(s)}: {escape(shown)}</title></rect>')
            if w > 24:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + row_h * 0.68:.1f}" text-anchor="middle" '
                           f'style="fill:{_TEXT_ON[colour]}">{escape(shown)}</text>')
            x += w
        if not percent:
            out.append(f'<text x="{x + 6:.1f}" y="{y + row_h * 0.68:.1f}">{total:g}{escape(unit)}</text>')
        y += row_h + gap
    y += 10
    for i, s in enumerate(series):
        lx = label_w + (i % 3) * 150 - 200
        ly = y + (i // 3) * 22
        out.append(f'<rect x="{max(lx, 4)}" y="{ly}" width="14" height="14" fill="{OKABE_ITO[i % len(OKABE_ITO)]}"/>')
        out.append(f'<text x="{max(lx, 4) + 20}" y="{ly + 12}">{escape(_short(s, 24))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def grouped_percent_bars(chart_id: str, title: str, categories: list[str], measures: list[str],
                         values: dict[tuple[str, str], float]) -> str:
    """Per category, one thin bar per measure, each 0-100 %."""
    label_w, bar_w, bar_h, gap = 260, 380, 14, 12
    legend_rows = (len(measures) + 2) // 3
    height = 30 + len(categories) * (len(measures) * (bar_h + 2) + gap) + 8 + legend_rows * 22
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(chart_id)} class="chart" role="img" '
           f'viewBox="0 0 {label_w + bar_w + 80} {height}" width="100%" aria-labelledby="{chart_id}-title">',
           f'<title id="{chart_id}-title">{escape(title)}</title>',
           '<style>text{font:12px system-ui,sans-serif;fill:#1a1a1a}</style>']
    y = 20
    for c in categories:
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h}" text-anchor="end">{escape(_short(c))}</text>')
        for i, m in enumerate(measures):
            v = values.get((c, m), 0.0)
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            out.append(f'<rect x="{label_w}" y="{y}" width="{bar_w * v / 100:.1f}" height="{bar_h}" fill="{colour}">'
                       f'<title>{escape(c)} · {escape(m)}: {v:.1f} %</title></rect>')
            out.append(f'<text x="{label_w + bar_w * v / 100 + 4:.1f}" y="{y + bar_h - 2}">{v:.0f} %</text>')
            y += bar_h + 2
        y += gap
    for i, m in enumerate(measures):   # three to a row, so eight towns stay inside the viewBox
        lx, ly = 8 + (i % 3) * 220, y + 4 + (i // 3) * 22
        out.append(f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{OKABE_ITO[i % len(OKABE_ITO)]}"/>'
                   f'<text x="{lx + 20}" y="{ly + 12}">{escape(_short(m, 30))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _short(text: str, n: int = 38) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
