"""One HTTP client for every tracker: timeouts, retries with backoff, ``Retry-After``, secrets kept out of every message.

Retry policy:

* **429** (and GitHub's 403 with ``x-ratelimit-remaining: 0``) is retried for
  any method: the tracker did not act on the request. The wait is what
  ``Retry-After`` (seconds or an HTTP date) or ``x-ratelimit-reset`` asks
  for, else exponential backoff. A wait longer than ``max_wait`` is not
  slept: the push stops with a message saying how long the tracker asked to
  wait.
* **500, 502, 503, 504** and lost connections are retried only for requests
  that are safe to repeat (reads and searches). A create that failed that way
  may have been carried out, so it is never blindly repeated: the push stops,
  and the next run's search-before-create finds what was made. The one
  exception is a 503 with ``Retry-After`` (the tracker is in maintenance and
  says when to come back), which is retried for any method.
* A refused connection (nothing was sent) is retried for every method.

Credentials are sent through a ``requests`` auth object (so a ``.netrc`` never
overrides them) and every error message is scrubbed of the secret values and
of the encoded ``Authorization`` value (see :mod:`analyzer.export.auth`).
Nothing here logs headers or bodies.

Example:
    >>> answer = requests.Response(); answer.status_code = 429; answer.headers["Retry-After"] = "30"
    >>> retry_after_seconds(answer)
    30.0
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import requests
from requests.auth import AuthBase

from analyzer.errors import ExportError
from analyzer.export.auth import scrub

log = logging.getLogger("analyzer.export")

RETRY_STATUSES = frozenset({500, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TrackerError(ExportError):
    """A tracker refused or failed a request; ``fatal`` errors stop the whole push."""

    fatal = True

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TrackerUnavailable(TrackerError):
    """The tracker cannot be reached, timed out, or kept answering with server errors."""


class TrackerAuthError(TrackerError):
    """The tracker did not accept the credentials (401) or they lack a permission (403)."""


class TrackerRateLimited(TrackerError):
    """The tracker kept answering 429, or asked to wait longer than we are willing to."""


class TrackerRejected(TrackerError):
    """The tracker refused one request (400, 404, 409, 422): that item fails, the others go on."""

    fatal = False


def retry_after_seconds(response: requests.Response, now: Callable[[], float] = time.time) -> float | None:
    """How long the tracker asks to wait: ``Retry-After`` (seconds or HTTP date) or GitHub's ``x-ratelimit-reset``.

    Example:
        >>> r = requests.Response(); r.headers["Retry-After"] = "7"
        >>> retry_after_seconds(r)
        7.0
    """
    value = response.headers.get("Retry-After")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now())
    if response.headers.get("x-ratelimit-remaining") == "0" and response.headers.get("x-ratelimit-reset", "").isdigit():
        return max(0.0, float(response.headers["x-ratelimit-reset"]) - now())
    return None


def _is_rate_limited(response: requests.Response) -> bool:
    return response.status_code == 429 or (response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0")


def body_message(response: requests.Response, limit: int = 300) -> str:
    """The tracker's own error text from a response body (Jira, GitHub, GitLab, Zendesk, Roundup shapes), on one line.

    Example:
        >>> r = requests.Response(); r.status_code = 400
        >>> r._content = b'{"errorMessages": [], "errors": {"labels": "Field cannot be set"}}'
        >>> body_message(r)
        'labels: Field cannot be set'
    """
    try:
        data: Any = response.json()
    except ValueError:
        data = response.text
    parts = _messages(data)
    text = " ".join("; ".join(p for p in parts if p).split())
    if not text:
        text = " ".join(str(response.reason or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _messages(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data[:300]]
    if isinstance(data, list):
        return [m for item in data for m in _messages(item)]
    if not isinstance(data, dict):
        return []
    found: list[str] = []
    for key in ("errorMessages", "message", "msg", "error", "description", "title"):
        value = data.get(key)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found += [m for item in value for m in _messages(item)]
        elif isinstance(value, dict):
            found += _messages(value)
    for key in ("errors", "details"):
        value = data.get(key)
        if isinstance(value, dict):
            found += [f"{field}: {'; '.join(_messages(msg)) if not isinstance(msg, str) else msg}" for field, msg in value.items()]
        elif isinstance(value, list):
            found += [m for item in value for m in _messages(item)]
    return found


class HttpClient:
    """A requests session bound to one tracker: base URL, credentials, timeouts and the retry policy above.

    Args:
        base_url: the tracker's base URL (no credentials in it).
        name: the tracker's name for messages, e.g. ``"Jira"``.
        auth: a requests auth object (see :func:`basic_auth`, :func:`header_auth`).
        secrets: strings to scrub from every message.
        credential_hint: what to check on a 401, e.g. ``"JIRA_EMAIL and JIRA_TOKEN"`` (names, never values).
        headers: extra headers for every request.
        timeout: seconds to wait for an answer (connecting waits at most 10 s of it).
        retries: how many times a request is repeated after the first try.
        backoff: first backoff wait in seconds; it doubles each retry, up to 30 s.
        max_wait: the longest wait a ``Retry-After`` may ask for before the push gives up.
        min_interval: seconds to keep between two writes (GitHub asks for 1 s between creates).
        sleep: the sleeping function (tests pass a recorder).
        session: a ready session (tests); a new one otherwise.

    Example:
        >>> client = HttpClient("https://tracker.example", name="Tracker")
        >>> client.url("rest/data/issue"), client.url("https://other.example/x")
        ('https://tracker.example/rest/data/issue', 'https://other.example/x')
    """

    def __init__(
        self,
        base_url: str,
        *,
        name: str,
        auth: AuthBase | None = None,
        secrets: Iterable[str] = (),
        credential_hint: str = "the credentials",
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        max_wait: float = 120.0,
        min_interval: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.secrets = [s for s in secrets if s]
        self.credential_hint = credential_hint
        self.timeout = (min(10.0, timeout), timeout)
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.min_interval = min_interval
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.auth = auth
        self.session.headers.update({"Accept": "application/json", "User-Agent": "feedback-analyzer-export"})
        self.session.headers.update(headers or {})
        self._last_write = 0.0
        self.waits: list[float] = []

    def url(self, path: str) -> str:
        """An absolute URL for a path relative to the base URL (absolute URLs pass through)."""
        if path.startswith(("http://", "https://")):
            return path
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def _fail(self, cls: type[TrackerError], message: str, status: int | None = None) -> TrackerError:
        return cls(scrub(f"{self.name} at {self.base_url}: {message}", self.secrets), status)

    def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        log.info("%s: waiting %.1f s before retrying", self.name, seconds)
        self.sleep(seconds)

    def request(self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None,
                ok: Iterable[int] = (), safe: bool | None = None, what: str = "request") -> requests.Response:
        """Send one request with the retry policy; return the response when its status is 2xx or in ``ok``.

        Args:
            method: HTTP method.
            path: path relative to the base URL, or an absolute URL (pagination links).
            json: JSON body.
            params: query parameters.
            ok: non-2xx statuses the caller handles itself (Jira bulk answers 400 with per-item errors).
            safe: whether repeating the request cannot do anything twice; default: true for GET/HEAD/OPTIONS.
            what: what the request does, for messages ("search", "create").

        Raises:
            TrackerUnavailable: no connection, a timeout, or server errors after the retries.
            TrackerAuthError: 401 or 403.
            TrackerRateLimited: 429 after the retries, or a wait longer than ``max_wait``.
            TrackerRejected: any other 4xx.
        """
        method = method.upper()
        safe = method in SAFE_METHODS if safe is None else safe
        accepted = set(ok)
        url = self.url(path)
        attempt = 0
        while True:
            if not safe and self.min_interval:
                gap = self._last_write + self.min_interval - time.monotonic()
                if gap > 0:
                    self.sleep(gap)
            log.debug("%s %s %s (attempt %d)", self.name, method, url.split("?")[0], attempt + 1)
            try:
                response = self.session.request(method, url, json=json, params=params, timeout=self.timeout)
            except requests.exceptions.ConnectionError as error:
                # Nothing was sent when the connection itself failed; a dropped connection may have carried the request.
                refused = isinstance(error, requests.exceptions.ConnectTimeout) or "NewConnectionError" in repr(error) \
                    or "Connection refused" in str(error)
                if attempt < self.retries and (safe or refused):
                    attempt += 1
                    self._wait(self._backoff(attempt))
                    continue
                reason = "connection refused" if refused else "the connection failed"
                raise self._fail(TrackerUnavailable, f"{reason} during {what} after {attempt + 1} tries; "
                                 "check the URL and that the tracker is up") from None
            except requests.exceptions.Timeout:
                if attempt < self.retries and safe:
                    attempt += 1
                    self._wait(self._backoff(attempt))
                    continue
                raise self._fail(TrackerUnavailable, f"no answer within {self.timeout[1]:g} s during {what}; "
                                 "try again later or raise --timeout") from None
            finally:
                if not safe:
                    self._last_write = time.monotonic()
            status = response.status_code
            if 200 <= status < 300 or status in accepted:
                return response
            if _is_rate_limited(response):
                asked = retry_after_seconds(response)
                wait = asked if asked is not None else self._backoff(attempt + 1)
                if asked is not None and asked > self.max_wait:
                    raise self._fail(TrackerRateLimited, f"rate limited during {what}; the tracker asks to wait {asked:.0f} s, "
                                     f"longer than {self.max_wait:.0f} s; run the same command again later", status)
                if attempt < self.retries:
                    attempt += 1
                    self._wait(wait)
                    continue
                raise self._fail(TrackerRateLimited, f"still rate limited (429) during {what} after {attempt + 1} tries; "
                                 "run the same command again later", status)
            if status in RETRY_STATUSES and (safe or (status == 503 and retry_after_seconds(response) is not None)):
                if attempt < self.retries:
                    attempt += 1
                    asked = retry_after_seconds(response)
                    self._wait(min(asked, self.max_wait) if asked is not None else self._backoff(attempt))
                    continue
            message = body_message(response)
            if status == 401:
                raise self._fail(TrackerAuthError, f"401 Unauthorized during {what}; check {self.credential_hint}", status)
            if status == 403:
                raise self._fail(TrackerAuthError, f"403 Forbidden during {what} ({message}); the account lacks a permission "
                                 "or the token a scope", status)
            if status >= 500:
                tries = f" after {attempt + 1} tries" if attempt else ""
                raise self._fail(TrackerUnavailable, f"{status} {response.reason or 'server error'} during {what}{tries} ({message})", status)
            raise self._fail(TrackerRejected, f"{status} during {what}: {message}", status)

    def _backoff(self, attempt: int) -> float:
        return min(30.0, self.backoff * (2 ** (attempt - 1)))

    def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET and decode JSON."""
        return self._json(self.request("GET", path, **kwargs), kwargs.get("what", "request"))

    def send_json(self, method: str, path: str, body: Any, **kwargs: Any) -> Any:
        """Send a JSON body and decode the JSON answer."""
        return self._json(self.request(method, path, json=body, **kwargs), kwargs.get("what", "request"))

    def _json(self, response: requests.Response, what: str) -> Any:
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise self._fail(TrackerUnavailable, f"answered {what} with something that is not JSON "
                             f"({response.headers.get('Content-Type', 'no content type')}); check the URL", response.status_code) from None


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second.

    Example:
        >>> now_iso().endswith("+00:00")
        True
    """
    return datetime.now(UTC).isoformat(timespec="seconds")
