"""Benchmark: peak memory of an audit whose report is large (issue 10's last row).

    python bench/bench_memory.py                      # 2,000,000 events, 435,000 violations
    python bench/bench_memory.py --events 500000 --engines duckdb,python

A generated log (a shop floor's sayings: half of them by staff, 43.5% of those "no problem")
is audited by one policy that forbids "no problem", so about 0.2175 violations an event; each
run is `cxrules audit --format json -o FILE` in a fresh process, measured from outside
(`os.wait4`: wall and CPU time, peak resident memory of that process alone). The audit's
memory budget is `--memory-limit` (default 1GB): the line ends with "within" or "OVER" it, and
the exit status is 1 when a run is over.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cxrules.engines.base import DEFAULT_MEMORY_LIMIT, memory_bytes

POLICY = """policy shop.wording "Never 'no problem'"
  severity low
  owner "Floor"
  description "Each 'no problem' is a breach."
  forbid staff.said where text == "no problem"
"""


def write_log(path: Path, events: int) -> None:
    """`events` sayings, one a second from 2026-03-01 (28 days a cycle), seeded."""
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        for i in range(events):
            day, second = 1 + i // 86400 % 28, i % 86400
            stamp = f"2026-03-{day:02d}T{second // 3600:02d}:{second // 60 % 60:02d}:{i % 60:02d}Z"
            kind = "staff.said" if rng.random() < 0.5 else "customer.waited"
            text = "no problem" if rng.random() < 0.435 else "of course"
            record = {"time": stamp, "type": kind, "text": text, "store": f"s{i % 7}"}
            out.write(json.dumps(record) + "\n")


def measure(engine: str, folder: Path, budget: str) -> dict[str, float | int]:
    """One audit in a fresh process: its wall and CPU seconds, peak RSS and violations."""
    report = folder / f"report-{engine}.json"
    command = [sys.executable, "-m", "cxrules", "audit", "--engine", engine]
    command += ["--policies", str(folder / "p.cxr"), "--log", str(folder / "log.jsonl")]
    command += ["--format", "json", "--output", str(report)]
    if engine == "duckdb":
        command += ["--memory-limit", budget]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own figures
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        assert child.stderr is not None
        raise SystemExit(f"{engine}: the audit failed ({code}): {child.stderr.read()[-500:]!r}")
    with report.open(encoding="utf-8") as handle:
        violations = sum(p["violated"] for p in json.load(handle)["policies"])
    report.unlink()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak": usage.ru_maxrss * 1024,
        "violations": violations,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--engines", default="duckdb", help="comma-separated, e.g. duckdb,python")
    parser.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT, help="the audit's budget")
    args = parser.parse_args()
    budget = memory_bytes(args.memory_limit)
    over = False
    with tempfile.TemporaryDirectory(prefix="cxrules-bench-memory-") as tmp:
        folder = Path(tmp)
        (folder / "p.cxr").write_text(POLICY, encoding="utf-8")
        write_log(folder / "log.jsonl", args.events)
        print(f"{args.events:,} events; budget {args.memory_limit}")
        head = f"{'engine':8} {'violations':>10} {'wall s':>7} {'cpu s':>7} {'events/s':>9}"
        print(head + " peak RSS")
        for engine in args.engines.split(","):
            got = measure(engine, folder, args.memory_limit)
            within = engine != "duckdb" or got["peak"] <= budget
            over = over or not within
            rate = args.events / got["wall"]
            print(
                f"{engine:8} {got['violations']:>10,} {got['wall']:>7.1f} {got['cpu']:>7.1f} "
                f"{rate:>9,.0f} {got['peak'] / 1e6:,.0f} MB"
                + ("" if engine != "duckdb" else (" within" if within else " OVER") + " budget")
            )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
