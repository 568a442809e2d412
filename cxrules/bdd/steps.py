"""Gherkin stage: the step library — Given policies and a log, When events happen, Then findings."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from pytest_bdd import given, parsers, then, when

from cxrules.bdd import expect
from cxrules.bdd.tables import Row, SpecError, build_events, parse_scope, table_rows
from cxrules.bdd.world import PolicySpec, World
from cxrules.ir.model import MetricCheck

Q = r'"(?P<{}>[^"]*)"'  # a quoted step argument

F = TypeVar("F", bound=Callable[..., None])


def plain(fn: F) -> F:
    """Report a failed expectation or a bad scenario as its message alone, without a traceback."""

    @functools.wraps(fn)
    def step(*args: Any, **kwargs: Any) -> None:
        world = kwargs.get("cxrules_world")
        here = _here(world) if isinstance(world, World) else ""
        message = None
        try:
            fn(*args, **kwargs)
        except SpecError as exc:
            said = str(exc)
            row = re.match(r"line (\d+): ", said)  # a table row's: said at that row instead
            if row and isinstance(world, World) and world.file and not exc.where:
                where, said = f"{world.file}:{row.group(1)}", said[row.end() :]
            elif exc.where or (world and f"{world.file}:" in said):  # said where already
                where = exc.where
            else:
                where = here
            message = f"the scenario cannot run: {where + ': ' if where else ''}{said}"
        except AssertionError as exc:  # the step that failed, then what differed
            run = getattr(world, "step", None)
            text = f" {run.keyword} {run.name}" if run is not None else ""
            message = f"{here}:{text}\n{exc}" if here else str(exc)
        if message is not None:
            pytest.fail(message, pytrace=False)

    return step  # type: ignore[return-value]


def _here(world: World) -> str:
    """The feature file and line of the step being run ('' when unknown)."""
    line = _line(world)
    return f"{world.file}:{line}" if world.file and line else ""


def _rows(world: World, what: str, allowed: set[str] | None) -> list[Row]:
    step = world.step
    table = getattr(step, "datatable", None)
    if table is None:
        raise SpecError(
            f"the step needs a {what} table under it (| time | type | … |)",
            f"{world.file}:{_line(world)}",
        )
    raw = [(row.location.line, [cell.value for cell in row.cells]) for row in table.rows]
    try:
        return table_rows(raw, what, allowed)
    except SpecError as exc:  # a column that is not one: said at the table's header
        line = raw[0][0] if raw else _line(world)
        raise SpecError(str(exc), exc.where or f"{world.file}:{line}") from None


def _line(world: World) -> int:
    """The line of the step being run (0 when pytest-bdd does not say)."""
    return int(getattr(world.step, "line_number", 0) or 0)


# --------------------------------------------------------------------------- Given


@given(parsers.re(r"the policies in " + Q.format("path")))
@plain
def policies_in(cxrules_world: World, path: str) -> None:
    """Every policy in a file or folder, relative to the project root."""
    cxrules_world.spec = PolicySpec(paths=(path,), line=_line(cxrules_world))


@given("the project policies")
@plain
def project_policies(cxrules_world: World) -> None:
    """The policies named on the command line (`cxrules test --policies`), default policies/."""
    cxrules_world.spec = PolicySpec(paths=cxrules_world.default_paths, named=True)


@given(parsers.re(r"the policy " + Q.format("pid") + r" from " + Q.format("path")))
@plain
def one_policy(cxrules_world: World, pid: str, path: str) -> None:
    """One policy, chosen by id, from a file or folder."""
    cxrules_world.spec = PolicySpec(paths=(path,), only=pid, line=_line(cxrules_world))


@given("the policy:")
@plain
def inline_policy(cxrules_world: World, docstring: str) -> None:
    """A policy written in the scenario (its `use` paths are relative to the project root)."""
    step = cxrules_world.step
    line = getattr(step, "line_number", 0)
    name = f"{cxrules_world.file} (policy of line {line})"
    cxrules_world.spec = PolicySpec(text=docstring + "\n", name=name)


@given(parsers.re(r"the parameter " + Q.format("name") + r" is " + Q.format("value")))
@plain
def parameter(cxrules_world: World, name: str, value: str) -> None:
    """Override a parameter, as `--set name=value` does."""
    cxrules_world.set_parameter(name, value)


@given(parsers.re(r"the log zone is " + Q.format("zone")))
@plain
def log_zone(cxrules_world: World, zone: str) -> None:
    """The zone of the log: naive times are read in it, and calendar rules default to it."""
    cxrules_world.set_zone(zone)


@given(parsers.re(r"the time is " + Q.format("time")))
@plain
def base_time(cxrules_world: World, time: str) -> None:
    """The base of relative times such as '+2min'."""
    cxrules_world.base = cxrules_world.clock.instant(time)


# --------------------------------------------------------------------------- When


@when("these events happen:")
@plain
def these_events(cxrules_world: World) -> None:
    """Events from a table (time, type, attribute columns), sorted by (time, row order)."""
    world = cxrules_world
    rows = _rows(world, "events", None)
    world.events.extend(build_events(rows, world.clock, world.file))
    world.events.sort(key=lambda e: (e.time.timestamp(), e.seq))
    world.events_given = True
    world.result = None


@when("no events happen")
@plain
def no_events(cxrules_world: World) -> None:
    """An empty log, said on purpose: a scenario without events fails (it would test nothing)."""
    cxrules_world.events_given = True
    cxrules_world.result = None


@given(parsers.re(r"the audit is as of " + Q.format("time")))
@when(parsers.re(r"the audit is as of " + Q.format("time")))
@plain
def audit_as_of(cxrules_world: World, time: str) -> None:
    """The evaluation horizon (default: the last event's time)."""
    cxrules_world.as_of = cxrules_world.clock.instant(time)
    cxrules_world.result = None


# --------------------------------------------------------------------------- Then


@then("there are no violations")
@plain
def no_violations(cxrules_world: World) -> None:
    expect.check_count(cxrules_world.audit(), 0, cxrules_world.clock)


@then(parsers.re(r"there (?:is|are) (?P<n>\d+) violations?"))
@plain
def n_violations(cxrules_world: World, n: str) -> None:
    expect.check_count(cxrules_world.audit(), int(n), cxrules_world.clock)


@then("the violations are:")
@plain
def violations_are(cxrules_world: World) -> None:
    allowed = {*expect.VIOLATION_COLUMNS, expect.REPORT_COLUMNS}
    rows = _rows(cxrules_world, "violations", allowed)
    expect.check_violations(cxrules_world.audit(), rows, cxrules_world.clock)


@then(
    parsers.re(
        r"policy " + Q.format("policy") + r" has (?P<s>\d+) satisfied, (?P<v>\d+) violated "
        r"and (?P<p>\d+) pending"
    )
)
@plain
def tallies(cxrules_world: World, policy: str, s: str, v: str, p: str) -> None:
    world = cxrules_world
    expect.check_tallies(world.audit(), policy, int(s), int(v), int(p), world.clock)


@then(parsers.re(r"policy " + Q.format("policy") + r" is vacuously satisfied"))
@plain
def vacuous(cxrules_world: World, policy: str) -> None:
    expect.check_vacuous(cxrules_world.audit(), policy)


@then(
    parsers.re(
        r"policy " + Q.format("policy") + r" has (?P<n>\d+) events? outside (?:its|the) scope"
    )
)
@plain
def out_of_scope(cxrules_world: World, policy: str, n: str) -> None:
    expect.check_out_of_scope(cxrules_world.audit(), policy, int(n))


@then("there are no pending obligations")
@plain
def no_pending(cxrules_world: World) -> None:
    expect.check_pending(cxrules_world.audit(), 0, None, cxrules_world.clock)


@then(
    parsers.re(
        r"there (?:is|are) (?P<n>\d+) pending obligations? with deadline " + Q.format("deadline")
    )
)
@plain
def pending_with_deadline(cxrules_world: World, n: str, deadline: str) -> None:
    expect.check_pending(cxrules_world.audit(), int(n), deadline, cxrules_world.clock)


@then(parsers.re(r"there (?:is|are) (?P<n>\d+) pending obligations? with no deadline"))
@plain
def pending_without_deadline(cxrules_world: World, n: str) -> None:
    expect.check_pending(cxrules_world.audit(), int(n), None, cxrules_world.clock)


_METRIC = (
    r"the metric "
    + Q.format("name")
    # a group value with a comma is in double quotes: for store="Cluj, Napoca"
    + r"(?: for (?P<group>(?:[^\"]|\"(?:[^\"\\]|\\.)*\")+?))? on bucket "
    + Q.format("bucket")
)


@then(parsers.re(_METRIC + r" is (?P<value>\S+) and " + Q.format("status")))
@plain
def metric_value(
    cxrules_world: World, name: str, group: Any, bucket: str, value: str, status: str
) -> None:
    world = cxrules_world
    cell = expect.find_metric(
        world.audit(), name, parse_scope(group or ""), bucket or None, _metrics(world)
    )
    expect.check_metric(cell, value, status)


@then(parsers.re(_METRIC + r" is not applicable"))
@plain
def metric_not_applicable(cxrules_world: World, name: str, group: Any, bucket: str) -> None:
    world = cxrules_world
    cell = expect.find_metric(
        world.audit(), name, parse_scope(group or ""), bucket or None, _metrics(world)
    )
    expect.check_metric(cell, None, "not_applicable")


def _metrics(world: World) -> list[str]:
    """The names of the metrics the scenario's policies define."""
    rules = [p.rule for p in world.policy_set().policies]
    return list(dict.fromkeys(r.metric.name for r in rules if isinstance(r, MetricCheck)))


@then(parsers.re(r"the violation sentence contains " + Q.format("text")))
@plain
def sentence_contains(cxrules_world: World, text: str) -> None:
    expect.check_sentence(cxrules_world.audit(), text, True, cxrules_world.clock)


@then(parsers.re(r"the violation sentence is " + r'"(?P<text>.*)"$'))
@plain
def sentence_is(cxrules_world: World, text: str) -> None:
    """The single violation's sentence, word for word."""
    expect.check_exact_sentence(cxrules_world.audit(), text, cxrules_world.clock)


@then("the violation details are:")
@plain
def details_are(cxrules_world: World) -> None:
    """The single violation's `details`, one `| key | value |` row per key compared."""
    rows = _rows(cxrules_world, "details", {"key", "value"})
    expect.check_details(cxrules_world.audit(), rows, cxrules_world.clock)


@then(parsers.re(r"a violation sentence contains " + Q.format("text")))
@plain
def some_sentence_contains(cxrules_world: World, text: str) -> None:
    expect.check_sentence(cxrules_world.audit(), text, False, cxrules_world.clock)
