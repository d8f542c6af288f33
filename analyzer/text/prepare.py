"""Preparation: Unicode normalisation, language identification, NPS groups and redaction of personal data.

Adds ``text`` (what every later stage and output sees), ``lang``,
``n_redactions`` and ``nps_group``; ``raw_text`` stays as read and is never
written anywhere. With redaction on, personal data in the channel is
replaced too, and a comment or respondent id holding personal data becomes a
stable pseudonym (:func:`analyzer.text.redact.protect_id`).

Example:
    >>> import pandas as pd
    >>> from analyzer.io.ingest import read_comments
    >>> comments = read_comments(pd.DataFrame({"text": ["Call me: +44 20 7946 0958"], "nps": [9]})).comments
    >>> prepare(comments).loc[0, ["text", "lang", "nps_group"]].tolist()
    ['Call me: [PHONE]', 'en', 'promoter']
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analyzer import schema as S
from analyzer.config import AnalysisConfig
from analyzer.nps.arithmetic import nps_groups
from analyzer.reporter import NullReporter, Reporter
from analyzer.text.language import LanguageIdentifier
from analyzer.text.normalize import normalize_text
from analyzer.text.redact import Redactor, protect_id
from analyzer.text.social import for_analysis

# Arabic letters that cp1256 exports put where Persian spelling has its own.
_PERSIAN_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})


def prepare(
    comments: pd.DataFrame, config: AnalysisConfig | None = None, reporter: Reporter | None = None
) -> pd.DataFrame:
    """Add ``text``, ``lang``, ``n_redactions`` and ``nps_group`` to the comments table.

    Args:
        comments: the table from :func:`analyzer.io.ingest.read_comments`.
        config: languages, redaction switch and phone regions.
        reporter: receives the language and redaction counts.

    Returns:
        A new table; the input is left as it was.
    """
    config = config or AnalysisConfig()
    reporter = reporter or NullReporter()
    S.check_columns(comments, [S.RAW_TEXT, S.NPS_SCORE], stage="prepare")
    out = comments.copy()
    normalised = [normalize_text(t) for t in comments[S.RAW_TEXT].tolist()]
    # Handles, links and hashtags are often Latin in Cyrillic or Persian text: identification ignores them.
    plain = [for_analysis(t) or t for t in normalised]
    langs = LanguageIdentifier(config.languages).identify(plain)
    normalised = [t.translate(_PERSIAN_LETTERS) if lang == "fa" else t for t, lang in zip(normalised, langs, strict=True)]
    counts: list[int] = [0] * len(normalised)
    kinds: Counter[str] = Counter()
    if config.redact:
        redactor = Redactor(config.phone_regions)
        for i, text in enumerate(reporter.track(normalised, len(normalised), "Redacting personal data")):
            redacted, found = redactor.redact(text)
            normalised[i] = redacted
            counts[i] = sum(found.values())
            kinds.update(found)
        for column in (S.COMMENT_ID, S.RESPONDENT_ID):
            if column in out.columns:
                out[column] = pd.array([protect_id(v, redactor) for v in out[column].tolist()], dtype="string")
        if S.CHANNEL in out.columns:
            out[S.CHANNEL] = pd.array([redactor.redact(v)[0] if isinstance(v, str) else v for v in out[S.CHANNEL].tolist()], dtype="string")
    out[S.TEXT] = pd.array(normalised, dtype="string")
    out[S.LANG] = pd.array(langs, dtype="string")
    out[S.N_REDACTIONS] = pd.array(counts, dtype="int64")
    out[S.NPS_GROUP] = nps_groups(comments[S.NPS_SCORE])
    language_counts = Counter(langs)
    reporter.info("languages: " + ", ".join(f"{code} {n}" for code, n in language_counts.most_common()))
    if config.redact:
        reporter.info("redacted: " + (", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or "nothing found"))
    else:
        reporter.warn("redaction is off (--no-redact): personal data in comments is written to the outputs as it is")
    return out


def redact_rejects(rejects: pd.DataFrame, config: AnalysisConfig | None = None) -> tuple[pd.DataFrame, int]:
    """Redact personal data in every text cell of the rejects table (original cells and reasons alike).

    Rejected rows are written to ``rejects.csv`` with their original cells so
    the user can fix them; those cells must not leak what the comments table
    redacts.

    Returns:
        A new table and the number of pieces replaced.

    Example:
        >>> table = pd.DataFrame({"line": [3], "reason": ["nps 'x' is not a whole number"], "comment": ["call +44 20 7946 0958"]})
        >>> out, n = redact_rejects(table)
        >>> out.loc[0, "comment"], n
        ('call [PHONE]', 1)
    """
    config = config or AnalysisConfig()
    if not config.redact or rejects.empty:
        return rejects, 0
    redactor = Redactor(config.phone_regions)
    out = rejects.copy()
    total = 0
    for column in out.columns:
        if column == S.REJECT_LINE:
            continue
        values = []
        for value in out[column].tolist():
            if isinstance(value, str):
                value, found = redactor.redact(value)
                total += sum(found.values())
            values.append(value)
        out[column] = pd.array(values, dtype="string")
    return out, total

