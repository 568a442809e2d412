"""Benchmark: the python engine alone (events pre-read into memory), events per CPU second.

    python bench/bench_engine.py --events 200000          # median of 3 runs in one process
    python bench/bench_engine.py --events 200000 --profile # cProfile, top functions

The shop-week generator (examples/shop_week) writes the events to a temporary JSONL file, the
log readers read them into a list once, then each run audits the list with every policy of
policies/ under the cyclic GC setting of `cxrules audit` (disabled for the run). This isolates
the engine from the readers; `bench_audit.py` measures the whole audit in fresh processes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_audit import ROOT, cpu_seconds, write_log  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--policies", default=str(ROOT / "policies"))
    parser.add_argument("--profile", action="store_true", help="one cProfile run, top 30")
    args = parser.parse_args(argv)
    from cxrules.engines.base import EventList, RunOptions
    from cxrules.engines.python import PythonEngine
    from cxrules.logs import LogSet, open_log
    from cxrules.policyset import load_policies

    loaded = load_policies([args.policies])
    if loaded.policy_set is None:
        raise SystemExit(f"the policies do not compile: {loaded.diagnostics[:3]}")
    with tempfile.TemporaryDirectory(prefix="cxrules-bench-") as folder:
        log = Path(folder) / "shop.jsonl"
        write_log(log, args.events, args.seed)
        events = list(LogSet([open_log(str(log))]).events())
    zone = "Europe/Istanbul"
    if args.profile:
        gc.disable()
        profiler = cProfile.Profile()
        profiler.enable()
        PythonEngine().run(loaded.policy_set, EventList(events), RunOptions(zone=zone))
        profiler.disable()
        gc.enable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return 0
    rates = []
    for n in range(args.runs):
        gc.collect()
        gc.disable()
        start = cpu_seconds()
        result = PythonEngine().run(loaded.policy_set, EventList(events), RunOptions(zone=zone))
        cpu = cpu_seconds() - start
        gc.enable()
        rates.append(len(events) / cpu)
        print(
            f"run {n + 1}: {cpu:.2f} CPU s, {rates[-1]:,.0f} events per CPU s, "
            f"{len(list(result.violations))} violations",
            flush=True,
        )
    print(f"median: {statistics.median(rates):,.0f} events per CPU s ({len(events):,} events)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
