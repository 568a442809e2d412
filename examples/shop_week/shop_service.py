"""Example log generator, the Istanbul contact centre: calls, complaints and marketing messages."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from shop_common import AGENTS, IST, QUEUES, TOPICS, Breach, Sink, add_support_hours, at, local

#: Calls per queue on a weekday at scale 1, and the weekday factors (Monday = 0).
CALLS = {"billing": 130, "orders": 150, "technical": 110}
CALL_DAY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.45, 0.25)
#: Opening hours of the phone lines by weekday: (first, last) hour, Istanbul time.
LINES = {0: (8, 20), 1: (8, 20), 2: (8, 20), 3: (8, 20), 4: (8, 20), 5: (9, 18), 6: (10, 16)}
#: Complaints per weekday at scale 1.
COMPLAINTS = (11, 11, 11, 11, 11, 8, 5)
MARKETING = 150  # messages per day at scale 1

#: Planted call-centre profiles of the first week: (day index, queue or None for all) ->
#: (share of slow answers, their wait range in seconds, share of abandoned calls).
PROFILES: dict[tuple[int, str | None], tuple[float, tuple[int, int], float]] = {
    (0, "billing"): (0.28, (25, 58), 0.0),  # Monday lunch rush: service level 72%
    (2, None): (0.12, (65, 110), 0.0),  # Wednesday: 12% wait over a minute, p90 > 1min
    (3, "orders"): (0.0, (21, 45), 0.08),  # Thursday: 8% of callers hang up
    (5, None): (0.5, (50, 115), 0.0),  # Saturday: the phone system degrades
}


def busy_second(rng: random.Random, first: int, last: int) -> int:
    """A second of the day between `first` and `last` o'clock, busier at lunch and after work."""
    hours = list(range(first, last))
    weights = [3 if h in (12, 13) else 2 if h in (17, 18) else 1 for h in hours]
    return rng.choices(hours, weights=weights)[0] * 3600 + rng.randrange(3600)


