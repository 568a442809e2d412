"""The HTML report in a real browser: headless Chromium lays out the shop week's report and a
real log's (the helpdesk) at 1400 px, takes a screenshot, and measures the page.

How the layout is measured. The report is script-free and its Content-Security-Policy forbids
scripts, so nothing can run inside it, and it is not changed for the test. Beside it the test
writes a small wrapper page (test-only) that shows the report in a 1400 px wide iframe and,
when the iframe has loaded, reads the laid-out report from the outside: the root element's
`scrollWidth` against its `clientWidth` (a horizontal overflow makes the first larger), first
with the policy sections closed as a reader finds them, then with every `<details>` opened;
the elements whose right edge passes the window (to name the culprit); and the box of every
chart. It writes the figures as JSON into its own DOM and closes the sections again.
Chromium runs once per report with `--dump-dom` (the wrapper's DOM after its load event, which
waits for the iframe's) and `--screenshot` (the reader's first view, sections closed);
`--allow-file-access-from-files` makes the two local files one origin, so the wrapper may read
the iframe's document. The iframe's viewport is what a 1400 px window shows, scrollbar included.

Chromium comes from Debian's package, which `.ci/run` installs. Without it the tests skip with
the reason in a local run and fail in CI (`CI` set), so CI can never pass without running them.
Screenshots go to `$CXRULES_SCREENSHOTS` when set (to look at them), else to a temporary folder.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cxrules.audit import AuditRequest, run_audit
from cxrules.reports.as_html import render_html
from cxrules.reports.model import Report

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
WIDTH = 1400
HEIGHT = 2400  # the screenshot: the first view of the page
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-file-access-from-files",
    f"--window-size={WIDTH},{HEIGHT}",
]

MEASURE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>layout of report.html</title></head>
<body style="margin:0;overflow:hidden">
<iframe id="report" src="report.html" style="display:block;border:0;width:%(width)dpx;
height:%(height)dpx"></iframe>
<pre id="result" hidden>not measured</pre>
<script>
"use strict";
function box(element) {
  const r = element.getBoundingClientRect();
  return {width: Math.round(r.width), height: Math.round(r.height), right: Math.round(r.right)};
}
function state(doc) {
  const root = doc.documentElement;
  const width = root.clientWidth;
  const wide = Array.from(doc.body.querySelectorAll("*"))
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .slice(0, 8)
    .map(e => e.tagName.toLowerCase() + " " + (e.getAttribute("class") || "") + ": "
               + (e.textContent || "").trim().slice(0, 60));
  return {scrollWidth: root.scrollWidth, clientWidth: width, tooWide: wide};
}
function measure() {
  const doc = document.getElementById("report").contentDocument;
  const sections = Array.from(doc.querySelectorAll("details"));
  const closed = state(doc);
  closed.charts = Array.from(doc.querySelectorAll("svg"))
    .filter(s => s.checkVisibility())
    .map(s => Object.assign({label: s.getAttribute("aria-label")}, box(s)));
  sections.forEach(d => { d.open = true; });
  const opened = state(doc);
  opened.charts = Array.from(doc.querySelectorAll("svg"))
    .map(s => Object.assign({label: s.getAttribute("aria-label")}, box(s)));
  sections.forEach(d => { d.open = false; });
  const result = {closed: closed, open: opened, sections: sections.length,
                  scripts: doc.scripts.length, title: doc.title};
  document.getElementById("result").textContent = JSON.stringify(result);
}
const frame = document.getElementById("report");
if (frame.contentDocument && frame.contentDocument.readyState === "complete"
    && frame.contentDocument.body && frame.contentDocument.body.childElementCount) {
  measure();
} else {
  frame.addEventListener("load", measure);
}
</script>
</body></html>
"""


