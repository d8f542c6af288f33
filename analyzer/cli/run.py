"""``analyze FILE``: analyse a comments file into an output folder (:func:`analyzer.pipeline.run_to_folder`).

Every guessed column can be named (``--date-col Created``) or switched off
(``--date-col none``: the file has no date column).
"""

# ruff: noqa: E501  (typer options are declared one per line with their help text)
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from analyzer.cli.common import Debug, Quiet, StorePath, reported, split_languages
from analyzer.config import AdaptSettings, AnalysisConfig, AnswersColumns, ColumnChoice, NpsSettings, TicketCheck

# The run options' defaults are the library's (AnalysisConfig, NpsSettings), shown in --help.
_DEFAULT = {f.name: f.default for f in dataclasses.fields(AnalysisConfig)}
_NPS_DEFAULT = {f.name: f.default for f in dataclasses.fields(NpsSettings)}
_ADAPT_DEFAULT = {f.name: f.default for f in dataclasses.fields(AdaptSettings)}


def run_command(
    file: Annotated[str, typer.Argument(help="Comments file (CSV, TSV, XLSX, JSONL, Parquet), or - for CSV on standard input.", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder. Default: analysis/ beside the input (./analysis for stdin).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an output folder that holds a previous run.")] = False,
    formats: Annotated[list[str], typer.Option("--format", help="Also write parquet, jsonl or xlsx (repeatable). CSV is always written.")] = [],  # noqa: B006
    encoding: Annotated[str | None, typer.Option("--encoding", help="Text encoding of the input, e.g. utf-8, utf-16, cp1251, cp1253, cp1256. Default: detected.")] = None,
    text_col: Annotated[str | None, typer.Option("--text-col", help="Column holding the comment text. Default: guessed.")] = None,
    id_col: Annotated[str | None, typer.Option("--id-col", help="Column holding comment ids. Default: guessed ('none': ids are generated); ids are generated when there is none.")] = None,
    date_col: Annotated[str | None, typer.Option("--date-col", help="Column holding dates. Default: guessed; 'none' when the file has no date column.")] = None,
    nps_col: Annotated[str | None, typer.Option("--nps-col", help="Column holding 0-10 NPS answers. Default: guessed; 'none' for no score column.")] = None,
    respondent_col: Annotated[str | None, typer.Option("--respondent-col", help="Column holding respondent ids. Default: guessed; 'none' for no such column.")] = None,
    channel_col: Annotated[str | None, typer.Option("--channel-col", help="Column holding the channel. Default: guessed; 'none' for no such column.")] = None,
    languages: Annotated[str, typer.Option("--languages", help="Comma-separated ISO 639-1 codes the language identifier may answer.")] = ",".join(_DEFAULT["languages"]),
    no_redact: Annotated[bool, typer.Option("--no-redact", help="Keep e-mails, phone numbers, card numbers and IBANs in the outputs.")] = False,
    max_chars: Annotated[int, typer.Option("--max-chars", help="Reject fields longer than this many characters.")] = _DEFAULT["max_field_chars"],
    model: Annotated[Path | None, typer.Option("--model", "-m", help="Trained model folder (from analyze train). Default: $ANALYZER_MODEL if set, else the shipped default model.")] = None,
    max_issues: Annotated[int, typer.Option("--max-issues", help="At most this many named issues (and praise groups); smaller ones fold into 'other'.")] = _DEFAULT["max_issues"],
    min_size: Annotated[int, typer.Option("--min-size", help="An issue needs at least this many distinct comments.")] = _DEFAULT["min_issue_size"],
    group_issues: Annotated[str, typer.Option("--group-issues", help="meaning: complaints grouped by what they say, across touchpoints and languages (e5); terms: by shared words, per language.")] = _DEFAULT["group_issues"],
    embed_budget: Annotated[int, typer.Option("--embed-budget", help="At most this many texts not yet in the state file are embedded for issues; the rest are matched by their words.")] = _DEFAULT["embed_budget"],
    ignore: Annotated[list[str], typer.Option("--ignore", help="A word or name (your brand, its @handle) that never forms or names an issue (repeatable).")] = [],  # noqa: B006
    store: StorePath = None,
    nps: Annotated[Path | None, typer.Option("--nps", help="Separate NPS answers file (respondent id + 0-10 score), joined to comments on respondent id.")] = None,
    nps_respondent_col: Annotated[str | None, typer.Option("--nps-respondent-col", help="Respondent id column of the --nps file. Default: guessed.")] = None,
    nps_score_col: Annotated[str | None, typer.Option("--nps-score-col", help="Score column of the --nps file. Default: guessed.")] = None,
    nps_date_col: Annotated[str | None, typer.Option("--nps-date-col", help="Date column of the --nps file. Default: guessed; 'none' for no date column.")] = None,
    max_input_mb: Annotated[float, typer.Option("--max-input-mb", help="Refuse input files larger than this (megabytes); a safety limit.")] = _DEFAULT["max_input_mb"],
    min_mentions: Annotated[int, typer.Option("--min-mentions", help="An NPS driver needs this many respondents mentioning it for a number; fewer show as 'not enough data'.")] = _NPS_DEFAULT["min_mentions"],
    adapt: Annotated[str, typer.Option("--adapt", help="Fit the model to this file first: auto (the e5 teacher labels a small file, or a sample of a large one that the fast model then learns from), teacher (the teacher labels everything), off.")] = _ADAPT_DEFAULT["mode"],
    adapt_sample: Annotated[int, typer.Option("--adapt-sample", help="At most this many distinct segments are labeled by the teacher.")] = _ADAPT_DEFAULT["sample"],
    adapt_seconds: Annotated[float, typer.Option("--adapt-seconds", help="The teacher stops labeling after this many seconds.")] = _ADAPT_DEFAULT["seconds"],
    check_tickets: Annotated[bool, typer.Option("--check-tickets", help="Read each exported ticket's status (open/closed, closed date) from its tracker, with the export's credentials (JIRA_TOKEN, ROUNDUP_PASSWORD, ..., keyring), and compare mentions before and after closing. Off: no tracker is contacted.")] = False,
    ticket_status: Annotated[Path | None, typer.Option("--ticket-status", help="CSV of key,status,closed_at (open|closed, YYYY-MM-DD) giving exported tickets' statuses offline; its rows win over --check-tickets.")] = None,
    json_summary: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON (what summary.json holds) instead of the terminal summary.")] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Analyse a comments file and write the results to an output folder."""
    console = Console(stderr=False, quiet=quiet)
    with reported(debug):
        config = AnalysisConfig(
            languages=split_languages(languages),
            redact=not no_redact,
            encoding=encoding,
            columns=ColumnChoice(text=text_col, id=id_col, date=date_col, nps=nps_col, respondent=respondent_col, channel=channel_col),
            max_field_chars=max_chars,
            model_dir=model,
            max_issues=max_issues,
            min_issue_size=min_size,
            group_issues=group_issues,
            embed_budget=embed_budget,
            ignore_terms=tuple(ignore),
            max_input_mb=max_input_mb,
            nps=NpsSettings(min_mentions=min_mentions),
            answers=AnswersColumns(respondent=nps_respondent_col, score=nps_score_col, date=nps_date_col),
            adapt=AdaptSettings(mode=adapt, sample=adapt_sample, seconds=adapt_seconds),
            tickets=TicketCheck(online=check_tickets, status_file=ticket_status),
        )
        from analyzer.io.sniff import check_source

        if file != "-":  # a missing, binary or too large file fails before the analysis libraries load
            check_source(file, max_bytes=config.max_input_bytes)
        from analyzer.cli.console import RichReporter, print_summary, print_tickets
        from analyzer.pipeline import run_to_folder

        source: Any = sys.stdin.buffer if file == "-" else file
        done = run_to_folder(source, config, RichReporter(Console(stderr=True, quiet=quiet), quiet=quiet), out_dir=out, formats=formats,
                             force=force, store_path=store, answers_path=nps, name="<stdin>" if file == "-" else file)
    if json_summary:  # exactly the file's content, so a script reads the same thing either way
        summary = next(path for path in done.written if path.name == "summary.json")
        sys.stdout.write(summary.read_text(encoding="utf-8"))
        return
    print_summary(console, done.result, done.written)
    print_tickets(console, done.result)
