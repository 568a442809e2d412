"""Benchmark: audit throughput, wall time and peak memory of the python engine on generated logs.

    python bench/bench_audit.py                         # 1,000,000 events, median of 3 runs
    python bench/bench_audit.py --sizes 1000000,4000000 --runs 1

For each size, the shop-week generator (examples/shop_week) writes N events to a temporary JSONL
file; then each run starts a fresh Python process that either only reads the file with the log
readers (the baseline) or reads and audits it with every policy in policies/. Each process reports
its own wall time and peak resident memory (`resource.getrusage` maxrss), so sizes and modes do
not share a heap.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop_week"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(mode: str, log: str, policies: str, zone: str, no_gc: bool) -> dict[str, Any]:
    """One measured run in this (fresh) process: 'read' or 'audit' the log."""
    from cxrules.engines.base import RunOptions
    from cxrules.engines.python import PythonEngine
    from cxrules.logs import LogSet, open_log
    from cxrules.policyset import load_policies

    loaded = load_policies([policies])
    if loaded.policy_set is None:
        raise SystemExit(f"the policies in {policies} do not compile: {loaded.diagnostics[:3]}")
    if no_gc:
        gc.disable()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), cpu_seconds()
    logs = LogSet([open_log(log)])
    if mode == "read":
        events = sum(1 for _ in logs.events())
        violations = 0
    else:
        outcome = PythonEngine().run(loaded.policy_set, logs, RunOptions(zone=zone))
        events, violations = outcome.audited, len(list(outcome.violations))
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "mode": mode,
        "events": events,
        "violations": violations,
        "rejected": logs.rejected_total,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "maxrss_mb": peak / 1024,
        "startup_mb": before / 1024,
    }


def measure(mode: str, log: Path, policies: str, no_gc: bool) -> dict[str, Any]:
    """Run `worker` in a fresh interpreter and return what it measured."""
    command = [sys.executable, __file__, "--worker", mode, "--log", str(log)]
    command += ["--policies", policies] + (["--no-gc"] if no_gc else [])
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the {mode} run failed:\n{done.stderr}")
    return json.loads(done.stdout)


def write_log(path: Path, events: int, seed: int) -> float:
    """Generate `events` records of the shop-week generator into `path`; returns seconds."""
    sys.path.insert(0, str(SHOP))
    import generate as shop_week

    start = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        records = itertools.islice(shop_week.generate(seed=seed, days=None), events)
        written = shop_week.write(records, stream)
    if written != events:
        raise SystemExit(f"the generator wrote {written} events instead of {events}")
    return time.perf_counter() - start


def revision() -> str:
    """The checkout's commit (with '+changes' when files differ from it), for the record."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "cxrules", "policies"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    except OSError:
        return "unknown (no git)"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def median_of(runs: list[dict[str, Any]], field: str) -> float:
    return statistics.median(r[field] for r in runs)


def bench_size(
    events: int, runs: int, seed: int, policies: str, folder: Path, no_gc: bool
) -> dict[str, Any]:
    """Generate one log and measure `runs` read-only and `runs` audit processes on it."""
    log = folder / f"shop-{events}.jsonl"
    generated = write_log(log, events, seed)
    size_mb = log.stat().st_size / 2**20
    print(f"{events:,} events: generated in {generated:.1f} s ({size_mb:.0f} MB)", flush=True)
    reads, audits = [], []
    for n in range(runs):
        reads.append(measure("read", log, policies, no_gc))
        audits.append(measure("audit", log, policies, no_gc))
        read, audit = reads[-1], audits[-1]
        print(
            f"  run {n + 1}: read {read['seconds']:.1f} s (CPU {read['cpu_seconds']:.1f} s), "
            f"audit {audit['seconds']:.1f} s (CPU {audit['cpu_seconds']:.1f} s), "
            f"{audit['maxrss_mb']:.0f} MB, {audit['violations']} violations",
            flush=True,
        )
    log.unlink()
    read_s, audit_s = median_of(reads, "seconds"), median_of(audits, "seconds")
    read_cpu, audit_cpu = median_of(reads, "cpu_seconds"), median_of(audits, "cpu_seconds")
    return {
        "events": events,
        "runs": runs,
        "file_mb": round(size_mb, 1),
        "read_seconds": round(read_s, 2),
        "audit_seconds": round(audit_s, 2),
        "read_events_per_s": round(events / read_s),
        "audit_events_per_s": round(events / audit_s),
        "audit_share_of_read_throughput": round(read_s / audit_s, 3),
        "read_cpu_seconds": round(read_cpu, 2),
        "audit_cpu_seconds": round(audit_cpu, 2),
        "audit_events_per_cpu_s": round(events / audit_cpu),
        "audit_share_of_read_throughput_cpu": round(read_cpu / audit_cpu, 3),
        "gc": not no_gc,
        "read_maxrss_mb": round(median_of(reads, "maxrss_mb"), 1),
        "audit_maxrss_mb": round(median_of(audits, "maxrss_mb"), 1),
        "violations": audits[0]["violations"],
    }


def show(row: dict[str, Any]) -> str:
    share = 100 * row["audit_share_of_read_throughput"]
    return (
        f"{row['events']:>10,} events | audit {row['audit_seconds']:>7.1f} s "
        f"{row['audit_events_per_s']:>8,} ev/s | read-only {row['read_seconds']:>6.1f} s "
        f"{row['read_events_per_s']:>8,} ev/s | audit = {share:.0f}% "
        f"of read-only throughput ({100 * row['audit_share_of_read_throughput_cpu']:.0f}% by CPU "
        f"time; {row['audit_events_per_cpu_s']:,} ev per CPU s) | peak RSS audit "
        f"{row['audit_maxrss_mb']:.0f} MB, "
        f"read-only {row['read_maxrss_mb']:.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="log size (default 1M)")
    parser.add_argument("--sizes", help="several sizes, comma-separated (overrides --events)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size and mode (median)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--policies", default=str(ROOT / "policies"))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--no-gc", action="store_true", help="diagnostic: run with Python's cyclic GC disabled"
    )
    parser.add_argument("--worker", choices=("read", "audit"), help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        zone = "Europe/Istanbul"
        print(json.dumps(worker(args.worker, args.log, args.policies, zone, args.no_gc)))
        return 0
    try:
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.events]
    except ValueError:
        parser.error(f"--sizes takes whole numbers separated by commas, not {args.sizes!r}")
    if any(n <= 0 for n in sizes) or args.runs <= 0:
        parser.error("sizes and --runs must be positive")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cxrules-bench-") as folder:
        for events in sizes:
            row = bench_size(events, args.runs, args.seed, args.policies, Path(folder), args.no_gc)
            row["commit"] = revision()
            rows.append(row)
    gc_state = "cyclic GC off" if args.no_gc else "cyclic GC on"
    print(f"\ncommit {revision()}", end="")
    cpus = len(os.sched_getaffinity(0))
    print(f", python engine, {cpus} CPUs, Python {sys.version.split()[0]}, {gc_state}; medians")
    for row in rows:
        print(show(row))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
