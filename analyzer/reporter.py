"""How the library tells its caller what it is doing, without printing or exiting itself.

The CLI passes a reporter that draws rich progress bars; Python callers get
:class:`NullReporter` unless they pass their own. Every message also lands in
the run log written next to the outputs (see :class:`RecordingReporter`).

Example:
    >>> rep = RecordingReporter()
    >>> rep.info("read 3 rows")
    >>> rep.lines[0].endswith("INFO read 3 rows")
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Protocol, TypeVar

T = TypeVar("T")


class Reporter(Protocol):
    """What a stage may call to report: messages, warnings and progress over an iterable."""

    def info(self, message: str) -> None:
        """Report a step or a decision (a guessed column, a detected encoding)."""

    def warn(self, message: str) -> None:
        """Report something the user should look at; the run goes on."""

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        """Yield ``items`` while showing progress of ``total`` steps."""


class NullReporter:
    """A reporter that says nothing; the default for library calls."""

    def info(self, message: str) -> None:
        """Ignore the message."""

    def warn(self, message: str) -> None:
        """Ignore the warning."""

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        """Yield the items unchanged."""
        yield from items


class RecordingReporter:
    """Keeps every message with a UTC timestamp and forwards it to an inner reporter.

    The pipeline wraps the caller's reporter in one of these so that the run
    log holds exactly what the user was told.
    """

    def __init__(self, inner: Reporter | None = None) -> None:
        self.inner: Reporter = inner if inner is not None else NullReporter()
        self.lines: list[str] = []

    def _record(self, level: str, message: str) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        self.lines.append(f"{stamp} {level} {message}")

    def info(self, message: str) -> None:
        """Record and forward an informational message."""
        self._record("INFO", message)
        self.inner.info(message)

    def warn(self, message: str) -> None:
        """Record and forward a warning."""
        self._record("WARN", message)
        self.inner.warn(message)

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        """Forward progress tracking to the inner reporter."""
        return self.inner.track(items, total, description)

