"""Language identification restricted to the configured languages plus unknown."""

from __future__ import annotations

import pytest

from analyzer.errors import UsageError
from analyzer.text.language import LanguageIdentifier, dominant_script

DEFAULT = ("en", "ru", "ro", "el", "fa", "kk")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The courier was two hours late and did not call", "en"),
        ("Курьер опоздал на два часа и даже не позвонил", "ru"),
        ("Curierul a întârziat două ore și nu a sunat", "ro"),
        ("Ο κούριερ άργησε δύο ώρες και δεν τηλεφώνησε", "el"),
        ("پیک دو ساعت دیر آمد و زنگ هم نزد", "fa"),
        ("Курьер екі сағат кешігіп келді және қоңырау шалмады", "kk"),
        ("-", "unknown"),
        ("👍👍", "unknown"),
        ("10/10", "unknown"),
        ("快递太慢了", "unknown"),
        ("שליח איחר", "unknown"),
    ],
)
def test_language_identifies_default_languages(text: str, lang: str) -> None:
    assert LanguageIdentifier(DEFAULT).identify([text]) == [lang]


def test_language_restricted_set_answers_only_configured_codes() -> None:
    got = LanguageIdentifier(("en", "ru")).identify(["Curierul a întârziat două ore", "Жеткізу кешікті", "Ο κούριερ άργησε"])
    assert got == ["en", "ru", "unknown"]


def test_language_single_language_needs_no_detector() -> None:
    assert LanguageIdentifier(("ru",)).identify(["Курьер опоздал", "late"]) == ["ru", "unknown"]


def test_language_unknown_code_lists_accepted_ones() -> None:
    with pytest.raises(UsageError, match=r"^--languages: xx, yy not supported; accepted ISO 639-1 codes: af, ar,"):
        LanguageIdentifier(("en", "xx", "yy"))


@pytest.mark.parametrize(("text", "script"), [("Hello", "latin"), ("Привет, hello", "cyrillic"), ("", None), ("123 !", None),
                                              ("سلام", "arabic"), ("γεια", "greek"), ("你好", "other")])
def test_language_dominant_script(text: str, script: str | None) -> None:
    assert dominant_script(text) == script
