"""The indicators and targets sheets."""
from __future__ import annotations

from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from ..namespaces import KK
from .cells import Mapper
from .schema import Row


def map_indicators(m: Mapper, s, row: Row) -> None:
    m.e.add(s, RDF.type, KK.Indicator, row, "id")
    m.text(s, SKOS.prefLabel, row, "label")
    m.text(s, DCTERMS.description, row, "description")
    m.codes(s, KK.indicatorKind, row, "kind")
    elements = m.resolve(row, "measures")
    if not elements and row.get("measures"):
        return
    for element in elements:
        m.e.add(element, KK.hasIndicator, s, row, "measures")


def map_targets(m: Mapper, s, row: Row) -> None:
    add = m.e.add
    add(s, RDF.type, KK.Target, row, "id")
    for indicator in m.resolve(row, "indicator"):
        add(indicator, KK.hasTarget, s, row, "indicator")
    m.typed(s, KK.targetValue, row, "value", XSD.decimal)
    m.typed(s, KK.baselineValue, row, "baseline_value", XSD.decimal)
    m.codes(s, KK.unit, row, "unit")
    m.codes(s, KK.comparison, row, "comparison")
    m.codes(s, KK.ratePeriod, row, "per")
    for prop, start, end in ((KK.baselinePeriod, "baseline_start", "baseline_end"),
                             (KK.targetPeriod, "target_start", "target_end")):
        period = m.period(row, start, end)
        if period is not None:
            add(s, prop, period, row, start)
    m.text(s, KK.nonNumericTarget, row, "non_numeric")
