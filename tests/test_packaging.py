"""The package as installed: the default model travels with it, the wheel holds what the code needs and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from analyzer.classify.modelio import CARD_FILE, MODEL_FILE, default_model_dir
from analyzer.devtools.wheel import REQUIRED, build_wheel, copy_source, wheel_names, wheel_problems

from .conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_packaging_default_model_dir_holds_the_shipped_model(monkeypatch) -> None:
    monkeypatch.delenv("ANALYZER_MODEL", raising=False)
    folder = default_model_dir()
    assert folder.name == "default"
    assert (folder / CARD_FILE).is_file()
    assert (folder / MODEL_FILE).is_file()


def test_packaging_analyzer_model_env_wins(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ANALYZER_MODEL", str(tmp_path))
    assert default_model_dir() == tmp_path


def test_packaging_lists_every_analyzer_package() -> None:
    """pyproject lists the packages (a find directive cannot take package-dir's analyzer._models): they must be what
    ``find: include = ["analyzer*"]`` would find, plus analyzer._models, and tests must stay out."""
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "analyzer").rglob("__init__.py") if "__pycache__" not in init.parts}
    listed = set(SETUPTOOLS["packages"])
    assert found - listed == set(), f"add these packages to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    data_folders = {name for name in listed - found if (ROOT / Path(*name.split("."))).is_dir()
                    and not any((ROOT / Path(*name.split("."))).glob("*.py"))}
    extra = listed - found - data_folders - {"analyzer._models", "analyzer._models.default"}
    assert extra == set(), f"pyproject.toml lists packages that do not exist: {sorted(extra)}"
    assert not any(name == "tests" or name.startswith("tests.") for name in listed)


def test_packaging_no_module_outside_a_package() -> None:
    """A folder of modules without __init__.py would be left out of the wheel (the package list names regular packages only)."""
    orphans = sorted({path.parent.relative_to(ROOT).as_posix() for path in (ROOT / "analyzer").rglob("*.py")
                      if "__pycache__" not in path.parts and not (path.parent / "__init__.py").is_file()})
    assert orphans == [], f"give these folders an __init__.py: {orphans}"


def test_packaging_models_folder_is_the_models_package() -> None:
    assert SETUPTOOLS["package-dir"] == {"analyzer._models": "models"}
    assert SETUPTOOLS["package-data"]["analyzer._models"] == ["default/*"]
    assert (ROOT / "models" / "__init__.py").is_file()
    assert {path.name for path in (ROOT / "models" / "default").iterdir()} >= {CARD_FILE, MODEL_FILE}


def test_packaging_wheel_problems_are_named() -> None:
    assert wheel_problems(REQUIRED) == []
    problems = wheel_problems(["analyzer/__init__.py", "tests/test_cli.py", "models/default/model.skops"])
    assert "missing analyzer/_models/default/model.skops" in problems
    assert "holds tests/test_cli.py" in problems and "holds models/default/model.skops" in problems


@pytest.mark.slow
def test_packaging_wheel_holds_package_data_and_model_not_tests(tmp_path) -> None:
    wheel = build_wheel(tmp_path / "dist", ROOT)
    names = wheel_names(wheel)
    for name in ("analyzer/classify/taxonomy.toml", "analyzer/report/templates/report.html.j2",
                 "analyzer/_models/default/model.skops", "analyzer/_models/default/model_card.json",
                 "analyzer/devtools/imports.py", "analyzer/cli/app.py"):
        assert name in names
    assert not [name for name in names if name.startswith("tests/")]
    assert wheel_problems(names) == []
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "analyzer.cli.app:app" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_packaging_editable_install_finds_the_default_model(tmp_path) -> None:
    """``pip install -e .`` (setuptools' editable finder) resolves analyzer._models to the checkout's models/ from any folder.

    The editable install goes into a fresh virtual environment without dependencies; the running
    environment's site-packages is then added as a plain path (so its own .pth files do not run)
    to lend it the dependencies.
    """
    source = copy_source(tmp_path / "src", ROOT)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "ANALYZER_MODEL", "VIRTUAL_ENV")}
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(source)], check=True, env=env)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, env=env,
                          capture_output=True, text=True).stdout.strip()
    (Path(site) / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = ("import importlib.util; from analyzer.classify.modelio import default_model_dir; "
              "print(importlib.util.find_spec('analyzer._models').origin); print(default_model_dir())")
    done = subprocess.run([str(python), "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    origin, folder = done.stdout.split()
    assert Path(origin) == source / "models" / "__init__.py"
    assert Path(folder) == source / "models" / "default"
    assert (Path(folder) / CARD_FILE).is_file()
