"""The fuzz campaign: generated policy text and generated log records never reach an internal
error. Whatever the input, the outcome is diagnostics, rejected records or a report — never an
exception, which `cxrules` would print as "internal error".

Policies are built from a grammar of hostile pieces (huge numbers and durations, absurd
regexes, unknown functions, lists where values go, look-alike letters, deep nesting); those that
check clean are compiled and audited. Log records carry times at the edges of the representable
range, values of every JSON type and texts that defeat backtracking matchers; they are audited
by the seed library and `tests/hostile/edge.cxr`, and every report format is rendered.

The number of examples follows the hypothesis profile (tests/conftest.py): `ci` in CI, `dev`
by default. The long run is the `fuzz` profile:

    HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cxrules import engines
from cxrules.audit import audit_events
from cxrules.diagnostics import Level, render_json, render_text
from cxrules.engines.base import RunOptions
from cxrules.findings.assemble import ReportHeader, build_report
from cxrules.logs import LogSet, open_log
from cxrules.logs.event import Event
from cxrules.policyset import load_policies
from cxrules.reports.render import render

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("text", "json", "junit", "markdown", "csv", "html")


def share(fraction: float) -> settings:
    """Settings running `fraction` of the active profile's examples (at least 10)."""
    return settings(
        max_examples=max(10, int(settings.default.max_examples * fraction)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------------- policy text

HOSTILE_NUMBERS = [
    "0",
    "1",
    "2.5",
    "99999999999999999999",
    "9" * 101,
    "9" * 5000,
    "0." + "0" * 400 + "1",
    "4294967296",
    "1000000000",
]
UNITS = ["ms", "s", "min", "h", "d", "w", " seconds", " hours", " days", " business hours"]
REGEXES = [
    "(a+)+$",
    "(?i)no ?problem",
    "a{4294967296}",
    "a{,3}",
    "(" * 3000 + "a" + ")" * 3000,
    "\\\\1",
    "(a)\\\\1",
    "(?<=a)b",
    "(?x)a",
    "[z-a]",
    "(",
    "\\\\",
    "\\\\bşikayet\\\\b",
    "[\\\\W]",
    "\\\\u00e9",
    "a++",
    "*",
]
NAMES = [
    "text",
    "amount",
    "channel",
    "t.admin",
    "t.аdmin",
    "rоle",
    "şikayet.açıldı",
    "`Complete Timestamp`",
    "org:group",
    "trigger.x",
    "previous.amount",
    "time",
    "local_time",
    "weekday",
    "ｓｍｓ",
]
TYPES = ["complaint.filed", "case.escalated", "staff.said", "t.admin", "t.аdmin", "call.*", "*"]
FUNCTIONS = ["clamp", "min", "max", "abs", "round", "lower", "upper", "length", "nope", "count"]


def _number() -> st.SearchStrategy[str]:
    return st.sampled_from(HOSTILE_NUMBERS) | st.integers(-(10**30), 10**30).map(str)


def _duration() -> st.SearchStrategy[str]:
    return st.builds(
        lambda n, u: n.lstrip("-") + u, _number(), st.sampled_from(UNITS)
    ) | st.sampled_from(["max_wait", "nope"])


def _leaf() -> st.SearchStrategy[str]:
    quoted = st.text(max_size=12).map(lambda t: json.dumps(t, ensure_ascii=False))
    return st.one_of(
        st.sampled_from(NAMES),
        _number(),
        _duration(),
        quoted,
        st.sampled_from(["80%", "1000%", "12:00", "24:61", "2026-02-30", "true", "null"]),
        st.sampled_from(TYPES).map(lambda t: f"count({t})"),
        st.sampled_from(TYPES).map(lambda t: f"last({t}).amount"),
        st.sampled_from(["changes(org:group)", "[1, 2]", "[[1]]", "[]"]),
    )


def _condition() -> st.SearchStrategy[str]:
    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.sampled_from(
            ["and", "or", "==", "!=", "<", ">=", "+", "-", "*", "/", "contains"]
        )
        return st.one_of(
            st.builds(lambda a, op, b: f"{a} {op} {b}", inner, binary, inner),
            st.builds(lambda a: f"not {a}", inner),
            st.builds(lambda a: f"({a})", inner),
            st.builds(lambda a: f"-{a}", inner),
            st.builds(lambda a, r: f'{a} matches "{r}"', inner, st.sampled_from(REGEXES)),
            st.builds(lambda a, b, c: f"{a} between {b} and {c}", inner, inner, inner),
            st.builds(lambda a, b: f"{a} in [{b}]", inner, inner),
            st.builds(lambda a: f"{a} is missing", inner),
            st.builds(
                lambda f, args: f"{f}({', '.join(args)})",
                st.sampled_from(FUNCTIONS),
                st.lists(inner, max_size=4),
            ),
        )

    return st.recursive(_leaf(), grow, max_leaves=8)


def _timing() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda d: f"within {d}", DURATION),
        st.builds(lambda a, b: f"between {a} and {b} before", DURATION, DURATION),
        st.builds(lambda d: f"at least {d} before", DURATION),
        st.sampled_from(["after", "by end of day", "by end of month", "by 24:00", "by 12:00"]),
        st.builds(lambda c: f"by {c}", CONDITION),
    )


