"""Tickets built from recurring issues: title, priority, labels, component and quotes.

The text of a ticket is in :mod:`analyzer.export.blocks` and its rendering for each tracker in
:mod:`analyzer.export.render`.

Priority rule
-------------
An issue earns points, and the points give the priority:

* **size**: one point for each threshold its number of comments reaches
  (default ``comments=10,50``: 10 or more comments, 50 or more comments);
* **negativity**: one point for each threshold its share of negative segments
  reaches (default ``negative=0.75``);
* **NPS impact**: one point for each threshold the size of its NPS impact
  (points of NPS at stake, whatever the sign) reaches (default ``nps=1,3``).
  No NPS points when the impact is unknown, or when its interval is known and
  includes 0 (the effect may be nothing).

0 points is ``Lowest``, 1 ``Low``, 2 ``Medium``, 3 ``High``, 4 or more
``Highest`` (Jira's default priority names; other trackers get the nearest of
their own, see :data:`TRACKER_PRIORITIES`). ``--priority-rule
"comments=20,100;negative=0.8;nps=2"`` changes thresholds (parts left out
keep their defaults, an empty list such as ``nps=`` turns a part off);
``--priority High`` gives every ticket the same priority.

Touchpoint mapping
------------------
Each touchpoint gives a component and labels. By default the component is
the touchpoint name in title case (``logistics`` -> ``Logistics``) and the
labels are its slug (``logistics``). A mapping such as ``{"logistics":
{"component": "Delivery", "labels": ["delivery", "courier"]}}`` replaces them
(``component = ""`` leaves the component out).

Example:
    >>> from analyzer.export.issues import Issue
    >>> issue = Issue("LOG-1", "complaint", "logistics", "Late delivery", n_comments=12, share_negative=0.9,
    ...               examples=("Parcel came 5 days late",))
    >>> ticket = build_ticket(issue)
    >>> ticket.priority, ticket.component, ticket.labels
    ('Medium', 'Logistics', ('customer-complaint', 'logistics', 'cfp-ecec2d02ab4b'))
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from slugify import slugify

from analyzer.errors import UsageError
from analyzer.export.issues import Issue

PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
PRIORITY_BY_POINTS = {0: "Lowest", 1: "Low", 2: "Medium", 3: "High"}
# How each tracker names the five priorities (GitHub and GitLab have none: a label is used instead).
TRACKER_PRIORITIES = {
    "zendesk": {"Highest": "urgent", "High": "high", "Medium": "normal", "Low": "low", "Lowest": "low"},
    "roundup": {"Highest": "critical", "High": "urgent", "Medium": "bug", "Low": "feature", "Lowest": "wish"},
}
KIND_LABELS = {"complaint": "customer-complaint", "praise": "customer-praise"}
TITLE_MAX = 250
QUOTE_MAX = 500
MIN_QUOTES, MAX_QUOTES = 3, 5


@dataclass(frozen=True)
class PriorityRule:
    """Thresholds that turn an issue's size, negative share and NPS impact into points and a priority.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> PriorityRule().priority(Issue("A", "complaint", "price", "Dear", n_comments=60, share_negative=0.8))
        ('High', 'High: 3 points (60 comments >= 10, >= 50; 80% negative >= 75%)')
        >>> PriorityRule(fixed="Low").priority(Issue("A", "complaint", "price", "Dear"))[0]
        'Low'
    """

    comments: tuple[float, ...] = (10, 50)
    negative: tuple[float, ...] = (0.75,)
    nps: tuple[float, ...] = (1.0, 3.0)
    fixed: str | None = None

    def points(self, issue: Issue) -> tuple[int, list[str]]:
        """The points an issue earns and, for each part that earned any, why."""
        reasons: list[str] = []
        total = 0
        met = [t for t in self.comments if issue.n_comments >= t]
        if met:
            reasons.append(f"{issue.n_comments} comments " + ", ".join(f">= {_num(t)}" for t in met))
        total += len(met)
        met = [t for t in self.negative if issue.share_negative >= t]
        if met:
            reasons.append(f"{issue.share_negative:.0%} negative " + ", ".join(f">= {t:.0%}" for t in met))
        total += len(met)
        if issue.nps_impact is not None and not _interval_has_zero(issue):
            size = abs(issue.nps_impact)
            met = [t for t in self.nps if size >= t]
            if met:
                reasons.append(f"NPS impact {size:.1f} points " + ", ".join(f">= {_num(t)}" for t in met))
            total += len(met)
        return total, reasons

    def priority(self, issue: Issue) -> tuple[str, str]:
        """The priority name and a one-line explanation of it."""
        if self.fixed:
            return self.fixed, f"{self.fixed}: set with --priority"
        total, reasons = self.points(issue)
        name = PRIORITY_BY_POINTS.get(total, "Highest")
        why = f" ({'; '.join(reasons)})" if reasons else ""
        return name, f"{name}: {total} point{'s' if total != 1 else ''}{why}"

    @classmethod
    def parse(cls, text: str | None, fixed: str | None = None) -> PriorityRule:
        """Read ``"comments=10,50;negative=0.75;nps=1,3"`` (parts optional) and an optional fixed priority.

        Raises:
            UsageError: a part or a value is not understood.

        Example:
            >>> PriorityRule.parse("comments=20, 100; nps=")
            PriorityRule(comments=(20.0, 100.0), negative=(0.75,), nps=(), fixed=None)
            >>> PriorityRule.parse(None, fixed="high").fixed
            'High'
        """
        accepted = "accepted: comments=N[,N...]; negative=F[,F...] (shares 0-1); nps=F[,F...] (NPS points)"
        values: dict[str, Any] = {}
        for part in (text or "").replace("\n", ";").split(";"):
            if not part.strip():
                continue
            key, sep, raw = part.partition("=")
            key = key.strip().lower()
            if not sep or key not in ("comments", "negative", "nps"):
                raise UsageError(f"--priority-rule: {part.strip()!r} is not understood; {accepted}")
            try:
                numbers = tuple(sorted(float(v) for v in raw.split(",") if v.strip()))
            except ValueError:
                raise UsageError(f"--priority-rule: {part.strip()!r} has a value that is not a number; {accepted}") from None
            if any(n < 0 for n in numbers) or (key == "negative" and any(n > 1 for n in numbers)):
                raise UsageError(f"--priority-rule: {part.strip()!r} is out of range; {accepted}")
            values[key] = numbers
        return cls(**values, fixed=check_priority(fixed) if fixed else None)


def check_priority(name: str) -> str:
    """Return the priority name in its canonical case, or raise :class:`UsageError` listing the names.

    Example:
        >>> check_priority("highest")
        'Highest'
    """
    for known in PRIORITIES:
        if known.lower() == name.strip().lower():
            return known
    raise UsageError(f"--priority: {name!r} is not a priority; accepted: {', '.join(PRIORITIES)}")


def _num(value: float) -> str:
    return f"{value:g}"


def _interval_has_zero(issue: Issue) -> bool:
    low, high = issue.nps_impact_low, issue.nps_impact_high
    return low is not None and high is not None and min(low, high) <= 0 <= max(low, high)


def check_mapping(mapping: Mapping[str, Any] | None, source: str = "export.touchpoints") -> dict[str, dict[str, Any]]:
    """Check a touchpoint mapping and return it as plain dicts; every problem is listed with its place.

    Raises:
        UsageError: a touchpoint entry is not a table or has keys or values that do not fit.

    Example:
        >>> check_mapping({"logistics": {"component": "Delivery", "labels": ["courier"]}})
        {'logistics': {'component': 'Delivery', 'labels': ['courier']}}
        >>> check_mapping({"logistics": {"label": "x"}})
        Traceback (most recent call last):
        ...
        analyzer.errors.UsageError: [export.touchpoints -> logistics] has unknown key label; accepted: component, labels
    """
    problems: list[str] = []
    checked: dict[str, dict[str, Any]] = {}
    for name, entry in (mapping or {}).items():
        where = f"[{source} -> {name}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where} must be a table with component and labels, got {type(entry).__name__}")
            continue
        unknown = sorted(set(entry) - {"component", "labels"})
        if unknown:
            problems.append(f"{where} has unknown key {', '.join(unknown)}; accepted: component, labels")
        component = entry.get("component")
        if component is not None and not isinstance(component, str):
            problems.append(f"{where} -> component must be a string, got {type(component).__name__}")
        labels = entry.get("labels")
        if labels is not None and not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
            problems.append(f"{where} -> labels must be a list of strings")
        checked[str(name)] = {key: entry[key] for key in ("component", "labels") if key in entry}
    if problems:
        raise UsageError("; ".join(problems))
    return checked


def slug_label(text: str) -> str:
    """A label trackers accept: lower case, no spaces, at most 255 characters.

    Example:
        >>> slug_label("Late Delivery!"), slug_label("доставка")
        ('late-delivery', 'dostavka')
    """
    return slugify(text, max_length=255)


def touchpoint_fields(touchpoint: str, mapping: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[str | None, tuple[str, ...]]:
    """The component and labels a touchpoint maps to (defaults come from its name).

    Example:
        >>> touchpoint_fields("logistics")
        ('Logistics', ('logistics',))
        >>> touchpoint_fields("logistics", {"logistics": {"component": "", "labels": ["Courier Service"]}})
        (None, ('courier-service',))
    """
    entry = (mapping or {}).get(touchpoint, {})
    default_component = " ".join(word.capitalize() for word in re.split(r"[_\s]+", touchpoint) if word)
    component = entry.get("component", default_component) or None
    labels = entry.get("labels", [touchpoint])
    return component, tuple(dict.fromkeys(s for s in (slug_label(label) for label in labels) if s))


@cache
def _redactor() -> Any:
    from analyzer.text.redact import Redactor

    return Redactor()


def clean_quote(text: str) -> str:
    """A quote fit for a ticket: personal data redacted again (belt and braces), whitespace tidied, cut at 500 characters.

    Example:
        >>> clean_quote("write to  ivan.petrov@example.com\\nplease")
        'write to [EMAIL] please'
    """
    text = " ".join(_redactor().redact(text)[0].split())
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"


def quote_hash(quote: str) -> str:
    """A short digest of a quote, kept in the ledger to tell new quotes from ones already sent.

    Example:
        >>> quote_hash("late again")
        '0ab2d0ae15ec2bb0'
    """
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Ticket:
    """What one exported issue says on any tracker; renderers turn it into each tracker's format.

    Attributes:
        issue: the issue it was built from.
        title: the issue title, whitespace tidied, at most 250 characters.
        priority: one of :data:`PRIORITIES`.
        priority_reason: one line saying how the priority was reached.
        component: the touchpoint's component, or None.
        labels: the kind label, the touchpoint labels and the fingerprint, slugified.
        quotes: 3 to 5 representative redacted quotes (fewer when the issue has fewer).
    """

    issue: Issue
    title: str
    priority: str
    priority_reason: str
    component: str | None
    labels: tuple[str, ...]
    quotes: tuple[str, ...] = field(default=())

    @property
    def fingerprint(self) -> str:
        """The issue's stable fingerprint."""
        return self.issue.fingerprint

    @property
    def touchpoint_labels(self) -> tuple[str, ...]:
        """The labels without the kind label and the fingerprint."""
        return tuple(label for label in self.labels if label not in (self.fingerprint, *KIND_LABELS.values()))

    def state(self) -> dict[str, Any]:
        """The figures an update reports; when they equal the ones last sent, no update is needed.

        Example:
            >>> from analyzer.export.issues import Issue
            >>> build_ticket(Issue("A", "complaint", "price", "Dear", n_comments=4)).state()["n_comments"]
            4
        """
        i = self.issue
        return {"n_comments": i.n_comments, "n_segments": i.n_segments, "share_negative": round(i.share_negative, 3),
                "trend": i.trend, "nps_impact": None if i.nps_impact is None else round(i.nps_impact, 2),
                "last_seen": i.last_seen, "priority": self.priority}

    def quote_hashes(self) -> list[str]:
        """Digests of the ticket's quotes."""
        return [quote_hash(q) for q in self.quotes]


