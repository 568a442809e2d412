"""Golden JSON reports: the shop week and the eight real-log examples, byte for byte.

Each audit's JSON report, on every registered engine, is compared with
`tests/golden/reports/<name>.json.gz`. Any change in a report (a sentence, an id, a count, an
order) fails here and must be reviewed:
`CXRULES_REFRESH_EXPECTED=1 python -m pytest tests/test_golden_reports.py` rewrites the files,
then `git diff --stat` shows which changed. The real logs live in ../shared/data; their cases
skip with the reason when that folder is absent.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from cxrules import engines
from cxrules.audit import AuditRequest, run_audit
from cxrules.reports.as_json import render_json

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
GOLDEN = ROOT / "tests" / "golden" / "reports"
REFRESH = os.environ.get("CXRULES_REFRESH_EXPECTED") == "1"

#: name -> (policies, log, mapping), paths relative to the repository (`@` is ../shared/data)
CASES = {
    "shop_week": (
        "policies",
        "examples/shop_week/week.jsonl.gz",
        "examples/shop_week/cxrules.toml",
    ),
    "bank_callcenter": (
        "examples/anonymous_bank_callcenter_feb1999/policies.cxr",
        "@/anonymous_bank_callcenter_feb1999/data_anonymous_bank_february.txt.gz",
        "examples/anonymous_bank_callcenter_feb1999/cxrules.toml",
    ),
    "bpic2013_closed_problems": (
        "examples/bpic2013_closed_problems/policies.cxr",
        "@/bpic2013_closed_problems/BPI_Challenge_2013_closed_problems.csv.gz",
        "examples/bpic2013_closed_problems/cxrules.toml",
    ),
    "bpic2013_incidents": (
        "examples/bpic2013_incidents/policies.cxr",
        "@/bpic2013_incidents/bpi_challenge_2013_incidents.xes.gz",
        "examples/bpic2013_incidents/cxrules.toml",
    ),
    "bpic2013_open_problems": (
        "examples/bpic2013_open_problems/policies.cxr",
        "@/bpic2013_open_problems/BPI_Challenge_2013_open_problems.xes.gz",
        "examples/bpic2013_open_problems/cxrules.toml",
    ),
    "bpic2014_incident_activity": (
        "examples/bpic2014_incident_activity_filtered/policies.cxr",
        "@/bpic2014_incident_activity_filtered/BPIC14_f.xes.gz",
        "examples/bpic2014_incident_activity_filtered/cxrules.toml",
    ),
    "bpic2016_complaints": (
        "examples/bpic2016_complaints/policies.cxr",
        "@/bpic2016_complaints/BPI2016_Complaints.csv",
        "examples/bpic2016_complaints/cxrules.toml",
    ),
    "helpdesk": (
        "examples/helpdesk_italian_software/policies.cxr",
        "@/helpdesk_italian_software/finale.csv.gz",
        "examples/helpdesk_italian_software/cxrules.toml",
    ),
    "servicenow": (
        "examples/uci_servicenow_incident_log/policies.cxr",
        "@/uci_servicenow_incident_log/incident_event_log.csv.gz",
        "examples/uci_servicenow_incident_log/cxrules.toml",
    ),
}


def _path(text: str) -> Path:
    """Paths relative to the repository's root, where the audit runs: a report (its input paths,
    the event ids made from them, the violation ids made from those) must not depend on where
    the clone is; the real logs are read as ../shared/data/…, beside the clone."""
    return Path("..", "shared", "data", text[2:]) if text.startswith("@/") else Path(text)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_report_is_byte_identical_to_its_golden_file(
    name: str, audit_engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On every engine: the golden files were written by the reference engine, and every
    engine's report is the same but for its name."""
    engine = audit_engine
    if REFRESH and engine != engines.names()[0]:
        pytest.skip("golden files are written by the reference engine")
    monkeypatch.chdir(ROOT)
    policies, log, mapping = (_path(p) for p in CASES[name])
    if not log.exists():
        pytest.skip(f"{log} is absent (the real logs live in ../shared/data)")
    request = AuditRequest(
        policies=[str(policies)],
        logs=[str(log)],
        mapping=str(mapping),
        project_dir=ROOT,
        engine=engine,
    )
    report, _ = run_audit(request)
    reference = engines.names()[0]
    text = render_json(report).replace(f'"engine": "{engine}"', f'"engine": "{reference}"', 1)
    golden = GOLDEN / f"{name}.json.gz"
    if REFRESH or not golden.exists():
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
        if not REFRESH:
            pytest.fail(f"{golden} was missing and has been written; review it and commit it")
    expected = gzip.decompress(golden.read_bytes()).decode("utf-8")
    if text != expected:
        got, want = text.splitlines(), expected.splitlines()
        first = next(
            (n for n, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
            min(len(got), len(want)),
        )
        pytest.fail(
            f"report {name} differs from its golden file at line {first + 1}:\n"
            f"  got:      {got[first] if first < len(got) else '<end>'}\n"
            f"  expected: {want[first] if first < len(want) else '<end>'}"
        )
