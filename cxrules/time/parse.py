"""Log stage: time formats of a mapping (ISO, epoch, strptime, friendly) turned into parsers."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from cxrules.time.zones import localize

SPECIAL_FORMATS = ("iso", "epoch_s", "epoch_ms")

_TOKEN = re.compile(r"yyyy|yy|sss|SSS|fff|zzz|ss|s|dd|d|hh|HH|h|H|mm|MM|m|M|[A-Za-z]+|.", re.S)
_DATE_TOKENS = {"yyyy": "%Y", "yy": "%y", "dd": "%d", "d": "%d"}
_TIME_TOKENS = {"hh": "%H", "HH": "%H", "h": "%H", "H": "%H", "ss": "%S", "s": "%S"}


def to_strptime(fmt: str) -> str:
    """A format as strptime understands it: '%' formats unchanged, friendly ones translated.

    `m`/`mm`/`M`/`MM` mean the month before an hour token and minutes after it; `sss` after
    seconds is the fraction; `zzz` (or `Z`) is a UTC offset. Raises ValueError for unknown letters.

    >>> to_strptime("dd/mm/yyyy hh:mm")
    '%d/%m/%Y %H:%M'
    >>> to_strptime("yyyy/mm/dd hh:mm:ss.sss")
    '%Y/%m/%d %H:%M:%S.%f'
    >>> to_strptime("yymmdd"), to_strptime("d/m/yyyy HH:MM")
    ('%y%m%d', '%d/%m/%Y %H:%M')
    """
    if "%" in fmt:
        _check_directives(fmt)
        return fmt
    out: list[str] = []
    seen_hour = False
    for token in _TOKEN.findall(fmt):
        if token in _DATE_TOKENS:
            out.append(_DATE_TOKENS[token])
        elif token in _TIME_TOKENS:
            seen_hour = seen_hour or token.lower().startswith("h")
            out.append(_TIME_TOKENS[token])
        elif token in ("mm", "MM", "m", "M"):
            out.append("%M" if seen_hour else "%m")
        elif token in ("sss", "SSS", "fff"):
            out.append("%f")
        elif token in ("zzz", "Z"):
            out.append("%z")
        elif token.isalpha():
            raise ValueError(
                f"unknown part '{token}' in time format '{fmt}'; use yyyy, yy, mm, dd, hh, mm, "
                "ss, sss, zzz, or a strptime format with %"
            )
        else:
            out.append("%%" if token == "%" else token)
    return "".join(out)


_FLAG_HINTS = {
    "-": "strptime reads '%d', '%m' and '%H' with or without a leading zero: drop the '-'",
    "#": "strptime reads '%d', '%m' and '%H' with or without a leading zero: drop the '#'",
    "s": 'for seconds since 1970 write time_format = "epoch_s"',
    "e": "write '%d': it reads the day with or without a leading zero",
}


def _check_directives(fmt: str) -> None:
    """A ValueError for a '%' directive strptime does not have ('%Q', '%-d', '%s', a '%' at the
    end), which would reject every record as 'does not match the format'.

    >>> _check_directives("%d.%m.%Y %H:%M")
    >>> _check_directives("%d %Q")
    Traceback (most recent call last):
    ...
    ValueError: '%Q' in time format '%d %Q' is not a strptime directive; see Python's strptime \
codes: %d %m %Y %H %M %S %f %z
    """
    try:
        datetime.strptime("", fmt)
    except ValueError as exc:
        text = str(exc)
        if text.startswith("stray %"):
            raise ValueError(
                f"time format '{fmt}' ends with a lone '%'; write '%%' for a percent sign"
            ) from None
        if "bad directive" in text:
            letter = text[1] if text[:1] == "'" else "?"
            hint = _FLAG_HINTS.get(letter, "see Python's strptime codes: %d %m %Y %H %M %S %f %z")
            raise ValueError(
                f"'%{letter}' in time format '{fmt}' is not a strptime directive; {hint}"
            ) from None


def make_parser(fmt: str, tz: tzinfo, ignore_offset: bool = False) -> Callable[[Any], datetime]:
    """A function from a raw value to an aware datetime; raises ValueError or TypeError.

    Naive results take `tz`; with `ignore_offset` any offset in the value is dropped and the wall
    clock is read in `tz`. Strings are cached, since exports repeat the same timestamps often.

    >>> from cxrules.time.zones import zone
    >>> p = make_parser("d/m/yyyy HH:MM", zone("UTC"))
    >>> p("29/2/2016 01:16").isoformat()
    '2016-02-29T01:16:00+00:00'
    >>> make_parser("epoch_ms", zone("UTC"))(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    if fmt == "iso":
        return _iso_parser(tz, ignore_offset)
    if fmt in ("epoch_s", "epoch_ms"):
        scale = 1.0 if fmt == "epoch_s" else 1000.0

        def epoch(value: Any) -> datetime:
            if isinstance(value, str):
                value = float(value)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"expected a number of {'seconds' if scale == 1 else 'ms'}")
            return datetime.fromtimestamp(value / scale, UTC)

        return epoch
    pattern = to_strptime(fmt)

    @lru_cache(maxsize=65536)
    def parse_text(text: str) -> datetime:
        dt = datetime.strptime(text.strip(), pattern)
        if dt.tzinfo is None or ignore_offset:
            dt = localize(dt, tz)
        return dt

    def strp(value: Any) -> datetime:
        if isinstance(value, datetime):
            return _attach(value, tz, ignore_offset)
        if not isinstance(value, str):
            raise TypeError("expected a string")
        return parse_text(value)

    return strp