def _rule() -> st.SearchStrategy[str]:
    types = st.sampled_from(TYPES)
    return st.one_of(
        st.builds(
            lambda n, t, c, e, tm: f"when {n}{t} where {c}\n  expect {e} {tm}",
            st.sampled_from(["", "3rd ", "1000000000th ", "9" * 200 + "th ", "0th "]),
            types,
            CONDITION,
            types,
            TIMING,
        ),
        st.builds(lambda t, c: f"forbid {t} where {c}", types, CONDITION),
        st.builds(lambda t, c: f"when {t}\n  require {c}", types, CONDITION),
        st.builds(lambda n, t, d: f"at most {n} {t} within {d}", NUMBER, types, DURATION),
        st.builds(lambda n, t: f"require {t} at least {n} times", NUMBER, types),
        st.builds(
            lambda c, g: f"state s = a.b until a.c\n  while s:\n    always {c}, grace {g}",
            CONDITION,
            DURATION,
        ),
        st.builds(
            lambda t, c, b: (
                f"metric m = count({t} where {c})\n    per store per {b}\n  require m <= 3"
            ),
            types,
            CONDITION,
            st.sampled_from(["day", "week", "month", "year"]),
        ),
    )


NUMBER = _number()
DURATION = _duration()
CONDITION = _condition()
TIMING = _timing()
RULE = _rule()


@st.composite
def policy_text(draw: st.DrawFn) -> str:
    params = draw(
        st.sampled_from(["", "param max_wait = 2min\n", "param max_wait = 99999999999999d\n"])
    )
    count = draw(st.integers(1, 3))
    policies = []
    for i in range(count):
        pid = draw(st.sampled_from([f"p.n{i}", f"t.аdmin{i}", f"şikayet.k{i}"]))
        scope = draw(st.sampled_from(["", "  per customer\n", "  per visit until customer.left\n"]))
        zone = draw(st.sampled_from(["", '  zone "Pacific/Kiritimati"\n', '  zone "Etc/GMT+12"\n']))
        policies.append(
            f'policy {pid} "Generated {i}"\n  owner "QA"\n  description "fuzz"\n'
            f"{zone}{scope}  {draw(RULE)}\n"
        )
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return bom + params + "\n".join(policies)


_POLICY_DIR = tempfile.TemporaryDirectory(prefix="cxrules-fuzz-")
_EVENTS = [
    Event(datetime(2026, 3, 2, 10, i, tzinfo=UTC), kind, f"e{i}", attrs, "fuzz", i + 1, i)
    for i, (kind, attrs) in enumerate(
        [
            ("complaint.filed", {"customer": "c1", "text": "a" * 40 + "!", "amount": 3}),
            ("staff.said", {"customer": "c1", "text": "no problem", "store": "s1"}),
            ("t.admin", {"customer": "c1", "amount": "12", "org:group": "G1"}),
            ("case.escalated", {"customer": "c1", "store": "s1"}),
            ("a.b", {"visit": "v1", "customer": "c1"}),
            ("customer.left", {"visit": "v1", "customer": "c1"}),
        ]
    )
]


@share(1.0)
@given(policy_text(), st.sampled_from(FORMATS))
def test_generated_policies_give_diagnostics_or_a_report(text: str, fmt: str) -> None:
    root = Path(_POLICY_DIR.name)
    path = root / "fuzz.cxr"
    path.write_text(text, encoding="utf-8")
    loaded = load_policies([str(path)], root=root)
    errors = [d for d in loaded.diagnostics if d.level is Level.ERROR]
    assert (loaded.policy_set is None) == bool(errors), render_text(loaded.diagnostics)
    for d in loaded.diagnostics:
        assert d.span is None or d.span.line >= 1, d
    render_text(loaded.diagnostics)
    render_json(loaded.diagnostics)
    if loaded.policy_set is not None:
        report = audit_events(loaded.policy_set, _EVENTS)
        render(report, fmt)


