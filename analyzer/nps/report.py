"""NPS linkage: the score overall and per segment, what each issue costs in NPS points, and which issues drive detractors.

The respondent is the unit of NPS: ``respondent_id`` when a comment has one,
else the comment itself. A respondent mentions an issue or a touchpoint when
any of their comments does. Promoters score 9-10, passives 7-8, detractors
0-6; NPS = % promoters - % detractors, passives counting in the base only.

The arithmetic and the bands are in :mod:`analyzer.nps.arithmetic`. Rules this module applies (each is documented where it is applied):

- Conflicts: in same-file mode a respondent whose comments carry *different*
  scores is left out of the NPS (no score, ``conflict`` true) and listed in
  :attr:`Respondents.conflicts` with the scores and lines; with an answers file
  (:mod:`analyzer.nps.join`) the answer wins and disagreements are listed.
- Bands are read on the exact score: above 50 a favourite; 45 < NPS <= 50
  between the bands (50 itself is not "above 50"); 10 <= NPS <= 45 known but
  must become more customer-oriented; below 10 customers do not value the company.
- Impact of a driver = NPS of all respondents - NPS of those who do not
  mention it (negative when the driver lowers the NPS); "costs about X points"
  reads ``X = -impact``. 95% intervals are percentile bootstrap intervals over
  respondents (multinomial resampling, deterministic for a seed).
- Drivers with fewer than ``min_mentions`` mentioning respondents (or fewer than
  ``min_mentions`` not mentioning them) get the verdict "not enough data" and no interval.
- Driver model: a logistic regression of detractor status on all issue
  indicators at once (a second one on touchpoint indicators), so overlapping
  issues are not double counted; Wald p-values, significance after Holm's
  correction over every tested driver (family-wise error 5%). Drivers the model
  cannot estimate (separation, collinearity) are tested alone with Fisher's
  exact test and say so in their note.

Example:
    >>> comments = pd.DataFrame({
    ...     "comment_id": ["c1", "c2", "c3", "c4"], "respondent_id": ["A", "A", "B", None],
    ...     "nps_score": pd.array([2, 2, 9, 8], dtype="Int64"), "issue_ids": ["late", "", "", ""],
    ... })
    >>> resp = respondents(comments)
    >>> nps(resp.table["nps_score"])
    NpsValue(n=3, promoters=1, passives=1, detractors=1)
    >>> band(nps(resp.table["nps_score"]).nps)
    'below 10: customers do not value the company'
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats
from threadpoolctl import threadpool_limits

from analyzer import schema as S
from analyzer.errors import UsageError
from analyzer.nps.answers import Answers
from analyzer.nps.arithmetic import BANDS, NpsValue, band, band_code, count, is_detractor, is_promoter, nps, nps_groups
from analyzer.nps.join import Coverage, Joined, join
from analyzer.nps.tables import CONFLICT_COLUMNS, conflict_table, isin, records
from analyzer.reporter import NullReporter, Reporter

ISSUE, TOUCHPOINT = "issue", "touchpoint"

FREQS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}
CORRECTIONS = ("holm", "fdr_bh", "bonferroni")

# Respondent table columns besides the contract ones.
FROM_COMMENT = "from_comment"
N_COMMENTS = "n_comments"
SCORE_SOURCE = "score_source"
CONFLICT = "conflict"

NOT_ENOUGH = "not enough data"
VERDICTS = (
    "driver of detractors",
    "linked to fewer detractors",
    "costs NPS but no own effect once other drivers are counted",
    "no clear effect",
    "not estimable",
    NOT_ENOUGH,
)
DRIVER_COLUMNS = [
    "rank", "driver", "driver_type", "title", "touchpoint", "mentions", "nps_with", "nps_without", "impact", "ci_low", "ci_high",
    "detractors_mentioning", "promoters_mentioning", "detractor_share_with", "detractor_share_without", "detractor_lift",
    "coef", "p_value", "p_adjusted", "significant", "verdict", "note",
]

_MAX_COEF = 15.0  # a log-odds beyond this means (quasi-)separation, not an estimate


# -- respondents ----------------------------------------------------------------


@dataclass
class Respondents:
    """One row per respondent and the score conflicts found on the way.

    Attributes:
        table: ``respondent_id``, ``from_comment`` (no respondent id: the comment stands for itself), ``n_comments``,
            ``nps_score`` (Int64, NA when none or conflicting), ``nps_group``, ``score_source`` (``comment``/``answers``),
            ``conflict``, ``date`` (the answer's date, else the earliest comment date), ``channel`` and ``lang``
            (the most frequent among the comments, first seen on ties), ``touchpoints`` and ``issue_ids`` (frozensets).
        conflicts: ``line, column, problem, reason, respondent_id, comment_id``; problem ``conflicting_nps`` (left out
            of the NPS) or ``nps_disagrees`` (a comment's score disagrees with the answers file, which wins).
        joined: the join with an answers file, ``None`` in same-file mode.
    """

    table: pd.DataFrame
    conflicts: pd.DataFrame
    joined: Joined | None = None

    @property
    def scored(self) -> pd.DataFrame:
        """Respondents in the NPS base (with a score)."""
        return self.table[self.table[S.NPS_SCORE].notna()]


def respondents(comments: pd.DataFrame, answers: Answers | Joined | None = None, *, reporter: Reporter | None = None) -> Respondents:
    """Group comments into respondents; with an answers file, take scores from it and add answers without comments.

    Args:
        comments: the comments table (``comment_id``, ``respondent_id``, ``nps_score``; ``date``, ``channel``, ``lang``,
            ``touchpoints``, ``issue_ids`` and ``source_line`` are used when present).
        answers: answers read by :func:`analyzer.nps.join.read_answers` (joined here) or an existing join.
        reporter: receives a warning when respondents are left out for conflicting scores.

    Example:
        >>> c = pd.DataFrame({"comment_id": ["c1", "c2"], "respondent_id": ["R", "R"], "nps_score": pd.array([9, 3], dtype="Int64")})
        >>> r = respondents(c)
        >>> r.table["nps_score"].tolist(), r.conflicts["reason"].tolist()
        ([<NA>], ["respondent 'R' gave different scores: 9 (line 1), 3 (line 2); left out of the NPS; give one score per respondent"])
    """
    reporter = reporter or NullReporter()
    S.check_columns(comments, [S.COMMENT_ID, S.RESPONDENT_ID, S.NPS_SCORE], stage="nps")
    comments = comments.reset_index(drop=True)
    rid = comments[S.RESPONDENT_ID].astype("string").str.strip()
    rid = rid.mask(rid == "")
    cid = comments[S.COMMENT_ID].astype("string")
    has_id = rid.notna().to_numpy()
    key = ("r\x1f" + rid).where(rid.notna(), "c\x1f" + cid)
    codes, uniques = pd.factorize(key)
    n_resp = len(uniques)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy() if len(codes) else np.array([], dtype=int)
    lines = comments[S.SOURCE_LINE].to_numpy() if S.SOURCE_LINE in comments.columns else np.arange(1, len(comments) + 1)

    own = comments[S.NPS_SCORE].astype("Int64").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    by_resp = pd.DataFrame({"k": codes, "s": own}).groupby("k")["s"]
    low = by_resp.min().reindex(range(n_resp)).to_numpy()
    high = by_resp.max().reindex(range(n_resp)).to_numpy()
    conflict = low != high  # NaN != NaN is True: fixed below
    conflict &= ~np.isnan(low)
    score = np.where(conflict, np.nan, low)
    source = np.where(np.isnan(score), None, "comment").astype(object)

    if S.DATE in comments.columns:
        date = pd.Series(comments[S.DATE].to_numpy(dtype="datetime64[ns]")).groupby(codes).min().reindex(range(n_resp))
        date = date.reset_index(drop=True)
    else:
        date = pd.Series(pd.NaT, index=range(n_resp), dtype="datetime64[ns]")
    table = pd.DataFrame(
        {
            S.RESPONDENT_ID: pd.array(np.where(has_id[first], rid.to_numpy(dtype=object)[first], cid.to_numpy(dtype=object)[first])
                                      if n_resp else [], dtype="string"),
            FROM_COMMENT: ~has_id[first] if n_resp else np.array([], dtype=bool),
            N_COMMENTS: np.bincount(codes, minlength=n_resp).astype("int64"),
        }
    )
    conflicts = _same_file_conflicts(np.nonzero(conflict)[0], codes, table, comments, own, lines)

    table[CONFLICT] = conflict
    table[S.DATE] = date.to_numpy(dtype="datetime64[ns]")
    table[S.CHANNEL] = _mode(codes, comments.get(S.CHANNEL), n_resp)
    table[S.LANG] = _mode(codes, comments.get(S.LANG), n_resp)
    table[S.TOUCHPOINTS] = _sets(codes, comments.get(S.TOUCHPOINTS), n_resp)
    table[S.ISSUE_IDS] = _sets(codes, comments.get(S.ISSUE_IDS), n_resp)

    joined = None
    if answers is not None:
        joined = answers if isinstance(answers, Joined) else join(comments, answers, reporter=reporter)
        table, score, source, conflicts = _apply_answers(table, score, source, conflicts, joined)
    table[S.NPS_SCORE] = pd.array([None if math.isnan(s) else int(s) for s in score], dtype="Int64")
    table[S.NPS_GROUP] = nps_groups(score)
    table[SCORE_SOURCE] = pd.array(source, dtype="string")
    order = [S.RESPONDENT_ID, FROM_COMMENT, N_COMMENTS, S.NPS_SCORE, S.NPS_GROUP, SCORE_SOURCE, CONFLICT, S.DATE, S.CHANNEL, S.LANG,
             S.TOUCHPOINTS, S.ISSUE_IDS]
    n_conflicts = int(table[CONFLICT].sum())
    if n_conflicts:
        reporter.warn(f"{n_conflicts:,} respondent(s) gave different scores on different comments; left out of the NPS (listed in the NPS rejects)")
    return Respondents(table[order], conflicts, joined)


def _same_file_conflicts(
    conflicted: np.ndarray, codes: np.ndarray, table: pd.DataFrame, comments: pd.DataFrame, own: np.ndarray, lines: np.ndarray
) -> pd.DataFrame:
    rows = []
    if len(conflicted):
        wanted = np.isin(codes, conflicted)
        for k, positions in pd.Series(np.nonzero(wanted)[0]).groupby(codes[wanted]):
            scored = [p for p in positions if not np.isnan(own[p])]
            listed = ", ".join(f"{int(own[p])} (line {lines[p]})" for p in scored[:5]) + (f" and {len(scored) - 5} more" if len(scored) > 5 else "")
            rid = str(table[S.RESPONDENT_ID].iat[k])
            reason = f"respondent '{rid}' gave different scores: {listed}; left out of the NPS; give one score per respondent"
            rows.append((int(lines[scored[0]]), S.NPS_SCORE, "conflicting_nps", reason, rid, ";".join(str(comments[S.COMMENT_ID].iat[p]) for p in scored)))
    return conflict_table(rows)


def _apply_answers(
    table: pd.DataFrame, score: np.ndarray, source: np.ndarray, conflicts: pd.DataFrame, joined: Joined
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
    """The answers file wins for every respondent it knows; answers without comments join the base."""
    given = joined.answers.answers.set_index(S.RESPONDENT_ID)
    answered = ~table[FROM_COMMENT].to_numpy() & isin(table[S.RESPONDENT_ID], given.index)
    ids = table[S.RESPONDENT_ID][answered]
    score = score.copy()
    score[answered] = given[S.NPS_SCORE].reindex(ids).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    source = source.copy()
    source[answered] = "answers"
    answer_date = given[S.DATE].reindex(ids).to_numpy(dtype="datetime64[ns]")
    dates = table[S.DATE].to_numpy(dtype="datetime64[ns]").copy()
    dates[answered] = np.where(np.isnat(answer_date), dates[answered], answer_date)
    table = table.copy()
    table[S.DATE] = dates
    table.loc[answered, CONFLICT] = False
    # Same-file conflicts of respondents the answers file settles are no longer conflicts.
    settled = isin(conflicts[S.RESPONDENT_ID], ids)
    conflicts = pd.concat([conflicts[~settled], joined.conflicts[CONFLICT_COLUMNS]], ignore_index=True)

    extra = given[~isin(given.index, table.loc[~table[FROM_COMMENT], S.RESPONDENT_ID])]
    if len(extra):
        add = pd.DataFrame(
            {
                S.RESPONDENT_ID: pd.array(extra.index.to_numpy(dtype=object), dtype="string"),
                FROM_COMMENT: False, N_COMMENTS: np.zeros(len(extra), dtype="int64"), CONFLICT: False,
                S.DATE: extra[S.DATE].to_numpy(dtype="datetime64[ns]"),
                S.CHANNEL: pd.array([None] * len(extra), dtype="string"), S.LANG: pd.array([None] * len(extra), dtype="string"),
                S.TOUCHPOINTS: [frozenset()] * len(extra), S.ISSUE_IDS: [frozenset()] * len(extra),
            }
        )
        table = pd.concat([table, add], ignore_index=True)
        score = np.concatenate([score, extra[S.NPS_SCORE].astype("Float64").to_numpy(dtype=float, na_value=np.nan)])
        source = np.concatenate([source, np.array(["answers"] * len(extra), dtype=object)])
    return table, score, source, conflicts


def _mode(codes: np.ndarray, values: pd.Series | None, n_resp: int) -> pd.arrays.StringArray:
    """Most frequent non-empty value per respondent; on ties the one seen first."""
    out = np.full(n_resp, None, dtype=object)
    if values is not None and len(codes):
        text = values.astype("string").str.strip()
        frame = pd.DataFrame({"k": codes, "v": text.to_numpy(dtype=object, na_value=None)})
        frame = frame[frame["v"].notna() & (frame["v"] != "")]
        counts = frame.groupby(["k", "v"], sort=False).size().reset_index(name="n")
        counts["order"] = np.arange(len(counts))
        best = counts.sort_values(["k", "n", "order"], ascending=[True, False, True]).drop_duplicates("k")
        out[best["k"].to_numpy()] = best["v"].to_numpy()
    return pd.array(out, dtype="string")


def _sets(codes: np.ndarray, values: pd.Series | None, n_resp: int) -> list[frozenset[str]]:
    """Union per respondent of the ';'-joined names of their comments."""
    result: list[frozenset[str]] = [frozenset()] * n_resp
    if values is None or not len(codes):
        return result
    text = values.astype("string").fillna("")
    nonempty = (text != "").to_numpy()
    parts = pd.DataFrame({"k": codes[nonempty], "v": text[nonempty].str.split(";").to_numpy(dtype=object)}).explode("v")
    names = parts["v"].astype("string").str.strip()
    keep = (names.notna() & (names != "")).to_numpy()
    keys, names = parts["k"].to_numpy()[keep], names.to_numpy(dtype=object)[keep]
    order = np.argsort(keys, kind="stable")
    keys, listed = keys[order], names[order].tolist()
    if not len(keys):  # nobody mentions anything
        return result
    starts = np.flatnonzero(np.r_[True, np.diff(keys) != 0])
    ends = np.r_[starts[1:], len(keys)]
    for k, start, end in zip(keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
        result[k] = frozenset(listed[start:end])
    return result


def _table(resp: Respondents | pd.DataFrame) -> pd.DataFrame:
    return resp.table if isinstance(resp, Respondents) else resp


# -- segments and periods -------------------------------------------------------


BREAKDOWN_BY = {"period": S.DATE, "channel": S.CHANNEL, "touchpoint": S.TOUCHPOINTS, "language": S.LANG, "lang": S.LANG, "issue": S.ISSUE_IDS}


def breakdown(resp: Respondents | pd.DataFrame, by: str, *, freq: str | None = None, min_n: int = 30) -> pd.DataFrame:
    """NPS per segment: ``period``, ``channel``, ``touchpoint``, ``language`` or ``issue``.

    A respondent counts in every touchpoint and issue they mention; respondents without a channel or language
    form the segment ``(unknown)``; periods come from :func:`periods`. Segments with fewer than ``min_n`` answers
    carry a note saying so.

    Returns:
        ``by, segment, n, promoters, passives, detractors, nps, promoter_pct, detractor_pct, band, note``, largest first
        (periods in time order).

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 3, 8], dtype="Int64"), "channel": pd.array(["chat", "chat", None], dtype="string")})
        >>> breakdown(t, "channel", min_n=1)[["segment", "n", "nps"]].values.tolist()
        [['chat', 2, 0.0], ['(unknown)', 1, 0.0]]
    """
    if by not in BREAKDOWN_BY:
        raise UsageError(f"NPS breakdown by '{by}' is not available; accepted: {', '.join(BREAKDOWN_BY)}")
    table = _table(resp)
    if by == "period":
        frame = periods(table, freq).rename(columns={"period": "segment"})
        frame = frame.drop(columns=[c for c in ("start", "end", "freq") if c in frame.columns])
    else:
        scored = table[table[S.NPS_SCORE].notna()]
        column = BREAKDOWN_BY[by]
        scores = scored[S.NPS_SCORE].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        if by in ("touchpoint", "issue"):
            sets = scored[column] if column in scored.columns else pd.Series([frozenset()] * len(scored))
            lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
            segment = pd.Series(list(itertools.chain.from_iterable(sorted(s) for s in sets)), dtype=object)
            scores = np.repeat(scores, lengths)
        else:
            values = scored[column] if column in scored.columns else pd.Series([None] * len(scored))
            segment = values.astype("string").fillna("(unknown)").to_numpy(dtype=object)
        rows = [_segment_row(name, group) for name, group in pd.Series(scores).groupby(np.asarray(segment, dtype=object), sort=False)] \
            if len(scores) else []
        frame = pd.DataFrame(rows, columns=["segment", "n", "promoters", "passives", "detractors", "nps", "promoter_pct", "detractor_pct"])
        frame = frame.sort_values(["n", "segment"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame.insert(0, "by", by)
    frame["band"] = [band_code(v) for v in frame["nps"]]
    frame["note"] = np.where(frame["n"] < min_n, f"fewer than {min_n} answers: read with care", "")
    return frame.reset_index(drop=True)


def _segment_row(name: object, scores: pd.Series) -> tuple[Any, ...]:
    v = count(scores.to_numpy())
    return (str(name), v.n, v.promoters, v.passives, v.detractors, v.nps, v.promoter_pct, v.detractor_pct)


def choose_freq(dates: pd.Series) -> str:
    """``week`` when the dates span less than 92 days, else ``month``; ``month`` when there are no dates.

    Example:
        >>> choose_freq(pd.Series(pd.to_datetime(["2026-01-01", "2026-02-15"]))), choose_freq(pd.Series(pd.to_datetime(["2026-01-01", "2026-06-01"])))
        ('week', 'month')
    """
    dates = pd.Series(dates).dropna()
    if dates.empty:
        return "month"
    return "week" if (dates.max() - dates.min()) < pd.Timedelta(days=92) else "month"


def _check_freq(freq: str) -> str:
    if freq not in FREQS:
        raise UsageError(f"NPS period '{freq}' is not a period length; accepted: {', '.join(FREQS)}")
    return freq


def _period_label(period: pd.Period, freq: str) -> str:
    if freq == "week":
        year, week, _ = period.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    if freq == "quarter":
        return f"{period.year}-Q{period.quarter}"
    return str(period)


def _assign_periods(table: pd.DataFrame, freq: str) -> tuple[np.ndarray, pd.PeriodIndex]:
    """Period ordinal of each scored, dated respondent (-1 otherwise) and every period from the first to the last."""
    dated = (table[S.NPS_SCORE].notna() & table[S.DATE].notna()).to_numpy()
    which = np.full(len(table), -1, dtype=np.int64)
    if not dated.any():
        return which, pd.PeriodIndex([], freq=FREQS[freq])
    assigned = pd.PeriodIndex(table.loc[dated, S.DATE].to_numpy(dtype="datetime64[ns]"), freq=FREQS[freq])
    which[dated] = assigned.asi8
    span = pd.period_range(assigned.min(), assigned.max(), freq=FREQS[freq])
    return which, span


def periods(resp: Respondents | pd.DataFrame, freq: str | None = None) -> pd.DataFrame:
    """NPS per period over the respondents with a date, every period from the first to the last (empty ones with n 0).

    Args:
        resp: respondents (their ``date`` is the answer's date, else their earliest comment's).
        freq: ``day``, ``week`` (ISO, Monday to Sunday), ``month`` or ``quarter``; chosen by :func:`choose_freq` when ``None``.

    Returns:
        ``period`` (``2026-05``, ``2026-W19``, ``2026-Q2``, ``2026-05-31``), ``start``, ``end``, ``freq``, ``n``,
        ``promoters``, ``passives``, ``detractors``, ``nps``, ``promoter_pct``, ``detractor_pct``; ``nps`` is NaN for empty periods.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 2, 9], dtype="Int64"), "date": pd.to_datetime(["2026-01-03", "2026-03-09", "2026-06-30"])})
        >>> periods(t)[["period", "n", "nps"]].values.tolist()
        [['2026-01', 1, 100.0], ['2026-02', 0, nan], ['2026-03', 1, -100.0], ['2026-04', 0, nan], ['2026-05', 0, nan], ['2026-06', 1, 100.0]]
    """
    table = _table(resp)
    freq = _check_freq(freq) if freq is not None else choose_freq(table.loc[table[S.NPS_SCORE].notna(), S.DATE])
    which, span = _assign_periods(table, freq)
    scores = table[S.NPS_SCORE].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    rows = []
    for period in span:
        v = count(scores[which == period.ordinal])
        rows.append((_period_label(period, freq), period.start_time.normalize(), period.end_time.normalize(), freq, v.n, v.promoters,
                     v.passives, v.detractors, v.nps, v.promoter_pct, v.detractor_pct))
    frame = pd.DataFrame(rows, columns=["period", "start", "end", "freq", "n", "promoters", "passives", "detractors", "nps", "promoter_pct",
                                        "detractor_pct"])
    for column in ("nps", "promoter_pct", "detractor_pct"):
        frame[column] = frame[column].astype("float64")
    return frame


# -- drivers ----------------------------------------------------------------------


@dataclass
class _Drivers:
    """Driver names, types, titles and the sparse respondent x driver mention matrix."""

    names: list[str]
    types: list[str]
    titles: list[str]
    touchpoints: list[str]
    mentions: sparse.csr_matrix


def _driver_matrix(table: pd.DataFrame, issues: pd.DataFrame | None, include_praise: bool, touchpoints: bool = True) -> _Drivers:
    """Complaint issues (praise ones too when asked, unknown ids always) and touchpoints, as indicator columns."""
    seen_issues = sorted(set().union(*table[S.ISSUE_IDS])) if S.ISSUE_IDS in table.columns and len(table) else []
    seen_touchpoints = sorted(set().union(*table[S.TOUCHPOINTS])) if touchpoints and S.TOUCHPOINTS in table.columns and len(table) else []
    names, types, titles, tps = [], [], [], []
    known: dict[str, tuple[str, str, str]] = {}
    if issues is not None and len(issues):
        S.check_columns(issues, [S.ISSUE_ID], stage="nps drivers")
        for row in issues.itertuples(index=False):
            record = row._asdict()
            issue_id = str(record[S.ISSUE_ID])
            known[issue_id] = (str(record.get("title") or issue_id), str(record.get("kind") or "complaint"), str(record.get(S.TOUCHPOINT) or ""))
    for issue_id in list(known) + [i for i in seen_issues if i not in known]:
        title, kind, touchpoint = known.get(issue_id, (issue_id, "complaint", ""))
        if kind == "praise" and not include_praise:
            continue
        names.append(issue_id)
        types.append(ISSUE)
        titles.append(title)
        tps.append(touchpoint)
    for touchpoint in seen_touchpoints:
        names.append(touchpoint)
        types.append(TOUCHPOINT)
        titles.append(touchpoint)
        tps.append(touchpoint)
    n = len(table)
    rows_list, cols_list = [], []
    for column, kind in ((S.ISSUE_IDS, ISSUE), (S.TOUCHPOINTS, TOUCHPOINT)):
        if column not in table.columns or not n:
            continue
        positions = [j for j, t in enumerate(types) if t == kind]
        sets = table[column].tolist()
        lengths = np.fromiter(map(len, sets), dtype=np.int64, count=n)
        flat = np.fromiter(itertools.chain.from_iterable(sets), dtype=object, count=int(lengths.sum()))
        found = pd.Index([names[j] for j in positions], dtype=object).get_indexer(flat)
        cols = np.where(found >= 0, np.asarray(positions + [-1], dtype=np.int64)[found], -1)
        rows = np.repeat(np.arange(n), lengths)
        keep = cols >= 0
        rows_list.append(rows[keep])
        cols_list.append(cols[keep])
    rows = np.concatenate(rows_list) if rows_list else np.array([], dtype=np.int64)
    cols = np.concatenate(cols_list) if cols_list else np.array([], dtype=np.int64)
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, len(names)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return _Drivers(names, types, titles, tps, matrix)


def drivers(
    resp: Respondents | pd.DataFrame,
    issues: pd.DataFrame | None = None,
    *,
    min_mentions: int = 30,
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
    correction: str = "holm",
    include_praise: bool = False,
) -> pd.DataFrame:
    """What each issue and touchpoint costs in NPS points, and whether it drives detractors once the others are counted.

    Args:
        resp: respondents from :func:`respondents`; only those with a score count.
        issues: ``issue_id`` with ``title``, ``kind`` and ``touchpoint`` when known; complaint issues (and issue ids
            not in the table) are drivers, praise ones only with ``include_praise``. ``None`` uses the ids as titles.
        min_mentions: fewer mentioning (or non-mentioning) respondents than this gives "not enough data" and no interval.
        n_boot: bootstrap replicates for the 95% intervals (0 skips them).
        seed: makes the bootstrap deterministic.
        alpha: family-wise (``holm``, ``bonferroni``) or false-discovery (``fdr_bh``) rate for ``significant``.
        correction: the multiple-comparison rule over every tested driver.
        include_praise: add praise issues as drivers (their coefficient is usually negative).

    Returns:
        One row per driver (columns :data:`DRIVER_COLUMNS`): issues first, then touchpoints, each by ``rank``
        (significant drivers of detractors first, then by cost). ``impact`` = NPS of all - NPS without the
        mentioners (negative: the driver lowers the NPS); ``ci_low``/``ci_high`` its percentile bootstrap interval
        (widened to include the estimate in the rare case a skewed bootstrap distribution leaves it out);
        ``detractors_mentioning`` / ``promoters_mentioning`` the share of detractors / promoters who mention it;
        ``detractor_share_with`` / ``_without`` the share of detractors among those who do / do not mention it;
        ``detractor_lift`` = detractor share among mentioners / overall detractor share; ``coef`` the log-odds of
        being a detractor in the driver model, ``p_value`` its Wald p-value (Fisher's exact test when the model
        cannot estimate it, see ``note``), ``p_adjusted`` after the correction.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([0, 2, 10, 9, 10, 8], dtype="Int64"),
        ...                   "issue_ids": [frozenset({"late"}), frozenset({"late"}), frozenset(), frozenset({"late"}), frozenset(), frozenset()]})
        >>> d = drivers(t, min_mentions=2, n_boot=200)
        >>> d.loc[0, "driver"], int(d.loc[0, "mentions"]), [round(float(d.loc[0, c]), 2) for c in ("nps_with", "nps_without", "impact")]
        ('late', 3, [-33.33, 66.67, -50.0])
        >>> bool(d.loc[0, "ci_low"] <= d.loc[0, "impact"] <= d.loc[0, "ci_high"]), float(d.loc[0, "detractors_mentioning"])
        (True, 1.0)
    """
    if min_mentions < 1:
        raise UsageError(f"NPS min mentions {min_mentions} is not allowed; give 1 or more")
    if n_boot < 0:
        raise UsageError(f"NPS bootstrap replicates {n_boot} is not allowed; give 0 (no intervals) or more")
    if correction not in CORRECTIONS:
        raise UsageError(f"NPS correction '{correction}' is not known; accepted: {', '.join(CORRECTIONS)}")
    if not 0 < alpha < 1:
        raise UsageError(f"NPS significance level {alpha} is not allowed; give a number between 0 and 1, e.g. 0.05")
    table = _table(resp)
    scored = table[table[S.NPS_SCORE].notna()].reset_index(drop=True)
    found = _driver_matrix(scored, issues, include_praise)
    scores = scored[S.NPS_SCORE].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    is_p, is_d = is_promoter(scores), is_detractor(scores)
    n, n_p, n_d = len(scores), int(is_p.sum()), int(is_d.sum())
    M = found.mentions
    m = np.asarray(M.sum(axis=0)).ravel()
    p_with = M.T @ is_p.astype(float)
    d_with = M.T @ is_d.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        nps_all = 100 * (n_p - n_d) / n if n else np.nan
        nps_with = 100 * (p_with - d_with) / m
        nps_without = 100 * ((n_p - p_with) - (n_d - d_with)) / (n - m)
        impact = nps_all - nps_without
        share_with = d_with / m
        share_without = (n_d - d_with) / (n - m)
        lift = share_with / (n_d / n) if n_d else np.full(len(m), np.nan)
        d_mentioning = d_with / n_d if n_d else np.full(len(m), np.nan)
        p_mentioning = p_with / n_p if n_p else np.full(len(m), np.nan)
    enough = (m >= min_mentions) & (n - m >= min_mentions)
    notes = [_enough_note(int(mj), n, min_mentions) for mj in m]

    ci_low = np.full(len(m), np.nan)
    ci_high = np.full(len(m), np.nan)
    if n_boot and enough.any():
        columns = np.nonzero(enough)[0]
        low, high = _bootstrap(M[:, columns], is_p, is_d, n_boot, seed)
        ci_low[columns] = np.minimum(low, impact[columns])  # a percentile interval can miss a skewed point estimate
        ci_high[columns] = np.maximum(high, impact[columns])

    coef = np.full(len(m), np.nan)
    p_value = np.full(len(m), np.nan)
    # Tall, narrow products: one BLAS thread is as fast, and far faster when other work holds the cores.
    with threadpool_limits(limits=1, user_api="blas"):
        for kind in (ISSUE, TOUCHPOINT):
            columns = np.array([j for j, t in enumerate(found.types) if t == kind and enough[j]], dtype=np.int64)
            if len(columns):
                fit_coef, fit_p, fit_notes = _driver_model(M[:, columns], is_d, [found.titles[j] for j in columns])
                coef[columns], p_value[columns] = fit_coef, fit_p
                for j, note in zip(columns, fit_notes, strict=True):
                    notes[j] = note
    p_adjusted = np.full(len(m), np.nan)
    tested = ~np.isnan(p_value)
    if tested.any():
        p_adjusted[tested] = adjust_pvalues(p_value[tested], correction)
    significant = tested & (np.nan_to_num(p_adjusted, nan=1.0) <= alpha)
    direction = np.where(np.isfinite(coef), np.sign(coef), np.sign(np.nan_to_num(lift, nan=1.0) - 1))
    verdict = []
    for j in range(len(m)):
        if not enough[j]:
            verdict.append(NOT_ENOUGH)
        elif not tested[j]:
            verdict.append("not estimable")
        elif significant[j]:
            verdict.append("driver of detractors" if direction[j] > 0 else "linked to fewer detractors")
        elif ci_high[j] < 0:
            verdict.append("costs NPS but no own effect once other drivers are counted")
        else:
            verdict.append("no clear effect")
    frame = pd.DataFrame(
        {
            "driver": found.names, "driver_type": found.types, "title": found.titles, "touchpoint": found.touchpoints,
            "mentions": m.astype("int64"), "nps_with": nps_with, "nps_without": nps_without, "impact": impact,
            "ci_low": ci_low, "ci_high": ci_high, "detractors_mentioning": d_mentioning, "promoters_mentioning": p_mentioning,
            "detractor_share_with": share_with, "detractor_share_without": share_without, "detractor_lift": lift,
            "coef": coef, "p_value": p_value, "p_adjusted": p_adjusted, "significant": significant, "verdict": verdict, "note": notes,
        }
    )
    for column in ("nps_with", "nps_without", "impact", "detractors_mentioning", "promoters_mentioning", "detractor_share_with",
                   "detractor_share_without", "detractor_lift"):
        frame[column] = frame[column].astype("float64")
    frame["_harmful"] = significant & (direction > 0)
    frame["_cost"] = (-frame["impact"]).fillna(-np.inf)
    frame["_type"] = (frame["driver_type"] == TOUCHPOINT).astype(int)
    frame = frame.sort_values(["_type", "_harmful", "_cost", "driver"], ascending=[True, False, False, True], kind="stable")
    frame["_enough"] = enough[frame.index]
    frame = frame.sort_values(["_type", "_enough"], ascending=[True, False], kind="stable")
    frame.insert(0, "rank", frame.groupby("_type").cumcount().to_numpy() + 1)
    return frame[DRIVER_COLUMNS].reset_index(drop=True)


def adjust_pvalues(p_values: np.ndarray, method: str = "holm") -> np.ndarray:
    """P-values adjusted for multiple comparisons: ``holm`` (step-down), ``bonferroni`` or ``fdr_bh`` (Benjamini-Hochberg).

    Compare the result with alpha: Holm and Bonferroni keep the chance of any false driver at alpha,
    Benjamini-Hochberg the expected share of false drivers among the significant ones.

    Example:
        >>> adjust_pvalues(np.array([0.01, 0.04, 0.03]), "holm").round(3).tolist()
        [0.03, 0.06, 0.06]
        >>> adjust_pvalues(np.array([0.01, 0.04, 0.03]), "fdr_bh").round(3).tolist()
        [0.03, 0.04, 0.04]
    """
    if method not in CORRECTIONS:
        raise UsageError(f"NPS correction '{method}' is not known; accepted: {', '.join(CORRECTIONS)}")
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=float)
    return multipletests(p, method=method)[1] if len(p) else p.copy()


def _enough_note(mentions: int, n: int, min_mentions: int) -> str:
    if mentions < min_mentions:
        return f"{mentions} respondent(s) mention it; at least {min_mentions} needed"
    if n - mentions < min_mentions:
        return f"only {n - mentions} respondent(s) do not mention it; at least {min_mentions} needed"
    return ""


def _bootstrap(M: sparse.csr_matrix, is_p: np.ndarray, is_d: np.ndarray, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95% intervals of each driver's impact under resampling of respondents with replacement.

    A driver's impact depends only on six counts: respondents who do / do not mention it, times promoter /
    passive / detractor. Resampling n respondents makes those six counts multinomial with the observed shares,
    so drawing them directly gives exactly the bootstrap distribution of each driver's impact, at a cost that
    does not grow with the number of respondents. The intervals are per driver (not joint).
    """
    n, n_drivers = M.shape
    m = np.asarray(M.sum(axis=0)).ravel()
    pw, dw = M.T @ is_p.astype(float), M.T @ is_d.astype(float)
    total_p, total_d = float(is_p.sum()), float(is_d.sum())
    cells = np.column_stack([pw, m - pw - dw, dw, total_p - pw, (n - m) - (total_p - pw) - (total_d - dw), total_d - dw])
    probabilities = np.clip(cells, 0, None) / n
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, probabilities, size=(n_boot, n_drivers)).astype(np.float64)
    promoters, detractors = draws[..., 0] + draws[..., 3], draws[..., 2] + draws[..., 5]
    without = draws[..., 3:].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        impacts = 100 * (promoters - detractors) / n - 100 * (draws[..., 3] - draws[..., 5]) / without
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (nobody left without the driver) stay NaN
        low, high = np.nanpercentile(impacts, [2.5, 97.5], axis=0)
    return low, high


