"""Gherkin stage: reading scenario tables — cell values, absolute and relative times, scopes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cxrules.diagnostics import did_you_mean
from cxrules.logs.event import Event
from cxrules.time.format import DurationTextError, parse_duration_text
from cxrules.time.zones import zone


class SpecError(Exception):
    """A scenario that cannot be run as written (a bad cell, an unknown policy): the message says
    where and why, in words; pytest shows it instead of a traceback. `where`: the feature file
    and line the mistake is at, when the message does not say it."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


_NUMBER = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_INT = re.compile(r"[+-]?\d+")


def cell_value(text: str) -> Any:
    """A table cell as an attribute value: numbers, booleans, else the text; empty is absent.

    Returns None for an empty cell (the attribute is absent). Quote a cell to keep it text.

    >>> [cell_value(c) for c in ("12", "-3.5", "true", "False", "q1", "", '"007"')]
    [12, -3.5, True, False, 'q1', None, '007']
    """
    text = text.strip()
    if text == "":
        return None
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if _INT.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        return float(text)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def zone_info(name: str) -> ZoneInfo:
    """The IANA zone called `name`; SpecError when there is none.

    >>> zone_info("Europe/Istanbul").key
    'Europe/Istanbul'
    """
    try:
        return zone(name)
    except ValueError as exc:
        raise SpecError(
            f"unknown time zone {name!r}: write an IANA zone such as 'Europe/Istanbul' or 'UTC'"
        ) from exc


#: A relative time's duration as a table writes it: numbers, each glued to its unit
#: (`+0s`, `+1h30min`, `+1min30.5s`, as `offset_text` writes one), no space and no word.
_OFFSET = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|min|s|h|d|w))+")


def offset_seconds(text: str) -> float:
    """A relative time '+2min', '+1h30min', '-5min', '+0s' as seconds from the base time. A
    duration written otherwise (`+0 s`, `+2 hours`) is refused with the spelling to write, as a
    policy's `30 s` is (E102).

    >>> [offset_seconds(t) for t in ("+0s", "+2min", "+1h30min", "+1d", "-30s")]
    [0.0, 120.0, 5400.0, 86400.0, -30.0]
    """
    text = text.strip()
    if not text or text[0] not in "+-":
        raise SpecError(f"{text!r} is not a relative time: write '+' or '-' and a duration")
    try:
        seconds = parse_duration_text(text[1:])
    except DurationTextError as exc:
        raise SpecError(
            f"{text!r} is not a relative time ({exc.reason}); write e.g. '+0s', '+2min', "
            "'+1h30min', '+1d'"
        ) from exc
    seconds = -seconds if text[0] == "-" else seconds
    if not _OFFSET.fullmatch(text[1:]):
        raise SpecError(
            f"{text!r} is not a relative time as a table writes it: write "
            f"'{offset_text(seconds)}' (numbers each glued to its unit: ms, s, min, h, d, w)"
        )
    return seconds


def offset_text(seconds: float) -> str:
    """An offset from the base time as a scenario writes it, so it can be pasted into a table.

    >>> [offset_text(s) for s in (0, 300, 90.5, 113400, -3600)]
    ['+0s', '+5min', '+1min30.5s', '+1d7h30min', '-1h']
    """
    sign = "-" if seconds < 0 else "+"
    us = round(abs(seconds) * 1_000_000)
    days, us = divmod(us, 86_400_000_000)
    hours, us = divmod(us, 3_600_000_000)
    minutes, us = divmod(us, 60_000_000)
    secs = f"{us // 1_000_000}" + (f".{us % 1_000_000:06d}".rstrip("0") if us % 1_000_000 else "")
    parts = [f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (minutes, "min")) if v]
    if us or not parts:
        parts.append(f"{secs}s")
    return sign + "".join(parts)


@dataclass(frozen=True)
class Clock:
    """How a scenario reads times: the log zone for naive times, and the base time for relative
    ones ('+2min'), itself absolute (naive in the log zone) or None when not given."""

    zone: str = "UTC"
    base: datetime | None = None

    def instant(self, text: str) -> datetime:
        """An absolute or relative time as an aware datetime.

        >>> c = Clock("Europe/Istanbul", Clock("Europe/Istanbul").instant("2026-03-02T10:00:00"))
        >>> c.instant("+1h30min").isoformat()
        '2026-03-02T11:30:00+03:00'
        >>> c.instant("2026-03-02T09:00:00Z").isoformat()
        '2026-03-02T09:00:00+00:00'
        """
        text = text.strip()
        if text[:1] in ("+", "-"):
            if self.base is None:
                raise SpecError(
                    f"the relative time {text!r} needs a base time: add a step "
                    "'Given the time is \"2026-03-02T10:00:00\"' before it"
                )
            try:
                value = self.base + timedelta(seconds=offset_seconds(text))
                value.astimezone(UTC)
            except OverflowError:
                raise SpecError(f"the relative time {text!r} is too far away") from None
            return value
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise SpecError(
                f"{text!r} is not a time: write '2026-03-02T10:00:00+03:00', a time without "
                "offset (read in the log zone), or a relative time like '+2min'"
            ) from exc
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone_info(self.zone))
        try:
            value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise SpecError(f"the time {text!r} is out of range") from None
        return value


