"""Examples: the shop week audited with policies/ reports exactly its planted breaches."""

from __future__ import annotations

import doctest
import gzip
import itertools
import json
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cxrules.audit import AuditRequest, run_audit
from cxrules.reports.model import Report

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop_week"
sys.path.insert(0, str(SHOP))

import generate as shop_week  # noqa: E402
import shop_common  # noqa: E402

SEED = 2026  # not the seed of the committed week: the planted list holds for every seed


def key(policy: str, scope: dict[str, str], kind: str, start: str | None, bucket: Any) -> tuple:
    """What must match: policy, scope, kind, and the start instant (the bucket for a metric)."""
    when = bucket if kind.startswith("metric") else datetime.fromisoformat(str(start))
    return policy, tuple(sorted(scope.items())), kind, when


@pytest.fixture(scope="module")
def week() -> list[dict[str, Any]]:
    return list(shop_week.generate(seed=SEED))


@pytest.fixture(scope="module")
def audited(
    audit_engine: str,
    week: list[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Report:
    """The generated week audited with policies/ on each engine."""
    path = tmp_path_factory.mktemp("shop") / "week.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        shop_week.write(iter(week), stream)
    audit = AuditRequest(
        policies=[str(ROOT / "policies")],
        logs=[str(path)],
        mapping=str(SHOP / "cxrules.toml"),
        engine=audit_engine,
        project_dir=ROOT,
    )
    report, _ = run_audit(audit)
    assert report.rejected_total == 0
    return report


def test_the_audit_reports_exactly_the_planted_breaches(audited: Report) -> None:
    planted = shop_week.planted_breaches()
    assert len(planted) == 37  # stores 7, restaurant 7, contact centre 14, logistics 9
    expected = Counter(
        key(b.policy, b.scope, b.kind, b.start.isoformat() if b.start else None, b.bucket)
        for b in planted
    )
    found = Counter(
        key(v.policy, v.scope, v.kind, v.start, v.details.get("bucket")) for v in audited.violations
    )
    assert found - expected == Counter(), "violations nobody planted"
    assert expected - found == Counter(), "planted breaches the audit missed"


def test_every_policy_is_exercised_and_the_breach_free_ones_hold(audited: Report) -> None:
    planted = Counter(b.policy for b in shop_week.planted_breaches())
    assert len(audited.policies) == 32
    for summary in audited.policies:
        assert summary.activations > 0, summary.id
        assert summary.violated == planted[summary.id], summary.id
        if summary.id == "complaints.quiet-after-complaint":
            # its 7-day windows outlast the week: still open (or cancelled) at the horizon
            assert summary.satisfied == 0 and summary.pending > 0 and summary.cancelled > 0
        else:
            assert summary.satisfied > 0, summary.id
    breach_free = sorted(p.id for p in audited.policies if p.id not in planted)
    assert breach_free == [
        "complaints.repeat-rate",
        "delivery.complaints-per-order",
        "kpi.ces",
        "kpi.detractor-follow-up",
        "kpi.nps-review-action",
    ]


def by_policy(result: Report, policy: str, **scope: str) -> list[Any]:
    """The violations of `policy` whose scope holds these values (a metric's also its bucket)."""
    return [
        v
        for v in result.violations
        if v.policy == policy and all(v.scope.get(k) == x for k, x in scope.items())
    ]


def test_the_planted_breaches_have_the_values_worked_out_by_hand(audited: Report) -> None:
    (gap,) = by_policy(audited, "octopus.always-connected", visit="v-1001")
    assert gap.duration_seconds == 132  # entered 10:05:00, first arm 10:07:12
    assert "from 2026-03-02 10:05:00+03:00 to 10:07:12 (2m12s; grace 30s)" in gap.sentence
    mon_billing, sat_billing = sorted(
        by_policy(audited, "callcenter.service-level", queue="billing"), key=lambda v: v.start
    )
    assert mon_billing.details["value"] == pytest.approx(93 / 130)  # 37 of 130 waited 25-58 s
    assert (mon_billing.details["numerator"], mon_billing.details["denominator"]) == (93, 130)
    assert (mon_billing.scope, mon_billing.start, mon_billing.end) == (
        {"queue": "billing", "day": "2026-03-02"},
        "2026-03-02T00:00:00+03:00",
        "2026-03-03T00:00:00+03:00",
    )
    assert sat_billing.details["value"] == 29 / 58  # Saturday: round(130 * 0.45) calls, half slow
    (dropped,) = by_policy(audited, "callcenter.abandonment", queue="orders")
    assert dropped.details["value"] == pytest.approx(12 / 150)
    assert (dropped.details["numerator"], dropped.details["denominator"]) == (12, 150)
    (nps,) = by_policy(audited, "kpi.nps", store="bakirkoy")
    assert nps.details["value"] == pytest.approx(100 * (21 - 14) / 56)  # 3 and 2 of 8 a day
    assert (nps.details["promoters"], nps.details["detractors"]) == (21, 14)
    assert nps.details["population"] == 56
    (csat,) = by_policy(audited, "kpi.csat", store="uskudar")
    assert csat.details["value"] == pytest.approx(42 / 56)  # 2 of 8 answers a day were 1-3
    (late,) = by_policy(audited, "complaints.answer-in-time", complaint="k-7001")
    # Monday 10:00 + 16 business hours: 8 on Monday (to 18:00), 8 on Tuesday (09:00-17:00)
    assert late.details["deadline"] == "2026-03-03T17:00:00+03:00"
    assert late.fulfilled_at == "2026-03-05T15:00:00+03:00"
    (missing,) = by_policy(audited, "complaints.answer-in-time", complaint="k-7002")
    assert missing.details["deadline"] == "2026-03-04T16:30:00+03:00"  # 8.5 h + 7.5 h
    (same_day,) = by_policy(audited, "delivery.same-day-bucharest", order="o-7002")
    # the end of the day in Bucharest is its midnight (01:00 in Istanbul, the log's zone)
    assert same_day.details["deadline"] == "2026-03-04T01:00:00+03:00"
    assert same_day.end == "2026-03-04T01:00:00+03:00"


def test_the_committed_week_and_planted_list_are_regenerated_byte_for_byte() -> None:
    text = "".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
        for r in shop_week.generate(seed=7)
    )
    assert gzip.decompress((SHOP / "week.jsonl.gz").read_bytes()).decode("utf-8") == text
    committed = json.loads((SHOP / "planted.json").read_text(encoding="utf-8"))
    assert committed == [b.as_dict() for b in shop_week.planted_breaches()]


def test_records_come_in_time_order_and_the_seed_decides_them(week: list[dict[str, Any]]) -> None:
    instants = [datetime.fromisoformat(r["time"]).timestamp() for r in week]
    assert instants == sorted(instants)
    assert all(set(r) >= {"time", "type"} for r in week)
    assert 20_000 <= len(week) <= 50_000
    assert week[:300] == list(itertools.islice(shop_week.generate(seed=SEED), 300))
    assert week[:300] != list(itertools.islice(shop_week.generate(seed=SEED + 1), 300))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": date(2026, 3, 3)}, "the week must start on a Monday; 2026-03-03 is a Tuesday"),
        ({"days": 3}, "days must be at least 7 (the planted breaches fill a week), not 3"),
        ({"scale": 0.5}, "scale must be between 1 and 100, not 0.5"),
    ],
)
def test_unsupported_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        next(shop_week.generate(**kwargs))


