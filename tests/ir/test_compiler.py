"""Compiler tests: checked policies become the engine-neutral IR — durations in seconds,
percentages as fractions, parameters substituted (and overridden), lets inlined, windows
normalised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxrules import ir
from cxrules.checker.check import check
from cxrules.ir.compile import CompileError, compile_workspace
from cxrules.ir.validate import validate
from cxrules.language.workspace import load
from cxrules.policyset import load_policies

ROOT = Path(__file__).resolve().parents[2]
META = '  owner "O"\n  description "D"\n'


def compile_text(
    tmp_path: Path, text: str, overrides: dict[str, str] | None = None
) -> ir.PolicySet:
    (tmp_path / "p.cxr").write_text(text, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], overrides, root=tmp_path)
    assert loaded.diagnostics == [], [d.render() for d in loaded.diagnostics]
    assert loaded.policy_set is not None
    return loaded.policy_set


def one(tmp_path: Path, body: str, head: str = "", **kw: dict[str, str]) -> ir.Policy:
    ps = compile_text(tmp_path, head + 'policy p.q "T"\n' + META + body, **kw)
    assert len(ps.policies) == 1
    return ps.policies[0]


def test_metadata_and_defaults(tmp_path: Path) -> None:
    p = one(tmp_path, '  tags a, b\n  source "SOP 7"\n  per visit, arm.id\n  forbid x.y\n')
    assert (p.id, p.title, p.severity, p.owner, p.description) == ("p.q", "T", "medium", "O", "D")
    assert (p.tags, p.reference, p.scope, p.zone, p.file, p.line) == (
        ("a", "b"),
        "SOP 7",
        ("visit", "arm.id"),
        None,
        "p.cxr",
        1,
    )
    assert p.rule == ir.Absence(pattern=ir.Pattern(types=("x.y",), text="x.y"))


def test_durations_are_seconds(tmp_path: Path) -> None:
    p = one(tmp_path, "  when a.b\n  expect c.d within 2 hours\n")
    assert isinstance(p.rule, ir.Response)
    assert p.rule.window == ir.Window(
        direction="after", max=ir.Duration(seconds=7200, text="2 hours")
    )
    p = one(tmp_path, "  at most 3 a.b within 1w\n")
    assert p.rule == ir.RateLimit(
        pattern=ir.Pattern(types=("a.b",), text="a.b"),
        at_most=3,
        within=ir.Duration(seconds=604800, text="1w"),
    )
    p = one(tmp_path, "  when a.b\n  forbid c.d within 1.5min\n")
    assert isinstance(p.rule, ir.ForbidAfter)
    assert p.rule.window.max == ir.Duration(seconds=90, text="1.5min")


def test_window_between_is_normalised(tmp_path: Path) -> None:
    p = one(tmp_path, "  when a.b\n  expect c.d between 35min and 25min before\n")
    assert isinstance(p.rule, ir.Response)
    assert p.rule.window == ir.Window(
        direction="before",
        min=ir.Duration(seconds=1500, text="25min"),
        max=ir.Duration(seconds=2100, text="35min"),
    )


@pytest.mark.parametrize(
    ("timing", "window"),
    [
        ("before", ir.Window(direction="before")),
        ("after", ir.Window(direction="after")),
        (
            "at least 15min before",
            ir.Window(direction="before", min=ir.Duration(seconds=900, text="15min")),
        ),
        (
            "at most 1h after",
            ir.Window(direction="after", max=ir.Duration(seconds=3600, text="1h")),
        ),
        (
            "by end of day",
            ir.Window(direction="after", deadline=ir.CalendarPoint(point="end_of_day")),
        ),
        (
            "by 18:00",
            ir.Window(
                direction="after", deadline=ir.CalendarPoint(point="time_of_day", time="18:00")
            ),
        ),
        (
            "by last(x.booked).window_end",
            ir.Window(
                direction="after",
                deadline=ir.History(
                    fn="last",
                    pattern=ir.Pattern(types=("x.booked",), text="x.booked"),
                    field="window_end",
                ),
            ),
        ),
    ],
)
def test_windows(tmp_path: Path, timing: str, window: ir.Window) -> None:
    p = one(tmp_path, f"  when a.b\n  expect c.d {timing}\n")
    assert isinstance(p.rule, ir.Response)
    assert p.rule.window == window


def test_percentages_are_fractions_and_params_substituted(tmp_path: Path) -> None:
    head = "param target = 80%\n\n"
    body = (
        '  zone "Europe/Istanbul"\n'
        "  per call\n"
        "  metric sl = share(call.answered within 20s of call.queued unless call.abandoned)\n"
        "    by queue\n    per day\n"
        "  require sl >= target warn below 85% minimum sample 20\n"
    )
    p = one(tmp_path, body, head)
    assert p.zone == "Europe/Istanbul"
    rule = p.rule
    assert isinstance(rule, ir.MetricCheck)
    assert rule.require == ir.Threshold(op=">=", value=0.8)
    assert rule.warn == ir.Threshold(op=">=", value=0.85)
    assert rule.metric == ir.Metric(
        name="sl",
        aggregate=ir.Aggregate(
            fn="share",
            pattern=ir.Pattern(types=("call.answered",), text="call.answered"),
            of=ir.Pattern(types=("call.queued",), text="call.queued"),
            within=ir.Duration(seconds=20, text="20s"),
            unless=ir.Pattern(types=("call.abandoned",), text="call.abandoned"),
        ),
        group_by=("queue",),
        bucket="day",
        min_sample=20,
        unit="percent",
    )


def test_params_overridden_with_set(tmp_path: Path) -> None:
    head = "param max_wait = 2min\nparam limit = 3\nparam target = 80%\n\n"
    text = (
        head
        + 'policy a.b "T"\n'
        + META
        + "  when call.queued\n  expect call.answered within max_wait\n"
        + 'policy c.d "T"\n'
        + META
        + "  at most limit x.y within 1d\n"
        + 'policy e.f "T"\n'
        + META
        + "  metric r = ratio(a.x, a.y)\n  require r <= target\n"
    )
    plain = compile_text(tmp_path, text)
    assert plain.parameters == {"max_wait": "2min", "limit": "3", "target": "80%"}
    ps = compile_text(tmp_path, text, {"max_wait": "3min", "limit": "5", "target": "90%"})
    a, c, e = ps.policies
    assert isinstance(a.rule, ir.Response) and a.rule.window.max is not None
    assert a.rule.window.max.seconds == 180
    assert isinstance(c.rule, ir.RateLimit) and c.rule.at_most == 5
    assert isinstance(e.rule, ir.MetricCheck) and e.rule.require.value == pytest.approx(0.9)
    assert ps.parameters == {"max_wait": "3min", "limit": "5", "target": "90%"}


def test_lets_are_inlined_and_states_resolved(tmp_path: Path) -> None:
    body = (
        "  per visit\n"
        "  let battery = clamp(50% + 10% * count(arm.connected), 0%, 100%)\n"
        "  when customer.left\n  require battery >= 90%\n"
    )
    p = one(tmp_path, body)
    pct = lambda v: ir.Lit(value=v, type="percent")  # noqa: E731
    connected = ir.History(
        fn="count", pattern=ir.Pattern(types=("arm.connected",), text="arm.connected")
    )
    battery = ir.Call(
        fn="clamp",
        args=(
            ir.Binary(
                op="+", left=pct(0.5), right=ir.Binary(op="*", left=pct(0.1), right=connected)
            ),
            pct(0.0),
            pct(1.0),
        ),
    )
    assert p.rule == ir.ValueCheck(
        trigger=ir.Trigger(pattern=ir.Pattern(types=("customer.left",), text="customer.left")),
        condition=ir.Binary(op=">=", left=battery, right=pct(0.9)),
        # issue 12, point 7: the condition as written and the let by its name, for sentences
        text="battery >= 90%",
        shown=(ir.Shown(text="battery", value=battery, unit="percent"),),
    )


def test_a_value_check_shows_its_lets_and_computed_operands(tmp_path: Path) -> None:
    body = (
        "  per visit\n"
        "  let waited = count(customer.waited)\n"
        "  let score = 10 - waited\n"
        "  when customer.left\n"
        "  require score >= 5 and time - first(customer.entered).time <= 2h and waited < 3\n"
    )
    rule = one(tmp_path, body).rule
    assert isinstance(rule, ir.ValueCheck)
    assert rule.text == ("score >= 5 and time - first(customer.entered).time <= 2h and waited < 3")
    assert [(s.text, s.unit) for s in rule.shown] == [
        ("score", "number"),  # an outer let before the lets it uses
        ("waited", "number"),
        ("time - first(customer.entered).time", "duration"),
    ]


def test_invariant_with_state_and_inline_interval(tmp_path: Path) -> None:
    body = (
        "  per visit\n  state connection = arm.connected until arm.disconnected, by arm\n"
        "  while customer.entered until customer.left:\n"
        "    always count(connection) >= 1, grace 30s\n"
    )
    p = one(tmp_path, body)
    during = "customer.entered until customer.left"
    assert [s.name for s in p.states] == ["connection", during]
    assert p.states[0] == ir.State(
        name="connection",
        start=ir.Pattern(types=("arm.connected",), text="arm.connected"),
        end=ir.Pattern(types=("arm.disconnected",), text="arm.disconnected"),
        by="arm",
    )
    assert p.rule == ir.Invariant(
        during=during,
        condition=ir.Binary(
            op=">=",
            left=ir.StateRef(name="connection", fn="count"),
            right=ir.Lit(value=1, type="number"),
        ),
        grace=ir.Duration(seconds=30, text="30s"),
    )


def test_business_time_calendar_and_paused_clock(tmp_path: Path) -> None:
    head = (
        'calendar desk\n  zone "Europe/Istanbul"\n  hours mon-fri 09:00-18:00, sat 10:00-14:00\n'
        '  holidays "TR"\n  closed 2026-12-31\n\n'
        "state waiting = f.asked until f.replied\n\n"
    )
    body = (
        "  calendar desk\n  when c.filed\n"
        "  expect c.answered within 16 business hours paused while waiting\n"
    )
    ps = compile_text(tmp_path, head + 'policy p.q "T"\n' + META + body)
    p = ps.policies[0]
    assert p.zone == "Europe/Istanbul"
    assert isinstance(p.rule, ir.Response)
    assert p.rule.window == ir.Window(
        direction="after",
        max=ir.Duration(
            seconds=57600, calendar="desk", unit="hours", amount=16, text="16 business hours"
        ),
        paused_while="waiting",
    )
    assert [s.name for s in p.states] == ["waiting"]
    assert ps.calendars["desk"] == ir.Calendar(
        name="desk",
        zone="Europe/Istanbul",
        hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "18:00"),)) for d in range(5))
        + (ir.WeekHours(weekday=5, ranges=(("10:00", "14:00"),)),),
        holiday_country="TR",
        closed_dates=("2026-12-31",),
    )


def test_counted_trigger_and_expressions(tmp_path: Path) -> None:
    body = (
        "  per customer, topic\n"
        "  when 3rd or later complaint.filed where local_time < 12:00 within 30d\n"
        "  expect case.escalated within 24h where team == trigger.team and time > previous.time\n"
        "  unless case.resolved\n"
    )
    p = one(tmp_path, body)
    rule = p.rule
    assert isinstance(rule, ir.Response)
    assert rule.trigger == ir.Trigger(
        pattern=ir.Pattern(
            types=("complaint.filed",),
            where=ir.Binary(
                op="<",
                left=ir.Local(part="time_of_day"),
                right=ir.Lit(value=43200.0, type="time_of_day"),
            ),
            text="complaint.filed",
        ),
        nth=3,
        or_later=True,
        within=ir.Duration(seconds=2592000, text="30d"),
    )
    assert rule.expect.where == ir.Binary(
        op="and",
        left=ir.Binary(
            op="==", left=ir.Attr(path="team"), right=ir.Attr(path="team", of="trigger")
        ),
        right=ir.Binary(op=">", left=ir.Time(), right=ir.Time(of="previous")),
    )


def test_seed_library_compiles(tmp_path: Path) -> None:
    loaded = load_policies([str(ROOT / "policies")], root=ROOT)
    assert loaded.policy_set is not None
    ids = [p.id for p in loaded.policy_set.policies]
    written = re.findall(
        r"^policy (\S+)",
        "".join(f.read_text() for f in (ROOT / "policies").glob("*.cxr")),
        re.M,
    )
    assert ids == sorted(written)
    assert set(loaded.policy_set.calendars) == {"support_tr", "store_ro"}
    # The revision is a sha256 over the files: same files, same revision.
    again = load_policies([str(ROOT / "policies")], root=ROOT)
    assert again.policy_set is not None
    assert again.policy_set.revision == loaded.policy_set.revision
    assert len(loaded.policy_set.revision) == 64


def test_compiling_unchecked_policies_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.cxr").write_text('policy p.q "T"\n  severity hgh\n  forbid a.b\n')
    ws = load([str(tmp_path / "p.cxr")], tmp_path)
    with pytest.raises(CompileError, match="run 'cxrules check'"):
        compile_workspace(ws, check(ws))


@pytest.mark.parametrize(
    ("requirement", "unit", "value"),
    [
        ("require asa <= 30s", "duration", 30.0),
        ("require asa <= 2min", "duration", 120.0),
        ("require asa <= 30", "number", 30.0),
        # a value aggregate held to a percentage is one: 170% and 100%, not 1.7 and 1
        ("require asa <= 100%", "percent", 1.0),
    ],
)
def test_a_metric_compared_with_a_duration_is_a_waiting_time(
    tmp_path: Path, requirement: str, unit: str, value: float
) -> None:
    body = f"  metric asa = avg(wait of call.answered)\n    per day\n  {requirement}\n"
    rule = one(tmp_path, body).rule
    assert isinstance(rule, ir.MetricCheck)
    assert (rule.metric.unit, rule.require.value) == (unit, value)


def test_a_metric_grouped_by_a_let_and_its_percentile_method(tmp_path: Path) -> None:
    # issue 12, points 15 and 16: the let becomes a group whose history reads up to and
    # including the counted event; the method is compiled by name
    body = (
        "  per call\n  let q = first(call.queued).queue\n"
        "  metric p90 = percentile(wait of call.answered, 90, nearest rank)\n    by q, channel\n"
        "  require p90 <= 1min\n"
    )
    rule = one(tmp_path, body).rule
    assert isinstance(rule, ir.MetricCheck)
    metric = rule.metric
    assert metric.group_by == ("q", "channel")
    assert metric.lets == (
        ir.GroupLet(
            name="q",
            value=ir.History(
                fn="first",
                pattern=ir.Pattern(types=("call.queued",), text="call.queued"),
                field="queue",
                include_current=True,
            ),
        ),
    )
    assert metric.aggregate.method == "nearest_rank"
    linear = one(tmp_path, "  metric p = percentile(wait of call.answered, 50)\n  require p < 1\n")
    assert isinstance(linear.rule, ir.MetricCheck)
    assert linear.rule.metric.aggregate.method == "linear" and linear.rule.metric.lets == ()


def test_validation_refuses_a_group_let_that_is_no_group() -> None:
    from cxrules.ir.validate import validate

    agg = ir.Aggregate(fn="count", pattern=ir.Pattern(types=("x",), text="x"))
    stray = ir.GroupLet(name="q", value=ir.Attr(path="queue"))
    rule = ir.MetricCheck(
        metric=ir.Metric(name="n", aggregate=agg, group_by=("queue",), lets=(stray,)),
        require=ir.Threshold(op=">=", value=1),
    )
    policy = ir.Policy(id="p.q", title="T", rule=rule)
    (problem,) = validate(ir.PolicySet(policies=(policy,)))
    assert "metric group let 'q' is not one of the metric's groups" in problem.message


def test_a_state_time_limit_is_an_invariant_of_false_with_the_limit_as_grace(
    tmp_path: Path,
) -> None:
    body = "  per ticket\n  while ticket.queued until ticket.accepted: at most 24h\n"
    p = one(tmp_path, body)
    assert p.rule == ir.Invariant(
        during="ticket.queued until ticket.accepted",
        condition=ir.Lit(value=False, type="bool"),
        grace=ir.Duration(seconds=86400, text="24h"),
        limit=True,
    )


def test_trigger_counts_is_kept_and_checked_against_the_ir(tmp_path: Path) -> None:
    body = "  per case\n  when case.opened expect case.taken within 2h, trigger counts\n"
    rule = one(tmp_path, body).rule
    assert isinstance(rule, ir.Response) and rule.trigger_counts
    plain = one(tmp_path, "  per case\n  when case.opened expect case.taken within 2h\n").rule
    assert isinstance(plain, ir.Response) and not plain.trigger_counts
    late = rule.model_copy(
        update={"window": ir.Window(direction="after", min=ir.Duration(seconds=60, text="1min"))}
    )
    bad = ir.PolicySet(policies=(one(tmp_path, body).model_copy(update={"rule": late}),))
    assert [d.message for d in validate(bad)] == [
        "policy p.q (p.cxr:1): 'trigger counts' needs a window that starts at the trigger"
    ]


def test_validation_refuses_a_deadline_at_24_00(tmp_path: Path) -> None:
    policy = one(tmp_path, "  per order\n  when order.placed expect order.delivered by 23:59\n")
    assert isinstance(policy.rule, ir.Response) and policy.rule.window is not None
    assert validate(ir.PolicySet(policies=(policy,))) == []
    point = ir.CalendarPoint(point="time_of_day", time="24:00")
    window = policy.rule.window.model_copy(update={"deadline": point})
    late = policy.model_copy(update={"rule": policy.rule.model_copy(update={"window": window})})
    assert [d.message for d in validate(ir.PolicySet(policies=(late,)))] == [
        "policy p.q (p.cxr:1): invalid time of day '24:00'"
    ]


def test_validation_names_an_invalid_calendar_once() -> None:
    week = (ir.WeekHours(weekday=4, ranges=(("09:00", "18:00"), ("09:00", "13:00"))),)
    desk = ir.Calendar(name="desk", zone="UTC", hours=week)
    bad = ir.PolicySet(policies=(), calendars={"desk": desk})
    assert [d.message for d in validate(bad)] == [
        "calendar 'desk': opening ranges on weekday 4 overlap"
    ]


def test_validation_refuses_a_paused_clock_in_business_days(tmp_path: Path) -> None:
    # `--set` can turn a paused clock's duration into business days after the check: the
    # engines (python raised mid-run, duckdb counted a day's opening hours) never see it
    body = (
        "  per case\n  state hold = case.held until case.resumed\n"
        "  when case.opened expect case.closed within 8h paused while hold\n"
    )
    policy = one(tmp_path, body)
    assert isinstance(policy.rule, ir.Response) and policy.rule.window is not None
    assert validate(ir.PolicySet(policies=(policy,))) == []
    day = ir.Duration(seconds=86400, calendar="desk", unit="days", amount=1, text="1 business day")
    window = policy.rule.window.model_copy(update={"max": day})
    days = policy.model_copy(update={"rule": policy.rule.model_copy(update={"window": window})})
    desk = ir.Calendar(
        name="desk", zone="UTC", hours=(ir.WeekHours(weekday=0, ranges=(("09:00", "17:00"),)),)
    )
    found = validate(ir.PolicySet(policies=(days,), calendars={"desk": desk}))
    assert [d.message for d in found] == [
        "policy p.q (p.cxr:1): a clock counted in business days cannot pause; write the "
        "duration in business hours to use 'paused while'"
    ]


def test_validation_refuses_a_paused_clock_to_the_end_of_a_business_day(tmp_path: Path) -> None:
    # Every engine paused such a clock in elapsed time: 'by end of business day paused while
    # hold' on a desk closing at 17:00, paused 11:00-12:00, was due at 18:00, after closing
    # (hunt45). A compiled set that reaches the engines without the checker is refused too.
    body = (
        "  per case\n  state hold = case.held until case.resumed\n"
        "  when case.opened expect case.closed by end of day paused while hold\n"
    )
    policy = one(tmp_path, body)
    assert isinstance(policy.rule, ir.Response) and policy.rule.window is not None
    assert validate(ir.PolicySet(policies=(policy,))) == []
    closing = ir.CalendarPoint(point="end_of_business_day", calendar="desk")
    window = policy.rule.window.model_copy(update={"deadline": closing})
    paused = policy.model_copy(update={"rule": policy.rule.model_copy(update={"window": window})})
    desk = ir.Calendar(
        name="desk", zone="UTC", hours=(ir.WeekHours(weekday=0, ranges=(("09:00", "17:00"),)),)
    )
    found = validate(ir.PolicySet(policies=(paused,), calendars={"desk": desk}))
    assert [d.message for d in found] == [
        "policy p.q (p.cxr:1): a clock that runs to the end of a business day cannot pause; "
        "write the time in business hours to use 'paused while'"
    ]
