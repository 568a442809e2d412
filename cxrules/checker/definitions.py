"""Checking stage, definitions: the names each file sees and its shared definitions — calendars,
states, metrics, parameters and `--set` overrides."""

from __future__ import annotations

from typing import Any

from cxrules.checker.context import AGGREGATES, PERCENTILE_METHODS, Context
from cxrules.checker.exprs import check_pattern, expr_type
from cxrules.checker.shared import check_duration, check_zone, no_business_window
from cxrules.checker.symbols import PolicyNames, Symbols
from cxrules.diagnostics import did_you_mean
from cxrules.language import ast
from cxrules.source import Span
from cxrules.time.text import WEEKDAYS, parse_clock, parse_date, parse_weekdays, weekday_hint


def own_symbols(ctx: Context, tree: ast.PolicyFile) -> Symbols:
    symbols = Symbols()
    for item in tree.items:
        table: dict[str, Any] | None = None
        if isinstance(item, ast.ParamDef):
            table = symbols.params
        elif isinstance(item, ast.CalendarDef):
            table = symbols.calendars
        elif isinstance(item, ast.StateDef):
            table = symbols.states
        elif isinstance(item, ast.MetricDef):
            table = symbols.metrics
        if table is None:
            continue
        name = item.name  # type: ignore[union-attr]
        if name in table:
            ctx.err(
                "E215",
                f"'{name}' is defined twice in this file (first at {table[name].name_span})",
                item.name_span,  # type: ignore[union-attr]
                "rename or remove one of them",
            )
            continue
        table[name] = item
    return symbols


def visible(ctx: Context, name: str, own: dict[str, Symbols]) -> Symbols:
    merged = Symbols()
    for file in ctx.ws.visible(name):
        for attr in ("params", "calendars", "states", "metrics"):
            target: dict[str, Any] = getattr(merged, attr)
            for key, item in getattr(own[file], attr).items():
                if key in target and target[key] is not item and file != name:
                    other = target[key]
                    if other.span.file != item.span.file and other.span.file == name:
                        ctx.err(
                            "E215",
                            f"'{key}' is also defined in {item.span.file}",
                            other.name_span,
                            "rename one of them",
                        )
                    continue
                target.setdefault(key, item)
    return merged


def calendars_across_files(ctx: Context, own: dict[str, Symbols]) -> None:
    """E215 for a calendar name that two files define differently when neither file uses the
    other: an audit keeps one calendar per name (the compiled policy set), so the policies of
    the second file would count business time on the first file's hours without a word."""
    first: dict[str, ast.CalendarDef] = {}
    for file in sorted(own):
        for name, cal in own[file].calendars.items():
            other = first.setdefault(name, cal)
            if other is cal or _calendar_hours(other) == _calendar_hours(cal):
                continue
            where = other.span.file
            if where in ctx.ws.visible(file) or file in ctx.ws.visible(where):
                continue  # one uses the other: `visible` says so already
            ctx.err(
                "E215",
                f"calendar '{name}' is also defined at {other.name_span}, with other hours",
                cal.name_span,
                "an audit has one calendar per name: rename one of them, or define it once in "
                "a file that both files 'use'",
            )


def _calendar_hours(cal: ast.CalendarDef) -> tuple[Any, ...]:
    """What business time counts on: the zone, the hours of each weekday, holidays, dates."""
    by_day: dict[int, list[tuple[str, str]]] = {}
    for spec in cal.hours:
        for day in parse_weekdays(spec.days) or []:
            by_day.setdefault(day, []).extend(spec.ranges)
    hours = tuple(sorted((day, tuple(sorted(r))) for day, r in by_day.items()))
    return (cal.zone or "UTC", hours, cal.holidays, frozenset(cal.closed), frozenset(cal.open))


