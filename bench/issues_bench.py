"""Issue discovery against BERTopic on banking77 (each intent taken as an issue): agreement, "other" share, stability and time.

Usage:
    python bench/issues_bench.py --bertopic-python /tmp/bertopic-venv/bin/python
    python bench/issues_bench.py --rows 5000 --max-issues 100 --json
    python bench/issues_bench.py --no-bertopic

BERTopic is not a dependency of the product and must not be installed in its
venv. Set it up in a venv of its own and pass that interpreter:

    python3 -m venv /tmp/bertopic-venv
    /tmp/bertopic-venv/bin/pip install --no-deps bertopic==0.17.4
    /tmp/bertopic-venv/bin/pip install umap-learn hdbscan scikit-learn pandas numpy tqdm pyyaml packaging

This script then runs itself there with ``--worker`` (texts in, topic labels
out, as JSON; HF_HUB_OFFLINE=1). Without ``--bertopic-python`` it uses
BERTopic in-process when it can be imported, else leaves it out.

Protocol, all in one run on the same seeded sample of ``--rows`` banking77
rows (intent = the true issue):

- Ours: ``analyzer.issues.discover.discover`` with every row one complaint segment of
  one touchpoint, at ``--max-issues`` (default 100, above the 77 intents) and
  at the product default (25) to show what the cap does; by meaning (e5
  vectors, the product default; every text embedded once before the clock
  starts, that cost reported apart) and by terms (``--by``). The "other" group and
  filler count as one "other" label.
- BERTopic 0.17.4: ``embedding_model=make_pipeline(TfidfVectorizer(),
  TruncatedSVD(100, random_state=0))``, UMAP with its BERTopic defaults and
  ``random_state=42``, default HDBSCAN (min_topic_size 10); topic -1
  (outliers) counts as one "other" label. Also, labelled apart,
  ``reduce_outliers`` (default strategy) applied to the same fits.
- Agreement with the intents: V-measure, ARI, NMI (sklearn.metrics), the mean
  of two runs; "V grouped" is the V-measure over the rows not in "other".
- Stability: each method runs on two different shuffles of the same rows; ARI
  and NMI between the two labelings, and (ours) the share of rows with the
  very same issue id.
- +10% new rows: a run on a seeded 90% of the sample, then one on all of it.
  Ours with the SQLite store carried over (the first run recorded as the CLI
  does); the share of the 90% rows whose issue id is unchanged, and where the
  others went (an issue split off their issue, another new or known issue,
  "other"; rows whose issue the second run dropped, to the cap or min_size).
  And without a store: ARI/NMI and identical ids on the common rows between
  the fresh 90% and 100% runs (ours and BERTopic).
- Time: wall seconds of the discover / fit_transform call, mean of the two
  shuffled runs, after an untimed warm-up (spaCy loading; UMAP's numba
  compilation) and with the analyzer's per-text caches emptied before each
  run (BERTopic tokenises from scratch too); also as a ratio to fitting
  sklearn's TfidfVectorizer on the same texts in the same process, and ours as
  a ratio to BERTopic. On a shared machine OpenBLAS threads can wait on each
  other; ``--threads 1`` limits BLAS/OpenMP threads in both processes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SEED = 0
SHUFFLE_SEEDS = (1, 2)
PRODUCT_MAX_ISSUES = 25
MIN_SIZE = 3
NEW_SHARE = 0.10
WARMUP_DOCS = 300


# ---------------------------------------------------------------- BERTopic worker (runs in BERTopic's own venv: numpy, sklearn only)
def bertopic_worker(runs: list[list[str]], threads: int | None = None) -> dict:
    """Fit BERTopic on each list of texts; topics in the given order, seconds, and the same with reduce_outliers."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if threads:
        os.environ.setdefault("NUMBA_NUM_THREADS", str(threads))
    start = time.perf_counter()
    import bertopic
    from bertopic import BERTopic
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from umap import UMAP

    import_seconds = time.perf_counter() - start

    def model() -> BERTopic:
        return BERTopic(embedding_model=make_pipeline(TfidfVectorizer(), TruncatedSVD(100, random_state=0)),
                        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42))

    from threadpoolctl import threadpool_limits

    out: dict = {"bertopic": bertopic.__version__, "import_seconds": import_seconds, "runs": []}
    with contextlib.redirect_stdout(sys.stderr), threadpool_limits(threads):
        start = time.perf_counter()
        model().fit_transform(runs[0][:WARMUP_DOCS])  # numba compiles UMAP and HDBSCAN code on first use
        out["warmup_seconds"] = time.perf_counter() - start
        for texts in runs:
            start = time.perf_counter()
            TfidfVectorizer().fit_transform(texts)
            baseline = time.perf_counter() - start
            fitted = model()
            start = time.perf_counter()
            topics, _ = fitted.fit_transform(texts)
            seconds = time.perf_counter() - start
            start = time.perf_counter()
            reduced = fitted.reduce_outliers(texts, topics)
            reduce_seconds = time.perf_counter() - start
            out["runs"].append({"topics": [int(t) for t in topics], "seconds": seconds, "baseline_seconds": baseline,
                                "reduced": [int(t) for t in reduced], "reduce_seconds": reduce_seconds})
    return out


