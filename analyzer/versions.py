"""Library versions for run summaries and model cards.

Example:
    >>> package_versions(["pandas"])["pandas"] != "not installed"
    True
"""

from __future__ import annotations

import platform
from collections.abc import Iterable
from importlib import metadata

from analyzer import __version__


def package_versions(packages: Iterable[str]) -> dict[str, str]:
    """The analyzer's and Python's versions, then each package's (``not installed`` when absent).

    Example:
        >>> package_versions(["no-such-package-xyz"])["no-such-package-xyz"]
        'not installed'
    """
    versions = {"analyzer": __version__, "python": platform.python_version()}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions
