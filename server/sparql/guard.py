"""Refuse SPARQL requests a public read-only endpoint must not run.

The engine (pyoxigraph) executes ``SERVICE`` (outgoing HTTP to any URL) and
``LOAD``, and has no switch to turn them off, so queries are checked here
before they reach any store.  The check works on the query's *tokens*:
strings (all four quote styles), IRIs, comments, prefixed names and
variables are recognised, so a literal ``"SERVICE"``, ``<http://x/SERVICE>``,
``ex:service`` or ``?service`` is fine, while the keyword ``SERVICE`` in any
letter case is not, nor is any bare word or prefix name that contains it
(the engine's parser needs no word boundary around a keyword, so
``SERVICESILENT<…>``, ``SERVICEex:x`` and ``?s ?p trueSERVICE<…>{}`` are
SERVICE calls to it; the price is that a prefix named e.g. ``service:`` is
refused too).  Unterminated strings
are refused, which also keeps the tokenizer linear on hostile input.  It is
not a SPARQL parser (rdflib's takes ~50 ms and
rejects syntax pyoxigraph accepts); the engine reports syntax errors itself.

The engine's parser and evaluator recurse, so the same tokens also bound the
query's nesting (brackets) and its length in operators and graph patterns
(:func:`_check_length`): a query past them is refused with 400 instead of
crashing a query worker.

SPARQL 1.1 (§19.2) lets ``\\uXXXX`` escapes appear anywhere and some engines
decode them before parsing, so the tokens of the decoded text are checked as
well (``\\u0053ERVICE`` is refused even though pyoxigraph would reject it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kuntakg.namespaces import PREFIXES

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE",
                             "ADD", "MOVE", "COPY", "WITH", "USING"})

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"
              |'(?:[^'\\\n\r]|\\.)*')
  | (?P<badstring>\"\"\"[\s\S]*|'''[\s\S]*|"[^\n\r]*|'[^\n\r]*)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:
               (?:(?:[\w:%\u00b7\u00c0-\uffff]|\\.)(?:[\w:%\-.\u00b7\u00c0-\uffff]|\\.)*)?)
  | (?P<bnode>_:\w[\w.\-]*)
  | (?P<word>[A-Za-z_\u00c0-\uffff][\w\-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


# pyoxigraph's parser recurses on nesting and a deep enough query overflows its stack, killing the
# process (measured: 2,000 levels parse, 3,000 abort). Real queries nest a few tens of levels.
MAX_NESTING = 500

# The engine also recurses on long *flat* chains, which no bracket shows: measured with an 8 MiB
# stack, a worker crashed on `1+1+…` with 8,000 terms, 16,000 `||`, `!` or path `|`, 4,000 MINUS or
# BIND, 8,000 UNION, 16,000 FILTER and on 10,000 triple patterns or a 40,000-step path (those last
# two, and OPTIONAL, already take minutes to plan from a few hundred on). Query workers run on a
# 64 MiB stack (server.worker.QUERY_STACK_BYTES); these bounds stay at half the 8 MiB crash points.
MAX_OPERATORS = 4000
MAX_PATTERNS = 1000
_OPERATOR_CHARS = frozenset("+-*/|^!=<>&")
_PAIRS = frozenset({"&&", "||", "!=", "<=", ">="})  # one operator written with two symbols
_PATTERN_KEYWORDS = frozenset({"OPTIONAL", "MINUS", "UNION", "FILTER", "BIND", "GRAPH", "VALUES", "EXISTS",
                               "SERVICE"})

_SERVICE_REFUSED = ("SERVICE is not allowed on this endpoint (federated queries would make it send "
                    "requests elsewhere)")


class Refused(Exception):
    """The request is refused; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class QueryInfo:
    form: str | None  # SELECT | ASK | CONSTRUCT | DESCRIBE, None if not found
    services: list[str] = field(default_factory=list)  # SERVICE IRIs (allow-listed)
    has_from: bool = False  # FROM / FROM NAMED: the query names its own dataset
    from_default: list[str] = field(default_factory=list)  # FROM IRIs (absolute ones)
    from_named: list[str] = field(default_factory=list)    # FROM NAMED IRIs
    from_resolved: bool = True  # every FROM IRI was absolute or a known prefixed name


