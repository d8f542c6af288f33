"""Time and memory of issue discovery as the number of segments grows, as ratios against TF-IDF vectorising the same texts.

Usage:
    python bench/issues_scaling.py                                  # 10k and 100k segments
    python bench/issues_scaling.py --rows 10000 --rows 30000 --rows 100000
    python bench/issues_scaling.py --rows 10000 --english-only --json

Each size builds N complaint segments by sampling public texts from
../shared/data with light seeded perturbation (a random word of the same
language appended, or one word dropped), so repeats do not make the run
trivial: banking77 support queries (en, 70%), negative KazSAnDRA reviews (kk,
15%), negative and neutral SentiPers sentences (fa, 7.5%) and SentiRuEval-2015
review sentences (ru, 7.5%); ``--english-only`` keeps banking77 alone, so all
segments form one group (the hardest case for the grouping). Then, in a fresh
child process per size, it times the baseline (sklearn ``TfidfVectorizer``
fit on the same texts) and ``analyzer.issues.discover.discover`` (max_issues 100,
min_size 3), and reads the child's peak RSS (``ru_maxrss``), so sizes do not
share a high-water mark. Within discover, the main steps are timed by
wrapping the module's functions (no change to analyzer/): nested steps are
marked with "of which". CPU seconds (user + system, all threads) are shown
beside wall seconds because a shared machine can stretch wall time; there
``--threads 1`` keeps OpenBLAS threads from waiting on each other.

``--by meaning`` times discovery by meaning when every text's vector is
already in the state file (a re-run): the cache is stood in for by each
text's TF-IDF vector randomly projected onto e5's 384 dimensions (texts that
share words get close vectors, so groups and sub-issues form), so the figures
are time and memory only, never quality; embedding itself is timed by
``bench/issues_bench.py``.

Linear growth means each size's time ratio to the smallest size is close to
its size ratio (the "growth" column is time ratio / size ratio: 1.0 is
linear; 10x more rows at growth 2.0 would be 20x the time).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SEED = 0
MAX_ISSUES = 100
MIN_SIZE = 3
# language -> share of the segments (the rest of a rounding goes to English)
MIX = {"en": 0.70, "kk": 0.15, "fa": 0.075, "ru": 0.075}


def _pools(english_only: bool) -> dict[str, list[str]]:
    """The texts of each language the segments are sampled from."""
    import pandas as pd

    pools = {"en": pd.read_csv(DATA / "banking77_train.csv", dtype=str)["text"].dropna().tolist()}
    if english_only:
        return pools
    kk = pd.read_csv(DATA / "kazsandra_train.csv", dtype=str)
    pools["kk"] = kk.loc[kk["sentiment"] == "negative", "text"].dropna().tolist()
    fa = pd.read_csv(DATA / "sentipers_train.csv", dtype=str)
    pools["fa"] = fa.loc[fa["sentiment"].isin(["negative", "neutral"]), "text"].dropna().tolist()
    ru = pd.read_csv(DATA / "sentirueval15_train.csv", dtype=str)["text"].dropna()
    pools["ru"] = [s.strip() for review in ru for s in re.split(r"(?<=[.!?])\s+", review) if len(s.split()) >= 3]
    return pools


def build_segments(rows: int, english_only: bool = False):
    """``rows`` segments (one per comment) in the shape discover reads, and the comments table."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(SEED)
    pools = _pools(english_only)
    mix = {"en": 1.0} if english_only else MIX
    counts = {lang: int(rows * share) for lang, share in mix.items()}
    counts["en"] += rows - sum(counts.values())
    texts, langs = [], []
    for lang, n in counts.items():
        pool = pools[lang]
        vocabulary = sorted({w for t in pool for w in t.split() if w.isalpha()})
        picks = rng.integers(0, len(pool), n)
        extra = rng.integers(0, len(vocabulary), n)
        drop = rng.random(n) < 0.5
        for pick, word, dropping in zip(picks, extra, drop, strict=True):
            words = pool[pick].split()
            if dropping and len(words) > 3:
                del words[int(rng.integers(0, len(words)))]
            else:
                words.append(vocabulary[word])
            texts.append(" ".join(words))
            langs.append(lang)
    order = rng.permutation(rows)
    ids = [f"S{i:07d}" for i in range(rows)]
    segments = pd.DataFrame({"comment_id": ids, "segment_id": [f"{i}-1" for i in ids], "text": [texts[j] for j in order],
                             "lang": [langs[j] for j in order], "touchpoint": "support", "sentiment": "negative"})
    comments = pd.DataFrame({"comment_id": ids, "date": pd.NaT})
    return segments, comments


