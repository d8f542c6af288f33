"""The export targets, one registry: what each writes as files and how it connects to push.

=============  =======================================================  ======
target         files (in ``OUTDIR/export/<target>/`` or ``--out``)       --push
=============  =======================================================  ======
jira-csv       ``jira-import.csv`` for Jira's CSV importer               no
jira           ``issues.jsonl`` + ``bulk-NNN.json`` (REST v3, ADF)       yes
jira-v2        the same with plain wiki-text descriptions (Data Center)  yes
github         ``issues.jsonl`` (REST issues)                            yes
gitlab         ``issues.jsonl`` (issues API)                             yes
zendesk        ``tickets.jsonl`` + ``create_many-NNN.json``              yes
roundup        ``issues.jsonl`` (issue + first message)                  yes
csv            ``issues.csv``                                            no
xlsx           ``issues.xlsx``                                           no
json           ``issues.json``                                           no
markdown       ``issues.md``                                             no
=============  =======================================================  ======

Every folder also gets ``manifest.json`` (target, time, issues and their
fingerprints); a folder is only ever replaced as a whole, atomically, and
only if it holds a previous export (or ``force`` is given).

Example:
    >>> get_target("jira-v3").name, get_target("roundup").family
    ('jira', 'roundup')
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from analyzer import __version__
from analyzer.errors import OutputError, OutputExists, UsageError
from analyzer.export import files, github, gitlab, jira, roundup, zendesk
from analyzer.export.auth import Secret, basic_auth, header_auth
from analyzer.export.credentials import Connection, token_hint
from analyzer.export.http import HttpClient, now_iso
from analyzer.export.push import Tracker
from analyzer.export.tickets import Ticket
from analyzer.io.atomic import recover, write_folder

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PayloadOptions:
    """Settings that go into payloads: the Jira project and issue type."""

    project: str | None = None
    issue_type: str = "Task"


@dataclass(frozen=True)
class ClientSettings:
    """HTTP behaviour: timeout, retries, the longest ``Retry-After`` to honour, and the sleep function (tests)."""

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 0.5
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    min_interval: float | None = None  # None: each tracker's own (GitHub: 1 s between creates)
    session_factory: Callable[[], requests.Session] = field(default=requests.Session)


@dataclass(frozen=True)
class Target:
    """One export target: its ledger family (None for plain files), its files, and how to connect for --push."""

    name: str
    family: str | None
    description: str
    write: Callable[[Sequence[Ticket], Path, PayloadOptions], None]
    connect: Callable[[Connection, PayloadOptions, ClientSettings], Tracker] | None = None


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _write_jira(version: int) -> Callable[[Sequence[Ticket], Path, PayloadOptions], None]:
    def write(tickets: Sequence[Ticket], folder: Path, options: PayloadOptions) -> None:
        settings = {"project": options.project, "issue_type": options.issue_type, "version": version}
        files.write_jsonl([jira.jira_payload(t, **settings) for t in tickets], folder / "issues.jsonl")
        for number, body in enumerate(jira.jira_bulk_payloads(tickets, **settings), start=1):
            (folder / f"bulk-{number:03d}.json").write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return write


def _write_zendesk(tickets: Sequence[Ticket], folder: Path, options: PayloadOptions) -> None:
    payloads = [zendesk.zendesk_payload(t) for t in tickets]
    files.write_jsonl(payloads, folder / "tickets.jsonl")
    for number, chunk in enumerate(_chunks(payloads, zendesk.CREATE_MANY_SIZE), start=1):
        body = {"tickets": [p["ticket"] for p in chunk]}
        (folder / f"create_many-{number:03d}.json").write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _client(conn: Connection, settings: ClientSettings, *, name: str, auth: tuple[Any, list[str]], headers: dict[str, str] | None = None,
            min_interval: float = 0.0) -> HttpClient:
    assert conn.url is not None
    return HttpClient(conn.url, name=name, auth=auth[0], secrets=auth[1], credential_hint=token_hint(conn.family), headers=headers,
                      timeout=settings.timeout, retries=settings.retries, backoff=settings.backoff, max_wait=settings.max_wait,
                      sleep=settings.sleep, min_interval=min_interval if settings.min_interval is None else settings.min_interval,
                      session=settings.session_factory())


def _token(conn: Connection) -> Secret:
    if conn.token is None:
        raise UsageError(f"--token: no {conn.family} credentials; set {token_hint(conn.family)}")
    return conn.token


def _connect_jira(version: int) -> Callable[[Connection, PayloadOptions, ClientSettings], Tracker]:
    def connect(conn: Connection, options: PayloadOptions, settings: ClientSettings) -> Tracker:
        project = jira.check_project(options.project or conn.project, required=True)
        assert project is not None
        token = _token(conn)
        auth = basic_auth(conn.user, token) if conn.user else header_auth({"Authorization": Secret(f"Bearer {token.reveal()}")})
        client = _client(conn, settings, name="Jira", auth=auth)
        return jira.JiraTracker(client, project, version=version, issue_type=options.issue_type)
    return connect


def _connect_github(conn: Connection, options: PayloadOptions, settings: ClientSettings) -> Tracker:
    repo = github.check_repo(options.project or conn.project)
    auth = header_auth({"Authorization": Secret(f"Bearer {_token(conn).reveal()}")})
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    return github.GitHubTracker(_client(conn, settings, name="GitHub", auth=auth, headers=headers, min_interval=1.0), repo)


def _connect_gitlab(conn: Connection, options: PayloadOptions, settings: ClientSettings) -> Tracker:
    project = gitlab.check_project(options.project or conn.project)
    auth = header_auth({"PRIVATE-TOKEN": _token(conn)})
    return gitlab.GitLabTracker(_client(conn, settings, name="GitLab", auth=auth), project)


def _connect_zendesk(conn: Connection, options: PayloadOptions, settings: ClientSettings) -> Tracker:
    auth = basic_auth(f"{conn.user}/token", _token(conn))
    return zendesk.ZendeskTracker(_client(conn, settings, name="Zendesk", auth=auth))


def _connect_roundup(conn: Connection, options: PayloadOptions, settings: ClientSettings) -> Tracker:
    assert conn.url is not None and conn.user is not None
    auth = basic_auth(conn.user, _token(conn))
    return roundup.RoundupTracker(_client(conn, settings, name="Roundup", auth=auth, headers=roundup.roundup_headers(conn.url)), conn.user)


def _jsonl(build: Callable[[Ticket], Any], name: str = "issues.jsonl") -> Callable[[Sequence[Ticket], Path, PayloadOptions], None]:
    def write(tickets: Sequence[Ticket], folder: Path, options: PayloadOptions) -> None:
        files.write_jsonl([build(t) for t in tickets], folder / name)
    return write


def _single(writer: Callable[[Sequence[Ticket], Path], None], name: str) -> Callable[[Sequence[Ticket], Path, PayloadOptions], None]:
    def write(tickets: Sequence[Ticket], folder: Path, options: PayloadOptions) -> None:
        writer(tickets, folder / name)
    return write


TARGETS: dict[str, Target] = {}
ALIASES = {"jira-v3": "jira"}


def register(target: Target) -> Target:
    """Add a target to the registry (its name must be new).

    Example:
        >>> register(TARGETS["csv"])
        Traceback (most recent call last):
        ...
        ValueError: target 'csv' is already registered
    """
    if target.name in TARGETS:
        raise ValueError(f"target {target.name!r} is already registered")
    TARGETS[target.name] = target
    return target


for _target in (
    Target("jira-csv", "jira", "file for Jira's CSV importer",
           lambda t, folder, o: jira.write_jira_csv(t, folder / "jira-import.csv", o.issue_type)),
    Target("jira", "jira", "Jira Cloud REST v3 payloads (ADF); --push creates in bulk", _write_jira(3), _connect_jira(3)),
    Target("jira-v2", "jira", "Jira Data Center REST v2 payloads (wiki text); --push creates in bulk", _write_jira(2), _connect_jira(2)),
    Target("github", "github", "GitHub issue payloads; --push creates issues", _jsonl(github.github_payload), _connect_github),
    Target("gitlab", "gitlab", "GitLab issue payloads; --push creates issues", _jsonl(gitlab.gitlab_payload), _connect_gitlab),
    Target("zendesk", "zendesk", "Zendesk ticket payloads with external_id; --push creates tickets", _write_zendesk, _connect_zendesk),
    Target("roundup", "roundup", "Roundup issue payloads; --push creates issues through its REST API", _jsonl(roundup.roundup_payload),
           _connect_roundup),
    Target("csv", None, "one CSV row per issue", _single(files.write_tickets_csv, "issues.csv")),
    Target("xlsx", None, "one Excel row per issue", _single(files.write_tickets_xlsx, "issues.xlsx")),
    Target("json", None, "a JSON list, one object per issue", _single(files.write_tickets_json, "issues.json")),
    Target("markdown", None, "one Markdown section per issue", _single(files.write_tickets_markdown, "issues.md")),
):
    register(_target)


def get_target(name: str) -> Target:
    """The target of a name (or alias); :class:`UsageError` lists every name when it is unknown.

    Example:
        >>> get_target("trello")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        analyzer.errors.UsageError: --to: 'trello' is not a target; accepted: jira-csv, jira, jira-v2, github, ..., markdown
    """
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in TARGETS:
        raise UsageError(f"--to: {name!r} is not a target; accepted: {', '.join(TARGETS)}")
    return TARGETS[key]


def pushable() -> list[str]:
    """Names of the targets that can push.

    Example:
        >>> pushable()
        ['jira', 'jira-v2', 'github', 'gitlab', 'zendesk', 'roundup']
    """
    return [name for name, target in TARGETS.items() if target.connect is not None]


def check_folder(folder: Path, force: bool) -> None:
    """Refuse to replace a folder that holds files but no previous export, unless ``force``; never replace an analysis folder.

    Raises:
        OutputError: the path is a file or an analysis folder.
        OutputExists: the folder holds something else.
    """
    recover(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder; choose another place with --out")
    if (folder / "summary.json").is_file() and (folder / "issues.json").is_file():
        raise OutputError(f"{folder}: is an analysis folder and would be replaced by the export; choose another place with --out")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MANIFEST).is_file() and not force:
        raise OutputExists(f"{folder}: holds files that are not an earlier export; pass --force to replace it or --out to write elsewhere")


def write_export(target: Target, tickets: Sequence[Ticket], folder: str | Path, options: PayloadOptions | None = None, *,
                 force: bool = False) -> list[Path]:
    """Write a target's files and ``manifest.json`` into ``folder``, replacing it atomically as a whole.

    Returns:
        The paths written.

    Example:
        >>> import tempfile
        >>> from analyzer.export.issues import Issue
        >>> from analyzer.export.tickets import build_tickets
        >>> folder = Path(tempfile.mkdtemp()) / "export"
        >>> [p.name for p in write_export(get_target("json"), build_tickets([Issue("A", "complaint", "price", "Dear")]), folder)]
        ['issues.json', 'manifest.json']
    """
    folder = Path(folder)
    options = options or PayloadOptions()
    check_folder(folder, force)

    def fill(staging: Path) -> list[str]:
        target.write(tickets, staging, options)
        manifest = {"target": target.name, "written_at": now_iso(), "analyzer_version": __version__, "count": len(tickets),
                    "issues": [{"issue_id": t.issue.issue_id, "fingerprint": t.fingerprint, "title": t.title, "priority": t.priority}
                               for t in tickets]}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return sorted(p.name for p in staging.iterdir())

    return [folder / name for name in write_folder(folder, fill)]


def file_names(target: Target, tickets: Sequence[Ticket], options: PayloadOptions | None = None) -> list[str]:
    """The names :func:`write_export` would write (for a dry run), found by writing into a throwaway folder.

    Example:
        >>> file_names(get_target("markdown"), [])
        ['issues.md', 'manifest.json']
    """
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        return [p.name for p in write_export(target, tickets, Path(scratch) / "x", options)]