class Service:
    """Generates the contact centre's events one day at a time."""

    def __init__(self, seed: int, scale: float) -> None:
        self.rng = random.Random(f"{seed}/service")
        self.scale = scale
        self.call_no = 100000
        self.complaint_no = 10000
        # (customer, topic) -> instant of their last complaint, kept 90 days: no unplanned repeats
        self.complained: dict[tuple[str, str], float] = {}
        # customer -> instant of their last complaint, kept 8 days: no marketing meanwhile
        self.quiet: dict[str, float] = {}

    def day(self, sink: Sink, day: date, index: int) -> None:
        """All contact-centre events of one day."""
        for queue in QUEUES:
            self.calls(sink, day, index, queue)
        self.complaints(sink, day)
        self.marketing(sink, day)

    # ----------------------------------------------------------------- calls

    def calls(self, sink: Sink, day: date, index: int, queue: str) -> None:
        """One queue-day. Ordinarily at most 8% of answers wait 21-45 s and at most 3% of
        callers hang up, so service level >= 89%, abandonment <= 3% and p90 <= 45 s."""
        rng = self.rng
        n = max(1, round(CALLS[queue] * CALL_DAY[day.weekday()] * self.scale))
        profile = PROFILES.get((index, queue)) or PROFILES.get((index, None))
        if profile is None:
            slow = rng.randint(0, math.floor(0.08 * n))
            slow_range = (21, 45)
            dropped = rng.randint(0, math.floor(0.03 * n))
        else:
            slow, slow_range = math.ceil(profile[0] * n), profile[1]
            dropped = math.ceil(profile[2] * n)
        kinds = ["slow"] * slow + ["dropped"] * dropped + ["fast"] * (n - slow - dropped)
        rng.shuffle(kinds)
        first, last = LINES[day.weekday()]
        for kind in kinds:
            self.call_no += 1
            call = f"call-{self.call_no}"
            t = local(day, busy_second(rng, first, last), IST)
            customer = f"c-{rng.randrange(100000, 150000)}"
            sink.add(t, "call.queued", call=call, queue=queue, customer=customer)
            if kind == "dropped":
                wait = rng.randint(8, 90)
                sink.add(
                    t + timedelta(seconds=wait), "call.abandoned", call=call, queue=queue, wait=wait
                )
                continue
            wait = rng.randint(*slow_range) if kind == "slow" else rng.choice(FAST_WAITS)
            sink.add(
                t + timedelta(seconds=wait),
                "call.answered",
                call=call,
                queue=queue,
                wait=wait,
                agent=rng.choice(AGENTS),
            )

    # ----------------------------------------------------------------- complaints

    def complaints(self, sink: Sink, day: date) -> None:
        """First complaints (never a repeat of the same customer and topic within 90 days),
        each answered within 12 business hours of the support desk."""
        rng = self.rng
        today = local(day, 0, IST).timestamp()
        self.complained = {k: v for k, v in self.complained.items() if v > today - 90 * 86400}
        self.quiet = {k: v for k, v in self.quiet.items() if v > today - 8 * 86400}
        for _ in range(round(COMPLAINTS[day.weekday()] * self.scale)):
            topic = rng.choice(TOPICS)
            customer = f"c-{rng.randrange(100000, 150000)}"
            while (customer, topic) in self.complained:
                customer = f"c-{rng.randrange(100000, 150000)}"
            t = local(day, rng.randrange(8 * 3600, 22 * 3600), IST)
            self.complained[(customer, topic)] = self.quiet[customer] = t.timestamp()
            self.complaint_no += 1
            complaint = f"k-{self.complaint_no}"
            channel = rng.choice(("phone", "phone", "email", "store"))
            sink.add(
                t,
                "complaint.filed",
                complaint=complaint,
                customer=customer,
                topic=topic,
                channel=channel,
            )
            self.handle(sink, t, complaint, customer, topic)

    def handle(self, sink: Sink, t: datetime, complaint: str, customer: str, topic: str) -> None:
        """Answer a complaint in time (sometimes after asking the customer a question), and
        sometimes escalate or resolve the case."""
        rng = self.rng
        if rng.random() < 0.15:
            asked = add_support_hours(t, rng.uniform(0.3, 2))
            replied = asked + timedelta(seconds=rng.randrange(2 * 3600, 30 * 3600))
            sink.add(asked, "followup.awaiting_customer", complaint=complaint)
            sink.add(replied, "followup.customer_replied", complaint=complaint)
            answered = add_support_hours(replied, rng.uniform(0.5, 4))
        else:
            answered = add_support_hours(t, rng.uniform(0.5, 12))
        sink.add(answered, "complaint.answered", complaint=complaint, agent=rng.choice(AGENTS))
        roll = rng.random()
        case = {"complaint": complaint, "customer": customer, "topic": topic}
        if roll < 0.05:
            sink.add(answered + timedelta(minutes=rng.randrange(5, 120)), "case.escalated", **case)
        elif roll < 0.35:
            sink.add(answered + timedelta(hours=rng.randrange(1, 48)), "case.resolved", **case)

    # ----------------------------------------------------------------- marketing

    def marketing(self, sink: Sink, day: date) -> None:
        """The morning campaign, never sent to a customer who complained in the last 8 days."""
        rng = self.rng
        t = at(day, "10:00", IST)
        campaign = f"spring-{day:%m%d}"
        sent = 0
        while sent < round(MARKETING * self.scale):
            customer = f"c-{rng.randrange(100000, 150000)}"
            if customer in self.quiet:
                continue
            sent += 1
            sink.add(
                t + timedelta(seconds=sent),
                "marketing.sent",
                customer=customer,
                campaign=campaign,
                channel=rng.choice(("email", "sms", "push")),
            )


#: Waits of ordinary answered calls (seconds), most within a few rings.
FAST_WAITS = (2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 12, 14, 16, 19)


