"""Pushing tickets to a tracker without ever filing one twice.

For each ticket, in order:

1. the ledger says which ticket it already became on this tracker destination;
2. tickets the ledger does not know are searched on the tracker by fingerprint
   (a crash between a create and its ledger row, or a ticket filed from another
   machine, is found this way);
3. a known ticket whose figures and quotes are the ones last sent is left
   alone; otherwise it gets a comment with the new figures and new quotes;
   when the tracker says the ledger's ticket is gone (404, 410: deleted, or
   moved under another key), the fingerprint is searched again: a ticket
   carrying it is adopted, and with none the issue is filed anew;
4. the rest are created (in bulk where the tracker has it), and each answer
   of the tracker (one ticket, or one bulk chunk) is recorded in the ledger,
   in one transaction, as soon as it comes.

A fatal tracker error (no connection, 401, rate limit, server error) stops the
push with :class:`PushFailed`; what was done before it is already recorded,
so running the same command again finishes the rest. Per-issue refusals
(400, 422) do not stop the others; they are reported at the end.

A dry run does steps 1-3 (step 2 only when it may search) and reports what
would be created or updated; it writes nothing anywhere. A real push holds the
ledger's lock throughout, so two pushes at once cannot both create.

Example:
    >>> PushReport("Jira", "https://x.example project CX").summary()
    'Jira https://x.example project CX: nothing to do'
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.errors import ExportError
from analyzer.export.http import TrackerError, TrackerRejected
from analyzer.export.ledger import Entry, Ledger
from analyzer.export.tickets import Ticket, quote_hash
from analyzer.reporter import NullReporter, Reporter

GONE = (404, 410)  # the tracker no longer has the ticket under that key


@dataclass(frozen=True)
class Found:
    """An existing ticket: its key (``CX-24``, ``#12``, ``issue7``) and its web URL."""

    key: str
    url: str | None = None


@dataclass(frozen=True)
class Created:
    """A ticket the tracker confirmed it created."""

    ticket: Ticket
    key: str
    url: str | None = None


@dataclass(frozen=True)
class Failed:
    """A ticket the tracker refused; the message says why."""

    ticket: Ticket
    message: str


OPEN, CLOSED = "open", "closed"
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class TicketState:
    """A ticket's status as its tracker reports it (:meth:`Tracker.status`).

    Attributes:
        status: :data:`OPEN` or :data:`CLOSED` (the tracker's own status names are mapped to these two).
        closed_at: the day it was closed (``YYYY-MM-DD``), when closed and the tracker says when.
        tracker_status: the tracker's own name for the status (``resolved``, ``Done``, ``closed (not_planned)``).

    Example:
        >>> TicketState(CLOSED, day_of("2026-02-01T10:00:00.000+0000"), "Done")
        TicketState(status='closed', closed_at='2026-02-01', tracker_status='Done')
    """

    status: str
    closed_at: str | None = None
    tracker_status: str = ""


def day_of(value: object) -> str | None:
    """The ``YYYY-MM-DD`` day at the start of a tracker's timestamp (ISO, or Roundup's ``2026-02-01.10:00:00``), else None.

    Example:
        >>> day_of("2026-02-01.10:00:00"), day_of("2026-02-01T10:00:00Z"), day_of(None)
        ('2026-02-01', '2026-02-01', None)
    """
    match = _DAY.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


class Tracker(ABC):
    """What a tracker client provides: each tracker module implements find, update and create_one (or create, for bulk).

    Attributes:
        family: the ledger's tracker name (``jira``, ``github``, ...).
        name: a display name (``Jira``).
        destination: where on the tracker tickets go, without credentials.
    """

    family = ""
    name = ""
    destination = ""

    @abstractmethod
    def find(self, tickets: Sequence[Ticket]) -> dict[str, Found]:
        """Search the tracker for the tickets' fingerprints; return the ones found, by fingerprint."""

    def create(self, tickets: Sequence[Ticket]) -> Iterator[list[Created | Failed]]:
        """Create the tickets, yielding the results of each answer of the tracker (one ticket, or one bulk chunk) as it comes.

        This one creates them one at a time with :meth:`create_one`; a refusal of one ticket fails that ticket only.
        Trackers with a bulk endpoint override it.
        """
        for ticket in tickets:
            try:
                created = self.create_one(ticket)
            except TrackerRejected as error:
                yield [Failed(ticket, str(error))]
                continue
            yield [created]

    def create_one(self, ticket: Ticket) -> Created:
        """Create one ticket (for :meth:`create`)."""
        raise NotImplementedError(f"{type(self).__name__} creates tickets with its own create()")

    @abstractmethod
    def update(self, found: Found, ticket: Ticket, previous: Mapping[str, Any] | None, new_quotes: Sequence[str]) -> None:
        """Bring an existing ticket up to date: a comment with the new figures and the new quotes."""

    def status(self, key: str) -> TicketState:
        """Read one ticket's status (open or closed, and when it was closed) by the key the ledger holds.

        Raises:
            TrackerRejected: the tracker has no ticket under that key (404) or refused the read.
            TrackerError: a fatal error (no connection, credentials refused, rate limit).
        """
        raise NotImplementedError(f"{type(self).__name__} cannot read ticket statuses")


@dataclass
class Outcome:
    """What happened to one ticket.

    ``action`` is one of ``created``, ``updated`` (``adopted`` when the ticket
    was found by search, not in the ledger), ``unchanged``, ``failed``,
    ``not reached`` (a fatal error stopped the push first), or in a dry run
    ``would create``, ``would update``.
    """

    ticket: Ticket
    action: str
    key: str | None = None
    url: str | None = None
    message: str = ""


@dataclass
class PushReport:
    """The outcome of every ticket of a push, in the order given."""

    tracker: str
    destination: str
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False

    def count(self, *actions: str) -> int:
        """How many tickets ended with one of these actions."""
        return sum(1 for o in self.outcomes if o.action in actions)

    def summary(self) -> str:
        """One line: counts per action.

        Example:
            >>> from analyzer.export.issues import Issue
            >>> from analyzer.export.tickets import build_ticket
            >>> t = build_ticket(Issue("A", "complaint", "price", "Dear"))
            >>> PushReport("Jira", "site", [Outcome(t, "created", "CX-1"), Outcome(t, "unchanged", "CX-2")]).summary()
            'Jira site: 1 created, 1 unchanged'
        """
        order = ("would create", "would update", "created", "updated", "adopted", "unchanged", "failed", "not reached")
        counts = [f"{self.count(action)} {action}" for action in order if self.count(action)]
        return f"{self.tracker} {self.destination}: {', '.join(counts) if counts else 'nothing to do'}"


class PushFailed(ExportError):
    """A push did not finish; ``report`` says what was done, and all of that is in the ledger."""

    def __init__(self, message: str, report: PushReport) -> None:
        super().__init__(message)
        self.report = report


def _unsent(ticket: Ticket, sent: set[str] | list[str]) -> list[str]:
    """The ticket's quotes not sent before (``sent``: digests of the quotes already sent)."""
    sent = set(sent)
    return [q for q in ticket.quotes if quote_hash(q) not in sent]


def _unchanged(entry: Entry, ticket: Ticket) -> bool:
    """Whether the ticket holds nothing new since the ledger's entry: the same figures and no new quote."""
    return entry.sent_state == ticket.state() and not _unsent(ticket, entry.sent_quotes)


def _entry(tracker: Tracker, ticket: Ticket, key: str, url: str | None, quotes: set[str]) -> Entry:
    return Entry(tracker.family, tracker.destination, ticket.fingerprint, ticket.issue.issue_id, key, url,
                 ticket.state(), sorted(quotes | set(ticket.quote_hashes())))


def push(tickets: Sequence[Ticket], tracker: Tracker, ledger: Ledger, *, dry_run: bool = False, search: bool = True,
         reporter: Reporter | None = None) -> PushReport:
    """Create or update one ticket per issue on ``tracker``, recording each in ``ledger``; never twice.

    Args:
        tickets: the tickets to push.
        tracker: the tracker client.
        ledger: the export ledger (read-only is fine for a dry run).
        dry_run: only report what would be done.
        search: search the tracker for tickets the ledger does not know (a dry run without credentials cannot).
        reporter: told about each action as it happens.

    Returns:
        The report, in ticket order.

    Raises:
        PushFailed: a fatal tracker error stopped the push, or some tickets were refused; ``report`` is attached.
        ExportError: another push through the same ledger did not finish in time.
    """
    reporter = reporter or NullReporter()
    if dry_run:
        return _push(tickets, tracker, ledger, dry_run=True, search=search, reporter=reporter)
    with ledger.exclusive(reporter):  # the ledger is read inside: a push waiting here then sees what the other one filed
        return _push(tickets, tracker, ledger, dry_run=False, search=search, reporter=reporter)


def _push(tickets: Sequence[Ticket], tracker: Tracker, ledger: Ledger, *, dry_run: bool, search: bool, reporter: Reporter) -> PushReport:
    report = PushReport(tracker.name, tracker.destination, dry_run=dry_run)
    outcomes: dict[str, Outcome] = {}
    entries = {t.fingerprint: ledger.get(tracker.family, tracker.destination, t.fingerprint) for t in tickets}

    def finish(error: TrackerError | None = None) -> PushReport:
        report.outcomes = [outcomes.get(t.fingerprint) or Outcome(t, "not reached") for t in tickets]
        if error is not None:
            done = report.count("created", "updated", "adopted")
            raise PushFailed(f"{error}; stopped: {done} of {len(tickets)} tickets were created or updated and recorded before it; "
                             "run the same command again to finish (nothing already filed is filed twice)", report) from None
        failed = [o for o in report.outcomes if o.action == "failed"]
        if failed:
            shown = "; ".join(f"{o.ticket.issue.issue_id}: {o.message}" for o in failed[:3]) + ("; ..." if len(failed) > 3 else "")
            raise PushFailed(f"{tracker.name} at {tracker.destination}: {len(failed)} of {len(tickets)} issues could not be exported "
                             f"({shown}); the others are recorded; fix the cause and run again", report)
        return report

    unknown = [t for t in tickets if entries[t.fingerprint] is None]
    try:
        found = tracker.find(unknown) if unknown and search else {}
    except TrackerError as error:
        return finish(error)

    def update(ticket: Ticket, where: Found, previous: dict[str, Any] | None, sent: set[str], action: str) -> TrackerError | None:
        """Send the update; record it, or the per-issue failure; return a refusal of the tracker for the caller to judge."""
        try:
            tracker.update(where, ticket, previous, _unsent(ticket, sent))
        except TrackerError as error:
            return error
        ledger.record(_entry(tracker, ticket, where.key, where.url, sent), action)
        outcomes[ticket.fingerprint] = Outcome(ticket, action, where.key, where.url)
        reporter.info(f"{action} {where.key} for {ticket.issue.issue_id}")
        return None

    to_create: list[Ticket] = []
    gone: list[Ticket] = []
    for ticket in tickets:
        entry = entries[ticket.fingerprint]
        if entry is not None:
            where = Found(entry.ticket_key, entry.ticket_url)
            previous: dict[str, Any] | None = entry.sent_state
            sent = set(entry.sent_quotes)
        elif ticket.fingerprint in found:
            where, previous, sent = found[ticket.fingerprint], None, set()
        else:
            to_create.append(ticket)
            continue
        if entry is not None and _unchanged(entry, ticket):
            outcomes[ticket.fingerprint] = Outcome(ticket, "unchanged", where.key, where.url)
            continue
        if dry_run:
            outcomes[ticket.fingerprint] = Outcome(ticket, "would update", where.key, where.url)
            continue
        error = update(ticket, where, previous, sent, "updated" if entry is not None else "adopted")
        if error is not None and error.fatal:
            return finish(error)
        if error is not None and entry is not None and error.status in GONE and search:
            gone.append(ticket)
        elif error is not None:
            outcomes[ticket.fingerprint] = Outcome(ticket, "failed", where.key, where.url, str(error))

    if gone:
        # The ledger's ticket is gone (deleted, or moved under another key): the fingerprint decides, as for a ticket
        # the ledger never knew. Found: that one is brought up to date; not found: none exists, so filing it is no duplicate.
        try:
            again = tracker.find(gone)
        except TrackerError as error:
            return finish(error)
        for ticket in gone:
            old = entries[ticket.fingerprint]
            if ticket.fingerprint not in again:
                reporter.info(f"{old.ticket_key} is gone from {tracker.name} and no ticket carries {ticket.fingerprint}; filing it again")
                to_create.append(ticket)
                continue
            where = again[ticket.fingerprint]
            error = update(ticket, where, None, set(), "adopted")
            if error is not None and error.fatal:
                return finish(error)
            if error is not None:
                outcomes[ticket.fingerprint] = Outcome(ticket, "failed", where.key, where.url, str(error))

    if dry_run:
        for ticket in to_create:
            outcomes[ticket.fingerprint] = Outcome(ticket, "would create")
        return finish()
    try:
        for batch in tracker.create(to_create):
            confirmed = [r for r in batch if isinstance(r, Created)]
            ledger.record_many([(_entry(tracker, r.ticket, r.key, r.url, set()), "created") for r in confirmed])
            for result in batch:
                if isinstance(result, Created):
                    outcomes[result.ticket.fingerprint] = Outcome(result.ticket, "created", result.key, result.url)
                    reporter.info(f"created {result.key} for {result.ticket.issue.issue_id}")
                else:
                    outcomes[result.ticket.fingerprint] = Outcome(result.ticket, "failed", message=result.message)
    except TrackerError as error:  # trackers turn per-issue refusals into Failed; what escapes stops the push
        return finish(error)
    return finish()


def ledger_plan(tickets: Sequence[Ticket], ledger: Ledger, family: str, destination: str | None = None) -> PushReport:
    """What a push would do according to the ledger alone (dry run without credentials).

    With no ``destination``, an entry for any destination of the tracker family counts.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_ticket
        >>> plan = ledger_plan([build_ticket(Issue("A", "complaint", "price", "Dear"))], Ledger(Path(tempfile.mkdtemp()) / "s.db", readonly=True), "jira")
        >>> [o.action for o in plan.outcomes]
        ['would create']
    """
    known = {(e.fingerprint): e for e in ledger.entries(family, destination)}
    report = PushReport(family, destination or "(any destination, from the ledger only)", dry_run=True)
    for ticket in tickets:
        entry = known.get(ticket.fingerprint)
        if entry is None:
            report.outcomes.append(Outcome(ticket, "would create"))
            continue
        action = "unchanged" if _unchanged(entry, ticket) else "would update"
        report.outcomes.append(Outcome(ticket, action, entry.ticket_key, entry.ticket_url))
    return report
