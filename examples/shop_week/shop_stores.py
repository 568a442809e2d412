"""Example log generator, Istanbul stores: octopus visits, surveys, NPS actions and follow-ups."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from shop_common import IST, STORES, Breach, Sink, add_support_hours, at, local

#: Visits per store and day at scale 1, by weekday (Monday = 0).
VISITS = (30, 28, 30, 32, 36, 44, 38)
#: Busy hours of a store (10:00-22:00), as relative weights per hour.
HOURLY = {10: 2, 11: 3, 12: 6, 13: 6, 14: 3, 15: 3, 16: 4, 17: 6, 18: 7, 19: 6, 20: 4, 21: 1}
NPS_STORE = "bakirkoy"  # the store whose planted week has an NPS below 40
CSAT_STORE = "uskudar"  # the store whose planted week has a CSAT below 80%
ACTIONS = ("called the customer", "note to the store manager", "coaching with the team")


def pick_hour(rng: random.Random) -> int:
    return rng.choices(list(HOURLY), weights=list(HOURLY.values()))[0]


class Stores:
    """Generates the stores' events one day at a time."""

    def __init__(self, seed: int, scale: float) -> None:
        self.rng = random.Random(f"{seed}/stores")
        self.scale = scale
        self.visit_no = 10000

    def day(self, sink: Sink, day: date, index: int) -> None:
        """All store events of one day (`index` counts days from the start of the log)."""
        weekday = day.weekday()
        for store, arms in STORES.items():
            count = max(1, round(VISITS[weekday] * self.scale))
            for _ in range(count):
                self.visit(sink, day, store, arms)
            self.surveys(sink, day, store, planted=index < 7)
        self.ces(sink, day)

    # ----------------------------------------------------------------- visits

    def visit(self, sink: Sink, day: date, store: str, arms: tuple[str, ...]) -> None:
        """One compliant visit: every handoff within 25 s, enough connections for 90% battery."""
        rng = self.rng
        self.visit_no += 1
        visit = f"v-{self.visit_no}"
        t = local(day, pick_hour(rng) * 3600 + rng.randrange(0, 3000), IST)
        waits = 1 if rng.random() < 0.2 else 0
        links = 4 + 2 * waits + rng.choice((0, 0, 1, 2))
        sink.add(t, "customer.entered", visit=visit, store=store)
        wait_at = rng.randrange(links) if waits else -1
        arm = ""
        t += timedelta(seconds=rng.randint(3, 25))
        for n in range(links):
            arm = rng.choice([a for a in arms if a != arm])
            sink.add(t, "arm.connected", visit=visit, store=store, arm=arm)
            length = rng.randint(60, 420)
            if n == wait_at:
                sink.add(
                    t + timedelta(seconds=length // 2), "customer.waited", visit=visit, store=store
                )
            t += timedelta(seconds=length)
            sink.add(t, "arm.disconnected", visit=visit, store=store, arm=arm)
            t += timedelta(seconds=rng.randint(2, 25) if n + 1 < links else rng.randint(2, 20))
        sink.add(t, "customer.left", visit=visit, store=store)

    # ----------------------------------------------------------------- surveys

    def surveys(self, sink: Sink, day: date, store: str, planted: bool) -> None:
        """NPS and CSAT answers of one store-day; each day alone keeps NPS >= 50 and CSAT >= 85%
        (so every month does), except the planted stores in the first week."""
        rng = self.rng
        n = max(6, round(8 * self.scale))
        if planted and store == NPS_STORE:
            promoters, detractors = round(0.40 * n), round(0.25 * n)
        else:
            promoters, detractors = math.ceil(0.65 * n), max(1, round(0.1 * n))
        scores = (
            [rng.choice((9, 10)) for _ in range(promoters)]
            + [rng.choice((0, 3, 4, 5, 6, 6)) for _ in range(detractors)]
            + [rng.choice((7, 8)) for _ in range(n - promoters - detractors)]
        )
        rng.shuffle(scores)
        for score in scores:
            t = local(day, rng.randrange(10 * 3600, 22 * 3600), IST)
            customer = f"c-{rng.randrange(100000, 150000)}"
            sink.add(t, "survey.answered", customer=customer, store=store, kind="nps", score=score)
            self.act(sink, t, customer, score)
        m = max(8, round(8 * self.scale))
        low = round(0.3 * m) if planted and store == CSAT_STORE else math.floor(0.14 * m)
        answers = [rng.choice((4, 5, 5)) for _ in range(m - low)]
        answers += [rng.choice((1, 2, 3)) for _ in range(low)]
        for score in answers:
            t = local(day, rng.randrange(10 * 3600, 22 * 3600), IST)
            customer = f"c-{rng.randrange(100000, 150000)}"
            sink.add(t, "survey.answered", customer=customer, store=store, kind="csat", score=score)

    def act(self, sink: Sink, t: datetime, customer: str, score: int) -> None:
        """The store's action on an NPS answer (within 3 days) and, for a detractor, the support
        desk's follow-up within 20 business hours (sometimes waiting on the customer first)."""
        rng = self.rng
        action_at = t + timedelta(seconds=rng.randrange(3600, 72 * 3600))
        sink.add(action_at, "action.taken", customer=customer, action=rng.choice(ACTIONS))
        if score > 6:
            return
        if rng.random() < 0.3:
            asked = add_support_hours(t, rng.uniform(0.5, 3))
            replied = asked + timedelta(seconds=rng.randrange(1800, 30 * 3600))
            sink.add(asked, "followup.awaiting_customer", customer=customer)
            sink.add(replied, "followup.customer_replied", customer=customer)
            done = add_support_hours(replied, rng.uniform(0.5, 6))
        else:
            done = add_support_hours(t, rng.uniform(1, 20))
        sink.add(done, "followup.done", customer=customer, agent="support")

    def ces(self, sink: Sink, day: date) -> None:
        """Customer-effort answers (1-7) after returns; every day's mean is at least 5.5."""
        rng = self.rng
        n = max(8, round(10 * self.scale))
        scores = [rng.choice((3, 4, 5, 6, 6, 7, 7)) for _ in range(n)]
        while sum(scores) < 5.5 * n:
            scores[scores.index(min(scores))] += 1
        for score in scores:
            t = local(day, rng.randrange(10 * 3600, 22 * 3600), IST)
            customer = f"c-{rng.randrange(100000, 150000)}"
            store = rng.choice(list(STORES))
            sink.add(t, "survey.answered", customer=customer, store=store, kind="ces", score=score)


def planted(sink: Sink, start: date) -> list[Breach]:
    """The stores' planted breaches of the first week: octopus gaps, a missed handoff, a drained
    battery, and the NPS and CSAT of two stores."""
    mon, tue, wed, thu = (start + timedelta(days=d) for d in range(4))
    out: list[Breach] = []

    def visit(day: date, name: str, store: str, steps: list[tuple[str, str, str]]) -> None:
        for clock, etype, arm in steps:
            extra = {"arm": arm} if arm else {}
            sink.add(at(day, clock, IST), etype, visit=name, store=store, **extra)

    visit(mon, "v-1001", "kadikoy", [
        ("10:05:00", "customer.entered", ""),
        ("10:07:12", "arm.connected", "mehmet"), ("10:12:00", "arm.disconnected", "mehmet"),
        ("10:12:10", "arm.connected", "elif"), ("10:18:00", "arm.disconnected", "elif"),
        ("10:18:05", "arm.connected", "ayse"), ("10:25:00", "arm.disconnected", "ayse"),
        ("10:25:20", "arm.connected", "burak"), ("10:31:00", "arm.disconnected", "burak"),
        ("10:31:15", "customer.left", ""),
    ])  # fmt: skip
    out.append(
        Breach(
            "octopus.always-connected",
            {"visit": "v-1001"},
            "gap",
            at(mon, "10:05:00", IST),
            "nobody greeted the customer for 2m12s after they entered (grace 30s)",
        )
    )
    visit(tue, "v-1002", "besiktas", [
        ("15:02:00", "customer.entered", ""),
        ("15:02:10", "arm.connected", "selin"), ("15:08:00", "arm.disconnected", "selin"),
        ("15:08:15", "arm.connected", "can"), ("15:20:00", "arm.disconnected", "can"),
        ("15:21:15", "arm.connected", "deniz"), ("15:30:00", "arm.disconnected", "deniz"),
        ("15:30:10", "arm.connected", "ozan"), ("15:36:00", "arm.disconnected", "ozan"),
        ("15:36:10", "customer.left", ""),
    ])  # fmt: skip
    out.append(
        Breach(
            "octopus.always-connected",
            {"visit": "v-1002"},
            "gap",
            at(tue, "15:20:00", IST),
            "can left the customer and deniz took over 75 s later",
        )
    )
    out.append(
        Breach(
            "octopus.handoff",
            {"visit": "v-1002"},
            "late",
            at(tue, "15:20:00", IST),
            "the handoff from can to deniz took 1m15s (limit 1min)",
        )
    )
    visit(wed, "v-1003", "nisantasi", [
        ("11:20:00", "customer.entered", ""),
        ("11:20:10", "arm.connected", "merve"), ("11:24:00", "arm.disconnected", "merve"),
        ("11:24:20", "arm.connected", "kerem"), ("11:30:00", "arm.disconnected", "kerem"),
        ("11:30:15", "arm.connected", "ceren"), ("11:40:00", "arm.disconnected", "ceren"),
        ("11:40:20", "arm.connected", "ceren"), ("11:52:00", "arm.disconnected", "ceren"),
        ("11:52:10", "customer.left", ""),
    ])  # fmt: skip
    out.append(
        Breach(
            "octopus.handoff",
            {"visit": "v-1003"},
            "missing",
            at(wed, "11:40:00", IST),
            "ceren stepped away and came back herself 20 s later: no other arm took over",
        )
    )
    visit(thu, "v-1004", "uskudar", [
        ("16:40:00", "customer.entered", ""),
        ("16:40:15", "arm.connected", "zehra"), ("16:44:00", "customer.waited", ""),
        ("16:46:00", "arm.disconnected", "zehra"),
        ("16:46:20", "arm.connected", "ebru"), ("16:51:00", "arm.disconnected", "ebru"),
        ("16:51:10", "customer.left", ""),
    ])  # fmt: skip
    out.append(
        Breach(
            "octopus.battery",
            {"visit": "v-1004"},
            "condition_false",
            at(thu, "16:51:10", IST),
            "two connections and one wait: the customer left with 50% battery",
        )
    )
    month = f"{start:%Y-%m}"
    out.append(
        Breach(
            "kpi.nps",
            {"store": NPS_STORE},
            "metric",
            None,
            "3 promoters and 2 detractors in every 8 answers all week: NPS 12.5",
            bucket=month,
        )
    )
    out.append(
        Breach(
            "kpi.csat",
            {"store": CSAT_STORE},
            "metric",
            None,
            "a quarter of the CSAT answers were 1-3 all week: CSAT 75%",
            bucket=month,
        )
    )
    return out
