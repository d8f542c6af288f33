"""Build the wheel and check that it works outside the source checkout.

``python -m analyzer.devtools.wheel`` (CI runs it, see ``.ci/run``):

1. copies the source tree (the files git does not ignore) to a temporary folder
   and builds the wheel there with ``pip wheel --no-deps``, so no ``build/``
   folder left by an earlier build can slip stale files into it and the
   checkout is left as it was;
2. checks what the wheel holds (:func:`wheel_problems`: the taxonomy, the report
   template, the default model; no tests, benchmarks or data);
3. installs it with its dependencies (from the package index; pip's cache makes
   that quick) into a fresh virtual environment in a temporary folder;
4. from another temporary folder, with ``PYTHONPATH`` and ``ANALYZER_MODEL``
   unset, runs ``analyze SAMPLE --out OUT --force`` and checks exit 0 and that
   ``comments.csv`` and ``issues.csv`` exist, then runs
   ``python -c "import analyzer; analyzer.analyze(SAMPLE)"`` and checks it
   returned comments and issues, using the package and the default model
   installed in that environment, not the checkout's.

Any failure prints the step, the command and its output, and exits 1.

Options: ``--wheel FILE`` checks a wheel built elsewhere, ``--sample FILE``
analyses another file, ``--keep`` keeps the temporary folder and prints it.

Example:
    >>> wheel_problems(REQUIRED)
    []
    >>> wheel_problems([*REQUIRED[:-1], "tests/test_cli.py"])
    ['missing analyzer/_models/default/model_card.json', 'holds tests/test_cli.py']
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

# Files the installed package cannot work without.
REQUIRED = (
    "analyzer/__init__.py",
    "analyzer/cli/app.py",
    "analyzer/classify/taxonomy.toml",
    "analyzer/report/templates/report.html.j2",
    "analyzer/_models/__init__.py",
    "analyzer/_models/default/model.skops",
    "analyzer/_models/default/model_card.json",
)
# Top-level folders of the source tree that must stay out of the wheel.
FORBIDDEN = ("tests/", "bench/", "data/", "docs/", "models/", ".ci/")
# Folders never copied for a build when git cannot say what it ignores.
_SKIP = {".git", ".venv", "venv", ".tox", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".mypy_cache"}
_BIN = "Scripts" if os.name == "nt" else "bin"
_LIBRARY_CHECK = """
import json, sys
import analyzer
from analyzer.classify.modelio import default_model_dir
result = analyzer.analyze(sys.argv[1])
print(json.dumps({"package": analyzer.__file__, "model": str(default_model_dir()),
                  "comments": len(result.comments), "issues": len(result.issues)}))
"""


class CheckFailed(Exception):
    """A step of the wheel check failed; the message says which, and what it printed."""


def source_root() -> Path:
    """The source checkout this ``analyzer`` package was imported from.

    Raises:
        CheckFailed: the package is not in a checkout (no ``pyproject.toml`` beside it).
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        raise CheckFailed(f"{root}: no pyproject.toml; run this from a source checkout (pip install -e .)")
    return root


def wheel_problems(names: Iterable[str]) -> list[str]:
    """What is wrong with a wheel holding the files ``names``: missing package files, source-tree folders that got in."""
    names = list(names)
    present = set(names)
    problems = [f"missing {name}" for name in REQUIRED if name not in present]
    problems += [f"holds {name}" for name in names if name.startswith(FORBIDDEN)]
    return problems


def wheel_names(wheel: Path) -> list[str]:
    """The paths of the files inside a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _source_files(root: Path) -> list[Path]:
    """The files of the source tree a build may use: what git tracks or would track, else all but caches and builds."""
    if (root / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                capture_output=True, check=False)
        if listed.returncode == 0:
            return [Path(name) for name in listed.stdout.decode().split("\0") if name and (root / name).is_file()]
    files = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in _SKIP and not name.endswith(".egg-info")]
        files += [(Path(folder) / name).relative_to(root) for name in names]
    return files


def copy_source(dest: Path, root: Path | None = None) -> Path:
    """Copy the source tree ``root`` (default: :func:`source_root`) to ``dest``, without caches, builds and ignored files."""
    root = root or source_root()
    for name in _source_files(root):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return dest


def _run(step: str, command: Sequence[str | Path], *, timeout: float, cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``command``; raise :class:`CheckFailed` with its output when it fails or times out."""
    argv = [str(part) for part in command]
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{step}: timed out after {timeout:.0f} s: {' '.join(argv)}") from None
    if done.returncode != 0:
        raise CheckFailed(f"{step}: exit {done.returncode}: {' '.join(argv)}\n--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}")
    return done