def chromium() -> str:
    """The Chromium binary; a skip with the reason locally, a failure in CI."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser tests")
    pytest.skip(reason)


def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CXRULES_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_in_browser(page: str, folder: Path, name: str) -> tuple[dict[str, Any], Path]:
    """Lay out the page at 1400 px: (the wrapper's measurements, the screenshot's path)."""
    binary = chromium()
    site = folder / f"{name}-site"
    site.mkdir(exist_ok=True)
    (site / "report.html").write_text(page, encoding="utf-8")
    (site / "measure.html").write_text(MEASURE % {"width": WIDTH, "height": HEIGHT}, "utf-8")
    shot = folder / f"{name}.png"
    shot.unlink(missing_ok=True)
    profile = folder / f"{name}-profile"  # a fresh profile for every run
    shutil.rmtree(profile, ignore_errors=True)
    done = subprocess.run(
        [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--dump-dom",
            (site / "measure.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    shutil.rmtree(profile, ignore_errors=True)
    found = re.search(r'<pre id="result" hidden="">(.*?)</pre>', done.stdout, re.S)
    assert done.returncode == 0 and found, (
        f"chromium exited {done.returncode}; stderr: {done.stderr[-2000:]}"
    )
    text = html.unescape(found.group(1))
    assert text != "not measured", "the measuring page never saw the report load"
    return json.loads(text), shot


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def check_layout(result: dict[str, Any], shot: Path) -> None:
    """What every report must do in a 1400 px window."""
    assert png_size(shot) == (WIDTH, HEIGHT), shot
    assert result["scripts"] == 0
    for view in ("closed", "open"):
        measured = result[view]
        assert measured["clientWidth"] > WIDTH - 40  # the page had the window's width
        assert measured["scrollWidth"] <= measured["clientWidth"], (
            f"the page scrolls sideways with the sections {view} "
            f"({measured['scrollWidth']} > {measured['clientWidth']} px); too wide: "
            f"{measured['tooWide']}; screenshot {shot}"
        )
        for found in measured["charts"]:
            assert found["width"] > 0 and found["right"] <= measured["clientWidth"], found


def labels(charts: list[dict[str, Any]]) -> list[str]:
    return [c["label"] for c in charts]


@cache
def shop_week() -> Report:
    request = AuditRequest(
        policies=[str(ROOT / "policies")],
        logs=[str(ROOT / "examples" / "shop_week" / "week.jsonl.gz")],
        mapping=str(ROOT / "examples" / "shop_week" / "cxrules.toml"),
        project_dir=ROOT,
    )
    return run_audit(request)[0]


def test_the_shop_week_report_fits_a_1400px_window(tmp_path: Path) -> None:
    chromium()  # before the audit: skip (or fail in CI) at once
    report = shop_week()
    result, shot = open_in_browser(render_html(report), screenshots(tmp_path), "shop_week")
    check_layout(result, shot)
    assert result["sections"] >= len(report.policies)  # one per policy, plus inner lists
    first_view = labels(result["closed"]["charts"])
    assert first_view[:2] == ["Compliance per policy", "Violations per day"]
    assert not any(label.startswith("Timeline") for label in first_view)  # sections closed
    opened = labels(result["open"]["charts"])
    assert "Trend of service_level, queue=billing" in opened  # a trend per queue
    assert "Trend of nps by store" in opened  # one bucket per store: the stores compared
    timelines = [label for label in opened if label.startswith("Timeline of ")]
    assert len(timelines) == len(report.violations)  # 37, under 20 per policy: all shown
    assert result["title"] == "cxrules audit report: FAIL"


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared data folder {SHARED} is absent")
def test_the_helpdesk_report_is_small_and_fits_a_1400px_window(tmp_path: Path) -> None:
    chromium()
    example = ROOT / "examples" / "helpdesk_italian_software"
    request = AuditRequest(
        policies=[str(example / "policies.cxr")],
        logs=[str(SHARED / "helpdesk_italian_software" / "finale.csv.gz")],
        mapping=str(example / "cxrules.toml"),
        project_dir=ROOT,
    )
    report = run_audit(request)[0]
    page = render_html(report)
    assert len(report.violations) > 5000
    assert len(page.encode("utf-8")) < 3_000_000  # it was 13 MB with every violation
    result, shot = open_in_browser(page, screenshots(tmp_path), "helpdesk")
    check_layout(result, shot)
    assert labels(result["closed"]["charts"])[:2] == [
        "Compliance per policy",
        "Violations per month",  # four years: per month
    ]
    opened = labels(result["open"]["charts"])
    assert "Trend of pickup" in opened
    timelines = [label for label in opened if label.startswith("Timeline of ")]
    assert len(timelines) == 8 * 20  # eight policies, the first 20 violations of each


def test_a_long_value_from_the_log_wraps_inside_the_window(tmp_path: Path) -> None:
    """A log value of 5,000 characters without a space (a token, a base64 blob) in a sentence
    wraps in its card instead of widening the page."""
    chromium()
    report = shop_week()
    first = report.violations[0]
    blob = "L" * 5000
    long = first.model_copy(update={"sentence": f'forbidden staff.said: text = "bad {blob}"'})
    page = render_html(report.model_copy(update={"violations": [long, *report.violations[1:]]}))
    result, shot = open_in_browser(page, screenshots(tmp_path), "long_value")
    check_layout(result, shot)