def check_calendar(ctx: Context, cal: ast.CalendarDef) -> None:
    if cal.zone is None:
        ctx.err(
            "E216",
            f"calendar '{cal.name}' has no time zone",
            cal.name_span,
            'add a line such as: zone "Europe/Istanbul"',
        )
    else:
        check_zone(ctx, cal.zone, cal.zone_span or cal.span)
    if not cal.hours:
        ctx.err(
            "E213",
            f"calendar '{cal.name}' has no opening hours",
            cal.name_span,
            "add a line such as: hours mon-fri 09:00-18:00",
        )
    for day in cal.hours:
        if parse_weekdays(day.days) is None:
            ctx.err(
                "E213",
                f"'{day.days}' is not a weekday or a range of weekdays",
                ctx.word_span(day.span, day.days),
                weekday_hint(day.days),
            )
        for opening, closing in day.ranges:
            a, b = parse_clock(opening), parse_clock(closing)
            if a is None or b is None:
                ctx.err(
                    "E213",
                    f"'{opening}-{closing}' is not a valid time range",
                    day.span,
                    "hours run from 00:00 to 24:00",
                )
            elif a >= b:
                ctx.err(
                    "E213",
                    f"opening time {opening} is not before closing time {closing}",
                    day.span,
                    "write the opening time first, e.g. 09:00-18:00",
                )
    _overlapping_hours(ctx, cal)
    if cal.holidays:
        _holidays(ctx, cal)
    for text in (*cal.closed, *cal.open):
        if parse_date(text) is None:
            ctx.err(
                "E218",
                f"'{text}' is not a date",
                _calendar_word(ctx, cal, text),
                "there is no such day in the calendar (dates are YYYY-MM-DD)",
            )


def _overlapping_hours(ctx: Context, cal: ast.CalendarDef) -> None:
    """E213 at the later of two opening ranges that overlap on a day (`mon-fri 09:00-18:00,
    fri 09:00-13:00`; `09:00-12:30 and 12:00-18:00`): once per pair of lines, naming the days."""
    seen: list[tuple[ast.DayHours, list[int], int, int]] = []
    told: set[tuple[int, int]] = set()
    for spec in cal.hours:
        days = parse_weekdays(spec.days)
        for opening, closing in spec.ranges:
            a, b = parse_clock(opening), parse_clock(closing)
            if days is None or a is None or b is None or a >= b:
                continue  # reported above
            for earlier, earlier_days, start, end in seen:
                common = [d for d in days if d in earlier_days]
                pair = (id(earlier), id(spec))
                if common and a < end and start < b and pair not in told:
                    told.add(pair)
                    ranges = ((start, end), (a, b))
                    _overlap(ctx, (earlier, earlier_days), (spec, days), common, ranges)
            seen.append((spec, days, a, b))


def _overlap(
    ctx: Context,
    first: tuple[ast.DayHours, list[int]],
    second: tuple[ast.DayHours, list[int]],
    common: list[int],
    ranges: tuple[tuple[int, int], tuple[int, int]],
) -> None:
    (spec_a, days_a), (spec_b, days_b) = first, second
    when = (
        spec_b.days
        if common == days_b
        else spec_a.days
        if common == days_a
        else ", ".join(WEEKDAYS[d] for d in common)
    )
    (early, late) = sorted(ranges)
    early_text, late_text = _clock_range(early), _clock_range(late)
    if spec_a is spec_b:
        message = f"opening hours on {when} overlap: {early_text} and {late_text}"
        if late[1] > early[1] and late[0] > early[0]:
            hint = f"end one range where the next begins: {_clock_range((early[0], late[0]))} and "
            hint += late_text
        else:
            wide, narrow = (late, early) if late[1] > early[1] else (early, late)
            hint = f"{_clock_range(wide)} already holds {_clock_range(narrow)}: write it once"
        ctx.err("E213", message, spec_b.span, hint)
        return
    message = (
        f"opening hours on {when} overlap: {_clock_range(ranges[0])} ({spec_a.days}) and "
        f"{_clock_range(ranges[1])} ({spec_b.days})"
    )
    if days_a == days_b and len(spec_a.ranges) == len(spec_b.ranges) == 1:
        # one day group listed twice: a second shift, meant as one span
        merged = (min(ranges[0][0], ranges[1][0]), max(ranges[0][1], ranges[1][1]))
        hint = f"give {spec_b.days} its hours once: {spec_b.days} {_clock_range(merged)}"
        ctx.err("E213", message, spec_b.span, hint)
        return
    # `mon-fri …, fri …`: the later line means to give `fri` other hours; so give the wider
    # line only the days the other one leaves (mon-thu), when those still make one run.
    trimmed, kept = (spec_a, spec_b) if days_a != common else (spec_b, spec_a)
    trimmed_days = days_a if trimmed is spec_a else days_b
    rest = [d for d in trimmed_days if d not in common]
    lines = {}
    if rest and rest == trimmed_days[trimmed_days.index(rest[0]) :][: len(rest)]:
        run = WEEKDAYS[rest[0]] + ("" if len(rest) == 1 else "-" + WEEKDAYS[rest[-1]])
        lines = {id(trimmed): f"{run} {_ranges(trimmed)}", id(kept): f"{kept.days} {_ranges(kept)}"}
    if lines:
        hint = f"give each day its hours once: {lines[id(spec_a)]}, {lines[id(spec_b)]}"
    else:  # the later line's days cut the other's in two: every day with its hours
        hint = "give each day its hours once: " + _day_runs(
            [(d, _ranges(kept if d in common else trimmed)) for d in sorted(set(days_a + days_b))]
        )
    ctx.err("E213", message, spec_b.span, hint)


