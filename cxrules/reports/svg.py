"""Report stage: small static SVG charts for the HTML report, written by hand.

Three charts here: compliance per policy (horizontal bars coloured by health), violations over
time (bars per day, week or month, stacked by severity) and the timeline of one violation (its
span, its evidence events and its deadline); the metric trend chart is in `trend.py`. Every text
and attribute value is escaped with `html_text` (control and bidi characters shown as escapes);
numbers are formatted with fixed precision so the same report always gives the same bytes. No
script, no external reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cxrules.reports.common import HEALTH_EDGES, SEVERITIES_DESC, html_text, percent

SEVERITY_COLOR: dict[str, str] = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#d97706",
    "low": "#0891b2",
    "info": "#6b7280",
}
OK_COLOR = "#16a34a"
WARN_COLOR = "#d97706"
BAD_COLOR = "#dc2626"
NONE_COLOR = "#9ca3af"
DEADLINE_COLOR = "#7c3aed"

#: Health of a compliance rate: (lowest rate of the band, colour, legend), best band first.
#: A policy's bar says how compliant it is; its severity is shown beside it, not by the colour.
HEALTH_BANDS: tuple[tuple[float, str, str], ...] = (
    (HEALTH_EDGES[1], OK_COLOR, "95% or more"),
    (HEALTH_EDGES[0], WARN_COLOR, "80% to 95%"),
    (0.0, BAD_COLOR, "under 80%"),
)
WIDTH = 720
CHAR_W = 7.0  # an estimate of the width of one character of 12 px text, for label columns
DIGIT_W = 6.5  # the width of a digit of 10 px text (DejaVu Sans: 6.36 px), for the date labels
LABEL_W = 7.2  # the widest character of 11 px text is about this: a timeline's event labels


def num(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros.

    >>> num(12.0), num(3.14159), num(-0.04)
    ('12', '3.1', '-0')
    """
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def clip(text: str, size: int) -> str:
    """The text cut to `size` characters with an ellipsis (the full text goes in a <title>)."""
    return text if len(text) <= size else text[: size - 1] + "…"


