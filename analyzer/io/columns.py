"""Guessing which input column plays which role (text, id, date, NPS, respondent, channel).

Names are compared after case folding and dropping spaces, underscores,
hyphens and dots, in the six first-class languages. A column the user named
always wins; a role with no named column is guessed by name, and the text by
content (the longest free-text column) when no name fits. Every decision is
returned with how it was made, so the CLI can print it.

Example:
    >>> mapping = map_columns(["ID", "Отзыв", "NPS score"], [["1", "Курьер опоздал", "3"]], ColumnChoice(), "x.csv")
    >>> mapping.text, mapping.id, mapping.nps
    ('Отзыв', 'ID', 'NPS score')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzer.config import ColumnChoice
from analyzer.errors import NoTextColumn, UnknownColumn

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
# A name that contains one of these words is a candidate for the role when no exact name matched.
_CONTAINS: dict[str, tuple[str, ...]] = {
    "respondent": ("respondent", "customer", "client", "клиент"),
    "nps": ("nps", "recommend", "score"),
    "date": ("date", "дата", "time"),
    "channel": ("channel", "канал"),
    "text": ("comment", "feedback", "verbatim", "review", "отзыв", "коммент", "text"),
    "id": ("id",),
}
_MIN_FREE_TEXT_CHARS = 12


@dataclass(frozen=True)
class ColumnMapping:
    """Which input column plays each role, and how each choice was made.

    Attributes:
        text, id, date, nps, respondent, channel: input column names or ``None``.
        how: ``role -> "given" | "by name" | "by content"`` for each mapped role.
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
            if column is None:
                lines.append(f"{role} column: none found (name one with {OPTION[role]})")
            else:
                lines.append(f"{role} column: '{column}' ({self.how[role]}; override with {OPTION[role]})")
        return lines


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.()/:#]+", "", name.casefold())


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
        choice: columns the user named explicitly.
        source: the input's name for error messages.
        require_text: look for (and insist on) a comment text column; an NPS answers file has none.
        options: role -> the option that names its column, when not ``--<role>-col`` (for messages).

    Raises:
        UnknownColumn: a named column is not in the input (the message lists those that are).
        NoTextColumn: no column can be the comment text.

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
        if given not in columns:
            listed = ", ".join(f"'{c}'" for c in columns)
            option = (options or {}).get(role, OPTION[role])
            raise UnknownColumn(f"{source}: {option} '{given}' is not a column of the file; its columns are {listed}")
        chosen[role], how[role] = given, "given"
    free = [c for c in columns if c not in chosen.values()]
    normalised = {c: _norm(c) for c in free}
    for role in _MATCH_ORDER:
        if role in chosen:
            continue
        names = set(map(_norm, NAMES[role]))
        match = next((c for c in free if normalised[c] in names and c not in chosen.values()), None)
        if match is None:
            match = next(
                (c for c in free if c not in chosen.values() and any(w in normalised[c] for w in _CONTAINS[role])),
                None,
            )
        if match is not None:
            chosen[role], how[role] = match, "by name"
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
        if column in exclude:
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
