"""Stored queries (queries/*.rq): the `#+` YAML header, BASIL parameters, typed binding.

A file in queries/ is both a Kunta-KG API operation and a valid grlc query (style.md 2.3). The registry
is parsed once (``load_queries``) and fails loudly on a bad header: it never degrades to empty metadata.

Parameters follow the BASIL grammar: ``?_name`` required, ``?__name`` optional, with a suffix for the
type: ``_iri``, ``_integer``, ``_number``, ``_xsd_<type>``, a language (``_fi``, ``_sv``, ``_en``) or none
(a plain string). Values are checked here and become typed pyoxigraph terms, to be bound with the
store's own ``substitutions`` (the raw value is never spliced into the query text; the typed term, as
pyoxigraph serialises it, is also given to the planner as a VALUES block: ``hinted``). pyoxigraph only substitutes
variables of the SELECT projection, so every parameter variable is also projected; its column is
shown under the parameter's name.

``x-columns`` names and explains every projected column. ``x-labels`` (optional) maps a label column to
the column of the item it labels (``{label: item}``), or to null for a language-tagged text that is only
tagged (``{sourceText: null}``): the API adds a ``<column>_lang`` column after each, and chooses the
label of the item in the ``lang`` it is asked for (fallback fi, sv, en).

``pagination: N`` (grlc's key) answers N rows at a time: the API's ``page`` parameter (1, 2, ...) adds
``LIMIT N+1 OFFSET (page-1)*N`` after the query's ORDER BY (required) and the extra row only tells the
API that a next page exists. For questions whose answer grows with the corpus (a goal's neighbours
among every town's goals: 2,449 rows at 10 M quads), so that a call's cost is one page's, not the
corpus's; the query text itself has no LIMIT or OFFSET of its own, and its ORDER BY must order every
row (goal-neighbours ends on the neighbour's IRI), or a row could fall between two pages.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import yaml

XSD = "http://www.w3.org/2001/XMLSchema#"
TAGS = {"goals", "actions", "indicators", "follow-up", "themes", "organisation", "provenance", "bilingual"}
KEYS = {"summary", "description", "tags", "method", "pagination", "defaults", "enumerate", "example"}
FORBIDDEN = {"endpoint", "transform", "endpoint-method"}
PARAM = re.compile(r"\?(__?)([A-Za-z0-9]+)(?:_(iri|integer|number|literal|xsd_[A-Za-z]+|[a-z]{2}))?(?![A-Za-z0-9_])")
IRI_OK = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_STRIP = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                    r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.I)
MAX_TEXT = 200
MAX_PAGE_SIZE = 10_000
MAX_PAGE = 1_000_000


class QueryDefinitionError(ValueError):
    """A stored query file breaks the header grammar (raised at start-up and in tests)."""


class ParameterError(ValueError):
    """A request value for a parameter is missing, unknown or of the wrong type (HTTP 400)."""

    def __init__(self, param: str, message: str):
        super().__init__(f"parameter {param!r}: {message}")
        self.param = param


@dataclass
class Parameter:
    name: str          # the API name, e.g. "town"
    variable: str      # the SPARQL variable without '?', e.g. "__town_iri"
    kind: str          # iri | integer | number | string | lang | xsd
    required: bool
    datatype: str | None = None   # xsd datatype IRI for xsd kinds
    language: str | None = None   # for lang kind
    enum: list[str] | None = None
    default: str | None = None

    def convert(self, raw: str):
        """The request value as a pyoxigraph term; ParameterError when it does not fit."""
        if self.enum is not None and raw not in self.enum:
            raise ParameterError(self.name, f"must be one of {', '.join(self.enum)}")
        if self.kind == "iri":
            if not IRI_OK.match(raw):
                raise ParameterError(self.name, "must be an http(s) IRI without spaces or <>\"{}|\\^`")
            try:
                return ox.NamedNode(raw)
            except ValueError as exc:
                raise ParameterError(self.name, f"invalid IRI: {exc}") from None
        if self.kind == "integer":
            if not re.fullmatch(r"[+-]?[0-9]{1,12}", raw):
                raise ParameterError(self.name, "must be an integer")
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
        if self.kind == "number":
            try:
                value = Decimal(raw)
            except InvalidOperation:
                raise ParameterError(self.name, "must be a number") from None
            if not value.is_finite() or len(raw) > 30:
                raise ParameterError(self.name, "must be a finite number")
            return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
        if len(raw) > MAX_TEXT or any(ord(c) < 32 for c in raw):
            raise ParameterError(self.name, f"must be at most {MAX_TEXT} characters without control characters")
        if self.kind == "lang":
            return ox.Literal(raw, language=self.language)
        if self.kind == "xsd":
            _check_xsd(self, raw)
            assert self.datatype is not None  # every xsd parameter has one
            return ox.Literal(raw, datatype=ox.NamedNode(self.datatype))
        return ox.Literal(raw)

    def openapi_schema(self) -> dict:
        schema: dict = {"type": "string"}
        if self.kind == "integer":
            schema = {"type": "integer", "minimum": -10**12 + 1, "maximum": 10**12 - 1}
        elif self.kind == "number":
            schema = {"type": "number"}
        elif self.kind == "iri":
            schema = {"type": "string", "format": "uri", "pattern": r"^https?://[^\s<>\"{}|\\^`]+$"}
        elif self.kind == "xsd" and self.datatype == XSD + "date":
            schema = {"type": "string", "format": "date"}
        elif self.kind in ("string", "lang", "xsd"):
            schema = {"type": "string", "maxLength": MAX_TEXT, "pattern": "^[^\\x00-\\x1f]*$"}
        if self.enum is not None:
            schema = {"type": "string", "enum": list(self.enum)}
        if self.default is not None:
            schema["default"] = int(self.default) if self.kind == "integer" else self.default
        return schema


def _check_xsd(param: Parameter, raw: str) -> None:
    assert param.datatype is not None  # every xsd parameter has one
    local = param.datatype.removeprefix(XSD)
    try:
        if local == "date":
            dt.date.fromisoformat(raw)
        elif local == "gYear":
            if not re.fullmatch(r"-?[0-9]{4}", raw):
                raise ValueError
        elif local == "boolean":
            if raw not in ("true", "false", "1", "0"):
                raise ValueError
        elif local in ("integer", "int", "long", "positiveInteger", "nonNegativeInteger"):
            int(raw)
        elif local in ("decimal", "double", "float"):
            Decimal(raw)
    except (ValueError, InvalidOperation):
        raise ParameterError(param.name, f"must be an xsd:{local}") from None


def with_values(text: str, bindings: dict) -> str | None:
    """`text` with the bindings as a VALUES block opening its WHERE group: after the line ``WHERE {``, when
    there is exactly one (None otherwise, or without bindings). Terms are serialised by pyoxigraph.
    A subquery whose ``WHERE {`` stands alone on an indented line gets the block too: a subquery is
    evaluated on its own, before the values outside it join (a town's theme groups counted every town's
    items first: 3.6 s at 10 M quads, 48 ms with the block inside); the subquery must project the
    parameters' variables it uses, as a stored query's subqueries do anyway to be joined on them."""
    lines = text.split("\n")
    where = [i for i, line in enumerate(lines) if line.rstrip() == "WHERE {"]
    if not bindings or len(where) != 1:
        return None
    inner = [i for i, line in enumerate(lines) if line.strip() == "WHERE {" and line != line.lstrip()]
    for i in sorted([*where, *inner], reverse=True):
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        lines.insert(i + 1, indent + "  " + values_block(bindings))
    return "\n".join(lines)


def values_block(bindings: dict) -> str:
    """``VALUES (?a ?b) { (term term) }`` of {ox.Variable: term}, the terms serialised by pyoxigraph."""
    names = " ".join(str(v) for v in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return "VALUES (%s) { (%s) }" % (names, terms)


@dataclass
class StoredQuery:
    name: str
    path: Path
    text: str
    form: str                     # SELECT | CONSTRUCT
    summary: str
    description: str
    tags: list[str]
    params: list[Parameter]
    questions: list[int] = field(default_factory=list)
    min_rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    example: str | None = None
    extensions: dict = field(default_factory=dict)   # every x- key, for the OpenAPI operation
    labels: dict[str, str | None] = field(default_factory=dict)  # x-labels: label column -> its item column
    oxigraph_text: str | None = None  # queries/oxigraph/<name>.rq: the same query for Oxigraph's evaluator
    page_size: int | None = None      # `pagination`: rows per page of the API (None: the whole answer)

    @property
    def relabels(self) -> bool:
        """The API's ``lang`` parameter applies: a label column of an item column is declared (``x-labels``)
        and no parameter of the query is called lang. Columns mapped to null only get their language tag."""
        return any(self.labels.values()) and self.param("lang") is None

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.params if p.name == name), None)

    def column_name(self, variable: str) -> str:
        """Display name of a projected variable: a parameter's variable shows as the parameter."""
        for p in self.params:
            if p.variable == variable:
                return p.name
        return variable

    def paged(self, text: str, page: int | None) -> str:
        """``text`` limited to page ``page`` (from 1) and one row more, which tells there is a next page;
        ``text`` itself when the query is not paginated or ``page`` is None (every row)."""
        if self.page_size is None or page is None:
            return text
        return "%s\nLIMIT %d OFFSET %d\n" % (text.rstrip(), self.page_size + 1, (page - 1) * self.page_size)

    def page_number(self, raw: str | None) -> int:
        """The API's ``page`` argument as a number from 1 (1 when absent); ParameterError when it does not
        fit."""
        if raw is None or raw == "":
            return 1
        if not re.fullmatch(r"[0-9]{1,7}", raw) or not 1 <= int(raw) <= MAX_PAGE:
            raise ParameterError("page", "must be a whole number from 1 to %d" % MAX_PAGE)
        return int(raw)

    def hinted(self, bindings: dict, page: int | None = 1) -> str:
        """The query for Oxigraph (its Oxigraph form, when it has one) with its bound parameters also as a
        VALUES block at the start of its WHERE group (:meth:`with_values`). The values are still bound by
        substitution, so the answer is the same; the block tells Oxigraph's planner the values, which
        substitution does not (it binds them after planning): at 10 M quads a town's goal cascade took
        2.2 s, 0.2 s with it."""
        text = self.paged(self.oxigraph_text or self.text, page)
        return with_values(text, bindings) or text

    def for_remote(self, bindings: dict, page: int | None = 1) -> str:
        """The query for a store that cannot bind variables: the values as a VALUES block at the start of
        the WHERE group, or, without a ``WHERE {`` line, after the query. (Virtuoso 7.2 applies a VALUES
        block after an aggregate query wrongly: one town's action owners came back as 1,232 rows of every
        town instead of 4, bilingual completeness 26,135 instead of 0.)"""
        text = self.paged(self.text, page)
        if not bindings:
            return text
        return with_values(text, bindings) or text + "\n" + values_block(bindings) + "\n"

    def bind(self, args: dict[str, str], use_defaults: bool = True) -> dict:
        """Request arguments -> {ox.Variable: term}; ParameterError names the offending parameter."""
        unknown = sorted(set(args) - {p.name for p in self.params})
        if unknown:
            raise ParameterError(unknown[0], "unknown parameter (known: %s)" %
                                 (", ".join(p.name for p in self.params) or "none"))
        bound = {}
        for p in self.params:
            raw = args.get(p.name)
            if raw is None or raw == "":
                if p.required and use_defaults and p.default is not None:
                    raw = p.default
                elif p.required:
                    raise ParameterError(p.name, "required")
                else:
                    continue
            bound[ox.Variable(p.variable)] = p.convert(raw)
        return bound


def parse_header(text: str, path: Path) -> dict:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" ") if line[2:3] == " " else line[2:])
        elif line.strip() == "" and not lines:
            continue
        else:
            break
    if not lines:
        raise QueryDefinitionError(f"{path.name}: no '#+' header at the top")
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        raise QueryDefinitionError(f"{path.name}: the '#+' header is not YAML: {exc}") from None
    if not isinstance(header, dict):
        raise QueryDefinitionError(f"{path.name}: the '#+' header must be a YAML mapping")
    return header


