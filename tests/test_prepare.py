"""Preparation: normalised, redacted text, languages, NPS groups; input columns untouched."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer import schema as S
from analyzer.config import AnalysisConfig
from analyzer.io.ingest import read_comments
from analyzer.nps.arithmetic import nps_groups
from analyzer.text.normalize import normalize_text
from analyzer.text.prepare import prepare


def _comments(texts: list[str], scores: list[object] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({"comment": texts, "nps": scores or [None] * len(texts)})
    return read_comments(frame).comments


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  late \t courier  ", "late courier"),
        ("line one\r\n\r\n\r\nline two", "line one\nline two"),
        ("e\u0301", "\u00e9"),  # NFC
        ("evil\u202eoverride", "eviloverride"),
        ("\ufeffbom", "bom"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # ZWNJ kept
        ("\u200fپیک دیر آمد", "\u200fپیک دیر آمد"),  # RLM kept
        ("nul\x00byte", "nulbyte"),
    ],
)
def test_prepare_normalize_text(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean


def test_prepare_adds_columns_and_leaves_input_unchanged() -> None:
    comments = _comments(["Call me on +44 20 7946 0958", "Курьер опоздал", "Ο κούριερ άργησε"], [10, 7, 0])
    before = comments.copy()
    out = prepare(comments)
    pd.testing.assert_frame_equal(comments, before)
    pd.testing.assert_frame_equal(out[list(before.columns)], before)
    assert out[S.TEXT].tolist() == ["Call me on [PHONE]", "Курьер опоздал", "Ο κούριερ άργησε"]
    assert out[S.LANG].tolist() == ["en", "ru", "el"]
    assert out[S.N_REDACTIONS].tolist() == [1, 0, 0]
    assert out[S.NPS_GROUP].tolist() == ["promoter", "passive", "detractor"]


def test_prepare_no_redact_keeps_text_and_warns() -> None:
    from analyzer.reporter import RecordingReporter

    rec = RecordingReporter()
    out = prepare(_comments(["mail ivan.petrov@example.com"]), AnalysisConfig(redact=False), rec)
    assert out[S.TEXT].tolist() == ["mail ivan.petrov@example.com"]
    assert any("redaction is off" in line for line in rec.lines)


def test_prepare_persian_arabic_letters_become_persian() -> None:
    out = prepare(_comments(["پيک دير آمد و مشتري ناراضي بود"]))
    assert out[S.TEXT].iloc[0] == "پیک دیر آمد و مشتری ناراضی بود"


@pytest.mark.parametrize(("score", "group"), [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"),
                                              (10, "promoter"), (None, None)])
def test_prepare_nps_group(score, group) -> None:
    got = nps_groups(pd.array([score], dtype="Int64"))[0]
    assert (None if got is pd.NA else got) == group
