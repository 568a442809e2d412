"""Findings, text: instants, spans and values as report sentences write them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cxrules.ir.text import number
from cxrules.time.format import format_clock, format_instant
from cxrules.time.instants import from_us


def _dt(t: datetime | int) -> datetime:
    return from_us(t) if isinstance(t, int) else t


def when(t: datetime | int, zone: str) -> str:
    """An instant for a sentence: '2026-03-02 10:00:00+03:00' in the log's zone. The last
    instant of a calendar period (end of day: next midnight less a microsecond) reads as its whole
    second, '23:59:59'; the report's data fields keep the exact instant.

    >>> when(1_772_434_800_000_000, "Europe/Istanbul")
    '2026-03-02 10:00:00+03:00'
    """
    dt = _dt(t)
    if dt.microsecond == 999_999:
        dt = dt.replace(microsecond=0)
    return format_instant(dt, zone).replace("T", " ", 1)


def iso(t: int, zone: str) -> str:
    """An instant for a report field: ISO 8601 in `zone`, microseconds only when set."""
    return format_instant(from_us(t), zone)


def clock(t: datetime | int, zone: str) -> str:
    """The local clock time of an instant: '10:05:00' (with fractions when present)."""
    return format_clock(_dt(t), zone)


def day(t: datetime | int, zone: str) -> str:
    return when(t, zone)[:10]


def span_text(a: int, b: int, zone: str) -> str:
    """'from 10:05:00 to 10:07:12 on 2026-03-02' or both full instants across days."""
    if day(a, zone) == day(b, zone):
        return f"from {clock(a, zone)} to {clock(b, zone)} on {day(a, zone)}"
    return f"from {when(a, zone)} to {when(b, zone)}"


def value_text(v: Any, zone: str) -> str:
    """A value read from the log or computed, for a sentence."""
    if isinstance(v, datetime):
        return when(v, zone)
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return number(v)
    return str(v)
