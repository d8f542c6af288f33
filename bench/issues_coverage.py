"""Issues on real files: coverage, titles and the sample's planted problems, old and new discovery side by side.

Usage:
    python bench/issues_coverage.py --old /work/old
    python bench/issues_coverage.py --rows 3000 --max-issues 25 --json

For each set (the shipped sample, and a seeded sample of ``--rows`` rows of
each review set in ../shared/data: Kazakh app/market reviews, Persian product
reviews, English and Russian restaurant reviews), the pipeline runs once up to
classification with the shipped default model (so every method sees the same
segments, touchpoints and sentiment), then issue discovery runs:

- ``by meaning``: this analyzer's default (e5 vectors, across touchpoints and
  languages; the embedding budget is the product default);
- ``by terms``: this analyzer with ``--group-issues terms``;
- ``old``: the discovery of another checkout (``--old ROOT``, e.g. a
  ``git worktree`` of the previous release), in a subprocess on the same
  segments: the per-touchpoint, per-language TF-IDF grouping.

Reported per set and method: complaint segments, named issues, the share of
complaint segments in a named issue (coverage), titles that occur after
normalisation as a phrase of one of their members, titles with ``@`` or
``http``, duplicate titles, titles that are comma-joined keyword pairs, and
discovery seconds (vectors embedded in that run included). For the shipped
sample, the recurring problems planted in it (``bench/data/sample_problems.toml``,
regular expressions per language) are checked: a problem is *one issue* when at
least 60% of its complaint segments are in one named issue.

These review sets are not labelled by issue, so coverage and titles are what
is measured here; agreement with true issues is ``bench/issues_bench.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "data" / "samples" / "comments.csv"
PROBLEMS = ROOT / "bench" / "data" / "sample_problems.toml"
SETS = {"kazsandra_valid": "kk", "sentipers_train": "fa", "semeval14_train": "en", "mams_train": "en", "sentirueval15_train": "ru"}
SEED = 0
ONE_ISSUE = 0.6

OLD_WORKER = """
import pickle, sys
from analyzer.issues.discover import DiscoveryContext, discover
segments, comments, max_issues = pickle.load(open(sys.argv[1], "rb"))
found = discover(segments, comments, DiscoveryContext(max_issues=max_issues))
pickle.dump((found.segments, found.issues), open(sys.argv[2], "wb"))
"""


def load(name: str, rows: int) -> pd.DataFrame:
    """A seeded sample of one review set as a comments table (id, text)."""
    data = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
    data = data.sample(n=min(rows, len(data)), random_state=SEED)
    return data[["id", "text"]].reset_index(drop=True)


def classified(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Segments (touchpoint, sentiment) and comments of one file, from the shipped model."""
    from analyzer import analyze
    from analyzer.config import AnalysisConfig

    result = analyze(frame, AnalysisConfig(group_issues="terms"))
    return result.segments.drop(columns=["feedback_kind", "issue_id", "sub_issue_id"]), result.comments


def run_new(segments: pd.DataFrame, comments: pd.DataFrame, max_issues: int, by_meaning: bool) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    from analyzer.issues.discover import DiscoveryContext, discover, e5_embedder

    start = time.perf_counter()
    found = discover(segments, comments, DiscoveryContext(max_issues=max_issues, embed=e5_embedder() if by_meaning else None))
    return found.segments, found.issues, time.perf_counter() - start


def run_old(root: Path, segments: pd.DataFrame, comments: pd.DataFrame, max_issues: int) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    with tempfile.TemporaryDirectory() as folder:
        given, answer = Path(folder) / "in.pkl", Path(folder) / "out.pkl"
        pickle.dump((segments, comments, max_issues), given.open("wb"))
        start = time.perf_counter()
        # run from the other checkout: "python -c" puts the working directory first on sys.path
        subprocess.run([sys.executable, "-c", OLD_WORKER, str(given), str(answer)], check=True, cwd=root,
                       env={**os.environ, "PYTHONPATH": str(root)})
        seconds = time.perf_counter() - start
        found_segments, issues = pickle.load(answer.open("rb"))
    return found_segments, issues, seconds


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", str(text).casefold()))


def figures(segments: pd.DataFrame, issues: pd.DataFrame) -> dict:
    from analyzer.text.social import for_analysis  # "after normalisation": members as analysis reads them

    complaint = segments[segments["feedback_kind"].isin(["complaint", "suggestion"])].drop_duplicates("segment_id")
    other = set(issues.loc[issues["status"] == "other", "issue_id"])
    named = issues[(issues["kind"] == "complaint") & (issues["status"].isin(["active", "sub"]))]
    top = named[named["status"] == "active"]
    in_member = 0
    for _, row in named.iterrows():
        column = "sub_issue_id" if row["status"] == "sub" else "issue_id"
        members = segments.loc[segments[column] == row["issue_id"], "text"] if column in segments.columns else pd.Series(dtype=str)
        in_member += any(_norm(row["title"]) in _norm(for_analysis(t)) for t in members)
    titles = named["title"].astype(str)
    return {
        "complaint_segments": len(complaint), "issues": len(top), "sub_issues": int((named["status"] == "sub").sum()),
        "coverage": float((complaint["issue_id"].notna() & ~complaint["issue_id"].isin(other)).mean()) if len(complaint) else 1.0,
        "titles": len(titles), "title_in_member": in_member / max(1, len(titles)),
        "title_handle_or_link": int(titles.str.contains(r"@|http", case=False).sum()),
        "title_duplicates": int(len(titles) - titles.str.casefold().nunique()),
        "title_keyword_pairs": int(titles.str.contains(", ").sum()),
    }


