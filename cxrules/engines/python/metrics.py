"""Reference engine, metrics: KPI values per group and calendar bucket, judged by thresholds."""

from __future__ import annotations

import math
from typing import Any

from cxrules import ir
from cxrules.engines.python.aggregates import Cell, add_value, value_of
from cxrules.engines.python.evaluate import Fn, Matcher, compile_expr
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope, cite
from cxrules.engines.python.values import text_of
from cxrules.findings import model as found
from cxrules.logs.event import Event
from cxrules.time.calendars import bucket_key
from cxrules.time.instants import from_us, seconds_to_us
from cxrules.time.zones import in_zone

CellKey = tuple[tuple[str, ...], str | None]
#: The formulas whose cells report a numerator (`found.Cell.hits`).
NUMERATORS = frozenset({"count", "ratio", "share", "csat", "nps"})


def group_text(v: Any) -> str | None:
    """A let's value as a metric group: a text as it is, true/false, a whole number below 10^18
    in magnitude without a fraction (3 and 3.0 are "3"); None for anything else (missing, a
    number with a fraction or beyond 10^18, NaN, a time, a list, an object: the event is counted
    in no cell). The SQL plans write the same texts (`sql/rules/metrics.group_text`), in every
    dialect alike.

    >>> [group_text(v) for v in ("q1", True, 3, 3.0, -0.0, 4.5, 10**30, float("nan"), None, [1])]
    ['q1', 'true', '3', '3', '0', None, None, None, None, None]
    """
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if not isinstance(v, int | float):
        return None
    try:
        x = float(v)
    except OverflowError:
        return None
    if not math.isfinite(x) or x != math.floor(x) or abs(x) >= 1e18:
        return None
    return str(int(x))


class Waiting:
    """A population event of a `share` waiting for its follow-up: its cell and deadline."""

    __slots__ = ("event", "ts", "cell", "deadline")

    def __init__(self, event: Event, ts: int, cell: Cell, deadline: int | None) -> None:
        self.event, self.ts, self.cell, self.deadline = event, ts, cell, deadline