def run_bertopic(runs: list[list[str]], python: str | None, threads: int | None) -> dict | None:
    """BERTopic's labels for each run: through ``python --worker`` when given, else in-process when importable, else None."""
    if python is None:
        try:
            import bertopic  # noqa: F401
        except ImportError:
            return None
        return bertopic_worker(runs, threads)
    with tempfile.TemporaryDirectory() as folder:
        request = Path(folder) / "request.json"
        request.write_text(json.dumps(runs), encoding="utf-8")
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        command = [python, __file__, "--worker", str(request)] + (["--threads", str(threads)] if threads else [])
        child = subprocess.run(command, capture_output=True, text=True, env=env)
    if child.returncode:
        sys.exit(f"the BERTopic worker ({python}) failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- ours (product venv)
def load_sample(rows: int):
    import pandas as pd

    data = pd.read_csv(DATA / "banking77_train.csv", dtype=str, keep_default_na=False)
    return data.sample(n=min(rows, len(data)), random_state=SEED).reset_index(drop=True)


def run_ours(sample, max_issues: int, store=None, embed=None) -> tuple[np.ndarray, float, float, dict]:
    """Issue ids in the sample's row order ("OTHER" for filler), seconds, baseline seconds, and the Discovery (for the store).

    With ``embed`` (by meaning), every text is embedded (the budget is the sample's size); the vectors come from the
    embedder's in-process cache, filled by an untimed warm-up, so the seconds are discovery with cached vectors."""
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analyzer.issues.discover import DiscoveryContext, discover

    ids = sample["id"]
    segments = pd.DataFrame({"comment_id": ids, "segment_id": ids + "-1", "text": sample["text"], "lang": "en",
                             "touchpoint": "support", "sentiment": "negative"})
    comments = pd.DataFrame({"comment_id": ids, "date": pd.NaT})
    start = time.perf_counter()
    TfidfVectorizer().fit_transform(sample["text"])
    baseline = time.perf_counter() - start
    _clear_text_caches()
    context = DiscoveryContext.from_store(store, max_issues=max_issues, min_size=MIN_SIZE, run_date=None, embed=embed,
                                          embed_budget=len(sample))
    start = time.perf_counter()
    found = discover(segments, comments, context)
    seconds = time.perf_counter() - start
    labels = found.segments.drop_duplicates("comment_id").set_index("comment_id")["issue_id"].reindex(ids)
    return labels.fillna("OTHER").astype(str).to_numpy(), seconds, baseline, found


def _clear_text_caches() -> None:
    """Forget the analyzer's per-text caches (tokens, stems, lemmas, terms) so every timed run starts as cold as BERTopic's."""
    from analyzer.issues import phrases
    from analyzer.text import tokens

    for cached in (tokens.token_pairs, tokens._normalize_tokens, tokens._stem, tokens._russian_lemma, phrases._doc_terms):
        cached.cache_clear()


def is_other(labels: np.ndarray) -> np.ndarray:
    """Ours: the "other" group or filler; BERTopic: topic -1."""
    if labels.dtype.kind in "iu":
        return labels == -1
    return np.array([label == "OTHER" or label.endswith("-OTHER") for label in labels])


def agreement(truth: np.ndarray, labels: np.ndarray) -> dict:
    from sklearn import metrics

    other = is_other(labels)
    merged = np.where(other, "other", labels.astype(str))
    return {"issues": int(len(set(merged[~other]))), "other_share": float(other.mean()),
            "v_measure": metrics.v_measure_score(truth, merged), "ari": metrics.adjusted_rand_score(truth, merged),
            "nmi": metrics.normalized_mutual_info_score(truth, merged),
            "v_grouped": metrics.v_measure_score(truth[~other], merged[~other]) if (~other).any() else float("nan")}


def between(a: np.ndarray, b: np.ndarray) -> dict:
    """Agreement of two labelings of the same rows ("other" is one label in each)."""
    from sklearn import metrics

    a = np.where(is_other(a), "other", a.astype(str))
    b = np.where(is_other(b), "other", b.astype(str))
    return {"ari": metrics.adjusted_rand_score(a, b), "nmi": metrics.normalized_mutual_info_score(a, b), "identical": float((a == b).mean())}


def moves(first: np.ndarray, second: np.ndarray, split_from: dict[str, str], dropped: set[str]) -> dict:
    """Where the rows whose id changed went: to an issue split off their issue, to another new issue, to another
    issue of the first run, into or out of "other"; and how many left an issue the second run no longer has (the cap)."""
    known = set(first)
    changed = first != second
    into, out = is_other(second) & changed, is_other(first) & changed
    moved = changed & ~into & ~out
    split = np.array([split_from.get(b) == a for a, b in zip(first, second, strict=True)]) & moved
    new = np.array([label not in known for label in second]) & moved & ~split
    return {"to_split_off": float(split.mean()), "to_new_issue": float(new.mean()), "to_known_issue": float((moved & ~split & ~new).mean()),
            "to_other": float(into.mean()), "from_other": float(out.mean()),
            "left_dropped_issue": float((np.isin(first, list(dropped)) & changed).mean()),
            "splits": len(split_from), "first_run_issues_dropped": len(dropped)}


def mean_of(rows: list[dict]) -> dict:
    return {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}


def bench_ours(sample, orders: list[np.ndarray], subset: np.ndarray, max_issues: int, embed=None) -> dict:
    """Two shuffled runs, then 90% -> 100% with and without a store."""
    from analyzer.issues.store import RunRecord, Store

    truth = sample["reason"].to_numpy()
    runs = []
    for order in orders:
        shuffled = sample.iloc[order]
        labels, seconds, baseline, _ = run_ours(shuffled, max_issues, embed=embed)
        back = np.empty_like(labels)
        back[order] = labels
        runs.append({"labels": back, "seconds": seconds, "baseline_seconds": baseline})
    by = "by meaning" if embed is not None else "by terms"
    result = {"method": f"ours {by}, max_issues {max_issues}", "max_issues": max_issues,
              **mean_of([agreement(truth, r["labels"]) for r in runs]),
              "stability": between(runs[0]["labels"], runs[1]["labels"]),
              "seconds": float(np.mean([r["seconds"] for r in runs])),
              "baseline_seconds": float(np.mean([r["baseline_seconds"] for r in runs]))}
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "analysis.sqlite")
        part = sample.iloc[subset]
        first, _, _, found = run_ours(part, max_issues, store, embed)
        store.add_run(RunRecord("2026-01-01T00:00:00+00:00", "banking77 90%", None, len(part), found.runs, found.vectors))
        second, _, _, again = run_ours(sample, max_issues, store, embed)
        store.close()
    result["plus_10_store"] = {"unchanged": float((second[subset] == first).mean()), **between(first, second[subset]),
                               **moves(first, second[subset], {r.issue_id: r.split_from for r in again.runs if r.split_from},
                                       {r.issue_id for r in found.runs} - set(second))}
    result["plus_10_fresh"] = between(first, runs[0]["labels"][subset])
    return result


