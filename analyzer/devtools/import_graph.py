"""The static import graph of analyzer's modules and its cycles (for ``python -m analyzer.devtools.imports``).

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

Example:
    >>> graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    >>> [" -> ".join(cycle) for cycle in find_cycles(graph)]
    ['a -> b -> c -> a']
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "analyzer"

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
