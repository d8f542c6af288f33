"""Speed and memory of the analysis pipeline, stage by stage, as ratios against pandas.read_csv of the same file.

Usage:
    python bench/pipeline_speed.py --rows 10000 --rows 100000

Each size builds a CSV by repeating the shipped sample comments (with their
row number appended so texts differ), then times, in one process and one run:
the baseline (``pandas.read_csv``), ``read_comments``, ``prepare``, ``segment``,
``classify`` (shipped default model, loaded beforehand) and ``write_outputs``. Peak memory is measured per size in a fresh child
process (``ru_maxrss``), so sizes do not share a high-water mark.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "comments.csv"


def build_file(rows: int, folder: Path) -> Path:
    with SAMPLE.open(encoding="utf-8") as handle:
        sample = list(csv.DictReader(handle))
    path = folder / f"comments_{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(sample[0]))
        writer.writeheader()
        for i in range(rows):
            row = dict(sample[i % len(sample)])
            row["id"] = f"B{i:08d}"
            row["comment"] = f"{row['comment']} ({i})"
            writer.writerow(row)
    return path


def measure(path: Path) -> dict[str, float]:
    import pandas as pd

    from analyzer.classify.modelio import default_model_dir, load_model
    from analyzer.classify.stage import classify, roll_up
    from analyzer.config import AnalysisConfig
    from analyzer.io.ingest import read_comments
    from analyzer.pipeline import analyze
    from analyzer.report.folder import write_outputs
    from analyzer.text.prepare import prepare
    from analyzer.text.segment import segment

    config = AnalysisConfig()
    model = load_model(default_model_dir())
    times: dict[str, float] = {}
    start = time.perf_counter()
    pd.read_csv(path, dtype=str)
    times["baseline: pandas.read_csv"] = time.perf_counter() - start
    start = time.perf_counter()
    ingested = read_comments(path, config)
    times["read_comments"] = time.perf_counter() - start
    start = time.perf_counter()
    comments = prepare(ingested.comments, config)
    times["prepare (normalise, language, redact)"] = time.perf_counter() - start
    start = time.perf_counter()
    segments = segment(comments)
    times["segment"] = time.perf_counter() - start
    start = time.perf_counter()
    roll_up(comments, classify(segments, model))
    times["classify (touchpoints, sentiment, roll-up)"] = time.perf_counter() - start
    result = analyze(path, config, model=model)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        write_outputs(result, Path(out) / "analysis")
        times["write_outputs (csv)"] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="number of comments (repeatable)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        times = measure(args.child)
        times["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(times))
        return
    sizes = args.rows or [10_000]
    print("| rows | step | seconds | x baseline | rows/s |")
    print("| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            path = build_file(rows, Path(folder))
            child = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True)
            times = json.loads(child.stdout.strip().splitlines()[-1])
            peak = times.pop("peak_rss_mb")
            baseline = times["baseline: pandas.read_csv"]
            for step, seconds in times.items():
                print(f"| {rows:,} | {step} | {seconds:.2f} | {seconds / baseline:.1f} | {rows / seconds:,.0f} |")
            print(f"| {rows:,} | peak memory (whole child process) | {peak:,.0f} MB | | |")


if __name__ == "__main__":
    main()
