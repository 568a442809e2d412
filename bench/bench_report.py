"""Benchmark: the report's side of an audit — violation records built and written as JSON.

    python bench/bench_report.py examples/uci_servicenow_incident_log \\
        ../shared/data/uci_servicenow_incident_log/incident_event_log.csv.gz
    python bench/bench_report.py examples/bpic2016_complaints \\
        ../shared/data/bpic2016_complaints/BPI2016_Complaints.csv --engine python --runs 3

One audit of an example folder (its `policies.cxr` and `cxrules.toml`) over its log, in this
process; then, on the audit's findings, best of `--runs`: each violation's record built
(`Assembler.ranked`: sentence, instants, evidence) and each record written as the JSON report
writes it (`as_json.model_json`). The engine's own time is printed once, for scale. Logs with
many violations show it (the ServiceNow example: 14,749 records); the shop-week benchmark plants
few.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(runs: int, work: Callable[[], object]) -> float:
    """The shortest of `runs` timings of `work`, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    from cxrules.engines import get
    from cxrules.engines.base import RunOptions
    from cxrules.findings.assemble import Assembler
    from cxrules.logs import LogSet, load_mapping, open_log
    from cxrules.policyset import load_policies
    from cxrules.reports.as_json import model_json

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("example", help="an example folder (policies.cxr, cxrules.toml)")
    parser.add_argument("log", help="its log")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    folder = Path(args.example)
    policy_set = load_policies([str(folder / "policies.cxr")]).policy_set
    if policy_set is None:
        print(f"{folder / 'policies.cxr'}: invalid policies (run cxrules check)")
        return 2
    mapping = load_mapping(str(folder / "cxrules.toml"))
    zone = mapping.zone or "UTC"
    start = time.perf_counter()
    outcome = get(args.engine).run(
        policy_set, LogSet([open_log(args.log, mapping)]), RunOptions(zone=zone)
    )
    found = list(outcome.violations)
    engine_s = time.perf_counter() - start
    assembler = Assembler(policy_set, zone)
    records = [violation for _, violation in (assembler.ranked(f) for f in found)]
    built = best(args.runs, lambda: [assembler.ranked(f) for f in found])
    written = best(args.runs, lambda: [model_json(r, "record") for r in records])
    count = max(len(found), 1)
    print(f"{len(found):,} violation records; the {args.engine} engine {engine_s:.2f} s")
    print(f"records built  {built:7.3f} s  {built / count * 1e6:7.1f} µs a record")
    print(f"records as JSON{written:7.3f} s  {written / count * 1e6:7.1f} µs a record")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
