"""Tests for the segmentation stage (analyzer/text/segment.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import schema
from analyzer.config import AnalysisConfig
from analyzer.errors import MissingColumns
from analyzer.reporter import RecordingReporter
from analyzer.text.segment import CONTRASTIVE_CONJUNCTIONS, segment, sentence_pipeline

from .conftest import examples

CONFIG = AnalysisConfig()
ZWNJ = "\u200c"


def _comments(*rows: tuple[str, str]) -> pd.DataFrame:
    """A comments table with ids c1, c2, ... for (lang, text) rows."""
    return pd.DataFrame(
        {
            schema.COMMENT_ID: [f"c{i}" for i in range(1, len(rows) + 1)],
            schema.TEXT: [text for _, text in rows],
            schema.LANG: [lang for lang, _ in rows],
        }
    ).astype("string")


def _texts(lang: str, text: str) -> list[str]:
    return segment(_comments((lang, text)))[schema.TEXT].tolist()


def _assert_exact_slices(comments: pd.DataFrame, segments: pd.DataFrame) -> None:
    by_id = dict(zip(comments[schema.COMMENT_ID], comments[schema.TEXT], strict=True))
    for row in segments.itertuples(index=False):
        comment_text = by_id[row.comment_id]
        assert comment_text[row.start : row.end] == row.text
        assert comment_text[row.start : row.end].encode("utf-8") == row.text.encode("utf-8")


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "the courier was late, but the operator was kind", ["the courier was late", "the operator was kind"]),
        ("ru", "курьер опоздал, но оператор был вежлив", ["курьер опоздал", "оператор был вежлив"]),
        ("ro", "curierul a întârziat, dar operatorul a fost amabil", ["curierul a întârziat", "operatorul a fost amabil"]),
        ("el", "ο κούριερ άργησε, αλλά ο υπάλληλος ήταν ευγενικός", ["ο κούριερ άργησε", "ο υπάλληλος ήταν ευγενικός"]),
        ("fa", "پیک دیر رسید، اما اپراتور مهربان بود", ["پیک دیر رسید", "اپراتور مهربان بود"]),
        ("kk", "курьер кешікті, бірақ оператор сыпайы болды", ["курьер кешікті", "оператор сыпайы болды"]),
    ],
)
def test_segment_contrastive_example_in_each_language(lang: str, text: str, expected: list[str]) -> None:
    assert _texts(lang, text) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # terminal punctuation stays with its clause; only the separator before the conjunction goes
        ("en", "The courier was late, but the operator was kind.", ["The courier was late", "the operator was kind."]),
        ("en", "The courier was late BUT the operator was kind", ["The courier was late", "the operator was kind"]),
        ("en", "the courier was late, yet the operator was kind", ["the courier was late", "the operator was kind"]),
        ("en", "the app works well although the price is high", ["the app works well", "the price is high"]),
        ("ru", "курьер опоздал, а оператор был вежлив", ["курьер опоздал", "оператор был вежлив"]),
        ("ru", "курьер опоздал — зато оператор был вежлив", ["курьер опоздал", "оператор был вежлив"]),
        ("ro", "curierul a întârziat, însă operatorul a fost amabil", ["curierul a întârziat", "operatorul a fost amabil"]),
        ("ro", "curierul a întârziat, totuşi operatorul a fost amabil", ["curierul a întârziat", "operatorul a fost amabil"]),
        ("el", "ο κούριερ άργησε, αν και ο υπάλληλος ήταν ευγενικός", ["ο κούριερ άργησε", "ο υπάλληλος ήταν ευγενικός"]),
        ("el", "ο κούριερ άργησε, ΑΛΛΑ ο υπάλληλος ήταν ευγενικός", ["ο κούριερ άργησε", "ο υπάλληλος ήταν ευγενικός"]),
        ("fa", "پیک دیر رسید، با این حال اپراتور مهربان بود", ["پیک دیر رسید", "اپراتور مهربان بود"]),
        ("fa", "پیک دیر رسید ولی اپراتور مهربان بود", ["پیک دیر رسید", "اپراتور مهربان بود"]),
        ("kk", "курьер кешікті, әйтсе де оператор сыпайы болды", ["курьер кешікті", "оператор сыпайы болды"]),
        # English terms are checked in every language (mixed text)
        ("ru", "доставка быстрая, but the box was damaged", ["доставка быстрая", "the box was damaged"]),
        # three clauses
        ("en", "fast delivery, but rude staff, but great price", ["fast delivery", "rude staff", "great price"]),
    ],
)
def test_segment_contrastive_variants(lang: str, text: str, expected: list[str]) -> None:
    assert _texts(lang, text) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I have not yet received the parcel"),  # "yet" without a comma is not contrastive
        ("ru", "это не курьер а оператор опоздал"),  # "а" without a comma is not split
    ],
)
def test_segment_conjunction_that_needs_a_comma(lang: str, text: str) -> None:
    assert _texts(lang, text) == [text]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "the courier was late, but yes"),
        ("en", "late, but the operator was kind"),
        ("ru", "курьер опоздал, но зря"),
        ("el", "άργησε, αλλά ο υπάλληλος ήταν ευγενικός"),
        ("fa", "دیر، اما اپراتور مهربان بود"),
        ("kk", "курьер кешікті, бірақ жақсы"),
    ],
)
def test_segment_no_split_leaving_one_word_side(lang: str, text: str) -> None:
    assert _texts(lang, text) == [text]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "But the app keeps crashing on login"),
        ("ru", "Но приложение постоянно падает при входе"),
        ("ro", "Dar aplicația se blochează mereu"),
        ("el", "Αλλά η εφαρμογή κολλάει συνέχεια"),
        ("fa", "اما برنامه مدام از کار می\u200cافتد"),
        ("kk", "Бірақ қосымша үнемі істен шығады"),
    ],
)
def test_segment_sentence_starting_with_conjunction(lang: str, text: str) -> None:
    assert _texts(lang, text) == [text]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Delivery was late. Support was great! Will I order again? Maybe… We will see",
         ["Delivery was late.", "Support was great!", "Will I order again?", "Maybe…", "We will see"]),
        ("en", "Waited a week... Never again", ["Waited a week...", "Never again"]),
        ("ru", "Доставка опоздала. Поддержка отличная! Закажу ли ещё? Не знаю",
         ["Доставка опоздала.", "Поддержка отличная!", "Закажу ли ещё?", "Не знаю"]),
        ("ro", "Livrarea a întârziat. Suportul a fost excelent! Voi mai comanda?",
         ["Livrarea a întârziat.", "Suportul a fost excelent!", "Voi mai comanda?"]),
        ("el", "Η παράδοση άργησε. Η υποστήριξη ήταν εξαιρετική!",
         ["Η παράδοση άργησε.", "Η υποστήριξη ήταν εξαιρετική!"]),
        ("fa", "ارسال دیر بود. پشتیبانی عالی بود! دوباره سفارش می\u200cدهم",
         ["ارسال دیر بود.", "پشتیبانی عالی بود!", "دوباره سفارش می\u200cدهم"]),
        ("fa", "ارسال دیر بود۔ پشتیبانی عالی بود", ["ارسال دیر بود۔", "پشتیبانی عالی بود"]),
        ("kk", "Жеткізу кешікті. Қолдау керемет болды!", ["Жеткізу кешікті.", "Қолдау керемет болды!"]),
        ("ru", "Курьер опоздал.\n\nОператор вежлив", ["Курьер опоздал.", "Оператор вежлив"]),
        # a line break ends a sentence when the next line starts like one (capital, caseless script, bullet)
        ("en", "Delivery late\nSupport great", ["Delivery late", "Support great"]),
        ("en", "Issues:\n- late courier\n- rude staff", ["Issues:", "- late courier", "- rude staff"]),
        ("fa", "پیک دیر رسید\nاپراتور مهربان بود", ["پیک دیر رسید", "اپراتور مهربان بود"]),
        ("en", "The courier was\nlate again", ["The courier was\nlate again"]),  # wrapped line stays whole
        ("en", "Thanks! :) Great app", ["Thanks! :)", "Great app"]),  # emoticon stays with its sentence
    ],
)
def test_segment_multi_sentence_comments(lang: str, text: str, expected: list[str]) -> None:
    assert _texts(lang, text) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("el", "Γιατί άργησε ο κούριερ; Δεν ξέρω.", ["Γιατί άργησε ο κούριερ;", "Δεν ξέρω."]),
        ("el", "Γιατί άργησε ο κούριερ\u037e Δεν ξέρω.", ["Γιατί άργησε ο κούριερ\u037e", "Δεν ξέρω."]),
        ("el", "Τι να πω; ναι, ήταν καλά", ["Τι να πω; ναι, ήταν καλά"]),  # lower-case after ';': no split
        ("en", "The courier was late; The operator was kind", ["The courier was late; The operator was kind"]),
    ],
)
def test_segment_greek_question_mark(lang: str, text: str, expected: list[str]) -> None:
    assert _texts(lang, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"چرا سفارش من دیر رسید؟ نمی{ZWNJ}دانم چه شد",
            ["چرا سفارش من دیر رسید؟", f"نمی{ZWNJ}دانم چه شد"],
        ),
        (
            # a leading right-to-left mark is not whitespace: it stays in the first segment
            f"\u200fپیک دیر رسید، اما اپراتور خیلی مهربان بود؟ می{ZWNJ}خواهم دوباره سفارش بدهم",
            ["\u200fپیک دیر رسید", "اپراتور خیلی مهربان بود؟", f"می{ZWNJ}خواهم دوباره سفارش بدهم"],
        ),
    ],
)
def test_segment_persian_intact(text: str, expected: list[str]) -> None:
    comments = _comments(("fa", text))
    segments = segment(comments)
    assert segments[schema.TEXT].tolist() == expected
    _assert_exact_slices(comments, segments)
    assert sum(s.count(ZWNJ) for s in segments[schema.TEXT]) == text.count(ZWNJ)


@pytest.mark.parametrize("lang", ["kk", "unknown", "xx-not-a-code", "ja"])
def test_segment_fallback_languages_use_xx_pipeline(lang: str) -> None:
    assert sentence_pipeline(lang).lang == "xx"
    assert sentence_pipeline(lang) is sentence_pipeline("kk")


@pytest.mark.parametrize(("lang", "expected"), [("en", "en"), ("ru", "ru"), ("ro", "ro"), ("el", "el"), ("fa", "fa")])
def test_segment_pipeline_per_language_is_cached(lang: str, expected: str) -> None:
    nlp = sentence_pipeline(lang)
    assert nlp.lang == expected
    assert "sentencizer" in nlp.pipe_names
    assert sentence_pipeline(lang) is nlp


@pytest.mark.parametrize(
    "text", ["Курьер кешікті, бірақ оператор сыпайы болды. Рақмет!"],
)
def test_segment_kazakh_splits_at_birak(text: str) -> None:
    assert _texts("kk", text) == ["Курьер кешікті", "оператор сыпайы болды.", "Рақмет!"]


@pytest.mark.parametrize("lang", sorted(CONTRASTIVE_CONJUNCTIONS))
def test_segment_conjunction_table_covers_default_languages(lang: str) -> None:
    assert lang in CONFIG.languages
    assert CONTRASTIVE_CONJUNCTIONS[lang]


@pytest.mark.parametrize(
    "rows",
    [
        [
            ("en", "  The courier was late , but the operator was kind.  Thanks!  "),
            ("ru", "Курьер опоздал, но оператор был вежлив. Спасибо"),
            ("fa", "پیک دیر رسید، اما اپراتور مهربان بود."),
            ("el", "Γιατί άργησε; Δεν ξέρω, αλλά ο υπάλληλος ήταν ευγενικός"),
            ("unknown", "ok 👍"),
        ]
    ],
)
def test_segment_offsets_point_into_text(rows: list[tuple[str, str]]) -> None:
    comments = _comments(*rows)
    segments = segment(comments)
    _assert_exact_slices(comments, segments)
    assert segments[schema.TEXT].iloc[0] == "The courier was late"


@pytest.mark.parametrize(
    "comments",
    [
        _comments(("en", "late, but kind staff overall"), ("ru", "Хорошо. Плохо")),
        pd.DataFrame({"comment_id": [1, 2], "text": ["A b. C d", "x y, but z w"], "lang": ["en", "en"], "extra": [0.5, None]}),
    ],
)
def test_segment_leaves_input_unchanged(comments: pd.DataFrame) -> None:
    before = comments.copy(deep=True)
    segment(comments)
    pd.testing.assert_frame_equal(comments, before)


@pytest.mark.parametrize(
    "comments",
    [
        pd.DataFrame({schema.COMMENT_ID: [], schema.TEXT: [], schema.LANG: []}),
        _comments().iloc[0:0],
    ],
)
def test_segment_empty_frame(comments: pd.DataFrame) -> None:
    segments = segment(comments)
    assert segments.empty
    assert list(segments.columns) == schema.SEGMENT_BASE
    assert {c.name: str(segments[c.name].dtype) for c in schema.SEGMENT_COLUMNS if c.stage == "segment"} == {
        c.name: c.dtype for c in schema.SEGMENT_COLUMNS if c.stage == "segment"
    }


@pytest.mark.parametrize(
    ("rows", "expected_ids"),
    [
        ([("en", "One. Two. Three"), ("en", "Just one")], ["c1-1", "c1-2", "c1-3", "c2-1"]),
        ([("ru", "Раз"), ("en", "a b, but c d"), ("ru", "Два. Три")], ["c1-1", "c2-1", "c2-2", "c3-1", "c3-2"]),
    ],
)
def test_segment_ids_count_from_one_in_comment_order(rows: list[tuple[str, str]], expected_ids: list[str]) -> None:
    segments = segment(_comments(*rows))
    assert segments[schema.SEGMENT_ID].tolist() == expected_ids
    assert segments[schema.COMMENT_ID].tolist() == [s.rsplit("-", 1)[0] for s in expected_ids]


@pytest.mark.parametrize("rows", [[("en", "Late. Kind"), ("fa", "دیر بود؟ خوب")]])
def test_segment_output_columns_and_dtypes(rows: list[tuple[str, str]]) -> None:
    segments = segment(_comments(*rows))
    assert list(segments.columns) == schema.SEGMENT_BASE
    for column in (c for c in schema.SEGMENT_COLUMNS if c.stage == "segment"):
        assert str(segments[column.name].dtype) == column.dtype
    assert segments[schema.LANG].tolist() == ["en", "en", "fa", "fa"]


@pytest.mark.parametrize("missing", [schema.COMMENT_ID, schema.TEXT, schema.LANG])
def test_segment_missing_column_raises(missing: str) -> None:
    comments = _comments(("en", "Fine.")).drop(columns=[missing])
    with pytest.raises(MissingColumns, match=missing):
        segment(comments)


@pytest.mark.parametrize("rows", [[("en", "One. Two"), ("ru", "Раз"), ("kk", "Бір")]])
def test_segment_reports_progress(rows: list[tuple[str, str]]) -> None:
    seen: list[tuple[int, str]] = []

    class Tracking(RecordingReporter):
        def track(self, items, total, description):  # type: ignore[no-untyped-def]
            seen.append((total, description))
            return super().track(items, total, description)

    segments = segment(_comments(*rows), Tracking())
    assert seen == [(3, "segment")]
    assert len(segments) == 4


_SPECIAL = [
    " ", "\n", "\n\n", "\t", ".", "...", "…", "!", "?", ";", "\u037e", "؟", "۔", ",", "،", "-", "—",
    ZWNJ, "\u200f", "\u200e", "\u202b", "\u202c", "😀", "👍🏽", "but", "But", "yet", "но", ", а", "αν και",
    "با این حال", "әйтсе де", "dar", "the courier", "اپراتور", "Δεν", "x",
]
_TEXT = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(_SPECIAL)), max_size=25).map("".join)
_LANG = st.sampled_from([*CONFIG.languages, "unknown", "de", "ja"])


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_LANG, _TEXT), min_size=1, max_size=5))
def test_segment_property_random_unicode(rows: list[tuple[str, str]]) -> None:
    comments = _comments(*rows)
    segments = segment(comments)
    _assert_exact_slices(comments, segments)
    for comment_id, group in segments.groupby(schema.COMMENT_ID, sort=False):
        starts, ends = group[schema.SEGMENT_START].tolist(), group[schema.SEGMENT_END].tolist()
        assert all(a <= b for a, b in zip(starts, ends, strict=True))
        assert all(prev_end <= start for prev_end, start in zip(ends, starts[1:], strict=False))
        assert group[schema.SEGMENT_ID].tolist() == [f"{comment_id}-{n}" for n in range(1, len(group) + 1)]
    assert set(segments[schema.COMMENT_ID]) == set(comments[schema.COMMENT_ID])
