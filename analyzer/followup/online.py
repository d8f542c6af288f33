"""Reading exported tickets' statuses from their trackers (``analyze FILE --check-tickets``), never unasked.

Each ledger row names its tracker family and destination (``https://x.atlassian.net
project CX``, ``https://api.github.com repo octo/shop``, a Roundup or Zendesk
base URL); the URL and project come from there, the user and token from the
same places the export takes them (environment variables, then the keyring;
see :mod:`analyzer.export.credentials`). Every ticket costs one read (Zendesk:
two when solved), through the export's HTTP client (retries, secrets scrubbed).

Missing credentials are a usage error before the analysis starts. A tracker
that fails while reading (down, credentials refused) leaves its tickets'
status unknown, with the reason in ``status_note``, and the run goes on; a
ticket the tracker no longer has (404) is unknown on its own.

Example:
    >>> split_destination("jira", "https://x.example project CX")
    ('https://x.example', 'CX')
    >>> split_destination("roundup", "http://127.0.0.1:8917/tracker")
    ('http://127.0.0.1:8917/tracker', None)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from analyzer.errors import UsageError
from analyzer.export import targets
from analyzer.export.credentials import ENV, KEYRING_SERVICE, keyring_token, resolve_connection
from analyzer.export.http import TrackerError, TrackerRejected
from analyzer.export.ledger import Entry
from analyzer.export.push import Tracker
from analyzer.followup.status import UNKNOWN, TicketStatus, parse_day
from analyzer.reporter import NullReporter, Reporter

# The target that connects to each family for reading; Jira reads through REST v2, which Cloud and Data Center both serve.
READER_TARGET = {"jira": "jira-v2", "github": "github", "gitlab": "gitlab", "zendesk": "zendesk", "roundup": "roundup"}
SEPARATOR = {"jira": " project ", "gitlab": " project ", "github": " repo "}


@dataclass(frozen=True)
class OnlineSettings:
    """How statuses are read: the seconds to wait per answer, retries, and where credentials come from (tests pass their own)."""

    timeout: float = 30.0
    retries: int = 2
    environ: Mapping[str, str] | None = None
    keyring_get: Callable[[str], str | None] | None = keyring_token


def split_destination(family: str, destination: str) -> tuple[str, str | None]:
    """The tracker URL and project (Jira, GitLab) or repository (GitHub) of a ledger destination.

    Raises:
        UsageError: the destination is not one the export writes.

    Example:
        >>> split_destination("github", "https://api.github.com repo octo/shop")
        ('https://api.github.com', 'octo/shop')
    """
    separator = SEPARATOR.get(family)
    if separator is None:
        return destination.strip(), None
    url, found, project = destination.partition(separator)
    if not found or not url.strip() or not project.strip():
        raise UsageError(f"--check-tickets: the export ledger names {family} destination {destination!r}, which is not "
                         f"'<url>{separator}<name>'; was the state file written by this analyzer?")
    return url.strip(), project.strip()


def tracker_for(family: str, destination: str, settings: OnlineSettings | None = None) -> Tracker:
    """A tracker client for one ledger destination, with the export's credentials.

    Raises:
        UsageError: the family is unknown, or its user or token are not set (the message names the variables).
    """
    settings = settings or OnlineSettings()
    if family not in READER_TARGET:
        raise UsageError(f"--check-tickets: the export ledger names tracker {family!r}; known: {', '.join(READER_TARGET)}")
    url, project = split_destination(family, destination)
    environ = os.environ if settings.environ is None else settings.environ
    try:
        connection = resolve_connection(family, url=url, project=project, environ=environ, keyring_get=settings.keyring_get)
    except UsageError as error:
        reason = str(error)
        if reason.startswith(("--token", "--user")):  # analyze has no --token or --user: name the variables and the keyring
            names = " and ".join(ENV[family][key] for key in ("user", "token") if key in ENV[family])
            reason = f"set {names} (the token may instead be stored with: keyring set {KEYRING_SERVICE} {family})"
        raise UsageError(f"--check-tickets: cannot read the statuses of the {family} tickets at {destination}: {reason}") from None
    target = targets.get_target(READER_TARGET[family])
    assert target.connect is not None
    client = targets.ClientSettings(timeout=settings.timeout, retries=settings.retries)
    return target.connect(connection, targets.PayloadOptions(project=project), client)


def read_online(entries: Iterable[Entry], settings: OnlineSettings | None = None, reporter: Reporter | None = None,
                connect: Callable[[str, str, OnlineSettings], Tracker] | None = None) -> dict[tuple[str, str, str], TicketStatus]:
    """Read every ledger ticket's status from its tracker, by ``(tracker, destination, ticket_key)``.

    Trackers are connected first (so missing credentials fail before anything is read), then read one ticket at a time.

    Raises:
        UsageError: a tracker's credentials are missing (see :func:`tracker_for`).
    """
    settings = settings or OnlineSettings()
    reporter = reporter or NullReporter()
    connect = connect or tracker_for
    grouped: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        grouped.setdefault((entry.tracker, entry.destination), []).append(entry)
    trackers = {place: connect(place[0], place[1], settings) for place in grouped}
    found: dict[tuple[str, str, str], TicketStatus] = {}
    for place, group in grouped.items():
        tracker = trackers[place]
        stopped: str | None = None
        for entry in group:
            index = (entry.tracker, entry.destination, entry.ticket_key)
            if stopped is not None:
                found[index] = TicketStatus(entry.ticket_key, UNKNOWN, None, "unknown", note=stopped)
                continue
            try:
                state = tracker.status(entry.ticket_key)
            except TrackerRejected as error:
                reporter.warn(f"status of {entry.ticket_key} not read: {error}")
                found[index] = TicketStatus(entry.ticket_key, UNKNOWN, None, "unknown", note=str(error))
                continue
            except TrackerError as error:
                stopped = f"not read: {error}"
                reporter.warn(f"statuses of the {len(group)} ticket(s) at {tracker.name} {tracker.destination} not read: {error}")
                found[index] = TicketStatus(entry.ticket_key, UNKNOWN, None, "unknown", note=stopped)
                continue
            note = "" if state.status != "closed" or state.closed_at else "the tracker says it is closed but not when"
            closed = parse_day(state.closed_at) if state.closed_at else None
            found[index] = TicketStatus(entry.ticket_key, state.status, closed, "tracker", state.tracker_status, note)
        reporter.info(f"ticket statuses: {len(group)} read from {tracker.name} {tracker.destination}")
    return found
