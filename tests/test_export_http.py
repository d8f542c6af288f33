"""The export HTTP client: retries and backoff, Retry-After, what is never repeated, clear errors without secrets."""

from __future__ import annotations

import email.utils
import time

import pytest
import requests
import responses

from analyzer.export.auth import Secret, basic_auth, header_auth
from analyzer.export.credentials import resolve_connection
from analyzer.export.http import (
    HttpClient,
    TrackerAuthError,
    TrackerRateLimited,
    TrackerRejected,
    TrackerUnavailable,
)

from .roundup_server import free_port

BASE = "https://tracker.example"
TOKEN = "tok-SECRET-4242"


def _client(**kwargs) -> tuple[HttpClient, list[float]]:
    slept: list[float] = []
    base = kwargs.pop("base", BASE)
    auth, secrets = header_auth({"Authorization": Secret(f"Bearer {TOKEN}")})
    settings = {"name": "Tracker", "auth": auth, "secrets": secrets, "credential_hint": "TRACKER_TOKEN (or --token)",
                "sleep": slept.append, "backoff": 0.5, **kwargs}
    return HttpClient(base, **settings), slept


@responses.activate
def test_export_http_429_waits_as_retry_after_says() -> None:
    responses.post(f"{BASE}/x", status=429, headers={"Retry-After": "7"})
    responses.post(f"{BASE}/x", status=201, json={"ok": True})
    client, slept = _client()
    assert client.send_json("POST", "x", {}, safe=False) == {"ok": True}
    assert slept == [7.0] and len(responses.calls) == 2


@responses.activate
def test_export_http_retry_after_as_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    responses.get(f"{BASE}/x", status=429, headers={"Retry-After": when})
    responses.get(f"{BASE}/x", json={})
    client, slept = _client()
    client.get_json("x")
    assert len(slept) == 1 and 25 <= slept[0] <= 31


@responses.activate
def test_export_http_github_rate_limit_403_waits_until_reset() -> None:
    reset = str(int(time.time()) + 10)
    responses.get(f"{BASE}/x", status=403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset})
    responses.get(f"{BASE}/x", json=[])
    client, slept = _client()
    client.get_json("x")
    assert len(slept) == 1 and 8 <= slept[0] <= 11


@responses.activate
def test_export_http_too_long_a_wait_is_not_slept() -> None:
    responses.post(f"{BASE}/x", status=429, headers={"Retry-After": "3600"})
    client, slept = _client(max_wait=120)
    with pytest.raises(TrackerRateLimited) as caught:
        client.request("POST", "x", safe=False, what="bulk create")
    assert str(caught.value) == ("Tracker at https://tracker.example: rate limited during bulk create; the tracker asks to wait 3600 s, "
                                 "longer than 120 s; run the same command again later")
    assert slept == []


@responses.activate
def test_export_http_429_forever_gives_up_after_the_retries() -> None:
    responses.get(f"{BASE}/x", status=429)
    client, slept = _client(retries=3)
    with pytest.raises(TrackerRateLimited, match=r"still rate limited \(429\) during search after 4 tries"):
        client.request("GET", "x", what="search")
    assert slept == [0.5, 1.0, 2.0]


@responses.activate
def test_export_http_server_errors_are_retried_only_when_safe() -> None:
    responses.get(f"{BASE}/x", status=502)
    responses.get(f"{BASE}/x", json={"fine": 1})
    client, slept = _client()
    assert client.get_json("x") == {"fine": 1} and slept == [0.5]
    responses.post(f"{BASE}/y", status=500, json={"errorMessages": ["Internal server error"]})
    with pytest.raises(TrackerUnavailable) as caught:
        client.request("POST", "y", safe=False, what="bulk create of 50 issues")
    assert str(caught.value) == "Tracker at https://tracker.example: 500 Internal Server Error during bulk create of 50 issues (Internal server error)"
    assert [c.request.url for c in responses.calls].count(f"{BASE}/y") == 1  # a create that may have happened is never repeated


@responses.activate
def test_export_http_503_with_retry_after_is_retried_even_for_a_create() -> None:
    responses.post(f"{BASE}/x", status=503, headers={"Retry-After": "2"})
    responses.post(f"{BASE}/x", status=201, json={"id": 1})
    client, slept = _client()
    assert client.send_json("POST", "x", {}, safe=False) == {"id": 1} and slept == [2.0]