# (label, module, attribute, nested): the steps of discover that are timed
STEPS = [
    ("for_analysis (per distinct text)", "analyzer.issues.discover", "for_analysis", False),
    ("feedback_kind (per segment)", "analyzer.issues.discover", "feedback_kind", False),
    ("background_terms", "analyzer.issues.discover", "background_terms", False),
    ("TermSpace.fit_transform", "analyzer.issues.terms", "TermSpace.fit_transform", False),
    ("IssueSpace._embed (cache lookup, centring)", "analyzer.issues.space", "IssueSpace._embed", False),
    ("_candidates (grouping, fingerprints)", "analyzer.issues.discover", "_candidates", False),
    ("  of which grouping_matrix (LSA, smoothing)", "analyzer.issues.space", "IssueSpace.grouping_matrix", True),
    ("  of which cut_tree (Ward, k-means)", "analyzer.issues.discover", "cut_tree", True),
    ("_Pool.assign (all passes)", "analyzer.issues.discover", "_Pool.assign", False),
    ("assign_sub_issues", "analyzer.issues.discover", "assign_sub_issues", False),
    ("describe (titles, phrases, trends)", "analyzer.issues.discover", "describe", False),
]


def _instrument(totals: dict[str, float]) -> None:
    """Wrap each step's function so its cumulative wall time lands in ``totals``."""
    import functools
    import importlib

    for label, module_name, attribute, _ in STEPS:
        owner = importlib.import_module(module_name)
        path = attribute.split(".")
        for part in path[:-1]:
            owner = getattr(owner, part)
        original = owner.__dict__[path[-1]]
        is_classmethod = isinstance(original, classmethod)
        function = original.__func__ if is_classmethod else original

        def timed(*args, _function=function, _label=label, **kwargs):
            start = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                totals[_label] += time.perf_counter() - start

        wrapped = functools.wraps(function)(timed)
        setattr(owner, path[-1], classmethod(wrapped) if is_classmethod else wrapped)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _no_embedding(docs):
    raise AssertionError(f"{len(docs)} texts were to be embedded: every vector should come from the cache")


