"""Language identification with lingua, restricted to the configured languages plus ``unknown``.

lingua always answers with one of the languages it was built with, so a
Chinese comment in a run configured for en/ru would be called one of them.
A cheap script check comes first: a text whose letters are mostly in a script
that none of the configured languages is written in is ``unknown``, and so
is a text with no letters at all ("-", "👍", "10/10").

Example:
    >>> LanguageIdentifier(("en", "ru")).identify(["The courier was late", "Курьер опоздал", "—", "快递太慢"])
    ['en', 'ru', 'unknown', 'unknown']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from analyzer.errors import UsageError

UNKNOWN = "unknown"

_SCRIPTS: dict[str, re.Pattern[str]] = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
    "cyrillic": re.compile(r"[\u0400-\u052f\u1c80-\u1c8f\ua640-\ua69f]"),
    "greek": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "hebrew": re.compile(r"[\u0590-\u05ff\ufb1d-\ufb4f]"),
}
_LETTER = re.compile(r"[^\W\d_]")
# Languages whose script is not Latin; every other lingua language is written in Latin letters
# or in a script of its own ("other").
_SCRIPT_OF: dict[str, str] = {
    **dict.fromkeys(["ru", "kk", "uk", "be", "bg", "mk", "sr", "mn"], "cyrillic"),
    "el": "greek",
    **dict.fromkeys(["fa", "ar", "ur"], "arabic"),
    "he": "hebrew",
    **dict.fromkeys(["zh", "ja", "ko", "hi", "bn", "th", "ka", "hy", "gu", "pa", "ta", "te", "mr"], "other"),
}


def supported_languages() -> list[str]:
    """ISO 639-1 codes lingua can identify.

    Example:
        >>> {"en", "kk", "fa"} <= set(supported_languages())
        True
    """
    return sorted(lang.iso_code_639_1.name.lower() for lang in Language.all())


def dominant_script(text: str) -> str | None:
    """The script most of the text's letters are written in, ``None`` for a text without letters.

    Example:
        >>> dominant_script("Курьер опоздал, sorry")
        'cyrillic'
    """
    letters = len(_LETTER.findall(text))
    if not letters:
        return None
    counts = {script: len(pattern.findall(text)) for script, pattern in _SCRIPTS.items()}
    script, count = max(counts.items(), key=lambda item: item[1])
    return script if count * 2 >= letters else ("other" if sum(counts.values()) * 2 < letters else script)


def check_languages(codes: Sequence[str]) -> None:
    """Raise :class:`UsageError` naming every code lingua cannot identify, and listing those it can.

    Example:
        >>> check_languages(["en", "kk"])
    """
    known = set(supported_languages())
    bad = [code for code in codes if code.lower() not in known]
    if bad:
        raise UsageError(f"--languages: {', '.join(bad)} not supported; accepted ISO 639-1 codes: {', '.join(sorted(known))}")


class LanguageIdentifier:
    """Identify each text's language among ``codes`` (ISO 639-1), or ``unknown``.

    Texts are grouped by their dominant script first. A script that only one
    configured language uses (Greek for ``el``, Arabic for ``fa`` in the
    default set) decides alone; otherwise lingua chooses among the configured
    languages written in that script only (``ru``/``kk``, ``en``/``ro``), which
    is both faster and less error-prone than choosing among all of them.

    Example:
        >>> LanguageIdentifier(("el", "kk")).identify(["Ο κούριερ άργησε", "Жеткізу кешікті"])
        ['el', 'kk']
    """

    def __init__(self, codes: Sequence[str]) -> None:
        check_languages(codes)
        self.codes = tuple(dict.fromkeys(code.lower() for code in codes))
        self._by_script: dict[str, list[str]] = {}
        for code in self.codes:
            self._by_script.setdefault(_SCRIPT_OF.get(code, "latin"), []).append(code)
        self._detectors: dict[str, object] = {}

    def _detector(self, script: str):
        if script not in self._detectors:
            languages = [Language.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in self._by_script[script]]
            self._detectors[script] = LanguageDetectorBuilder.from_languages(*languages).build()
        return self._detectors[script]

    def identify(self, texts: Sequence[str]) -> list[str]:
        """Return one code (or ``unknown``) per text, using every core for the lingua part.

        Example:
            >>> LanguageIdentifier(("en", "ro")).identify(["Curierul a întârziat"])
            ['ro']
        """
        result = [UNKNOWN] * len(texts)
        groups: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            script = dominant_script(text)
            if script is not None and script in self._by_script:
                groups.setdefault(script, []).append(i)
        for script, indices in groups.items():
            candidates = self._by_script[script]
            if len(candidates) == 1:
                for i in indices:
                    result[i] = candidates[0]
                continue
            found = self._detector(script).detect_languages_in_parallel_of([texts[i] for i in indices])
            for i, language in zip(indices, found, strict=True):
                if language is not None:
                    result[i] = language.iso_code_639_1.name.lower()
        return result
