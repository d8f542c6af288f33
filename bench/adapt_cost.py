"""What adapting to the file costs: whole-run time of the old default against the new one, in one run.

Usage:
    python bench/adapt_cost.py --old-model OLD_MODEL_DIR [--rows 5000 --rows 20000]

The input mixes real reviews in four languages from ``../shared/data``
(KazSAnDRA, SentiPers, SemEval-2014 and -2016 restaurants; a seeded sample,
repeated with a row number appended when more rows are asked for than exist),
so segments are as long and varied as a user's. For each size it times
:func:`analyzer.analyze` with the old model (no adaptation) and with the new
default (``--adapt auto``), and prints the adaptation's fixed cost
(``summary.adaptation.seconds``) and the throughput of everything else.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from analyzer import analyze  # noqa: E402
from analyzer.classify.modelio import default_model_dir, load_model  # noqa: E402
from analyzer.config import AdaptSettings, AnalysisConfig  # noqa: E402


def build(rows: int) -> pd.DataFrame:
    """``rows`` comments drawn from the four review sets, texts made distinct by their row number when repeated."""
    files = ("kazsandra_valid.csv", "sentipers_train.csv", "semeval14_train.csv", "semeval16_train.csv")
    texts = pd.concat([pd.read_csv(DATA / f)["text"].astype(str) for f in files], ignore_index=True)
    texts = texts.sample(frac=1.0, random_state=0).reset_index(drop=True)
    out = [texts[i % len(texts)] + (f" ({i // len(texts)})" if i >= len(texts) else "") for i in range(rows)]
    return pd.DataFrame({"id": [f"r{i}" for i in range(rows)], "text": out})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old-model", type=Path, required=True)
    parser.add_argument("--rows", type=int, action="append")
    args = parser.parse_args()
    old, new = load_model(args.old_model), load_model(default_model_dir())
    print("| comments | model | path | teacher-labeled segments | whole run s | adaptation s | comments/s beyond adaptation |")
    print("|---:|---|---|---:|---:|---:|---:|")
    for rows in args.rows or [5000]:
        frame = build(rows)
        for name, model, mode in (("old default", old, "off"), ("new default", new, "auto")):
            clock = time.perf_counter()
            result = analyze(frame, AnalysisConfig(adapt=AdaptSettings(mode=mode)), model=model)
            seconds = time.perf_counter() - clock
            fixed = float(result.summary.adaptation["seconds"])
            info = result.summary.adaptation
            print(f"| {rows:,} | {name} | {info['path']} | {info['teacher_labeled']:,} | {seconds:.1f} | {fixed:.1f} | "
                  f"{rows / max(seconds - fixed, 1e-9):,.0f} |", flush=True)


if __name__ == "__main__":
    main()
