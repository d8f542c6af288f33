"""Import cycles among analyzer's modules, and the heavy libraries each CLI command imports.

``python -m analyzer.devtools.imports`` does two checks and exits 1 when either finds a problem:

The cycles come from :mod:`analyzer.devtools.import_graph`, the per-command imports from
:mod:`analyzer.devtools.command_imports`.

Options: ``--cycles-only``, ``--command NAME`` (repeatable: run, train,
evaluate, export, issues), ``--type-checking``, ``--own-packages``.

"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analyzer.devtools.command_imports import COMMANDS, profile_command, report_command
from analyzer.devtools.import_graph import check_cycles, describe_cycle


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
