"""Crash safety of ``analyze export`` (tracker issue 7): a SIGKILL at any point leaves the previous files and the store intact.

The harness of :mod:`tests.test_crash_safety` (its child program and its helpers) starts ``analyze export`` in child
processes and kills each with SIGKILL at one point. Hooks are patched into the child only; the code under test is
unchanged.

File exports (``--to jira-csv`` and ``--to xlsx``). Each child works on its own copy of an analysis folder whose
previous export (1,500 issues) is in ``OUTDIR/export/TARGET``; its ``issues.json`` now holds 1,600 issues with new
titles, so a new export differs from the previous one in every file. It is killed:

* ``staging``: as soon as the staging folder ``.TARGET.tmp-PID`` appears;
* ``written``: the target's file is written, ``manifest.json`` not yet;
* ``swap``, ``between_renames``, ``after_swap``: the hooks of the run harness (before the swap, between the two
  renames of a system without ``RENAME_EXCHANGE``, after the swap before the old folder is removed);
* ``at:F``: after F times the measured duration of the whole export (about 2 s, three quarters of it writing).

Afterwards the export folder is byte-identical to the previous one, or (killed between the two renames) gone with the
previous one intact beside it, which ``analyzer.io.atomic.recover`` puts back (checked on a copy), or a complete new
export (the files the manifest implies, every row of the new issues, manifest and file agreeing); the analysis folder
and its SQLite store are byte-identical and pass ``PRAGMA integrity_check``; the same export run again completes and
leaves no ``.TARGET.*`` leftovers.

Push (``--to roundup --push``) to a real Roundup tracker served from this process on 127.0.0.1. Each child has
60 issues of its own, 10 of them pushed before (so the child first updates 10 tickets, then creates 50). It is killed:

* ``before_record:K``: the tracker confirmed the K-th ticket (update or create), its ledger row is not written yet;
* ``in_commit:K``: the K-th ledger transaction has written its rows and not committed;
* ``after_record:K``: the K-th ledger transaction committed;
* ``at:F``: after F times the measured duration of a whole push (about 1.5 s).

Afterwards a ``--dry-run`` reads the ledger (even with a transaction left half done) and changes nothing; the ledger
(``state.sqlite``) passes ``PRAGMA integrity_check``; no fingerprint has two tickets on the tracker; every ledger row
names the one ticket carrying its fingerprint, with an audit event for it; the rows of the
earlier push are still there. Running the push again completes: every fingerprint has exactly one ticket and one
ledger row naming it, and a third push finds everything unchanged (nothing is filed twice, even across a crash
between the tracker's answer and the ledger's commit: the fingerprint search adopts the ticket).

A kill between an update and its ledger row makes the next push post that update again; a ticket created but not
recorded is adopted with an update message. So the push is exactly-once for tickets and at-least-once for comments:
the ticket at the kill point ends with at most one message more than without the kill.

Default set: four file kills and three push kills (about 20 s on an idle 2-core machine); ``pytest -m slow`` adds
every hook and timed points spread over the whole export and push (about 90 s).
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analyzer.cli.app import app
from analyzer.export.issues import fingerprint_of
from analyzer.export.ledger import Entry, Ledger
from analyzer.io.atomic import recover

from .roundup_server import RoundupServer, running_roundup
from .test_crash_safety import CHILD, _snapshot
from .test_export_issues import make_issues, write_analysis

# Export-specific hooks, inserted into the run harness's child just before it starts the CLI (it defines `hook`,
# `signal_and_wait`, and the swap hooks). "name:K" fires at the K-th event.
EXPORT_HOOKS = r"""
point, _, nth = hook.partition(":")
nth = int(nth) if nth.isdigit() else 1
if point == "written":
    import dataclasses
    from analyzer.export import targets
    for key, target in list(targets.TARGETS.items()):
        def write(tickets, folder, options, _write=target.write):
            _write(tickets, folder, options)
            signal_and_wait()
        targets.TARGETS[key] = dataclasses.replace(target, write=write)
