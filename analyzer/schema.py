"""The column contract: every column a stage adds, written once.

Tables flow through the pipeline: ``comments`` (one row per input row that
passed ingestion) and ``segments`` (sentences or clauses of a comment, one row
per (segment, touchpoint) pair), joined by ``comment_id``; ``issues`` and
``rejects`` come beside them. A stage adds columns and never drops or renames
the ones it was given; it checks what it needs with :func:`check_columns`, and
the pipeline checks every table after each stage against this contract, names
and dtypes (:func:`check_stage`). One stage changes values it was given:
``prepare`` replaces a ``comment_id`` or ``respondent_id`` that holds personal
data (an e-mail, a phone number) by a ``pii-`` pseudonym, and redacts
``channel``, so no later stage or output sees the raw value.

Example:
    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({TEXT: ["hi"]}), [TEXT], stage="segment")
    >>> check_stage(pd.DataFrame({COMMENT_ID: pd.array(["1"], dtype="string")}), "comments", "ingest")
    Traceback (most recent call last):
    ...
    analyzer.errors.MissingColumns: comments after stage 'ingest': missing source_line, raw_text, date, channel, respondent_id, nps_score
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from analyzer.errors import MissingColumns


@dataclass(frozen=True)
class Column:
    """One column of the contract: its name, dtype, the stage that adds it and its meaning."""

    name: str
    dtype: str
    stage: str
    description: str


# comments ----------------------------------------------------------------
COMMENT_ID = "comment_id"
SOURCE_LINE = "source_line"
RAW_TEXT = "raw_text"
TEXT = "text"
LANG = "lang"
DATE = "date"
CHANNEL = "channel"
RESPONDENT_ID = "respondent_id"
NPS_SCORE = "nps_score"
NPS_GROUP = "nps_group"
N_REDACTIONS = "n_redactions"
TOUCHPOINTS = "touchpoints"
LABELS = "labels"
SENTIMENT = "sentiment"
SENTIMENT_SCORE = "sentiment_score"
ISSUE_IDS = "issue_ids"

# segments ----------------------------------------------------------------
SEGMENT_ID = "segment_id"
SEGMENT_START = "start"
SEGMENT_END = "end"
TOUCHPOINT = "touchpoint"
TOUCHPOINT_CONFIDENCE = "touchpoint_confidence"
SENTIMENT_CONFIDENCE = "sentiment_confidence"
ISSUE_ID = "issue_id"
SUB_ISSUE_ID = "sub_issue_id"
FEEDBACK_KIND = "feedback_kind"

# issues ------------------------------------------------------------------
ISSUE_KIND = "kind"
ISSUE_STATUS = "status"
PARENT_ID = "parent_id"
COMMENT_IDS = "comment_ids"
ISSUE_TITLE = "title"
KEY_PHRASES = "key_phrases"
EXAMPLES = "examples"
N_COMMENTS = "n_comments"
N_SEGMENTS = "n_segments"
SHARE_NEGATIVE = "share_negative"
LANGUAGES = "languages"
FIRST_SEEN = "first_seen"
LAST_SEEN = "last_seen"
TREND = "trend"
NPS_IMPACT = "nps_impact"
NPS_IMPACT_LOW = "nps_impact_low"
NPS_IMPACT_HIGH = "nps_impact_high"
DETRACTOR_LIFT = "detractor_lift"
NPS_VERDICT = "nps_verdict"
FINGERPRINT = "fingerprint"

# rejects -----------------------------------------------------------------
REJECT_LINE = "line"
REJECT_COLUMN = "column"
REJECT_PROBLEM = "problem"
REJECT_REASON = "reason"

COMMENT_COLUMNS: tuple[Column, ...] = (
    Column(COMMENT_ID, "string", "ingest", "Id from the input, or a stable hash of the row when the input has none."),
    Column(SOURCE_LINE, "int64", "ingest", "Line (CSV/TSV/JSONL) or sheet row (XLSX) where the record starts; record number for Parquet and DataFrames."),
    Column(RAW_TEXT, "string", "ingest", "Comment text exactly as read. Never written to any output."),
    Column(DATE, "datetime64[ns]", "ingest", "Date of the comment, parsed; missing when the input has no date column."),
    Column(CHANNEL, "string", "ingest", "Where the remark was heard (phone, chat, e-mail, store, ...)."),
    Column(RESPONDENT_ID, "string", "ingest", "Who said it; joins comments to NPS answers."),
    Column(NPS_SCORE, "Int64", "ingest", "Answer to 'how likely are you to recommend us', 0-10."),
    Column(NPS_GROUP, "string", "prepare", "promoter (9-10), passive (7-8) or detractor (0-6)."),
    Column(TEXT, "string", "prepare", "Normalised and redacted text: what every later stage and output sees."),
    Column(LANG, "string", "prepare", "ISO 639-1 code of the comment's main language, or 'unknown'."),
    Column(N_REDACTIONS, "int64", "prepare", "How many pieces of personal data were replaced in the text."),
    Column(TOUCHPOINTS, "string", "classify", "';'-joined touchpoints of the comment's segments, in order of appearance."),
    Column(LABELS, "string", "classify", "touchpoint:sentiment pairs, as in training files (e.g. logistics:negative;support:positive)."),
    Column(SENTIMENT, "string", "classify", "negative, neutral, positive, or mixed when pairs are both positive and negative."),
    Column(SENTIMENT_SCORE, "float64", "classify", "Mean of the segment pair scores, in [-1, 1]."),
    Column(ISSUE_IDS, "string", "issues", "';'-joined active issues the comment's segments belong to, in order of appearance."),
)

SEGMENT_COLUMNS: tuple[Column, ...] = (
    Column(COMMENT_ID, "string", "segment", "The comment this segment belongs to."),
    Column(SEGMENT_ID, "string", "segment", "'<comment_id>-<n>', n counting from 1 in text order."),
    Column(TEXT, "string", "segment", "The sentence or clause, stripped of surrounding space and of the contrastive conjunction that split it."),
    Column(LANG, "string", "segment", "Language of the comment the segment came from."),
    Column(SEGMENT_START, "int64", "segment", "Start offset of the segment in the comment's prepared text."),
    Column(SEGMENT_END, "int64", "segment", "End offset (exclusive) in the comment's prepared text."),
    Column(TOUCHPOINT, "string", "classify", "One touchpoint of the segment; empty when none was detected. Key: (segment_id, touchpoint)."),
    Column(TOUCHPOINT_CONFIDENCE, "float64", "classify", "Calibrated probability of that touchpoint (of no touchpoint when empty)."),
    Column(SENTIMENT, "string", "classify", "Sentiment of the segment about that touchpoint."),
    Column(SENTIMENT_SCORE, "float64", "classify", "Expected sentiment score in [-1, 1] under the predicted probabilities."),
    Column(SENTIMENT_CONFIDENCE, "float64", "classify", "Probability of the predicted sentiment."),
    Column(FEEDBACK_KIND, "string", "issues", "complaint, suggestion, praise, neutral or filler (see analyzer.issues.kinds)."),
    Column(ISSUE_ID, "string", "issues", "The issue or 'other' group of this (segment, touchpoint); empty for neutral and filler."),
    Column(SUB_ISSUE_ID, "string", "issues", "The sub-issue (a distinct part of the issue) of this segment; empty when its issue has none."),
)

ISSUE_COLUMNS: tuple[Column, ...] = (
    Column(ISSUE_ID, "string", "issues", "Short id, stable across runs that share a store: touchpoint prefix and 4 hash characters (LOG-JNS6)."),
    Column(ISSUE_KIND, "string", "issues", "complaint (complaints and suggestions) or praise."),
    Column(ISSUE_STATUS, "string", "issues", "active, ignored (by the user), sub (a sub-issue of parent_id), or other (what fits no issue)."),
    Column(PARENT_ID, "string", "issues", "For a sub-issue, the issue it is part of; empty otherwise."),
    Column(TOUCHPOINT, "string", "issues", "The issue's home touchpoint: its members' most frequent one when it was first found."),
    Column(TOUCHPOINTS, "string", "issues", "';'-joined touchpoints of the members, most frequent first."),
    Column(ISSUE_TITLE, "string", "issues", "The user's title, else the members' most representative short phrase, in the issue's dominant language."),
    Column(KEY_PHRASES, "string", "issues", "'; '-joined distinctive phrases, in their most frequent written form."),
    Column(EXAMPLES, "string", "issues", "Up to 3 representative quotes (most central first, distinct comments), one per line."),
    Column(N_COMMENTS, "int64", "issues", "Distinct comments with a segment in the issue."),
    Column(N_SEGMENTS, "int64", "issues", "Distinct segments in the issue."),
    Column(SHARE_NEGATIVE, "float64", "issues", "Share of the issue's segments with negative sentiment."),
    Column(LANGUAGES, "string", "issues", "';'-joined languages of the segments, most frequent first."),
    Column(FIRST_SEEN, "string", "issues", "Earliest comment date (or first run date when comments have no dates)."),
    Column(LAST_SEEN, "string", "issues", "Latest comment date (or this run's date)."),
    Column(TREND, "string", "issues", "new, growing, stable or shrinking: last period versus the one before, or this run versus the previous."),
    Column(FINGERPRINT, "string", "issues", "cfp- and 12 hex digits; what exported tickets carry to never be filed twice."),
    Column(COMMENT_IDS, "string", "issues", "';'-joined ids of every comment in the issue, in id order."),
    Column(NPS_IMPACT, "float64", "nps", "NPS of all respondents minus NPS of those not mentioning the issue; empty without NPS data."),
    Column(NPS_IMPACT_LOW, "float64", "nps", "Low end of the bootstrap 95% interval of nps_impact."),
    Column(NPS_IMPACT_HIGH, "float64", "nps", "High end of the bootstrap 95% interval of nps_impact."),
    Column(DETRACTOR_LIFT, "float64", "nps", "Share of detractors among respondents mentioning the issue divided by that share among the rest."),
    Column(NPS_VERDICT, "string", "nps", "What the NPS figures support (see nps_drivers.csv verdict); 'not enough data' leaves the figures empty."),
)

REJECT_COLUMNS: tuple[Column, ...] = (
    Column(REJECT_LINE, "int64", "ingest", "Line (or sheet row / record number) of the rejected row in the input."),
    Column(REJECT_COLUMN, "string", "ingest", "Input column the problem is in, empty when it concerns the whole row."),
    Column(REJECT_PROBLEM, "string", "ingest", "Short code of the first problem: empty_text, too_long, bad_nps, bad_date, duplicate_id, ragged, bad_json; "
                                                   "for NPS answers also missing_respondent, conflicting_nps, nps_disagrees, no_answer, no_respondent."),
    Column(REJECT_REASON, "string", "ingest", "What was wrong and what is accepted."),
)

# exported tickets (analyzer.followup) ---------------------------------------
TICKET_KEY = "ticket_key"
TICKET_URL = "ticket_url"
TICKET_STATUS = "ticket_status"
TICKET_CLOSED_AT = "ticket_closed_at"

ISSUE_TICKET_COLUMNS: tuple[Column, ...] = (
    Column(TICKET_KEY, "string", "tickets", "Key of the ticket the issue was exported as (';'-joined when on several trackers); empty when never exported."),
    Column(TICKET_URL, "string", "tickets", "Web address of that ticket."),
    Column(TICKET_STATUS, "string", "tickets", "open, closed or unknown: read from the tracker (--check-tickets) or the --ticket-status file."),
    Column(TICKET_CLOSED_AT, "string", "tickets", "Day the ticket was closed (YYYY-MM-DD); empty when open or unknown."),
)

# Columns that outputs write, in order; raw_text is deliberately absent.
COMMENT_OUTPUT = [COMMENT_ID, SOURCE_LINE, TEXT, LANG, DATE, CHANNEL, RESPONDENT_ID, NPS_SCORE, NPS_GROUP, TOUCHPOINTS, LABELS,
                  SENTIMENT, SENTIMENT_SCORE, ISSUE_IDS, N_REDACTIONS]
SEGMENT_BASE = [c.name for c in SEGMENT_COLUMNS if c.stage == "segment"]
SEGMENT_OUTPUT = [c.name for c in SEGMENT_COLUMNS]
ISSUE_BASE = [c.name for c in ISSUE_COLUMNS if c.stage == "issues"]
ISSUE_OUTPUT = [c.name for c in ISSUE_COLUMNS + ISSUE_TICKET_COLUMNS]


def check_columns(frame: pd.DataFrame, required: Iterable[str], *, stage: str) -> None:
    """Raise :class:`MissingColumns` unless ``frame`` has every ``required`` column.

    Example:
        >>> check_columns(pd.DataFrame({"a": [1]}), ["a"], stage="demo")
    """
    missing = [name for name in required if name not in frame.columns]
    if missing:
        raise MissingColumns(
            f"stage '{stage}' needs column(s) {', '.join(missing)}; "
            f"the table has {', '.join(map(str, frame.columns)) or 'no columns'}"
        )


STAGES = ("ingest", "prepare", "segment", "classify", "issues", "nps", "tickets")
"""The pipeline's stages in order; a table after a stage holds the columns of that stage and every earlier one."""

