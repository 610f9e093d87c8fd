"""The dataset version: a release from ``data/CHANGELOG.md`` plus a digest of the graph's content.

The version is ``<release>+<first 12 hex digits of the content digest>`` (e.g. ``1.0.0+3f9c0a1b2c4d``), and
the modified date is the date of the newest changelog entry. Both depend only on the inputs, never on
the clock, so the seeds build stays byte-identical from run to run. The content digest is the SHA-256 of
the canonical N-Quads of every graph except the version statements themselves (they cannot describe
their own digest).

The build records them in three places: ``manifest.json`` (``"dataset"``), the build graph of the dump
(``<base>.well-known/void#dataset dcat:version "…" ; dcterms:modified "…"^^xsd:date``) and, from there,
the VoID/DCAT description the server publishes.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, InvalidInput

DCAT_VERSION = "http://www.w3.org/ns/dcat#version"
DCTERMS_MODIFIED = "http://purl.org/dc/terms/modified"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
# "## 1.0.0 — 2026-12-04" (an em dash, an en dash or a hyphen between version and date)
UNRELEASED = "0.0.0"
ENTRY = re.compile(r"^## +(?P<release>[0-9]+\.[0-9]+\.[0-9]+) +[—–-] +(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\s*$")


@dataclass(frozen=True)
class Release:
    release: str
    modified: str | None  # ISO date of the newest changelog entry
    digest: str  # SHA-256 of the content, hex

    @property
    def version(self) -> str:
        return f"{self.release}+{self.digest[:12]}"

    def as_dict(self) -> dict[str, str]:
        out = {"version": self.version, "release": self.release, "content_sha256": self.digest}
        if self.modified is not None:
            out["modified"] = self.modified
        return out


def latest_entry(changelog: Path) -> tuple[str, str | None]:
    """(release, date) of the first ``## <release> — <date>`` heading; a bad heading names its line.

    A project without a changelog (generated benchmark projects, test copies) is release ``0.0.0``
    without a modified date."""
    if not changelog.is_file():
        return UNRELEASED, None
    lines = changelog.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.startswith("## ") or line.strip() == "## Unreleased":
            continue
        match = ENTRY.match(line)
        if match is None:
            raise InvalidInput([InputError(str(changelog), number, 1, "", (
                "a release heading must read '## <major>.<minor>.<patch> — <YYYY-MM-DD>', found %r" % line))])
        return match["release"], match["date"]
    raise InvalidInput([InputError(str(changelog), 0, 0, "", "no release heading ('## 1.0.0 — 2026-12-04')")])


def content_digest(quads: list[ox.Quad]) -> str:
    """SHA-256 of the quads as N-Quads, one per line, in the given (sorted, canonical) order."""
    h = hashlib.sha256()
    for q in quads:
        h.update(str(q).encode("utf-8"))
        h.update(b" .\n")
    return h.hexdigest()


def version_quads(changelog: Path, dataset: str, graph: str, digest: str) -> tuple[list[ox.Quad], Release]:
    """The version statements about ``dataset`` in ``graph`` for content with this digest."""
    release, modified = latest_entry(changelog)
    info = Release(release, modified, digest)
    subject, g = ox.NamedNode(dataset), ox.NamedNode(graph)
    extra = [ox.Quad(subject, ox.NamedNode(DCAT_VERSION), ox.Literal(info.version), g)]
    if modified is not None:
        extra.append(ox.Quad(subject, ox.NamedNode(DCTERMS_MODIFIED),
                             ox.Literal(modified, datatype=ox.NamedNode(XSD_DATE)), g))
    return extra, info


def stamp(quads: list[ox.Quad], changelog: Path, dataset: str, graph: str) -> tuple[list[ox.Quad], Release]:
    """The quads with the version statements about ``dataset`` added in ``graph``, sorted as before."""
    extra, info = version_quads(changelog, dataset, graph, content_digest(quads))
    out = sorted([*quads, *extra], key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return out, info