def test_the_planted_list_is_only_given_for_one_week_without_turkish_holidays() -> None:
    with pytest.raises(ValueError, match="listed for a 7-day log only, not 14 days"):
        shop_week.planted_breaches(days=14)
    # Kurban Bayramı 2026: Wednesday 27 to Saturday 30 May
    with pytest.raises(ValueError, match="this one has 2026-05-27 Eid al-Adha, 2026-05-28 "):
        shop_week.planted_breaches(start=date(2026, 5, 25))
    assert len(shop_week.planted_breaches(start=date(2026, 5, 18) + timedelta(days=14))) == 37


def test_the_command_line_writes_exactly_the_events_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "big.jsonl"
    assert shop_week.main(["--events", "1234", "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1234
    assert capsys.readouterr().err == f"1234 events written to {out}\n"
    assert not (tmp_path / "planted.json").exists()  # not a one-week log
    week = tmp_path / "week.jsonl.gz"
    assert shop_week.main(["--seed", "7", "--out", str(week)]) == 0
    assert json.loads((tmp_path / "planted.json").read_text())[0]["start"] == (
        "2026-03-02T10:05:00+03:00"
    )


@pytest.mark.parametrize("module", [shop_week, shop_common])
def test_doctests(module: Any) -> None:
    assert doctest.testmod(module).failed == 0


def test_the_examples_table_counts_each_folders_rules_and_runs_its_files() -> None:
    """examples/README.md said the helpdesk has 6 rules when its policies.cxr held 8: each row's
    rule count is its folder's, and each README's command names files that exist."""
    import re

    from click.testing import CliRunner

    from cxrules.cli import main

    table = (ROOT / "examples" / "README.md").read_text("utf-8")
    rows = re.findall(
        r"^\| \[`(\w+)`\]\(\1/README\.md\) \|[^|]*\|[^|]*\|[^|]*\| (\d+) \|", table, re.M
    )
    folders = sorted(p.parent.name for p in (ROOT / "examples").glob("*/policies.cxr"))
    assert sorted(folder for folder, _ in rows) == folders
    for folder, rules in rows:
        checked = CliRunner().invoke(main, ["check", str(ROOT / "examples" / folder)])
        assert (folder, checked.output) == (folder, f"1 file, {rules} policies: ok\n")
    for readme in (ROOT / "examples").glob("*/README.md"):
        command = re.search(r"cxrules audit (.*?)\n(?:```|\n)", readme.read_text("utf-8"), re.S)
        assert command is not None, readme
        for option in ("--policies", "--mapping"):
            path = re.search(rf"{option} (\S+)", command.group(1))
            assert path is not None and (ROOT / path.group(1)).exists(), (readme, option)
