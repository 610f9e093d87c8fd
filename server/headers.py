"""Security headers on every response (issue 8 security review).

Everything the site runs is served from this host: scripts are files under /static (the JSON blocks of
the query page are data, not scripts), so ``script-src 'self'`` holds. Styles allow 'unsafe-inline'
because YASGUI and the chart SVGs set style attributes; styles cannot run code. Pages must not be
framed (click-jacking) and send no referrer to other hosts (a query text can be in the URL).
"""
from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def secure(response):
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    if response.mimetype in ("text/html", "application/xhtml+xml", "image/svg+xml"):
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


def init_app(app) -> None:
    app.after_request(secure)
