"""OpenAPI 3.0 description of the stored-query API, generated from the `#+` headers (never by hand)."""
from __future__ import annotations

from kuntakg import __version__
from kuntakg.queries import StoredQuery

ERROR = {"type": "object", "required": ["ok", "error", "status"],
         "properties": {"ok": {"type": "boolean", "enum": [False]}, "error": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "string"}},
                        "status": {"type": "integer"}, "parameter": {"type": "string"}}}


def operation(q: StoredQuery) -> dict:
    row = {"type": "object", "additionalProperties": False,
           "properties": {name: {"description": meaning, "nullable": True} for name, meaning in q.columns.items()}}
    result = {"type": "object", "required": ["ok", "query", "columns", "rows"],
              "properties": {"ok": {"type": "boolean"}, "query": {"type": "string", "enum": [q.name]},
                             "summary": {"type": "string"},
                             "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
                             "columns": {"type": "array", "items": {"type": "string", "enum": list(q.columns)}},
                             "rows": {"type": "array", "items": row},
                             "truncated": {"type": "boolean"}, "query_ms": {"type": "number"}}}
    description = q.description
    if q.questions:
        description += "\n\nResearch questions: " + ", ".join(map(str, q.questions)) + "."
    description += "\n\nColumns:\n" + "\n".join(f"- `{c}`: {m}" for c, m in q.columns.items())
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
                           + (f" ({p.language})" if p.language else ""),
            "schema": p.openapi_schema()} for p in q.params],
        "responses": {
            "200": {"description": "The rows of the query (JSON, CSV or an HTML table by content negotiation "
                                   "or the .json/.csv/.html suffix).",
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


def spec(queries: dict[str, StoredQuery], server_url: str | None = None) -> dict:
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
        "paths": {f"/api/queries/{name}": {"get": operation(q)} for name, q in sorted(queries.items())},
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
