"""Build ``analyzer/issues/language_means.npz``: each first-class language's mean e5 vector over the shipped labelled sample.

Issue discovery centres every text's e5 vector on its language's mean, because
e5 keeps a strong trace of the language a text is written in
(:mod:`analyzer.issues.space`). A fixed mean per language, from typical
customer remarks, removes that trace without removing what a whole file has in
common (a file that is all about one problem still groups as one issue), and it
is the same in every run, so issue centroids kept in a state file stay
comparable. Languages without a stored mean are centred on the run's own mean.

Run it again when the embedding model changes::

    python -m analyzer.devtools.language_means data/samples/labeled.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "issues" / "language_means.npz"
PER_LANGUAGE = 400
SEED = 0


def main() -> None:
    """Embed up to PER_LANGUAGE texts of each language of the labelled file and save their means."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labeled", type=Path, help="a labelled file with text and lang columns (the shipped data/samples/labeled.csv)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from analyzer.classify.embeddings import E5Featurizer
    from analyzer.text.social import for_analysis

    data = pd.read_csv(args.labeled, dtype=str, keep_default_na=False)
    featurizer = E5Featurizer().fit([])
    means = {}
    for lang, rows in sorted(data.groupby("lang")):
        texts = sorted({for_analysis(t) for t in rows["text"]} - {""})
        texts = list(np.random.default_rng(SEED).permutation(texts)[:PER_LANGUAGE])
        means[lang] = featurizer.transform(texts).mean(axis=0).astype(np.float32)
        print(f"{lang}: {len(texts)} texts")
    np.savez(args.out, **means)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
