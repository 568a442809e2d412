"""Example log generator, Bucharest logistics: orders, returns, technicians and couriers."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from shop_common import BUC, CITIES, COURIERS, TECHNICIANS, Breach, Sink, at, local

ORDERS = (700, 700, 700, 700, 700, 630, 560)  # orders per weekday at scale 1
RETURNS = 30  # returns per day at scale 1
TECH_JOBS = 24  # technician appointments per working day (Monday-Saturday) at scale 1
COURIER_JOBS = 20  # courier appointments per working day at scale 1
CHANNELS = ("sms", "sms", "sms", "whatsapp", "whatsapp", "email", "call")
PLACES = ("home", "office", "reception", "parcel locker")
#: When orders come in (hour of the day, Bucharest time), as relative weights.
ORDER_HOURS = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 5, 5, 5, 6, 7, 8, 9, 9, 8, 5, 3]


class Logistics:
    """Generates the Bucharest logistics events one day at a time. Appointments are booked the
    day before (on the first day, between 05:00 and 06:00)."""

    def __init__(self, seed: int, scale: float) -> None:
        self.rng = random.Random(f"{seed}/logistics")
        self.scale = scale
        self.order_no = 1000000
        self.job_no = 10000
        self.booked: list[tuple[str, str, datetime, datetime, str, str]] = []

    def day(self, sink: Sink, day: date, index: int) -> None:
        """All logistics events of one day."""
        self.orders(sink, day)
        self.returns(sink, day)
        if index == 0:
            self.book(sink, day, day)
        for job in self.booked:
            self.visit(sink, *job)
        self.booked = []
        tomorrow = day + timedelta(days=1)
        self.book(sink, day, tomorrow)

    # ----------------------------------------------------------------- orders

    def orders(self, sink: Sink, day: date) -> None:
        """Orders delivered within 4-41 hours; Bucharest orders placed before noon the same
        day by 20:00; 2% cancelled instead."""
        rng = self.rng
        for _ in range(round(ORDERS[day.weekday()] * self.scale)):
            self.order_no += 1
            order = f"o-{self.order_no}"
            hour = rng.choices(range(24), weights=ORDER_HOURS)[0]
            t = local(day, hour * 3600 + rng.randrange(3600), BUC)
            city = rng.choice(CITIES) if rng.random() < 0.55 else "Bucharest"
            sink.add(
                t,
                "order.placed",
                order=order,
                city=city,
                customer=f"c-{rng.randrange(100000, 150000)}",
                total=round(rng.uniform(50, 2500), 2),
            )
            if rng.random() < 0.02:
                cancel = t + timedelta(seconds=rng.randrange(600, 3 * 3600))
                sink.add(cancel, "order.cancelled", order=order, by="customer")
                continue
            sink.add(
                self.delivery(t, city), "order.delivered", order=order, courier=rng.choice(COURIERS)
            )

    def delivery(self, placed: datetime, city: str) -> datetime:
        rng = self.rng
        if city == "Bucharest" and placed.hour < 12:
            earliest = max(placed + timedelta(hours=2), placed.replace(hour=10, minute=0))
            latest = placed.replace(hour=20, minute=0, second=0)
            return earliest + timedelta(
                seconds=rng.randrange(int((latest - earliest).total_seconds()))
            )
        t = placed + timedelta(seconds=rng.randrange(4 * 3600, 30 * 3600))
        if t.hour < 8:
            t = t.replace(hour=8, minute=rng.randrange(60))
        elif t.hour >= 21:
            t = (t + timedelta(days=1)).replace(hour=8, minute=rng.randrange(60))
        return t

    def returns(self, sink: Sink, day: date) -> None:
        """Returns started online in one or two clicks."""
        rng = self.rng
        for _ in range(round(RETURNS * self.scale)):
            t = local(day, rng.randrange(9 * 3600, 22 * 3600), BUC)
            order = f"o-{rng.randrange(1000001, max(1000002, self.order_no - 2000))}"
            sink.add(
                t,
                "return.requested",
                order=order,
                clicks=rng.choice((1, 2, 2)),
                reason=rng.choice(("size", "damaged", "changed my mind", "late")),
            )

    # ----------------------------------------------------------------- appointments

    def book(self, sink: Sink, on: date, day: date) -> None:
        """Book the technician and courier appointments of `day` (none on Sundays)."""
        if day.weekday() == 6:
            return
        rng = self.rng
        first = 5 * 3600 if on == day else 9 * 3600
        last = 6 * 3600 if on == day else 19 * 3600
        jobs = [("technician", 2)] * round(TECH_JOBS * self.scale)
        jobs += [("courier", 1)] * round(COURIER_JOBS * self.scale)
        for kind, hours in jobs:
            self.job_no += 1
            prefix = "ap" if kind == "technician" else "cd"
            name = f"{prefix}-{self.job_no}"
            start = at(day, f"{rng.randrange(8, 20 - hours):02d}:00", BUC)
            end = start + timedelta(hours=hours)
            channel = rng.choice(CHANNELS)
            place = rng.choice(PLACES)
            when = local(on, rng.randrange(first, last), BUC)
            sink.add(
                when,
                "appointment.booked",
                appointment=name,
                kind=kind,
                window_start=start.isoformat(),
                window_end=end.isoformat(),
                notify_channel=channel,
                place=place,
            )
            self.booked.append((kind, name, start, end, channel, place))

    def visit(
        self,
        sink: Sink,
        kind: str,
        name: str,
        start: datetime,
        end: datetime,
        channel: str,
        place: str,
    ) -> None:
        """A technician: notice 26-34 minutes ahead on the chosen channel, arrival inside the
        window. A courier: a call 16-40 minutes ahead, arrival inside the window; sometimes the
        customer moves the meeting place first."""
        rng = self.rng
        if kind == "technician":
            arrival = start + timedelta(seconds=rng.randrange(0, 110 * 60))
            notice = arrival - timedelta(seconds=rng.randrange(26 * 60, 34 * 60))
            sink.add(notice, "notification.sent", appointment=name, channel=channel)
            sink.add(
                arrival, "technician.arrived", appointment=name, technician=rng.choice(TECHNICIANS)
            )
            return
        arrival = start + timedelta(seconds=rng.randrange(0, 55 * 60))
        call = arrival - timedelta(seconds=rng.randrange(16 * 60, 40 * 60))
        if rng.random() < 0.1:
            moved = call - timedelta(seconds=rng.randrange(600, 3600))
            sink.add(
                moved,
                "appointment.place_changed",
                appointment=name,
                changed_by="customer",
                place=rng.choice([p for p in PLACES if p != place]),
            )
        courier = rng.choice(COURIERS)
        sink.add(call, "courier.called", appointment=name, courier=courier)
        sink.add(arrival, "courier.arrived", appointment=name, courier=courier)


def planted(sink: Sink, start: date) -> list[Breach]:
    """The logistics breaches planted in the first week (seeds 001 and 003)."""
    mon, tue, wed, thu, fri = (start + timedelta(days=d) for d in range(5))
    out: list[Breach] = []

    def book(
        on: datetime, name: str, kind: str, day: date, hours: tuple[str, str], channel: str
    ) -> None:
        sink.add(
            on,
            "appointment.booked",
            appointment=name,
            kind=kind,
            window_start=at(day, hours[0], BUC).isoformat(),
            window_end=at(day, hours[1], BUC).isoformat(),
            notify_channel=channel,
            place="home",
        )

    book(at(mon, "07:20", BUC), "ap-7001", "technician", mon, ("14:00", "16:00"), "sms")
    sink.add(
        at(mon, "14:20", BUC),
        "notification.sent",
        appointment="ap-7001",
        channel="call",
        to="home line",
    )
    sink.add(at(mon, "14:50", BUC), "technician.arrived", appointment="ap-7001", technician="mihai")
    out.append(
        Breach(
            "field.notify-before-arrival",
            {"appointment": "ap-7001"},
            "missing",
            at(mon, "14:15", BUC),
            "the technician phoned the broken home line instead of the SMS the customer chose",
        )
    )
    book(at(tue, "17:05", BUC), "ap-7002", "technician", wed, ("10:00", "12:00"), "whatsapp")
    sink.add(at(wed, "10:52", BUC), "notification.sent", appointment="ap-7002", channel="whatsapp")
    sink.add(at(wed, "11:00", BUC), "technician.arrived", appointment="ap-7002", technician="ioana")
    out.append(
        Breach(
            "field.notify-before-arrival",
            {"appointment": "ap-7002"},
            "missing",
            at(wed, "10:25", BUC),
            "the WhatsApp notice came only 8 minutes before arrival",
        )
    )
    book(at(wed, "12:40", BUC), "ap-7003", "technician", thu, ("12:00", "14:00"), "sms")
    sink.add(at(thu, "14:10", BUC), "notification.sent", appointment="ap-7003", channel="sms")
    sink.add(
        at(thu, "14:40", BUC), "technician.arrived", appointment="ap-7003", technician="andrei"
    )
    out.append(
        Breach(
            "field.arrive-in-window",
            {"appointment": "ap-7003"},
            "condition_false",
            at(thu, "14:40", BUC),
            "the technician arrived 40 minutes after the 12:00-14:00 window",
        )
    )
    book(at(thu, "18:15", BUC), "cd-7001", "courier", fri, ("14:00", "15:00"), "sms")
    sink.add(
        at(fri, "13:10", BUC),
        "appointment.place_changed",
        appointment="cd-7001",
        changed_by="courier",
        place="metro Piata Unirii",
    )
    sink.add(at(fri, "13:26", BUC), "courier.called", appointment="cd-7001", courier="razvan")
    sink.add(at(fri, "13:30", BUC), "courier.arrived", appointment="cd-7001", courier="razvan")
    out.append(
        Breach(
            "field.courier-keeps-place",
            {},
            "forbidden",
            at(fri, "13:10", BUC),
            "the courier moved the meeting from home to a metro exit",
        )
    )
    out.append(
        Breach(
            "field.courier-calls-ahead",
            {"appointment": "cd-7001"},
            "missing",
            at(fri, "13:15", BUC),  # the latest a call could come: 15 minutes before 13:30
            "the courier called only 4 minutes before arriving",
        )
    )
    out.append(
        Breach(
            "field.courier-not-early",
            {"appointment": "cd-7001"},
            "condition_false",
            at(fri, "13:30", BUC),
            "the courier arrived 30 minutes before the 14:00-15:00 window",
        )
    )
    sink.add(
        at(mon, "09:12", BUC),
        "order.placed",
        order="o-7001",
        city="Cluj-Napoca",
        customer="c-2006",
        total=189.9,
    )
    sink.add(at(thu, "11:40", BUC), "order.delivered", order="o-7001", courier="vlad")
    out.append(
        Breach(
            "delivery.in-two-days",
            {"order": "o-7001"},
            "late",
            at(mon, "09:12", BUC),
            "a Cluj order was delivered after 3 days (promised 2)",
        )
    )
    sink.add(
        at(tue, "10:45", BUC),
        "order.placed",
        order="o-7002",
        city="Bucharest",
        customer="c-2007",
        total=64.5,
    )
    sink.add(at(wed, "10:30", BUC), "order.delivered", order="o-7002", courier="diana")
    out.append(
        Breach(
            "delivery.same-day-bucharest",
            {"order": "o-7002"},
            "late",
            at(tue, "10:45", BUC),
            "a Bucharest order placed at 10:45 was delivered the next morning",
        )
    )
    sink.add(at(thu, "16:22", BUC), "return.requested", order="o-7001", clicks=4, reason="damaged")
    out.append(
        Breach(
            "delivery.two-click-returns",
            {},
            "forbidden",
            at(thu, "16:22", BUC),
            "a return took 4 clicks",
        )
    )
    return out
