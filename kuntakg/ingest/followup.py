"""Follow-up: the reports and assessments sheets (status by override or by the cue-word rules)."""
from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from ..namespaces import KK, code
from ..status import classify
from .cells import DAY, YEAR, Mapper, calendar_day, day_of
from .schema import Row


def map_reports(m: Mapper, s, row: Row) -> None:
    add = m.e.add
    add(s, RDF.type, KK.ProgressReport, row, "id")
    m.text(s, DCTERMS.title, row, "title")
    m.typed(s, DCTERMS.issued, row, "issued", XSD.date)
    add(s, KK.reportsOn, m.minter.plan(m.doc_id), row, "id")
    add(s, DCTERMS.isPartOf, m.minter.document(m.doc_id), row, "id")
    period = m.period(row, "period_start", "period_end")
    if period is not None:
        add(s, KK.reportingPeriod, period, row, "period_start")


def map_assessments(m: Mapper, s, row: Row) -> None:
    add = m.e.add
    add(s, RDF.type, KK.StatusAssessment, row, "id")
    m.refs(s, KK.inReport, row, "report")
    m.refs(s, KK.about, row, "about")
    m.text(s, KK.statusText, row, "text")
    m.refs(s, KK.reportSection, row, "section")
    m.refs(s, KK.reportTableGoal, row, "table_goal")
    found = classify(row.get("text"), m.lang, m.status_rules)
    if row.get("status"):
        # the reviewed status; the rules decided it too when they read the same
        m.codes(s, KK.status, row, "status")
        how = "rule" if found.status == row.get("status").strip() else "override"
        add(s, KK.statusDerivation, code("status-derivation", how), row, "status")
    elif found.status:
        add(s, KK.status, code("status", found.status), row, "text")
        add(s, KK.statusDerivation, code("status-derivation", "rule"), row, "text")
    else:
        m.e.error(row, "status", "no cue-word rule classifies this text; set the status by hand")
    if row.get("reason"):
        m.codes(s, KK.reason, row, "reason")
    else:
        for reason in found.reasons:
            add(s, KK.reason, code("reason", reason), row, "text")
    if row.get("date"):
        m.typed(s, DCTERMS.date, row, "date", XSD.date)
    else:
        report_date(m, s, row)


def report_date(m: Mapper, s, row: Row) -> None:
    report_id = row.get("report")
    report_row = next((r for r in m.tables.get("reports", []) if r.get("id") == report_id), None)
    if report_row is None:
        return
    day = report_row.get("issued") or report_row.get("period_end")
    if not calendar_day(day_of(day, first=True)):
        return  # the report's own row is reported for it; the assessment just gets no date
    if DAY.match(day):
        m.e.add(s, DCTERMS.date, Literal(day, datatype=XSD.date), row, "date")
    elif YEAR.match(day):
        m.e.add(s, DCTERMS.date, Literal(f"{day}-12-31", datatype=XSD.date), row, "date")