def build_wheel(dest: Path, root: Path | None = None) -> Path:
    """Build the wheel of the source tree ``root`` (default: :func:`source_root`) into ``dest``; returns its path.

    The build runs on a copy of the tree in a temporary folder, with pip's usual build isolation.
    """
    root = root or source_root()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="analyzer-src-") as scratch:
        copy = copy_source(Path(scratch) / "src", root)
        before = set(dest.glob("*.whl"))
        _run("build the wheel", [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "--wheel-dir", dest, copy],
             timeout=900)
    built = sorted(set(dest.glob("*.whl")) - before) or sorted(dest.glob("feedback_analyzer-*.whl"))
    if not built:
        raise CheckFailed(f"build the wheel: pip reported success but wrote no wheel into {dest}")
    return built[-1]


def _clean_env() -> dict[str, str]:
    """The environment without what would point the installed package back at the checkout."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "ANALYZER_MODEL", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__"):
        env.pop(name, None)
    return env


def _under(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def check_installed(wheel: Path, work: Path, sample: Path, say=print) -> None:
    """Install ``wheel`` into a fresh virtual environment under ``work`` and run the CLI and the library from there.

    Raises:
        CheckFailed: a step failed; the message holds its command and output.
    """
    env = _clean_env()
    venv, elsewhere, out = work / "venv", work / "elsewhere", work / "out"
    elsewhere.mkdir(parents=True)
    started = time.monotonic()
    _run("create a virtual environment", [sys.executable, "-m", "venv", venv], timeout=300, env=env)
    python = venv / _BIN / ("python.exe" if os.name == "nt" else "python")
    _run("install the wheel and its dependencies", [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--no-compile", wheel],
         timeout=1800, env=env)
    say(f"wheel: installed with its dependencies into a fresh environment in {time.monotonic() - started:.0f} s")

    started = time.monotonic()
    analyze = venv / _BIN / ("analyze.exe" if os.name == "nt" else "analyze")
    _run("analyze from outside the checkout", [analyze, sample.resolve(), "--out", out, "--force"], timeout=900, cwd=elsewhere, env=env)
    missing = [name for name in ("comments.csv", "issues.csv") if not (out / name).is_file()]
    if missing:
        raise CheckFailed(f"analyze from outside the checkout: exit 0 but {out} lacks {', '.join(missing)}")
    say(f"wheel: analyze {sample.name} --out OUT --force: exit 0, comments.csv and issues.csv written ({time.monotonic() - started:.0f} s)")

    started = time.monotonic()
    done = _run("analyzer.analyze() from outside the checkout", [python, "-c", _LIBRARY_CHECK, sample.resolve()], timeout=900,
                cwd=elsewhere, env=env)
    try:
        seen = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise CheckFailed(f"analyzer.analyze() from outside the checkout: unexpected output\n{done.stdout[-2000:]}") from None
    if not _under(seen["package"], venv):
        raise CheckFailed(f"analyzer.analyze(): imported {seen['package']}, not the package installed in {venv}")
    if not _under(seen["model"], venv):
        raise CheckFailed(f"analyzer.analyze(): the default model is {seen['model']}, not the one installed in {venv}")
    if not seen["comments"] or not seen["issues"]:
        raise CheckFailed(f"analyzer.analyze(): {seen['comments']} comments and {seen['issues']} issues from {sample}")
    say(f"wheel: analyzer.analyze({sample.name}): {seen['comments']} comments, {seen['issues']} issues, "
        f"model from the installed package ({time.monotonic() - started:.0f} s)")


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or take) the wheel, check its contents, install it and run it; 0 when every step passed, else 1."""
    parser = argparse.ArgumentParser(prog="python -m analyzer.devtools.wheel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="check this wheel instead of building one")
    parser.add_argument("--sample", type=Path, help="file to analyse (default: data/samples/comments.csv of the checkout)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (venv, outputs) and print its path")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="analyzer-wheel-check-"))
    try:
        started = time.monotonic()
        sample = args.sample or source_root() / "data" / "samples" / "comments.csv"
        if not sample.is_file():
            raise CheckFailed(f"{sample}: no such file to analyse (--sample)")
        wheel = args.wheel or build_wheel(work / "dist")
        names = wheel_names(wheel)
        problems = wheel_problems(names)
        if problems:
            raise CheckFailed(f"{wheel.name}: " + "; ".join(problems))
        print(f"wheel: {wheel.name} ({wheel.stat().st_size / 1e6:.1f} MB, {len(names)} files) holds the taxonomy, the report "
              f"template and the default model, and no tests ({time.monotonic() - started:.0f} s)", flush=True)
        check_installed(wheel, work, sample, say=lambda line: print(line, flush=True))
    except CheckFailed as failure:
        print(f"WHEEL CHECK FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"wheel: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("wheel: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
