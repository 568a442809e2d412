"""Benchmark: reading a log into DuckDB with the duckdb engine's ingest, against the Python read.

    python bench/bench_ingest.py                          # 1M and 10M events, median of 3 runs
    python bench/bench_ingest.py --sizes 1000000 --runs 5
    python bench/bench_ingest.py --sizes 1000000 --modes python,python-sorted,ingest

For each size, the shop-week generator (examples/shop_week) writes N events to a temporary JSONL
file; then each run starts fresh Python processes, one per mode:

- `python`: `LogSet.events()`, the Python readers streaming (the log is in time order);
- `python-sorted`: `LogSet.events(sorted=True)`, every event in memory, what ingest reproduces;
- `ingest`: `ingest()` into an in-memory DuckDB with `--memory-limit` and a temporary folder to
  spill to, leaving the events table in processing order.

Each process reports its own wall time, CPU time and peak resident memory (`ru_maxrss`). The
script prints events per second, the median of the runs, and the ratio ingest / python of the
medians measured in this run. The machine's load average is printed too: on a shared machine
other processes take cores, which shows as CPU time close to wall time.
"""

from __future__ import annotations

import argparse
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
MODES = ("python", "python-sorted", "ingest")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(mode: str, log: str, memory_limit: str) -> dict[str, Any]:
    """One measured run in this (fresh) process."""
    import duckdb

    from cxrules.engines.duckdb import ingest
    from cxrules.logs import LogSet, load_mapping, open_log

    mapping = load_mapping(SHOP / "cxrules.toml")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), cpu_seconds()
    logs = LogSet([open_log(log, mapping)])
    native = 0
    if mode == "python":
        events = sum(1 for _ in logs.events())
    elif mode == "python-sorted":
        events = sum(1 for _ in logs.events(sorted=True))
    else:
        with tempfile.TemporaryDirectory(prefix="cxrules-spill-") as spill:
            con = duckdb.connect()
            done = ingest(con, logs, memory_limit=memory_limit, temp_directory=spill)
            [(events,)] = con.execute("SELECT count(*) FROM events").fetchall()
            native = done.native[0]
            con.close()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "mode": mode,
        "events": events,
        "native": native,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "maxrss_mb": peak / 1024,
        "startup_mb": before / 1024,
    }


def measure(mode: str, log: Path, memory_limit: str) -> dict[str, Any]:
    """Run `worker` in a fresh interpreter and return what it measured."""
    command = [sys.executable, __file__, "--worker", mode, "--log", str(log)]
    command += ["--memory-limit", memory_limit]
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


def bench_size(
    events: int, runs: int, seed: int, modes: list[str], memory_limit: str, folder: Path
) -> dict[str, Any]:
    """Generate one log and measure `runs` processes per mode on it."""
    log = folder / f"shop-{events}.jsonl"
    generated = write_log(log, events, seed)
    size_mb = log.stat().st_size / 2**20
    print(f"{events:,} events: generated in {generated:.1f} s ({size_mb:.0f} MB)", flush=True)
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    for n in range(runs):
        line = []
        for mode in modes:
            got = measure(mode, log, memory_limit)
            if got["events"] != events:
                raise SystemExit(f"{mode} read {got['events']} events instead of {events}")
            results[mode].append(got)
            line.append(
                f"{mode} {got['seconds']:.1f} s (CPU {got['cpu_seconds']:.1f} s, "
                f"{got['maxrss_mb']:.0f} MB)"
            )
        print(f"  run {n + 1}: " + "; ".join(line), f"load {os.getloadavg()[0]:.1f}", flush=True)
    log.unlink()
    row: dict[str, Any] = {"events": events, "runs": runs, "file_mb": round(size_mb, 1)}
    for mode, measured in results.items():
        seconds = statistics.median(r["seconds"] for r in measured)
        row[mode] = {
            "seconds": round(seconds, 2),
            "events_per_s": round(events / seconds),
            "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in measured), 2),
            "maxrss_mb": round(statistics.median(r["maxrss_mb"] for r in measured), 1),
        }
    if "ingest" in row and "python" in row:
        row["ingest_speedup_over_python"] = round(
            row["python"]["seconds"] / row["ingest"]["seconds"], 2
        )
    if "ingest" in row and "python-sorted" in row:
        row["ingest_speedup_over_python_sorted"] = round(
            row["python-sorted"]["seconds"] / row["ingest"]["seconds"], 2
        )
    return row


def show(row: dict[str, Any]) -> str:
    parts = [f"{row['events']:>10,} events"]
    for mode in MODES:
        if mode in row:
            got = row[mode]
            parts.append(
                f"{mode} {got['seconds']:.1f} s {got['events_per_s']:,} ev/s "
                f"(CPU {got['cpu_seconds']:.1f} s) {got['maxrss_mb']:.0f} MB"
            )
    for key in ("ingest_speedup_over_python", "ingest_speedup_over_python_sorted"):
        if key in row:
            parts.append(f"{key.replace('_', ' ')} x{row[key]}")
    return " | ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs per size and mode (median)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--modes", default="python,ingest", help=f"from {', '.join(MODES)}")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB's memory_limit")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.log, args.memory_limit)))
        return 0
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes takes whole numbers separated by commas, not {args.sizes!r}")
    modes = args.modes.split(",")
    if any(mode not in MODES for mode in modes):
        parser.error(f"--modes takes {', '.join(MODES)}")
    if any(n <= 0 for n in sizes) or args.runs <= 0:
        parser.error("sizes and --runs must be positive")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cxrules-bench-") as folder:
        for size in sizes:
            rows.append(
                bench_size(size, args.runs, args.seed, modes, args.memory_limit, Path(folder))
            )
    print()
    for row in rows:
        print(show(row))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
