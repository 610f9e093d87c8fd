"""OpenAPI 3.0 description of the stored-query API, generated from the `#+` headers (never by hand)."""
from __future__ import annotations

from kuntakg import __version__
from kuntakg.queries import MAX_PAGE, StoredQuery

ERROR = {"type": "object", "required": ["ok", "error", "status"],
         "properties": {"ok": {"type": "boolean", "enum": [False]}, "error": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "string"}},
                        "status": {"type": "integer"}, "parameter": {"type": "string"}}}


LANG = {"name": "lang", "in": "query", "required": False,
        "description": "Language of the label columns (x-labels): each label is chosen in this language, else "
                       "fi, sv, en; the `<column>_lang` column gives the language of the label shown.",
        "schema": {"type": "string", "enum": ["fi", "sv", "en"]}}
LINKS = {"type": "object", "description": "URLs of the first, previous and next pages (as in the Link header); "
                                          "no `next`: this is the last page",
         "properties": {rel: {"type": "string"} for rel in ("first", "prev", "next")}}
LINK_HEADER = {"description": 'RFC 8288 links: the answer\'s other formats (rel="alternate") and, for a paginated '
                             'query, its first, prev and next pages', "schema": {"type": "string"}}


def page_parameter(q: StoredQuery) -> dict:
    return {"name": "page", "in": "query", "required": False,
            "description": "Page of the answer, %d rows each (grlc's `pagination`): 1 is the first. The Link "
                           'header\'s rel="next" (and the body\'s `links.next`) names the next page; the last '
                           "page has none." % (q.page_size or 0),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}}


TOWN_NOTE = (" Accepts the statistical code or the name in any language, ignoring case and diacritics "
             "(the enum lists the codes and names); an unknown town is a 400 listing the valid ones.")


def columns(q: StoredQuery) -> dict[str, str]:
    """The JSON columns: x-columns, each x-labels column followed by its ``_lang`` twin."""
    out: dict[str, str] = {}
    for name, meaning in q.columns.items():
        out[name] = meaning
        if name in q.labels:
            out[name + "_lang"] = "language tag of %s (fi, sv, en; empty when untagged)" % name
    return out


def _schema(q: StoredQuery, p, values: dict[str, list[str]]) -> dict:
    schema = p.openapi_schema()
    if p.enum is None and p.name in values and values[p.name]:
        schema = {"type": "string", "enum": list(values[p.name])}
    return schema


def operation(q: StoredQuery, values: dict[str, list[str]] | None = None) -> dict:
    values = values or {}
    cols = columns(q)
    row = {"type": "object", "additionalProperties": False,
           "properties": {name: {"description": meaning, "nullable": True} for name, meaning in cols.items()}}
    properties: dict[str, dict] = {"ok": {"type": "boolean"}, "query": {"type": "string", "enum": [q.name]},
                                   "summary": {"type": "string"},
                                   "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
                                   "columns": {"type": "array", "items": {"type": "string", "enum": list(cols)}},
                                   "rows": {"type": "array", "items": row},
                                   "truncated": {"type": "boolean"}, "query_ms": {"type": "number"},
                                   "cached": {"type": "boolean", "description": "the answer was kept from an earlier "
                                              "call on the same version of the store (query_ms is then the time "
                                              "to find it)"}}
    if q.page_size is not None:
        properties.update(page={"type": "integer", "minimum": 1},
                          page_size={"type": "integer", "enum": [q.page_size]}, links=LINKS)
    result = {"type": "object", "required": ["ok", "query", "columns", "rows"], "properties": properties}
    description = q.description
    if q.questions:
        description += "\n\nResearch questions: " + ", ".join(map(str, q.questions)) + "."
    description += "\n\nColumns:\n" + "\n".join(f"- `{c}`: {m}" for c, m in cols.items())
    description += f"\n\nSPARQL (`queries/{q.path.name}`):\n\n```sparql\n{q.text.strip()}\n```"
    op = {
        "operationId": q.name.replace("-", "_"),
        "summary": q.summary,
        "description": description,
        "tags": q.tags,
        "parameters": [{
            "name": p.name, "in": "query", "required": False,
            "description": ("Required by the query; defaults to %r." % p.default if p.required and p.default
                            else "Optional: omitted, it matches anything.") + f" Type: {p.kind}"
                           + (f" ({p.language})" if p.language else "")
                           + (TOWN_NOTE if p.name == "town" and p.name in values else ""),
            "schema": _schema(q, p, values)} for p in q.params] + ([LANG] if q.relabels else [])
                      + ([page_parameter(q)] if q.page_size is not None else []),
        "responses": {
            "200": {"description": "The rows of the query (JSON, CSV or an HTML table by content negotiation "
                                   "or the .json/.csv/.html suffix).",
                    "headers": {"Link": LINK_HEADER},
                    "content": {"application/json": {"schema": result},
                                "text/csv": {"schema": {"type": "string"}},
                                "text/html": {"schema": {"type": "string"}}}},
            "400": {"description": "A parameter is unknown or its value does not fit; the body names it.",
                    "content": {"application/json": {"schema": ERROR}, "text/html": {"schema": {"type": "string"}},
                                "text/csv": {"schema": {"type": "string"}}}},
            "406": {"description": "No acceptable media type.", "content": {"application/json": {"schema": ERROR}}},
        },
    }
    for key, value in q.extensions.items():
        op[key] = value
    return op


def spec(queries: dict[str, StoredQuery], server_url: str | None = None,
         values: dict[str, list[str]] | None = None) -> dict:
    """The document; ``values`` lists the accepted values of parameters read from the graph (``town``)."""
    tags = sorted({t for q in queries.values() for t in q.tags})
    doc = {
        "openapi": "3.0.3",
        "info": {
            "title": "Kunta-KG stored queries",
            "version": __version__,
            "description": "Research queries over the Kunta-KG knowledge graph of Finnish municipal strategy "
                           "documents. Each operation is a SPARQL file in queries/ with a grlc-style `#+` header; "
                           "parameters are typed and bound safely. Data licence CC BY 4.0.",
            "license": {"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "tags": [{"name": t} for t in tags],
        "paths": {f"/api/queries/{name}": {"get": operation(q, values)} for name, q in sorted(queries.items())},
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
