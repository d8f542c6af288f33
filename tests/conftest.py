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