def _day_runs(days: list[tuple[int, str]]) -> str:
    """'mon 09:00-18:00, tue-thu 08:00-10:00, fri 09:00-18:00': consecutive days with the same
    hours written as one run."""
    runs: list[tuple[int, int, str]] = []
    for day, hours in days:
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], day, hours)
        else:
            runs.append((day, day, hours))
    return ", ".join(
        (WEEKDAYS[a] if a == b else f"{WEEKDAYS[a]}-{WEEKDAYS[b]}") + f" {hours}"
        for a, b, hours in runs
    )


def _ranges(spec: ast.DayHours) -> str:
    return " and ".join(f"{opening}-{closing}" for opening, closing in spec.ranges)


def _clock_range(seconds: tuple[int, int]) -> str:
    """'09:00-12:30' (seconds shown as the clock reads, 24:00 for midnight at the end)."""
    return "-".join(
        f"{s // 3600:02d}:{s % 3600 // 60:02d}" + (f":{s % 60:02d}" if s % 60 else "")
        for s in seconds
    )


def _calendar_word(ctx: Context, cal: ast.CalendarDef, word: str) -> Span:
    """Where `word` is written inside a calendar (its clauses keep no spans of their own)."""
    for line in range(cal.span.line, cal.span.end_line + 1):
        start = Span(file=cal.span.file, line=line, column=1, end_line=line, end_column=2)
        found = ctx.word_span(start, word)
        if found is not start:
            return found
    return cal.span


def _holidays(ctx: Context, cal: ast.CalendarDef) -> None:
    import holidays

    country = cal.holidays[0]
    supported = holidays.list_supported_countries()
    if country not in supported:
        hint = did_you_mean(country.upper(), supported) or (
            'use a two-letter country code such as "TR" or "RO"'
        )
        ctx.err(
            "E220",
            f"no public holidays are known for '{country}'",
            _calendar_word(ctx, cal, f'"{country}"'),
            hint,
        )
    elif len(cal.holidays) > 1 and cal.holidays[1] not in supported[country]:
        known = list(supported[country])
        given = cal.holidays[1]
        if not known:  # Turkey, Romania: the package knows the country's holidays only
            hint = f"the holidays package knows no subdivisions of {country}: leave it out"
        elif given.upper() in known:
            hint = f"did you mean '{given.upper()}'?"
        else:
            hint = did_you_mean(given, known) or "leave it out, or use one of: " + ", ".join(
                known[:12]
            )
        ctx.err("E220", f"'{given}' is not a subdivision of {country}", cal.holidays_span, hint)


def check_state(ctx: Context, state: ast.StateDef, names: PolicyNames) -> None:
    check_pattern(ctx, state.start, names)
    check_pattern(ctx, state.end, names)


