"""Benchmark: `cxrules check` on one policy file holding N policies — time and peak memory.

    python bench/bench_check.py                       # 100,000 policies, one run
    python bench/bench_check.py --sizes 1000,10000,100000
    python bench/bench_check.py --policies 10000 --profile   # cProfile, top 30 by own time

For each size, a file of N policies is written to a temporary folder: the six rule kinds in
turn (response with a condition, counted trigger, forbid, value check with a `let`, rate limit,
state invariant), each with its own id, title, severity, owner and description, so every policy
is about ten lines. Then a fresh Python process runs `cxrules check` on it and reports its wall
time, CPU time and peak resident memory (`resource.getrusage` maxrss): a fresh process per size,
so sizes do not share a heap.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RULES = [
    '  per customer\n  when complaint.filed where topic == "t{i}"'
    ' and channel in ["phone", "email"]\n  expect case.escalated within 24h\n',
    "  per customer, topic\n  when 3rd complaint.filed within 30d\n"
    "  expect case.escalated within 2d\n",
    '  forbid staff.said where text contains "no problem {i}" or text matches "(?i)sorun yok"\n',
    "  per visit\n  let battery = clamp(50% + 10% * count(arm.connected), 0%, 100%)\n"
    "  when customer.left\n  require battery >= 90%\n",
    "  per customer\n  at most {n} staff.warned within 7d\n",
    "  per visit\n  state connection = arm.connected until arm.disconnected, by arm\n"
    "  while customer.entered until customer.left:\n    always count(connection) >= 1, grace 30s\n",
]


def write_policies(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            rule = RULES[i % len(RULES)].format(i=i, n=3 + i % 5)
            out.write(
                f'policy bench.rule-{i} "Generated rule {i}"\n'
                f"  severity {('low', 'medium', 'high')[i % 3]}\n"
                f'  owner "Team {i % 17}"\n'
                f'  description "Rule {i} of a generated library"\n'
                f"{rule}\n"
            )


def worker(path: str) -> dict[str, Any]:
    """One measured `check` in this (fresh) process."""
    from cxrules.diagnostics import Level
    from cxrules.policyset import load_policies

    start, cpu = time.perf_counter(), _cpu()
    loaded = load_policies([path])
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    errors = [d for d in loaded.diagnostics if d.level is Level.ERROR]
    policies = len(loaded.policy_set.policies) if loaded.policy_set else 0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak_mb,
        "policies": policies,
        "errors": len(errors),
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated numbers of policies")
    parser.add_argument("--policies", type=int, help="one size (overrides --sizes)")
    parser.add_argument("--profile", action="store_true", help="cProfile in this process")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    sizes = [args.policies] if args.policies else [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            path = Path(folder) / f"policies-{n}.cxr"
            write_policies(path, n)
            if args.profile:
                import cProfile
                import pstats

                from cxrules.policyset import load_policies

                cProfile.runctx(
                    "load_policies([str(path)])",
                    globals(),
                    {"path": path, "load_policies": load_policies},
                    "/tmp/bench_check.prof",
                )
                pstats.Stats("/tmp/bench_check.prof").sort_stats("tottime").print_stats(30)
                continue
            run = subprocess.run(
                [sys.executable, __file__, "--worker", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(run.stdout)
            size_mb = path.stat().st_size / 1e6
            print(
                f"{n:>9,} policies ({size_mb:.1f} MB): {figures['wall']:.1f} s wall, "
                f"{figures['cpu']:.1f} s CPU, peak RSS {figures['peak_mb']:,.0f} MB "
                f"({figures['peak_mb'] * 1024 / n:.1f} KB per policy); "
                f"{figures['policies']:,} compiled, {figures['errors']} errors",
                flush=True,
            )


if __name__ == "__main__":
    main()
