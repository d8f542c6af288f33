"""The README's promises: two set-up commands, and CI running exactly the README's test command."""

from __future__ import annotations

import re

from .conftest import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", section)


def test_docs_readme_has_two_setup_commands() -> None:
    run, test = _readme_commands()
    assert "analyze data/samples/comments.csv" in run
    assert "pytest" in test


def test_docs_ci_runs_the_readme_test_command() -> None:
    _, test = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in ci