def tokens(text: str):
    """Yield (kind, value) for every significant token (no whitespace/comments)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        yield kind, m.group()


def _decode_escapes(text: str) -> str:
    def repl(m):
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group()
    return _UESCAPE.sub(repl, text)


def _scan(text: str, allowlist: frozenset[str]) -> QueryInfo:
    toks = list(tokens(text))
    if any(kind == "badstring" for kind, _ in toks):
        # an unterminated string: the engine rejects it too; refusing here also keeps the
        # tokenizer linear (no rescan of the rest of the text from every later quote)
        raise Refused("SPARQL syntax error: unterminated string literal", 400)
    _check_nesting(toks)
    _check_length(toks)
    prefixes: dict[str, str] = {}
    form = None
    services = []
    has_from = False
    from_default: list[str] = []
    from_named: list[str] = []
    resolved = True
    for i, (kind, value) in enumerate(toks):
        if kind == "pname" and "SERVICE" in value.partition(":")[0].upper():
            # pyoxigraph's parser needs no word boundary around keywords: `SERVICEex:x {…}`,
            # `SERVICE:x {…}` and `?s ?p trueSERVICEex:x {…}` all run as SERVICE calls
            raise Refused(_SERVICE_REFUSED + "; a prefix whose name contains 'service' counts as one "
                          "(rename the prefix)", 400)
        if kind != "word":
            continue
        word = value.upper()
        if word != "SERVICE" and "SERVICE" in word:
            # `SERVICESILENT<…>`, `?s ?p trueSERVICE<…>{…}`, `1e5SERVICE<…>{…}` are SERVICE calls too
            raise Refused(_SERVICE_REFUSED, 400)
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
            prefixes[toks[i + 1][1].rstrip(":")] = toks[i + 2][1][1:-1]
        elif word == "FROM":
            has_from = True
            j = i + 1
            named = j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "NAMED"
            iri = _service_iri(toks[j + named] if j + named < len(toks) else None, prefixes)
            if iri is None or ":" not in iri:
                resolved = False
            else:
                (from_named if named else from_default).append(iri)
        elif word in QUERY_FORMS and form is None:
            form = word
        elif word in UPDATE_KEYWORDS and form is None:
            raise Refused("SPARQL Update (%s) is not allowed: this endpoint is read-only" % word, 403)
        elif word == "LOAD":
            raise Refused("LOAD is not allowed: this endpoint is read-only", 403)
        elif word == "SERVICE":
            j = i + 1
            if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "SILENT":
                j += 1
            target = _service_iri(toks[j] if j < len(toks) else None, prefixes)
            if target is None or target not in allowlist:
                raise Refused("SERVICE is not allowed on this endpoint (federated queries would make it "
                              "send requests elsewhere)%s" % (
                                  "" if not allowlist else "; allowed services: " + ", ".join(sorted(allowlist))),
                              400)
            services.append(target)
    return QueryInfo(form, services, has_from, from_default, from_named, resolved)


def _check_nesting(toks) -> None:
    depth = 0
    for kind, value in toks:
        if kind == "other" and value in "{([":
            depth += 1
            if depth > MAX_NESTING:
                raise Refused("query nested too deeply (more than %d levels of brackets)" % MAX_NESTING, 400)
        elif kind == "other" and value in "})]":
            depth -= 1


def _check_length(toks) -> None:
    """Bound the chains the engine recurses on: operators (expression and path) and graph patterns
    (triple patterns, counted by their separators `.` `;` `,`, and the keywords that open a pattern).
    A lexical count on the tokens, not a parse: `,` inside parentheses (function arguments, IN lists)
    and the point of a decimal number do not count."""
    operators = patterns = 0
    open_brackets: list[str] = []
    prev = ""
    for i, (kind, value) in enumerate(toks):
        if kind == "other":
            if value in "({[":
                open_brackets.append(value)
            elif value in ")}]":
                if open_brackets:
                    open_brackets.pop()
            elif value in _OPERATOR_CHARS:
                if prev + value not in _PAIRS:
                    operators += 1
            elif value in ".;," and not (value == "," and open_brackets and open_brackets[-1] == "("):
                decimal = value == "." and prev.isdigit() and i + 1 < len(toks) and toks[i + 1][1][:1].isdigit()
                if not decimal:
                    patterns += 1
            prev = value
        else:
            prev = ""
            if kind == "word" and value.upper() in _PATTERN_KEYWORDS:
                patterns += 1
        if operators > MAX_OPERATORS:
            raise Refused("query too long for the engine: more than %s operators (+ - * / = < > ! && || and the "
                          "path operators / | ^); shorten it, e.g. with IN (…) or VALUES" % format(MAX_OPERATORS, ","),
                          400)
        if patterns > MAX_PATTERNS:
            raise Refused("query too long for the engine: more than %s graph patterns (triple patterns and "
                          "OPTIONAL, MINUS, UNION, FILTER, BIND, GRAPH, VALUES, EXISTS); split it into several "
                          "queries" % format(MAX_PATTERNS, ","), 400)


# vocabularies the graph uses besides kuntakg.namespaces.PREFIXES (theme tags, the dataset description)
KNOWN_PREFIXES = {**PREFIXES, "oa": "http://www.w3.org/ns/oa#", "dcat": "http://www.w3.org/ns/dcat#",
                  "void": "http://rdfs.org/ns/void#", "sh": "http://www.w3.org/ns/shacl#"}


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes the query uses in prefixed names without declaring them (in order of first use)."""
    declared: set[str] = set()
    used: list[str] = []
    toks = list(tokens(text))
    for i, (kind, value) in enumerate(toks):
        if kind == "word" and value.upper() == "PREFIX" and i + 1 < len(toks) and toks[i + 1][0] == "pname":
            declared.add(toks[i + 1][1].partition(":")[0])
        elif kind == "pname" and not (i > 0 and toks[i - 1][0] == "word" and toks[i - 1][1].upper() == "PREFIX"):
            prefix = value.partition(":")[0]
            if prefix not in declared and prefix not in used:
                used.append(prefix)
    return used


