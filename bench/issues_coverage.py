"""Issue coverage of the whole pipeline on real review sets: how much of the complaints lands in a named issue.

Usage:
    python bench/issues_coverage.py
    python bench/issues_coverage.py --rows 3000 --max-issues 25 --max-issues 100 --json

For each set (the shipped sample, and a seeded sample of ``--rows`` rows of
each review set in ../shared/data: Kazakh app/market reviews, Persian product
reviews, English restaurant reviews), the full ``analyzer.analyze`` runs with
the shipped default model and no store, at each ``--max-issues``. Reported:
complaint segments, named issues, the share of complaint segments in a named
issue (coverage) and the share in the per-touchpoint "other" groups.

These sets are not labelled by issue, so this measures coverage only, not
whether the issues are right; agreement with true issues is
``bench/issues_bench.py`` (banking77).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "data" / "samples" / "comments.csv"
SETS = {"kazsandra_valid": "kk", "sentipers_train": "fa", "semeval14_train": "en", "mams_train": "en"}
SEED = 0


def load(name: str, rows: int) -> pd.DataFrame:
    """A seeded sample of one review set as a comments table (id, text)."""
    data = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
    data = data.sample(n=min(rows, len(data)), random_state=SEED)
    return data[["id", "text"]].reset_index(drop=True)


def measure(frame: pd.DataFrame, max_issues: int) -> dict:
    from analyzer import analyze
    from analyzer.config import AnalysisConfig

    result = analyze(frame, AnalysisConfig(max_issues=max_issues))
    stats = result.summary.issues
    return {"complaint_segments": stats.complaint_segments, "issues": stats.issues, "coverage": stats.coverage,
            "other_share": stats.other_share}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000, help="rows sampled from each review set (default 3000)")
    parser.add_argument("--max-issues", type=int, action="append", help="caps to measure (default 25 and 100)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    caps = args.max_issues or [25, 100]
    inputs = {"shipped sample": pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)}
    inputs.update({f"{name} ({lang}, {args.rows:,} rows)": load(name, args.rows) for name, lang in SETS.items()})
    figures = []
    for label, frame in inputs.items():
        for cap in caps:
            figures.append({"set": label, "max_issues": cap, **measure(frame, cap)})
            print(f"measured {label} at max_issues {cap}", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print("| set | max_issues | complaint segments | named issues | in a named issue | in \"other\" |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for f in figures:
        print(f"| {f['set']} | {f['max_issues']} | {f['complaint_segments']:,} | {f['issues']} | {f['coverage']:.1%} | {f['other_share']:.1%} |")


if __name__ == "__main__":
    main()
