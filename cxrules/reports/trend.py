"""Report stage: the trend chart of a metric policy — its value per bucket against its threshold.

The chart a CX manager looks at: one line per group (queue, store…) over the calendar buckets,
the requirement as a red dashed line with the failing side shaded, the warning band between
the requirement and the warning level, and each value as a dot coloured by its status. When no
group has more than one bucket, one chart compares the groups instead. Drawn from the report's
`MetricValue`s only (values, statuses, thresholds as written, unit), never from sentences.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cxrules.ir.text import figure, key_text, part_text, warns_text
from cxrules.reports.common import html_text, scope_text
from cxrules.reports.model import MetricValue, PolicySummary
from cxrules.reports.svg import BAD_COLOR, NONE_COLOR, OK_COLOR, WARN_COLOR, clip, num, svg_document
from cxrules.time.format import format_duration, read_report_duration

STATUS_COLOR = {
    "ok": OK_COLOR,
    "warn": WARN_COLOR,
    "violated": BAD_COLOR,
    "insufficient": NONE_COLOR,
    "not_applicable": NONE_COLOR,
}
MAX_GROUP_CHARTS = 24
_BOUND = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*(\S.*?)\s*")
_NICE_SECONDS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600,
                 43200, 86400, 172800, 604800)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Bound:
    """A requirement or warning level as written ('>= 80%'), read as an operator and a value in
    the report's units (fractions for percentages, seconds for durations)."""

    op: str
    value: float
    text: str

    @property
    def lower(self) -> bool:
        """True when values must stay at or above it (the failing side is below)."""
        return self.op in (">=", ">")


def parse_bound(text: str | None, unit: str) -> Bound | None:
    """A threshold's operator and value in report units; None when it cannot be read.

    >>> parse_bound(">= 80%", "percent"), parse_bound("<= 1m30s", "duration").value
    (Bound(op='>=', value=0.8, text='>= 80%'), 90.0)
    >>> parse_bound("<= 1min", "duration").value, parse_bound("<= 1w", "duration").value
    (60.0, 604800.0)
    >>> parse_bound(">= 40", "number").value, parse_bound("about 40", "number")
    (40.0, None)
    """
    if not text:
        return None
    match = _BOUND.fullmatch(text)
    if match is None:
        return None
    op, written = match.groups()
    try:
        if written.endswith("%"):
            value = float(written[:-1]) / 100
        elif unit == "duration" and (seconds := read_report_duration(written)) is not None:
            value = seconds
        else:
            value = float(written)
    except ValueError:
        return None
    return Bound(op, value, text) if math.isfinite(value) else None


def show(value: float, unit: str, digits: int | None = None) -> str:
    """A value in its unit: '80.0%', '1m30s', '42' — as tables and sentences write it
    (`figure`), or an axis tick with `digits` decimals of a percentage.

    >>> show(0.8, "percent"), show(0.8, "percent", 0), show(90, "duration"), show(41.5, "number")
    ('80.0%', '80%', '1m30s', '41.5')
    """
    if digits is None:
        return figure(value, unit)
    if unit == "percent":
        return f"{value * 100:.{digits}f}%"
    if unit == "duration":
        return format_duration(value)
    return f"{value:.4g}"


@dataclass(frozen=True, slots=True)
class Point:
    """One value on a chart: its label (bucket or group), the value, its status and sample
    size, and the shorter text under the axis when there is one (a group's values)."""

    label: str
    value: float | None
    status: str
    population: int
    tick: str | None = None


def metric_charts(policy: PolicySummary) -> list[tuple[str, str]]:
    """(caption, SVG) of each chart of a metric policy, for each metric it computes.

    One trend chart per group (at most `MAX_GROUP_CHARTS` per metric, the rest are in the
    values table); one chart across the groups when no group has more than one bucket.
    """
    by_metric: dict[str, list[MetricValue]] = {}
    for value in policy.metrics:
        by_metric.setdefault(value.metric, []).append(value)
    charts: list[tuple[str, str]] = []
    for metric, values in by_metric.items():
        groups: dict[str, list[MetricValue]] = {}
        for value in values:
            groups.setdefault(scope_text(value.group), []).append(value)
        first = values[0]
        unit = unit_of(first)
        required = parse_bound(first.threshold, unit)
        warning = parse_bound(first.warn, unit)
        if all(len(found) == 1 for found in groups.values()):
            points = [
                Point(
                    group if v.group else v.bucket or "whole log",
                    *_facts(v),
                    tick=_tick(v.group),
                )
                for group, found in sorted(groups.items())
                for v in found
            ]
            caption = f"{metric} by {', '.join(sorted(first.group))}" if first.group else metric
            width = min(1000, max(400, 80 * len(points) + 80))
            svg = value_chart(points, caption, unit, required, warning, connect=False, width=width)
            charts.append((caption, svg))
            continue
        for index, (group, found) in enumerate(sorted(groups.items())):
            if index == MAX_GROUP_CHARTS:
                break
            ordered = sorted(found, key=lambda v: v.bucket or "")
            points = [Point(v.bucket or "–", *_facts(v)) for v in ordered]
            caption = f"{metric}, {group}" if found[0].group else metric
            wide = len(groups) == 1
            svg = value_chart(points, caption, unit, required, warning, wide=wide)
            charts.append((caption, svg))
    return charts


