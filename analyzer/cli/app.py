"""The ``analyze`` command: a thin typer layer over the library.

``analyze FILE`` runs the analysis (it is the ``run`` command, picked when the
first argument is not a command name); subcommands hang off the same app.

Example:
    >>> from typer.testing import CliRunner
    >>> CliRunner().invoke(app, ["--version"]).output.startswith("analyze ")
    True
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from analyzer import __version__
from analyzer.cli.common import Debug, Quiet, err_console, reported
from analyzer.config import AnalysisConfig

# The run options' defaults are the library's (AnalysisConfig), shown in --help.
_DEFAULT = {f.name: f.default for f in dataclasses.fields(AnalysisConfig)}

EXAMPLES = """
\b
Examples:
  analyze comments.csv                      analyse a file, outputs in analysis/ beside it
  analyze comments.xlsx --out report --force
  analyze export.csv --text-col Remark --nps-col "Score 0-10" --encoding cp1251
  cat comments.csv | analyze - --out analysis
  analyze comments.csv --languages en,ru --format parquet --format xlsx
  analyze comments.csv --model my-model
  analyze train labeled.csv --out my-model
  analyze evaluate test.csv --model my-model --predictions predictions.csv
  analyze comments.csv --max-issues 10 --min-size 5 --store team.sqlite
  analyze comments.csv --nps answers.csv --nps-respondent-col client --min-mentions 20
  analyze issues list --store team.sqlite
  analyze issues rename LOG-JNS6 "Courier does not call ahead" --store team.sqlite
  analyze issues merge LOG-JNS6 LOG-UX22 --store team.sqlite
"""


# typer ships its own copy of click; its exception base is reached through a public typer exception.
_CLICK_EXCEPTION = next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException")


class DefaultCommandGroup(TyperGroup):
    """A group that runs ``run`` when the first argument is not one of its commands or options."""

    default_command = "run"
    group_options = ("--help", "-h", "--version", "--install-completion", "--show-completion")

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Run the app; a usage error click catches itself (bad option value, unknown option) is one line too."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            value = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _CLICK_EXCEPTION as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # bare `analyze`: the help text, as click shows it
                error.show()
            else:
                err_console.print(f"Error: {escape(error.format_message())} (see --help)", highlight=False, soft_wrap=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            err_console.print("Aborted.")
            sys.exit(1)
        sys.exit(value if isinstance(value, int) else 0)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Insert the default command name before a file argument or a run option."""
        if args and args[0] not in self.commands and args[0] not in self.group_options:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DefaultCommandGroup,
    name="analyze",
    help="Turn customer comments into touchpoints, sentiment and a short list of recurring issues.\n" + EXAMPLES,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Options shared by several commands, declared once (Quiet, Debug and reported() in analyzer.cli.common).
