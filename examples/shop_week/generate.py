"""Example log generator: a seeded week of Istanbul stores, a restaurant, a contact centre and
Bucharest logistics, as canonical JSONL in time order, with a listed set of planted breaches.

    python examples/shop_week/generate.py --seed 7 --out examples/shop_week/week.jsonl
    python examples/shop_week/generate.py --events 1000000 --out /tmp/big.jsonl

Importable (the folder on sys.path): `generate(seed, start, days, scale)` streams the records,
`planted_breaches(start, days, scale)` lists what an audit of the week must find.
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import json
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import holidays

sys.path.insert(0, str(Path(__file__).resolve().parent))

import shop_logistics as logistics  # noqa: E402
import shop_restaurant as restaurant  # noqa: E402
import shop_service as service  # noqa: E402
import shop_stores as stores  # noqa: E402
from shop_common import IST, Breach, Scene, Sink, local  # noqa: E402

DEFAULT_START = date(2026, 3, 2)  # a Monday


def _check(start: date, days: int | None, scale: float) -> None:
    if start.weekday() != 0:
        raise ValueError(f"the week must start on a Monday; {start} is a {start:%A}")
    if days is not None and days < 7:
        raise ValueError(f"days must be at least 7 (the planted breaches fill a week), not {days}")
    if not 1.0 <= scale <= 100.0:
        raise ValueError(
            f"scale must be between 1 and 100, not {scale} (below 1 the planted KPI breaches "
            "and the compliant complaint rates no longer hold)"
        )


def generate(
    seed: int = 7, start: date = DEFAULT_START, days: int | None = 7, scale: float = 1.0
) -> Iterator[dict[str, Any]]:
    """Stream the log's records in time order (equal times in a fixed order), one day at a time
    in constant memory; `days=None` never ends. Same arguments, same records.

    Only online orders come in after midnight (Bucharest time is an hour behind Istanbul):

    >>> first = list(itertools.islice(generate(seed=1), 3))
    >>> sorted({r["type"] for r in first}), all(r["time"][10:] < "T01" for r in first)
    (['order.placed'], True)
    >>> first == list(itertools.islice(generate(seed=1), 3))
    True
    """
    _check(start, days, scale)
    sink = Sink()
    for plant in (stores.planted, restaurant.planted, service.planted, logistics.planted):
        plant(sink, start)
    scenes: list[Scene] = [
        stores.Stores(seed, scale),
        restaurant.Restaurant(seed, scale),
        service.Service(seed, scale),
        logistics.Logistics(seed, scale),
    ]
    for index in itertools.count() if days is None else range(days):
        day = start + timedelta(days=index)
        for scene in scenes:
            scene.day(sink, day, index)
        # every zone's day has begun by Istanbul midnight; later days only add later events
        yield from sink.drain(local(day + timedelta(days=1), 0, IST).timestamp())


def planted_breaches(
    start: date = DEFAULT_START, days: int | None = 7, scale: float = 1.0
) -> list[Breach]:
    """What an audit of `generate(seed, start, days, scale)` with policies/ reports, for any
    seed: exactly these violations. Only a log of exactly one week has a known list (the
    month-level KPIs of a longer log mix in other weeks), and only for a week whose Monday to
    Saturday has no public holiday in Turkey (they move the support desk's deadlines).

    >>> [b.policy for b in planted_breaches()][:2]
    ['octopus.always-connected', 'octopus.always-connected']
    """
    _check(start, days, scale)
    if days != 7:
        raise ValueError(f"the planted breaches are listed for a 7-day log only, not {days} days")
    saturday = start + timedelta(days=5)
    closed = holidays.country_holidays("TR", years=sorted({start.year, saturday.year}))
    named = [f"{d} {closed[d]}" for d in sorted(closed) if start <= d <= saturday]
    if named:
        raise ValueError(
            "the planted complaint deadlines assume a week without public holidays in Turkey "
            f"(calendar support_tr); this one has {', '.join(named)}"
        )
    sink = Sink()
    out: list[Breach] = []
    for plant in (stores.planted, restaurant.planted, service.planted, logistics.planted):
        out.extend(plant(sink, start))
    return out


def write(records: Iterator[dict[str, Any]], stream: IO[str]) -> int:
    """Write records as JSON Lines; returns how many."""
    count = 0
    dumps = json.dumps
    for record in records:
        stream.write(dumps(record, ensure_ascii=False, separators=(",", ":")))
        stream.write("\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """The command line: write the log (and planted.json beside it for a one-week log)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="volume factor (>= 1)")
    parser.add_argument("--events", type=int, help="write exactly N events (days as needed)")
    parser.add_argument("--out", default="-", help="output file (.gz compresses); - for stdout")
    parser.add_argument("--planted", help="where to write the planted breaches (JSON)")
    args = parser.parse_args(argv)
    days = None if args.events is not None else args.days
    try:
        _check(args.start, days, args.scale)
        if args.events is not None and args.events < 0:
            raise ValueError("--events must not be negative")
        planted_path = args.planted
        if planted_path is None and days == 7 and args.out != "-":
            planted_path = str(Path(args.out).parent / "planted.json")
        breaches = planted_breaches(args.start, days, args.scale) if planted_path else []
    except ValueError as exc:
        parser.error(str(exc))
    records = generate(args.seed, args.start, days, args.scale)
    if args.events is not None:
        records = itertools.islice(records, args.events)
    if args.out == "-":
        count = write(records, sys.stdout)
    elif args.out.endswith(".gz"):
        # mtime 0 and no name in the header: the same records give the same bytes
        with (
            open(args.out, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed,
            io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as stream,
        ):
            count = write(records, stream)
    else:
        with open(args.out, "w", encoding="utf-8", newline="\n") as stream:
            count = write(records, stream)
    if planted_path:
        text = json.dumps([b.as_dict() for b in breaches], ensure_ascii=False, indent=2)
        Path(planted_path).write_text(text + "\n", encoding="utf-8")
    print(f"{count} events written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