def _stand_in_vectors(texts: list[str]) -> dict:
    """A stand-in for the state file's vector cache: each text's TF-IDF vector projected at random onto 384 dimensions,
    under the key discover will look up. Texts that share words get close vectors, so groups form as they would."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.random_projection import GaussianRandomProjection

    from analyzer.issues.context import E5_MODEL
    from analyzer.issues.vector_cache import text_key
    from analyzer.text.social import for_analysis

    plain = sorted({for_analysis(t) for t in texts})
    projected = GaussianRandomProjection(384, random_state=SEED).fit_transform(TfidfVectorizer().fit_transform(plain))
    projected = projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-9)
    return {text_key(E5_MODEL, t): v.astype(np.float32) for t, v in zip(plain, projected, strict=True)}


def measure(rows: int, english_only: bool, profile: int, threads: int | None = None, by_meaning: bool = False) -> dict:
    """One size in this (child) process: baseline, then discover; times in seconds."""
    import pandas as pd  # noqa: F401  (imported before the clock starts)
    from sklearn.feature_extraction.text import TfidfVectorizer

    sys.path.insert(0, str(ROOT))
    from analyzer.issues.discover import DiscoveryContext, discover

    segments, comments = build_segments(rows, english_only)
    discover(segments.head(50), comments.head(50))  # load spaCy and the stemmers before the clock starts
    start = time.perf_counter()
    TfidfVectorizer().fit_transform(segments["text"])
    baseline = time.perf_counter() - start
    cache = _stand_in_vectors(segments["text"].tolist()) if by_meaning else {}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    totals: dict[str, float] = defaultdict(float)
    _instrument(totals)
    from threadpoolctl import threadpool_limits

    limits = threadpool_limits(threads)
    if profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    cpu, start = _cpu_seconds(), time.perf_counter()
    context = DiscoveryContext(max_issues=MAX_ISSUES, min_size=MIN_SIZE)
    if by_meaning:  # every vector is a cache hit: what a re-run costs once the state file holds the texts' vectors
        context = DiscoveryContext(max_issues=MAX_ISSUES, min_size=MIN_SIZE, embed=_no_embedding,
                                   lookup=lambda keys: {k: cache[k] for k in keys if k in cache})
    found = discover(segments, comments, context)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    limits.restore_original_limits()
    report = None
    if profile:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        report = out.getvalue()
    return {
        "rows": rows,
        "distinct_texts": int(segments["text"].nunique()),
        "languages": segments["lang"].value_counts().to_dict(),
        "baseline_seconds": baseline,
        "discover_seconds": seconds,
        "discover_cpu_seconds": cpu,
        "steps": {label: totals.get(label, 0.0) for label, *_ in STEPS},
        "issues": found.stats["issues"],
        "other_share": found.stats["other_share"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_discover_mb": rss_before,
        "profile": report,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="number of segments (repeatable; default 10000 and 100000)")
    parser.add_argument("--english-only", action="store_true", help="banking77 alone: every segment in one group")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print the N heaviest functions (cProfile, cumulative) of each size; slows the run")
    parser.add_argument("--threads", type=int, help="limit BLAS/OpenMP threads in discover (threadpoolctl); default: the libraries' own")
    parser.add_argument("--by", choices=("terms", "meaning"), default="terms",
                        help="group by terms, or by meaning with every vector a cache hit (pseudo-random stand-ins: timing only)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.english_only, args.profile, args.threads, args.by == "meaning")))
        return
    sizes = sorted(args.rows or [10_000, 100_000])
    results = []
    for rows in sizes:
        command = [sys.executable, __file__, "--child", str(rows), "--profile", str(args.profile)]
        command += ["--english-only"] if args.english_only else []
        command += ["--threads", str(args.threads)] if args.threads else []
        command += ["--by", args.by]
        wall = time.perf_counter()
        child = subprocess.run(command, capture_output=True, text=True)
        if child.returncode:
            sys.exit(f"size {rows}: the child failed\n{child.stderr[-3000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        result["child_wall_seconds"] = time.perf_counter() - wall
        results.append(result)
        if not args.json:
            print(f"size {rows:,}: done in {result['child_wall_seconds']:.0f} s", file=sys.stderr, flush=True)
    smallest = results[0]
    for r in results:
        size_ratio = r["rows"] / smallest["rows"]
        r["size_ratio"] = size_ratio
        r["time_ratio"] = r["discover_seconds"] / smallest["discover_seconds"]
        r["growth"] = r["time_ratio"] / size_ratio
        r["x_baseline"] = r["discover_seconds"] / r["baseline_seconds"]
        r["seconds_per_1k"] = r["discover_seconds"] / r["rows"] * 1000
    if args.json:
        print(json.dumps({"english_only": args.english_only, "threads": args.threads, "max_issues": MAX_ISSUES, "min_size": MIN_SIZE,
                          "sizes": results}, indent=2))
        return
    mix = "banking77 only (en)" if args.english_only else ", ".join(f"{lang} {share:.1%}" for lang, share in MIX.items())
    threads = f"BLAS threads limited to {args.threads}" if args.threads else "library default threads"
    print(f"Issue discovery, max_issues {MAX_ISSUES}, min_size {MIN_SIZE}, {threads}; segments: {mix}\n")
    print("| segments | distinct texts | discover s | CPU s | s per 1k | x baseline (TF-IDF) | size ratio | time ratio | growth | "
          "issues | other | peak RSS MB | RSS before discover MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['rows']:,} | {r['distinct_texts']:,} | {r['discover_seconds']:.1f} | {r['discover_cpu_seconds']:.1f} | "
              f"{r['seconds_per_1k']:.2f} | {r['x_baseline']:.0f} | "
              f"{r['size_ratio']:.0f} | {r['time_ratio']:.1f} | {r['growth']:.2f} | {r['issues']} | {r['other_share']:.1%} | "
              f"{r['peak_rss_mb']:,.0f} | {r['rss_before_discover_mb']:,.0f} |")
    print("\nSteps of discover (seconds; growth = step's time ratio to the smallest size / size ratio):\n")
    print("| step | " + " | ".join(f"{r['rows']:,}" for r in results) + " | growth at largest |")
    print("| --- | " + " | ".join("---:" for _ in results) + " | ---: |")
    rows_of = [(label, [r["steps"][label] for r in results]) for label, *_ in STEPS]
    rows_of.append(("baseline: TfidfVectorizer fit", [r["baseline_seconds"] for r in results]))
    for label, values in rows_of:
        growth = (values[-1] / values[0]) / results[-1]["size_ratio"] if values[0] > 0 and len(values) > 1 else float("nan")
        print(f"| {label} | " + " | ".join(f"{v:.2f}" for v in values) + f" | {growth:.2f} |")
    for r in results:
        if r["profile"]:
            print(f"\ncProfile, {r['rows']:,} segments:\n{r['profile']}")


if __name__ == "__main__":
    main()