def planted(sink: Sink, start: date) -> list[Breach]:
    """The contact centre's planted breaches of the first week."""
    mon, tue, wed, thu, fri = (start + timedelta(days=d) for d in range(5))
    out: list[Breach] = []

    def day_of(index: int) -> str:
        return f"{start + timedelta(days=index):%Y-%m-%d}"

    sink.add(
        at(tue, "11:32:00", IST), "call.queued", call="call-7001", queue="orders", customer="c-2004"
    )
    sink.add(
        at(tue, "11:35:05", IST),
        "call.answered",
        call="call-7001",
        queue="orders",
        wait=185,
        agent="kaan",
    )
    out.append(
        Breach(
            "callcenter.max-wait",
            {"call": "call-7001"},
            "late",
            at(tue, "11:32:00", IST),
            "a caller in the orders queue waited 3m05s (limit 2min)",
        )
    )
    out.append(
        Breach(
            "callcenter.service-level",
            {"queue": "billing"},
            "metric",
            None,
            "Monday lunch rush: 28% of billing calls waited 25-58 s",
            bucket=day_of(0),
        )
    )
    out.append(
        Breach(
            "callcenter.p90-wait",
            {},
            "metric",
            None,
            "Wednesday: 12% of answered calls waited 65-110 s",
            bucket=day_of(2),
        )
    )
    out.append(
        Breach(
            "callcenter.abandonment",
            {"queue": "orders"},
            "metric",
            None,
            "Thursday: 8% of callers to orders hung up",
            bucket=day_of(3),
        )
    )
    for queue in QUEUES:
        out.append(
            Breach(
                "callcenter.service-level",
                {"queue": queue},
                "metric",
                None,
                "Saturday phone outage: half the calls waited 50-115 s",
                bucket=day_of(5),
            )
        )
    out.append(
        Breach(
            "callcenter.speed-of-answer",
            {},
            "metric",
            None,
            "Saturday phone outage: average answer time over 30 s",
            bucket=day_of(5),
        )
    )
    out.append(
        Breach(
            "callcenter.p90-wait",
            {},
            "metric",
            None,
            "Saturday phone outage: p90 wait over a minute",
            bucket=day_of(5),
        )
    )

    def complaint(when: datetime, number: str, customer: str, topic: str, answer: datetime) -> None:
        sink.add(
            when,
            "complaint.filed",
            complaint=number,
            customer=customer,
            topic=topic,
            channel="phone",
        )
        sink.add(answer, "complaint.answered", complaint=number, agent="aylin")

    complaint(at(mon, "10:00", IST), "k-7001", "c-2001", "product", at(thu, "15:00", IST))
    out.append(
        Breach(
            "complaints.answer-in-time",
            {"complaint": "k-7001"},
            "late",
            at(mon, "10:00", IST),
            "answered Thursday 15:00, 32 business hours later (limit 16)",
        )
    )
    sink.add(
        at(tue, "09:30", IST),
        "complaint.filed",
        complaint="k-7002",
        customer="c-2002",
        topic="billing",
        channel="email",
    )
    out.append(
        Breach(
            "complaints.answer-in-time",
            {"complaint": "k-7002"},
            "missing",
            at(tue, "09:30", IST),
            "an e-mailed complaint was never answered (deadline Wednesday 16:30)",
        )
    )
    series = [(mon, "11:00", "14:00"), (tue, "16:00", "17:30"), (wed, "10:30", "12:00"),
              (fri, "12:00", "13:00")]  # fmt: skip
    for n, (day, filed, answered) in enumerate(series, 1):
        complaint(at(day, filed, IST), f"k-710{n}", "c-2003", "delivery", at(day, answered, IST))
    sink.add(
        at(fri, "15:00", IST),
        "case.escalated",
        complaint="k-7104",
        customer="c-2003",
        topic="delivery",
    )
    out.append(
        Breach(
            "complaints.escalate-repeat",
            {"customer": "c-2003", "topic": "delivery"},
            "late",
            at(wed, "10:30", IST),
            "the 3rd delivery complaint was escalated only on Friday 15:00 (due Thursday 10:30)",
        )
    )
    out.append(
        Breach(
            "complaints.repeat-limit",
            {"customer": "c-2003", "topic": "delivery"},
            "rate_exceeded",
            at(mon, "11:00", IST),
            "c-2003 had to complain a 4th time about delivery",
        )
    )
    complaint(at(tue, "14:20", IST), "k-7005", "c-2005", "billing", at(tue, "16:00", IST))
    sink.add(
        at(thu, "10:00:30", IST),
        "marketing.sent",
        customer="c-2005",
        campaign=f"spring-{thu:%m%d}",
        channel="sms",
    )
    out.append(
        Breach(
            "complaints.quiet-after-complaint",
            {"customer": "c-2005"},
            "forbidden",
            at(tue, "14:20", IST),
            "a campaign SMS reached c-2005 two days after a complaint",
        )
    )
    return out
