"""Guessing which input column plays which role (text, id, date, NPS, respondent, channel).

A column the user named always wins, and the name ``none`` switches a role
off (``--date-col none``: the file has no date column; nothing is guessed for
it). A role with no named column is guessed by name, in two passes over the
six first-class languages: first known names (compared after case folding and
dropping spaces, underscores, hyphens and dots: ``created_at``, ``Дата``),
then the words of a name (split on non-letters and camelCase: ``ReviewDate``,
``Дата отзыва``), matched whole, never as substrings, so ``sentiment`` is no
date and ``paid_amount`` no id. The text is guessed by content (the longest
free-text column) when no name fits. Every decision is returned with how it
was made, so the CLI can print it.

Example:
    >>> mapping = map_columns(["ID", "Отзыв", "NPS score"], [["1", "Курьер опоздал", "3"]], ColumnChoice(), "x.csv")
    >>> mapping.text, mapping.id, mapping.nps
    ('Отзыв', 'ID', 'NPS score')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzer.config import ColumnChoice
from analyzer.errors import NoTextColumn, UnknownColumn, UsageError

ROLES = ("text", "id", "date", "nps", "respondent", "channel")
OPTION = {role: f"--{role}-col" for role in ROLES}

# Known names per role, normalised (see _norm). Order within a role does not matter;
# roles are matched in the order of _MATCH_ORDER so that "respondent_id" is a
# respondent and not the comment id.
NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "comment", "comments", "text", "feedback", "verbatim", "verbatims", "review", "reviews", "remark", "remarks",
        "message", "body", "note", "notes", "answer", "response", "opinion", "complaint", "customercomment", "freetext",
        "отзыв", "отзывы", "комментарий", "комментарии", "текст", "замечание", "жалоба", "мнение", "сообщение",
        "comentariu", "comentarii", "recenzie", "parere", "părere", "mesaj", "text",
        "σχόλιο", "σχόλια", "κείμενο", "γνώμη", "μήνυμα", "παράπονο",
        "نظر", "متن", "دیدگاه", "پیام", "بازخورد", "شکایت",
        "пікір", "түсініктеме", "мәтін", "шағым", "хабарлама",
    ),
    "id": ("id", "commentid", "recordid", "rowid", "feedbackid", "reviewid", "ticketid", "номер", "ид", "κωδικός", "شناسه", "нөмір"),
    "date": (
        "date", "created", "createdat", "createdon", "timestamp", "datetime", "time", "submitted", "submittedat", "day",
        "дата", "датаивремя", "время", "data", "ημερομηνία", "ημερομηνια", "تاریخ", "күні", "күн", "уақыт",
    ),
    "nps": (
        "nps", "npsscore", "score", "recommend", "likelihoodtorecommend", "ltr", "nps010",
        "оценка", "балл", "оценкаnps", "scor", "nota", "βαθμολογία", "βαθμός", "امتیاز", "нпс", "баға", "ұпай",
    ),
    "respondent": (
        "respondentid", "respondent", "customerid", "customer", "clientid", "client", "userid", "user", "contactid",
        "клиент", "idклиента", "респондент", "clientul", "idclient", "πελάτης", "مشتری", "شناسهمشتری", "клиентid", "тұтынушы",
    ),
    "channel": (
        "channel", "source", "medium", "touchpointchannel", "канал", "источник", "canal", "sursa", "sursă",
        "κανάλι", "κανάλια", "πηγή", "کانال", "منبع", "арна", "дереккөз",
    ),
}
_MATCH_ORDER = ("respondent", "nps", "date", "channel", "text", "id")
# Whole words of a name that make it a candidate for a role when no known name matched.
WORDS: dict[str, frozenset[str]] = {
    "respondent": frozenset({"respondent", "respondents", "customer", "customers", "client", "clients", "клиент", "респондент",
                             "clientul", "πελάτης", "مشتری", "тұтынушы"}),
    "nps": frozenset({"nps", "recommend", "score", "scores", "нпс", "оценка", "балл", "scor", "βαθμολογία", "امتیاز", "баға"}),
    "date": frozenset({"date", "dates", "datetime", "дата", "даты", "ημερομηνία", "ημερομηνια", "تاریخ", "күні"}),
    "channel": frozenset({"channel", "channels", "канал", "canal", "κανάλι", "κανάλια", "کانال", "арна"}),
    "text": frozenset({"comment", "comments", "feedback", "verbatim", "verbatims", "review", "reviews", "text", "remark", "remarks",
                       "текст", "comentariu", "comentarii", "σχόλιο", "σχόλια", "نظر", "пікір"}),
    "id": frozenset({"id", "ids", "uuid", "ид"}),
}
# Word beginnings for the inflected forms of Cyrillic words ("отзыва", "комментария", "клиента", "канала").
STEMS: dict[str, tuple[str, ...]] = {
    "respondent": ("клиент", "респондент"), "nps": (), "date": (), "channel": ("канал",), "text": ("отзыв", "коммент"), "id": (),
}
# When the words of one name fit several roles: the attribute a name ends or starts with decides
# ("review date" is a date, "comment id" an id, "customer feedback" a text), except that a customer's id is the respondent.
_WORD_ORDER = ("date", "nps", "channel", "id", "text", "respondent")
# Words that qualify a name without changing its role: "Date (UTC)", "Timestamp (UTC)".
_QUALIFIERS = frozenset({"utc", "gmt", "local", "iso", "msk", "tz"})
# Columns with these words are never taken as the comment text by content (they hold labels, not comments).
_NOT_TEXT = frozenset({"sentiment", "sentiments", "label", "labels", "lang", "language", "touchpoint", "touchpoints", "category",
                       "categories", "tag", "tags"})
# The name that switches a role off.
OFF = "none"
_MIN_FREE_TEXT_CHARS = 12


@dataclass(frozen=True)
class ColumnMapping:
    """Which input column plays each role, and how each choice was made.

    Attributes:
        text, id, date, nps, respondent, channel: input column names or ``None``.
        how: ``role -> "given" | "by name" | "by content"`` for each mapped role, ``"switched off"`` for a role named ``none``.
    """

    text: str | None
    id: str | None = None
    date: str | None = None
    nps: str | None = None
    respondent: str | None = None
    channel: str | None = None
    how: dict[str, str] = field(default_factory=dict)

    def describe(self) -> list[str]:
        """One line per role, e.g. ``text column: 'comment' (by name; override with --text-col)``.

        Example:
            >>> ColumnMapping(text="c", how={"text": "by name"}).describe()[0]
            "text column: 'c' (by name; override with --text-col)"
        """
        lines = []
        for role in ROLES:
            column = getattr(self, role)
            if self.how.get(role) == SWITCHED_OFF:
                lines.append(f"{role} column: none (switched off with {OPTION[role]} {OFF})")
            elif column is None:
                lines.append(f"{role} column: none found (name one with {OPTION[role]})")
            else:
                lines.append(f"{role} column: '{column}' ({self.how[role]}; override with {OPTION[role]})")
        return lines


    def guessed(self) -> dict[str, str]:
        """``role -> column`` for the roles that were guessed (by name or content), not given.

        Example:
            >>> ColumnMapping(text="c", date="d", how={"text": "given", "date": "by name"}).guessed()
            {'date': 'd'}
        """
        return {role: getattr(self, role) for role, how in self.how.items() if how in ("by name", "by content")}


SWITCHED_OFF = "switched off"


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.()/:#]+", "", name.casefold())


def words(name: str) -> list[str]:
    """The words of a column name: runs of letters (or digits), split at camelCase, case-folded.

    Example:
        >>> words("ReviewDate"), words("NPSScore 0-10"), words("timestamp_of_payment"), words("Дата отзыва")
        (['review', 'date'], ['nps', 'score', '0', '10'], ['timestamp', 'of', 'payment'], ['дата', 'отзыва'])
    """
    runs: list[str] = []
    current: list[str] = []
    kind = ""
    for char in name:
        category = unicodedata.category(char)
        # Letters, their combining marks and the zero-width joiners of Persian make one word; digits another.
        now = "letter" if category[0] in "LM" or char in "\u200c\u200d" else "digit" if category == "Nd" else ""
        if now != kind and current:
            runs.append("".join(current))
            current = []
        kind = now
        if now:
            current.append(char)
    if current:
        runs.append("".join(current))
    out: list[str] = []
    for run in runs:
        start = 0
        for i in range(1, len(run)):
            before, here, after = run[i - 1], run[i], run[i + 1 : i + 2]
            if (before.islower() and here.isupper()) or (before.isupper() and here.isupper() and after.islower()):
                out.append(run[start:i])
                start = i
        out.append(run[start:])
    return [w.casefold() for w in out]


def _known(name: str, known: set[str]) -> bool:
    """Whether ``name`` is one of a role's known names, as written or without qualifier words ("Date (UTC)")."""
    if _norm(name) in known:
        return True
    kept = [w for w in words(name) if w not in _QUALIFIERS]
    return bool(kept) and "".join(kept) in known


