"""The sample's report in a real browser: Debian's headless Chromium driven by Playwright (never a browser of its own).

At 1400 and 400 px wide: no console errors, no network request, the key numbers in the DOM equal
summary.json / nps.json, nothing wider than the window at 400 px (every <details> opened), no chart text
outside its chart, and the page prints to PDF (the screen-only drill-down and data tables left out). Screenshots and the PDF are kept in $REPORT_ARTIFACTS
(default: .artifacts/report beside the tests) for a person to look at.

.ci/run installs chromium and sets REQUIRE_BROWSER=1, so there a missing browser fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None and os.environ.get("REQUIRE_BROWSER") == "1":
    raise RuntimeError("REQUIRE_BROWSER=1 but no chromium on PATH: install Debian's chromium package (apt-get install chromium)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")

OUTSIDE = """() => [...document.querySelectorAll('svg.chart')].flatMap((svg, k) => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => [k, t.textContent, t.getBoundingClientRect()])
    .filter(([k, s, r]) => r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
    .map(([k, s, r]) => `chart ${k}: "${s}"`);
})"""


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "out"
    got = CliRunner().invoke(app, [str(ROOT / "data" / "samples" / "comments.csv"), "--out", str(out), "--quiet"])
    assert got.exit_code == 0, got.output
    return out


def test_sample_report_in_headless_chromium(sample_run: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    artifacts = Path(os.environ.get("REPORT_ARTIFACTS", ROOT / ".artifacts" / "report"))
    artifacts.mkdir(parents=True, exist_ok=True)
    summary = json.loads((sample_run / "summary.json").read_text(encoding="utf-8"))
    nps = json.loads((sample_run / "nps.json").read_text(encoding="utf-8"))
    url = (sample_run / "report.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            for width in (1400, 400):
                page = browser.new_page()
                page.set_viewport_size({"width": width, "height": 900})
                errors: list[str] = []
                requests: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.goto(url)
                page.screenshot(path=str(artifacts / f"report-{width}.png"), full_page=True)
                assert errors == [], errors
                assert requests == [url], f"the page fetched {requests[1:]}"
                text = {key: page.inner_text(f"#kpi-{key}") for key in ("nps", "rows-read", "rows-analyzed", "rows-rejected", "issues", "promoters",
                                                                       "detractors")}
                assert text["nps"] == f"{nps['overall']['nps']:.1f}"
                assert text["promoters"] == str(nps["overall"]["promoters"]) and text["detractors"] == str(nps["overall"]["detractors"])
                assert text["rows-read"] == f"{summary['counts']['rows_read']:,}"
                assert text["rows-analyzed"] == f"{summary['counts']['rows_analyzed']:,}"
                assert text["rows-rejected"] == f"{summary['counts']['rows_rejected']:,}"
                assert text["issues"] == str(summary["issues"]["issues"])
                assert page.evaluate(OUTSIDE) == []  # no axis label or tick clipped
                page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
                width_seen = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
                assert width_seen[0] <= width_seen[1], f"at {width} px the page is {width_seen[0]} px wide"
                if width == 1400:
                    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
                    page.emulate_media(media="print")  # printed: quotes stay, the drill-down and data tables are for the screen
                    shown = page.evaluate("() => [...document.querySelectorAll('tr.drill, details.data')]"
                                          ".filter(e => getComputedStyle(e).display !== 'none').length")
                    assert shown == 0
                    page.pdf(path=str(artifacts / "report.pdf"), format="A4")
                    pdf = (artifacts / "report.pdf").read_bytes()
                    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
                    assert 3 <= pages <= 25, f"the sample prints on {pages} A4 pages"
                page.close()
        finally:
            browser.close()
    assert (artifacts / "report.pdf").stat().st_size > 10_000
