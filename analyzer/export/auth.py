"""Credentials for the tracker clients: secrets that print as ``***``, auth objects, scrubbing, URLs without credentials.

Credentials reach :class:`~analyzer.export.http.HttpClient` as a ``requests`` auth object (so a
``.netrc`` never overrides them) together with the strings to scrub from every message: the
secret values and the encoded ``Authorization`` value.

Example:
    >>> auth, secrets = basic_auth("me@example.com", Secret("tok3n"))
    >>> scrub("user me@example.com, token tok3n", secrets)
    'user me@example.com, token ***'
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from analyzer.errors import UsageError

__all__ = ["HeaderAuth", "Secret", "basic_auth", "check_url", "header_auth", "scrub"]


class Secret:
    """A credential that prints as ``***``; :meth:`reveal` gives the value to the HTTP layer only.

    Example:
        >>> token = Secret("s3cr3t")
        >>> str(token), repr(token), f"{token}", token.reveal()
        ('***', 'Secret(***)', '***', 's3cr3t')
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The actual value."""
        return self._value

    def __str__(self) -> str:
        return "***"

    def __repr__(self) -> str:
        return "Secret(***)"

    def __format__(self, spec: str) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._value)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value (4 characters or more) in ``text`` with ``***``.

    Example:
        >>> scrub("Basic dXNlcjpwYXNz failed", ["dXNlcjpwYXNz", ""])
        'Basic *** failed'
    """
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class HeaderAuth(AuthBase):
    """Sets fixed authentication headers on each request (bearer tokens, ``PRIVATE-TOKEN``)."""

    def __init__(self, headers: Mapping[str, Secret]) -> None:
        self._headers = dict(headers)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Add the headers to the request."""
        for name, value in self._headers.items():
            request.headers[name] = value.reveal()
        return request

    def __repr__(self) -> str:
        return f"HeaderAuth({', '.join(self._headers)})"


def basic_auth(user: str, password: Secret) -> tuple[AuthBase, list[str]]:
    """An auth object for HTTP basic auth and the secret strings to scrub from messages.

    Example:
        >>> auth, secrets = basic_auth("me@example.com", Secret("tok3n"))
        >>> secrets[0], secrets[1] == base64.b64encode(b"me@example.com:tok3n").decode()
        ('tok3n', True)
    """
    value = password.reveal()
    encoded = base64.b64encode(f"{user}:{value}".encode()).decode()
    return requests.auth.HTTPBasicAuth(user, value), [value, encoded]


def header_auth(headers: Mapping[str, Secret]) -> tuple[AuthBase, list[str]]:
    """An auth object that sets the given headers, and the secret strings to scrub.

    Example:
        >>> auth, secrets = header_auth({"Authorization": Secret("Bearer abcd")})
        >>> secrets
        ['Bearer abcd', 'abcd']
    """
    secrets: list[str] = []
    for value in headers.values():
        secrets.append(value.reveal())
        secrets.extend(part for part in value.reveal().split() if len(part) >= 4 and part.lower() not in ("bearer", "basic", "token"))
    return HeaderAuth(headers), secrets


def check_url(url: str, option: str = "--url") -> str:
    """Return the base URL without a trailing slash, or raise :class:`UsageError` (never repeating credentials).

    Example:
        >>> check_url("https://example.atlassian.net/")
        'https://example.atlassian.net'
        >>> check_url("https://me:pw@example.org")
        Traceback (most recent call last):
        ...
        analyzer.errors.UsageError: --url: holds credentials; give them with the token and user options or environment variables instead
    """
    parts = urlsplit(url.strip())
    if parts.username or parts.password:
        raise UsageError(f"{option}: holds credentials; give them with the token and user options or environment variables instead")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option}: {url.strip()!r} is not an http(s) URL; expected e.g. https://example.atlassian.net")
    return url.strip().rstrip("/")
