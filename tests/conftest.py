"""Shared fixtures: paths to the sample and golden files, and a helper to write small inputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = ROOT / "data" / "samples" / "comments.csv"


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
    from analyzer.labels import read_labeled
    from analyzer.modelio import save_model
    from analyzer.training import train

    folder = tmp_path_factory.mktemp("models") / "small"
    save_model(train(read_labeled(small_labeled), cv=3), folder)
    return folder