def load_query(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    name = path.stem
    if "." in name or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
        raise QueryDefinitionError(f"{path.name}: the name must be kebab-case ASCII without dots")
    h = parse_header(text, path)
    bad = sorted(k for k in h if k in FORBIDDEN or (k not in KEYS and not str(k).startswith("x-")
                                                      and k != "endpoint_in_url"))
    if bad:
        raise QueryDefinitionError(f"{path.name}: header keys not allowed: {', '.join(map(str, bad))}")
    if "endpoint_in_url" in h and h["endpoint_in_url"] is not False:
        raise QueryDefinitionError(f"{path.name}: endpoint_in_url must be false")
    for key in ("summary", "description", "tags"):
        if not h.get(key):
            raise QueryDefinitionError(f"{path.name}: '{key}' is required")
    summary = str(h["summary"]).strip()
    if "\n" in summary or len(summary) > 80:
        raise QueryDefinitionError(f"{path.name}: summary must be one line of at most 80 characters")
    tags = h["tags"] if isinstance(h["tags"], list) else [h["tags"]]
    if not set(tags) <= TAGS:
        raise QueryDefinitionError(f"{path.name}: unknown tags {sorted(set(tags) - TAGS)}; use {sorted(TAGS)}")
    if h.get("method", "GET") != "GET":
        raise QueryDefinitionError(f"{path.name}: method must be GET")
    body = _STRIP.sub(" ", text)
    form = _FORM.search(body)
    if not form or form.group(1).upper() not in ("SELECT", "CONSTRUCT"):
        raise QueryDefinitionError(f"{path.name}: only SELECT and CONSTRUCT queries are allowed")
    if re.search(r"\b(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP)\b", body, re.I):
        raise QueryDefinitionError(f"{path.name}: SERVICE and updates are not allowed in stored queries")
    page_size = h.get("pagination")
    if page_size is not None:
        if type(page_size) is not int or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise QueryDefinitionError(f"{path.name}: pagination must be a number of rows from 1 to {MAX_PAGE_SIZE}")
        if not re.search(r"\bORDER\s+BY\b", body, re.I):
            raise QueryDefinitionError(f"{path.name}: a paginated query needs ORDER BY")
        if re.search(r"\b(LIMIT|OFFSET)\s+[0-9]+\s*(?:(?:LIMIT|OFFSET)\s+[0-9]+\s*)?$", body, re.I):
            raise QueryDefinitionError(f"{path.name}: a paginated query has no LIMIT or OFFSET of its own")
    defaults = _merge(h.get("defaults"), path, "defaults")
    enums = _merge(h.get("enumerate"), path, "enumerate")
    params = _parameters(body, defaults, enums, path)
    projection = _projection(body)
    for p in params:
        if form.group(1).upper() == "SELECT" and projection is not None and p.variable not in projection:
            raise QueryDefinitionError(f"{path.name}: parameter ?{p.variable} must be in the SELECT projection "
                                       "(pyoxigraph substitutes projected variables only)")
        if p.required and p.default is None:
            raise QueryDefinitionError(f"{path.name}: required parameter {p.name!r} needs a default")
    columns = h.get("x-columns") or {}
    if not isinstance(columns, dict):
        raise QueryDefinitionError(f"{path.name}: x-columns must be a mapping")
    if projection is not None:
        shown = [next((p.name for p in params if p.variable == v), v) for v in projection]
        if set(columns) != set(shown):
            raise QueryDefinitionError(f"{path.name}: x-columns {sorted(columns)} must list the projected "
                                       f"columns {sorted(shown)}")
    labels = h.get("x-labels") or {}
    if not isinstance(labels, dict) or any(k not in columns or (v is not None and v not in columns)
                                            for k, v in labels.items()):
        raise QueryDefinitionError(f"{path.name}: x-labels must map label columns to item columns (or null), "
                                   "both listed in x-columns")
    return StoredQuery(
        labels={str(k): None if v is None else str(v) for k, v in labels.items()},
        name=name, path=path, text=text, form=form.group(1).upper(), summary=summary,
        description=str(h["description"]).strip(), tags=list(tags), params=params,
        questions=[int(q) for q in h.get("x-questions") or []], min_rows=int(h.get("x-min-rows", 0)),
        columns={str(k): str(v) for k, v in columns.items()}, example=h.get("example"),
        extensions={k: v for k, v in h.items() if str(k).startswith("x-")}, page_size=page_size,
    )


def _merge(items, path: Path, key: str) -> dict:
    """grlc writes defaults/enumerate as a list of one-key mappings; accept a mapping too."""
    if items is None:
        return {}
    if isinstance(items, dict):
        items = [items]
    out = {}
    for item in items:
        if not isinstance(item, dict):
            raise QueryDefinitionError(f"{path.name}: '{key}' entries must be 'name: value'")
        out.update(item)
    if key == "enumerate":
        for name, values in out.items():
            if not isinstance(values, list) or not values:
                raise QueryDefinitionError(f"{path.name}: enumerate {name!r} needs an explicit list of values")
            out[name] = [str(v) for v in values]
    return out


def _parameters(body: str, defaults: dict, enums: dict, path: Path) -> list[Parameter]:
    params: dict[str, Parameter] = {}
    for m in PARAM.finditer(body):
        marks, name, suffix = m.group(1), m.group(2), m.group(3)
        variable = m.group(0)[1:]
        if name in params:
            if params[name].variable != variable:
                raise QueryDefinitionError(f"{path.name}: parameter {name!r} is written in two ways")
            continue
        kind, datatype, language = "string", None, None
        if suffix == "iri":
            kind = "iri"
        elif suffix in ("integer", "number"):
            kind = suffix
        elif suffix and suffix.startswith("xsd_"):
            kind, datatype = "xsd", XSD + suffix[4:]
        elif suffix and suffix != "literal":
            kind, language = "lang", suffix
        default = defaults.get(name)
        params[name] = Parameter(name, variable, kind, marks == "_", datatype, language,
                                 enums.get(name), None if default is None else str(default))
    for name in set(defaults) | set(enums):
        if name not in params:
            raise QueryDefinitionError(f"{path.name}: defaults/enumerate name unknown parameter {name!r}")
    for p in params.values():
        if p.default is not None:
            try:
                p.convert(p.default)
            except ParameterError as exc:
                raise QueryDefinitionError(f"{path.name}: bad default: {exc}") from None
    return list(params.values())


def _projection(body: str) -> list[str] | None:
    """Variables of the outer SELECT clause (None for SELECT * or CONSTRUCT)."""
    m = re.search(r"\bSELECT\b(.*?)\b(WHERE|FROM)\b|\bSELECT\b(.*?)\{", body, re.I | re.S)
    if not m:
        return None
    clause = m.group(1) if m.group(1) is not None else m.group(3)
    if clause.strip().startswith("*"):
        return None
    clause = re.sub(r"\bDISTINCT\b|\bREDUCED\b", " ", clause, flags=re.I)
    out, depth = [], 0
    for tok in re.finditer(r"\(|\)|\bAS\s+\?([A-Za-z0-9_]+)|\?([A-Za-z0-9_]+)", clause, re.I):
        if tok.group(0) == "(":
            depth += 1
        elif tok.group(0) == ")":
            depth -= 1
        elif tok.group(1):
            out.append(tok.group(1))
        elif tok.group(2) and depth == 0:
            out.append(tok.group(2))
    return out


ENGINE_FORMS = "oxigraph"  # queries/oxigraph/<name>.rq: the same query written for Oxigraph's evaluator


def load_queries(folder: Path) -> dict[str, StoredQuery]:
    """Every queries/*.rq, by name, with its Oxigraph form where queries/oxigraph/ has one (the header and
    parameters are the stored query's; the form must use the same parameters); raises
    QueryDefinitionError on the first bad file."""
    queries = {p.stem: load_query(p) for p in sorted(folder.glob("*.rq"))}
    for path in sorted((folder / ENGINE_FORMS).glob("*.rq")):
        query = queries.get(path.stem)
        if query is None:
            raise QueryDefinitionError(f"{ENGINE_FORMS}/{path.name}: no stored query {path.stem}.rq")
        text = path.read_text(encoding="utf-8")
        found = {m.group(0)[1:] for m in PARAM.finditer(text)}
        if found != {p.variable for p in query.params}:
            raise QueryDefinitionError(f"{ENGINE_FORMS}/{path.name}: not the parameters of {path.stem}.rq")
        query.oxigraph_text = text
    return queries
