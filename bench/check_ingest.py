"""Check: the duckdb engine's ingestion reads the real logs exactly as the Python readers do.

    python bench/check_ingest.py                  # every log of ../shared/data with its mapping
    python bench/check_ingest.py --only helpdesk  # the folders whose name contains 'helpdesk'

For each log in ../shared/data that has a mapping in examples/<folder>/cxrules.toml, read it
with `LogSet.events(sorted=True)` and with `ingest` into DuckDB, then compare event by event
(time, seq, type, id, file, line, attributes) and the counts, rejections and duplicates. Each
log is also read with the native routes switched off (`native=False`). Prints one line per log
and exits 1 when any differs. Not part of the test suite: the logs take a minute to read.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

# folder -> the files its mapping reads (the examples' README names them)
LOGS = {
    "anonymous_bank_callcenter_feb1999": ["data_anonymous_bank_february.txt.gz"],
    "bpic2013_closed_problems": ["BPI_Challenge_2013_closed_problems.csv.gz"],
    "bpic2013_incidents": ["bpi_challenge_2013_incidents.xes.gz"],
    "bpic2013_open_problems": ["BPI_Challenge_2013_open_problems.xes.gz"],
    "bpic2014_incident_activity_filtered": ["BPIC14_f.xes.gz"],
    "bpic2016_complaints": ["BPI2016_Complaints.csv"],
    "helpdesk_italian_software": ["finale.csv.gz"],
    "uci_servicenow_incident_log": ["incident_event_log.csv.gz"],
}


def check(folder: str, file: str) -> bool:
    """Compare both reads of one log; print the outcome; True when they agree."""
    import duckdb

    from cxrules.engines.duckdb.verify import differences, duckdb_read, python_read
    from cxrules.logs import LogSet, load_mapping, open_log

    mapping = load_mapping(ROOT / "examples" / folder / "cxrules.toml")

    def make() -> LogSet:
        return LogSet([open_log(str(SHARED / folder / file), mapping)])

    start = time.perf_counter()
    expected = python_read(make)
    python_s = time.perf_counter() - start
    agree = True
    for native in (True, False):
        start = time.perf_counter()
        got = duckdb_read(make, duckdb.connect(), native=native)
        seconds = time.perf_counter() - start
        found = differences(expected, got)
        summary = expected.summaries[0]
        print(
            f"{'OK  ' if not found else 'DIFF'} {folder}/{file} [{got.routes[0]}]: "
            f"{len(got.events):,} events, read {summary['read']:,}, rejected "
            f"{summary['rejected']:,}, duplicates {summary['duplicates']:,}; "
            f"python {python_s:.1f} s, duckdb {seconds:.1f} s",
            flush=True,
        )
        for line in found:
            print("     ", line[:300])
        agree = agree and not found
    return agree


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="only the folders whose name contains this text")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"no shared data folder at {SHARED}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    results = [
        check(folder, file)
        for folder, files in LOGS.items()
        if not args.only or args.only in folder
        for file in files
    ]
    print(f"{sum(results)} of {len(results)} logs agree")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
