"""Magnitude words after a number ("2 M€", "1,5 milj. euroa", "300 t€", "4 miljoner", "2 million"):
the number they scale, from the lexicon's `magnitudes` (factor: expressions matched right after the
number)."""
from __future__ import annotations

import re
from decimal import Decimal

from .lexicon import Lexicon


def scaled(number: str, after: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """(value, the magnitude word) when `after` (the text right after `number`) starts with a magnitude
    word, else None. `number` is in the parser's form ('.' decimal point, no spaces)."""
    for factor, patterns in lexicon.data.get("magnitudes", {}).items():
        for pattern in patterns:
            m = re.match(rf"\s*(?:{pattern})(?![^\W\d_])", after, re.IGNORECASE)
            if m:
                value = Decimal(number) * Decimal(str(factor))
                text = format(value.normalize(), "f")
                return text, m.group(0).strip()
    return None
