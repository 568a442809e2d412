"""Example log generator, the Istanbul restaurant: arrivals, greetings, seating, water and bread."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from shop_common import IST, RESTAURANT_STAFF, Breach, Sink, at, local

#: What staff answer when thanked (never "no problem" / "sorun değil").
PHRASES = ("my pleasure", "rica ederim", "afiyet olsun", "memnuniyetle", "with pleasure")


class Restaurant:
    """Generates the restaurant's events one day at a time: tables t-01..t-NN, each seating one
    party after another from 12:00 to 22:00."""

    def __init__(self, seed: int, scale: float) -> None:
        self.rng = random.Random(f"{seed}/restaurant")
        self.tables = max(2, round(12 * scale))

    def day(self, sink: Sink, day: date, index: int) -> None:
        """All restaurant events of one day."""
        rng = self.rng
        for n in range(1, self.tables + 1):
            table = f"t-{n:02d}"
            t = local(day, 12 * 3600 + rng.randrange(0, 5400), IST)
            closing = local(day, 22 * 3600, IST)
            while t < closing:
                t = self.party(sink, t, table)
                t += timedelta(seconds=rng.randrange(300, 2400))

    def party(self, sink: Sink, t: datetime, table: str) -> datetime:
        """One compliant party; returns when the table is free again."""
        rng = self.rng
        staff = rng.choice(RESTAURANT_STAFF)
        sink.add(t, "guest.arrived", table=table, guests=rng.choice((1, 2, 2, 3, 4, 5)))
        sink.add(
            t + timedelta(seconds=rng.randint(5, 50)), "staff.greeted", table=table, staff=staff
        )
        seated = t + timedelta(seconds=rng.randint(60, 180))
        sink.add(seated, "guest.seated", table=table, staff=staff)
        sink.add(seated + timedelta(seconds=rng.randint(30, 200)), "water.served", table=table)
        sink.add(seated + timedelta(seconds=rng.randint(60, 280)), "bread.served", table=table)
        stay = rng.randint(45 * 60, 100 * 60)
        for _ in range(rng.choice((0, 1, 1, 2))):
            said = seated + timedelta(seconds=rng.randrange(600, stay))
            sink.add(said, "staff.said", table=table, staff=staff, text=rng.choice(PHRASES))
        return seated + timedelta(seconds=stay)


def planted(sink: Sink, start: date) -> list[Breach]:
    """The restaurant's planted breaches of the first week (on tables kept free for them)."""
    wed, fri, sat = (start + timedelta(days=d) for d in (2, 4, 5))
    out: list[Breach] = []

    def party(day: date, table: str, steps: list[tuple[str, str, dict[str, str]]]) -> None:
        for clock, etype, extra in steps:
            sink.add(at(day, clock, IST), etype, table=table, **extra)

    party(wed, "t-window-2", [
        ("19:43:00", "guest.arrived", {}), ("19:43:30", "staff.greeted", {"staff": "cem"}),
        ("19:45:00", "guest.seated", {"staff": "cem"}),
        ("19:52:10", "water.served", {}), ("19:52:40", "bread.served", {}),
    ])  # fmt: skip
    for what, late in (("water", "7m10s"), ("bread", "7m40s")):
        out.append(
            Breach(
                f"restaurant.{what}-after-seating",
                {"table": "t-window-2"},
                "late",
                at(wed, "19:45:00", IST),
                f"{what} came {late} after seating (limit 5min)",
            )
        )
    party(fri, "t-window-1", [
        ("20:10:00", "guest.arrived", {}), ("20:13:05", "staff.greeted", {"staff": "baris"}),
        ("20:13:30", "guest.seated", {"staff": "baris"}),
        ("20:15:00", "water.served", {}), ("20:16:00", "bread.served", {}),
        ("20:41:00", "staff.said", {"staff": "baris", "text": "No problem!"}),
    ])  # fmt: skip
    out.append(
        Breach(
            "restaurant.greet-on-arrival",
            {"table": "t-window-1"},
            "late",
            at(fri, "20:10:00", IST),
            "the party waited 3m05s at the door before anyone greeted them",
        )
    )
    out.append(
        Breach(
            "restaurant.wording",
            {},
            "forbidden",
            at(fri, "20:41:00", IST),
            "baris answered a thank-you with 'No problem!'",
        )
    )
    party(sat, "t-terrace-2", [
        ("13:30:00", "guest.arrived", {}), ("13:31:00", "guest.seated", {"staff": "dilek"}),
        ("13:33:00", "water.served", {}), ("13:34:00", "bread.served", {}),
    ])  # fmt: skip
    out.append(
        Breach(
            "restaurant.greet-on-arrival",
            {"table": "t-terrace-2"},
            "missing",
            at(sat, "13:30:00", IST),
            "the terrace party was seated but never greeted",
        )
    )
    out.append(
        Breach(
            "restaurant.every-table-greeted",
            {"table": "t-terrace-2"},
            "too_few",
            at(sat, "13:30:00", IST),
            "the terrace table was never greeted all week",
        )
    )
    party(sat, "t-window-2", [
        ("20:50:00", "guest.arrived", {}), ("20:50:20", "staff.greeted", {"staff": "sevgi"}),
        ("20:51:30", "guest.seated", {"staff": "sevgi"}),
        ("20:53:00", "water.served", {}), ("20:54:00", "bread.served", {}),
        ("21:05:00", "staff.said", {"staff": "sevgi", "text": "Sorun değil, hemen getiriyorum"}),
    ])  # fmt: skip
    out.append(
        Breach(
            "restaurant.wording",
            {},
            "forbidden",
            at(sat, "21:05:00", IST),
            "sevgi said 'Sorun değil' (Turkish for 'no problem')",
        )
    )
    return out