TABLES: dict[str, tuple[Column, ...]] = {"comments": COMMENT_COLUMNS, "segments": SEGMENT_COLUMNS, "issues": ISSUE_COLUMNS + ISSUE_TICKET_COLUMNS,
                                         "rejects": REJECT_COLUMNS}


def expected_columns(table: str, stage: str) -> tuple[Column, ...]:
    """The contract's columns of ``table`` once ``stage`` has run.

    Example:
        >>> [c.name for c in expected_columns("segments", "segment")]
        ['comment_id', 'segment_id', 'text', 'lang', 'start', 'end']
    """
    done = STAGES[: STAGES.index(stage) + 1]
    return tuple(c for c in TABLES[table] if c.stage in done)


def conform(frame: pd.DataFrame, table: str, stage: str) -> pd.DataFrame:
    """``frame`` with every contract column of ``table`` after ``stage`` cast to its dtype (for tables built from records).

    Example:
        >>> conform(pd.DataFrame({REJECT_LINE: [3], REJECT_COLUMN: [None], REJECT_PROBLEM: ["bad_date"], REJECT_REASON: ["x"]}),
        ...         "rejects", "ingest").dtypes.astype(str).tolist()
        ['int64', 'string', 'string', 'string']
    """
    return frame.astype({c.name: c.dtype for c in expected_columns(table, stage) if c.name in frame.columns})


def check_stage(frame: pd.DataFrame, table: str, stage: str) -> None:
    """Raise :class:`MissingColumns` unless ``frame`` holds every contract column of ``table`` after ``stage``, each with its dtype.

    Extra columns are allowed (an input's own columns travel along). An empty
    table must still have the columns and dtypes.
    """
    expected = expected_columns(table, stage)
    missing = [c.name for c in expected if c.name not in frame.columns]
    if missing:
        raise MissingColumns(f"{table} after stage '{stage}': missing {', '.join(missing)}")
    wrong = [f"{c.name} is {frame[c.name].dtype}, not {c.dtype}" for c in expected if str(frame[c.name].dtype) != c.dtype]
    if wrong:
        raise MissingColumns(f"{table} after stage '{stage}': {'; '.join(wrong)}")
