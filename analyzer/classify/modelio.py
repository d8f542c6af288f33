"""Saving and loading trained models: a skops file plus a JSON model card, never a pickle.

A model folder holds ``model.skops`` and ``model_card.json``. Loading checks,
before anything is deserialised, that the card exists and that the file's
SHA-256 matches the card, then asks skops which types the file would create
and refuses the file if any is outside :data:`TRUSTED_TYPES`. A tampered or
foreign file is therefore refused with a clear message and no code from it
runs.

Example:
    >>> default_model_dir().name
    'default'
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.classify.estimators import SentimentClassifier, TouchpointClassifier
from analyzer.classify.teacher import Teacher
from analyzer.errors import ModelError
from analyzer.io.atomic import write_folder

MODEL_FILE = "model.skops"
CARD_FILE = "model_card.json"
CARD_FORMAT = 1

# Every non-builtin type a model file may contain. skops refuses anything else.
TRUSTED_TYPES = frozenset({
    "analyzer.classify.estimators.TouchpointClassifier",
    "analyzer.classify.estimators.SentimentClassifier",
    "analyzer.classify.features.TfidfFeatures",
    "analyzer.classify.features._identity",
    "analyzer.classify.embeddings.E5Featurizer",
    "analyzer.classify.teacher.Teacher",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.model_selection._split.KFold",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.dummy.DummyClassifier",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "builtins.slice",
})


@dataclass
class FeedbackModel:
    """A trained model: touchpoint detector (absent for sentiment-only models), sentiment classifier, card.

    Attributes:
        touchpoints: the multi-label touchpoint classifier, or ``None``.
        sentiment: the (text, touchpoint) sentiment classifier.
        card: the model card (labels, languages, training data, metrics, versions).
        teacher: the e5 teacher trained on the same labels (:mod:`analyzer.classify.teacher`), or ``None``.
        training: the training rows (``text``, ``lang``, ``labels`` lists, ``labels`` in the training-file
            format), kept so a run can refit the model on them plus its own file (:mod:`analyzer.classify.adapt`).
    """

    touchpoints: TouchpointClassifier | None
    sentiment: SentimentClassifier
    card: dict[str, Any]
    teacher: Teacher | None = None
    training: dict[str, list[str]] | None = None

    @property
    def cv_f1(self) -> float | None:
        """Cross-validated touchpoint micro-F1 from the card (``None`` for sentiment-only models).

        Example:
            >>> FeedbackModel(None, SentimentClassifier(), {"metrics": {"touchpoints": None}}).cv_f1 is None
            True
        """
        report = self.card.get("metrics", {}).get("touchpoints")
        return None if not report else float(report["micro"]["f1"])


def default_model_dir() -> Path:
    """The model used when no ``--model`` is given: ``$ANALYZER_MODEL`` if set, else the shipped default model.

    The shipped model is the source tree's top-level ``models/default``. It is
    installed as package data of ``analyzer._models`` (pyproject.toml maps that
    package onto ``models/``), so a wheel, ``pip install .``, pipx and the
    editable install all find it here from any working directory. A source tree
    that is only on ``sys.path``, or an editable install made before the mapping
    existed, falls back to ``models/default`` beside the ``analyzer`` folder.

    Raises:
        ModelError: the package was imported from a zip archive, where the model is no folder (set ``ANALYZER_MODEL``).
    """
    import importlib.resources

    env = os.environ.get("ANALYZER_MODEL")
    if env:
        return Path(env)
    try:
        shipped = importlib.resources.files("analyzer._models") / "default"
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "models" / "default"
    if not isinstance(shipped, Path):  # a zip import: the loader needs a real folder
        raise ModelError(f"{shipped}: the shipped model is inside an archive; set ANALYZER_MODEL to a model folder or pass --model")
    return shipped


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: FeedbackModel, folder: str | Path) -> Path:
    """Write ``model.skops`` and ``model_card.json`` into ``folder``, replacing it atomically.

    The card gains ``model_sha256`` (checked on load) and ``format``.
    """
    import skops.io as sio

    folder = Path(folder)

    def fill(staging: Path) -> None:
        path = staging / MODEL_FILE
        sio.dump({"touchpoints": model.touchpoints, "sentiment": model.sentiment, "teacher": model.teacher,
                  "training": model.training}, path, compression=8)
        model.card["format"] = CARD_FORMAT
        model.card["model_sha256"] = _sha256(path)
        (staging / CARD_FILE).write_text(json.dumps(model.card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    write_folder(folder, fill)
    return folder


def read_card(folder: str | Path) -> dict[str, Any]:
    """The model card of a model folder.

    Raises:
        ModelError: no folder, no card, or a card that is not a JSON object.
    """
    folder = Path(folder)
    card_path = folder / CARD_FILE
    if not folder.is_dir():
        raise ModelError(f"{folder}: no model folder here; train one with: analyze train LABELED.csv --out {folder}")
    if not card_path.is_file():
        raise ModelError(f"{folder}: no {CARD_FILE}; a model folder holds {MODEL_FILE} and {CARD_FILE} written by analyze train")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelError(f"{card_path}: not valid JSON ({error}); retrain the model or restore the file") from None
    if not isinstance(card, dict):
        raise ModelError(f"{card_path}: expected a JSON object; retrain the model or restore the file")
    return card


_LOADED: dict[tuple[str, str], FeedbackModel] = {}


def load_model(folder: str | Path) -> FeedbackModel:
    """Load a model folder, refusing files that do not match their card or hold untrusted types.

    A model already loaded in this process from the same file with the same
    checksum is returned again without deserialising it a second time.

    Raises:
        ModelError: missing or damaged folder, checksum mismatch, untrusted content.
    """
    folder = Path(folder)
    card = read_card(folder)
    path = folder / MODEL_FILE
    if not path.is_file():
        raise ModelError(f"{folder}: no {MODEL_FILE}; retrain with: analyze train LABELED.csv --out {folder}")
    checksum = _sha256(path)
    if card.get("model_sha256") != checksum:
        raise ModelError(f"{path}: checksum does not match {CARD_FILE}; the file was changed or belongs to another model, so it is "
                         f"refused (retrain it, or restore both files together)")
    key = (str(path.resolve()), checksum)
    if key not in _LOADED:
        _LOADED.clear()  # keep one model in memory, not every model ever loaded
        _LOADED[key] = _deserialise(path, card)
    return _LOADED[key]


def _deserialise(path: Path, card: dict[str, Any]) -> FeedbackModel:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as error:  # skops raises various errors for files that are not its zip format
        raise ModelError(f"{path}: not a skops model file ({type(error).__name__}); retrain the model") from None
    foreign = sorted(set(untrusted) - TRUSTED_TYPES)
    if foreign:
        raise ModelError(f"{path}: refused, it would create types this analyzer does not trust: {', '.join(foreign)}")
    try:
        content = sio.load(path, trusted=list(untrusted))
    except Exception as error:  # a damaged zip or a skops format error
        raise ModelError(f"{path}: cannot be read ({type(error).__name__}: {error}); retrain the model") from None
    if not isinstance(content, dict) or not isinstance(content.get("sentiment"), SentimentClassifier) or not (
        content.get("touchpoints") is None or isinstance(content["touchpoints"], TouchpointClassifier)
    ):
        raise ModelError(f"{path}: does not hold a feedback model (touchpoint and sentiment classifiers); retrain the model")
    teacher, training = content.get("teacher"), content.get("training")
    if not (teacher is None or isinstance(teacher, Teacher)) or not (training is None or _is_training(training)):
        raise ModelError(f"{path}: its teacher or training rows are damaged; retrain the model")
    return FeedbackModel(content["touchpoints"], content["sentiment"], card, teacher, training)


def _is_training(training: object) -> bool:
    if not isinstance(training, dict) or set(training) != {"text", "lang", "labels"}:
        return False
    columns = list(training.values())
    return all(isinstance(c, list) and len(c) == len(columns[0]) and all(isinstance(v, str) for v in c) for c in columns)