def planted(segments: pd.DataFrame, issues: pd.DataFrame) -> list[dict]:
    """Each planted problem of the shipped sample: segments, languages, share in its modal named issue."""
    problems = tomllib.loads(PROBLEMS.read_text(encoding="utf-8"))["problems"]
    complaint = segments[segments["feedback_kind"].isin(["complaint", "suggestion"])].drop_duplicates("segment_id")
    named = set(issues.loc[(issues["status"] == "active") & (issues["kind"] == "complaint"), "issue_id"])
    hits = {name: complaint.apply(lambda r, pats=pats: bool(re.search(pats.get(r["lang"], "(?!)"), r["text"], re.IGNORECASE)), axis=1)
            for name, pats in problems.items()}
    hit_count = sum(h.astype(int) for h in hits.values())
    out = []
    for name, hit in hits.items():
        rows = complaint[hit & (hit_count == 1)]
        if len(rows) < 3:
            continue
        in_named = rows["issue_id"].where(rows["issue_id"].isin(named))
        modal = in_named.value_counts()
        share = float(modal.iloc[0] / len(rows)) if len(modal) else 0.0
        out.append({"problem": name, "segments": len(rows), "languages": int(rows["lang"].nunique()), "modal_share": share,
                    "one_issue": share >= ONE_ISSUE, "issues": int(len(modal))})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000, help="rows sampled from each review set (default 3000)")
    parser.add_argument("--max-issues", type=int, default=25, help="the cap (default 25, the product default)")
    parser.add_argument("--old", type=Path, help="root of another checkout whose discovery runs as 'old' (e.g. a git worktree)")
    parser.add_argument("--cache", type=Path, help="keep each set's classified segments here and reuse them on the next run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    inputs = {"shipped sample": pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)}
    inputs.update({f"{name} ({lang}, {min(args.rows, 10**9):,} rows)": load(name, args.rows) for name, lang in SETS.items()})
    rows, problems = [], {}
    for label, frame in inputs.items():
        kept = args.cache / f"{re.sub(r'[^a-z0-9]+', '_', label.lower())}.pkl" if args.cache else None
        if kept is not None and kept.exists():
            segments, comments = pickle.load(kept.open("rb"))
        else:
            segments, comments = classified(frame)
            if kept is not None:
                kept.parent.mkdir(parents=True, exist_ok=True)
                pickle.dump((segments, comments), kept.open("wb"))
        methods = {"by meaning": lambda s=segments, c=comments: run_new(s, c, args.max_issues, True),
                   "by terms": lambda s=segments, c=comments: run_new(s, c, args.max_issues, False)}
        if args.old:
            methods["old"] = lambda s=segments, c=comments: run_old(args.old, s, c, args.max_issues)
        for method, run in methods.items():
            found, issues, seconds = run()
            rows.append({"set": label, "method": method, **figures(found, issues), "seconds": seconds})
            if label == "shipped sample":
                problems[method] = planted(found, issues)
            print(f"measured {label}: {method}", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({"sets": rows, "planted": problems}, indent=2))
        return
    print(f"max_issues {args.max_issues}, min_size 3, shipped default model; coverage = complaint segments in a named issue\n")
    print("| set | method | complaint segments | issues | sub-issues | in a named issue | titles in a member | with @/http | duplicates | "
          "keyword pairs | seconds |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in rows:
        print(f"| {f['set']} | {f['method']} | {f['complaint_segments']:,} | {f['issues']} | {f['sub_issues']} | {f['coverage']:.1%} | "
              f"{f['title_in_member']:.0%} | {f['title_handle_or_link']} | {f['title_duplicates']} | {f['title_keyword_pairs']} | {f['seconds']:.1f} |")
    print("\nPlanted problems of the shipped sample (complaint segments matching one problem's patterns):\n")
    methods = list(problems)
    print("| problem | segments | languages | " + " | ".join(f"{m}: in its top issue" for m in methods) + " |")
    print("| --- | ---: | ---: | " + " | ".join("---:" for _ in methods) + " |")
    first = problems[methods[0]]
    for i, p in enumerate(first):
        cells = [f"{problems[m][i]['modal_share']:.0%}" + (" (one issue)" if problems[m][i]["one_issue"] else "") for m in methods]
        print(f"| {p['problem']} | {p['segments']} | {p['languages']} | " + " | ".join(cells) + " |")
    print("\n" + "; ".join(f"{m}: {sum(p['one_issue'] for p in problems[m])} of {len(problems[m])} problems are one issue" for m in methods))


if __name__ == "__main__":
    main()
