"""Report stage: small static SVG charts for the HTML report, written by hand.

Three charts: compliance per policy (horizontal bars), violations per day (bars stacked by
severity) and the timeline of one violation (its span and its evidence events). Every text and
attribute value is escaped with `html.escape`; numbers are formatted with fixed precision so the
same report always gives the same bytes. No script, no external reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from cxrules.reports.common import SEVERITIES_DESC, percent

SEVERITY_COLOR: dict[str, str] = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#d97706",
    "low": "#0891b2",
    "info": "#6b7280",
}
OK_COLOR = "#16a34a"
WIDTH = 720


def _n(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def compliance_chart(rows: list[tuple[str, float | None, str | None]]) -> str:
    """Horizontal bars: one (policy id, compliance fraction or None, severity) per row.

    The bar takes the policy's severity colour when it has violations (severity given), green
    when it has none (severity None). A policy with nothing judged has no bar and reads 'n/a'.

    >>> svg = compliance_chart([("a<b", 0.5, "high")])
    >>> "a&lt;b" in svg and 'width="180"' in svg and "50.0%" in svg
    True
    """
    label_w, bar_w, row_h = 260, 360, 24
    height = max(1, len(rows)) * row_h + 24
    body = [
        f'<line x1="{label_w}" y1="4" x2="{label_w}" y2="{height - 20}" stroke="#9ca3af"/>',
        f'<text x="{label_w}" y="{height - 6}" text-anchor="middle">0%</text>',
        f'<text x="{label_w + bar_w}" y="{height - 6}" text-anchor="middle">100%</text>',
        f'<line x1="{label_w + bar_w}" y1="4" x2="{label_w + bar_w}" y2="{height - 20}" '
        'stroke="#e5e7eb" stroke-dasharray="3 3"/>',
    ]
    for index, (name, value, severity) in enumerate(rows):
        y = 4 + index * row_h
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
            f"<title>{escape(name)}</title>{escape(_clip(name, 38))}</text>"
        )
        if value is None:
            body.append(f'<text x="{label_w + 6}" y="{y + 15}" fill="#6b7280">n/a</text>')
            continue
        width = max(0.0, min(1.0, value)) * bar_w
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{_n(width)}" height="{row_h - 8}" '
            f'fill="{SEVERITY_COLOR[severity] if severity else OK_COLOR}">'
            f"<title>{escape(name)}: {percent(value)}"
            "</title></rect>"
        )
        body.append(f'<text x="{_n(label_w + width + 6)}" y="{y + 15}">{percent(value)}</text>')
    return _svg(WIDTH, height, "Compliance per policy", body)


def day_chart(counts: dict[date, dict[str, int]]) -> str:
    """Bars per day from the first to the last day with violations, stacked by severity.

    >>> svg = day_chart({date(2026, 3, 2): {"high": 2}, date(2026, 3, 4): {"low": 1}})
    >>> svg.count("<rect"), "2026-03-02" in svg and "2026-03-04" in svg
    (4, True)
    """
    if not counts:
        body = ['<text x="10" y="24">No violations.</text>']
        return _svg(WIDTH, 40, "Violations per day", body)
    first, last = min(counts), max(counts)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    left, plot_w, plot_h, top = 40, WIDTH - 60, 160, 10
    peak = max(sum(day.values()) for day in counts.values())
    slot = plot_w / len(days)
    bar = min(48.0, max(1.0, slot * 0.8))
    base = top + plot_h
    body = [
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#9ca3af"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>',
    ]
    for index, day in enumerate(days):
        x = left + index * slot + (slot - bar) / 2
        y = float(base)
        for severity in SEVERITIES_DESC[::-1]:
            count = counts.get(day, {}).get(severity, 0)
            if not count:
                continue
            h = count / peak * plot_h
            y -= h
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar)}" height="{_n(h)}" '
                f'fill="{SEVERITY_COLOR[severity]}"><title>{day.isoformat()}: {count} '
                f"{severity}</title></rect>"
            )
    step = max(1, len(days) // 6)
    shown = sorted(set(range(0, len(days), step)) | {len(days) - 1})
    for index in shown:
        x = left + index * slot + slot / 2
        body.append(
            f'<text x="{_n(x)}" y="{base + 16}" text-anchor="middle" font-size="10">'
            f"{days[index].isoformat()}</text>"
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
    return _svg(WIDTH, base + 44, "Violations per day", body)


@dataclass(frozen=True, slots=True)
class Mark:
    """A point on a timeline: seconds since 1970, a short label and whether it is the trigger."""

    at: float
    label: str
    trigger: bool = False


def timeline(
    start: float, end: float, marks: list[Mark], label: str, span_text: tuple[str, str] = ("", "")
) -> str:
    """A violation's timeline: its span from `start` to `end` as a band, its events as dots.

    Positions are proportional to time over the span of the band and the events, padded so a
    single instant sits in the middle. Event labels alternate between two rows above the axis;
    `span_text` (the band's start and end as text) is written below it.

    >>> svg = timeline(0, 60, [Mark(0, "a<b", True), Mark(60, "c")], "v1", ("10:00", "10:01"))
    >>> svg.count("<circle"), "a&lt;b" in svg, "<script" in svg, "10:01" in svg
    (2, True, False, True)
    """
    low = min([start, end, *(m.at for m in marks)])
    high = max([start, end, *(m.at for m in marks)])
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
        f'<rect x="{_n(x(start))}" y="{axis - 7}" width="{_n(band_w)}" height="14" '
        'fill="#dc2626" fill-opacity="0.25" stroke="#dc2626"/>',
    ]
    for index, mark in enumerate(sorted(marks, key=lambda m: m.at)):
        cx = x(mark.at)
        color = "#111827" if mark.trigger else "#2563eb"
        y = axis - 12 if index % 2 == 0 else axis - 28
        body.append(
            f'<circle cx="{_n(cx)}" cy="{axis}" r="5" fill="{color}">'
            f"<title>{escape(mark.label)}</title></circle>"
            f'<text x="{_n(cx)}" y="{y}" text-anchor="{anchor(cx)}" font-size="11">'
            f"{escape(_clip(mark.label, 48))}</text>"
        )
    first, last = span_text
    if first:
        body.append(
            f'<text x="{_n(x(start))}" y="{axis + 22}" text-anchor="start" font-size="10" '
            f'fill="#6b7280">{escape(first)}</text>'
        )
    if last and end > start:
        body.append(
            f'<text x="{_n(x(start) + band_w)}" y="{axis + 22}" text-anchor="end" '
            f'font-size="10" fill="#6b7280">{escape(last)}</text>'
        )
    return _svg(WIDTH, 80, label, body)