def bench_bertopic(sample, orders: list[np.ndarray], subset: np.ndarray, python: str | None, threads: int | None) -> list[dict]:
    texts = sample["text"].tolist()
    requests = [[texts[i] for i in order] for order in orders] + [[texts[i] for i in subset]]
    answer = run_bertopic(requests, python, threads)
    if answer is None:
        return []
    truth = sample["reason"].to_numpy()
    results = []
    for key, name, extra in (("topics", "BERTopic", None), ("reduced", "BERTopic + reduce_outliers", "reduce_seconds")):
        labelings = []
        for order, run in zip(orders, answer["runs"], strict=False):
            back = np.empty(len(order), dtype=int)
            back[order] = run[key]
            labelings.append(back)
        runs = answer["runs"][:len(orders)]
        seconds = [r["seconds"] + (r[extra] if extra else 0.0) for r in runs]
        results.append({"method": f"{name} {answer['bertopic']}", **mean_of([agreement(truth, lab) for lab in labelings]),
                        "stability": between(labelings[0], labelings[1]), "seconds": float(np.mean(seconds)),
                        "baseline_seconds": float(np.mean([r["baseline_seconds"] for r in runs])),
                        "plus_10_fresh": between(np.array(answer["runs"][-1][key]), labelings[0][subset]),
                        "import_seconds": answer["import_seconds"], "warmup_seconds": answer["warmup_seconds"]})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="banking77 rows in the seeded sample (default 2000)")
    parser.add_argument("--max-issues", type=int, default=100, help="our cap on named issues (default 100; 77 intents)")
    parser.add_argument("--bertopic-python", help="python of a venv with bertopic (see the docstring); default: in-process if importable")
    parser.add_argument("--no-bertopic", action="store_true", help="leave BERTopic out")
    parser.add_argument("--threads", type=int, help="limit BLAS/OpenMP threads in both methods (threadpoolctl); default: the libraries' own")
    parser.add_argument("--by", choices=("meaning", "terms", "both"), default="both", help="group issues by meaning (e5), by terms, or both")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(bertopic_worker(json.loads(args.worker.read_text(encoding="utf-8")), args.threads)))
        return
    sys.path.insert(0, str(ROOT))
    import warnings

    warnings.filterwarnings("ignore")
    sample = load_sample(args.rows)
    n = len(sample)
    orders = [np.random.default_rng(seed).permutation(n) for seed in SHUFFLE_SEEDS]
    subset = np.sort(np.random.default_rng(SEED).choice(n, size=n - round(n * NEW_SHARE), replace=False))
    from threadpoolctl import threadpool_limits

    caps = list(dict.fromkeys([args.max_issues, PRODUCT_MAX_ISSUES]))
    with threadpool_limits(args.threads):
        run_ours(load_sample(50), PRODUCT_MAX_ISSUES)  # spaCy and the stemmers load before the clock starts
        results = []
        embed_seconds = None
        if args.by in ("meaning", "both"):
            from analyzer.issues.discover import e5_embedder
            from analyzer.text.social import for_analysis

            embed = e5_embedder()
            start = time.perf_counter()
            embed([(for_analysis(t), "en") for t in sorted(set(sample["text"]))])  # the first run's embedding cost, reported apart
            embed_seconds = time.perf_counter() - start
            results += [bench_ours(sample, orders, subset, cap, embed) for cap in caps]
        if args.by in ("terms", "both"):
            results += [bench_ours(sample, orders, subset, cap) for cap in caps]
    results += [] if args.no_bertopic else bench_bertopic(sample, orders, subset, args.bertopic_python, args.threads)
    bertopic = next((r for r in results if r["method"].startswith("BERTopic ")), None)
    for r in results:
        r["x_baseline"] = r["seconds"] / r["baseline_seconds"]
        r["x_bertopic"] = r["seconds"] / bertopic["seconds"] if bertopic else None
    summary = {"rows": n, "intents": int(sample["reason"].nunique()), "seed": SEED, "threads": args.threads, "shuffle_seeds": list(SHUFFLE_SEEDS),
               "embed_seconds": embed_seconds,
               "first_run_rows": len(subset), "min_size": MIN_SIZE, "results": results}
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print_tables(summary, bertopic, args)