#: One 'key=value' of a scope cell: a value in double quotes may hold commas and quotes (`\"`).
#: The key (group 1) and an unquoted value (group 3) keep their blanks, stripped where read:
#: lazy groups between `\s*` backtracked in time cubic in a cell's blanks (a 2,000-character
#: cell took 30 s); the possessive `*+` never gives back what it took (hunt66 finding-K).
_SCOPE_PART = re.compile(r'\s*+([^=,"]*+)=\s*+(?:("(?:[^"\\]|\\.)*+")\s*+|([^,"]*+))(?:,|$)')


def parse_scope(text: str) -> dict[str, str]:
    """A scope cell: 'visit=v-1', 'customer=c1, topic=billing'; empty for the whole log. A value
    holding a comma or a quote is written in double quotes, as a policy writes a text.

    >>> parse_scope("customer=c1, topic=billing"), parse_scope("")
    ({'customer': 'c1', 'topic': 'billing'}, {})
    >>> parse_scope('customer="Yılmaz, Ayşe", topic=billing')
    {'customer': 'Yılmaz, Ayşe', 'topic': 'billing'}
    """
    scope: dict[str, str] = {}
    rest = text.strip()
    while rest:
        if rest.startswith(","):
            rest = rest[1:].lstrip()
            continue
        found = _SCOPE_PART.match(rest)
        if found is None or not found[1].strip():
            part = rest.split(",")[0].strip()
            raise SpecError(
                f"scope {text!r}: {part!r} is not 'key=value' (write e.g. 'customer=c1, "
                'topic=billing\'; a value with a comma in double quotes: customer="Yılmaz, Ayşe")'
            )
        if found[2] is not None:
            value = re.sub(r"\\(.)", r"\1", found[2][1:-1])
        else:
            value = found[3].rstrip()
        scope[found[1].strip()] = value
        rest = rest[found.end() :].lstrip()
    return scope


def scope_text(scope: dict[str, str]) -> str:
    """A scope as written in tables ('(whole log)' when empty); a value with a comma, a quote or
    spaces at its ends in double quotes, so that it can be pasted into a table.

    >>> scope_text({"customer": "c1", "topic": "billing"}), scope_text({})
    ('customer=c1, topic=billing', '(whole log)')
    >>> scope_text({"customer": "Yılmaz, Ayşe"})
    'customer="Yılmaz, Ayşe"'
    """
    return ", ".join(f"{k}={_scope_value(v)}" for k, v in scope.items()) or "(whole log)"


def _scope_value(value: str) -> str:
    text = str(value)
    if "," not in text and '"' not in text and text == text.strip() and text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Row:
    """One table row: its line in the feature file and its cells by column name."""

    line: int
    cells: dict[str, str]


def build_events(rows: list[Row], clock: Clock, file: str) -> list[Event]:
    """Events from the rows of a `When these events happen:` table, sorted by (time, row order).

    Columns: `time`, `type`, optional `id` (else '<file>:<line>'), any attribute columns; an
    empty cell means the attribute is absent.
    """
    events = []
    for seq, row in enumerate(rows):
        where = f"{file}:{row.line}"
        for column in ("time", "type"):
            if column not in row.cells:  # `Time`, `event type`: a column misnamed, not a cell
                names = sorted(row.cells)
                same = [n for n in names if n.strip().lower() == column]
                hint = (
                    f"names are case-sensitive: write {column!r}, not {same[0]!r}" if same else ""
                )
                hint = hint or did_you_mean(column, names)
                raise SpecError(
                    f"{where}: the events table has no {column!r} column"
                    + (f" ({hint})" if hint else "")
                    + f"; its columns are {', '.join(names)}, and every event needs a time "
                    "and a type"
                )
            if not row.cells.get(column, "").strip():
                raise SpecError(f"{where}: the row has no {column!r}; every event needs one")
        try:
            time = clock.instant(row.cells["time"])
        except SpecError as exc:
            raise SpecError(f"{where}: {exc}") from None
        attrs = {}
        for name, raw in row.cells.items():
            if name in ("time", "type", "id"):
                continue
            value = cell_value(raw)
            if value is not None:
                attrs[name] = value
        ident = row.cells.get("id", "").strip() or where
        events.append(Event(time, row.cells["type"].strip(), ident, attrs, file, row.line, seq))
    return sorted(events, key=lambda e: (e.time.timestamp(), e.seq))


def table_rows(raw: list[tuple[int, list[str]]], what: str, allowed: set[str] | None) -> list[Row]:
    """Rows keyed by the header's column names; SpecError for an empty table, a duplicate or
    (when `allowed` is given) an unknown column. An allowed name `x.<name>` allows every column
    `x.` followed by a name (`report.host`).

    >>> table_rows([(3, ["kind", "start"]), (4, ["gap", "+1min"])], "t", {"kind", "start"})
    [Row(line=4, cells={'kind': 'gap', 'start': '+1min'})]
    """
    if not raw:
        raise SpecError(f"the {what} table is empty: give a header row and one row per item")
    header = [h.strip() for h in raw[0][1]]
    if len(set(header)) != len(header):
        raise SpecError(f"the {what} table names a column twice: {', '.join(header)}")
    if allowed is not None:
        families = tuple(a[: -len("<name>")] for a in allowed if a.endswith(".<name>"))
        for name in header:
            family = any(name.startswith(f) and len(name) > len(f) for f in families)
            if name not in allowed and not family:
                hint = did_you_mean(name, sorted(allowed))
                raise SpecError(
                    f"the {what} table has an unknown column {name!r}"
                    + (f" ({hint})" if hint else "")
                    + f"; columns are {', '.join(sorted(allowed))}"
                )
    return [Row(line, dict(zip(header, cells, strict=True))) for line, cells in raw[1:]]
