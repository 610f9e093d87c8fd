"""Short form for `make test`, long form for `make soak` (KUNTAKG_SOAK=1)."""
from __future__ import annotations

import os

SOAK = os.environ.get("KUNTAKG_SOAK", "") not in ("", "0")


def sized(short, long):
    """`short` in the bounded test run, `long` under `make soak`."""
    return long if SOAK else short