def _tick(group: dict[str, str]) -> str | None:
    """A group's values under a chart's axis: 'billing', 'c-1, "Payment, late"' (a value with a
    comma quoted among several, `part_text`); None for no group.

    >>> _tick({"queue": "billing"}), _tick({"c": "c-1", "t": "Payment, late"}), _tick({})
    ('billing', 'c-1, "Payment, late"', None)
    """
    shown = key_text if len(group) == 1 else part_text
    return ", ".join(shown(group[k]) for k in sorted(group)) or None


def unit_of(value: MetricValue) -> str:
    """The value's unit; for a report that left it at 'number', the unit its threshold is
    written in ('>= 80%': percent, '<= 2m00s': duration), as the text rendering reads it.

    >>> unit_of(MetricValue(metric="m", group={}, bucket=None, value=0.5, population=3,
    ...                     status="ok", threshold="< 2m30s"))
    'duration'
    """
    if value.unit != "number":
        return value.unit
    written = value.threshold.split()[-1] if value.threshold.split() else ""
    if written.endswith("%"):
        return "percent"
    if read_report_duration(written) is not None:
        return "duration"
    return "number"


def _facts(value: MetricValue) -> tuple[float | None, str, int]:
    return value.value, value.status, value.population


def value_chart(
    points: list[Point],
    label: str,
    unit: str,
    required: Bound | None,
    warning: Bound | None,
    *,
    connect: bool = True,
    wide: bool = False,
    width: int | None = None,
) -> str:
    """Values along x (buckets, or groups when `connect` is false) with the requirement line,
    the failing side shaded, and the warning band between the requirement and the warning level.

    >>> svg = value_chart([Point("2026-03", 0.7, "violated", 9), Point("2026-04", 0.9, "ok", 8)],
    ...                   "pickup", "percent", parse_bound(">= 80%", "percent"),
    ...                   parse_bound(">= 85%", "percent"))
    >>> svg.count("<circle"), "required &gt;= 80%" in svg, "warns below 85%" in svg
    (2, True, True)
    """
    width, height = (width or 1000, 240) if wide else (width or 400, 200)
    left, right, top, bottom = 60, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi, step = _domain(points, unit, required, warning)

    def y(value: float) -> float:
        # a value past the axis (near the largest double, `_AXIS_LIMIT`) sits on its edge
        return top + (hi - max(lo, min(hi, value))) / (hi - lo) * plot_h

    slot = plot_w / max(1, len(points))

    def x(index: int) -> float:
        return left + slot * index + slot / 2

    body = []
    if required is not None:
        edge = max(lo, min(hi, required.value))
        y0, y1 = (y(edge), y(lo)) if required.lower else (y(hi), y(edge))
        body.append(
            f'<rect x="{left}" y="{num(y0)}" width="{plot_w}" height="{num(y1 - y0)}" '
            f'fill="{BAD_COLOR}" fill-opacity="0.07"/>'
        )
        if warning is not None:
            a, b = sorted((edge, max(lo, min(hi, warning.value))))
            body.append(
                f'<rect x="{left}" y="{num(y(b))}" width="{plot_w}" height="{num(y(a) - y(b))}" '
                f'fill="{WARN_COLOR}" fill-opacity="0.22"><title>warning band: '
                f"{html_text(warns_text(warning.text))}</title></rect>"
            )
    digits = 0 if unit != "percent" or abs(step * 100 - round(step * 100)) < 1e-9 else 1
    tick = lo
    while tick <= hi + step / 1000:
        body.append(
            f'<line x1="{left}" y1="{num(y(tick))}" x2="{left + plot_w}" y2="{num(y(tick))}" '
            'stroke="#e5e7eb"/>'
            f'<text x="{left - 6}" y="{num(y(tick) + 4)}" text-anchor="end" font-size="11">'
            f"{html_text(show(tick, unit, digits))}</text>"
        )
        tick += step
    for bound, color in ((required, BAD_COLOR), (warning, WARN_COLOR)):
        if bound is None or not lo <= bound.value <= hi:
            continue
        # the warning line says when a value warns ('warns below 85%'), not the level it keeps
        legend = warns_text(bound.text) if bound is warning else f"required {bound.text}"
        by = y(bound.value)
        # the requirement's text on its failing side, the warning's on its passing side
        above = (bound is warning) == bound.lower
        body.append(
            f'<line x1="{left}" y1="{num(by)}" x2="{left + plot_w}" y2="{num(by)}" '
            f'stroke="{color}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{left + plot_w - 4}" y="{num(by - 4 if above else by + 12)}" '
            f'text-anchor="end" font-size="11" fill="{color}">{html_text(legend)}</text>'
        )
    if connect:
        runs: list[list[str]] = [[]]
        for index, point in enumerate(points):
            if point.value is None:
                runs.append([])
            else:
                runs[-1].append(f"{num(x(index))},{num(y(point.value))}")
        for run in runs:
            if len(run) > 1:
                body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="#2563eb" '
                    'stroke-width="1.5"/>'
                )
    base = top + plot_h
    body.append(
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#9ca3af"/>'
    )
    for index, point in enumerate(points):
        shown = "n/a" if point.value is None else show(point.value, unit)
        tip = f"{point.label}: {shown} (n={point.population:,}, {point.status.replace('_', ' ')})"
        color = STATUS_COLOR.get(point.status, NONE_COLOR)
        if point.value is None:
            body.append(
                f'<circle cx="{num(x(index))}" cy="{base}" r="3.5" fill="#fff" stroke="{color}">'
                f"<title>{html_text(tip)}</title></circle>"
            )
            continue
        hollow = point.status == "insufficient"
        fill = "#fff" if hollow else color
        body.append(
            f'<circle cx="{num(x(index))}" cy="{num(y(point.value))}" r="{4.5 if wide else 4}" '
            f'fill="{fill}" stroke="{color}"><title>{html_text(tip)}</title></circle>'
        )
    step_x = max(1, math.ceil(len(points) / max(1, plot_w // 72)))
    room = max(4, int(slot * step_x // 6.5))  # characters of 10 px text under each label
    for index in range(0, len(points), step_x):
        point = points[index]
        body.append(
            f'<text x="{num(x(index))}" y="{base + 16}" text-anchor="middle" font-size="10">'
            f"{html_text(clip(point.tick or point.label, room))}</text>"
        )
    return svg_document(width, height, f"Trend of {label}", body)


#: The furthest from zero the y axis goes: far enough for any value a chart tells apart, with
#: room to pad and round it below the largest double (about 1.8e308).
_AXIS_LIMIT = 1e300


def _domain(
    points: list[Point], unit: str, required: Bound | None, warning: Bound | None
) -> tuple[float, float, float]:
    """(low, high, tick step) of the y axis: the values and bounds, padded, on round ticks."""
    seen = [p.value for p in points if p.value is not None]
    seen += [b.value for b in (required, warning) if b is not None]
    # the padding and ticks of values near the largest double would overflow to infinity
    seen = [max(-_AXIS_LIMIT, min(_AXIS_LIMIT, v)) for v in seen]
    lo, hi = (min(seen), max(seen)) if seen else (0.0, 1.0)
    spread = hi - lo or abs(hi) or 1.0
    lo, hi = lo - spread * 0.1, hi + spread * 0.1
    if unit in ("percent", "duration") and min(seen, default=0.0) >= 0:
        lo = max(0.0, lo)
    if unit == "percent":
        hi = min(1.0, hi) if max(seen, default=0.0) <= 1 else hi
    step = _nice((hi - lo) / 4, unit)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return lo, (hi if hi > lo else lo + step), step


def _nice(raw: float, unit: str) -> float:
    """A round tick step at least `raw`: 1, 2 or 5 times a power of ten, or a round duration."""
    if unit == "duration" and raw >= 1:
        return float(next((s for s in _NICE_SECONDS if s >= raw), _NICE_SECONDS[-1]))
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
