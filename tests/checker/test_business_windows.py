"""Sliding windows in business time: `cxrules check` refuses (E228) exactly the windows that every
engine refuses at audit time (E302), and accepts business time where the engines count it.

Each construct is written once with a placeholder for its duration. Written with `2 business
hours`, the check says E228 at the duration, or nothing. The same policy written with `2h` passes
the check; its compiled form, with that window made business time by hand, is what an engine
would get without the check: refused by every engine when the check refuses it (and the E302 then
sends nobody to another engine), run by every engine when the check accepts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxrules import ir
from cxrules.engines.base import NO_ENGINE_HINT
from cxrules.engines.python import PythonEngine
from cxrules.policyset import load_policies

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from cxrules.engines.duckdb import DuckDBEngine  # noqa: E402 - only with duckdb installed
from cxrules.engines.spark import SparkEngine  # noqa: E402 - limits need no Spark session

HEAD = """calendar desk "Desk"
  zone "Europe/Istanbul"
  hours mon-fri 09:00-17:00

policy p.x "Test"
  owner "Desk"
  description "d"
  calendar desk
  per customer
"""

# (the rule, with {D} for its duration; what the check calls the window, None: accepted)
CONSTRUCTS = [
    ("  metric m = share(b.done within {D} of a.made)\n  require m >= 80%\n", "a share window"),
    ("  at most 3 a.made within {D}\n", "a rate-limit window"),
    ("  when 3rd a.made within {D}\n  expect b.done within 1d\n", "a counting window"),
    ("  when 3rd a.made within {D}\n  require n > 1\n", "a counting window"),
    ("  when 3rd a.made within {D}\n  forbid b.done within 1d\n", "a counting window"),
    ("  when a.made\n  expect b.done within {D} before\n", "a 'before' window"),
    ("  when a.made\n  expect b.done at least {D} before\n", "a 'before' window"),
    (
        "  when a.made\n  expect b.done within {D} before\n  expect c.done within 1d before\n",
        "a 'before' window",
    ),
    ("  when a.made\n  expect b.done within {D}\n", None),
    ("  when a.made\n  expect b.done at least {D} after\n", None),
    ("  when a.made\n  forbid b.done within {D}\n", None),
    ("  state s = a.made until b.done\n  while s: at most {D}\n", None),
    (
        "  state s = a.made until b.done\n  state t = c.done until b.done\n"
        "  while s: always count(t) >= 1, grace {D}\n",
        None,
    ),
]
ENGINES = [PythonEngine, DuckDBEngine, SparkEngine]


def load(tmp_path: Path, rule: str, duration: str) -> Any:
    (tmp_path / "p.cxr").write_text(HEAD + rule.replace("{D}", duration), encoding="utf-8")
    return load_policies([str(tmp_path / "p.cxr")], root=tmp_path)


def in_business_time(value: Any) -> Any:
    """The compiled value with every 2-hour duration made 2 business hours on `desk`."""
    if isinstance(value, ir.Duration) and value.seconds == 7200 and value.calendar is None:
        return value.model_copy(update={"calendar": "desk", "unit": "hours", "amount": 2})
    if isinstance(value, ir.IR):
        fields = type(value).model_fields
        return value.model_copy(update={k: in_business_time(getattr(value, k)) for k in fields})
    if isinstance(value, tuple):
        return tuple(in_business_time(v) for v in value)
    return value


@pytest.mark.parametrize(("rule", "window"), CONSTRUCTS)
def test_the_check_refuses_what_every_engine_refuses(tmp_path: Path, rule: str, window) -> None:
    loaded = load(tmp_path, rule, "2 business hours")
    found = [(d.code, d.message, d.hint) for d in loaded.diagnostics]
    if window is None:
        assert found == []
    else:
        assert found == [
            (
                "E228",
                f"{window} in business time (2 business hours) is not supported by any engine",
                "write it as a fixed duration, e.g. 2h instead of 2 business hours",
            )
        ]
    fixed = load(tmp_path, rule, "2h")
    assert fixed.diagnostics == [] and fixed.policy_set is not None
    business = in_business_time(fixed.policy_set)
    assert business != fixed.policy_set  # the window is now in business time
    for engine in ENGINES:
        refused = engine().limits(business)
        if window is None:
            assert refused == [], engine.name
        else:
            [problem] = refused
            assert problem.code == "E302" and problem.hint == NO_ENGINE_HINT, engine.name
            assert "another engine" not in problem.hint


def test_the_refusal_points_at_the_duration_a_parameter_included(tmp_path: Path) -> None:
    text = "param w = 2 business days\n" + HEAD + "  when 3rd a.made within w\n  require n > 1\n"
    (tmp_path / "p.cxr").write_text(text, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], root=tmp_path)
    [d] = loaded.diagnostics
    # line 11 of the file: "  when 3rd a.made within w", the w at column 26 (2 + 5 + 4 + 7 + 7
    # characters before it)
    assert (d.code, d.span.line, d.span.column, d.span.end_column) == ("E228", 11, 26, 27)
    assert d.message == (
        "a counting window in business time (2 business days) is not supported by any engine"
    )
    assert d.hint == "write it as a fixed duration, e.g. 2d instead of 2 business days"


def test_a_window_with_two_business_bounds_is_one_diagnostic(tmp_path: Path) -> None:
    # `between 4 business hours and 1 business hour before` gave an E228 per bound (hunt22): the
    # clause is one mistake, said once and underlined from the first bound to the last
    rule = "  when a.made\n  expect b.made between 4 business hours and {D} before\n"
    loaded = load(tmp_path, rule, "1 business hour")
    [d] = loaded.diagnostics
    assert (d.code, d.message, d.hint) == (
        "E228",
        "a 'before' window in business time (4 business hours and 1 business hour) is not "
        "supported by any engine",
        "write them as fixed durations, e.g. 4h and 1h instead of 4 business hours and 1 "
        "business hour",
    )
    line = rule.splitlines()[1].replace("{D}", "1 business hour")
    start = line.index("4 business") + 1
    assert (d.span.column, d.span.end_column) == (start, line.index(" before") + 1)
    # one bound in business time: the diagnostic is at that bound alone, as before
    [d] = load(tmp_path, rule, "1h").diagnostics
    assert d.message.endswith("(4 business hours) is not supported by any engine")
    assert (d.span.column, d.span.end_column) == (start, start + len("4 business hours"))
