"""Import hygiene: no import cycles among analyzer's modules, and ``analyze export`` / ``analyze issues`` stay light.

The checks are those of ``python -m analyzer.devtools.imports``; the synthetic
packages below show that each check can fail.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from analyzer.devtools.command_imports import FORBIDDEN, CommandImports, parse_importtime, profile_command
from analyzer.devtools.import_graph import check_cycles, describe_cycle, find_cycles


def _package(root: Path, files: dict[str, str]) -> Path:
    """A package folder named ``analyzer`` under ``root`` holding ``files`` (relative path -> source)."""
    package = root / "analyzer"
    for name, source in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return package


def test_imports_no_cycles_among_analyzer_modules() -> None:
    cycles, edges, count = check_cycles()
    assert count > 20
    assert cycles == [], "import cycles (python -m analyzer.devtools.imports --cycles-only):\n" + "\n".join(
        line for cycle in cycles for line in describe_cycle(cycle, edges))


def test_imports_synthetic_cycle_through_a_lazy_import_is_found(tmp_path) -> None:
    package = _package(tmp_path, {
        "a.py": "from analyzer import b\n",                       # `from package import submodule`
        "b.py": "def later():\n    import analyzer.a\n",           # inside a function: counts too
        "c.py": "from analyzer.a import something\n",             # depends on a, but nothing depends on c
    })
    cycles, edges, count = check_cycles(package)
    assert count == 4
    assert cycles == [["analyzer.a", "analyzer.b", "analyzer.a"]]
    lines = describe_cycle(cycles[0], edges)
    assert lines[0] == "analyzer.a -> analyzer.b -> analyzer.a"
    assert "analyzer/b.py:2 (in later())" in lines[2]


def test_imports_synthetic_cycle_through_a_package_init_is_found(tmp_path) -> None:
    package = _package(tmp_path, {
        "pkg/__init__.py": "from analyzer.pkg.mod import thing\n",
        "pkg/mod.py": "import analyzer.x\n",
        "pkg/other.py": "",
        "x.py": "def later():\n    from analyzer.pkg.other import helper\n",  # runs analyzer/pkg/__init__.py first
    })
    cycles, edges, _ = check_cycles(package)
    assert cycles == [["analyzer.pkg", "analyzer.pkg.mod", "analyzer.x", "analyzer.pkg"]]
    assert "(package of analyzer.pkg.other, in later())" in describe_cycle(cycles[0], edges)[3]


def test_imports_sibling_import_under_a_reexporting_init_is_no_cycle_unless_asked(tmp_path) -> None:
    package = _package(tmp_path, {
        "pkg/__init__.py": "from analyzer.pkg.mod import thing\n",
        "pkg/mod.py": "from .other import helper\n",           # relative: analyzer.pkg.other; analyzer.pkg is already running
        "pkg/other.py": "",
    })
    assert check_cycles(package)[0] == []
    assert check_cycles(package, own_packages=True)[0] == [["analyzer.pkg", "analyzer.pkg.mod", "analyzer.pkg"]]


def test_imports_type_checking_imports_never_run(tmp_path) -> None:
    package = _package(tmp_path, {
        "a.py": "from analyzer import b\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from analyzer.a import A\n",
    })
    assert check_cycles(package)[0] == []
    assert check_cycles(package, type_checking=True)[0] == [["analyzer.a", "analyzer.b", "analyzer.a"]]


def test_imports_find_cycles_gives_the_shortest_cycle_per_module() -> None:
    graph = {"a": {"b"}, "b": {"c", "a"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert find_cycles(graph) == [["d", "d"], ["a", "b", "a"], ["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_forbidden_library_is_reported_with_its_chain() -> None:
    stderr = ("import time: self [us] | cumulative | imported package\n"
              "import time:       100 |        100 |       spacy\n"
              "import time:        10 |        110 |     analyzer.text.segment\n"
              "import time:        10 |        120 |   analyzer.export.files\n")
    result = CommandImports("export", ["analyze", "export"], 0, parse_importtime(stderr), "", 0.1)
    assert result.violations() == ["analyze export imports spacy: analyzer.export.files -> analyzer.text.segment -> spacy"]


@pytest.mark.parametrize("command", ["export", "issues list"])
def test_imports_light_commands_never_import_nlp_or_sklearn(command) -> None:
    result = profile_command(command)
    assert result is not None
    assert result.returncode == 0, result.output
    assert result.nodes, "python -X importtime reported nothing"
    violations = result.violations()
    assert violations == [], f"analyze {command} must not import {', '.join(FORBIDDEN[command.split()[0]])}:\n" + "\n".join(violations)
    assert result.entries("typer")  # the import trace covers the whole command, CLI included
