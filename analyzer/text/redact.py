"""Redaction of personal data in free text: e-mails, phone numbers, card numbers and IBANs.

Comments arrive in English, Russian, Romanian, Greek, Persian and Kazakh; the
redactor runs before anything is written anywhere, so later stages and every
output only see the replacement tokens ``[EMAIL]``, ``[PHONE]``, ``[CARD]`` and
``[IBAN]``.

What counts as each kind:

* **email**: a dot-atom local part (Unicode letters allowed) ``@`` a domain
  whose last label is two or more letters (or ``xn--`` punycode). ``@home`` and
  ``me@localhost`` are not e-mails.
* **phone**: what ``phonenumbers.PhoneNumberMatcher`` finds with
  ``Leniency.VALID`` for any of the configured regions, with at least
  :data:`MIN_PHONE_DIGITS` digits, not starting or ending inside a time such as
  ``14:30``. ``+<country code>`` numbers are found whichever regions are
  configured; national layouts only for those regions. Persian and Arabic-Indic
  digits are handled by phonenumbers itself. phonenumbers gives up on a stretch
  of numbers joined by spaces ("8 916 123 45 67 3 раза"), so such a stretch is
  retried in windows of up to six space-separated tokens, each cut off from the
  rest by a comma and judged by the same matcher; there is no phone pattern of
  our own. Stretches of more than 24 tokens (tables of numbers) only get the
  matcher's verdict on the whole.
* **card** and **iban**: a card number that passes the Luhn check, an IBAN that
  passes the mod 97 check; :mod:`analyzer.text.bank_numbers` says exactly what
  each looks like.

Pre-checks keep the cost near zero for most comments: the e-mail search runs only
when the text has an ``@``, the card and phone searches only when it has seven
digits close together (see :data:`MIN_PHONE_DIGITS`).

Cards and IBANs are searched in a copy of the text whose digits are all ASCII
(same length, so offsets carry over); replacements are always made in the
original text, which otherwise stays byte-identical (RTL marks, ZWNJ included).

Overlapping findings are resolved deterministically: the longer span wins; at
equal length the order is card > iban > phone > email (a checksum is stronger
evidence than the pattern-only validity of a phone number; an e-mail can hardly
tie with the others, it comes last).

Example:
    >>> text, counts = Redactor().redact("Call +44 20 7946 0958 or write to ivan.petrov@example.com")
    >>> text
    'Call [PHONE] or write to [EMAIL]'
    >>> sorted(counts.items())
    [('email', 1), ('phone', 1)]
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from analyzer.config import DEFAULT_PHONE_REGIONS
from analyzer.errors import UsageError
from analyzer.text.bank_numbers import ascii_digits, card_spans, iban_spans

#: Replacement token per kind. The key order is the tie-break order at equal span length.
TOKENS: dict[str, str] = {"card": "[CARD]", "iban": "[IBAN]", "phone": "[PHONE]", "email": "[EMAIL]"}

#: A phone number needs at least this many digits (extension excluded). It keeps the
#: 4-6 digit service numbers (Iranian call centres, Austrian short numbers) out, which
#: are not personal data and look like quantities, and it lets texts with fewer
#: digits skip the phone matcher altogether.
MIN_PHONE_DIGITS = 7

_RANK = {kind: rank for rank, kind in enumerate(TOKENS)}

# --- pre-checks -------------------------------------------------------------
# phonenumbers joins digit blocks with at most 4 characters of its punctuation
# (no letters except "x" and the katakana "ー"), so every phone number with
# MIN_PHONE_DIGITS digits, and every card, contains a stretch of that many digits
# joined by at most 4 such characters. Text without one skips the search.
_PHONE_GAP = r"(?:\W|[xXー])"
_SEVEN_DIGITS = re.compile(rf"\d(?:{_PHONE_GAP}{{0,4}}\d){{{MIN_PHONE_DIGITS - 1}}}")
_DIGIT = re.compile(r"\d")

# --- e-mail -----------------------------------------------------------------
# A dot-atom local part: RFC 5322 atext minus quotes, slash and braces, which in
# free text delimit an address more often than they belong to it. \w makes it Unicode.
# It starts where no atom (or atom plus dot) precedes, so "a.a.a...@" is scanned once,
# not once per dot.
_ATEXT = r"[\w!#$%&*+=?^|~-]"
_ATOM = _ATEXT + "+"
_EMAIL = re.compile(
    rf"(?<!{_ATEXT})(?<!{_ATEXT}\.){_ATOM}(?:\.{_ATOM})*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+"
    r"(?:[^\W\d_]{2,63}|xn--[a-zA-Z0-9-]{1,59})"
    r"(?![\w-])"
)

# --- phone fallback -----------------------------------------------------------
# phonenumbers takes digits joined by spaces as one candidate and gives up on it
# when a number is followed by another one ("8 916 123 45 67 3 раза"). A run is
# such a stretch; it is retried in windows of whitespace-separated tokens.
_RUN = re.compile(r"[+\uff0b(\[\uff08\uff3b]?\d(?:[^\w\n]{0,4}\d)*")
_TOKEN = re.compile(r"\S+")
_MAX_WINDOW_TOKENS = 6  # "8 701 123 45 67" has 5; no usual layout has more than 6
_MAX_PHONE_DIGITS = 20  # 15 (E.164) plus an international call prefix such as 810
_CONTEXT = 8  # characters around a run that phonenumbers looks at (letters, %, :30)
_BREAK = ","  # not phone punctuation: ends a phonenumbers candidate
# Longer runs are tables of numbers, not prose; windowing them costs O(tokens) matcher
# calls per region, so they get phonenumbers' own verdict only.
_MAX_RUN_TOKENS = 24


class UnknownRegion(UsageError):
    """A phone region is not a code phonenumbers knows.

    Example:
        >>> str(UnknownRegion("phone region 'UK' is not known"))
        "phone region 'UK' is not known"
    """


@dataclass(frozen=True)
class Redaction:
    """One span of personal data found in a text.

    Attributes:
        kind: ``"email"``, ``"phone"``, ``"card"`` or ``"iban"``.
        start: offset of the first character in the original text.
        end: offset just past the last character in the original text.

    Example:
        >>> r = Redaction("email", 9, 25)
        >>> "write to ivan@example.com"[r.start:r.end]
        'ivan@example.com'
    """

    kind: str
    start: int
    end: int


class Redactor:
    """Find and replace e-mails, phone numbers, card numbers and IBANs in free text.

    Args:
        regions: ISO 3166-1 alpha-2 codes (any case) whose national phone layouts
            are recognised. ``+<country code>`` numbers are recognised in any case;
            an empty sequence recognises only those.

    Raises:
        UnknownRegion: a region is not one phonenumbers supports.

    Example:
        >>> Redactor(regions=("RO",)).redact("Sunați-mă la 0721 234 567")[0]
        'Sunați-mă la [PHONE]'
    """

    def __init__(self, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> None:
        if isinstance(regions, str):
            regions = (regions,)
        checked: list[str] = []
        for region in regions:
            code = str(region).upper()
            if code not in phonenumbers.SUPPORTED_REGIONS:
                hint = " (the United Kingdom is GB)" if code == "UK" else ""
                raise UnknownRegion(
                    f"phone region {region!r} is not known{hint}; expected ISO 3166-1 alpha-2 codes "
                    f"that phonenumbers supports, e.g. {', '.join(DEFAULT_PHONE_REGIONS)}"
                )
            if code not in checked:
                checked.append(code)
        self._regions = tuple(checked)
        # "ZZ" (unknown region) still finds +<country code> numbers.
        self._matcher_regions = self._regions or ("ZZ",)

    @property
    def regions(self) -> tuple[str, ...]:
        """The phone regions in use: upper-case, without repeats, in the order given.

        Example:
            >>> Redactor(regions=("ro", "RO", "md")).regions
            ('RO', 'MD')
        """
        return self._regions

    def __repr__(self) -> str:
        return f"Redactor(regions={self._regions!r})"

    def find(self, text: str) -> list[Redaction]:
        """Find the personal data in ``text``.

        A number that only stands out once its neighbour is replaced (phonenumbers
        skips ``4111 1111 1111 1111 8 916 123 45 67`` as a whole) is found by
        searching the replaced text again until nothing new turns up, so
        ``find(redact(text)[0])`` is always empty.

        Args:
            text: any string.

        Returns:
            Non-overlapping redactions sorted by offset, with offsets into ``text``.

        Raises:
            TypeError: ``text`` is not a string.

        Example:
            >>> Redactor().find("Mail maria+shop@mail.ru, tel. 8 (916) 123-45-67")
            [Redaction(kind='email', start=5, end=23), Redaction(kind='phone', start=30, end=47)]
        """
        if not isinstance(text, str):
            raise TypeError(f"find: expected a str, got {type(text).__name__}: {text!r}")
        found = self._scan(text)
        while found:
            replaced, segments = _replace(text, found)
            more = self._scan(replaced)
            mapped = [m for m in (_to_original(r, segments) for r in more) if m is not None]
            if not mapped:
                break
            found = sorted(found + mapped, key=lambda r: r.start)
        return found

    def redact(self, text: str) -> tuple[str, Counter[str]]:
        """Replace the personal data in ``text`` with ``[EMAIL]``, ``[PHONE]``, ``[CARD]`` or ``[IBAN]``.

        Args:
            text: any string.

        Returns:
            The redacted text (``text`` itself, the same object, when nothing was
            found) and how many spans of each kind were replaced.

        Raises:
            TypeError: ``text`` is not a string.

        Example:
            >>> Redactor().redact("Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32")
            ('Card [CARD], IBAN [IBAN]', Counter({'card': 1, 'iban': 1}))
        """
        found = self.find(text)
        if not found:
            return text, Counter()
        return _replace(text, found)[0], Counter(r.kind for r in found)

    # -- one pass ------------------------------------------------------------

    def _scan(self, text: str) -> list[Redaction]:
        """Every finding in ``text`` in one pass, overlaps resolved."""
        found: list[Redaction] = []
        if "@" in text:
            found += [Redaction("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
        ascii_text = ascii_digits(text)
        found += [Redaction("iban", start, end) for start, end in iban_spans(ascii_text)]
        if _SEVEN_DIGITS.search(text):
            found += [Redaction("card", start, end) for start, end in card_spans(ascii_text)]
            phones = self._phones(text, found)
            found += [Redaction("phone", start, end) for start, end in phones]
        return _resolve(found)

    def _phones(self, text: str, taken: list[Redaction]) -> set[tuple[int, int]]:
        """Spans of phone numbers: phonenumbers on the text, then on runs it left unexplained."""
        spans = {span for span in self._match_phones(text) if not _touches_time(text, *span)}
        blocked = [(r.start, r.end) for r in taken] + sorted(spans)
        for run in _RUN.finditer(text):
            if _uncovered_digits(text, run.start(), run.end(), blocked) >= MIN_PHONE_DIGITS:
                found = self._phones_in_run(text, run.start(), run.end(), blocked)
                spans |= {span for span in found if not _touches_time(text, *span)}
        return spans

    def _match_phones(self, text: str, offset: int = 0) -> set[tuple[int, int]]:
        """Spans phonenumbers finds in ``text`` for any region, shifted by ``offset``."""
        spans = set()
        for region in self._matcher_regions:
            # max_tries: phonenumbers stops silently after 65,535 candidates by default.
            for match in PhoneNumberMatcher(text, region, Leniency.VALID, max(65_535, len(text))):
                digits = _count_digits(match.raw_string) - len(match.number.extension or "")
                if digits >= MIN_PHONE_DIGITS:
                    spans.add((match.start + offset, match.end + offset))
        return spans

    def _phones_in_run(self, text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> set[tuple[int, int]]:
        """Retry a run in windows of up to six tokens, each cut off from its neighbours by a comma."""
        tokens = [m.span() for m in _TOKEN.finditer(text, start, end)]
        spans: set[tuple[int, int]] = set()
        if len(tokens) > _MAX_RUN_TOKENS:
            return spans
        for i in range(len(tokens)):
            for j in range(i, min(len(tokens), i + _MAX_WINDOW_TOKENS)):
                if (i, j) == (0, len(tokens) - 1):
                    continue  # the whole run: already tried
                w_start, w_end = tokens[i][0], tokens[j][1]
                digits = _count_digits(text[w_start:w_end])
                if digits > _MAX_PHONE_DIGITS:
                    break
                if digits < MIN_PHONE_DIGITS or _overlaps(w_start, w_end, blocked):
                    continue
                # The window is the tokens plus what phonenumbers looks at around a
                # candidate: the break, or the text around the run.
                lo = w_start - 1 if i > 0 else max(0, start - _CONTEXT)
                hi = w_end + 1 if j < len(tokens) - 1 else min(len(text), end + _CONTEXT)
                window = list(text[lo:hi])
                if i > 0:
                    window[0] = _BREAK
                if j < len(tokens) - 1:
                    window[-1] = _BREAK
                spans |= {(s, e) for s, e in self._match_phones("".join(window), offset=lo) if start <= s and e <= end}
        return spans


# --- helpers --------------------------------------------------------------------



def _touches_time(text: str, start: int, end: int) -> bool:
    """Whether a phone span starts or ends inside a time such as ``14:30``.

    phonenumbers starts a candidate after the colon, so "14:30 2026-05-01" holds
    the "valid" Russian number "30 2026-05-01".
    """
    before = start >= 2 and text[start - 1] == ":" and text[start - 2].isdecimal()
    after = end + 1 < len(text) and text[end] == ":" and text[end + 1].isdecimal()
    return before or after


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` overlaps any of ``spans``."""
    return any(s < end and start < e for s, e in spans)


def _count_digits(text: str) -> int:
    """How many decimal digits (any script) ``text`` holds."""
    return len(_DIGIT.findall(text))


def _uncovered_digits(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> int:
    """How many digits of ``text[start:end]`` lie outside every span."""
    uncovered, pos = 0, start
    for s, e in sorted(spans):
        if e <= pos or s >= end:
            continue
        uncovered += _count_digits(text[pos : max(s, pos)])
        pos = min(max(e, pos), end)
    return uncovered + _count_digits(text[pos:end])


def _resolve(found: list[Redaction]) -> list[Redaction]:
    """Keep non-overlapping findings: longest first, then by kind rank, then leftmost."""
    kept: list[Redaction] = []  # sorted by start and disjoint, so neighbours tell about overlap
    starts: list[int] = []
    for r in sorted(set(found), key=lambda r: (r.start - r.end, _RANK[r.kind], r.start)):
        i = bisect.bisect_left(starts, r.start)
        if (i > 0 and kept[i - 1].end > r.start) or (i < len(kept) and kept[i].start < r.end):
            continue
        kept.insert(i, r)
        starts.insert(i, r.start)
    return kept


def _replace(text: str, found: list[Redaction]) -> tuple[str, list[tuple[int, int, int]]]:
    """Replace sorted, non-overlapping findings with their tokens.

    Returns the new text and its literal segments as ``(new_start, old_start, length)``.
    """
    parts: list[str] = []
    segments: list[tuple[int, int, int]] = []
    old = new = 0
    for r in found:
        parts.append(text[old : r.start])
        segments.append((new, old, r.start - old))
        new += r.start - old
        token = TOKENS[r.kind]
        parts.append(token)
        new += len(token)
        old = r.end
    parts.append(text[old:])
    segments.append((new, old, len(text) - old))
    return "".join(parts), segments


def _to_original(r: Redaction, segments: list[tuple[int, int, int]]) -> Redaction | None:
    """Map a finding in a replaced text back to the original, or None if it touches a token.

    Tokens are letters in brackets, which no e-mail, phone, card or IBAN span can
    include, so ``None`` is not expected.
    """
    for new, old, length in segments:
        if new <= r.start and r.end <= new + length:
            return Redaction(r.kind, old + r.start - new, old + r.end - new)
    return None


def protect_id(value: object, redactor: Redactor) -> object:
    """An id that holds personal data (an e-mail, a phone number) becomes ``pii-`` and 12 hex digits of its hash.

    The same id always gives the same pseudonym, so ids stay unique and an answers file's respondent ids,
    protected the same way, still join.

    Example:
        >>> protect_id("ivan.petrov@example.com", Redactor(("RU",))), protect_id("R1001", Redactor(("RU",)))
        ('pii-36a1638593e8', 'R1001')
    """
    if not isinstance(value, str) or not redactor.redact(value)[1]:
        return value
    return "pii-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
