"""Shared fixtures: paths to the sample and golden files, and a helper to write small inputs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = ROOT / "data" / "samples" / "comments.csv"

# Property tests draw the same examples on every run by default, so a run's verdict does not depend on luck.
# HYPOTHESIS_PROFILE=explore draws fresh random examples, EXPLORE_FACTOR times as many, to search for new failures;
# a failure it finds prints the example, which becomes a plain regression test.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
EXPLORE_FACTOR = 20


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``slow`` run only when ``-m`` selects them (``pytest -m slow``)."""
    expression = item.config.getoption("markexpr") or ""
    if item.get_closest_marker("slow") and ("slow" not in expression or "not slow" in expression):
        pytest.skip("long run: select it with pytest -m slow")


def examples(n: int) -> int:
    """``n`` examples for a property test, scaled up under the explore profile."""
    return n * EXPLORE_FACTOR if settings.get_current_profile_name() == "explore" else n


@pytest.fixture
def sample_csv() -> Path:
    return SAMPLE


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes | str, str], Path]:
    """Write ``content`` (bytes, or text in ``encoding``) to ``tmp_path/name`` and return the path."""

    def write(name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


LABELED = ROOT / "data" / "samples" / "labeled.csv"


@pytest.fixture(scope="session")
def small_labeled(tmp_path_factory) -> Path:
    """Every fifth row of the shipped labeled sample: all touchpoints and languages, quick to train on."""
    import pandas as pd

    frame = pd.read_csv(LABELED, dtype=str, keep_default_na=False).iloc[::5]
    path = tmp_path_factory.mktemp("labeled") / "small.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def small_model(tmp_path_factory, small_labeled):
    """A model trained on :func:`small_labeled` and saved; returns its folder."""
    from analyzer.classify.labels import read_labeled
    from analyzer.classify.modelio import save_model
    from analyzer.classify.training import train

    folder = tmp_path_factory.mktemp("models") / "small"
    save_model(train(read_labeled(small_labeled), cv=3), folder)
    return folder
