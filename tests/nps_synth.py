"""Planted-signal generator for the NPS driver analysis (used by tests/test_nps_drivers.py and bench scripts).

Each respondent mentions issue ``j`` with probability ``rates[j]``, independently,
except "shadow" issues, which are mentioned mostly together with a parent issue
(so that a naive per-issue reading double counts them). A respondent is a
detractor with probability

    d(x) = base_detractor + sum_j planted[j] * x_j

and otherwise a promoter with probability ``promoter_share`` (else a passive).
Scores are drawn uniformly inside the group (0-6, 7-8, 9-10). Hence
E[NPS | x] = 100 * (promoter_share - (1 + promoter_share) * d(x)), and for a
planted issue mentioned independently of the other planted issues the
population impact (NPS of all - NPS of those who do not mention it) is

    impact_j = -100 * (1 + promoter_share) * planted[j] * rates[j]

(see :func:`planted_impact`). Shadow issues have no effect of their own.

Example:
    >>> comments, issues = make(200, {"ISSUE-A": 0.3}, seed=1)
    >>> sorted(issues["issue_id"])[:2], comments["respondent_id"].nunique()
    (['ISSUE-A', 'ISSUE-N01'], 200)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

TOUCHPOINTS = ("logistics", "support", "billing", "website", "product", "premises")
CHANNELS = ("phone", "chat", "email", "store")
LANGS = ("en", "ru", "ro", "el", "fa", "kk")


def make(
    n_respondents: int,
    planted: dict[str, float] | None = None,
    *,
    base_detractor: float = 0.15,
    promoter_share: float = 0.6,
    rates: dict[str, float] | None = None,
    default_rate: float = 0.12,
    n_null: int = 6,
    shadows: dict[str, tuple[str, float, float]] | None = None,
    extra_touchpoint_rate: float = 0.2,
    start: str = "2026-01-01",
    days: int = 180,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Comments (same-file mode: every row carries its respondent's score) and the issues table.

    Args:
        n_respondents: respondents to draw; each writes 1 to 3 comments.
        planted: issue id -> increase of P(detractor) when the respondent mentions it (negative for praise-like issues).
        base_detractor: P(detractor) of a respondent who mentions no planted issue.
        promoter_share: P(promoter | not a detractor).
        rates: issue id -> mention probability; ``default_rate`` for the others.
        default_rate: mention probability of issues not in ``rates``.
        n_null: issues with no effect (``ISSUE-N01``, ...).
        shadows: shadow id -> (parent id, P(mention | parent mentioned), P(mention | parent not mentioned)); no effect.
        extra_touchpoint_rate: chance that a comment also names a touchpoint without an issue.
        start: first date; respondents' dates are uniform over ``days`` days.
        days: span of the dates.
        seed: makes everything deterministic.
    """
    planted = dict(planted or {})
    shadows = dict(shadows or {})
    rates = dict(rates or {})
    if not 0 <= base_detractor + sum(max(b, 0) for b in planted.values()) <= 1 or base_detractor + sum(min(b, 0) for b in planted.values()) < 0:
        raise ValueError("base_detractor plus the planted effects must stay a probability for every respondent")
    rng = np.random.default_rng(seed)
    names = list(planted) + [f"ISSUE-N{i:02d}" for i in range(1, n_null + 1)] + list(shadows)
    index = {name: j for j, name in enumerate(names)}
    n, k = n_respondents, len(names)
    mention = np.zeros((n, k), dtype=bool)
    for name in names:
        if name not in shadows:
            mention[:, index[name]] = rng.random(n) < rates.get(name, default_rate)
    for name, (parent, with_parent, without_parent) in shadows.items():
        mention[:, index[name]] = rng.random(n) < np.where(mention[:, index[parent]], with_parent, without_parent)
    beta = np.array([planted.get(name, 0.0) for name in names])
    p_detractor = base_detractor + mention.astype(float) @ beta
    detractor = rng.random(n) < p_detractor
    promoter = ~detractor & (rng.random(n) < promoter_share)
    score = np.where(detractor, rng.integers(0, 7, n), np.where(promoter, rng.integers(9, 11, n), rng.integers(7, 9, n)))
    group = np.where(detractor, "detractor", np.where(promoter, "promoter", "passive"))

    n_comments = 1 + rng.binomial(2, 0.3, n)
    owner = np.repeat(np.arange(n), n_comments)
    local = np.arange(len(owner)) - np.repeat(np.cumsum(n_comments) - n_comments, n_comments)
    first_comment = np.cumsum(n_comments) - n_comments
    touchpoint_of = {name: TOUCHPOINTS[j % len(TOUCHPOINTS)] for j, name in enumerate(names)}

    resp_idx, issue_idx = np.nonzero(mention)
    slot = first_comment[resp_idx] + (rng.random(len(resp_idx)) * n_comments[resp_idx]).astype(int)
    issue_lists: list[list[str]] = [[] for _ in range(len(owner))]
    touch_lists: list[list[str]] = [[] for _ in range(len(owner))]
    for c, j in zip(slot, issue_idx, strict=True):
        issue_lists[c].append(names[j])
        if touchpoint_of[names[j]] not in touch_lists[c]:
            touch_lists[c].append(touchpoint_of[names[j]])
    extra = rng.random(len(owner)) < extra_touchpoint_rate
    extra_tp = rng.integers(0, len(TOUCHPOINTS), len(owner))
    for c in np.nonzero(extra)[0]:
        if TOUCHPOINTS[extra_tp[c]] not in touch_lists[c]:
            touch_lists[c].append(TOUCHPOINTS[extra_tp[c]])

    day = rng.integers(0, days, n)
    channel = rng.integers(0, len(CHANNELS), n)
    lang = rng.integers(0, len(LANGS), n)
    comments = pd.DataFrame(
        {
            "comment_id": pd.array([f"c{o:06d}-{i + 1}" for o, i in zip(owner, local, strict=True)], dtype="string"),
            "source_line": np.arange(2, len(owner) + 2, dtype="int64"),
            "text": pd.array([("; ".join(f"about {x}" for x in lst) or "no remark") for lst in issue_lists], dtype="string"),
            "respondent_id": pd.array([f"R{o:06d}" for o in owner], dtype="string"),
            "nps_score": pd.array(score[owner], dtype="Int64"),
            "nps_group": pd.array(group[owner], dtype="string"),
            "date": (pd.Timestamp(start) + pd.to_timedelta(day[owner], unit="D")).astype("datetime64[ns]"),
            "channel": pd.array([CHANNELS[c] for c in channel[owner]], dtype="string"),
            "lang": pd.array([LANGS[x] for x in lang[owner]], dtype="string"),
            "touchpoints": pd.array([";".join(t) for t in touch_lists], dtype="string"),
            "issue_ids": pd.array([";".join(i) for i in issue_lists], dtype="string"),
        }
    )
    issues = pd.DataFrame(
        {
            "issue_id": names,
            "touchpoint": [touchpoint_of[x] for x in names],
            "title": [f"problem {x.split('-', 1)[1].lower()}" for x in names],
            "kind": ["praise" if planted.get(x, 0) < 0 else "complaint" for x in names],
        }
    )
    return comments, issues


