"""Stable issue ids: ``PREFIX-XXXX`` from a hash of touchpoint, list and top terms, and the ids of "other" groups.

Example:
    >>> other_id("praise"), other_id("complaint")
    ('OTHER-PRAISE', 'OTHER')
"""

from __future__ import annotations

import base64
import hashlib

from slugify import slugify

OTHER = "other"


def issue_prefix(touchpoint: str) -> str:
    """Three capital letters from the touchpoint name.

    Example:
        >>> issue_prefix("logistics"), issue_prefix("Доставка"), issue_prefix("")
        ('LOG', 'DOS', 'OTH')
    """
    return (slugify(touchpoint or OTHER).replace("-", "").upper() or "ISS")[:3]


def new_issue_id(touchpoint: str, kind: str, fingerprint: dict[str, float], taken: set[str]) -> str:
    """``PREFIX-XXXX`` from a hash of touchpoint, list and top terms; another window of the hash when taken.

    Example:
        >>> new_issue_id("logistics", "complaint", {"late": 0.8, "courier": 0.6}, set())
        'LOG-JNS6'
    """
    return _hashed(f"{issue_prefix(touchpoint)}-", [touchpoint, kind], fingerprint, 4, taken)


def other_id(kind: str) -> str:
    """The id of a list's "other" group, what fits no issue: ``OTHER`` (complaints) or ``OTHER-PRAISE``."""
    return "OTHER" + ("-PRAISE" if kind == "praise" else "")


def sub_issue_id(issue_id: str, fingerprint: dict[str, float], taken: set[str]) -> str:
    """``ISSUE.XYZ``: the issue's id and 3 hash characters of the sub-issue's top terms; another window when taken.

    Example:
        >>> sub_issue_id("LOG-JNS6", {"late": 0.8, "hours": 0.6}, set())
        'LOG-JNS6.BY3'
    """
    return _hashed(f"{issue_id}.", [issue_id], fingerprint, 3, taken)


def _hashed(prefix: str, parts: list[str], fingerprint: dict[str, float], width: int, taken: set[str]) -> str:
    """``prefix`` and ``width`` base32 characters of a sha256 of ``parts`` and the 10 top terms; the next window when taken."""
    top = sorted(sorted(fingerprint, key=lambda t: (-fingerprint[t], t))[:10])
    digest = base64.b32encode(hashlib.sha256("|".join([*parts, *top]).encode()).digest()).decode()
    for start in range(0, len(digest) - width):
        candidate = f"{prefix}{digest[start:start + width]}"
        if candidate not in taken:
            return candidate
    raise RuntimeError("no free issue id")  # every window of a sha256 taken: cannot happen in practice
