"""The package version, from the installed distribution's metadata (one source: pyproject.toml)."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kuntakg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