# --------------------------------------------------------------------------- log records

ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=14)),
        timezone(-timedelta(hours=12)),
        timezone(timedelta(hours=23, minutes=59)),
    ]
)
EDGE_TIMES = [
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00Z",
    "0001-01-02T00:00:00Z",
    "0001-01-02T00:00:00-23:59",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T23:59:59.999999",
    "9999-12-30T23:59:59.999999Z",
    "9999-12-30T23:30:00Z",
    "9999-12-30T10:00:00+14:00",
    "2026-03-29T03:30:00",
    "2026-13-01T00:00:00Z",
    "yesterday",
    "",
]


def _time() -> st.SearchStrategy[Any]:
    moments = st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=ZONES
    ).map(lambda d: d.isoformat())
    near_end = st.datetimes(
        min_value=datetime(9999, 12, 1), max_value=datetime(9999, 12, 31), timezones=ZONES
    ).map(lambda d: d.isoformat())
    return st.one_of(
        st.sampled_from(EDGE_TIMES),
        moments,
        near_end,
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.none(),
        st.booleans(),
    )


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
RECORD_TYPES = [
    "complaint.filed",
    "complaint.answered",
    "case.escalated",
    "case.waiting",
    "case.resumed",
    "staff.said",
    "staff.warned",
    "marketing.sent",
    "order.placed",
    "order.delivered",
    "appointment.booked",
    "technician.arrived",
    "customer.entered",
    "customer.left",
    "arm.connected",
    "arm.disconnected",
    "call.queued",
    "call.answered",
    "survey.answered",
]
TEXTS = st.sampled_from(["a" * 40 + "!", "a" * 5000 + "!", "no problem", "şikayet", "x\ud800y"])


@st.composite
def record(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {"time": draw(_time()), "type": draw(st.sampled_from(RECORD_TYPES))}
    for key in draw(
        st.lists(
            st.sampled_from(
                ["customer", "visit", "order", "appointment", "store", "arm", "call", "queue"]
            ),
            max_size=3,
        )
    ):
        row[key] = draw(st.sampled_from(["k1", "k2", 1, None]))
    if draw(st.booleans()):
        row["text"] = draw(TEXTS | st.text(max_size=30))
    for key in ("window_start", "window_end", "score", "amount", "id"):
        if draw(st.booleans()):
            row[key] = draw(_time() | JSON_VALUES)
    return row


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    lines = []
    for row in records:
        try:
            lines.append(json.dumps(row, ensure_ascii=True).encode("ascii"))
        except ValueError:
            lines.append(b'{"time": "bad"')
    return b"\n".join(lines) + b"\n"


_LOADED = load_policies(
    [str(ROOT / "policies"), str(ROOT / "tests" / "hostile" / "edge.cxr")], root=ROOT
)
assert _LOADED.policy_set is not None, render_text(_LOADED.diagnostics)
_LOG_DIR = tempfile.TemporaryDirectory(prefix="cxrules-fuzz-log-")


@share(1.0)
@example(  # a month bucket of 9999-12 in Kiritimati ends in the year 10000 there (written in UTC)
    records=[
        {"time": "9999-12-30T23:59:59.999999Z", "type": "order.placed", "customer": "k1"},
    ],
    zone="Pacific/Kiritimati",
    fmt="text",
)
@example(  # found by the campaign: an invariant whose grace ends after the year 9999
    records=[{"time": "7263-01-01T00:00:00+00:00", "type": "customer.entered", "visit": "k1"}],
    zone="UTC",
    fmt="text",
)
@given(
    st.lists(record(), min_size=1, max_size=12),
    st.sampled_from(["UTC", "Pacific/Kiritimati", "Etc/GMT+12"]),
    st.sampled_from(FORMATS),
)
def test_generated_records_are_audited_or_rejected(
    records: list[dict[str, Any]], zone: str, fmt: str
) -> None:
    path = Path(_LOG_DIR.name) / "fuzz.jsonl"
    path.write_bytes(_jsonl(records))
    logs = LogSet([open_log(str(path))])
    engine = engines.get("python")
    policy_set = _LOADED.policy_set
    assert policy_set is not None
    outcome = engine.run(policy_set, logs, RunOptions(zone=zone))
    report = build_report(
        policy_set, outcome, ReportHeader(engine="python", zone=zone, policy_files=[])
    )
    summary = report.inputs[0]
    assert summary.read == summary.accepted + summary.rejected
    render(report, fmt)
