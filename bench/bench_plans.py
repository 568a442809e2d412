"""Benchmark: where the duckdb engine's time goes, phase by phase, plan by plan, stage by stage.

    python bench/bench_plans.py --log shop.jsonl                 # the seed library, 1 thread
    python bench/bench_plans.py --events 1000000 --top 20        # a generated shop-week log
    python bench/bench_plans.py --log shop.jsonl --threads 2 --policies policies/octopus.cxr

One audit (`SqlRun`, as `cxrules audit --engine duckdb` runs it, without writing the report) in
this process, with the backend's steps timed: reading the log into DuckDB (`load`), typing the
attributes (`make_ev`), then for each plan its stages (a table for each stage read more than
once, a CTE of its reader or a view for the others, as the backend makes them: their time shows
in the stage that reads them) and its final queries (tally, records, open obligations, cells).
It prints wall and CPU seconds (user + system of the process: DuckDB's threads included) per
phase, the plans by CPU time, and the slowest stages. The plans run one at a time (the engine
runs several side by side), and DuckDB on one thread by default (`--threads`): on a shared
machine, CPU time is the steady figure, and one thread keeps it free of the threads' waiting.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop_week"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class Clock:
    """Wall and CPU seconds of named pieces of work."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, str, float, float]] = []  # (plan, piece, wall, cpu)

    @contextmanager
    def span(self, plan: str, piece: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), _cpu()
        try:
            yield
        finally:
            self.spans.append((plan, piece, time.perf_counter() - start, _cpu() - cpu))


def audit(log: Path, policies: str, mapping: str, zone: str, threads: int, clock: Clock) -> int:
    """Run the audit with every step timed; returns the number of violations."""
    from cxrules.engines.base import RunOptions
    from cxrules.engines.duckdb.engine import DuckDBBackend, connect
    from cxrules.engines.sql import driver
    from cxrules.engines.sql.plan import PolicyPlan
    from cxrules.logs import LogSet, load_mapping, open_log
    from cxrules.policyset import load_policies

    class Timed(DuckDBBackend):
        def load(self, source: Any, options: RunOptions) -> Any:
            with clock.span("", "load"):
                return super().load(source, options)

        def make_ev(self, catalog: Any, where: str) -> None:
            with clock.span("", "make_ev"):
                super().make_ev(catalog, where)

        @contextmanager
        def stage(self, plan: PolicyPlan, index: int) -> Iterator[None]:
            self.plan_id = plan.policy.id
            with super().stage(plan, index), clock.span(plan.policy.id, "(final queries)"):
                yield

        def run_step(self, step: Any) -> None:
            with clock.span(self.plan_id, f"step {step.table}"):
                super().run_step(step)

        def make_stage(self, plan: PolicyPlan, index: int, n: int, stage: Any, *rest: Any) -> None:
            name, _, uses = stage
            if self.shared.table_of(index, name) is not None:
                piece = f"{name} (shared)"
            else:  # a view's time, or an inlined stage's, shows in the stage that reads it
                piece = name if uses > 1 else "(views)"
            with clock.span(plan.policy.id, piece):
                super().make_stage(plan, index, n, stage, *rest)

    policy_set = load_policies([policies]).policy_set
    logs = LogSet([open_log(str(log), load_mapping(mapping))])
    options = RunOptions(zone=zone, settings={"memory_limit": "1GB", "threads": str(threads)})
    con = connect(options.settings)
    try:
        with clock.span("", "whole audit"):
            # one plan at a time, so that each plan's time is its own
            outcome = driver.SqlRun(Timed(con, workers=1), policy_set, logs, options).outcome()
            violations = sum(1 for _ in outcome.violations)
    finally:
        con.close()
    return violations


def report(clock: Clock, top: int) -> None:
    phases = [s for s in clock.spans if not s[0]]
    for _, piece, wall, cpu in phases:
        print(f"{piece:<16}{wall:>8.2f} s wall{cpu:>8.2f} s CPU")
    plans: dict[str, list[float]] = {}
    for plan, _, wall, cpu in clock.spans:
        if plan:
            plans.setdefault(plan, [0.0, 0.0])
            plans[plan][0] += wall
            plans[plan][1] += cpu
    total = sum(cpu for _, cpu in plans.values())
    print(f"{'plans':<16}{sum(w for w, _ in plans.values()):>8.2f} s wall{total:>8.2f} s CPU")
    print(f"\nplans by CPU time (top {top})")
    for plan, (wall, cpu) in sorted(plans.items(), key=lambda item: -item[1][1])[:top]:
        print(f"  {plan:<42}{wall:>7.2f} s wall{cpu:>7.2f} s CPU")
    print(f"\nstages by CPU time (top {top})")
    stages = sorted((s for s in clock.spans if s[0]), key=lambda s: -s[3])[:top]
    for plan, piece, wall, cpu in stages:
        print(f"  {plan:<34}{piece:<18}{wall:>7.2f} s wall{cpu:>7.2f} s CPU")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", help="a JSONL log (default: a generated shop-week log)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events generated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--policies", default=str(ROOT / "policies"))
    parser.add_argument("--mapping", default=str(SHOP / "cxrules.toml"))
    parser.add_argument("--zone", default="Europe/Istanbul", help="the log's zone")
    parser.add_argument("--threads", type=int, default=1, help="DuckDB's threads")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(args.log) if args.log else Path(folder) / "shop.jsonl"
        if not args.log:
            sys.path.insert(0, str(SHOP))
            import generate as shop_week

            with log.open("w", encoding="utf-8", newline="\n") as stream:
                events = shop_week.generate(seed=args.seed, days=None)
                shop_week.write(itertools.islice(events, args.events), stream)
        violations = audit(log, args.policies, args.mapping, args.zone, args.threads, clock)
    print(f"{violations} violation records (metric cells aside), DuckDB threads: {args.threads}\n")
    report(clock, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
