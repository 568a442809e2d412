"""Benchmark: the duckdb engine against SQL written by hand for the same three rules.

    python bench/bench_handwritten.py --log m1.jsonl          # an existing shop-week log
    python bench/bench_handwritten.py --events 1000000        # generated

Issue 8 measures the duckdb engine against the python engine and against a fixed 400,000
events per second; the brief's own yardstick is "hand-written SQL for the same rules". This
script gives that figure for three rules of the seed library, one of each costly kind:

- `callcenter.max-wait`: a call queued is answered within 2 minutes, unless abandoned first
  (response with a deadline);
- `callcenter.service-level`: 80% of queued calls answered within 20 s, per queue and Istanbul
  day, at least 20 calls (a `share … within` metric);
- `octopus.always-connected`: from entering to leaving, a visit always has a connected arm,
  gaps up to 30 s tolerated (a keyed state under an invariant).

Each side runs in a fresh process on the same log: `cxrules` audits the three policies
(`open_audit`, the duckdb engine, the JSON report written, as `cxrules audit` does); `by hand`
reads the log with DuckDB's `read_json` and counts the breaches of the three rules with one
query each, written for this log (no hostile input, no ties, no evidence, no sentences — what a
hand-written audit leaves out). The breach counts of both sides are printed: they should agree,
or the hand-written queries are not the same rules.
"""

from __future__ import annotations

import argparse
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

#: The three policies, as the seed library writes them (policies/callcenter.cxr, octopus.cxr).
POLICIES = """
param max_wait = 2min "Longest a caller may wait in the queue"
param service_level_target = 80% "Share of calls answered within 20 seconds"

policy callcenter.service-level "80% of calls answered within 20 s, per queue and day"
  severity high
  zone "Europe/Istanbul"
  per call
  metric service_level = share(call.answered within 20s of call.queued)
    by queue
    per day
  require service_level >= service_level_target warn below 85% minimum sample 20

policy callcenter.max-wait "No caller waits more than 2 minutes"
  severity high
  per call
  when call.queued
  expect call.answered within max_wait
  unless call.abandoned

policy octopus.always-connected "A customer in the shop is always connected"
  severity high
  per visit until customer.left
  state connection = arm.connected until arm.disconnected, by arm
  while customer.entered until customer.left:
    always count(connection) >= 1, grace 30s
"""

#: The same rules by hand: one query each, counting breaches.
BY_HAND = {
    "callcenter.max-wait": """
WITH q AS (SELECT call, ts FROM ev WHERE type = 'call.queued'),
a AS (SELECT call, ts FROM ev WHERE type = 'call.answered'),
x AS (SELECT call, ts FROM ev WHERE type = 'call.abandoned'),
firsts AS (
  SELECT q.call, q.ts, a.ts AS answered, x.ts AS abandoned
  FROM q ASOF LEFT JOIN a ON q.call = a.call AND a.ts > q.ts
  ASOF LEFT JOIN x ON q.call = x.call AND x.ts > q.ts
)
SELECT count(*) FROM firsts, (SELECT max(ts) AS horizon FROM ev)
WHERE NOT coalesce(abandoned < coalesce(answered, abandoned + INTERVAL 1 SECOND)
                   AND abandoned <= ts + INTERVAL 2 MINUTE, false)
  AND (answered > ts + INTERVAL 2 MINUTE
       OR (answered IS NULL AND ts + INTERVAL 2 MINUTE <= horizon))
""",
    "callcenter.service-level": """
WITH q AS (SELECT call, queue, ts FROM ev WHERE type = 'call.queued'),
a AS (SELECT call, ts FROM ev WHERE type = 'call.answered'),
members AS (
  SELECT q.queue, CAST(timezone('Europe/Istanbul', q.ts) AS DATE) AS day,
         a.ts IS NOT NULL AND a.ts <= q.ts + INTERVAL 20 SECOND AS ok,
         a.ts IS NULL AND q.ts + INTERVAL 20 SECOND > (SELECT max(ts) FROM ev) AS waiting
  FROM q ASOF LEFT JOIN a ON q.call = a.call AND a.ts > q.ts
),
cells AS (
  SELECT queue, day, count(*) AS n, avg(CASE WHEN ok THEN 1.0 ELSE 0.0 END) AS share
  FROM members WHERE NOT waiting GROUP BY queue, day
)
SELECT count(*) FROM cells WHERE n >= 20 AND share < 0.8
""",
    "octopus.always-connected": """
WITH v AS (
  SELECT visit, ts, type, arm FROM ev
  WHERE type IN ('customer.entered', 'customer.left', 'arm.connected', 'arm.disconnected')
),
counted AS (
  SELECT *, sum(CASE type WHEN 'arm.connected' THEN 1 WHEN 'arm.disconnected' THEN -1
                          ELSE 0 END) OVER w AS arms,
            sum(CASE type WHEN 'customer.entered' THEN 1 WHEN 'customer.left' THEN -1
                          ELSE 0 END) OVER w AS inside
  FROM v WINDOW w AS (PARTITION BY visit ORDER BY ts, type ROWS UNBOUNDED PRECEDING)
),
flagged AS (
  SELECT *, inside > 0 AND arms <= 0 AS bad,
         lag(inside > 0 AND arms <= 0, 1, false) OVER (PARTITION BY visit ORDER BY ts, type) AS was
  FROM counted
),
edges AS (
  SELECT visit, ts, bad, lead(ts) OVER (PARTITION BY visit ORDER BY ts, type) AS until
  FROM flagged WHERE bad <> was
)
SELECT count(*) FROM edges, (SELECT max(ts) AS horizon FROM ev)
WHERE bad AND coalesce(until, horizon) - ts > INTERVAL 30 SECOND
""",
}