def _driver_model(M: sparse.csr_matrix, is_d: np.ndarray, titles: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Logistic regression of detractor status on all indicators at once, on grouped (pattern) data.

    Columns that no model can estimate are tested alone with Fisher's exact test and say so in their note:
    a driver whose mentioners are all or none detractors (separation), and a driver that is a linear
    combination of others (e.g. always mentioned together with another). If the fit itself fails, every
    column falls back to Fisher's test.
    """
    n, k = M.shape
    dense = M.toarray().astype(bool)
    first, inverse = _row_groups(dense)
    patterns = dense[first].astype(np.float64)
    total = np.bincount(inverse, minlength=len(first)).astype(np.float64)
    detractors = np.bincount(inverse, weights=is_d.astype(np.float64), minlength=len(first))
    m = dense.sum(axis=0)
    d_with = (dense & is_d[:, None]).sum(axis=0)
    n_d = int(is_d.sum())

    def fisher(j: int) -> float:
        a, b = int(d_with[j]), int(m[j] - d_with[j])
        c, d = n_d - a, (n - n_d) - b
        return float(stats.fisher_exact([[a, b], [c, d]])[1])

    coef = np.full(k, np.nan)
    p_value = np.full(k, np.nan)
    notes = [""] * k
    separated = [j for j in range(k) if d_with[j] == 0 or d_with[j] == m[j]]
    for j in separated:
        who = "none" if d_with[j] == 0 else "all"
        notes[j] = f"{who} of its mentioners are detractors, so the model cannot estimate it; tested alone (Fisher's exact test)"
    candidates = [j for j in np.argsort(-m, kind="stable") if j not in set(separated)]
    kept, dependent = _independent_columns(patterns, total, candidates)
    for j, other in dependent.items():
        notes[j] = f"moves together with {titles[other]} (collinear), so the model cannot tell them apart; tested alone (Fisher's exact test)"
    kept = sorted(kept)
    unstable = "the model's estimate runs off to infinity (quasi-separation with other drivers); tested alone (Fisher's exact test)"
    for _attempt in range(3):  # drop drivers whose estimate diverges, refit with the others
        if not kept or not 0 < n_d < n:
            break
        design = np.column_stack([np.ones(len(patterns)), patterns[:, kept]])
        try:
            params, pvalues = logit_fit(design, detractors, total)
        except ModelDiverged as exc:
            diverging = [j for j, b in zip(kept, exc.params[1:], strict=True) if not np.isfinite(b) or abs(b) > _MAX_COEF / 2]
            if not diverging:
                diverging = list(kept)
            for j in diverging:
                notes[j] = unstable
            kept = [j for j in kept if j not in diverging]
            continue
        except np.linalg.LinAlgError as exc:
            for j in kept:
                notes[j] = f"the driver model could not be fitted ({exc}); tested alone (Fisher's exact test)"
            break
        for position, j in enumerate(kept, start=1):
            if np.isfinite(params[position]) and abs(params[position]) < _MAX_COEF and np.isfinite(pvalues[position]):
                coef[j], p_value[j] = params[position], pvalues[position]
            else:
                notes[j] = unstable
        break
    for j in range(k):
        if np.isnan(p_value[j]):
            p_value[j] = fisher(j)
    return coef, p_value, notes


class ModelDiverged(ArithmeticError):
    """The logistic regression did not converge; ``params`` holds the last estimates (the diverging ones are large)."""

    def __init__(self, message: str, params: np.ndarray) -> None:
        super().__init__(message)
        self.params = params


def logit_fit(design: np.ndarray, successes: np.ndarray, totals: np.ndarray, *, max_iter: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression on grouped data (statsmodels' binomial GLM), with Wald p-values.

    Row i of ``design`` stands for ``totals[i]`` respondents of whom ``successes[i]`` are detractors; the
    estimates and standard errors are those of the ungrouped fit, at the cost of a (patterns x drivers) fit.

    Raises:
        ModelDiverged: separation or no convergence (estimates running off to infinity); it carries the last estimates.
        numpy.linalg.LinAlgError: the information matrix is singular (collinear columns).

    Example:
        >>> x = np.array([[1.0, 0.0], [1.0, 1.0]])
        >>> params, p = logit_fit(x, np.array([10.0, 30.0]), np.array([100.0, 100.0]))
        >>> params.round(3).tolist(), bool(p[1] < 0.001)
        ([-2.197, 1.35], True)
    """
    import warnings

    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise np.linalg.LinAlgError("the drivers are collinear")
    model = sm.GLM(np.column_stack([successes, totals - successes]), design, family=sm.families.Binomial())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.fit(maxiter=max_iter)
    params = np.asarray(result.params, dtype=float)
    # statsmodels' perfect-separation warning also fires on saturated grouped fits, which are fine: judge by the estimates
    if any(issubclass(w.category, ConvergenceWarning) for w in caught) or not np.all(np.isfinite(params)) or np.abs(params).max() > _MAX_COEF / 2:
        raise ModelDiverged("the fit did not converge: estimates run off to infinity", params)
    return params, np.asarray(result.pvalues, dtype=float)


def _row_groups(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group identical rows of a boolean matrix: the first row of each group and each row's group number.

    Example:
        >>> first, inverse = _row_groups(np.array([[1, 0], [0, 1], [1, 0]], dtype=bool))
        >>> sorted(first.tolist()), inverse[0] == inverse[2] != inverse[1]
        ([0, 1], np.True_)
    """
    packed = np.packbits(dense, axis=1)
    width = -(-packed.shape[1] // 8) * 8 if packed.shape[1] else 8
    padded = np.zeros((len(dense), width), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    words = padded.view(np.uint64)
    if words.shape[1] == 1:
        _, inverse = np.unique(words[:, 0], return_inverse=True)
    else:
        inverse = pd.DataFrame(words).groupby(list(range(words.shape[1])), sort=True).ngroup().to_numpy()
    _, first = np.unique(inverse, return_index=True)
    return first, inverse.ravel()


def _independent_columns(patterns: np.ndarray, weights: np.ndarray, order: list[int]) -> tuple[list[int], dict[int, int]]:
    """Greedy pivoted Cholesky on the weighted Gram matrix (intercept first): keep columns that add a new direction.

    Returns the kept columns and, for each dropped one, the kept column it overlaps most.
    """
    design = np.column_stack([np.ones(len(patterns)), patterns])
    gram = design.T @ (design * weights[:, None])
    kept_positions = [0]
    factor = np.zeros((gram.shape[0], gram.shape[0]))
    factor[0, 0] = math.sqrt(gram[0, 0])
    kept: list[int] = []
    dependent: dict[int, int] = {}
    for j in order:
        col = j + 1
        solved = np.linalg.solve(factor[np.ix_(range(len(kept_positions)), range(len(kept_positions)))],
                                 gram[kept_positions, col]) if kept_positions else np.array([])
        residual = gram[col, col] - solved @ solved
        if gram[col, col] <= 0 or residual / gram[col, col] < 1e-9:
            overlaps = [gram[col, c + 1] / math.sqrt(gram[c + 1, c + 1]) for c in kept] or [0.0]
            dependent[j] = kept[int(np.argmax(overlaps))] if kept else j
            continue
        row = len(kept_positions)
        factor[row, :row] = solved
        factor[row, row] = math.sqrt(residual)
        kept_positions.append(col)
        kept.append(j)
    return kept, dependent


# -- change between periods ----------------------------------------------------------


@dataclass
class PeriodChange:
    """The NPS change between two periods, split per driver into a mention-share part and a score part.

    For a driver in period t: share ``s_t`` of respondents mention it, the gap ``g_t`` = NPS of mentioners - NPS
    of the others, and its impact ``s_t * g_t`` (= NPS_t - NPS of non-mentioners, the ``impact`` of :func:`drivers`).
    The change of its impact splits exactly (symmetric shift-share):

        impact_b - impact_a = (s_b - s_a) * (g_a + g_b) / 2   [mention_part: more or fewer people mention it]
                            + (s_a + s_b) / 2 * (g_b - g_a)   [score_part: those who mention it score differently]

    and NPS_b - NPS_a = impact_change + others_change, where ``others_change`` is the change of the NPS among
    respondents who do not mention the driver. When nobody mentions it in one period its gap is taken from the
    other period (all its change is then mention share).

    Attributes:
        a, b: period labels; ``nps_a``, ``nps_b`` the two scores and ``n_a``, ``n_b`` their bases.
        by_driver: ``driver, driver_type, title, mentions_a, mentions_b, share_a, share_b, nps_with_a, nps_with_b,
            nps_without_a, nps_without_b, impact_a, impact_b, impact_change, mention_part, score_part, others_change,
            enough_data, note``, largest absolute change first.
    """

    a: str
    b: str
    freq: str
    nps_a: NpsValue
    nps_b: NpsValue
    by_driver: pd.DataFrame

    @property
    def total(self) -> float | None:
        """NPS of period b minus NPS of period a."""
        if self.nps_a.nps is None or self.nps_b.nps is None:
            return None
        return self.nps_b.nps - self.nps_a.nps

    def to_dict(self) -> dict[str, Any]:
        """The change for ``nps.json``."""
        return {"a": self.a, "b": self.b, "freq": self.freq, "nps_a": self.nps_a.to_dict(), "nps_b": self.nps_b.to_dict(),
                "total": self.total, "by_driver": records(self.by_driver)}


def change(
    resp: Respondents | pd.DataFrame,
    issues: pd.DataFrame | None = None,
    a: str | None = None,
    b: str | None = None,
    *,
    freq: str | None = None,
    min_mentions: int = 30,
    include_praise: bool = False,
) -> PeriodChange:
    """Decompose the NPS change between periods ``a`` and ``b`` per driver (see :class:`PeriodChange` for the formula).

    Args:
        resp: respondents with dates.
        issues: as for :func:`drivers`.
        a: the earlier period's label as :func:`periods` writes it; ``None`` (with ``b`` ``None``) takes the last two periods with answers.
        b: the later period's label.
        freq: period length, chosen like :func:`periods` when ``None``.
        min_mentions: a driver with fewer mentions in either period gets ``enough_data`` false and a note (unless it is
            not mentioned at all in one period and at least this often in the other: then its change is all mention share).
        include_praise: add praise issues.

    Raises:
        UsageError: a period label is unknown, or there are fewer than two periods with answers.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 10, 0, 0, 0, 10], dtype="Int64"),
        ...                   "date": pd.to_datetime(["2026-01-05"] * 3 + ["2026-06-05"] * 3),
        ...                   "issue_ids": [frozenset(), frozenset(), frozenset({"late"}), frozenset({"late"}), frozenset({"late"}), frozenset()]})
        >>> c = change(t, min_mentions=1)
        >>> c.a, c.b, round(c.total, 1)
        ('2026-01', '2026-06', -66.7)
        >>> c.by_driver.loc[0, ["impact_change", "mention_part", "score_part"]].round(1).tolist()
        [-66.7, -66.7, 0.0]
    """
    table = _table(resp)
    freq = _check_freq(freq) if freq is not None else choose_freq(table.loc[table[S.NPS_SCORE].notna(), S.DATE])
    which, span = _assign_periods(table, freq)
    labels = {_period_label(p, freq): p for p in span}
    present = set(np.unique(which[which >= 0]).tolist())
    answered = [label for label, p in labels.items() if p.ordinal in present]
    if a is None and b is None:
        if len(answered) < 2:
            raise UsageError(f"an NPS change needs two periods with answers; found {len(answered)} ({', '.join(answered) or 'no dated answers'})")
        a, b = answered[-2], answered[-1]
    for label in (a, b):
        if label not in answered:
            raise UsageError(f"NPS period '{label}' has no answers or is not a {freq} label; accepted: {', '.join(answered) or 'none'}")
    assert a is not None and b is not None
    scored = table[table[S.NPS_SCORE].notna()].reset_index(drop=True)
    has_score = table[S.NPS_SCORE].notna().to_numpy()
    in_a, in_b = which[has_score] == labels[a].ordinal, which[has_score] == labels[b].ordinal
    found = _driver_matrix(scored, issues, include_praise)
    scores = scored[S.NPS_SCORE].astype("Float64").to_numpy(dtype=float, na_value=np.nan)

    def parts(mask: np.ndarray) -> tuple[NpsValue, np.ndarray, np.ndarray, np.ndarray]:
        sub = found.mentions[mask]
        v = count(scores[mask])
        m = np.asarray(sub.sum(axis=0)).ravel()
        return v, m, sub.T @ is_promoter(scores[mask]).astype(float), sub.T @ is_detractor(scores[mask]).astype(float)

    va, ma, pa, da = parts(in_a)
    vb, mb, pb, db = parts(in_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_a, share_b = ma / va.n, mb / vb.n
        with_a, with_b = 100 * (pa - da) / ma, 100 * (pb - db) / mb
        without_a = 100 * ((va.promoters - pa) - (va.detractors - da)) / (va.n - ma)
        without_b = 100 * ((vb.promoters - pb) - (vb.detractors - db)) / (vb.n - mb)
    gap_a, gap_b = with_a - without_a, with_b - without_b
    gap_a = np.where(ma == 0, gap_b, gap_a)
    gap_b = np.where(mb == 0, gap_a, gap_b)
    gap_a, gap_b = np.where((ma == 0) & (mb == 0), 0.0, gap_a), np.where((ma == 0) & (mb == 0), 0.0, gap_b)
    impact_a, impact_b = share_a * gap_a, share_b * gap_b
    notes = []
    enough = []
    for j in range(len(found.names)):
        low, high = min(ma[j], mb[j]), max(ma[j], mb[j])
        if va.n - ma[j] == 0 or vb.n - mb[j] == 0:
            notes.append("everybody mentions it in one period, so there is nobody to compare with")
        elif high < min_mentions:
            notes.append(f"at most {int(high)} mention(s) in a period; at least {min_mentions} needed")
        elif 0 < low < min_mentions:
            notes.append(f"{int(low)} mention(s) in one period; at least {min_mentions} needed")
        elif low == 0:
            notes.append("not mentioned in one period: compared by mention share alone")
        else:
            notes.append("")
        enough.append(notes[-1] in ("", "not mentioned in one period: compared by mention share alone"))
    frame = pd.DataFrame(
        {
            "driver": found.names, "driver_type": found.types, "title": found.titles,
            "mentions_a": ma.astype("int64"), "mentions_b": mb.astype("int64"), "share_a": share_a, "share_b": share_b,
            "nps_with_a": with_a, "nps_with_b": with_b, "nps_without_a": without_a, "nps_without_b": without_b,
            "impact_a": impact_a, "impact_b": impact_b, "impact_change": impact_b - impact_a,
            "mention_part": (share_b - share_a) * (gap_a + gap_b) / 2, "score_part": (share_a + share_b) / 2 * (gap_b - gap_a),
            "others_change": without_b - without_a, "enough_data": enough, "note": notes,
        }
    )
    order = frame["impact_change"].abs().fillna(-1).sort_values(ascending=False, kind="stable").index
    return PeriodChange(a, b, freq, va, vb, frame.loc[order].reset_index(drop=True))


# -- report ---------------------------------------------------------------------------


@dataclass
class NpsReport:
    """Everything the NPS linkage produces for one run: ``nps.json`` from :meth:`to_json`, ``nps_drivers.csv`` from ``drivers``.

    Attributes:
        overall: the NPS over every respondent with a score.
        respondents: the respondent table and conflicts (and the join with an answers file).
        periods: NPS per period (:func:`periods`); empty without dates.
        freq: the period length used.
        breakdowns: ``channel``, ``language``, ``touchpoint``, ``issue`` -> :func:`breakdown` tables.
        drivers: :func:`drivers` table.
        change: the last two periods with answers compared (:func:`change`), ``None`` with fewer than two.
        parameters: min mentions, bootstrap replicates, seed, alpha, correction.
    """

    overall: NpsValue
    respondents: Respondents
    periods: pd.DataFrame
    freq: str
    breakdowns: dict[str, pd.DataFrame]
    drivers: pd.DataFrame
    change: PeriodChange | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def band(self) -> str:
        """The reading of the overall score (see :func:`band`)."""
        return band(self.overall.nps)

    @property
    def coverage(self) -> Coverage | None:
        """Join coverage with an answers file; ``None`` in same-file mode."""
        return self.respondents.joined.coverage if self.respondents.joined else None

    def to_json(self) -> dict[str, Any]:
        """The content of ``nps.json``: overall, band, counts, per period, change, breakdowns, top drivers, coverage.

        Example:
            >>> t = pd.DataFrame({"comment_id": ["1", "2"], "respondent_id": [None, None], "nps_score": pd.array([9, 3], dtype="Int64")})
            >>> j = nps_report(t, n_boot=0).to_json()
            >>> j["overall"]["nps"], j["band"]["code"], j["respondents"]["scored"]
            (0.0, 'not_valued', 2)
        """
        table = self.respondents.table
        undated = int((table[S.NPS_SCORE].notna() & table[S.DATE].isna()).sum())
        return {
            "overall": self.overall.to_dict(),
            "band": {"code": band_code(self.overall.nps), "text": self.band},
            "bands": dict(BANDS),
            "respondents": {
                "total": len(table), "scored": self.overall.n, "unscored": int(table[S.NPS_SCORE].isna().sum()),
                "conflicts": int(table[CONFLICT].sum()), "from_comments_without_respondent_id": int(table[FROM_COMMENT].sum()),
            },
            "periods": {"freq": self.freq, "undated": undated, "rows": records(self.periods.drop(columns=["freq"], errors="ignore"))},
            "change": self.change.to_dict() if self.change else None,
            "breakdowns": {by: records(frame) for by, frame in self.breakdowns.items()},
            "top_drivers": top_drivers_text(self),
            "coverage": self.coverage.to_dict() if self.coverage else None,
            "parameters": self.parameters,
        }

    def rejects(self) -> pd.DataFrame:
        """Every NPS row problem in one table: ``file`` (answers or comments), then the rejects columns, respondent and comment id.

        Answers refused while reading, comments that found no answer, and score conflicts.
        """
        parts = []
        joined = self.respondents.joined
        if joined is not None and len(joined.answers.rejects):
            frame = joined.answers.rejects[[S.REJECT_LINE, S.REJECT_COLUMN, S.REJECT_PROBLEM, S.REJECT_REASON]].copy()
            rcol = joined.answers.columns.get("respondent")
            frame[S.RESPONDENT_ID] = joined.answers.rejects[rcol] if rcol in joined.answers.rejects.columns else pd.NA
            frame[S.COMMENT_ID] = pd.NA
            frame.insert(0, "file", joined.answers.source)
            parts.append(frame)
        for what in ([joined.unmatched] if joined is not None else []) + [self.respondents.conflicts]:
            if len(what):
                frame = what[CONFLICT_COLUMNS].copy()
                frame.insert(0, "file", "comments")
                parts.append(frame)
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c == S.REJECT_LINE else "string") for c in ["file", *CONFLICT_COLUMNS]})
        out = pd.concat(parts, ignore_index=True)
        for column in out.columns:
            out[column] = out[column].astype("int64" if column == S.REJECT_LINE else "string")
        return out


def nps_report(
    comments: pd.DataFrame,
    issues: pd.DataFrame | None = None,
    answers: Answers | Joined | None = None,
    *,
    min_mentions: int = 30,
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
    correction: str = "holm",
    include_praise: bool = False,
    freq: str | None = None,
    reporter: Reporter | None = None,
) -> NpsReport:
    """Link comments (and an optional answers file) to NPS: overall, bands, periods, segments, drivers, change.

    Args:
        comments: the comments table after issue discovery (see :func:`respondents` for the columns used).
        issues: the issues table (``issue_id``, ``title``, ``kind``, ``touchpoint``).
        answers: a separate answers file read by :func:`analyzer.nps.join.read_answers`.
        min_mentions: see :func:`drivers`; also the segment size below which breakdowns carry a warning note.
        n_boot: see :func:`drivers`.
        seed: see :func:`drivers`.
        alpha: see :func:`drivers`.
        correction: see :func:`drivers`.
        include_praise: see :func:`drivers`.
        freq: period length; chosen from the date span when ``None``.
        reporter: receives the overall score and warnings.
    """
    reporter = reporter or NullReporter()
    resp = respondents(comments, answers, reporter=reporter)
    table = resp.table
    overall = nps(table[S.NPS_SCORE])
    chosen = _check_freq(freq) if freq is not None else choose_freq(table.loc[table[S.NPS_SCORE].notna(), S.DATE])
    per_period = periods(resp, chosen)
    breakdowns = {by: breakdown(resp, by, min_n=min_mentions) for by in ("channel", "language", "touchpoint", "issue")}
    found = drivers(resp, issues, min_mentions=min_mentions, n_boot=n_boot, seed=seed, alpha=alpha, correction=correction,
                    include_praise=include_praise)
    moved = None
    if int((per_period["n"] > 0).sum()) >= 2:
        moved = change(resp, issues, freq=chosen, min_mentions=min_mentions, include_praise=include_praise)
    if overall.n:
        reporter.info(f"NPS {overall.nps:.1f} over {overall.n:,} respondent(s): {band(overall.nps)}")
    else:
        reporter.warn("no respondent has an NPS score; the NPS outputs are empty")
    parameters = {"min_mentions": min_mentions, "n_boot": n_boot, "seed": seed, "alpha": alpha, "correction": correction,
                  "include_praise": include_praise, "freq": chosen}
    return NpsReport(overall, resp, per_period, chosen, breakdowns, found, moved, parameters)


# -- plain language ---------------------------------------------------------------


def top_drivers_text(report: NpsReport | pd.DataFrame, n: int = 5) -> list[str]:
    """The "Why detractors?" sentences: the top ``n`` issue drivers with enough data, then touchpoints to fill up to ``n``.

    Example:
        >>> d = pd.DataFrame([{"rank": 1, "driver": "I1", "driver_type": "issue", "title": "late delivery", "mentions": 120,
        ...     "impact": -6.2, "ci_low": -9.0, "ci_high": -3.1, "detractors_mentioning": 0.41, "promoters_mentioning": 0.09,
        ...     "significant": True, "verdict": "driver of detractors", "note": ""}])
        >>> top_drivers_text(d)
        ['Late delivery costs about 6.2 NPS points (95% CI 3.1-9.0); 41% of detractors mention it versus 9% of promoters']
    """
    frame = report.drivers if isinstance(report, NpsReport) else report
    if frame.empty:
        return ["No issue or touchpoint was mentioned by respondents with a score, so no driver can be named."]
    kind = ISSUE if (frame["driver_type"] == ISSUE).any() else TOUCHPOINT
    rows = frame[frame["driver_type"] == kind].sort_values("rank", kind="stable")
    ready = pd.concat([part[part["verdict"] != NOT_ENOUGH].sort_values("rank", kind="stable")
                       for part in (rows, frame[(frame["driver_type"] == TOUCHPOINT) & (kind == ISSUE)])])
    lines = [_driver_sentence(row) for row in ready.head(n).to_dict("records")]
    short = rows[rows["verdict"] == NOT_ENOUGH]
    if len(short):
        names = ", ".join(_title(r, capital=False) for r in short.head(3).to_dict("records")) + (", ..." if len(short) > 3 else "")
        what = "issue(s)" if kind == ISSUE else "touchpoint(s)"
        lines.append(f"{len(short)} more {what} ({names}): not enough data to say what they cost ({short.iloc[0]['note']})")
    if not lines:
        lines = ["No driver has enough mentions to say what it costs."]
    return lines


def _title(row: dict[str, Any], capital: bool = True) -> str:
    title = str(row["title"]) + (" (touchpoint)" if row["driver_type"] == TOUCHPOINT else "")
    return title[:1].upper() + title[1:] if capital else title


def _driver_sentence(row: dict[str, Any]) -> str:
    cost, low, high = -row["impact"], -row["ci_high"], -row["ci_low"]
    if math.isnan(low) or math.isnan(high):
        interval = "no interval computed"
    elif low < 0 or high < 0:
        interval = f"95% CI {low:.1f} to {high:.1f}"
    else:
        interval = f"95% CI {low:.1f}-{high:.1f}"
    if cost >= 0:
        head = f"{_title(row)} costs about {cost:.1f} NPS points ({interval})"
    else:
        head = f"{_title(row)} goes with a higher NPS, about {-cost:.1f} points more ({interval})"
    dm, pm = row["detractors_mentioning"], row["promoters_mentioning"]
    if isinstance(dm, float) and math.isnan(dm):
        tail = "there are no detractors to compare"
    elif isinstance(pm, float) and math.isnan(pm):
        tail = f"{dm:.0%} of detractors mention it (there are no promoters to compare)"
    else:
        tail = f"{dm:.0%} of detractors mention it versus {pm:.0%} of promoters"
    sentence = f"{head}; {tail}"
    if row["verdict"] == "costs NPS but no own effect once other drivers are counted":
        sentence += "; it shows no effect of its own once overlapping issues are counted"
    elif row["verdict"] == "no clear effect":
        sentence += "; not a significant driver of detractors"
    elif row["verdict"] == "not estimable":
        sentence += "; the driver model could not estimate it"
    return sentence


def change_text(moved: PeriodChange, n: int = 3) -> list[str]:
    """Plain-language lines for the largest per-driver changes between two periods.

    Example:
        >>> t = pd.DataFrame({"nps_score": pd.array([10, 10, 0, 0, 0, 10], dtype="Int64"),
        ...                   "date": pd.to_datetime(["2026-01-05"] * 3 + ["2026-06-05"] * 3),
        ...                   "issue_ids": [frozenset(), frozenset(), frozenset({"late"}), frozenset({"late"}), frozenset({"late"}), frozenset()]})
        >>> change_text(change(t, min_mentions=1))[2]
        'late: costs 66.7 more NPS points than in 2026-01 (66.7 lost because more people mention it; those who mention it score as before)'
    """
    total = moved.total
    head = f"NPS {moved.nps_a.nps:.1f} in {moved.a} -> {moved.nps_b.nps:.1f} in {moved.b} ({total:+.1f})" if total is not None \
        else f"NPS change {moved.a} -> {moved.b}: not enough answers"
    lines = [head]
    drivers = moved.by_driver
    comparable = drivers["enough_data"] & drivers["impact_change"].abs().ge(0.05)
    # Issues when any can be compared, else touchpoints: the coarser reading beats none.
    use = drivers["driver_type"] == ISSUE if (comparable & (drivers["driver_type"] == ISSUE)).any() else drivers["driver_type"].notna()
    rows, ready = drivers[use], drivers[use & comparable]
    if len(ready):
        kind = "issue" if (ready["driver_type"] == ISSUE).all() else "driver"
        lines.append(f"per {kind}, largest change first (point estimates without intervals: small changes may be noise):")
    for row in ready.head(n).to_dict("records"):
        delta = row["impact_change"]
        more_mention = row["share_b"] > row["share_a"]
        lower_score = row["score_part"] < 0  # it has the sign of the change of the gap between mentioners and the others
        mention = _change_part(-row["mention_part"], "more" if more_mention else "fewer", "people mention it", "as many people mention it")
        score = _change_part(-row["score_part"], "lower" if lower_score else "higher", "", "those who mention it score as before",
                             template="those who mention it score {word} relative to the others")
        more = "more" if delta < 0 else "fewer"
        lines.append(f"{_title(row, capital=False)}: costs {abs(delta):.1f} {more} NPS points than in {moved.a} ({mention}; {score})")
    short = int((~rows["enough_data"]).sum())
    if short:
        lines.append(f"{short} more driver(s) have too few mentions in one of the two periods to compare")
    return lines


def _change_part(cost: float, word: str, rest: str, same: str, template: str = "{word} {rest}") -> str:
    if abs(cost) < 0.05:
        return same
    return f"{abs(cost):.1f} {'lost' if cost > 0 else 'won back'} because " + template.format(word=word, rest=rest)


def summary_lines(report: NpsReport, n: int = 5) -> list[str]:
    """The NPS part of the terminal summary: score, band, counts, coverage, "Why detractors?", change.

    Example:
        >>> t = pd.DataFrame({"comment_id": ["1", "2", "3"], "respondent_id": [None] * 3, "nps_score": pd.array([9, 8, 3], dtype="Int64")})
        >>> summary_lines(nps_report(t, n_boot=0))[0]
        'NPS 0.0 (3 respondents: 1 promoters 33%, 1 passives 33%, 1 detractors 33%) - below 10: customers do not value the company'
    """
    v = report.overall
    if v.n == 0:
        lines = ["NPS: no respondent has a score"]
    else:
        lines = [f"NPS {v.nps:.1f} ({v.n:,} respondents: {v.promoters:,} promoters {v.promoter_pct:.0f}%, {v.passives:,} passives "
                 f"{v.passive_pct:.0f}%, {v.detractors:,} detractors {v.detractor_pct:.0f}%) - {report.band}"]
    if report.coverage is not None:
        lines += report.coverage.describe()
    conflicts = int(report.respondents.table[CONFLICT].sum())
    if conflicts:
        lines.append(f"{conflicts:,} respondent(s) with conflicting scores left out of the NPS (see the NPS rejects)")
    lines.append("Why detractors?")
    lines += [f"  {line}" for line in top_drivers_text(report, n)]
    if report.change is not None:
        lines += change_text(report.change)
    return lines


def with_nps_impact(issues: pd.DataFrame, driver_table: pd.DataFrame) -> pd.DataFrame:
    """The issues table with ``nps_impact``, its interval and ``detractor_lift`` from the driver table (empty when not known).

    Example:
        >>> i = pd.DataFrame({"issue_id": ["A", "B"]})
        >>> d = pd.DataFrame({"driver": ["A"], "driver_type": ["issue"], "impact": [-6.2], "ci_low": [-9.0], "ci_high": [-3.1], "detractor_lift": [2.5]})
        >>> with_nps_impact(i, d)[["issue_id", "nps_impact", "detractor_lift"]].values.tolist()
        [['A', -6.2, 2.5], ['B', nan, nan]]
    """
    found = driver_table[driver_table["driver_type"] == "issue"].set_index("driver")
    out = issues.copy()
    for column, source in ((S.NPS_IMPACT, "impact"), (S.NPS_IMPACT_LOW, "ci_low"), (S.NPS_IMPACT_HIGH, "ci_high"), (S.DETRACTOR_LIFT, "detractor_lift")):
        out[column] = out[S.ISSUE_ID].map(found[source]).astype("float64")
    return out
