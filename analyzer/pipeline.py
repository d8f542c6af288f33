"""The pipeline: ingest -> prepare -> segment -> classify -> discover issues -> link NPS, composed into one call.

:func:`analyze` returns the output tables; :func:`run_to_folder` is exactly
what ``analyze FILE`` does (answers file, state file, output folder). With a
:class:`~analyzer.issues.store.Store`, issue discovery matches the catalog so
ids and titles persist; :func:`remember` then records the run in the store.
Every table is checked against the contract in :mod:`analyzer.schema` after
each stage.

Example:
    >>> import pandas as pd
    >>> result = analyze(pd.DataFrame({"comment": ["The courier was late, but the operator was kind."]}))
    >>> result.segments["text"].tolist()
    ['The courier was late', 'the operator was kind.']
    >>> result.segments["touchpoint"].tolist()
    ['logistics', 'support']
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analyzer import schema as S
from analyzer.classify.adapt import adapt
from analyzer.classify.embeddings import e5_available
from analyzer.classify.modelio import FeedbackModel, default_model_dir, load_model
from analyzer.classify.stage import classify, roll_up
from analyzer.config import AnalysisConfig
from analyzer.followup.tickets import follow_up, gather
from analyzer.io.ingest import Ingested, Source, limits_for, read_comments
from analyzer.io.sniff import check_source
from analyzer.issues.describe import comment_issue_ids
from analyzer.issues.discover import DiscoveryContext, discover, e5_embedder
from analyzer.issues.ids import OTHER
from analyzer.issues.store import ACTIVE, RunRecord, Store
from analyzer.nps.join import Answers, read_answers
from analyzer.nps.report import NpsReport, nps_report, with_nps_impact
from analyzer.report.folder import check_formats, ensure_writable, write_outputs
from analyzer.reporter import RecordingReporter, Reporter
from analyzer.result import Counts, DateSpan, InputInfo, IssueStats, ModelInfo, NpsSummary, Result, RunSummary
from analyzer.text.prepare import prepare, redact_rejects
from analyzer.text.segment import segment
from analyzer.versions import package_versions


def analyze(
    source: Source,
    config: AnalysisConfig | None = None,
    reporter: Reporter | None = None,
    *,
    name: str | None = None,
    model: FeedbackModel | None = None,
    store: Store | None = None,
    answers: Answers | None = None,
) -> Result:
    """Run the analysis on a file path, a binary stream or a DataFrame.

    Args:
        source: what to analyse; a DataFrame needs a text column (guessed like a file's).
        config: the run's configuration; defaults everywhere.
        reporter: receives progress and decisions (the CLI draws them); silent by default.
        name: the input's name in messages and the summary.
        model: an already loaded model; otherwise ``config.model_dir`` or the shipped default is loaded.
        store: the state file whose issue catalog keeps ids and titles stable; read only (see :func:`remember`).
        answers: NPS answers from a separate file (:func:`analyzer.nps.join.read_answers`), joined on respondent id.

    Raises:
        AnalyzerError: a whole-input problem (missing file, no text column, ...) or an unusable model.
    """
    config = config or AnalysisConfig()
    recorder = RecordingReporter(reporter)
    started, clock = datetime.now(UTC), time.perf_counter()
    if _is_path(source):
        check_source(source, name=name, max_bytes=config.max_input_bytes)  # a missing or binary file fails before the model loads
    loaded_from = None
    if model is None:  # load before reading the input: a bad model fails before a long read
        model_dir = config.model_dir or default_model_dir()
        model, loaded_from = load_model(model_dir), str(model_dir)
    ingested = read_comments(source, config, recorder, name=name)
    S.check_stage(ingested.comments, "comments", "ingest")
    comments = prepare(ingested.comments, config, recorder)
    S.check_stage(comments, "comments", "prepare")
    ingested.rejects, redacted_in_rejects = redact_rejects(ingested.rejects, config)
    segments = segment(comments, recorder)
    S.check_stage(segments, "segments", "segment")
    recorder.info(f"segments: {len(segments)} from {len(comments)} comment(s)")
    model, adaptation = adapt(segments, model, config.adapt, recorder)
    segments = classify(segments, model, recorder)
    comments = roll_up(comments, segments)
    S.check_stage(segments, "segments", "classify")
    S.check_stage(comments, "comments", "classify")
    by_meaning = config.group_issues == "meaning" and e5_available()
    context = DiscoveryContext.from_store(store, max_issues=config.max_issues, min_size=config.min_issue_size,
                                          run_date=started.date().isoformat(), embed=e5_embedder() if by_meaning else None,
                                          embed_budget=config.embed_budget,
                                          ignore=(*model.card.get("taxonomy", {}).get("ignore", ()), *config.ignore_terms))
    found = discover(segments, comments, context, reporter=recorder)
    segments, issues = found.segments, found.issues
    comments[S.ISSUE_IDS] = comment_issue_ids(comments, segments, issues)
    for table, frame in (("comments", comments), ("segments", segments), ("issues", issues)):
        S.check_stage(frame, table, "issues")
    report = None
    if answers is not None or comments[S.NPS_SCORE].notna().any():
        # The "other" groups are drivers too: their mentions count (comments.csv lists named issues only).
        with_other = comments.assign(**{S.ISSUE_IDS: comment_issue_ids(comments, segments, issues, statuses=(ACTIVE, OTHER))})
        report = nps_report(with_other, issues, answers, config.nps, reporter=recorder)
        issues = with_nps_impact(issues, report.drivers)
        S.check_stage(issues, "issues", "nps")
    summary = RunSummary(
        input=_input_info(ingested),
        columns={role: getattr(ingested.mapping, role) for role in ("text", "id", "date", "nps", "respondent", "channel")},
        columns_how=ingested.mapping.how,
        counts=_counts(ingested, comments, segments, redacted_in_rejects),
        rejects_by_problem=dict(Counter(ingested.rejects[S.REJECT_PROBLEM].tolist()).most_common()),
        languages=dict(Counter(comments[S.LANG].tolist()).most_common()),
        dates=_date_span(comments),
        parameters=_parameters(config),
        versions=package_versions(["pandas", "spacy", "lingua-language-detector", "phonenumbers", "charset-normalizer",
                                   "scikit-learn", "skops"]),
        started_at=started.isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - clock, 3),
        model=ModelInfo(loaded_from, model.card.get("name"), model.card.get("created"), model.card.get("featurizer"),
                        model.card.get("model_sha256")),
        adaptation=adaptation.to_dict(),
        touchpoints=dict(Counter(segments[S.TOUCHPOINT].dropna().tolist()).most_common()),
        sentiments=dict(Counter(comments[S.SENTIMENT].dropna().tolist()).most_common()),
        issues=IssueStats(**found.stats, max_issues=config.max_issues, min_size=config.min_issue_size, store=store.path if store else None),
        nps=_nps_summary(report, answers),
    )
    return Result(comments, segments, ingested.rejects, issues, summary, recorder.lines, found.runs, report, found.vectors)


@dataclass(frozen=True)
class FolderRun:
    """What :func:`run_to_folder` did: the run's result and the files it wrote."""

    result: Result
    written: list[Path]
    out_dir: Path
    store_path: Path


def default_out_dir(source: Source) -> Path:
    """Where a run's outputs go by default: ``analysis/`` beside the input file (``./analysis`` for a stream or DataFrame).

    Example:
        >>> default_out_dir("data/comments.csv").as_posix(), default_out_dir("-").as_posix()
        ('data/analysis', 'analysis')
    """
    return Path(source).parent / "analysis" if _is_path(source) else Path("analysis")


def default_store(out_dir: Path) -> Path:
    """The state file of an output folder: ``analysis/`` keeps its catalog in ``analysis.sqlite`` beside it.

    Example:
        >>> default_store(Path("data/analysis")).as_posix()
        'data/analysis.sqlite'
    """
    return out_dir.parent / f"{out_dir.name}.sqlite"


def run_to_folder(
    source: Source,
    config: AnalysisConfig | None = None,
    reporter: Reporter | None = None,
    *,
    out_dir: str | Path | None = None,
    formats: Iterable[str] = ("csv",),
    force: bool = False,
    store_path: str | Path | None = None,
    answers_path: str | Path | None = None,
    name: str | None = None,
) -> FolderRun:
    """Exactly what ``analyze FILE`` does: check, read the answers file, analyse against the state file, follow up exported tickets, write, record.

    Args:
        source: a file path, ``-`` or a binary stream (standard input), or a DataFrame.
        config: the run's configuration (answers-file columns and NPS settings included).
        reporter: receives progress and decisions.
        out_dir: the output folder; :func:`default_out_dir` when ``None``.
        formats: ``csv`` always, plus any of ``parquet``, ``jsonl``, ``xlsx``.
        force: replace a folder that holds a previous run.
        store_path: the SQLite state file; :func:`default_store` of the output folder when ``None``.
        answers_path: a separate NPS answers file, joined to comments on respondent id.
        name: the input's name in messages (default: the path, or ``<stdin>``).

    Raises:
        AnalyzerError: as :func:`analyze`, plus output folder problems (checked before the long part of the run).
    """
    config = config or AnalysisConfig()
    if _is_path(source):
        name = name or str(source)
        check_source(source, name=name, max_bytes=config.max_input_bytes)  # before the output folder and state file are touched
    elif not isinstance(source, pd.DataFrame):
        name = name or "<stdin>"
    out = Path(out_dir) if out_dir is not None else default_out_dir(source)
    wanted = check_formats(formats)
    ensure_writable(out, force=force)  # fail before a long run, not after it
    answers = None
    if answers_path is not None:
        columns = config.answers
        answers = read_answers(str(answers_path), respondent_col=columns.respondent, nps_col=columns.score, date_col=columns.date,
                               name=str(answers_path), reporter=reporter, redact=config.redact, limits=limits_for(config))
    state_path = Path(store_path) if store_path is not None else default_store(out)
    tickets = gather(state_path, config.tickets, reporter)  # exported tickets and their statuses, before the long part
    state = Store.open(state_path)
    try:
        result = analyze(source, config, reporter, name=name, store=state, answers=answers)
        result = follow_up(result, tickets, config, titles={i.issue_id: i.title for i in state.catalog()}, resolve=state.resolve)
        written = write_outputs(result, out, formats=wanted, force=force)
        remember(result, state)
    finally:
        state.close()
    return FolderRun(result, written, out, state_path)


def _is_path(source: Source) -> bool:
    return isinstance(source, str | Path) and str(source) != "-"


def _input_info(ingested: Ingested) -> InputInfo:
    table = ingested.table
    return InputInfo(ingested.source, table.format, table.encoding, table.delimiter if table.delimiter in (",", ";", "\t", "|") else None,
                     table.checksum, table.blank_lines)


def _counts(ingested: Ingested, comments: pd.DataFrame, segments: pd.DataFrame, redacted_in_rejects: int) -> Counts:
    return Counts(rows_read=ingested.rows_read, rows_analyzed=len(comments), rows_rejected=len(ingested.rejects),
                  segments=int(segments[S.SEGMENT_ID].nunique()), redactions=int(comments[S.N_REDACTIONS].sum()) if len(comments) else 0,
                  with_nps=int(comments[S.NPS_SCORE].notna().sum()), redactions_in_rejects=redacted_in_rejects)


def _date_span(comments: pd.DataFrame) -> DateSpan | None:
    dates = comments[S.DATE].dropna()
    return DateSpan(dates.min().date().isoformat(), dates.max().date().isoformat()) if len(dates) else None


def _parameters(config: AnalysisConfig) -> dict[str, object]:
    return {
        "languages": list(config.languages),
        "redact": config.redact,
        "encoding": config.encoding,
        "max_field_chars": config.max_field_chars,
        "phone_regions": list(config.phone_regions),
        "columns_given": {k: v for k, v in vars(config.columns).items() if v is not None},
        "group_issues": config.group_issues, "embed_budget": config.embed_budget, "ignore_terms": list(config.ignore_terms),
        "adapt": {"mode": config.adapt.mode, "sample": config.adapt.sample, "seconds": config.adapt.seconds, "seed": config.adapt.seed},
    }


def _nps_summary(report: NpsReport | None, answers: Answers | None) -> NpsSummary | None:
    if report is None:
        return None
    overall = report.overall
    answers_file = None
    if answers is not None:
        answers_file = {"name": answers.source, "rows_read": answers.rows_read, "answers": len(answers.answers),
                        "rejected": len(answers.rejects), "identical_duplicates": answers.duplicates}
    return NpsSummary(overall.nps, report.band, overall.n, overall.promoters, overall.passives, overall.detractors,
                      int(report.drivers["significant"].fillna(False).astype(bool).sum()), answers_file,
                      report.coverage.to_dict() if report.coverage is not None else None)


def remember(result: Result, store: Store) -> int:
    """Record a finished run and its issues in the store (one transaction); returns the run id.

    New issues join the catalog; known ones get this run's counts, so the next
    run keeps their ids and can tell their trend.
    """
    summary = result.summary
    return store.add_run(RunRecord(summary.started_at, summary.input.name, summary.input.sha256, summary.counts.rows_analyzed,
                                   result.issue_runs, result.vectors))