elif point in ("before_record", "in_commit", "after_record"):
    import contextlib
    from analyzer.export.ledger import Ledger
    original_record_many, original_transaction, records = Ledger.record_many, Ledger._transaction, []
    def record_many(self, items):
        if items:
            records.append(1)
        if point == "before_record" and len(records) == nth:
            signal_and_wait()
        original_record_many(self, items)
        if point == "after_record" and len(records) == nth:
            signal_and_wait()
    @contextlib.contextmanager
    def transaction(self):
        with original_transaction(self) as conn:
            yield conn
            if point == "in_commit" and len(records) == nth:
                signal_and_wait()  # every row of this transaction written, COMMIT not run
    Ledger.record_many, Ledger._transaction = record_many, transaction
"""
_head, _start_cli, _tail = CHILD.partition("from analyzer.cli.app import app")
assert _start_cli, "the run harness's child no longer starts the CLI the way this harness expects"
EXPORT_CHILD = _head + EXPORT_HOOKS + _start_cli + _tail
HOOKS = ("written", "before_record", "in_commit", "after_record", "swap", "between_renames", "after_swap")

FILE_TARGETS = {"jira-csv": "jira-import.csv", "xlsx": "issues.xlsx"}
PREVIOUS_ISSUES, NEW_ISSUES = 1500, 1600
PUSH_ISSUES, PUSHED_BEFORE = 60, 10
runner = CliRunner()


@dataclass
class Kill:
    """One ``analyze export`` child to kill at one point, in its own folder ``home`` (``home/analysis`` is OUTDIR)."""

    to: str
    point: str  # staging, a hook name (optionally ":K"), at:F, or none (runs to the end)
    home: Path
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    budget: float = 0.0  # for at:F, the measured duration of a whole export or push of the same kind
    started: float = 0.0
    seconds: float = 0.0
    killed_after: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def analysis(self) -> Path:
        return self.home / "analysis"

    @property
    def target(self) -> Path:
        return self.analysis / "export" / self.to

    @property
    def marker(self) -> Path:
        return self.home / "hook.signalled"

    def describe(self) -> str:
        return f"export --to {self.to} killed at {self.point} ({self.killed_after and round(self.killed_after, 2)} s)"


def _due(kill: Kill) -> bool:
    name = kill.point.partition(":")[0]
    if kill.point == "staging":
        staging = f".{kill.to}.tmp-{kill.process.pid}"
        return kill.target.parent.is_dir() and any(p.name.startswith(staging) for p in kill.target.parent.iterdir())
    if name == "at":
        return time.monotonic() - kill.started >= float(kill.point[3:]) * kill.budget
    if name in HOOKS:
        return kill.marker.exists()
    return False


def _drive(kills: list[Kill], timeout: float = 300) -> None:
    """Start every child at once, kill each at its point, wait for all (as the run harness's ``_drive``)."""
    for kill in kills:
        kill.marker.unlink(missing_ok=True)
        hook = kill.point if kill.point.partition(":")[0] in HOOKS else ""
        env = {**os.environ, **kill.env, "CRASH_HOOK": hook, "CRASH_MARKER": str(kill.marker)}
        kill.process = subprocess.Popen([sys.executable, "-c", EXPORT_CHILD, "export", str(kill.analysis), "--to", kill.to, *kill.argv, "-q"],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        kill.started = time.monotonic()
    deadline = time.monotonic() + timeout
    live = list(kills)
    while live and time.monotonic() < deadline:
        for kill in list(live):
            if kill.process.poll() is not None:
                kill.seconds = time.monotonic() - kill.started
                live.remove(kill)
                if kill.point != "none":
                    kill.notes.append("finished before its kill point")
            elif _due(kill):
                kill.process.send_signal(signal.SIGKILL)
                kill.process.wait()
                kill.killed_after = time.monotonic() - kill.started
                live.remove(kill)
        time.sleep(0.001)
    for kill in live:  # a hook that never fired: stop the child, the caller reports it
        kill.process.kill()
        kill.process.wait()
        kill.notes.append("timed out")


def _stderr(kill: Kill) -> str:
    return kill.process.stderr.read().decode(errors="replace")[-3000:]


def _litter(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}."))


def _store_ok(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok", f"{path} damaged"
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------- file exports


def _versioned_issues(count: int, version: str) -> list[dict[str, Any]]:
    rows = make_issues(count, prefix="FILE")
    for row in rows:
        row["title"] = f"{row['title']} ({version})"
    return rows


def _complete_export(folder: Path, to: str, expected: list[str]) -> str | None:
    """Why ``folder`` is not one complete export of the new issues (titles ``expected``, in order), or None when it is."""
    names = sorted(p.name for p in folder.iterdir())
    if names != sorted([FILE_TARGETS[to], "manifest.json"]):
        return f"holds {names}"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except ValueError as error:
        return f"manifest.json unreadable: {error}"
    titles = [i["title"] for i in manifest["issues"]]
    if manifest["target"] != to or manifest["count"] != len(expected) or titles != expected:
        return f"manifest.json is not the new export: target {manifest['target']}, {manifest['count']} issues"
    path = folder / FILE_TARGETS[to]
    if to == "jira-csv":
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        written = [row[0] for row in rows[1:]] if rows and rows[0][0] == "Summary" else None
    else:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            rows = list(book["issues"].iter_rows(values_only=True))
        finally:
            book.close()
        column = rows[0].index("title") if rows and "title" in rows[0] else None
        written = None if column is None else [row[column] for row in rows[1:]]
    if written != expected:
        return f"{path.name} holds {'no table' if written is None else len(written)} rows that are not the manifest's {len(expected)}"
    return None


@dataclass
class FileBaseline:
    home: Path
    seconds: float
    before: dict[str, str]  # the previous export folder
    analysis: dict[str, str]  # the analysis folder's own files, state.sqlite included
    expected: list[str]  # titles of a complete new export, in order


@pytest.fixture(scope="module")
def file_baselines(tmp_path_factory) -> dict[str, FileBaseline]:
    """Per target: an analysis folder with a store, its previous export (timed), and new issues waiting to be exported."""
    from analyzer.export.issues import issue_from_dict, select_issues

    kills = []
    for to in FILE_TARGETS:
        home = tmp_path_factory.mktemp(f"previous-{to}")
        write_analysis(home / "analysis", _versioned_issues(PREVIOUS_ISSUES, "previous"))
        with Ledger(home / "analysis" / "state.sqlite") as ledger:  # a store from an earlier push, which a file export never touches
            ledger.record(Entry("roundup", "http://127.0.0.1:1", fingerprint_of("FILE-0000"), "FILE-0000", "issue1"), "created")
        kills.append(Kill(to, "none", home))
    _drive(kills)
    result = {}
    for kill in kills:
        assert kill.process.returncode == 0, _stderr(kill)
        new = _versioned_issues(NEW_ISSUES, "new")
        (kill.analysis / "issues.json").write_text(json.dumps(new), encoding="utf-8")
        expected = [i.title for i in select_issues([issue_from_dict(row) for row in new])]
        result[kill.to] = FileBaseline(kill.home, kill.seconds, _snapshot(kill.target), _snapshot(kill.analysis), expected)
    return result


def _check_file_kill(kill: Kill, baseline: FileBaseline) -> str:
    """Assert the export folder is the previous one (maybe moved aside) or the complete new one; return which."""
    target, state = kill.target, "previous"
    if not target.exists():
        # Only a kill between the two renames may leave no folder: the previous one waits beside it, intact;
        # analyzer.io.atomic.recover puts it back, and the next export calls it (check_folder) before replacing the folder.
        backup = target.parent / f".{target.name}.previous"
        assert backup.is_dir() and _snapshot(backup) == baseline.before, f"{kill.describe()}: the folder is gone and not recoverable"
        scratch = kill.home / "recover-check"
        shutil.copytree(target.parent, scratch)  # recover a copy here, so that the re-run meets the folder as the kill left it
        assert recover(scratch / target.name) is True and _snapshot(scratch / target.name) == baseline.before
        shutil.rmtree(scratch)
        state = "aside"
    elif _snapshot(target) != baseline.before:
        why = _complete_export(target, kill.to, baseline.expected)
        assert why is None, f"{kill.describe()}: a mix of the previous and the new export: {why}"
        state = "new"
    assert _snapshot(kill.analysis) == baseline.analysis, f"{kill.describe()}: the analysis folder or its store changed"
    _store_ok(kill.analysis / "state.sqlite")
    return state


def _file_kills(tmp_path: Path, baselines: dict[str, FileBaseline], points: list[tuple[str, str]]) -> list[Kill]:
    """Kill one child per (target, point), check each; then run each export again and check it completes.

    Hooked kills run all at once; timed kills run one fraction at a time, both targets together, as the baseline was
    timed, so that F times its duration lands at about F of the work.
    """
    kills = []
    for n, (to, point) in enumerate(points):
        home = tmp_path / f"{to}-{n}-{point.replace(':', '_')}"
        shutil.copytree(baselines[to].home, home)
        kills.append(Kill(to, point, home, budget=baselines[to].seconds))
    _drive([k for k in kills if not k.point.startswith("at:")])
    for fraction in dict.fromkeys(k.point for k in kills if k.point.startswith("at:")):
        _drive([k for k in kills if k.point == fraction])
    for kill in kills:
        assert not kill.notes or kill.point.startswith("at:"), f"{kill.describe()}: {kill.notes} {_stderr(kill)}"
        writing = any(name.startswith(f".{kill.to}.tmp-") for name in _litter(kill.target))
        state = _check_file_kill(kill, baselines[kill.to])
        kill.notes.append(state + (" (killed while writing)" if state == "previous" and writing else ""))
    again = [Kill(k.to, "none", k.home) for k in kills]
    _drive(again)
    for kill in again:
        assert kill.process.returncode == 0, f"re-run after a kill failed: {_stderr(kill)}"
        assert _complete_export(kill.target, kill.to, baselines[kill.to].expected) is None
        assert _litter(kill.target) == [], f"leftovers after the re-run: {_litter(kill.target)}"
    return kills


def test_crash_safety_export_killed_file_export_leaves_the_previous_files(tmp_path, file_baselines) -> None:
    """jira-csv and xlsx killed while writing, between the two renames, and at a timed point: never a mix; re-running completes.

    The hooks are in the atomic folder swap every target shares, so each is tried on one target.
    """
    points = [("jira-csv", "written"), ("xlsx", "between_renames"), ("jira-csv", "at:0.6"), ("xlsx", "at:0.6")]
    states = {(k.to, k.point): k.notes[-1] for k in _file_kills(tmp_path, file_baselines, points)}
    # The hooks fix the outcome; a timed kill may land anywhere.
    assert states[("jira-csv", "written")] == "previous (killed while writing)" and states[("xlsx", "between_renames")] == "aside", states


@pytest.mark.slow
def test_crash_safety_export_every_hook_and_many_timed_kills_of_a_file_export(tmp_path, file_baselines) -> None:
    seen: dict[str, int] = {}
    batches = [["staging", "written", "swap", "between_renames", "after_swap"],
               ["at:0.15", "at:0.3", "at:0.45", "at:0.6", "at:0.7", "at:0.8", "at:0.88", "at:0.95"]]
    for n, points in enumerate(batches):
        for kill in _file_kills(tmp_path / f"batch{n}", file_baselines, [(to, point) for point in points for to in FILE_TARGETS]):
            seen[kill.notes[-1]] = seen.get(kill.notes[-1], 0) + 1
    # The hooks alone guarantee kills before, between and after the swap; the timed ones mostly land while writing.
    assert seen.get("previous (killed while writing)", 0) and seen.get("new", 0) and seen.get("aside", 0), seen


# ------------------------------------------------------------------------------------------------- push to Roundup


@pytest.fixture(scope="module")
def roundup_server(tmp_path_factory):
    with running_roundup(tmp_path_factory.mktemp("roundup-crash")) as server:
        yield server


_prefixes = itertools.count()


@dataclass
class TrackerState:
    tickets: dict[str, list[str]]  # fingerprint keyword (cfp-...) -> the issues carrying it (issueN)
    messages: dict[str, int]  # issueN -> how many messages (the description, then one per update)


def _tracker_state(server: RoundupServer) -> TrackerState:
    """Every issue of the tracker, read back through REST page by page."""
    session, state, page = server.session(), TrackerState({}, {}), 1
    while True:
        answer = session.get(f"{server.url}/rest/data/issue",
                             params={"@fields": "keyword,messages", "@verbose": 2, "@page_size": 500, "@page_index": page}, timeout=60)
        answer.raise_for_status()
        items = answer.json()["data"]["collection"]
        for item in items:
            key = f"issue{item['id']}"
            state.messages[key] = len(item.get("messages") or [])
            for keyword in item.get("keyword") or []:
                if str(keyword.get("name", "")).startswith("cfp-"):
                    state.tickets.setdefault(keyword["name"], []).append(key)
        if len(items) < 500:
            return state
        page += 1


@dataclass
class PushHome:
    """An analysis folder of its own: ``PUSH_ISSUES`` issues, the first ``PUSHED_BEFORE`` pushed before and changed since."""

    kill: Kill
    fingerprints: set[str]
    earlier: dict[str, str]  # fingerprint -> ticket of the earlier push


def _push_home(server: RoundupServer, folder: Path, point: str, count: int = PUSH_ISSUES) -> PushHome:
    prefix = f"P{next(_prefixes)}"
    rows = make_issues(count, prefix=prefix)
    env = {"ROUNDUP_URL": server.url, "ROUNDUP_USER": server.user, "ROUNDUP_PASSWORD": server.password}
    analysis = write_analysis(folder / "analysis", rows[:PUSHED_BEFORE])
    result = runner.invoke(app, ["export", str(analysis), "--to", "roundup", "--push", "-q"], env=env)
    assert result.exit_code == 0, result.output
    for row in rows[:PUSHED_BEFORE]:  # new figures: the push starts by updating these tickets
        row["n_comments"] += 10
    (analysis / "issues.json").write_text(json.dumps(rows), encoding="utf-8")
    with Ledger(analysis / "state.sqlite", readonly=True) as ledger:
        earlier = {e.fingerprint: e.ticket_key for e in ledger.entries("roundup")}
    assert len(earlier) == PUSHED_BEFORE
    kill = Kill("roundup", point, folder, argv=["--push"], env=env)
    return PushHome(kill, {fingerprint_of(row["issue_id"]) for row in rows}, earlier)


def _ledger(path: Path) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """The ledger rows (fingerprint -> ticket) and audit events (fingerprint, ticket), after ``PRAGMA integrity_check``."""
    _store_ok(path)
    db = sqlite3.connect(path)
    try:
        rows = dict(db.execute("select fingerprint, ticket_key from export_ledger where tracker = 'roundup'"))
        events = set(db.execute("select fingerprint, ticket_key from export_events where tracker = 'roundup'"))
    finally:
        db.close()
    return rows, events


def _check_push_state(home: PushHome, tracker: TrackerState) -> tuple[int, int]:
    """Assert ledger and tracker agree after a kill; return (ledger rows, tickets on the tracker) of this home."""
    what = home.kill.describe()
    rows, events = _ledger(home.kill.analysis / "state.sqlite")
    mine = {fp: tracker.tickets.get(fp, []) for fp in home.fingerprints}
    twice = {fp: keys for fp, keys in mine.items() if len(keys) > 1}
    assert not twice, f"{what}: filed twice: {twice}"
    assert set(rows) <= home.fingerprints, f"{what}: ledger rows for issues that were not pushed"
    wrong = {fp: (key, mine[fp]) for fp, key in rows.items() if mine[fp] != [key]}
    assert not wrong, f"{what}: ledger rows naming a ticket that is not the one carrying the fingerprint: {wrong}"
    assert events == set(rows.items()), f"{what}: audit events {sorted(events - set(rows.items()))} disagree with the ledger"
    lost = {fp: key for fp, key in home.earlier.items() if rows.get(fp) != key}
    assert not lost, f"{what}: rows of the earlier push lost or changed: {lost}"
    return len(rows), sum(len(keys) for keys in mine.values())


def _push_kills(server: RoundupServer, tmp_path: Path, points: list[str], seconds: float) -> list[PushHome]:
    """Kill one push per point, check ledger and tracker; push again; check every issue has exactly one ticket and row."""
    homes = [_push_home(server, tmp_path / f"push-{n}-{point.replace(':', '_')}", point) for n, point in enumerate(points)]
    _drive([h.kill for h in homes if not h.kill.point.startswith("at:")])
    for home in homes:  # one at a time, as the baseline was timed (the tracker answers one request at a time)
        if home.kill.point.startswith("at:"):
            home.kill.budget = seconds
            _drive([home.kill])
    for home in homes:
        assert not home.kill.notes or home.kill.point.startswith("at:"), f"{home.kill.describe()}: {home.kill.notes} {_stderr(home.kill)}"
        # A dry run straight after the kill (a ledger transaction may be left half done: a hot journal) reads the ledger,
        # plans every issue, and changes nothing.
        if home.kill.point.startswith("in_commit"):
            assert (home.kill.analysis / "state.sqlite-journal").is_file(), "the kill inside a transaction left no hot journal"
        before = _snapshot(home.kill.analysis)
        plan = runner.invoke(app, ["export", str(home.kill.analysis), "--to", "roundup", "--push", "--dry-run"], env=home.kill.env)
        assert plan.exit_code == 0, f"dry run after {home.kill.describe()}: {plan.output}"
        planned = sum(line.startswith(("would create", "would update", "unchanged")) for line in plan.output.splitlines())
        assert planned == PUSH_ISSUES and _snapshot(home.kill.analysis) == before, plan.output
    tracker = _tracker_state(server)
    for home in homes:
        recorded, filed = _check_push_state(home, tracker)
        home.kill.notes.append(f"{recorded} recorded, {filed} on the tracker")
    again = [Kill("roundup", "none", h.kill.home, argv=h.kill.argv, env=h.kill.env) for h in homes]
    _drive(again)
    for kill in again:
        assert kill.process.returncode == 0, f"push again after a kill failed: {_stderr(kill)}"
        third = runner.invoke(app, ["export", str(kill.analysis), "--to", "roundup", "--push"], env=kill.env)
        assert third.exit_code == 0 and f"{PUSH_ISSUES} unchanged" in third.output, third.output
    tracker = _tracker_state(server)
    for home in homes:
        assert _check_push_state(home, tracker) == (PUSH_ISSUES, PUSH_ISSUES), f"after {home.kill.describe()}: not one ticket per issue"
        # Without a kill, an earlier ticket ends with 2 messages (description, update), a new one with 1. The ticket whose
        # ledger row the kill lost gets its update again, or is adopted with an update: at most one message more, once.
        extra = {fp: tracker.messages[tracker.tickets[fp][0]] - (2 if fp in home.earlier else 1) for fp in home.fingerprints}
        repeated = sum(extra.values())
        assert set(extra.values()) <= {0, 1} and repeated <= 1, f"after {home.kill.describe()}: messages beyond the expected ones: {extra}"
        home.kill.notes.append(f"{repeated} repeated message")
    return homes


@pytest.fixture(scope="module")
def push_seconds(roundup_server, tmp_path_factory) -> float:
    """How long a whole push of a prepared home takes (10 updates, 50 creates), run to the end as a child."""
    home = _push_home(roundup_server, tmp_path_factory.mktemp("push-baseline"), "none")
    _drive([home.kill])
    assert home.kill.process.returncode == 0, _stderr(home.kill)
    assert _check_push_state(home, _tracker_state(roundup_server)) == (PUSH_ISSUES, PUSH_ISSUES)
    return home.kill.seconds


def test_crash_safety_export_killed_push_never_files_twice(roundup_server, tmp_path, push_seconds) -> None:
    """Killed between a create and its ledger row, inside a ledger transaction, and at a timed point; pushed again."""
    homes = _push_kills(roundup_server, tmp_path, ["before_record:25", "in_commit:18", "at:0.6"], push_seconds)
    recorded = {h.kill.point: h.kill.notes[-2] for h in homes}
    # Ledger writes 1-10 are the updates of the earlier tickets, 11 and on the creates. Both hooks fire after the tracker
    # confirmed a new ticket and before its row is committed: one ticket more on the tracker than rows in the ledger.
    assert recorded["before_record:25"] == "24 recorded, 25 on the tracker", recorded
    assert recorded["in_commit:18"] == "17 recorded, 18 on the tracker", recorded


@pytest.mark.slow
def test_crash_safety_export_every_hook_and_many_timed_kills_of_a_push(roundup_server, tmp_path, push_seconds) -> None:
    """Every hook in the update part (K <= 10) and the create part, then kills spread over a whole push."""
    batches = [["before_record:4", "in_commit:7", "after_record:10", "before_record:11", "in_commit:45", "after_record:35"],
               ["at:0.3", "at:0.45", "at:0.6", "at:0.75", "at:0.9", "at:1.0"]]
    mid_push = 0
    for n, points in enumerate(batches):
        for home in _push_kills(roundup_server, tmp_path / f"batch{n}", points, push_seconds):
            recorded = int(home.kill.notes[-2].split()[0])
            mid_push += PUSHED_BEFORE < recorded < PUSH_ISSUES or home.kill.point.startswith(("before_record", "in_commit"))
    assert mid_push >= 6, "too few kills landed in the middle of a push"
