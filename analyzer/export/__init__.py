"""Exporting recurring issues to ticketing tools, never filing the same issue twice.

Modules, in the order data flows through them:

* :mod:`~analyzer.export.issues`: read ``issues.json`` of an analysis folder (:func:`load_issues`), pick the issues to export.
* :mod:`~analyzer.export.tickets`: turn an issue into a :class:`Ticket` (title, priority rule, labels, component, quotes);
  :mod:`~analyzer.export.blocks`: the text of a ticket as blocks; :mod:`~analyzer.export.render`: those blocks as
  Markdown, plain text or Jira wiki.
* :mod:`~analyzer.export.jira`, :mod:`~analyzer.export.github`, :mod:`~analyzer.export.gitlab`,
  :mod:`~analyzer.export.zendesk`, :mod:`~analyzer.export.roundup`: payloads and clients per tracker;
  :mod:`~analyzer.export.files`: generic CSV, XLSX, JSON and Markdown files.
* :mod:`~analyzer.export.targets`: the registry of targets (``--to``) and the atomic writing of files.
* :mod:`~analyzer.export.http`: the HTTP client (timeouts, retries, ``Retry-After``, secrets scrubbed);
  :mod:`~analyzer.export.auth`: secrets, auth objects, scrubbing and URL checks.
* :mod:`~analyzer.export.credentials`: URLs and tokens from options, environment or keyring.
* :mod:`~analyzer.export.ledger`: the ``export_ledger`` table in the run's SQLite state file.
* :mod:`~analyzer.export.push`: search before create, update instead of duplicate, record after confirmation.
* :mod:`~analyzer.export.run`: one whole export (:func:`export_issues`), what ``analyze export`` calls;
  :mod:`~analyzer.cli.export` is the command.

Example:
    >>> from analyzer.export import Issue, build_tickets, get_target
    >>> [t.labels[0] for t in build_tickets([Issue("LOG-1", "complaint", "logistics", "Late delivery")])]
    ['customer-complaint']
"""

from __future__ import annotations

import importlib
from typing import Any

# Names are loaded on first use: the CLI imports this package to register its command, and `analyze --help`
# should not pay for pandas, requests or the analysis pipeline.
_WHERE = {
    "Issue": "issues", "load_issues": "issues", "select_issues": "issues", "store_path": "issues",
    "Entry": "ledger", "Ledger": "ledger",
    "PushFailed": "push", "PushReport": "push", "push": "push",
    "ExportRequest": "run", "ExportOutcome": "run", "export_issues": "run",
    "TARGETS": "targets", "PayloadOptions": "targets", "get_target": "targets", "write_export": "targets",
    "PriorityRule": "tickets", "Ticket": "tickets", "build_ticket": "tickets", "build_tickets": "tickets",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module 'analyzer.export' has no attribute {name!r}")
    return getattr(importlib.import_module(f"analyzer.export.{_WHERE[name]}"), name)
