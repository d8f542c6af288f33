"""How long the report takes to build from saved outputs, and how large the page is, next to reading comments.csv with pandas.

    .venv/bin/python bench/report_speed.py --copies 1 --copies 40    # the sample, and 40 copies of it (18,120 comments)

Each size: the shipped sample repeated ``copies`` times (new comment and respondent ids, dates kept) is analysed once
with ``--adapt off``; then, in this process, ``pandas.read_csv`` of its comments.csv (the baseline), ``load_run``, the HTML
page, the Markdown digest and the workbook are timed (best of ``--repeat``), with the page's size in bytes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.report.digest import markdown_digest  # noqa: E402
from analyzer.report.html import render_report  # noqa: E402
from analyzer.report.saved import load_run  # noqa: E402
from analyzer.report.tables import write_xlsx  # noqa: E402


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _input(copies: int, folder: Path) -> Path:
    sample = pd.read_csv(ROOT / "data" / "samples" / "comments.csv", dtype=str, keep_default_na=False)
    parts = []
    for k in range(copies):
        part = sample.copy()
        part["id"] = part["id"] + f"-{k}"
        part["respondent_id"] = part["respondent_id"].where(part["respondent_id"] == "", part["respondent_id"] + f"-{k}")
        parts.append(part)
    path = folder / f"comments-{copies}.csv"
    pd.concat(parts).to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, action="append", help="sample copies per size (repeatable); default 1")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| comments | read_csv (baseline) | load_run | html | md | xlsx | page size |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for copies in args.copies or [1]:
            source = _input(copies, Path(tmp))
            out = Path(tmp) / f"out-{copies}"
            subprocess.run([sys.executable, "-m", "analyzer.cli.app", str(source), "--out", str(out), "--adapt", "off", "--quiet"], check=True, cwd=ROOT)
            run = load_run(out)
            baseline = _best(lambda out=out: pd.read_csv(out / "comments.csv", encoding="utf-8-sig"), args.repeat)
            loading = _best(lambda out=out: load_run(out), args.repeat)
            html = _best(lambda run=run: render_report(run), args.repeat)
            md = _best(lambda run=run: markdown_digest(run), args.repeat)
            xlsx = _best(lambda run=run, out=out: write_xlsx(run.tables(), out / "bench.xlsx"), 1)
            size = len(render_report(run).encode("utf-8"))
            print(f"| {len(run.comments):,} | {baseline:.2f} s | {loading:.2f} s ({loading / baseline:.1f}x) | {html:.2f} s | {md:.2f} s | {xlsx:.2f} s "
                  f"| {size / 1024:,.0f} KB |")


if __name__ == "__main__":
    main()