def build_ticket(issue: Issue, rule: PriorityRule | None = None, mapping: Mapping[str, Mapping[str, Any]] | None = None) -> Ticket:
    """Turn an issue into a ticket with the given priority rule and touchpoint mapping.

    Example:
        >>> from analyzer.export.issues import Issue
        >>> build_ticket(Issue("A", "praise", "support", "  Kind   staff ")).title
        'Kind staff'
    """
    priority, reason = (rule or PriorityRule()).priority(issue)
    component, touch_labels = touchpoint_fields(issue.touchpoint, mapping)
    kind_label = KIND_LABELS.get(issue.kind, slug_label(f"customer-{issue.kind}"))
    labels = tuple(dict.fromkeys((kind_label, *touch_labels, issue.fingerprint)))
    title = " ".join(issue.title.split()) or issue.issue_id
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    quotes = tuple(q for q in (clean_quote(e) for e in issue.examples) if q)[:MAX_QUOTES]
    return Ticket(issue, title, priority, reason, component, labels, quotes)


def build_tickets(issues: Iterable[Issue], rule: PriorityRule | None = None,
                  mapping: Mapping[str, Mapping[str, Any]] | None = None) -> list[Ticket]:
    """Build the tickets of several issues (see :func:`build_ticket`).

    Example:
        >>> from analyzer.export.issues import Issue
        >>> [t.priority for t in build_tickets([Issue("A", "complaint", "price", "Dear")])]
        ['Lowest']
    """
    return [build_ticket(issue, rule, mapping) for issue in issues]