def svg_document(width: float, height: float, label: str, body: list[str]) -> str:
    """An inline SVG element with a title (read by screen readers and shown as a tooltip)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(width)}" height="{num(height)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" role="img" aria-label="{html_text(label)}" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f"<title>{html_text(label)}</title>" + "".join(body) + "</svg>"
    )


def health_color(compliance: float | None) -> str:
    """The colour of a compliance rate's health band (grey when nothing was judged).

    >>> health_color(1.0), health_color(0.9), health_color(0.5), health_color(None)
    ('#16a34a', '#d97706', '#dc2626', '#9ca3af')
    """
    if compliance is None:
        return NONE_COLOR
    return next(color for low, color, _ in HEALTH_BANDS if compliance >= low)


def compliance_chart(rows: list[tuple[str, float | None]]) -> str:
    """Horizontal bars: one (policy id, compliance fraction or None) per row.

    A bar's colour is the health of its rate (`HEALTH_BANDS`, with a legend below the bars);
    a policy with nothing judged has no bar and reads 'n/a'. Labels are whole policy ids: the
    label column is as wide as the longest (up to 60 characters, then cut with a tooltip).

    >>> svg = compliance_chart([("a<b", 0.5)])
    >>> "a&lt;b" in svg and 'width="200"' in svg and "50.0%" in svg and BAD_COLOR in svg
    True
    """
    longest = max((len(name) for name, _ in rows), default=10)
    label_w = int(min(60, max(10, longest)) * CHAR_W) + 16
    bar_w, row_h = 400, 24
    width = label_w + bar_w + 60
    plot_h = max(1, len(rows)) * row_h
    base = plot_h + 4
    body = [
        f'<line x1="{label_w}" y1="4" x2="{label_w}" y2="{base}" stroke="#9ca3af"/>',
        f'<line x1="{label_w + bar_w}" y1="4" x2="{label_w + bar_w}" y2="{base}" '
        'stroke="#e5e7eb" stroke-dasharray="3 3"/>',
        f'<text x="{label_w}" y="{base + 14}" text-anchor="middle">0%</text>',
        f'<text x="{label_w + bar_w}" y="{base + 14}" text-anchor="middle">100%</text>',
    ]
    for index, (name, value) in enumerate(rows):
        y = 4 + index * row_h
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
            f"<title>{html_text(name)}</title>{html_text(clip(name, 60))}</text>"
        )
        if value is None:
            body.append(f'<text x="{label_w + 6}" y="{y + 15}" fill="#6b7280">n/a</text>')
            continue
        bar = max(0.0, min(1.0, value)) * bar_w
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{num(bar)}" height="{row_h - 8}" '
            f'fill="{health_color(value)}">'
            f"<title>{html_text(name)}: {percent(value)}</title></rect>"
            f'<text x="{num(label_w + bar + 6)}" y="{y + 15}">{percent(value)}</text>'
        )
    legend_x, legend_y = float(label_w), base + 24
    for _, color, text in HEALTH_BANDS:
        body.append(
            f'<rect x="{num(legend_x)}" y="{legend_y}" width="10" height="10" fill="{color}"/>'
            f'<text x="{num(legend_x + 14)}" y="{legend_y + 9}">{html_text(text)}</text>'
        )
        legend_x += 14 + len(text) * CHAR_W + 16
    return svg_document(width, legend_y + 16, "Compliance per policy", body)


def period_label(first: date, period: str) -> str:
    """A period by its first day: the day for a day or a week, the year and month for a month,
    the year in four digits (`strftime("%Y")` writes the year 999 as '999' on Linux).

    >>> period_label(date(999, 1, 5), "day"), period_label(date(2026, 3, 1), "month")
    ('0999-01-05', '2026-03')
    """
    return first.isoformat()[:7] if period == "month" else first.isoformat()


def violations_chart(
    counts: dict[date, dict[str, int]], period: str = "day", empty: str = "No violations."
) -> str:
    """Bars per period (each keyed by its first day) from the first to the last period with
    violations, stacked by severity; `period` is 'day', 'week' (from Monday) or 'month'.
    Without violations, the chart says `empty`.

    >>> svg = violations_chart({date(2026, 3, 2): {"high": 2}, date(2026, 3, 4): {"low": 1}})
    >>> svg.count("<rect"), "2026-03-02" in svg and "2026-03-04" in svg
    (4, True)
    """
    label = f"Violations per {period}"
    if not counts:
        return svg_document(WIDTH, 40, label, [f'<text x="10" y="24">{html_text(empty)}</text>'])
    periods = _periods(min(counts), max(counts), period)
    left, plot_w, plot_h, top = 40, WIDTH - 60, 160, 10
    peak = max(sum(day.values()) for day in counts.values())
    slot = plot_w / len(periods)
    bar = min(48.0, max(1.0, slot * 0.8))
    base = top + plot_h
    body = [
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#9ca3af"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{peak:,}</text>',
        f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>',
    ]
    for index, first in enumerate(periods):
        x = left + index * slot + (slot - bar) / 2
        y = float(base)
        for severity in SEVERITIES_DESC[::-1]:
            count = counts.get(first, {}).get(severity, 0)
            if not count:
                continue
            h = count / peak * plot_h
            y -= h
            what = period_label(first, period)
            what = f"week of {what}" if period == "week" else what
            body.append(
                f'<rect x="{num(x)}" y="{num(y)}" width="{num(bar)}" height="{num(h)}" '
                f'fill="{SEVERITY_COLOR[severity]}"><title>{what}: {count:,} '
                f"{severity}</title></rect>"
            )
    step = max(1, len(periods) // 6)
    shown = sorted(set(range(0, len(periods), step)) | {len(periods) - 1})
    if len(shown) > 1 and shown[-1] - shown[-2] < step * 0.6:
        del shown[-2]  # keep the last label clear of the one before
    for index in shown:
        x = left + index * slot + slot / 2
        text = period_label(periods[index], period)
        anchor = "middle"
        if x + len(text) * DIGIT_W / 2 > WIDTH - 2:  # the last week's date ran past the edge
            x, anchor = WIDTH - 2, "end"
        body.append(
            f'<text x="{num(x)}" y="{base + 16}" text-anchor="{anchor}" font-size="10">'
            f"{text}</text>"
        )
    legend_x = left
    for severity in SEVERITIES_DESC:
        if any(day.get(severity) for day in counts.values()):
            body.append(
                f'<rect x="{legend_x}" y="{base + 26}" width="10" height="10" '
                f'fill="{SEVERITY_COLOR[severity]}"/>'
                f'<text x="{legend_x + 14}" y="{base + 35}">{severity}</text>'
            )
            legend_x += 80
    return svg_document(WIDTH, base + 44, label, body)


def period_start(day: date, period: str) -> date:
    """The first day of the day's period: itself, its week's Monday, or its month's first day.

    >>> period_start(date(2026, 3, 5), "week"), period_start(date(2026, 3, 5), "month")
    (datetime.date(2026, 3, 2), datetime.date(2026, 3, 1))
    """
    if period == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def period_for(first: date, last: date) -> str:
    """The period that keeps a span readable in one chart: days up to two months, weeks up to
    two years, months beyond.

    >>> first = date(2026, 1, 1)
    >>> [period_for(first, date(2026, 2, 1)), period_for(first, date(2027, 1, 1)),
    ...  period_for(first, date(2030, 1, 1))]
    ['day', 'week', 'month']
    """
    days = (last - first).days + 1
    return "day" if days <= 62 else "week" if days <= 731 else "month"


def _periods(first: date, last: date, period: str) -> list[date]:
    out = [first]
    while out[-1] < last:
        current = out[-1]
        if period == "month":
            following = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        else:
            following = date.fromordinal(current.toordinal() + (7 if period == "week" else 1))
        out.append(following)
    return out


@dataclass(frozen=True, slots=True)
class Mark:
    """A point on a timeline: seconds since 1970, a short label and whether it is the trigger."""

    at: float
    label: str
    trigger: bool = False


def timeline(
    start: float,
    end: float,
    marks: list[Mark],
    label: str,
    span_text: tuple[str, str] = ("", ""),
    deadline: tuple[float, str] | None = None,
) -> str:
    """A violation's timeline: its span from `start` to `end` as a band, its events as dots,
    and its deadline (seconds, text) as a dashed line when it has one.

    Positions are proportional to time over the span of the band, the events and the deadline,
    padded so a single instant sits in the middle. Event labels alternate between two rows
    above the axis; `span_text` (the band's start and end as text) is written below it, and the
    deadline's text below that.

    >>> svg = timeline(0, 60, [Mark(0, "a<b", True), Mark(60, "c")], "v1", ("10:00", "10:01"),
    ...                deadline=(30, "deadline 10:00:30"))
    >>> svg.count("<circle"), "a&lt;b" in svg, "<script" in svg, "10:01" in svg
    (2, True, False, True)
    >>> svg.count('stroke-dasharray="4 3"'), "deadline 10:00:30" in svg
    (1, True)
    """
    moments = [start, end, *(m.at for m in marks)] + ([deadline[0]] if deadline else [])
    low, high = min(moments), max(moments)
    pad = max((high - low) * 0.08, 30.0)
    low, high = low - pad, high + pad
    left, plot_w, axis = 10, WIDTH - 20, 50

    def x(at: float) -> float:
        return left + (at - low) / (high - low) * plot_w

    def anchor(at_x: float) -> str:
        return "start" if at_x < left + plot_w * 0.7 else "end"

    band_w = max(2.0, x(end) - x(start))
    body = [
        f'<line x1="{left}" y1="{axis}" x2="{left + plot_w}" y2="{axis}" stroke="#9ca3af"/>',
        f'<rect x="{num(x(start))}" y="{axis - 7}" width="{num(band_w)}" height="14" '
        'fill="#dc2626" fill-opacity="0.25" stroke="#dc2626"/>',
    ]
    height = 80
    if deadline is not None:
        dx, text = x(deadline[0]), deadline[1]
        # across the band only, so it never crosses a label; its text on a row of its own
        body.append(
            f'<line x1="{num(dx)}" y1="{axis - 11}" x2="{num(dx)}" y2="{axis + 11}" '
            f'stroke="{DEADLINE_COLOR}" stroke-width="2" stroke-dasharray="4 3">'
            f"<title>{html_text(text)}</title></line>"
            f'<text x="{num(dx)}" y="{axis + 38}" text-anchor="{anchor(dx)}" font-size="11" '
            f'fill="{DEADLINE_COLOR}">{html_text(text)}</text>'
        )
        height = 92
    # each label on the row its turn prefers, else the other, else none (its dot's tooltip and
    # the evidence table give it): six calls of a day, four in its last hours, had their labels
    # written over each other; the trigger's label is placed first
    taken: dict[int, list[tuple[float, float]]] = {axis - 12: [], axis - 28: []}
    in_time = sorted(enumerate(sorted(marks, key=lambda m: m.at)), key=lambda im: not im[1].trigger)
    for index, mark in in_time:
        cx = x(mark.at)
        color = "#111827" if mark.trigger else "#2563eb"
        body.append(
            f'<circle cx="{num(cx)}" cy="{axis}" r="5" fill="{color}">'
            f"<title>{html_text(mark.label)}</title></circle>"
        )
        text, side = clip(mark.label, 48), anchor(cx)
        wide = len(text) * LABEL_W
        lo, hi = (cx, cx + wide) if side == "start" else (cx - wide, cx)
        rows = (axis - 12, axis - 28) if index % 2 == 0 else (axis - 28, axis - 12)
        free = [y for y in rows if all(hi + 4 <= a or lo >= b + 4 for a, b in taken[y])]
        if free:
            taken[free[0]].append((lo, hi))
            body.append(
                f'<text x="{num(cx)}" y="{free[0]}" text-anchor="{side}" font-size="11">'
                f"{html_text(text)}</text>"
            )
    first, last = span_text
    if first and last and end > start and band_w < (len(first) + len(last) + 2) * DIGIT_W:
        # a band too narrow for its two times (a day's deadline in a span of weeks: they
        # were written over each other) has them as one text from its start
        both = f"{first} – {last}"
        at, side = x(start), "start"
        if at + len(both) * DIGIT_W > WIDTH - 2:
            at, side = min(x(start) + band_w, WIDTH - 2.0), "end"
        body.append(
            f'<text x="{num(at)}" y="{axis + 22}" text-anchor="{side}" font-size="10" '
            f'fill="#6b7280">{html_text(both)}</text>'
        )
        first = last = ""
    if first:
        body.append(
            f'<text x="{num(x(start))}" y="{axis + 22}" text-anchor="start" font-size="10" '
            f'fill="#6b7280">{html_text(first)}</text>'
        )
    if last and end > start:
        body.append(
            f'<text x="{num(x(start) + band_w)}" y="{axis + 22}" text-anchor="end" '
            f'font-size="10" fill="#6b7280">{html_text(last)}</text>'
        )
    return svg_document(WIDTH, height, label, body)
