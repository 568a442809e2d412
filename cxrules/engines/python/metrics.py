"""Reference engine, metrics: KPI values per group and calendar bucket, judged by thresholds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cxrules import ir
from cxrules.engines.python.aggregates import Cell, add_value, check_aggregate, holds, value_of
from cxrules.engines.python.clock import fixed_seconds
from cxrules.engines.python.evaluate import Matcher, compile_expr
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope
from cxrules.engines.python.sentences import duration_text, number, pattern_text, percent, when
from cxrules.engines.python.values import text_of
from cxrules.logs.event import Event
from cxrules.reports.model import MetricValue, PolicySummary
from cxrules.time.calendars import bucket_key
from cxrules.time.format import format_duration

CellKey = tuple[tuple[str, ...], str | None]


class Waiting:
    """A population event of a `share` waiting for its follow-up: its cell and deadline."""

    __slots__ = ("event", "ts", "cell", "deadline")

    def __init__(self, event: Event, ts: float, cell: Cell, deadline: float | None) -> None:
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
        check_aggregate(self.agg)
        agg = self.agg
        self.main = Matcher(agg.pattern, self.layout)
        self.of = Matcher(agg.of, self.layout) if agg.of is not None else None
        self.unless = Matcher(agg.unless, self.layout) if agg.unless is not None else None
        self.value = compile_expr(agg.value, self.layout) if agg.value is not None else None
        self.within = fixed_seconds(agg.within, "a share window") if agg.within else None
        self.cells: dict[CellKey, Cell] = {}
        self._span = (0.0, 0.0)  # the cached hour of `bucket_of` (none yet) and its label
        self._label: str | None = None
        self.ungrouped = 0
        self.track(agg.pattern, agg.of, agg.unless)
        self.seal()

    def new_data(self) -> Any:
        return [] if self.agg.fn == "share" else None

    def quiet(self, scope: Scope, now: float) -> bool:
        if self.agg.fn != "share" or not scope.data:
            return True
        self.expire(scope.data, now)  # as the scope's next event would (and the horizon will)
        return not scope.data

    # ----------------------------------------------------------------- per event

    def bucket_of(self, event: Event, ts: float) -> str | None:
        """`bucket_key` of the event's time, cached for the local clock hour that holds it (at
        its UTC offset every instant of that hour has the same label; most consecutive events
        share it). An hour with an offset change inside (at either end) is not cached."""
        if self._span[0] <= ts < self._span[1]:
            return self._label
        label = bucket_key(event.time, self.metric.bucket, self.zone)
        tz = self.layout.tz
        local = event.time.astimezone(tz)
        start = ts - (local.minute * 60 + local.second + local.microsecond / 1e6)
        end = start + 3600
        offset = local.utcoffset()
        if (
            datetime.fromtimestamp(start + 0.01, tz).utcoffset() == offset
            and datetime.fromtimestamp(end - 0.01, tz).utcoffset() == offset
        ):
            # a millisecond of margin at both ends keeps float rounding out of the question
            self._span, self._label = (start + 0.001, end - 0.001), label
        return label

    def cell_for(self, event: Event, ts: float) -> Cell | None:
        """The cell of a population event; None (counted) when it lacks a group attribute."""
        group = []
        for path in self.metric.group_by:
            v = event.get(path)
            if v is None:
                self.ungrouped += 1
                return None
            group.append(v if isinstance(v, str) else text_of(v))
        key = (tuple(group), self.bucket_of(event, ts))
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = Cell()
        return cell

    def handle(self, scope: Scope, event: Event, ts: float, changed: int) -> None:
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

    def share(self, scope: Scope, event: Event, ts: float) -> None:
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
                    cell.seen(event)
                    deadline = ts + self.within if self.within is not None else None
                    waiting.append(Waiting(event, ts, cell, deadline))
                    scope.activated = True

    def follow_up(
        self, waiting: list[Waiting], event: Event, ts: float, matcher: Matcher, success: bool
    ) -> list[Waiting]:
        ctx = self.ctx
        ctx.event = event
        still = []
        for w in waiting:
            ctx.trigger = w.event
            if matcher.where_ok(ctx):
                w.cell.population += 1
                w.cell.hits += success
            else:
                still.append(w)
        return still

    def expire(self, waiting: list[Waiting], ts: float) -> None:
        for w in waiting:
            if w.deadline is not None and ts > w.deadline:
                w.cell.population += 1
                w.deadline = -1.0  # judged: missed
        waiting[:] = [w for w in waiting if w.deadline != -1.0]

    # ----------------------------------------------------------------- horizon

    def finish(self, horizon: float) -> None:
        if self.agg.fn == "share":
            for scope in self.scopes.values():
                self.expire(scope.data, horizon)
                for w in scope.data:
                    self.hold_member(scope, w, horizon)
                scope.data = []
        self.out_of_scope += self.ungrouped
        rule, metric = self.rule, self.metric
        values = []
        for (group, bucket), cell in sorted(self.cells.items(), key=_cell_order):
            value = value_of(self.agg, cell)
            status = self.status(cell, value)
            labels = dict(zip(metric.group_by, group, strict=True))
            values.append(
                MetricValue(
                    metric=metric.name,
                    group=labels,
                    bucket=bucket,
                    value=value,
                    population=cell.population,
                    status=status,  # type: ignore[arg-type]
                    threshold=self.threshold_text(rule.require),
                    warn=self.threshold_text(rule.warn) if rule.warn else None,
                    unit=metric.unit,
                )
            )
            if status in ("violated", "warn"):
                assert value is not None
                self.report(labels, bucket, cell, value, status)
        self.found.metrics = values

    def hold_member(self, scope: Scope, w: Waiting, horizon: float) -> None:
        """A share member still waiting at the horizon: pending, left out of the value."""
        label = self.scope_label(scope)
        about = f"{w.event.type} of {label}" if label else w.event.type
        window = f"within {duration_text(self.agg.within)}" if self.agg.within else "at any time"
        sentence = (
            f"{about} at {when(w.ts, self.log_zone)}: waiting for {pattern_text(self.agg.pattern)} "
            f"{window} (not yet counted in {self.metric.name})"
        )
        self.hold(scope, w.event, w.deadline, sentence, self.at_risk(horizon, w.deadline))

    def status(self, cell: Cell, value: float | None) -> str:
        if value is None:
            return "not_applicable"
        if self.metric.min_sample is not None and cell.population < self.metric.min_sample:
            return "insufficient"
        require, warn = self.rule.require, self.rule.warn
        if not holds(require.op, value, require.value):
            return "violated"
        if warn is not None and not holds(warn.op, value, warn.value):
            return "warn"
        return "ok"

    def show(self, value: float) -> str:
        unit = self.metric.unit
        if unit == "percent":
            return percent(value)
        if unit == "duration":
            return format_duration(value)
        return number(value)

    def threshold_text(self, t: ir.Threshold | None) -> str:
        assert t is not None
        return f"{t.op} {self.show(t.value)}"

    def report(
        self, labels: dict[str, str], bucket: str | None, cell: Cell, value: float, status: str
    ) -> None:
        assert cell.first is not None and cell.last is not None
        metric, rule = self.metric, self.rule
        where = ", ".join(f"{k}={v}" for k, v in labels.items())
        where = (f" for {where}" if where else "") + (
            f" in {metric.bucket} {bucket}" if bucket else ""
        )
        broken = rule.require if status == "violated" else rule.warn
        need = "required" if status == "violated" else "warning level"
        population = pattern_text(self.agg.of or self.agg.pattern)
        sentence = (
            f"{metric.name}{where} was {self.show(value)} ({need} {self.threshold_text(broken)}; "
            f"{cell.population} {population})"
        )
        kind = "metric" if status == "violated" else "metric_warning"
        self.violate(
            None,
            kind,
            cell.first.time.timestamp(),
            cell.last.time.timestamp(),
            sentence,
            evidence=[cell.first, cell.last] if cell.last is not cell.first else [cell.first],
            discriminator=f"{metric.name}\x1f{where}",
            details={"metric": metric.name, "bucket": bucket, "value": value},
            labels=labels,
        )

    def summary(self) -> PolicySummary:
        base = super().summary()
        statuses = [m.status for m in self.found.metrics]
        judged = sum(s in ("ok", "warn", "violated") for s in statuses)
        ok = sum(s in ("ok", "warn") for s in statuses)
        violated = sum(s == "violated" for s in statuses)
        return base.model_copy(
            update={
                "scopes": len(statuses),
                "vacuous": len(statuses) - judged,
                "activations": judged,
                "satisfied": ok,
                "violated": violated,
                "compliance": ok / judged if judged else None,
            }
        )


def _cell_order(item: tuple[CellKey, Cell]) -> tuple[tuple[str, ...], str]:
    (group, bucket), _ = item
    return group, bucket or ""