def planted_impact(issue: str, planted: dict[str, float], *, rate: float = 0.12, promoter_share: float = 0.6) -> float:
    """The population impact of a planted issue in NPS points (negative: it lowers the NPS), see the module docstring.

    Example:
        >>> planted_impact("A", {"A": 0.25}, rate=0.15)
        -6.0
    """
    return round(-100 * (1 + promoter_share) * planted[issue] * rate, 10)


def split_answers(comments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Separate-file mode: comments without their scores, and one answer per respondent (respondent_id, nps, date).

    Example:
        >>> c, _ = make(50, {"ISSUE-A": 0.2}, seed=2)
        >>> bare, answers = split_answers(c)
        >>> bool(bare["nps_score"].isna().all()), len(answers) == c["respondent_id"].nunique()
        (True, True)
    """
    answers = comments.drop_duplicates("respondent_id")[["respondent_id", "nps_score", "date"]].rename(columns={"nps_score": "nps"})
    bare = comments.copy()
    bare["nps_score"] = pd.array([None] * len(bare), dtype="Int64")
    bare["nps_group"] = pd.array([None] * len(bare), dtype="string")
    return bare, answers.reset_index(drop=True)


def write(folder: Path, n_respondents: int, planted: dict[str, float] | None = None, **options: object) -> tuple[Path, Path, Path]:
    """Write ``comments.csv`` (text, respondent id, date, channel), ``answers.csv`` and ``issues.csv`` for CLI runs and benches."""
    comments, issues = make(n_respondents, planted, **options)  # type: ignore[arg-type]
    bare, answers = split_answers(comments)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "comments.csv", folder / "answers.csv", folder / "issues.csv"
    bare[["comment_id", "text", "respondent_id", "date", "channel"]].to_csv(paths[0], index=False)
    answers.to_csv(paths[1], index=False)
    issues.to_csv(paths[2], index=False)
    return paths
