"""Unicode normalisation of comment text, shared by ingestion (to judge emptiness) and preparation.

Example:
    >>> normalize_text("\\x00\\x01 ")
    ''
"""

from __future__ import annotations

import re
import unicodedata

# Control characters except tab and newline, the BOM, and the bidi embedding/override/isolate
# controls that can make a line display differently from what it says. Zero-width joiners
# (Persian needs U+200C) and the LRM/RLM marks are kept.
_STRIP = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def normalize_text(text: str) -> str:
    """NFC-normalise, drop control and bidi-override characters, tidy whitespace.

    Example:
        >>> normalize_text("  late\\u202e  courier \\r\\n\\r\\n again ")
        'late courier\\nagain'
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _STRIP.sub("", text)
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()
