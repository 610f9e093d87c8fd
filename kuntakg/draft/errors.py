"""The one error of the drafter: bad input, reported as one line, with nothing written."""
from __future__ import annotations

from ..errors import KuntaKGError


class DraftError(KuntaKGError):
    """The original cannot be drafted (unreadable, encrypted, scanned, unknown town, ...)."""


class NoStructure(DraftError):
    """Text was extracted but no table or structure was recognised; only the text is written."""
