"""Where tracker URLs, projects and credentials come from: options, then environment variables, then the keyring.

=========  ==============  ===================  ===============  ==================
tracker    URL             project              user             token / password
=========  ==============  ===================  ===============  ==================
jira       JIRA_URL        JIRA_PROJECT         JIRA_EMAIL       JIRA_TOKEN
github     GITHUB_API_URL  GITHUB_REPOSITORY    -                GITHUB_TOKEN
gitlab     GITLAB_URL      GITLAB_PROJECT       -                GITLAB_TOKEN
zendesk    ZENDESK_URL     -                    ZENDESK_EMAIL    ZENDESK_TOKEN
roundup    ROUNDUP_URL     -                    ROUNDUP_USER     ROUNDUP_PASSWORD
=========  ==============  ===================  ===============  ==================

GitHub defaults to ``https://api.github.com`` and GitLab to
``https://gitlab.com``. Jira with an e-mail uses Cloud basic auth
(``email:api_token``); without one the token is a Data Center personal
access token (``Bearer``). When no token is given or set, the system keyring
is asked for service ``feedback-analyzer``, user = the tracker name
(``keyring set feedback-analyzer jira``); a machine without a keyring backend
simply has none. Tokens are kept in :class:`~analyzer.export.auth.Secret`
objects that print as ``***``.

Example:
    >>> conn = resolve_connection("github", environ={"GITHUB_TOKEN": "ghp_x1y2", "GITHUB_REPOSITORY": "octo/shop"}, keyring_get=None)
    >>> conn.url, conn.project, str(conn.token)
    ('https://api.github.com', 'octo/shop', '***')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from analyzer.errors import UsageError
from analyzer.export.auth import Secret, check_url

KEYRING_SERVICE = "feedback-analyzer"
ENV: dict[str, dict[str, str]] = {
    "jira": {"url": "JIRA_URL", "project": "JIRA_PROJECT", "user": "JIRA_EMAIL", "token": "JIRA_TOKEN"},
    "github": {"url": "GITHUB_API_URL", "project": "GITHUB_REPOSITORY", "token": "GITHUB_TOKEN"},
    "gitlab": {"url": "GITLAB_URL", "project": "GITLAB_PROJECT", "token": "GITLAB_TOKEN"},
    "zendesk": {"url": "ZENDESK_URL", "user": "ZENDESK_EMAIL", "token": "ZENDESK_TOKEN"},
    "roundup": {"url": "ROUNDUP_URL", "user": "ROUNDUP_USER", "token": "ROUNDUP_PASSWORD"},
}
DEFAULT_URLS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com"}
NEEDS_USER = {"zendesk": "--user: Zendesk needs the agent's e-mail (or set ZENDESK_EMAIL)",
              "roundup": "--user: Roundup needs a user name (or set ROUNDUP_USER)"}


@dataclass(frozen=True)
class Connection:
    """Where to push and as whom; ``token`` never prints.

    Example:
        >>> "s3cret" in repr(Connection("jira", "https://x.example", "CX", "me@x.example", Secret("s3cret")))
        False
    """

    family: str
    url: str | None
    project: str | None = None
    user: str | None = None
    token: Secret | None = field(default=None, repr=False)


def keyring_token(family: str) -> str | None:
    """The token stored in the system keyring for a tracker, or None (also when there is no keyring backend).

    Example:
        >>> keyring_token("no-such-tracker-for-doctest") is None
        True
    """
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, family)
    except Exception:  # noqa: BLE001 - no backend, locked keyring, D-Bus missing: the keyring is optional
        return None


def token_hint(family: str) -> str:
    """Where a tracker's credentials are read from (names only), for messages.

    Example:
        >>> token_hint("jira")
        'JIRA_EMAIL and JIRA_TOKEN (or --user and --token)'
    """
    env = ENV[family]
    names = " and ".join(env[key] for key in ("user", "token") if key in env)
    options = " and ".join(option for key, option in (("user", "--user"), ("token", "--token")) if key in env)
    return f"{names} (or {options})"


def resolve_connection(
    family: str,
    *,
    url: str | None = None,
    project: str | None = None,
    user: str | None = None,
    token: str | None = None,
    environ: Mapping[str, str] | None = None,
    keyring_get: Callable[[str], str | None] | None = keyring_token,
    need_token: bool = True,
) -> Connection:
    """Fill in a connection from options, then environment variables, then the keyring.

    Raises:
        UsageError: the URL is missing or malformed, or a needed user or token is missing (the message names the variables).

    Example:
        >>> resolve_connection("jira", url="https://x.example", need_token=False, environ={}).url
        'https://x.example'
    """
    env = ENV[family]
    environ = os.environ if environ is None else environ

    def pick(key: str, given: str | None) -> str | None:
        if given:
            return given
        name = env.get(key)
        value = environ.get(name, "") if name else ""
        return value.strip() or None

    base = pick("url", url) or DEFAULT_URLS.get(family)
    if not base:
        raise UsageError(f"--url: {family} needs the tracker's URL (or set {env['url']}), e.g. --url https://example.atlassian.net")
    base = check_url(base)
    who = pick("user", user) if "user" in env else None
    secret = pick("token", token)
    if not secret and need_token and keyring_get is not None:
        secret = keyring_get(family)
    if need_token:
        if not secret:
            raise UsageError(f"--token: no {family} credentials; set {env['token']}, pass --token, "
                             f"or store one with: keyring set {KEYRING_SERVICE} {family}")
        if family in NEEDS_USER and not who:
            raise UsageError(NEEDS_USER[family])
    return Connection(family, base, pick("project", project), who, Secret(secret) if secret else None)
