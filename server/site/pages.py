"""Blueprint ``pages``: home, search, downloads, the dataset description and the query editor.

Every page has twins by suffix (``/index.json``, ``/search.json``/``.csv``, ``/downloads/index.json``,
``/.well-known/void.ttl`` …) and by ``Accept``.
"""
from __future__ import annotations

import base64
import hashlib
import io

from flask import Blueprint, Response, abort, current_app, request, send_file

from kuntakg.namespaces import PREFIXES

from ..registry import editor_text, stored_queries
from ..response import PAGE_VARY, choose, finish, page, rdf, twin_urls
from . import dataset, guide, i18n, overview

bp = Blueprint("pages", __name__)


@bp.get("/")
@bp.get("/index.<fmt>")
def home(fmt: str | None = None):
    offers = ["html", "json"]
    fmt = choose(fmt, offers)
    data = overview.home()
    data["queries"] = [{"name": q.name, "summary": q.summary} for q in stored_queries().values()][:6]
    return page("home.html", data, fmt, twin_urls("/index", offers), location="/index." + fmt)


@bp.get("/search")
@bp.get("/search.<fmt>")
def search(fmt: str | None = None):
    offers = ["html", "json", "csv"]
    q = request.args.get("q", "")
    fmt = choose(fmt, offers)
    results = overview.search(q) if q else []
    data = {"q": q, "results": results}
    rows = [[r["iri"], r["link"].text, r["link"].lang or "", r["match"], r["match_lang"] or "", r["match_field"],
             r["source"] or "", r["score"], " ".join(r["types"])] for r in results]
    return page("search.html", data, fmt, twin_urls("/search", offers, {"q": q} if q else None),
                csv_rows=(["iri", "label", "label_lang", "match", "match_lang", "match_field", "source", "score",
                           "types"], rows))


# ------------------------------------------------------------------ downloads

@bp.get("/downloads/")
@bp.get("/downloads/index.<fmt>")
def downloads(fmt: str | None = None):
    offers = ["html", "json", "csv"]
    fmt = choose(fmt, offers)
    files = dataset.dumps()
    tables = dataset.exports()
    rows = [[f["name"], f["media_type"], f["bytes"], f["sha256"], f["gz_name"], f["gz_bytes"], f["gz_sha256"]]
            for f in files]
    rows += [["exports/" + f["name"], f["media_type"], f["bytes"], f["sha256"], "", "", ""] for f in tables]
    return page("downloads.html", {"files": files, "exports": tables}, fmt, twin_urls("/downloads/index", offers),
                csv_rows=(["file", "media_type", "bytes", "sha256", "gzip_file", "gzip_bytes", "gzip_sha256"], rows))


@bp.get("/downloads/SHA256SUMS")
def checksums():
    return finish(Response(dataset.sha256sums(), 200, content_type="text/plain; charset=utf-8"), vary=PAGE_VARY)


@bp.get("/downloads/exports/<path:name>")
def export_file(name: str):
    """A tidy table of the build (CSV, XLSX) or its data dictionary: only files its manifest lists."""
    files = {f["name"]: f for f in dataset.exports()}
    folder = dataset.dist_dir()
    if name not in files or folder is None:
        abort(404)
    f = files[name]
    resp = send_file(folder / "exports" / name, mimetype=f["media_type"], conditional=True, etag=f["sha256"][:32],
                     as_attachment=not name.endswith(".json"), download_name=name.replace("/", "-"))
    resp.headers["Digest"] = "sha-256=" + _b64(bytes.fromhex(f["sha256"]))
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return finish(resp, vary=PAGE_VARY)


@bp.get("/downloads/<name>")
def download(name: str):
    files = {f["name"]: f for f in dataset.dumps()}
    gz = name.endswith(".gz")
    plain = name[:-3] if gz else name
    if plain not in files:  # only the build's dumps, never any other path
        abort(404)
    folder = dataset.dist_dir()
    if folder is None:
        abort(404)
    path = folder / plain  # absolute: settings resolve DIST_DIR / KUNTAKG_DATA at app creation
    if gz:
        body = dataset.gzipped(path)
        resp = send_file(io.BytesIO(body), mimetype="application/gzip", as_attachment=True, download_name=name,
                         last_modified=path.stat().st_mtime, etag=hashlib.sha256(body).hexdigest()[:32],
                         conditional=True)
    else:
        resp = send_file(path, mimetype=files[plain]["media_type"], as_attachment=False, conditional=True,
                         etag=files[plain]["sha256"][:32])
    resp.headers["Digest"] = "sha-256=" + _b64(bytes.fromhex(files[plain]["gz_sha256" if gz else "sha256"]))
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return finish(resp, vary=PAGE_VARY)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ------------------------------------------------------------------ VoID / DCAT-AP

@bp.get("/.well-known/void")
@bp.get("/.well-known/void.<fmt>")
def void(fmt: str | None = None):
    offers = ["ttl", "html", "nt", "jsonld", "rdf"]
    alternates = twin_urls("/.well-known/void", offers)
    fmt = choose(fmt, offers)
    if fmt == "html":
        ttl = dataset.serialize("ttl").decode("utf-8")
        return page("void.html", {"turtle": ttl, "files": dataset.dumps()}, "html", alternates,
                    location=alternates["html"])
    return rdf(dataset.serialize(fmt), fmt, alternates, alternates[fmt])


# ------------------------------------------------------------------ query editor

@bp.get("/query")
@bp.get("/query.<fmt>")
def query_editor(fmt: str | None = None):
    offers = ["html", "json"]
    fmt = choose(fmt, offers)
    items = [{"name": q.name, "summary": q.summary, "query": editor_text(q)} for q in stored_queries().values()]
    return page("query.html", {"queries": items, "prefixes": dict(PREFIXES)}, fmt,
                twin_urls("/query", offers))


@bp.get("/guide")
@bp.get("/guide.<fmt>")
def guide_page(fmt: str | None = None):
    """The vocabulary guide (``server/site/guide.py``; docs/guide.md)."""
    offers = ["html", "json"]
    fmt = choose(fmt, offers)
    return page("guide.html", guide.data(i18n.lang()), fmt, twin_urls("/guide", offers))


@bp.get("/guide/diagram-<lang>.svg")
def guide_diagram(lang: str):
    """The diagram the build drew from the ontology (``kuntakg/guide.py``), one per language."""
    path = guide.diagram_file(lang)
    if path is None:
        abort(404)
    resp = send_file(path, mimetype="image/svg+xml", conditional=True,
                     etag=hashlib.sha256(path.read_bytes()).hexdigest()[:32])
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return finish(resp, vary=PAGE_VARY)


@bp.get("/about")
@bp.get("/about.<fmt>")
def about(fmt: str | None = None):
    offers = ["html", "json"]
    fmt = choose(fmt, offers)
    data = {"fallback": i18n.FALLBACK, "licence": "https://creativecommons.org/licenses/by/4.0/",
            "code_licence": "MIT", "base": current_app.config["LD_BASE"], "citation": dataset.citation()}
    return page("about.html", data, fmt, twin_urls("/about", offers))