def worker(side: str, log: str) -> dict[str, Any]:
    """One measured run in this (fresh) process."""
    start = time.perf_counter()
    if side == "cxrules":
        from cxrules.audit import AuditRequest, open_audit
        from cxrules.reports.as_json import write_json

        folder = Path(tempfile.mkdtemp())
        (folder / "three.cxr").write_text(POLICIES, encoding="utf-8")
        request = AuditRequest(
            policies=[str(folder / "three.cxr")],
            logs=[log],
            mapping=str(SHOP / "cxrules.toml"),
            engine="duckdb",
        )
        out = folder / "report.json"
        with open_audit(request) as (assembled, _), out.open("w", encoding="utf-8") as handle:
            write_json(assembled, handle)
            events = sum(i.events for i in assembled.report.inputs)
        report = json.loads(out.read_text("utf-8"))
        breaches = {p["id"]: p["violated"] for p in report["policies"]}
    else:
        import duckdb

        con = duckdb.connect(config={"memory_limit": "1GB"})
        con.execute("SET TimeZone = 'UTC'")
        con.execute(
            "CREATE TABLE ev AS SELECT time::TIMESTAMPTZ AS ts, type, call, queue, visit, arm "
            "FROM read_json(?, format = 'newline_delimited', columns = {time: 'VARCHAR', "
            "type: 'VARCHAR', call: 'VARCHAR', queue: 'VARCHAR', visit: 'VARCHAR', "
            "arm: 'VARCHAR'})",
            [log],
        )
        (events,) = con.execute("SELECT count(*) FROM ev").fetchone()  # type: ignore[misc]
        breaches = {pid: con.execute(sql).fetchone()[0] for pid, sql in BY_HAND.items()}  # type: ignore[index]
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "side": side,
        "events": events,
        "breaches": dict(sorted(breaches.items())),
        "seconds": time.perf_counter() - start,
        "cpu_seconds": own.ru_utime + own.ru_stime,
        "maxrss_mb": round(own.ru_maxrss / 1024),
    }


def measure(side: str, log: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", side, "--log", str(log)]
    return worker_process.run(command, ROOT, side)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", help="an existing shop-week JSONL log")
    parser.add_argument("--events", type=int, default=1_000_000, help="events generated")
    parser.add_argument("--runs", type=int, default=3, help="runs per side (medians shown)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.log)))
        return 0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(args.log) if args.log else Path(folder) / "shop.jsonl"
        if not args.log:
            sys.path.insert(0, str(ROOT / "bench"))
            from bench_engines import generate

            generate(log, args.events, 7)
        runs: dict[str, list[dict[str, Any]]] = {"by hand": [], "cxrules": []}
        worker_process.warm(ROOT)
        for _ in range(args.runs):
            for side in runs:  # in turns: the machine's load shifts between runs
                runs[side].append(measure("by-hand" if side == "by hand" else side, log))
    print(f"{'side':<10}{'wall s':>9}{'cpu s':>9}{'events/s':>12}{'peak RSS':>10}  breaches")
    wall = {}
    for side, found in runs.items():
        wall[side] = statistics.median(r["seconds"] for r in found)
        cpu = statistics.median(r["cpu_seconds"] for r in found)
        rate = found[0]["events"] / wall[side]
        peak = max(r["maxrss_mb"] for r in found)
        print(
            f"{side:<10}{wall[side]:>9.2f}{cpu:>9.2f}{rate:>12,.0f}{peak:>7} MB  "
            f"{found[0]['breaches']}"
        )
    same = runs["by hand"][0]["breaches"] == runs["cxrules"][0]["breaches"]
    print(f"cxrules takes {wall['cxrules'] / wall['by hand']:.1f} times as long as the SQL by hand")
    print("the breach counts agree" if same else "THE BREACH COUNTS DIFFER: not the same rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
