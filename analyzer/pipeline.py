"""The pipeline: ingest -> prepare -> segment -> classify -> discover issues, composed into one call that returns the output tables.

With a :class:`~analyzer.issues.store.Store`, issue discovery matches the catalog so
ids and titles persist; :func:`remember` then records the run in the store
(the CLI calls it once the outputs are written).

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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from analyzer import schema as S
from analyzer.classify.stage import classify, roll_up
from analyzer.config import AnalysisConfig
from analyzer.io.ingest import Ingested, Source, read_comments
from analyzer.issues.discover import comment_issue_ids, discover, e5_embedder
from analyzer.classify.modelio import FeedbackModel, default_model_dir, load_model
from analyzer.nps.report import NpsReport, nps_report, with_nps_impact
from analyzer.nps.join import Answers
from analyzer.text.prepare import prepare, redact_rejects
from analyzer.reporter import RecordingReporter, Reporter
from analyzer.text.segment import segment
from analyzer.issues.store import IssueRun, RunRecord, Store
from analyzer.versions import package_versions


@dataclass
class Result:
    """The output tables of one run, plus its summary and log.

    Attributes:
        comments: one row per analysed comment (see ``analyzer.schema.COMMENT_COLUMNS``).
        segments: one row per (sentence or clause, touchpoint) pair (see ``analyzer.schema.SEGMENT_COLUMNS``).
        rejects: one row per refused input row, with its line and reason.
        nps: NPS overall, per period and segment, and its drivers; None when no comment or answer has a score.
        issues: one row per issue, praise group or "other" group (see ``analyzer.schema.ISSUE_COLUMNS``).
        summary: counts, languages, column mapping, parameters, versions, input checksum.
        log: every message the run reported, timestamped.
    """

    comments: pd.DataFrame
    segments: pd.DataFrame
    rejects: pd.DataFrame
    issues: pd.DataFrame
    summary: dict[str, Any]
    log: list[str] = field(default_factory=list)
    issue_runs: list[IssueRun] = field(default_factory=list)
    nps: NpsReport | None = None


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
    loaded_from = None
    if model is None:  # load before reading the input: a bad model should fail fast
        model_dir = config.model_dir or default_model_dir()
        model, loaded_from = load_model(model_dir), str(model_dir)
    ingested = read_comments(source, config, recorder, name=name)
    comments = prepare(ingested.comments, config, recorder)
    ingested.rejects, redacted_in_rejects = redact_rejects(ingested.rejects, config)
    segments = segment(comments, config, recorder)
    recorder.info(f"segments: {len(segments)} from {len(comments)} comment(s)")
    segments = classify(segments, model, recorder)
    comments = roll_up(comments, segments)
    found = discover(segments, comments, max_issues=config.max_issues, min_size=config.min_issue_size,
                     catalog=store.catalog() if store else None, last_run=store.last_run() if store else None,
                     first_seen_runs=store.first_seen_runs() if store else None, run_date=started.date().isoformat(),
                     embed=e5_embedder() if model.card.get("featurizer") == "e5" else None, reporter=recorder)
    segments, issues = found.segments, found.issues
    comments[S.ISSUE_IDS] = comment_issue_ids(comments, segments, issues)
    report = None
    if answers is not None or comments[S.NPS_SCORE].notna().any():
        report = nps_report(comments, issues, answers, min_mentions=config.min_mentions, reporter=recorder)
        issues = with_nps_impact(issues, report.drivers)
    summary = _summary(ingested, comments, segments, config, started, time.perf_counter() - clock)
    summary["counts"]["redactions_in_rejects"] = redacted_in_rejects
    summary["model"] = {"path": loaded_from, "name": model.card.get("name"),
                        "created": model.card.get("created"), "featurizer": model.card.get("featurizer"),
                        "sha256": model.card.get("model_sha256")}
    summary["touchpoints"] = dict(Counter(segments[S.TOUCHPOINT].dropna().tolist()).most_common())
    summary["sentiments"] = dict(Counter(comments[S.SENTIMENT].dropna().tolist()).most_common())
    summary["issues"] = {**found.stats, "max_issues": config.max_issues, "min_size": config.min_issue_size,
                         "store": store.path if store else None}
    summary["nps"] = _nps_summary(report, answers)
    return Result(comments, segments, ingested.rejects, issues, summary, recorder.lines, found.runs, report)


def _nps_summary(report: NpsReport | None, answers: Answers | None) -> dict[str, Any] | None:
    if report is None:
        return None
    overall = report.overall
    out: dict[str, Any] = {"nps": overall.nps, "band": report.band, "respondents": overall.n, "promoters": overall.promoters,
                           "passives": overall.passives, "detractors": overall.detractors,
                           "significant_drivers": int(report.drivers["significant"].fillna(False).astype(bool).sum())}
    if answers is not None:
        out["answers_file"] = {"name": answers.source, "rows_read": answers.rows_read,
                               "answers": len(answers.answers), "rejected": len(answers.rejects), "identical_duplicates": answers.duplicates}
    if report.coverage is not None:
        out["coverage"] = report.coverage.to_dict()
    return out


def remember(result: Result, store: Store) -> int:
    """Record a finished run and its issues in the store (one transaction); returns the run id.

    New issues join the catalog; known ones get this run's counts, so the next
    run keeps their ids and can tell their trend.
    """
    return store.add_run(RunRecord(result.summary["started_at"], result.summary["input"]["name"], result.summary["input"]["sha256"],
                                   result.summary["counts"]["rows_analyzed"], result.issue_runs))


def _summary(
    ingested: Ingested,
    comments: pd.DataFrame,
    segments: pd.DataFrame,
    config: AnalysisConfig,
    started: datetime,
    seconds: float,
) -> dict[str, Any]:
    table, mapping = ingested.table, ingested.mapping
    dates = comments[S.DATE].dropna()
    return {
        "input": {
            "name": ingested.source,
            "format": table.format,
            "encoding": table.encoding,
            "delimiter": table.delimiter if table.delimiter in (",", ";", "\t", "|") else None,
            "sha256": table.checksum,
            "blank_lines_skipped": table.blank_lines,
        },
        "columns": {role: getattr(mapping, role) for role in ("text", "id", "date", "nps", "respondent", "channel")},
        "columns_how": mapping.how,
        "counts": {
            "rows_read": ingested.rows_read,
            "rows_analyzed": len(comments),
            "rows_rejected": len(ingested.rejects),
            "segments": int(segments[S.SEGMENT_ID].nunique()),
            "redactions": int(comments[S.N_REDACTIONS].sum()) if len(comments) else 0,
            "with_nps": int(comments[S.NPS_SCORE].notna().sum()),
        },
        "rejects_by_problem": dict(Counter(ingested.rejects[S.REJECT_PROBLEM].tolist()).most_common()),
        "languages": dict(Counter(comments[S.LANG].tolist()).most_common()),
        "dates": {"first": dates.min().date().isoformat(), "last": dates.max().date().isoformat()} if len(dates) else None,
        "parameters": {
            "languages": list(config.languages),
            "redact": config.redact,
            "encoding": config.encoding,
            "max_field_chars": config.max_field_chars,
            "phone_regions": list(config.phone_regions),
            "columns_given": {k: v for k, v in vars(config.columns).items() if v is not None},
        },
        "versions": package_versions(["pandas", "spacy", "lingua-language-detector", "phonenumbers", "charset-normalizer",
                                      "scikit-learn", "skops"]),
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
    }
