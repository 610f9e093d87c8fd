"""The one rule for choosing a ``/sparql`` result type from format parameters and ``Accept``.

1. The parameters ``format``, ``output`` and ``results`` all ask for a result type (Virtuoso reads
   ``format``, Fuseki ``output``, others ``results``; SPARQLWrapper sends all three, some twice).
   Each value is a short name (``json``, ``xml``, ``csv``, ``tsv``, ``ttl``/``turtle``, ``nt``,
   ``n3``, ``rdf``/``rdf+xml``, ``jsonld``/``json-ld`` …, see ``RESULT_KEYS`` / ``GRAPH_KEYS`` in
   :mod:`server.media`), a media type, or a comma-separated list of media types (its first type we
   can produce counts).  Empty values are ignored.
2. Values that name the same serialisation are one request, however many and under whichever names.
   A value we cannot produce for the query form → 406 with the supported types; values naming
   different serialisations → 400 naming each parameter and what it names.
3. The ``Accept`` header decides only when it does not accept the parameters' type at all (no
   ``*/*``, no ``type/*``, no exact match with q > 0) and names a type we can produce for the query
   form: then its best type is sent (SPARQLWrapper's ``N3`` with ``Accept: application/n-triples``
   gets N-Triples, as from Oxigraph's server).  Otherwise the parameters' type is sent (a browser's
   ``text/html,…,*/*;q=0.8`` with ``format=csv`` gets CSV).
4. Without format parameters, content negotiation on ``Accept`` (q-values, most specific range wins,
   ties to the server's order); no acceptable type → 406 with the list.
"""
from __future__ import annotations

from ..media import GRAPH_TYPES, RESULT_TYPES, is_graph_form, media_for_format_param, offers_for
from ..response import negotiate


class FormatChoiceError(ValueError):
    """The request's format parameters cannot be served: ``status`` 400 (they disagree) or 406."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def choose_media(params: list[tuple[str, str]], accept: str | None, form: str | None) -> str:
    """The media type to answer with, by the rule in the module docstring.  ``params`` are the
    request's (name, value) pairs of ``FORMAT_PARAMS`` in request order."""
    offers = offers_for(form)
    what = form or "SPARQL"
    named: list[tuple[str, str, str]] = []
    for name, value in params:
        if not value.strip():
            continue
        media = media_for_format_param(value, form)
        if media is None:
            raise FormatChoiceError(406, "unknown %s=%s for a %s query; supported: %s"
                                    % (name, value[:100], what, ", ".join(offers)))
        named.append((name, value, media))
    if not named:
        chosen = negotiate(accept, offers)
        if chosen is None:
            raise FormatChoiceError(406, "none of the accepted types can be produced for a %s query; "
                                         "supported: %s" % (what, ", ".join(offers)))
        return chosen
    table: dict = GRAPH_TYPES if is_graph_form(form) else RESULT_TYPES
    if len({table[m][0] for _, _, m in named}) > 1:
        raise FormatChoiceError(400, "the format parameters disagree: %s; send one result type (the same "
                                     "one under each name)" % ", ".join(
                                         "%s=%s names %s" % (n, v[:100], m) for n, v, m in named))
    media = named[0][2]
    if negotiate(accept, [media]) is None:  # Accept rules the parameters' type out
        preferred = negotiate(accept, offers)
        if preferred is not None:
            return preferred
    return media
