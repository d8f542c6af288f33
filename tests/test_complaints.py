"""Which segments are filler, suggestions, complaints or praise, in every first-class language."""

from __future__ import annotations

import pytest

from analyzer.issues.kinds import feedback_kind, is_filler, is_suggestion

FILLER = [("No comment", "en"), ("nothing", "en"), ("-", "en"), ("N/A", "en"), ("Thanks!", "en"), ("Hello", "en"),
          ("Нет комментариев", "ru"), ("Спасибо, всё хорошо", "ru"), ("ничего", "ru"), ("Mulțumesc", "ro"), ("nimic", "ro"),
          ("Ευχαριστώ", "el"), ("Τίποτα", "el"), ("ممنون", "fa"), ("سلام", "fa"), ("Рахмет", "kk"), ("Жоқ", "kk"), ("ok", "kk"),
          ("...", "unknown"), ("👍", "en")]
CONTENT = [("Expensive.", "en"), ("Courier late", "en"), ("Дорого", "ru"), ("Livrare întârziată", "ro"), ("Ακριβό", "el"),
           ("پیک دیر آمد", "fa"), ("Курьер кешікті", "kk"), ("no call ahead", "en")]
WISHES = [("Please add night delivery", "en"), ("Would be nice to choose the day", "en"), ("Хотелось бы ночную доставку", "ru"),
          ("Добавьте оплату картой", "ru"), ("Ar fi bine să livrați seara", "ro"), ("Θα ήθελα παράδοση το βράδυ", "el"),
          ("لطفاً ارسال شبانه اضافه کنید", "fa"), ("Кешкі жеткізу болса жақсы", "kk")]


@pytest.mark.parametrize(("text", "lang"), FILLER)
def test_filler(text: str, lang: str) -> None:
    assert is_filler(text, lang)
    assert feedback_kind(text, lang, "negative") == "filler"


@pytest.mark.parametrize(("text", "lang"), CONTENT)
def test_content_is_not_filler(text: str, lang: str) -> None:
    assert not is_filler(text, lang)


@pytest.mark.parametrize(("text", "lang"), WISHES)
def test_wishes_are_suggestions_whatever_the_sentiment(text: str, lang: str) -> None:
    assert is_suggestion(text, lang)
    assert feedback_kind(text, lang, "positive") == "suggestion"


def test_sentiment_decides_the_rest() -> None:
    assert feedback_kind("Courier late", "en", "negative") == "complaint"
    assert feedback_kind("Courier on time", "en", "positive") == "praise"
    assert feedback_kind("Courier came at noon", "en", "neutral") == "neutral"
    assert feedback_kind("Courier came at noon", "en", None) == "neutral"
