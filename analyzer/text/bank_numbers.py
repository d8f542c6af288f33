"""Card numbers and IBANs in free text: the pattern of each, then its checksum.

What counts as each:

* **card**: 13-19 digits (first digit not 0), contiguous or grouped 4-4-4-4[-1..3],
  4-6-5 or 4-6-4 with one kind of separator (space, no-break space or hyphen),
  passing ``stdnum.luhn``. Digits glued to letters, decimals or a ``+`` are not cards.
* **iban**: two letters, two check digits and up to 30 letters or digits, compact
  or in groups of four separated by single (no-break) spaces, any letter case,
  accepted by ``stdnum.iban.is_valid``; trailing groups are dropped until it
  validates, so a following word or number does not hide it. Iranian IBANs
  (``IR`` + 24 digits) are missing from stdnum's registry, so for them only the
  structure and the ISO 7064 mod 97-10 checksum (``stdnum.iso7064.mod_97_10``)
  are checked.

Both are searched in a copy of the text whose digits are all ASCII (:func:`ascii_digits`:
same length, so offsets carry over to the original text).

Example:
    >>> text = ascii_digits("Card ۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱, IBAN GB82 WEST 1234 5698 7654 32")
    >>> list(card_spans(text)), list(iban_spans(text))
    ([(5, 24)], [(31, 58)])
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.iso7064 import mod_97_10

__all__ = ["ascii_digits", "card_spans", "iban_spans", "is_iban"]

# Group separators: space, no-break space, narrow no-break space (banking apps
# copy those), and for cards the hyphen.
_SPACES = "\u0020\u00a0\u202f"
_CARD = re.compile(
    r"(?<![\w.,+])"  # not inside a word, a decimal number or a +phone number
    r"(?:[1-9][0-9]{12,18}"
    rf"|[1-9][0-9]{{3}}(?P<sep>[{_SPACES}-])[0-9]{{4}}(?P=sep)[0-9]{{4}}(?P=sep)[0-9]{{4}}"
    r"(?:(?P=sep)(?P<tail>[0-9]{1,3}))?"
    rf"|[1-9][0-9]{{3}}(?P<sep2>[{_SPACES}-])[0-9]{{6}}(?P=sep2)[0-9]{{4,5}})"
    r"(?!\w|[.,][0-9])"
)
_CARD_SEPARATOR = re.compile(f"[{_SPACES}-]")
_IBAN = re.compile(
    rf"(?<!\w)[A-Za-z]{{2}}[0-9]{{2}}(?:[{_SPACES}]?[A-Za-z0-9]{{4}}){{2,7}}(?:[{_SPACES}]?[A-Za-z0-9]{{1,4}})?(?!\w)"
)
_IBAN_SEPARATOR = re.compile(f"[{_SPACES}]")
# Countries whose IBANs stdnum's registry lacks: the compact form to expect.
_EXTRA_IBAN = {"IR": re.compile(r"IR[0-9]{24}")}
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")


class _AsciiDigits(dict):
    """``str.translate`` table mapping every Unicode decimal digit to its ASCII twin, filled lazily."""

    def __missing__(self, code: int) -> int:
        digit = unicodedata.decimal(chr(code), None)
        self[code] = code if digit is None else 0x30 + digit
        return self[code]


_ASCII_DIGITS = _AsciiDigits()


def ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit replaced by its ASCII twin (the same object when it has none).

    Example:
        >>> ascii_digits("۱۲۳ and 456")
        '123 and 456'
    """
    return text.translate(_ASCII_DIGITS) if _NON_ASCII_DIGIT.search(text) else text


def card_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of Luhn-valid card numbers in an ASCII-digit text.

    Example:
        >>> list(card_spans("4111 1111 1111 1111 12/26, not 4111 1111 1111 1112"))
        [(0, 19)]
    """
    pos = 0
    while match := _CARD.search(text, pos):
        ends = [match.end()]
        if match.group("tail"):
            ends.append(match.start("tail") - 1)  # "4111 1111 1111 1111 12/26": drop the "12"
        for end in ends:
            if luhn.is_valid(_CARD_SEPARATOR.sub("", text[match.start() : end])):
                yield match.start(), end
                pos = end
                break
        else:
            pos = match.start() + 1


def iban_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of valid IBANs in an ASCII-digit text, trailing groups dropped until one validates.

    Example:
        >>> text = "IBAN GB82 WEST 1234 5698 7654 32 1000 EUR"
        >>> [text[start:end] for start, end in iban_spans(text)]
        ['GB82 WEST 1234 5698 7654 32']
    """
    pos = 0
    while match := _IBAN.search(text, pos):
        start = match.start()
        ends = [match.end()] + [i for i in range(match.end() - 1, start, -1) if text[i] in _SPACES]
        for end in ends:
            if is_iban(_IBAN_SEPARATOR.sub("", text[start:end])):
                yield start, end
                pos = end
                break
        else:
            pos = start + 1


def is_iban(compact: str) -> bool:
    """Whether a compact candidate (no spaces, any letter case) is a valid IBAN.

    Example:
        >>> is_iban("gb82west12345698765432"), is_iban("GB82WEST12345698765433")
        (True, False)
    """
    compact = compact.upper()
    extra = _EXTRA_IBAN.get(compact[:2])
    if extra is not None:
        return bool(extra.fullmatch(compact)) and mod_97_10.is_valid(compact[4:] + compact[:4])
    return stdnum_iban.is_valid(compact)