class MetricRunner(RuleRunner):
    """Runs a `MetricCheck` (see docs/semantics.md, "Metrics"). Population events are grouped
    by their own `group_by` values and by the bucket of their time in the policy zone; a `share`
    correlates follow-ups in the policy scope (one follow-up meets every waiting population event
    of its scope; an `unless` event first fails them)."""

    kind = "metric_check"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.MetricCheck)
        self.rule, self.metric, self.agg = rule, rule.metric, rule.metric.aggregate
        agg = self.agg
        self.main = Matcher(agg.pattern, self.layout)
        self.of = Matcher(agg.of, self.layout) if agg.of is not None else None
        self.unless = Matcher(agg.unless, self.layout) if agg.unless is not None else None
        self.value = compile_expr(agg.value, self.layout) if agg.value is not None else None
        lets = {let.name: compile_expr(let.value, self.layout) for let in self.metric.lets}
        # each group: an attribute path of the event, or a let evaluated at it (a function)
        self.groups: list[str | Fn] = [lets.get(k, k) for k in self.metric.group_by]
        # fixed durations only: business-time share windows are refused by PythonEngine.limits
        self.within = seconds_to_us(agg.within.seconds) if agg.within else None
        self.cells: dict[CellKey, Cell] = {}
        self._span = (0, 0)  # the cached hour of `bucket_of` (none yet, µs) and its label
        self._label: str | None = None
        self.ungrouped = 0
        self.track(agg.pattern, agg.of, agg.unless)
        self.seal()

    def new_data(self) -> Any:
        return [] if self.agg.fn == "share" else None

    def quiet(self, scope: Scope, now: int) -> bool:
        if self.agg.fn != "share" or not scope.data:
            return True
        self.expire(scope.data, now)  # as the scope's next event would (and the horizon will)
        return not scope.data

    # ----------------------------------------------------------------- per event

    def bucket_of(self, event: Event, ts: int) -> str | None:
        """`bucket_key` of the event's time, cached for the local clock hour that holds it (at
        its UTC offset every instant of that hour has the same label; most consecutive events
        share it). An hour with an offset change inside (at either end) is not cached."""
        if self._span[0] <= ts < self._span[1]:
            return self._label
        label = bucket_key(event.time, self.metric.bucket, self.zone)
        tz = self.layout.tz
        local = in_zone(event.time, tz)
        start = ts - (local.minute * 60 + local.second) * 1_000_000 - local.microsecond
        end = start + 3_600_000_000
        offset = local.utcoffset()
        if (
            from_us(start + 10_000).astimezone(tz).utcoffset() == offset
            and from_us(end - 10_000).astimezone(tz).utcoffset() == offset
        ):
            self._span, self._label = (start, end), label
        return label

    def cell_for(self, event: Event, ts: int) -> Cell | None:
        """The cell of a population event; None (counted) when it lacks a group attribute, or
        a group let is no group there (`group_text`)."""
        group = []
        for reader in self.groups:
            if isinstance(reader, str):
                v = event.get(reader)
            else:
                ctx = self.ctx
                ctx.event, ctx.trigger = event, None
                v = group_text(reader(ctx))
            if v is None:
                self.ungrouped += 1
                return None
            group.append(v if isinstance(v, str) else text_of(v))
        key = (tuple(group), self.bucket_of(event, ts))
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = Cell()
            if self.on_due is not None:
                self.on_due(None, (key, event.time))
        return cell

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        fn, ctx, etype = self.agg.fn, self.ctx, event.type
        if fn == "share":
            self.share(scope, event, ts)
            return
        if self.main(ctx):
            cell = self.cell_for(event, ts)
            if cell is not None:
                if fn in ("count", "ratio"):
                    cell.hits += 1
                    if fn == "count":
                        cell.population += 1
                        cell.seen(event)
                else:
                    assert self.value is not None
                    if add_value(cell, fn, self.value(ctx)):
                        cell.seen(event)
        if self.of is not None and fn == "ratio" and self.of.type_ok(etype) and self.of(ctx):
            cell = self.cell_for(event, ts)
            if cell is not None:
                cell.population += 1
                cell.seen(event)

    def share(self, scope: Scope, event: Event, ts: int) -> None:
        waiting: list[Waiting] = scope.data
        ctx, etype = self.ctx, event.type
        if waiting and self.main.type_ok(etype):
            self.expire(waiting, ts)
            waiting = scope.data = self.follow_up(waiting, event, ts, self.main, True)
        if waiting and self.unless is not None and self.unless.type_ok(etype):
            self.expire(waiting, ts)
            waiting = scope.data = self.follow_up(waiting, event, ts, self.unless, False)
        assert self.of is not None
        if self.of.type_ok(etype):
            ctx.event, ctx.trigger = event, event
            if self.of.where_ok(ctx):
                cell = self.cell_for(event, ts)
                if cell is not None:
                    # evidence once counted: a member still waiting at the horizon is not
                    deadline = ts + self.within if self.within is not None else None
                    waiting.append(Waiting(event, ts, cell, deadline))
                    scope.activated = True

    def follow_up(
        self, waiting: list[Waiting], event: Event, ts: int, matcher: Matcher, success: bool
    ) -> list[Waiting]:
        ctx = self.ctx
        ctx.event = event
        still = []
        for w in waiting:
            ctx.trigger = w.event
            if matcher.where_ok(ctx):
                w.cell.population += 1
                w.cell.hits += success
                w.cell.judged(w.event, w.ts)
            else:
                still.append(w)
        return still

    def expire(self, waiting: list[Waiting], ts: int) -> None:
        for w in waiting:
            if w.deadline is not None and ts > w.deadline:
                w.cell.population += 1
                w.cell.judged(w.event, w.ts)
                w.deadline = -1  # judged: missed
        waiting[:] = [w for w in waiting if w.deadline != -1]

    # ----------------------------------------------------------------- horizon

    def finish(self, horizon: int) -> None:
        if self.agg.fn == "share":
            for scope in self.scopes.values():
                self.expire(scope.data, horizon + 1)  # a deadline at the horizon is decided
                for w in scope.data:
                    self.hold(scope, w.event, w.deadline, counted=False)  # not an activation
                scope.data = []
        self.out_of_scope += self.ungrouped

    def tally(self) -> found.Tally:
        base = super().tally()
        base.cells = [self.found_cell(key, cell) for key, cell in self.cells.items()]
        return base

    def found_cell(self, key: CellKey, cell: Cell) -> found.Cell:
        """One cell in neutral terms, as the report reads it."""
        group, bucket = key
        return found.Cell(
            group=group,
            bucket=bucket,
            value=value_of(self.agg, cell),
            population=cell.population,
            first=cite(cell.first) if cell.first is not None else None,
            last=cite(cell.last) if cell.last is not None else None,
            hits=cell.hits if self.agg.fn in NUMERATORS else None,
            low=cell.low if self.agg.fn == "nps" else None,
        )

    def waiting(self) -> list[Waiting]:
        """The `share` members still waiting for their follow-up, in every scope."""
        if self.agg.fn != "share":
            return []
        return [w for scope in self.scopes.values() for w in scope.data or ()]

    def settle(self, now: int) -> None:
        """Judge every `share` member whose window has passed by `now` (µs), as each scope's
        next event (or the horizon) would: what a cell's value is once its bucket is over."""
        if self.agg.fn == "share":
            for scope in self.scopes.values():
                if scope.data:
                    self.expire(scope.data, now)