def explain_prefix_error(text: str, message: str) -> str:
    """The engine's "Prefix not found" (a dump of its parser's character classes) as "unknown prefix kk:"
    with the PREFIX line to add, for the vocabularies the graph uses; other messages are returned as given."""
    if "Prefix not found" not in message:
        return message
    missing = undeclared_prefixes(text)
    if not missing:
        return message
    parts = []
    for prefix in missing:
        if prefix in KNOWN_PREFIXES:
            parts.append("unknown prefix %s: (not declared); add the line: PREFIX %s: <%s>"
                         % (prefix, prefix, KNOWN_PREFIXES[prefix]))
        else:
            parts.append("unknown prefix %s: (not declared); declare it with PREFIX %s: <namespace IRI>"
                         % (prefix, prefix))
    return "SPARQL syntax error: " + "; ".join(parts)


def _service_iri(tok, prefixes):
    if tok is None:
        return None
    kind, value = tok
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes and "\\" not in local:
            return prefixes[prefix] + local
    return None  # a variable, a relative IRI or anything else


def check_query(text: str, allowlist=()) -> QueryInfo:
    """Return the query's form, or raise :class:`Refused` for SERVICE / update / LOAD."""
    allow = frozenset(allowlist or ())
    info = _scan(text, allow)
    if "\\u" in text or "\\U" in text:
        decoded = _decode_escapes(text)
        if decoded != text:
            _scan(decoded, allow)  # raises if the decoded text hides a forbidden keyword
    return info
