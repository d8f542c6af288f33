"""Model files: round trip, and refusal of tampered, foreign or damaged files before any code from them runs."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil

import pandas as pd
import pytest

from analyzer.classify.modelio import CARD_FILE, MODEL_FILE, load_model
from analyzer.errors import ModelError

QUERY = pd.DataFrame({"text": ["Курьер опоздал на два часа", "The app crashes at login"], "lang": ["ru", "en"]})


class Evil:
    """A type no model file may contain."""


@pytest.fixture
def copy(small_model, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(small_model, target)
    return target


def _reseal(folder) -> None:
    card = json.loads((folder / CARD_FILE).read_text())
    card["model_sha256"] = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
    (folder / CARD_FILE).write_text(json.dumps(card))


def test_modelio_round_trip_predicts_the_same(small_model, copy) -> None:
    a, b = load_model(small_model), load_model(copy)
    assert a.touchpoints.predict(QUERY) == b.touchpoints.predict(QUERY)
    assert a.card["labels"] == b.card["labels"]


def test_modelio_card_describes_the_model(small_model) -> None:
    card = load_model(small_model).card
    for key in ("labels", "sentiments", "languages", "training_data", "featurizer", "metrics", "versions", "created", "model_sha256"):
        assert key in card
    assert card["training_data"]["sha256"] and card["training_data"]["rows_used"] > 500
    assert set(card["languages"]) == {"en", "ru", "ro", "el", "fa", "kk"}


def test_modelio_tampered_file_is_refused(copy) -> None:
    data = bytearray((copy / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum does not match model_card.json; the file was changed or belongs to another model"):
        load_model(copy)


def test_modelio_foreign_types_are_refused_before_loading(copy) -> None:
    import skops.io as sio

    sio.dump({"touchpoints": None, "sentiment": Evil()}, copy / MODEL_FILE)
    _reseal(copy)
    with pytest.raises(ModelError, match=r"refused, it would create types this analyzer does not trust: tests\.test_modelio\.Evil"):
        load_model(copy)


def test_modelio_a_pickle_is_not_a_model(copy) -> None:
    (copy / MODEL_FILE).write_bytes(pickle.dumps({"sentiment": "x"}))
    _reseal(copy)
    with pytest.raises(ModelError, match="not a skops model file"):
        load_model(copy)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: shutil.rmtree(f), "no model folder here; train one with: analyze train LABELED.csv --out"),
        (lambda f: (f / CARD_FILE).unlink(), "no model_card.json"),
        (lambda f: (f / CARD_FILE).write_text("{not json"), "model_card.json: not valid JSON"),
        (lambda f: (f / MODEL_FILE).unlink(), "no model.skops"),
    ],
)
def test_modelio_missing_or_broken_parts(copy, damage, message: str) -> None:
    damage(copy)
    with pytest.raises(ModelError, match=message):
        load_model(copy)