def _iso_parser(tz: tzinfo, ignore_offset: bool) -> Callable[[Any], datetime]:
    fromiso = datetime.fromisoformat

    def iso(value: Any) -> datetime:
        if type(value) is str:
            dt = fromiso(value)
        elif isinstance(value, datetime):
            dt = value
        elif isinstance(value, date):
            dt = datetime(value.year, value.month, value.day)
        else:
            raise TypeError("expected an ISO 8601 string")
        if dt.tzinfo is None or ignore_offset:
            return localize(dt, tz)
        return dt

    return iso


def _attach(dt: datetime, tz: tzinfo, ignore_offset: bool) -> datetime:
    return localize(dt, tz) if dt.tzinfo is None or ignore_offset else dt


def make_date_parser(fmt: str) -> Callable[[Any], date]:
    """A function from a raw value to a date ('iso' or a strptime/friendly format).

    >>> make_date_parser("yymmdd")("990201")
    datetime.date(1999, 2, 1)
    """
    pattern = "%Y-%m-%d" if fmt == "iso" else to_strptime(fmt)

    @lru_cache(maxsize=4096)
    def parse_text(text: str) -> date:
        return datetime.strptime(text.strip(), pattern).date()

    def parse(value: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise TypeError("expected a date string")
        return parse_text(value)

    return parse


def make_clock_parser(fmt: str) -> Callable[[Any], time]:
    """A function from a raw value to a time of day ('iso' means h:mm:ss with optional fraction).

    >>> make_clock_parser("iso")("7:02:47")
    datetime.time(7, 2, 47)
    """
    pattern = "%H:%M:%S" if fmt == "iso" else to_strptime(fmt)

    @lru_cache(maxsize=65536)
    def parse_text(text: str) -> time:
        text = text.strip()
        if fmt == "iso":
            return time.fromisoformat(text.zfill(len(text) + (1 if text.index(":") == 1 else 0)))
        return datetime.strptime(text, pattern).time()

    def parse(value: Any) -> time:
        if isinstance(value, time):
            return value
        if not isinstance(value, str):
            raise TypeError("expected a time-of-day string")
        return parse_text(value)

    return parse


def combine(day: date, clock: time, tz: tzinfo, next_day: bool = False) -> datetime:
    """A date and a time of day in a zone as an aware datetime (optionally one day later)."""
    dt = datetime.combine(day, clock, tzinfo=tz)
    return dt + timedelta(days=1) if next_day else dt


_OFFSET_END = re.compile(r"(\s*)([+-]\d{2}:?\d{2}|Z)$")


def offset_hint(raw: Any, fmt: str) -> str:
    """Why a time that did not parse failed, when it is because it ends with a UTC offset its
    format has no part for: the format to write instead. '' when that is not the reason.

    >>> offset_hint("2026-03-02 10:00:00+01:00", "%Y-%m-%d %H:%M:%S")
    "it ends with a UTC offset ('+01:00') that the format lacks: write '%Y-%m-%d %H:%M:%S%z'"
    >>> offset_hint("02/03/2026 10:00 Z", "dd/mm/yyyy hh:mm")
    "it ends with a UTC offset ('Z') that the format lacks: write 'dd/mm/yyyy hh:mm zzz'"
    >>> offset_hint("2026-03-02 10:00:00", "%Y-%m-%d %H:%M:%S"), offset_hint("x+01:00", "iso")
    ('', '')
    """
    if not isinstance(raw, str) or fmt in SPECIAL_FORMATS:
        return ""
    try:
        pattern = to_strptime(fmt)
    except ValueError:
        return ""
    match = _OFFSET_END.search(raw.strip())
    if match is None or "%z" in pattern or "%Z" in pattern:
        return ""
    try:
        datetime.strptime(raw.strip()[: match.start()], pattern)
    except ValueError:
        return ""  # it fails for another reason too
    part = "%z" if "%" in fmt else "zzz"
    return (
        f"it ends with a UTC offset ('{match[2]}') that the format lacks: "
        f"write '{fmt}{match[1]}{part}'"
    )


_EPOCH = re.compile(r"\s*[+-]?(\d+)(\.\d*)?\s*")


def epoch_hint(raw: Any, fmt: str) -> str:
    """Why a time that did not parse (or fell outside the range) failed, when it is a count of
    seconds or milliseconds since 1970 read with another format: the format to write. '' when
    it is not one (a 10-digit count is seconds of 2001 to 2286, a 13-digit one milliseconds).

    >>> epoch_hint("1772445600", "iso"), epoch_hint(1772445600000, "epoch_s")
    ('it looks like seconds since 1970: time_format = "epoch_s"', \
'it looks like milliseconds since 1970: time_format = "epoch_ms"')
    >>> epoch_hint("20260302", "iso"), epoch_hint(True, "iso"), epoch_hint("2026-03-02", "iso")
    ('', '', '')
    >>> epoch_hint(float("nan"), "iso"), epoch_hint(-1772445600.5, "iso")
    ('', 'it looks like seconds since 1970: time_format = "epoch_s"')
    """
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return ""
    if isinstance(raw, float):
        digits = len(str(abs(int(raw)))) if math.isfinite(raw) else 0
    else:
        found = _EPOCH.fullmatch(str(raw))
        digits = len(found[1]) if found else 0
    kind = {10: "epoch_s", 13: "epoch_ms"}.get(digits)
    if kind is None or kind == fmt:
        return ""
    unit = "seconds" if kind == "epoch_s" else "milliseconds"
    return f'it looks like {unit} since 1970: time_format = "{kind}"'


#: A date written day or month first with `.`, `/` or `-` between its parts, then optionally a
#: time of day: the layouts of Turkish, Romanian and US spreadsheets' exports.
_DAY_FIRST = re.compile(
    r"\s*(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:([ T])(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*"
)


def layout_hint(raw: Any, fmt: str) -> str:
    """Why an ISO time did not parse, when it is a date written day (or month) first: the
    friendly format to write, `02.03.2026 09:00` is `dd.mm.yyyy hh:mm` (hunt69 finding-18).
    A date with dots is day first; one with '/' or '-' valid both ways is said both ways; ''
    when it is no such date.

    >>> layout_hint("02.03.2026 09:00", "iso"), layout_hint("25/12/2026", "iso")
    ('it reads as time_format = "dd.mm.yyyy hh:mm"', 'it reads as time_format = "dd/mm/yyyy"')
    >>> layout_hint("12/25/2026 7:05:09", "iso")
    'it reads as time_format = "mm/dd/yyyy h:mm:ss"'
    >>> layout_hint("02/03/2026", "iso")
    'it reads as time_format = "dd/mm/yyyy" (or "mm/dd/yyyy" if the month comes first)'
    >>> layout_hint("2026-03-02", "iso"), layout_hint("02.03.2026", "%d.%m.%Y")
    ('', '')
    """
    if fmt != "iso" or not isinstance(raw, str):
        return ""
    found = _DAY_FIRST.fullmatch(raw)
    if found is None:
        return ""
    first, sep, second, _, space, hour, _, seconds = found.groups()
    if int(first) > 31 or int(second) > 31 or (int(first) > 12 and int(second) > 12):
        return ""
    day = "dd" if len(first) == 2 else "d"
    month = "mm" if len(second) == 2 else "m"
    clock = ""
    if hour is not None:
        clock = space + ("hh" if len(hour) == 2 else "h") + ":mm" + (":ss" if seconds else "")
    day_first = f"{day}{sep}{month}{sep}yyyy{clock}"
    month_first = f"{'mm' if len(first) == 2 else 'm'}{sep}{'dd' if len(second) == 2 else 'd'}"
    month_first += f"{sep}yyyy{clock}"
    if int(first) > 12 or sep == ".":  # dots: the day first, as Turkish and Romanian write
        return f'it reads as time_format = "{day_first}"'
    if int(second) > 12:
        return f'it reads as time_format = "{month_first}"'
    return f'it reads as time_format = "{day_first}" (or "{month_first}" if the month comes first)'