def check_metric(ctx: Context, metric: ast.MetricDef, names: PolicyNames) -> None:
    from cxrules.checker.grouping import check_metric_groups

    check_metric_groups(ctx, metric, names)
    agg = metric.aggregate
    if agg.fn in ("count", "ratio", "share"):
        for pattern in (agg.pattern, agg.of, agg.unless):
            if pattern is not None:
                check_pattern(ctx, pattern, names)
        if agg.within is not None:
            check_duration(ctx, agg.within, names)
            no_business_window(ctx, agg.within, "a share window", names)
    elif agg.fn not in AGGREGATES:
        ctx.err(
            "E221",
            f"'{agg.fn}' is not a metric formula",
            agg.fn_span,
            did_you_mean(agg.fn, (*AGGREGATES, "count", "ratio", "share"))
            or "use count, ratio, share, avg, sum, min, max, percentile, nps, csat or ces",
        )
    else:
        if agg.pattern is None and not (
            isinstance(agg.value, ast.NameExpr) and len(agg.value.parts) >= 2
        ):
            ctx.err(
                "E221",
                f"{agg.fn}() needs the event and its value",
                agg.span,
                f"write {agg.fn}(survey.answered.score) or {agg.fn}(score of survey.answered)",
            )
        if agg.pattern is not None:
            check_pattern(ctx, agg.pattern, names)
            if agg.value is not None:
                expr_type(ctx, agg.value, names, "pattern")
        if agg.fn == "percentile":
            q = agg.q.value if agg.q is not None else None
            if q == 0 and not isinstance(q, bool):
                ctx.err(
                    "E209",
                    "percentile(…, 0) is the least value, which min() says",
                    agg.span,
                    "write min(…) for the least value, or a percentile above 0, e.g. 0.01",
                )
            elif not isinstance(q, int | float) or not 0 < q <= 100:
                ctx.err(
                    "E209",
                    "percentile() needs which percentile: a percentage up to 100 or a fraction "
                    "up to 1",
                    agg.span,
                    "e.g. percentile(wait of call.answered, 90) or 0.9",
                )
            elif q == 1 and agg.q is not None:
                ctx.warn(
                    "W206",
                    "percentile(…, 1) is the 100th percentile, the largest value: a q of at most "
                    "1 is a fraction",
                    agg.q.span,
                    "for the 1st percentile write 0.01; for the largest value, max(…)",
                )
            method = agg.method
            if method is not None and method.text not in PERCENTILE_METHODS:
                ctx.err(
                    "E209",
                    f"'{method.text}' is not a percentile method",
                    method.span,
                    "write 'linear' (interpolation between the closest ranks, the default) or "
                    "'nearest rank', e.g. percentile(wait of call.answered, 90, nearest rank)",
                )
        elif agg.q is not None:
            ctx.err("E221", f"{agg.fn}() takes no second argument", agg.q.span)
    buckets = [p for p in metric.per if p.bucket is not None]
    if len(buckets) > 1:
        ctx.err(
            "E215",
            f"metric '{metric.name}' has more than one calendar bucket",
            buckets[1].span,
            "keep one of per hour/day/week/month/quarter/year",
        )


def read_overrides(ctx: Context, overrides: dict[str, str]) -> None:
    from cxrules.checker.params import ParamError, parse_override

    params: dict[str, ast.ParamDef] = {}
    for symbols in ctx.out.symbols.values():
        params.update(symbols.params)
    for name, text in overrides.items():
        if name not in params and ctx.ws.syntax_failed:
            # a file that could not be read may define it: its syntax error says enough
            continue
        if name not in params:
            ctx.err(
                "E222",
                f"--set {name}: there is no parameter '{name}'",
                None,
                did_you_mean(name, params)
                or (
                    "parameters: " + ", ".join(sorted(params))
                    if params
                    else "the policies define no parameters"
                ),
            )
            continue
        try:
            ctx.out.overrides[name] = parse_override(params[name], text)
        except ParamError as exc:
            ctx.err("E222", f"--set {name}={text}: {exc}", None, exc.hint)