def _word_role(name: str) -> str | None:
    """The role the words of ``name`` point to, or None.

    Example:
        >>> _word_role("Customer feedback"), _word_role("review_date"), _word_role("Customer ID (hashed)"), _word_role("sentiment")
        ('text', 'date', 'respondent', None)
    """
    found = set(words(name))
    hits = {role for role in ROLES if found & WORDS[role] or any(w.startswith(STEMS[role]) for w in found if STEMS[role])}
    if {"respondent", "id"} <= hits:
        return "respondent"
    return next((role for role in _WORD_ORDER if role in hits), None)


def map_columns(
    columns: Sequence[str],
    rows: Sequence[Sequence[str | None]],
    choice: ColumnChoice,
    source: str,
    *,
    require_text: bool = True,
    options: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Map input columns to roles: the user's choices first, then names, then content.

    Args:
        columns: the input's column names.
        rows: a sample of records (used only to find free text when no name fits).
        choice: columns the user named explicitly; ``none`` (any case) switches a role off: no column plays it and none is
            guessed for it. A column literally called "none" cannot be named this way (rename it).
        source: the input's name for error messages.
        require_text: look for (and insist on) a comment text column; an NPS answers file has none.
        options: role -> the option that names its column, when not ``--<role>-col`` (for messages).

    Raises:
        UnknownColumn: a named column is not in the input (the message lists those that are).
        NoTextColumn: no column can be the comment text.
        UsageError: the text column was switched off (``none``) though a text column is required.

    Example:
        >>> map_columns(["a", "b"], [["1", "a long free text remark here"]], ColumnChoice(), "x.csv").text
        'b'
    """
    chosen: dict[str, str] = {}
    how: dict[str, str] = {}
    for role in ROLES:
        given = getattr(choice, role)
        if given is None:
            continue
        option = (options or {}).get(role, OPTION[role])
        if given.strip().casefold() == OFF:
            if role == "text" and require_text:
                raise UsageError(f"{option}: '{given}' cannot be used; the comment text column is required, so name the column that "
                                 f"holds the comments (e.g. {option} comment) or leave the option out to have it guessed")
            how[role] = SWITCHED_OFF
            continue
        if given not in columns:
            listed = ", ".join(f"'{c}'" for c in columns)
            raise UnknownColumn(f"{source}: {option} '{given}' is not a column of the file; its columns are {listed}")
        chosen[role], how[role] = given, "given"
    wanted = [role for role in _MATCH_ORDER if role not in how]
    taken = set(chosen.values())
    # Known names first, for every role, so that "Customer comment" is the text before "customer" can make it the respondent.
    for role in wanted:
        known = set(map(_norm, NAMES[role]))
        match = next((c for c in columns if c not in taken and _known(c, known)), None)
        if match is not None:
            chosen[role], how[role] = match, "by name"
            taken.add(match)
    # Then whole words; a column goes to the one role its words point to, or to none.
    pointed = {c: _word_role(c) for c in columns if c not in taken}
    for role in _WORD_ORDER:
        if role in wanted and role not in chosen:
            match = next((c for c, to in pointed.items() if to == role and c not in taken), None)
            if match is not None:
                chosen[role], how[role] = match, "by name"
                taken.add(match)
    if "text" not in chosen and require_text:
        match = _longest_free_text(columns, rows, exclude=set(chosen.values()))
        if match is None:
            listed = ", ".join(f"'{c}'" for c in columns)
            raise NoTextColumn(
                f"{source}: no column holds comment text (columns: {listed}); name it with --text-col "
                f"or call it comment, text, feedback, verbatim, review, отзыв or комментарий"
            )
        chosen["text"], how["text"] = match, "by content"
    return ColumnMapping(**{"text": None, **chosen}, how=how)


def _longest_free_text(columns: Sequence[str], rows: Sequence[Sequence[str | None]], exclude: set[str]) -> str | None:
    best, best_length = None, float(_MIN_FREE_TEXT_CHARS)
    for index, column in enumerate(columns):
        if column in exclude or _NOT_TEXT & set(words(column)):
            continue
        values = [r[index] for r in rows[:1000] if index < len(r) and r[index] and r[index].strip()]
        if not values:
            continue
        wordy = [v for v in values if re.search(r"[^\W\d_]{2,}", v)]
        if len(wordy) < len(values) / 2:
            continue
        mean = sum(len(v) for v in wordy) / len(wordy)
        if mean > best_length:
            best, best_length = column, mean
    return best
