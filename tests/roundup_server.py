"""A real Roundup tracker for end-to-end export tests: installed in a temp folder, served in-process on 127.0.0.1.

``roundup-admin install classic sqlite`` then ``initialise`` (as a subprocess:
``AdminTool().main()`` takes no argv), then ``wsgiref`` serves Roundup's WSGI
dispatcher from a daemon thread on a free port. Password hashing is set to
1,000 PBKDF2 rounds so that each authenticated request takes milliseconds
instead of about 0.2 s (test tracker only).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests

ADMIN, PASSWORD = "admin", "admin-secret-7Qx"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RoundupServer:
    url: str
    home: Path
    user: str
    password: str
    httpd: WSGIServer
    thread: threading.Thread

    def session(self) -> requests.Session:
        """A session logged in as admin with the headers Roundup's REST API wants."""
        session = requests.Session()
        session.auth = (self.user, self.password)
        parts = urlsplit(self.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        session.headers.update({"X-Requested-With": "rest", "Origin": origin, "Referer": self.url + "/", "Accept": "application/json"})
        return session

    def issues(self, fields: str = "title,priority,status,keyword,messages") -> list[dict[str, Any]]:
        """Every issue with keyword names (verbose), read back through REST."""
        answer = self.session().get(f"{self.url}/rest/data/issue", params={"@fields": fields, "@verbose": 2, "@page_size": 1000}, timeout=30)
        answer.raise_for_status()
        return answer.json()["data"]["collection"]

    def issues_with_keyword(self, name: str) -> list[dict[str, Any]]:
        return [i for i in self.issues() if name in {k.get("name") for k in i.get("keyword") or []}]

    def message(self, msg_id: str) -> str:
        answer = self.session().get(f"{self.url}/rest/data/msg/{msg_id}/content", timeout=30)
        answer.raise_for_status()
        return answer.json()["data"]["data"]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start_roundup(folder: Path) -> RoundupServer:
    """Install, initialise and serve a classic Roundup tracker in ``folder``; stop it with ``.stop()``."""
    from roundup.cgi.wsgi_handler import RequestDispatcher

    home = folder / "tracker"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    admin = [sys.executable, "-m", "roundup.scripts.roundup_admin", "-i", str(home)]
    settings = f"tracker_web={base}/,mail_domain=localhost,mail_host=localhost,password_pbkdf2_default_rounds=1000"
    subprocess.run([*admin, "install", "classic", "sqlite", settings], check=True, capture_output=True, timeout=120)
    subprocess.run([*admin, "initialise", PASSWORD], check=True, capture_output=True, timeout=120)
    httpd = make_server("127.0.0.1", port, RequestDispatcher(str(home)), handler_class=_QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, name="roundup-test-server", daemon=True)
    thread.start()
    return RoundupServer(base, home, ADMIN, PASSWORD, httpd, thread)


@contextmanager
def running_roundup(folder: Path) -> Iterator[RoundupServer]:
    """A Roundup tracker served from ``folder`` for the block (the test is skipped when roundup cannot be imported)."""
    import pytest

    try:
        import roundup.cgi.wsgi_handler  # noqa: F401
    except ImportError as error:  # pragma: no cover - roundup is in the test extra
        pytest.skip(f"roundup cannot be imported ({error}); install the test extra: pip install -e '.[test]'")
    server = start_roundup(folder)
    try:
        yield server
    finally:
        server.stop()
