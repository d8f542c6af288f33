"""``analyze report OUTDIR``: rebuild the page, a Markdown digest or a workbook from a run's saved outputs.

Example:
    >>> import tempfile, analyzer, pandas as pd
    >>> from analyzer.report.folder import write_outputs
    >>> folder = Path(tempfile.mkdtemp()) / "out"
    >>> _ = write_outputs(analyzer.analyze(pd.DataFrame({"text": ["The courier was late again"]})), folder)
    >>> rebuild(folder, "md").name, rebuild(folder, "xlsx").name
    ('report.md', 'report.xlsx')
"""

from __future__ import annotations

import os
from pathlib import Path

from analyzer.errors import OutputError, UsageError
from analyzer.report.saved import load_run

REPORT_FORMATS = ("html", "md", "xlsx")


def rebuild(folder: str | Path, fmt: str = "html", output: str | Path | None = None) -> Path:
    """Write ``report.html``, ``report.md`` or ``report.xlsx`` (one sheet per table, formula-safe) from the outputs in ``folder``.

    Args:
        folder: the ``--out`` folder of a finished run.
        fmt: ``html``, ``md`` or ``xlsx``.
        output: where to write; default ``folder/report.<fmt>``. The file is replaced atomically.

    Raises:
        UsageError: an unknown format, or ``folder`` does not hold a run's outputs.
        OutputError: the file cannot be written.
    """
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"--format {fmt} is not supported; accepted: {', '.join(REPORT_FORMATS)}")
    run = load_run(folder)
    target = Path(output) if output is not None else Path(folder) / f"report.{fmt}"
    staging = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        if fmt == "html":
            from analyzer.report.html import write_report

            write_report(run, staging)
        elif fmt == "md":
            from analyzer.report.digest import markdown_digest

            staging.write_text(markdown_digest(run), encoding="utf-8")
        else:
            from analyzer.report.tables import write_xlsx

            write_xlsx(run.tables(), staging)
        os.replace(staging, target)
    except OSError as error:
        raise OutputError(f"{target}: cannot write the report ({error.strerror or error}); choose another place with --output") from None
    finally:
        staging.unlink(missing_ok=True)
    return target
