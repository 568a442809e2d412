"""SQL plans, expressions: the SQL of an expression grows with the expression, not faster.

A value is several SQL texts (its kind and one per kind, `engines.sql.values`); when the kind
of an arithmetic result repeated the whole result, each level of nesting doubled the text, and
a let of a few sums and a clamp (octopus.battery) became a 56,000-character plan that Spark
spent ten seconds planning. Two numbers never missing make a sum that is never missing: its
kind is a constant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.driver import compile_plans
from cxrules.policyset import load_policies

# Pure SQL text, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")


def _judged(tmp_path: Path, terms: int) -> str:
    total = " + ".join(f"{n % 7 + 1} * count(e{n})" for n in range(terms))
    (tmp_path / f"sum{terms}.cxr").write_text(
        f'policy t.sum{terms} "A sum of counts"\n'
        "  per visit until customer.left\n"
        f"  let total = clamp({total}, 0, 1000)\n"
        "  when customer.left\n"
        "  require total >= 3\n"
    )
    loaded = load_policies([str(tmp_path / f"sum{terms}.cxr")])
    assert loaded.policy_set is not None, loaded.diagnostics
    catalog = Catalog.of(loaded.policy_set)
    (plan,), _ = compile_plans(loaded.policy_set, catalog, "UTC", (0, 0, 0))
    ctes = dict(plan.ctes)
    # a long let is a column of its own stage before the judging (`let1`), read by name there
    return ctes.get("let1", "") + ctes["judged"]


def test_a_sum_of_counts_grows_linearly_in_sql(tmp_path: Path) -> None:
    small, large = _judged(tmp_path, 4), _judged(tmp_path, 16)
    # four times the terms, at most five times the text (the old code ran out of memory at 16)
    assert len(large) < 5 * len(small)
    # each count is written four times whatever the number of terms: the clamp's lower bound
    # compares the sum and takes it, the upper bound does so with the lower bound's result
    assert len(re.findall(r"\bh3\b", small)) == 4
    assert len(re.findall(r"\bh15\b", large)) == 4


def test_a_sum_never_missing_has_a_constant_kind(tmp_path: Path) -> None:
    judged = _judged(tmp_path, 2)
    # no "is the sum NULL?" test: counts are never missing, nor is their sum
    assert "IS NULL THEN NULL ELSE" not in judged


def test_a_local_time_is_computed_once_per_row(tmp_path: Path) -> None:
    # a comparison of numbers within the tolerance writes each operand seven times: a local
    # time inline there made every row do its day arithmetic seven times over
    (tmp_path / "noon.cxr").write_text(
        'policy t.noon "Morning orders ship"\n'
        '  zone "Europe/Bucharest"\n'
        "  per order\n"
        "  when order.placed where local_time < 12:00\n"
        "  expect order.shipped within 1d\n"
    )
    loaded = load_policies([str(tmp_path / "noon.cxr")])
    assert loaded.policy_set is not None, loaded.diagnostics
    (plan,), _ = compile_plans(loaded.policy_set, Catalog.of(loaded.policy_set), "UTC", (0, 0, 0))
    ctes = dict(plan.ctes)
    # the day arithmetic in `base`, once per row; read as the column `ltod` afterwards
    assert len(re.findall(r"\) AS ltod\b", ctes["base"])) == 1
    assert "86400000000" not in ctes["tmatch"]
    assert len(re.findall(r"\bltod\b", ctes["tmatch"])) == 7


def _plan_sql(tmp_path: Path, lets: str, require: str) -> dict[str, str]:
    (tmp_path / "handle.cxr").write_text(
        'policy t.handle "Calls are handled within 20 minutes"\n'
        "  per call\n"
        "  let handle = ivr + queue + talk + hold + wrap + transfer\n"
        f"{lets}"
        "  when call.ended\n"
        f"  require {require}\n"
    )
    loaded = load_policies([str(tmp_path / "handle.cxr")])
    assert loaded.policy_set is not None, loaded.diagnostics
    (plan,), _ = compile_plans(loaded.policy_set, Catalog.of(loaded.policy_set), "UTC", (0, 0, 0))
    return dict(plan.ctes)


def test_a_let_read_several_times_is_written_once(tmp_path: Path) -> None:
    # a let is inlined at each use: the six-term sum read by the condition, by two more lets
    # and by the values a violation shows was written out five times over (4.8 MB of SQL,
    # where the sum alone is 30 kB); each long let is now a column of a stage before the
    # judging, which the condition and the values shown read by name
    once = _plan_sql(tmp_path, "", "handle <= 1200")
    again = _plan_sql(
        tmp_path,
        "  let over = handle - 1200\n  let long = handle > 1500\n",
        "(handle <= 1200 and over <= 0) or (long and hold < 10)",
    )
    assert sum(map(len, again.values())) < 1.5 * sum(map(len, once.values()))
    # the sum is the let's column: the judging reads the column, not the attributes
    assert "+" in again["let1"] and "_cx_let1" in again["judged"]
    assert not re.search(r"\ba1_k\b", again["judged"])


def test_a_history_time_is_never_parsed_as_a_text(tmp_path: Path) -> None:
    # `first(*).time` is an instant or missing, never a text: reading it as one wrote a parse
    # of its text (a scalar subquery, never taken) into each arithmetic on it, and Spark ran
    # out of memory on 3,500 events with `(time - first(*).time) / 1min` in a report
    (tmp_path / "talk.cxr").write_text(
        'policy t.talk "Calls end within 3.3 minutes of their first event"\n'
        "  per call\n"
        "  when call.ended\n"
        "  require (time - first(*).time) / 1min <= 3.3\n"
        "  report mins = (time - first(*).time) / 1min\n"
    )
    loaded = load_policies([str(tmp_path / "talk.cxr")])
    assert loaded.policy_set is not None, loaded.diagnostics
    (plan,), _ = compile_plans(loaded.policy_set, Catalog.of(loaded.policy_set), "UTC", (0, 0, 0))
    # texts of attributes are read as instants once, in `base`; nothing after it parses one
    later = [text for name, text in plan.ctes if name != "base"] + list(plan.finals().values())
    assert not any("_text" in text or "regexp_extract" in text for text in later)


def _condition_sql(tmp_path: Path, depth: int) -> str:
    """The SQL of a trigger condition nesting `not (… or (… and …))` `depth` times, each level
    comparing an attribute with a text."""
    condition = 'queue == "q0"'
    for n in range(1, depth + 1):
        condition = f'not (queue == "q{n}" or (channel == "sms" and {condition}))'
    (tmp_path / f"nested{depth}.cxr").write_text(
        f'policy t.nested{depth} "Tickets are closed within the hour"\n'
        "  per ticket\n"
        f"  when ticket.opened where {condition}\n"
        "  expect ticket.closed within 1h\n"
    )
    loaded = load_policies([str(tmp_path / f"nested{depth}.cxr")])
    assert loaded.policy_set is not None, loaded.diagnostics
    (plan,), _ = compile_plans(loaded.policy_set, Catalog.of(loaded.policy_set), "UTC", (0, 0, 0))
    return "\n".join(sql for _, sql in plan.ctes)


def test_a_nested_condition_grows_linearly_in_sql(tmp_path: Path) -> None:
    # a condition that is never missing (comparisons, `and`, `or`, `not` of them) has the
    # constant kind of a boolean: `not` no longer writes its operand twice (its kind and its
    # value), and six levels no longer pass the 8 MB refusal (E302)
    two, six = _condition_sql(tmp_path, 2), _condition_sql(tmp_path, 6)
    assert len(re.findall(r"'q0'", two)) == len(re.findall(r"'q0'", six)) == 1
    assert len(re.findall(r"'sms'", six)) == 6
    assert len(six) < 3 * len(two)


def test_a_text_constant_that_is_no_number_is_not_parsed_as_one(tmp_path: Path) -> None:
    # `queue == "q1"` compares numbers only when the text reads as one: "q1" does not, so no
    # branch parses it at run time (a number or an instant against "q1" is simply unequal)
    sql = _condition_sql(tmp_path, 1)
    assert "regexp_matches('q1'" not in sql and "regexp_matches('sms'" not in sql
    (tmp_path / "number.cxr").write_text(
        'policy t.number "A score written as text"\n'
        "  per ticket\n"
        '  when ticket.opened where score == "45"\n'
        "  expect ticket.closed within 1h\n"
    )
    loaded = load_policies([str(tmp_path / "number.cxr")])
    assert loaded.policy_set is not None, loaded.diagnostics
    (plan,), _ = compile_plans(loaded.policy_set, Catalog.of(loaded.policy_set), "UTC", (0, 0, 0))
    # "45" reads as a number: a number 45 (or 45.0) equals it, as in the python engine
    assert "regexp_matches('45'" in "\n".join(sql for _, sql in plan.ctes)
