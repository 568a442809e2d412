"""Benchmark: one audit end to end (log in, JSON report out) on every engine, in one run.

    python bench/bench_engines.py                              # 1M events: python, duckdb
    python bench/bench_engines.py --sizes 1000000,10000000 --engines duckdb --runs 1
    python bench/bench_engines.py --engines duckdb,spark:local[1],spark:local[2] --sizes 200000
    python bench/bench_engines.py --log my.jsonl --mapping my.toml --policies my_policies

For each size N, the shop-week generator (examples/shop_week) writes N events to a temporary
JSONL file (six months of six stores, a restaurant, a contact centre and deliveries at 1M); the
policies are the seed library (`policies/`, every rule kind). Then, per run, a fresh Python
process per mode:

- `read-only`: DuckDB reads the file only (`SELECT count(*) FROM read_json(...)`): the floor;
- `python`, `duckdb`, `spark:<master>`: `cxrules.audit.open_audit` with that engine and the JSON
  report written to a file, as `cxrules audit --format json -o FILE` does.

Each process reports its wall time, CPU time (user + system, children included: Spark's JVM)
and peak resident memory (`ru_maxrss` of the process, and of its children for Spark's JVM). The
script prints the medians: events per second, peak RSS, and each engine's throughput as a
multiple of the python engine's and as a share of the read-only floor, measured in this run.
The python engine keeps the whole audit in memory: it runs only at sizes up to `--python-max`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import worker_process

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop_week"


def worker(mode: str, log: str, args: argparse.Namespace) -> dict[str, Any]:
    """One measured run in this (fresh) process."""
    start, cpu = time.perf_counter(), _cpu()
    startup = None
    if mode == "read-only":
        import duckdb

        con = duckdb.connect(config={"memory_limit": "1GB"})
        (events,) = con.execute(
            "SELECT count(*) FROM read_json(?, format = 'newline_delimited')", [log]
        ).fetchone()  # type: ignore[misc]
        violations = 0
    else:
        from cxrules.audit import AuditRequest, open_audit
        from cxrules.reports.as_json import write_json

        engine, _, master = mode.partition(":")
        settings = {"spark_master": master} if master else {}
        if engine == "spark":  # the session's start, timed apart (the audit then reuses it)
            from cxrules.engines.spark.engine import DEFAULT_MASTER
            from cxrules.engines.spark.session import session

            began = time.perf_counter()
            session(master or DEFAULT_MASTER)
            startup = time.perf_counter() - began
        if args.memory_limit and engine == "duckdb":
            settings["memory_limit"] = args.memory_limit
        request = AuditRequest(
            policies=args.policies.split(","),
            logs=[log],
            mapping=args.mapping,
            engine=engine,
            settings=settings,
        )
        out = Path(tempfile.gettempdir()) / f"bench-engines-{os.getpid()}.json"
        with open_audit(request) as (assembled, _), out.open("w", encoding="utf-8") as handle:
            counts = write_json(assembled, handle)
            events = sum(i.events for i in assembled.report.inputs)
        violations = sum(counts.values())
        out.unlink()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "mode": mode,
        "events": events,
        "violations": violations,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "maxrss_mb": round(max(own, children) / 1024),
        "startup_seconds": startup,
    }


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def generate(path: Path, events: int, seed: int) -> None:
    sys.path.insert(0, str(SHOP))
    import generate as shop_week

    with path.open("w", encoding="utf-8", newline="\n") as stream:
        shop_week.write(itertools.islice(shop_week.generate(seed=seed, days=None), events), stream)


def measure(mode: str, log: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", mode, "--log", str(log)]
    command += ["--policies", args.policies, "--memory-limit", args.memory_limit or ""]
    if args.mapping:
        command += ["--mapping", args.mapping]
    return worker_process.run(command, ROOT, mode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000", help="events per generated log")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode (the median is shown)")
    parser.add_argument("--engines", default="python,duckdb", help="python, duckdb, spark:MASTER")
    parser.add_argument("--python-max", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--policies", default=str(ROOT / "policies"))
    parser.add_argument("--mapping", default=str(SHOP / "cxrules.toml"))
    parser.add_argument("--memory-limit", default="", help="duckdb's memory limit")
    parser.add_argument("--log", help="an existing log instead of generated ones")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.log, args)))
        return 0
    figures = []
    worker_process.warm(ROOT)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        sizes = [0] if args.log else [int(n) for n in args.sizes.split(",")]
        for size in sizes:
            log = Path(args.log) if args.log else Path(folder) / f"shop-{size}.jsonl"
            if not args.log:
                generate(log, size, args.seed)
            modes = ["read-only", *args.engines.split(",")]
            if size > args.python_max and not args.log:
                modes = [m for m in modes if m != "python"]
            runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
            for _ in range(args.runs):
                for mode in modes:  # interleaved: the machine's load shifts between runs
                    runs[mode].append(measure(mode, log, args))
            table = {m: _median(found) for m, found in runs.items()}
            _print(size or table[modes[0]]["events"], table)
            figures.append({"events": size, "modes": table})
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


def _median(found: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = statistics.median(r["seconds"] for r in found)
    return {
        "events": found[0]["events"],
        "violations": found[0]["violations"],
        "seconds": round(seconds, 2),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in found), 2),
        "events_per_second": round(found[0]["events"] / seconds) if seconds else 0,
        "maxrss_mb": max(r["maxrss_mb"] for r in found),
        "startup_seconds": _median_of([r.get("startup_seconds") for r in found]),
        "runs": len(found),
    }


def _median_of(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def _print(size: int, table: dict[str, dict[str, Any]]) -> None:
    floor = table.get("read-only", {}).get("events_per_second")
    python = table.get("python", {}).get("events_per_second")
    python_cpu = table.get("python", {}).get("cpu_seconds")
    print(f"\n{size:,} events")
    print(f"{'mode':<16}{'wall s':>9}{'cpu s':>9}{'events/s':>12}{'peak RSS':>10}  ratios")
    for mode, row in table.items():
        ratios = []
        if python and mode not in ("python", "read-only"):
            ratios.append(f"{row['events_per_second'] / python:.1f}x python")
            if python_cpu and row["cpu_seconds"]:
                ratios.append(f"{python_cpu / row['cpu_seconds']:.1f}x python by CPU")
        if floor and mode != "read-only":
            ratios.append(f"{row['events_per_second'] / floor:.0%} of read-only")
        if row.get("startup_seconds") is not None:
            ratios.append(f"session start {row['startup_seconds']:.1f} s")
        one = table.get("spark:local[1]", {}).get("seconds")
        if mode.startswith("spark:") and mode != "spark:local[1]" and one and row["seconds"]:
            ratios.append(f"{one / row['seconds']:.2f}x spark:local[1]")
        print(
            f"{mode:<16}{row['seconds']:>9.2f}{row['cpu_seconds']:>9.2f}"
            f"{row['events_per_second']:>12,}{row['maxrss_mb']:>8} MB  {', '.join(ratios)}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