TextColumn = Annotated[str | None, typer.Option("--text-col", help="Column holding the text. Default: guessed.")]
LabelsColumn = Annotated[str | None, typer.Option("--labels-col", help="Column of touchpoint:sentiment pairs. Default: labels.")]
SentimentColumn = Annotated[str | None, typer.Option("--sentiment-col", help="Column of overall sentiment, for sentiment-only files. Default: sentiment.")]
StorePath = Annotated[Path | None, typer.Option("--store", help="SQLite state file with the issue catalog. Default: <output folder>.sqlite beside the output folder.")]
LabeledEncoding = Annotated[str | None, typer.Option("--encoding", help="Text encoding of the file. Default: detected.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"analyze {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Turn customer comments into touchpoints, sentiment and a short list of recurring issues."""


def default_store(out: Path) -> Path:
    """The state file of an output folder: ``analysis/`` keeps its catalog in ``analysis.sqlite`` beside it.

    Example:
        >>> default_store(Path("data/analysis")).as_posix()
        'data/analysis.sqlite'
    """
    return out.parent / f"{out.name}.sqlite"


def _split_languages(value: str) -> tuple[str, ...]:
    return tuple(code.strip().lower() for code in value.split(",") if code.strip())


@app.command("run", epilog=EXAMPLES)
def run(
    file: Annotated[str, typer.Argument(help="Comments file (CSV, TSV, XLSX, JSONL, Parquet), or - for CSV on standard input.", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder. Default: analysis/ beside the input (./analysis for stdin).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an output folder that holds a previous run.")] = False,
    formats: Annotated[list[str], typer.Option("--format", help="Also write parquet, jsonl or xlsx (repeatable). CSV is always written.")] = [],  # noqa: B006
    encoding: Annotated[str | None, typer.Option("--encoding", help="Text encoding of the input, e.g. utf-8, utf-16, cp1251, cp1253, cp1256. Default: detected.")] = None,
    text_col: Annotated[str | None, typer.Option("--text-col", help="Column holding the comment text. Default: guessed.")] = None,
    id_col: Annotated[str | None, typer.Option("--id-col", help="Column holding comment ids. Default: guessed; ids are generated when there is none.")] = None,
    date_col: Annotated[str | None, typer.Option("--date-col", help="Column holding dates. Default: guessed.")] = None,
    nps_col: Annotated[str | None, typer.Option("--nps-col", help="Column holding 0-10 NPS answers. Default: guessed.")] = None,
    respondent_col: Annotated[str | None, typer.Option("--respondent-col", help="Column holding respondent ids. Default: guessed.")] = None,
    channel_col: Annotated[str | None, typer.Option("--channel-col", help="Column holding the channel. Default: guessed.")] = None,
    languages: Annotated[str, typer.Option("--languages", help="Comma-separated ISO 639-1 codes the language identifier may answer.")] = ",".join(_DEFAULT["languages"]),
    no_redact: Annotated[bool, typer.Option("--no-redact", help="Keep e-mails, phone numbers, card numbers and IBANs in the outputs.")] = False,
    max_chars: Annotated[int, typer.Option("--max-chars", help="Reject fields longer than this many characters.")] = _DEFAULT["max_field_chars"],
    model: Annotated[Path | None, typer.Option("--model", "-m", help="Trained model folder (from analyze train). Default: the shipped model in models/default.")] = None,
    max_issues: Annotated[int, typer.Option("--max-issues", help="At most this many named issues (and praise groups); smaller ones fold into 'other'.")] = _DEFAULT["max_issues"],
    min_size: Annotated[int, typer.Option("--min-size", help="An issue needs at least this many distinct comments.")] = _DEFAULT["min_issue_size"],
    store: StorePath = None,
    nps: Annotated[Path | None, typer.Option("--nps", help="Separate NPS answers file (respondent id + 0-10 score), joined to comments on respondent id.")] = None,
    nps_respondent_col: Annotated[str | None, typer.Option("--nps-respondent-col", help="Respondent id column of the --nps file. Default: guessed.")] = None,
    nps_score_col: Annotated[str | None, typer.Option("--nps-score-col", help="Score column of the --nps file. Default: guessed.")] = None,
    nps_date_col: Annotated[str | None, typer.Option("--nps-date-col", help="Date column of the --nps file. Default: guessed.")] = None,
    max_input_mb: Annotated[float, typer.Option("--max-input-mb", help="Refuse input files larger than this (megabytes); a safety limit.")] = _DEFAULT["max_input_mb"],
    min_mentions: Annotated[int, typer.Option("--min-mentions", help="An NPS driver needs this many respondents mentioning it for a number; fewer show as 'not enough data'.")] = _DEFAULT["min_mentions"],
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Analyse a comments file and write the results to an output folder."""
    from analyzer.config import ColumnChoice
    from analyzer.cli.console import RichReporter, print_summary
    from analyzer.report.folder import check_formats, ensure_writable, write_outputs
    from analyzer.pipeline import analyze, remember
    from analyzer.issues.store import Store

    console = Console(stderr=False, quiet=quiet)
    with reported(debug):
        config = AnalysisConfig(
            languages=_split_languages(languages),
            redact=not no_redact,
            encoding=encoding,
            columns=ColumnChoice(text=text_col, id=id_col, date=date_col, nps=nps_col, respondent=respondent_col, channel=channel_col),
            max_field_chars=max_chars,
            model_dir=model,
            max_issues=max_issues,
            min_issue_size=min_size,
            min_mentions=min_mentions,
            max_input_mb=max_input_mb,
        )
        check_formats(formats)
        reporter = RichReporter(Console(stderr=True, quiet=quiet), quiet=quiet)
        source: Any
        if file == "-":
            source, name, default_out = sys.stdin.buffer, "<stdin>", Path("analysis")
        else:
            source, name, default_out = file, file, Path(file).parent / "analysis"
        out = out or default_out
        ensure_writable(out, force=force)  # fail before a long run, not after it
        answers = None
        if nps is not None:
            from analyzer.io.ingest import limits_for
            from analyzer.nps.join import read_answers

            answers = read_answers(str(nps), respondent_col=nps_respondent_col, nps_col=nps_score_col, date_col=nps_date_col,
                                   name=str(nps), reporter=reporter, redact=not no_redact, limits=limits_for(config))
        state = Store.open(store or default_store(out))
        try:
            result = analyze(source, config, reporter, name=name, store=state, answers=answers)
            written = write_outputs(result, out, formats=formats, force=force)
            remember(result, state)
        finally:
            state.close()
    print_summary(console, result, written)


@app.command("train", epilog=EXAMPLES)
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
    force: Annotated[bool, typer.Option("--force", help="Replace a model folder even if its model scored better.")] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Train touchpoint and sentiment classifiers on labeled data and save the model with its card."""
    from analyzer.cli.console import RichReporter, print_labeled_rejects, print_train_report
    from analyzer.errors import ModelError
    from analyzer.classify.labels import read_labeled
    from analyzer.classify.modelio import CARD_FILE, read_card, save_model
    from analyzer.classify.taxonomy import load_taxonomy
    from analyzer.classify.training import compare_to_existing, train

    console = Console(quiet=quiet)
    reporter = RichReporter(Console(stderr=True, quiet=quiet), quiet=quiet)
    target = out or labeled.parent / "model"
    with reported(debug):
        base = load_taxonomy(taxonomy)
        data = read_labeled(labeled, name=str(labeled), text_col=text_col, labels_col=labels_col, sentiment_col=sentiment_col,
                            encoding=encoding)
        print_labeled_rejects(reporter, data)
        if target.exists() and any(target.iterdir()) and not (target / CARD_FILE).exists() and not force:
            raise ModelError(f"{target}: exists and is not a model folder; pass --force to replace it or --out to save elsewhere")
        model = train(data, featurizer=featurizer, taxonomy=base, use_seeds=not no_seeds, cv=cv, attribution=tuple(credit),
                      reporter=reporter)
        if (target / CARD_FILE).exists() and not force:
            worse_by = compare_to_existing(model.cv_f1, read_card(target))
            if worse_by is not None and worse_by > 0:
                raise ModelError(f"{target}: holds a model with cross-validated touchpoint F1 {model.cv_f1 + worse_by:.3f}, better than "
                                 f"this one's {model.cv_f1:.3f} by {worse_by:.3f}; pass --force to replace it or --out to save elsewhere")
        save_model(model, target)
    print_train_report(console, model, target)


@app.command("evaluate", epilog=EXAMPLES)
def evaluate_command(
    labeled: Annotated[Path, typer.Argument(help="Labeled file to score the model on (same format as for train).", show_default=False)],
    model: Annotated[Path | None, typer.Option("--model", "-m", help="Model folder. Default: the shipped model in models/default.")] = None,
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

    from analyzer.cli.console import RichReporter, print_evaluation, print_labeled_rejects
    from analyzer.classify.labels import read_labeled
    from analyzer.classify.modelio import default_model_dir, load_model
    from analyzer.report.folder import write_csv
    from analyzer.classify.training import evaluate

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


from analyzer.cli import export as export_cli  # noqa: E402  (registered last; it takes reported() from analyzer.cli.common)

app.command("export", epilog=export_cli.EPILOG)(export_cli.export_command)


issues_app = typer.Typer(name="issues", help="Look after the issue catalog kept in the state file: list, rename, merge, ignore, history.",
                         no_args_is_help=True, rich_markup_mode=None, epilog=EXAMPLES)
app.add_typer(issues_app)
IssueStore = Annotated[Path, typer.Option("--store", help="The state file. Default: analysis.sqlite in the current folder (where `analyze comments.csv` puts it for a file here).")]


@contextmanager
def _existing_store(path: Path) -> Iterator[Any]:
    """The state file at ``path``, opened for the body and closed after; a missing file is a usage error."""
    from analyzer.errors import UsageError
    from analyzer.issues.store import Store

    if not path.is_file():
        raise UsageError(f"{path}: no state file there; run `analyze FILE` first (it writes <output folder>.sqlite) or pass --store")
    state = Store.open(path)
    try:
        yield state
    finally:
        state.close()


@issues_app.command("list")
def issues_list(
    store: IssueStore = Path("analysis.sqlite"),
    all_: Annotated[bool, typer.Option("--all", help="Include merged issues.")] = False,
    debug: Debug = False,
) -> None:
    """List the catalog: id, status, touchpoint, title and comments in the latest run."""
    from rich.table import Table

    with reported(debug):
        with _existing_store(store) as state:
            catalog, latest = state.catalog(), state.latest_counts()
    table = Table(title=f"Issues in {escape(str(store))}", title_justify="left")
    for name in ("id", "kind", "status", "touchpoint", "title", "comments (latest run)", "first seen"):
        table.add_column(name)
    for issue in sorted(catalog, key=lambda i: (i.status != "active", -latest.get(i.issue_id, (0, ""))[0], i.issue_id)):
        if issue.status == "merged" and not all_:
            continue
        status = f"merged into {issue.merged_into}" if issue.status == "merged" else issue.status
        table.add_row(issue.issue_id, issue.kind, status, escape(issue.touchpoint), escape(issue.title),
                      str(latest.get(issue.issue_id, (0, ""))[0]), issue.created_at[:10])
    Console().print(table)


@issues_app.command("rename")
def issues_rename(
    issue_id: Annotated[str, typer.Argument(help="Issue id, e.g. LOG-JNS6.", show_default=False)],
    title: Annotated[str, typer.Argument(help="The new title; later runs keep it. An empty string restores the automatic title.", show_default=False)],
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """Give an issue your own title."""
    with reported(debug):
        with _existing_store(store) as state:
            state.rename(issue_id, title)
    typer.echo(f"{issue_id}: renamed to '{title}'" if title.strip() else f"{issue_id}: automatic title restored")


@issues_app.command("merge")
def issues_merge(
    keep: Annotated[str, typer.Argument(help="The issue that stays.", show_default=False)],
    other: Annotated[str, typer.Argument(help="The issue folded into it; its comments count under KEEP from the next run on.", show_default=False)],
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """Merge one issue into another."""
    with reported(debug):
        with _existing_store(store) as state:
            state.merge(keep, other)
    typer.echo(f"{other}: merged into {keep}; the next run counts its comments under {keep}")


@issues_app.command("ignore")
def issues_ignore(
    issue_id: Annotated[str, typer.Argument(help="Issue id.", show_default=False)],
    restore: Annotated[bool, typer.Option("--restore", help="Make an ignored issue active again.")] = False,
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """Leave an issue out of summaries and exports (it keeps its comments, so it does not come back as new)."""
    with reported(debug):
        with _existing_store(store) as state:
            state.ignore(issue_id, restore=restore)
    typer.echo(f"{issue_id}: {'active again' if restore else 'ignored'}")


@issues_app.command("history")
def issues_history(
    issue_id: Annotated[str, typer.Argument(help="Issue id.", show_default=False)],
    store: IssueStore = Path("analysis.sqlite"),
    debug: Debug = False,
) -> None:
    """An issue's counts in every run and everything that happened to it."""
    from rich.table import Table

    with reported(debug):
        with _existing_store(store) as state:
            found = state.history(issue_id)
    issue = found["issue"]
    console = Console()
    console.print(f"[bold]{issue.issue_id}[/bold] {escape(issue.title)} ({escape(issue.touchpoint)}, {issue.kind}, {issue.status})", highlight=False)
    console.print(f"key phrases: {escape('; '.join(issue.key_phrases))}", highlight=False)
    runs = Table(title="Runs", title_justify="left")
    for name in ("run", "date", "input", "comments", "of all", "segments", "negative", "trend"):
        runs.add_column(name)
    for r in found["runs"]:
        runs.add_row(str(r["run_id"]), r["started_at"][:19], escape(str(r["input"])), str(r["n_comments"]), str(r["run_comments"]),
                     str(r["n_segments"]), f"{r['share_negative']:.0%}" if r["share_negative"] is not None else "-", str(r["trend"]))
    console.print(runs)
    events = Table(title="Events", title_justify="left")
    for name in ("date", "event", "detail"):
        events.add_column(name)
    for e in found["events"]:
        events.add_row(e["at"][:19], e["action"], escape(", ".join(f"{k}: {v}" for k, v in e["detail"].items())))
    console.print(events)


if __name__ == "__main__":  # python -m analyzer.cli.app
    app()