@responses.activate
def test_export_http_401_names_the_variables_never_the_token() -> None:
    responses.get(f"{BASE}/x", status=401, json={"message": f"Bad credentials for Bearer {TOKEN}"})
    client, _ = _client()
    with pytest.raises(TrackerAuthError) as caught:
        client.request("GET", "x", what="search")
    assert str(caught.value) == "Tracker at https://tracker.example: 401 Unauthorized during search; check TRACKER_TOKEN (or --token)"
    assert caught.value.exit_code == 5


@responses.activate
def test_export_http_tracker_messages_are_scrubbed_of_secrets() -> None:
    responses.post(f"{BASE}/x", status=422, json={"message": "Validation failed", "errors": [{"message": f"token {TOKEN} echoed"}]})
    client, _ = _client()
    with pytest.raises(TrackerRejected) as caught:
        client.request("POST", "x", safe=False, what="create")
    assert TOKEN not in str(caught.value) and "token *** echoed" in str(caught.value)
    assert caught.value.fatal is False


@responses.activate
def test_export_http_basic_auth_header_value_is_scrubbed() -> None:
    auth, secrets = basic_auth("me@example.com", Secret(TOKEN))
    encoded = secrets[1]
    responses.get(f"{BASE}/x", status=400, body=f"bad header Basic {encoded}")
    client = HttpClient(BASE, name="Jira", auth=auth, secrets=secrets, sleep=lambda s: None)
    with pytest.raises(TrackerRejected) as caught:
        client.request("GET", "x")
    assert encoded not in str(caught.value) and TOKEN not in str(caught.value)
    assert responses.calls[0].request.headers["Authorization"] == f"Basic {encoded}"


def test_export_http_tracker_down_is_a_clear_error() -> None:
    port = free_port()  # nothing listens there
    client, slept = _client(base=f"http://127.0.0.1:{port}", retries=2)
    with pytest.raises(TrackerUnavailable) as caught:
        client.request("POST", "rest/data/issue", safe=False, what="create of LOG-1")
    assert str(caught.value) == (f"Tracker at http://127.0.0.1:{port}: connection refused during create of LOG-1 after 3 tries; "
                                 "check the URL and that the tracker is up")
    assert slept == [0.5, 1.0]  # nothing was sent, so even a create is tried again


@responses.activate
def test_export_http_timeout_of_a_create_is_not_repeated() -> None:
    responses.post(f"{BASE}/x", body=requests.exceptions.ReadTimeout("read timed out"))
    client, slept = _client(timeout=5)
    with pytest.raises(TrackerUnavailable, match=r"no answer within 5 s during create; try again later or raise --timeout"):
        client.request("POST", "x", safe=False, what="create")
    assert slept == [] and len(responses.calls) == 1


@responses.activate
def test_export_http_netrc_never_replaces_the_token(tmp_path, monkeypatch) -> None:
    (tmp_path / ".netrc").write_text("machine tracker.example login other password other-pass\n")
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    responses.get(f"{BASE}/x", json={})
    client, _ = _client()
    client.get_json("x")
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_export_http_credentials_order_and_keyring(monkeypatch) -> None:
    env = {"JIRA_URL": "https://site.example", "JIRA_TOKEN": "env-token", "JIRA_EMAIL": "me@site.example"}
    conn = resolve_connection("jira", token="option-token", environ=env, keyring_get=lambda f: "keyring-token")
    assert conn.token is not None and conn.token.reveal() == "option-token" and conn.user == "me@site.example"
    conn = resolve_connection("jira", environ=env, keyring_get=lambda f: "keyring-token")
    assert conn.token is not None and conn.token.reveal() == "env-token"
    conn = resolve_connection("jira", environ={"JIRA_URL": "https://site.example"}, keyring_get=lambda f: "keyring-token")
    assert conn.token is not None and conn.token.reveal() == "keyring-token"
    assert "keyring-token" not in repr(conn)


def test_export_http_keyring_without_backend_fails_soft(monkeypatch) -> None:
    import keyring
    import keyring.errors

    from analyzer.errors import UsageError
    from analyzer.export.credentials import keyring_token

    def no_backend(*args):
        raise keyring.errors.NoKeyringError("No recommended backend was available")

    monkeypatch.setattr(keyring, "get_password", no_backend)
    assert keyring_token("jira") is None
    with pytest.raises(UsageError) as caught:
        resolve_connection("roundup", url="http://127.0.0.1:9/", user="admin", environ={})
    assert str(caught.value) == "--token: no roundup credentials; set ROUNDUP_PASSWORD, pass --token, or store one with: keyring set feedback-analyzer roundup"