def print_tables(summary: dict, bertopic: dict | None, args: argparse.Namespace) -> None:
    results = summary["results"]
    threads = f"BLAS threads limited to {summary['threads']}" if summary["threads"] else "library default threads"
    print(f"banking77: {summary['rows']:,} rows (seed {summary['seed']}), {summary['intents']} intents as the true issues; "
          f"min_size {summary['min_size']}; {threads}\n")
    print("| method | issues | other | V-measure | ARI | NMI | V grouped | shuffle ARI | shuffle NMI | same ids | seconds | "
          "x TF-IDF | x BERTopic |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        same = f"{r['stability']['identical']:.1%}" if r["method"].startswith("ours") else "-"
        ratio = f"{r['x_bertopic']:.2f}" if r["x_bertopic"] is not None else "-"
        print(f"| {r['method']} | {r['issues']:.0f} | {r['other_share']:.1%} | {r['v_measure']:.3f} | {r['ari']:.3f} | {r['nmi']:.3f} | "
              f"{r['v_grouped']:.3f} | {r['stability']['ari']:.3f} | {r['stability']['nmi']:.3f} | {same} | {r['seconds']:.1f} | "
              f"{r['x_baseline']:.0f} | {ratio} |")
    print(f"\n+10% new rows: a run on {summary['first_run_rows']:,} rows, then on all {summary['rows']:,}; "
          f"compared on the {summary['first_run_rows']:,} common rows\n")
    print("| method | store | ids unchanged | ARI | NMI | to a split-off of its issue | to another new issue | to another known issue | "
          "into other | out of other | of which left an issue the second run dropped | splits | first-run issues dropped |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        if "plus_10_store" in r:
            s = r["plus_10_store"]
            print(f"| {r['method']} | carried over | {s['unchanged']:.1%} | {s['ari']:.3f} | {s['nmi']:.3f} | {s['to_split_off']:.1%} | "
                  f"{s['to_new_issue']:.1%} | {s['to_known_issue']:.1%} | {s['to_other']:.1%} | {s['from_other']:.1%} | "
                  f"{s['left_dropped_issue']:.1%} | {s['splits']} | {s['first_run_issues_dropped']} |")
        f = r["plus_10_fresh"]
        same = f"{f['identical']:.1%}" if r["method"].startswith("ours") else "-"
        print(f"| {r['method']} | none (fresh runs) | {same} | {f['ari']:.3f} | {f['nmi']:.3f} | | | | | | | | |")
    if summary.get("embed_seconds") is not None:
        print(f"\nEmbedding the {summary['rows']:,} texts once with e5 (the first run's cost, not counted above): {summary['embed_seconds']:.1f} s")
    if bertopic:
        print(f"\nBERTopic process: import {bertopic['import_seconds']:.1f} s and warm-up fit on {WARMUP_DOCS} texts "
              f"{bertopic['warmup_seconds']:.1f} s, not counted above. Seconds: the mean of the two shuffled runs.")
    elif not args.no_bertopic:
        print("\nBERTopic left out: not importable here; pass --bertopic-python (see the docstring).")
    ours = results[0]
    print(f"\nAims (ours at max_issues {ours['max_issues']}):")
    if bertopic:
        beats = all(ours[k] > bertopic[k] for k in ("v_measure", "ari", "nmi"))
        print(f"- agreement above BERTopic (V, ARI, NMI): {'yes' if beats else 'no'}")
        stable = ours["stability"]["ari"] > bertopic["stability"]["ari"]
        print(f"- more stable under shuffling (ARI {ours['stability']['ari']:.3f} vs {bertopic['stability']['ari']:.3f}): "
              f"{'yes' if stable else 'no'}")
        print(f"- faster ({ours['x_bertopic']:.2f}x BERTopic's time): {'yes' if ours['x_bertopic'] < 1 else 'no'}")
    print(f"- identical under shuffling (ARI 1.0, same ids): {'yes' if ours['stability']['identical'] == 1.0 else 'no'}")
    print(f"- other under 10% ({ours['other_share']:.1%}): {'yes' if ours['other_share'] < 0.10 else 'no'}")
    unchanged = ours["plus_10_store"]["unchanged"]
    print(f"- +10% rows with a store, ids unchanged >= 95% ({unchanged:.1%}): {'yes' if unchanged >= 0.95 else 'no'}")


if __name__ == "__main__":
    main()
