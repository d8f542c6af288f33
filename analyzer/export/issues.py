"""Reading the recurring issues of an analysis run: ``issues.json`` and the state store named in ``summary.json``.

An analysis folder holds ``summary.json`` and ``issues.json`` (the rows of
``issues.csv``, lists as JSON lists). :func:`load_issues` turns the issues into
frozen :class:`Issue` objects and says exactly what is wrong when the folder
is not what it should be. :func:`select_issues` applies the command's filters.

Each issue carries a stable ``fingerprint``; when the analysis did not write
one it is ``"cfp-" + sha256("issue:" + issue_id)[:12]``.

Example:
    >>> issue = issue_from_dict({"issue_id": "LOG-K2Q7", "kind": "complaint", "touchpoint": "logistics",
    ...                          "title": "Late delivery", "n_comments": 12})
    >>> issue.fingerprint, issue.status, issue.examples
    ('cfp-80a62562ff1d', 'active', ())
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import ExportError, UsageError
from analyzer.issues.store import fingerprint_code as fingerprint_of  # an issue that came without one gets the analysis's own

ISSUES_FILE = "issues.json"
SUMMARY_FILE = "summary.json"
REQUIRED = ("issue_id", "touchpoint", "title")
# A fingerprint goes into labels, JQL strings, keywords and external ids: keep it to characters all of them accept.
FINGERPRINT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


class NotAnAnalysisFolder(ExportError):
    """The folder given to export is missing or holds no analysis outputs."""


class BadIssuesFile(ExportError):
    """``issues.json`` or ``summary.json`` cannot be read as the analysis wrote it."""


@dataclass(frozen=True)
class Issue:
    """One recurring issue of an analysis run, as ``issues.json`` describes it.

    Example:
        >>> Issue("SUP-1", "complaint", "support", "Rude operator", n_comments=3).share_negative
        0.0
    """

    issue_id: str
    kind: str
    touchpoint: str
    title: str
    key_phrases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    n_comments: int = 0
    n_segments: int = 0
    share_negative: float = 0.0
    languages: tuple[str, ...] = ()
    first_seen: str | None = None
    last_seen: str | None = None
    trend: str | None = None
    nps_impact: float | None = None
    nps_impact_low: float | None = None
    nps_impact_high: float | None = None
    detractor_lift: float | None = None
    status: str = "active"
    fingerprint: str = ""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", fingerprint_of(self.issue_id))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value).strip()


def _texts(value: Any, where: str, key: str) -> tuple[str, ...]:
    if _missing(value):
        return ()
    if isinstance(value, str):  # a CSV-style cell that slipped through: "a; b"
        return tuple(part.strip() for part in value.split(";") if part.strip())
    if not isinstance(value, list):
        raise BadIssuesFile(f"{where}: {key} must be a list of strings, got {type(value).__name__}")
    return tuple(str(item).strip() for item in value if not _missing(item))


def _number(value: Any, where: str, key: str) -> float | None:
    if _missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadIssuesFile(f"{where}: {key} must be a number or null, got {type(value).__name__}")
    try:
        number = float(value)
    except ValueError:
        raise BadIssuesFile(f"{where}: {key} must be a number or null, got {value!r}") from None
    return None if math.isnan(number) else number


def issue_from_dict(row: Mapping[str, Any], where: str = "issue") -> Issue:
    """Build an :class:`Issue` from one object of ``issues.json``; ``where`` names it in error messages.

    Raises:
        BadIssuesFile: a required field is missing or a field has the wrong type.

    Example:
        >>> issue_from_dict({"issue_id": "X-1", "touchpoint": "price", "title": "Too dear", "nps_impact": "NaN"}).nps_impact is None
        True
    """
    missing = [key for key in REQUIRED if _missing(row.get(key))]
    if missing:
        raise BadIssuesFile(f"{where}: lacks {', '.join(missing)}; every issue needs {', '.join(REQUIRED)}")
    issue_id = str(row["issue_id"]).strip()
    where = f"{where} ({issue_id})"
    fingerprint = _text(row.get("fingerprint")) or fingerprint_of(issue_id)
    if not FINGERPRINT_PATTERN.match(fingerprint):
        raise BadIssuesFile(f"{where}: fingerprint {fingerprint!r} is not usable as a label; expected letters, digits and . _ : - only")
    counts = {key: _number(row.get(key), where, key) for key in ("n_comments", "n_segments")}
    return Issue(
        issue_id=issue_id,
        kind=_text(row.get("kind")) or "complaint",
        touchpoint=str(row["touchpoint"]).strip(),
        title=" ".join(str(row["title"]).split()),
        key_phrases=_texts(row.get("key_phrases"), where, "key_phrases"),
        examples=_texts(row.get("examples"), where, "examples"),
        n_comments=int(counts["n_comments"] or 0),
        n_segments=int(counts["n_segments"] or 0),
        share_negative=_number(row.get("share_negative"), where, "share_negative") or 0.0,
        languages=_texts(row.get("languages"), where, "languages"),
        first_seen=_text(row.get("first_seen")),
        last_seen=_text(row.get("last_seen")),
        trend=_text(row.get("trend")),
        nps_impact=_number(row.get("nps_impact"), where, "nps_impact"),
        nps_impact_low=_number(row.get("nps_impact_low"), where, "nps_impact_low"),
        nps_impact_high=_number(row.get("nps_impact_high"), where, "nps_impact_high"),
        detractor_lift=_number(row.get("detractor_lift"), where, "detractor_lift"),
        status=_text(row.get("status")) or "active",
        fingerprint=fingerprint,
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise BadIssuesFile(f"{path}: not valid JSON (line {error.lineno} column {error.colno}: {error.msg}); "
                            "run the analysis again or restore the file") from None
    except UnicodeDecodeError:
        raise BadIssuesFile(f"{path}: not UTF-8 text; run the analysis again or restore the file") from None
    except OSError as error:
        raise BadIssuesFile(f"{path}: cannot be read ({error.strerror})") from None


def _check_folder(outdir: Path) -> None:
    if not outdir.exists():
        raise NotAnAnalysisFolder(f"{outdir}: no such folder; expected the output folder of an analysis run (analyze comments.csv --out FOLDER)")
    if not outdir.is_dir():
        raise NotAnAnalysisFolder(f"{outdir}: is a file; expected the output folder of an analysis run (it holds summary.json and issues.json)")
    lacking = [name for name in (SUMMARY_FILE, ISSUES_FILE) if not (outdir / name).is_file()]
    if lacking:
        raise NotAnAnalysisFolder(f"{outdir}: not an analysis folder (no {' or '.join(lacking)}); "
                                  "pass the output folder of analyze, which holds summary.json and issues.json")


def load_issues(outdir: str | Path) -> list[Issue]:
    """Read every issue of an analysis folder, in file order.

    Args:
        outdir: the output folder of ``analyze`` (holds ``summary.json`` and ``issues.json``).

    Raises:
        NotAnAnalysisFolder: the folder is missing or lacks the two files.
        BadIssuesFile: a file is not valid JSON or an issue lacks a required field.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "summary.json").write_text("{}")
        >>> _ = (folder / "issues.json").write_text('[{"issue_id": "A-1", "touchpoint": "price", "title": "Dear"}]')
        >>> [issue.title for issue in load_issues(folder)]
        ['Dear']
    """
    outdir = Path(outdir)
    _check_folder(outdir)
    path = outdir / ISSUES_FILE
    data = _read_json(path)
    if isinstance(data, dict) and isinstance(data.get("issues"), list):
        data = data["issues"]
    if not isinstance(data, list):
        raise BadIssuesFile(f"{path}: expected a JSON list of issues, got {type(data).__name__}")
    issues = []
    for number, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            raise BadIssuesFile(f"{path}: issue {number} is a {type(row).__name__}; expected an object with the fields of issues.csv")
        issues.append(issue_from_dict(row, f"{path}: issue {number}"))
    seen: dict[str, str] = {}
    for issue in issues:
        if issue.fingerprint in seen and seen[issue.fingerprint] != issue.issue_id:
            raise BadIssuesFile(f"{path}: issues {seen[issue.fingerprint]} and {issue.issue_id} share fingerprint {issue.fingerprint}; "
                                "fingerprints must be unique")
        seen[issue.fingerprint] = issue.issue_id
    return issues


def store_path(outdir: str | Path) -> Path | None:
    """The SQLite state file ``summary.json`` names, or None when it names none.

    Accepted places: ``"issues": {"store": "<path>"}`` (what ``analyze`` writes)
    and ``"store": {"path": "<path>"}`` or ``"store": "<path>"``. A relative path
    is taken relative to the analysis folder.

    Raises:
        BadIssuesFile: ``summary.json`` is not valid JSON.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "summary.json").write_text('{"issues": {"store": "state.sqlite"}}')
        >>> store_path(folder) == folder / "state.sqlite"
        True
    """
    outdir = Path(outdir)
    summary = _read_json(outdir / SUMMARY_FILE)
    if not isinstance(summary, dict):
        return None
    candidates: list[Any] = []
    for holder, key in ((summary.get("store"), "path"), (summary.get("issues"), "store")):
        candidates.append(holder.get(key) if isinstance(holder, dict) else None)
    candidates.insert(1, summary.get("store"))  # "store": "<path>"
    path = next((c for c in candidates if isinstance(c, str) and c.strip()), None)
    if path is None:
        return None
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else outdir / candidate


def select_issues(
    issues: Sequence[Issue],
    *,
    top: int | None = None,
    min_comments: int = 0,
    touchpoints: Iterable[str] = (),
    include_praise: bool = False,
) -> list[Issue]:
    """The issues to export: active complaints (and praise if asked), filtered, largest first.

    Largest first means by number of comments, then by the size of the NPS
    impact, then by issue id, so ``top`` keeps the biggest ones and the order
    is the same on every run.

    Raises:
        UsageError: a touchpoint asked for matches no issue of the run.

    Example:
        >>> run = [Issue("A", "complaint", "price", "Dear", n_comments=3), Issue("B", "complaint", "support", "Rude", n_comments=9),
        ...        Issue("C", "praise", "support", "Kind", n_comments=20), Issue("D", "complaint", "price", "Hidden fee", status="ignored")]
        >>> [i.issue_id for i in select_issues(run)], [i.issue_id for i in select_issues(run, top=1, include_praise=True)]
        (['B', 'A'], ['C'])
    """
    wanted = {t.strip() for t in touchpoints if t.strip()}
    known = {issue.touchpoint for issue in issues}
    unknown = sorted(wanted - known)
    if unknown:
        raise UsageError(f"--touchpoint: {', '.join(unknown)} matches no issue of this run; "
                         f"touchpoints with issues: {', '.join(sorted(known)) or 'none'}")
    kinds = {"complaint", "praise"} if include_praise else {"complaint"}
    chosen = [issue for issue in issues
              if issue.status == "active" and issue.kind in kinds and issue.n_comments >= min_comments
              and (not wanted or issue.touchpoint in wanted)]
    chosen.sort(key=lambda i: (-i.n_comments, -abs(i.nps_impact or 0.0), i.issue_id))
    return chosen if top is None else chosen[:top]
