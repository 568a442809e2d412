"""Example log generator, shared parts: zones, names, the time-ordered event sink, planted breaches.

Every scene module (stores, restaurant, service, logistics) pushes events into a `Sink` for one
day at a time; `generate.py` merges them into one stream in time order.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

IST = ZoneInfo("Europe/Istanbul")
BUC = ZoneInfo("Europe/Bucharest")

#: Staff ("arms" of the octopus) of the Istanbul stores, by store.
STORES: dict[str, tuple[str, ...]] = {
    "kadikoy": ("ayse", "mehmet", "elif", "burak", "zeynep", "emre"),
    "besiktas": ("fatma", "mustafa", "selin", "can", "deniz", "ozan"),
    "nisantasi": ("hatice", "ahmet", "ceren", "kerem", "merve", "yusuf"),
    "bakirkoy": ("emine", "ali", "busra", "serkan", "gizem", "hakan"),
    "uskudar": ("zehra", "huseyin", "ebru", "volkan", "irem", "tolga"),
    "atasehir": ("sultan", "ibrahim", "derya", "onur", "pinar", "umut"),
}
RESTAURANT_STAFF = ("nazli", "baris", "sevgi", "cem", "dilek")
AGENTS = ("gulsen", "murat", "aylin", "kaan", "esra", "oguz", "tugba", "sinan")
TECHNICIANS = ("andrei", "ioana", "mihai", "elena", "cristian", "ana", "bogdan", "raluca")
COURIERS = ("florin", "alexandra", "vlad", "simona", "razvan", "diana")
CITIES = ("Bucharest", "Cluj-Napoca", "Iasi", "Timisoara", "Brasov", "Constanta")
TOPICS = ("delivery", "billing", "product", "staff", "returns")
QUEUES = ("billing", "orders", "technical")


@dataclass(frozen=True, slots=True)
class Breach:
    """One planted violation: what the audit must report (policy, scope, kind, and the start
    instant, or for a metric the bucket) and, in words, what happened. A metric breach's scope
    names its group and its bucket, as the report's does ({"queue": "billing", "day": …})."""

    policy: str
    scope: dict[str, str]
    kind: str
    start: datetime | None
    what: str
    bucket: str | None = None

    def __post_init__(self) -> None:
        if self.bucket is not None:
            period = "day" if len(self.bucket) == 10 else "month"
            self.scope[period] = self.bucket

    def as_dict(self) -> dict[str, Any]:
        """The JSON form written to planted.json."""
        return {
            "policy": self.policy,
            "scope": self.scope,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "bucket": self.bucket,
            "what": self.what,
        }


@dataclass
class Sink:
    """Events of the days being generated, kept in a heap by (instant, insertion order)."""

    heap: list[tuple[float, int, datetime, str, dict[str, Any]]] = field(default_factory=list)
    seq: int = 0

    def add(self, when: datetime, etype: str, **attrs: Any) -> None:
        """Queue one event (`when` is aware; it is written in its own zone)."""
        self.seq += 1
        heapq.heappush(self.heap, (when.timestamp(), self.seq, when, etype, attrs))

    def drain(self, until: float) -> list[dict[str, Any]]:
        """Remove and return, in time order, the records of every event before `until`."""
        out = []
        heap = self.heap
        while heap and heap[0][0] < until:
            _, _, when, etype, attrs = heapq.heappop(heap)
            out.append({"time": when.isoformat(), "type": etype, **attrs})
        return out


class Scene(Protocol):
    """A business of the example: it adds one day's events to the sink."""

    def day(self, sink: Sink, day: date, index: int) -> None: ...


def at(day: date, clock: str, tz: ZoneInfo) -> datetime:
    """The instant of a local clock time ('HH:MM' or 'HH:MM:SS') on `day` in `tz`.

    >>> at(date(2026, 3, 2), "10:05", IST).isoformat()
    '2026-03-02T10:05:00+03:00'
    """
    parts = [int(p) for p in clock.split(":")]
    h, m, s = (parts + [0, 0])[:3]
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=tz)


def local(day: date, seconds: float, tz: ZoneInfo) -> datetime:
    """The instant `seconds` (whole seconds kept) after local midnight of `day` in `tz`."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    return midnight + timedelta(seconds=int(seconds))


#: Opening hours of the Istanbul support desk (policies/common.cxr, calendar support_tr), by
#: weekday (Monday = 0): (open hour, close hour).
SUPPORT_HOURS = {0: (9, 18), 1: (9, 18), 2: (9, 18), 3: (9, 18), 4: (9, 18), 5: (10, 14)}


def add_support_hours(start: datetime, hours: float) -> datetime:
    """`start` plus `hours` of opening time of the Istanbul support desk (holidays ignored, so
    the true business time elapsed is never more than `hours`).

    >>> add_support_hours(at(date(2026, 3, 2), "17:00", IST), 3).isoformat()
    '2026-03-03T11:00:00+03:00'
    >>> add_support_hours(at(date(2026, 3, 7), "20:00", IST), 1).isoformat()
    '2026-03-09T10:00:00+03:00'
    """
    t = start.astimezone(IST)
    left = timedelta(hours=hours)
    while True:
        opening = SUPPORT_HOURS.get(t.weekday())
        if opening is not None:
            open_t = t.replace(hour=opening[0], minute=0, second=0, microsecond=0)
            close_t = t.replace(hour=opening[1], minute=0, second=0, microsecond=0)
            if t < open_t:
                t = open_t
            if t < close_t:
                if t + left <= close_t:
                    return t + left
                left -= close_t - t
        t = (t + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
