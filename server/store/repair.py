"""On-disk store repair: check an Oxigraph store against its dump and rebuild it when unsound."""
from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox

from kuntakg.publish import load_dump

from .base import RDF_SUFFIXES


def ensure_store(path: Path, dump: Path) -> str:
    """Make `path` a sound on-disk Oxigraph store of `dump`: "ok" when it opens and holds the dump's
    quad count (manifest.json beside the dump), else "rebuilt" from the dump into a temporary
    directory beside it and swapped in. A lock file keeps two starting servers from rebuilding at
    once; the second finds the first one's store sound."""
    import fcntl
    import logging
    import shutil
    import tempfile

    log = logging.getLogger("server.store")
    if not dump.is_file():
        raise ValueError("no dump to rebuild the store from: %s" % dump)
    expected = _manifest_quads(dump)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / (".%s.lock" % path.name), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        problem = _store_problem(path, expected)
        if problem is None:
            return "ok"
        log.warning("on-disk store %s: %s; rebuilding it from %s", path, problem, dump)
        staging = Path(tempfile.mkdtemp(prefix=".%s-" % path.name, dir=path.parent))
        try:
            store = ox.Store(str(staging))
            _load(store, dump)
            store.flush()
            del store
            if path.exists():
                damaged = path.with_name("%s.damaged-%d" % (path.name, time.time_ns()))
                path.rename(damaged)  # kept for inspection, out of the way
                shutil.rmtree(damaged, ignore_errors=True)
            staging.rename(path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.warning("on-disk store %s rebuilt from %s", path, dump)
        return "rebuilt"


def _load(store: ox.Store, dump: Path) -> None:
    """Our N-Quads dump a few hundred thousand quads at a time (one bulk load of a national build's
    7.5 M quads would take several GB); any other dump in one bulk load."""
    if dump.suffix == ".nq":
        try:
            load_dump(store, dump)
            return
        except ValueError:  # not in the dumps' graph order: not ours, load it whole
            pass
    store.bulk_load(path=str(dump), format=RDF_SUFFIXES[dump.suffix])


def _manifest_quads(dump: Path) -> int | None:
    import json

    manifest = dump.with_name("manifest.json")
    if manifest.is_file():
        try:
            return int(json.loads(manifest.read_text(encoding="utf-8"))["quads"])
        except (ValueError, KeyError, TypeError):
            return None
    return None


def _store_problem(path: Path, expected: int | None) -> str | None:
    if not path.is_dir():
        return "missing"
    try:
        store = ox.Store.read_only(str(path))
        count = len(store)
        list(store.named_graphs())
    except (OSError, RuntimeError, ValueError) as exc:
        return "cannot be read (%s)" % str(exc)[:200]
    if expected is not None and count != expected:
        return "holds %d quads, the dump %d" % (count, expected)
    return None
