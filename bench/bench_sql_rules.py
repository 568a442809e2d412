"""Benchmark: the metric and invariant policies of the seed library on both engines.

    python bench/bench_sql_rules.py                       # 1,000,000 events, python and duckdb
    python bench/bench_sql_rules.py --events 200000 --engines duckdb --kinds metric_check

The shop-week generator (examples/shop_week) writes N events to a temporary JSONL file (as
`bench_audit.py` does); then, for each engine, a fresh Python process reads the file (the
engine's own way) and runs the policies of `policies/` whose rule kind is chosen (default:
metrics and invariants) to the finished report. Each process reports wall time, CPU time, peak
RSS and the number of violations; the duckdb run also reports how long each policy took (its
stages made, its queries run).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop_week"


def worker(engine: str, log: str, kinds: list[str]) -> dict[str, Any]:
    """One measured run in this (fresh) process."""
    from cxrules import ir
    from cxrules.engines import get
    from cxrules.engines.base import RunOptions
    from cxrules.findings.assemble import ReportHeader, build_report
    from cxrules.logs import LogSet, open_log
    from cxrules.policyset import load_policies

    loaded = load_policies([str(ROOT / "policies")])
    assert loaded.policy_set is not None
    chosen = tuple(p for p in loaded.policy_set.policies if p.rule.kind in kinds)
    policy_set = ir.PolicySet(policies=chosen, calendars=loaded.policy_set.calendars)
    runner = get(engine)
    timings: dict[str, float] = {}
    if engine == "duckdb":
        timings = _time_plans(runner)
    start, cpu = time.perf_counter(), _cpu()
    logs = LogSet([open_log(log)])
    outcome = runner.run(policy_set, logs, RunOptions(zone="Europe/Istanbul"))
    report = build_report(policy_set, outcome, ReportHeader(engine, "Europe/Istanbul", []))
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    return {
        "engine": engine,
        "policies": [p.id for p in chosen],
        "events": outcome.audited,
        "violations": len(report.violations),
        "pending": len(report.pending),
        "cells": sum(len(p.metrics) for p in report.policies),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "plan_seconds": {k: round(v, 2) for k, v in timings.items()},
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _time_plans(runner: Any) -> dict[str, float]:
    """Time each plan on the duckdb backend: its stages made, its queries run, its stages
    dropped (the block of `DuckDBBackend.stage`)."""
    from contextlib import contextmanager

    from cxrules.engines.duckdb.engine import DuckDBBackend

    timings: dict[str, float] = {}
    original = DuckDBBackend.stage

    @contextmanager
    def timed(self: Any, plan: Any, index: int) -> Iterator[None]:
        start = time.perf_counter()
        with original(self, plan, index):
            yield
        timings[plan.policy.id] = time.perf_counter() - start

    DuckDBBackend.stage = timed  # type: ignore[method-assign, assignment]
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="python,duckdb")
    parser.add_argument("--kinds", default="metric_check,invariant")
    parser.add_argument("--log", help="an existing log instead of a generated one")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    if args.worker:
        print(json.dumps(worker(args.worker, args.log, kinds)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        log = Path(args.log) if args.log else Path(folder) / "shop.jsonl"
        if not args.log:
            sys.path.insert(0, str(SHOP))
            import generate as shop_week

            with log.open("w", encoding="utf-8", newline="\n") as stream:
                shop_week.write(
                    itertools.islice(shop_week.generate(seed=args.seed, days=None), args.events),
                    stream,
                )
        for engine in args.engines.split(","):
            command = [sys.executable, __file__, "--worker", engine, "--log", str(log)]
            command += ["--kinds", args.kinds]
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
            if done.returncode != 0:
                raise SystemExit(f"the {engine} run failed:\n{done.stderr}")
            print(done.stdout.strip(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
