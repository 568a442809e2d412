"""Benchmark: the response and forbid-after policies of policies/ on the shop-week log, the python
engine against the SQL plans (duckdb; spark with `--engines python,spark`).

    python bench/bench_obligations.py                    # 1,000,000 events, one run per engine
    python bench/bench_obligations.py --events 200000 --per-policy

The shop-week generator (examples/shop_week) writes N events to a temporary JSONL file; each
engine then audits it in a fresh Python process (the policies whose rule is `response` or
`forbid_after`, nothing else), which reports its wall and CPU time, peak resident memory, the
violations and a sha256 of the JSON report without its `engine` field, so that one run also says
whether the engines agree. `--per-policy` adds the duckdb engine's seconds per policy (its
stages made, its queries run).
`--each-queue` audits instead two variants that take the sequential step of `each`
(`engines/sql/each_queue.py`): octopus.handoff (its `where` reads the trigger) and
delivery.in-two-days (with `unless`), each with `each`.
"""

from __future__ import annotations

import argparse
import hashlib
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
KINDS = ("response", "forbid_after")


def each_variants(policies: tuple[Any, ...]) -> tuple[Any, ...]:
    """Two seed policies made `each`, so that their plans take the sequential step."""
    chosen = []
    for p in policies:
        if p.id in ("octopus.handoff", "delivery.in-two-days"):
            rule = p.rule.model_copy(update={"each": True})
            chosen.append(p.model_copy(update={"id": p.id + "-each", "rule": rule}))
    return tuple(chosen)


def python_engine() -> Any:
    from cxrules.engines.python import PythonEngine

    return PythonEngine()


def duckdb_engine() -> Any:
    from cxrules.engines.duckdb import DuckDBEngine

    return DuckDBEngine()


def spark_engine() -> Any:
    from cxrules.engines.spark import SparkEngine

    return SparkEngine()


#: The engines by name (the SQL engines are not in main's registry yet).
ENGINES = {"python": python_engine, "duckdb": duckdb_engine, "spark": spark_engine}


def time_plans() -> dict[str, float]:
    """Seconds per plan on the duckdb backend: its stages made (its steps run), its queries
    run, its stages dropped (the block of `DuckDBBackend.stage`)."""
    from contextlib import contextmanager

    from cxrules.engines.duckdb.engine import DuckDBBackend

    timings: dict[str, float] = {}
    original = DuckDBBackend.stage

    @contextmanager
    def timed(self: Any, plan: Any, index: int) -> Iterator[None]:
        start = time.perf_counter()
        with original(self, plan, index):
            yield
        timings[plan.policy.id] = round(time.perf_counter() - start, 2)

    DuckDBBackend.stage = timed  # type: ignore[method-assign, assignment]
    return timings


def worker(engine: str, log: str, per_policy: bool, each: bool = False) -> dict[str, Any]:
    """One measured audit in this (fresh) process."""
    from cxrules import ir
    from cxrules.engines.base import RunOptions
    from cxrules.findings.assemble import ReportHeader, build_report
    from cxrules.logs import LogSet, open_log
    from cxrules.policyset import load_policies
    from cxrules.reports.as_json import render_json

    loaded = load_policies([str(ROOT / "policies")])
    assert loaded.policy_set is not None
    chosen = tuple(p for p in loaded.policy_set.policies if p.rule.kind in KINDS)
    if each:
        chosen = each_variants(chosen)
    policy_set = loaded.policy_set.model_copy(update={"policies": chosen})
    runner = ENGINES[engine]()
    timings: dict[str, float] = {}
    if per_policy and engine == "duckdb":
        timings = time_plans()
    start = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    logs = LogSet([open_log(log)])
    outcome = runner.run(policy_set, logs, RunOptions(zone="Europe/Istanbul"))
    report = build_report(
        policy_set, outcome, ReportHeader(engine=engine, zone="Europe/Istanbul", policy_files=[])
    )
    plain = json.loads(render_json(report))
    seconds = time.perf_counter() - start
    used = resource.getrusage(resource.RUSAGE_SELF)
    plain.pop("engine")
    digest = hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:16]
    return {
        "engine": engine,
        "policies": len(chosen),
        "events": outcome.audited,
        "violations": len(report.violations),
        "pending": len(report.pending),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime, 2),
        "maxrss_mb": round(used.ru_maxrss / 1024),
        "report_sha256": digest,
        "per_policy": timings,
        "ir": ir.__name__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="python,duckdb")
    parser.add_argument("--per-policy", action="store_true")
    parser.add_argument("--each-queue", action="store_true")
    parser.add_argument("--log", help="audit this log instead of generating one")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.log, args.per_policy, args.each_queue)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        log = Path(args.log) if args.log else Path(folder) / "shop.jsonl"
        if not args.log:
            sys.path.insert(0, str(SHOP))
            import generate as shop_week

            with log.open("w", encoding="utf-8", newline="\n") as stream:
                records = itertools.islice(
                    shop_week.generate(seed=args.seed, days=None), args.events
                )
                shop_week.write(records, stream)
        for engine in args.engines.split(","):
            command = [sys.executable, __file__, "--worker", engine, "--log", str(log)]
            command += ["--per-policy"] if args.per_policy else []
            command += ["--each-queue"] if args.each_queue else []
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
            if done.returncode != 0:
                raise SystemExit(f"the {engine} run failed:\n{done.stderr}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row.pop("ir")
            rate = row["events"] / row["seconds"] if row["seconds"] else 0
            print(
                f"{engine:>7}: {row['events']:,} events, {row['policies']} policies, "
                f"{row['seconds']:.1f} s ({rate:,.0f} events/s, CPU {row['cpu_seconds']:.1f} s), "
                f"peak RSS {row['maxrss_mb']} MB, {row['violations']} violations, "
                f"{row['pending']} pending, report {row['report_sha256']}",
                flush=True,
            )
            if row["per_policy"]:
                for pid, secs in sorted(row["per_policy"].items(), key=lambda kv: -kv[1]):
                    print(f"         {secs:6.2f} s  {pid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
