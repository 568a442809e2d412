"""Log stage: one raw record (a dict of column values) becomes events, as the mapping says."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from cxrules.ir.reading import NUMBER_TEXT, read_boolean
from cxrules.logs.event import Event
from cxrules.logs.mapping import LogMapping
from cxrules.time.instants import in_range
from cxrules.time.parse import (
    combine,
    epoch_hint,
    layout_hint,
    make_clock_parser,
    make_date_parser,
    make_parser,
    offset_hint,
)
from cxrules.time.zones import localize, zone

_FIELD = re.compile(r"\{([^{}]+)\}")
_NOT_WORD = re.compile(r"[^\w.]+|_+")
_INT = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(NUMBER_TEXT)


#: How much earlier than a row's first time a later column must be to count as the next day.
ROLLOVER_GAP = timedelta(hours=12)


class Bad(Exception):
    """A record that cannot become events: a diagnostic code and a reason."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """A value as it reads well in a type name: lower case, words joined by '_'.

    >>> slug("Wait - User"), slug("Take in charge ticket"), slug("Şikayet Açıldı")
    ('wait_user', 'take_in_charge_ticket', 'şikayet_açıldı')

    Python's lower case of the Turkish 'İ' is 'i' and a combining dot, which is no letter: the
    dot is dropped, not taken for a space; and a letter written with a combining mark (an export
    in decomposed form: 'S' and U+0327) is read as the one letter it shows:

    >>> slug("İADE TALEBİ"), slug("IĞDIR ŞUBESİ"), slug("S\\u0327ikayet Ac\\u0327ıldı")
    ('iade_talebi', 'iğdir_şubesi', 'şikayet_açıldı')

    (Lower case knows no language: the dotless 'I' is 'i', as in English.)
    """
    lowered = text.strip().lower().replace("i\u0307", "i")
    return _NOT_WORD.sub("_", unicodedata.normalize("NFC", lowered)).strip("_")


class Template:
    """A text with `{column}` fields filled from a row (column names may hold ':' or spaces).

    >>> Template("{concept:name}/{lifecycle:transition}").fill({"concept:name": "Queued",
    ...     "lifecycle:transition": "Awaiting Assignment"}, slug)
    'queued/awaiting_assignment'
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.parts = _FIELD.split(text.replace("{{", "\0").replace("}}", "\1"))
        self.columns = self.parts[1::2]
        literals = [p.replace("\0", "{").replace("\1", "}") for p in self.parts[0::2]]
        self.head = literals[0]
        self.pairs = list(zip(self.columns, literals[1:], strict=True))

    @property
    def is_literal(self) -> bool:
        return not self.columns

    def fill(self, row: dict[str, Any], transform: Callable[[str], str] | None = None) -> str:
        """The text with every field replaced; raises KeyError naming a missing column, and
        ValueError(column, text) for a text that `transform` leaves empty."""
        out = self.head
        for column, literal in self.pairs:
            value = row.get(column)
            if value is None:
                raise KeyError(column)
            text = value if type(value) is str else str(value)
            if transform:
                done = transform(text)
                if not done:
                    raise ValueError(column, text)
                text = done
            out += text + literal
        return out


def _number(value: Any, column: str, comma: bool = False) -> Any:
    """A `numbers` column's text as a number: ASCII digits with an optional sign, fraction and
    exponent, or inf / nan (`ir.reading`, the rule comparisons read texts by); Python's own
    `float` would also take '1_000' and Arabic-Indic digits. With `comma` (the mapping's
    `decimal = ","`) the fraction follows a comma and a point is no part of a number (it
    would be a thousands separator, `1.234,5`, whose value the reader cannot be sure of)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if comma:
        if "." in text:
            raise Bad(
                "E406",
                f"column '{column}' is not a number: {_show(value)} (with decimal = \",\""
                " a number has a comma before its fraction and no point)",
            )
        text = text.replace(",", ".")
    if _NUMBER.match(text) is None:
        hint = ""
        if not comma and text.count(",") == 1 and _NUMBER.match(text.replace(",", ".")):
            # '8,5' from a Turkish or Romanian spreadsheet
            point = text.replace(",", ".")
            hint = f' (a decimal comma? write {point}, or give the mapping decimal = ",")'
        raise Bad("E406", f"column '{column}' is not a number: {_show(value)}{hint}")
    return int(text) if _INT.fullmatch(text) else float(text)


def _boolean(value: Any, column: str) -> bool | None:
    """A `booleans` column's value as a boolean: a boolean (or a null) as it is, a text spelling
    one (`ir.reading.read_boolean`: true/false, yes/no, 1/0 in any case), the integers 1 and 0."""
    if value is None or type(value) is bool:
        return value
    if type(value) is str:
        read = read_boolean(value)
        if read is not None:
            return read
    elif type(value) is int and value in (0, 1):
        return value == 1
    raise Bad(
        "E406",
        f"column '{column}' is not a boolean: {_show(value)} (true/false, yes/no or 1/0 are)",
    )


class Builder:
    """Turns raw records of one input into events, following its mapping."""

    def __init__(self, mapping: LogMapping, fmt: str, label: str) -> None:
        self.mapping = mapping
        self.label = label
        self.seq = 0  # the next event's Event.seq; the caller sets the file's base
        self.tz: tzinfo = zone(mapping.zone)
        self.parse_time = make_parser(mapping.time_format, self.tz, mapping.ignore_offset)
        self.parse_date = make_date_parser(mapping.date_format)
        dated = mapping.date is not None or any(spec.date for spec in mapping.events)
        self.parse_clock = make_clock_parser(mapping.time_format if dated else "iso")
        self.transform = slug if mapping.type_values == "slug" else None
        default = mapping.missing if mapping.missing is not None else [""] * (fmt == "csv")
        missing: dict[str | None, frozenset[str]] = {None: frozenset(default)}
        for column, values in mapping.missing_in.items():
            missing[column] = frozenset(values) | missing[None]
        self.missing = missing if (default or mapping.missing_in) else None
        self.numbers = mapping.numbers
        self.comma = mapping.decimal == ","
        self.booleans = mapping.booleans
        # attribute columns holding times, read with their own format (`times`)
        self.times = {
            column: (fmt, make_parser(fmt, self.tz, mapping.ignore_offset))
            for column, fmt in mapping.times.items()
        }
        self.drop = frozenset(mapping.drop)
        self.rename = mapping.rename
        self.id_column = mapping.id
        self.specs = mapping.events
        self.time_column = mapping.time_column(fmt)
        type_text = mapping.type_column(fmt)
        self.type_template = Template(type_text) if "{" in type_text else None
        self.type_column = None if self.type_template else type_text
        self.fromiso = datetime.fromisoformat
        self.canonical = (
            self.missing is None
            and not (self.numbers or self.booleans or self.times or self.drop or self.rename)
            and not (self.specs or mapping.date)
            and (mapping.time_format, mapping.ignore_offset, self.transform) == ("iso", False, None)
            and (self.time_column, self.type_column, self.id_column) == ("time", "type", "id")
        )
        self.templates = [Template(spec.type) for spec in self.specs]
        # Parquet and XES values may be dates and datetimes: a naive one is the text of its
        # isoformat() once the mapping's `times` had it (docs/duckdb-ingest.md, "Attribute
        # values"), so that it is read in the log's zone wherever it is compared, as every
        # engine reads it; an aware one stays an instant
        self.iso_values = fmt in ("parquet", "xes")
        # an entry's own time format (None: the log's)
        self.spec_times = [
            (
                spec.time_format,
                make_parser(spec.time_format, self.tz, mapping.ignore_offset),
                None
                if spec.time_format.startswith("epoch")
                else make_clock_parser(spec.time_format),
            )
            if spec.time_format
            else None
            for spec in self.specs
        ]
        self.extra = [
            {k: Template(v) if isinstance(v, str) and "{" in v else v for k, v in s.attrs.items()}
            for s in self.specs
        ]

    def columns(self) -> list[str]:
        """Every input column the mapping names (to check against a header)."""
        names: list[str] = []
        if self.specs:
            for spec, template in zip(self.specs, self.templates, strict=True):
                names += [spec.time, *([spec.date] if spec.date else []), *template.columns]
                names += [column for c in spec.when for column in c.columns()]
        else:
            names.append(self.time_column)
            names += [self.type_column] if self.type_column else []
            names += self.type_template.columns if self.type_template else []
        if self.mapping.date:
            names.append(self.mapping.date)
        names += list(self.mapping.missing_in) + self.numbers + self.booleans
        names += list(self.times)
        # a column renamed, or named the id, that the export lacks: the attribute or id a
        # policy reads would silently be absent (every id then the record's file:line)
        names += list(self.mapping.rename)
        if self.mapping.id not in (None, "", "id"):  # the default 'id' may be absent
            names.append(self.mapping.id)
        return list(dict.fromkeys(n for n in names if n))

    def fields(self, header: list[str]) -> list[str]:
        """The fields an event of a row with these columns has: `time`, `type`, `id` and its
        attributes (the columns left after the time, type and id columns, `drop` and `rename`,
        and the entries' `attrs`) — the names `duplicate_key` may use."""
        consumed = {self.id_column} if self.id_column else set()
        if not self.specs:
            consumed |= {c for c in (self.time_column, self.type_column) if c}
        kept = [c for c in header if c not in consumed and c not in self.drop]
        attrs = [self.rename.get(c, c) for c in kept]
        for extra in self.extra:
            attrs += list(extra)
        return list(dict.fromkeys(["time", "type", "id", *attrs]))

    def clean(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row without its missing values, with number and boolean columns parsed."""
        missing = self.missing
        if missing is not None:
            default = missing[None]
            if len(missing) == 1:
                row = {k: v for k, v in row.items() if type(v) is not str or v not in default}
            else:
                get = missing.get
                row = {
                    k: v for k, v in row.items() if type(v) is not str or v not in get(k, default)
                }
        for column in self.numbers:
            if column in row:
                row[column] = _number(row[column], column, self.comma)
        for column in self.booleans:
            if column in row:
                row[column] = _boolean(row[column], column)
        for column, (fmt, parse) in self.times.items():
            raw = row.get(column)
            if raw is not None:
                row[column] = when = self._parsed(raw, column, parse, fmt)
                if not in_range(when):
                    raise Bad("E413", _out_of_range(raw, column, attribute=True))
        return row

    def attrs(self, row: dict[str, Any]) -> dict[str, Any]:
        """Attributes of the remaining columns, after drop and rename (changes `row`)."""
        for column in self.drop:
            row.pop(column, None)
        if self.rename:
            moved = [(new, row.pop(old)) for old, new in self.rename.items() if old in row]
            row.update(moved)
        if self.iso_values:
            _iso_values(row)
        return row

    def build(self, row: dict[str, Any], line: int) -> list[Event]:
        """The events of one record (none, one or several); raises Bad."""
        if self.canonical:
            return [self._canonical(row, line)]
        row = self.clean(row)
        if self.specs:
            return self._multi(row, line)
        return [self._single(row, line)]

    def _canonical(self, row: dict[str, Any], line: int) -> Event:
        """The fast path for canonical records: ISO `time`, `type`, optional `id`."""
        raw = row.pop("time", None)
        if type(raw) is str:
            try:
                when = self.fromiso(raw)
            except ValueError as exc:
                why = epoch_hint(raw, "iso") or layout_hint(raw, "iso")
                reason = _unreal(raw, "time", exc) or f"time {_show(raw)} in 'time' is not ISO 8601"
                raise Bad("E404", reason + (f": {why}" if why else "")) from None
            if when.tzinfo is None:
                when = localize(when, self.tz)
            if not 1 < when.year < 9999 and not in_range(when):
                raise Bad("E413", _out_of_range(raw, "time"))
        else:
            when = self._time(raw, "time", row, None)
        kind = row.pop("type", None)
        if type(kind) is not str or not kind or kind[0].isspace() or kind[-1].isspace():
            kind = self._type(kind, "type")
        ident = row.pop("id", None)
        if ident is None:
            ident = f"{self.label}:{line}"
        elif type(ident) is not str or not ident:
            row["id"] = ident
            ident = self._id(row, line)
        seq = self.seq
        self.seq = seq + 1
        if self.iso_values:
            _iso_values(row)
        return Event(when, kind, ident, row, self.label, line, seq)

    def _single(self, row: dict[str, Any], line: int) -> Event:
        when = self._time(row.pop(self.time_column, None), self.time_column, row, self.mapping.date)
        if self.type_column is not None:
            kind = row.pop(self.type_column, None)
            kind = self._type(kind, self.type_column)
        else:
            assert self.type_template is not None
            kind = self._fill(self.type_template, row)
        ident = self._id(row, line)
        seq = self.seq
        self.seq = seq + 1
        return Event(when, kind, ident, self.attrs(row), self.label, line, seq)

    def _multi(self, row: dict[str, Any], line: int) -> list[Event]:
        events: list[Event] = []
        # the id is no attribute, but conditions and templates see its column as any other
        rest = dict(row)
        ident = self._id(rest, line) if self.id_column and self.id_column in row else None
        base = self.attrs(rest)
        anchor: datetime | None = None
        for index, spec in enumerate(self.specs):
            if not all(cond.holds(row) for cond in spec.when):
                continue
            when = self._time(
                row.get(spec.time), spec.time, row, spec.date or self.mapping.date, index
            )
            dated = bool(spec.date or self.mapping.date)
            if anchor is None:
                anchor = when
            elif dated and self.mapping.day_rollover and anchor - when > ROLLOVER_GAP:
                # Only a time far earlier than the row's first one has crossed midnight; a few
                # seconds earlier is clock skew between systems, kept on the same day.
                try:
                    when = combine(when.date(), when.timetz().replace(tzinfo=None), self.tz, True)
                except OverflowError:
                    raise Bad("E413", _out_of_range(row.get(spec.time), spec.time)) from None
                if not in_range(when):
                    raise Bad("E413", _out_of_range(row.get(spec.time), spec.time))
            kind = self._fill(self.templates[index], row)
            attrs = dict(base)
            for key, value in self.extra[index].items():
                if isinstance(value, Template):
                    try:
                        attrs[key] = value.fill(row)
                    except KeyError:
                        continue
                else:
                    attrs[key] = value
            suffix = f"#{index + 1}" if len(self.specs) > 1 else ""
            eid = f"{ident}{suffix}" if ident else f"{self.label}:{line}{suffix}"
            events.append(Event(when, kind, eid, attrs, self.label, line, self.seq))
            self.seq += 1
        return events

    def _time(
        self,
        raw: Any,
        column: str,
        row: dict[str, Any],
        date_column: str | None,
        spec: int | None = None,
    ) -> datetime:
        if raw is None:
            raise Bad("E403", f"no time: column '{column}' is missing")
        own = self.spec_times[spec] if spec is not None else None
        if date_column is not None:
            when = self._dated(raw, column, row, date_column, own)
        elif own is not None:
            when = self._parsed(raw, column, own[1], own[0])
        else:
            when = self._parsed(raw, column, self.parse_time, self.mapping.time_format)
        if not 1 < when.year < 9999 and not in_range(when):
            raise Bad("E413", _out_of_range(raw, column))
        return when

    def _parsed(
        self, raw: Any, column: str, parse: Callable[[Any], datetime], expected: str
    ) -> datetime:
        try:
            return parse(raw)
        except TypeError as exc:
            why = epoch_hint(raw, expected)
            reason = f"'{column}' has the wrong type: {exc}, got {_show(raw)}"
            raise Bad("E406", reason + (f": {why}" if why else "")) from None
        except (ValueError, OverflowError, OSError) as exc:
            if expected in ("epoch_s", "epoch_ms") and _finite(raw):
                why = epoch_hint(raw, expected)
                raise Bad(
                    "E413", _out_of_range(raw, column) + (f": {why}" if why else "")
                ) from None
            why = offset_hint(raw, expected) or epoch_hint(raw, expected)
            why = why or layout_hint(raw, expected)
            unreal = _unreal(raw, column, exc, expected)
            raise Bad(
                "E404",
                (
                    unreal
                    or f"time {_show(raw)} in '{column}' does not match the format '{expected}'"
                )
                + (f": {why}" if why else ""),
            ) from None

    def _dated(
        self,
        raw: Any,
        column: str,
        row: dict[str, Any],
        date_column: str,
        own: tuple[str, Any, Callable[[Any], time] | None] | None = None,
    ) -> datetime:
        day_raw = row.get(date_column)
        if day_raw is None:
            raise Bad("E403", f"no time: date column '{date_column}' is missing")
        try:
            day: date = self.parse_date(day_raw)
            clock: time = (own[2] if own and own[2] else self.parse_clock)(raw)
        except TypeError as exc:
            raise Bad("E406", f"'{column}' has the wrong type: {exc}, got {_show(raw)}") from None
        except ValueError:
            raise Bad(
                "E404",
                f"date {_show(day_raw)} in '{date_column}' and time of day {_show(raw)} in "
                f"'{column}' do not match the formats '{self.mapping.date_format}' and "
                f"'{own[0] if own else self.mapping.time_format}'",
            ) from None
        return combine(day, clock, self.tz)

    def _type(self, kind: Any, column: str) -> str:
        """The type of a type column's value: blanks at its ends dropped (docs/mapping.md)."""
        if kind is None or kind == "":
            raise Bad("E405", f"no type: column '{column}' is missing or empty")
        if not isinstance(kind, str):
            raise Bad("E406", f"type in '{column}' must be a string, got {_show(kind)}")
        text = kind.strip()
        if not text:
            raise Bad("E405", f"no type: column '{column}' holds only blanks, {_show(kind)}")
        if self.transform:
            text = self.transform(text)
            if not text:
                raise Bad(
                    "E405",
                    f"no type: {_show(kind)} in '{column}' has no letter or digit"
                    ' (type_values = "slug" keeps only those)',
                )
        return text

    def _fill(self, template: Template, row: dict[str, Any]) -> str:
        try:
            kind = template.fill(row, self.transform).strip()
        except KeyError as exc:
            reason = f"no type: column '{exc.args[0]}' of '{template.text}' is missing"
            raise Bad("E405", reason) from None
        except ValueError as exc:  # a slug of nothing: '!!!' is no part of a type, as no type
            column, text = exc.args
            reason = (
                f"no type: {_show(text)} in '{column}' of '{template.text}' has no letter or "
                'digit (type_values = "slug" keeps only those)'
            )
            raise Bad("E405", reason) from None
        if not kind:
            raise Bad("E405", f"no type: '{template.text}' gives an empty or blank type")
        return kind

    def _id(self, row: dict[str, Any], line: int) -> str:
        column = self.id_column
        raw = row.pop(column, None) if column else None
        if raw is None:
            return f"{self.label}:{line}"
        if isinstance(raw, str) and raw:
            return raw
        if isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)
        raise Bad("E406", f"id in '{column}' must be a string or an integer, got {_show(raw)}")


def _finite(raw: Any) -> bool:
    """True for a finite number, or a text that reads as one."""
    try:
        return math.isfinite(float(raw))
    except (TypeError, ValueError, OverflowError):
        return False


#: Python's words for a time written in its format whose day, hour... does not exist.
_UNREAL = re.compile(
    r"day is out of range for month|(year|month|day|hour|minute|second) must be in"
)


#: ISO 8601's extended shape (ISO's basic one, '20260302', is also a count's: not said so).
_ISO_SHAPE = re.compile(
    r"\s*\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?)?(?:[Zz]|[+-]\d\d(?::?\d\d)?)?\s*"
)


def _unreal(raw: Any, column: str, exc: Exception, fmt: str = "iso") -> str:
    """The reason for a time that has its format's shape but names no moment ('31.02.2014',
    '24:00:00', a 60th second), which 'does not match the format' would send the reader to the
    mapping for; '' for any other failure."""
    if type(exc) is not ValueError or not _UNREAL.match(str(exc)):
        return ""
    if fmt == "iso" and not (type(raw) is str and _ISO_SHAPE.fullmatch(raw)):
        return ""
    return f"time {_show(raw)} in '{column}' is written in its format but is no real time ({exc})"


def _out_of_range(raw: Any, column: str, attribute: bool = False) -> str:
    where = f"attribute '{column}'" if attribute else f"'{column}'"
    return (
        f"time {_show(raw)} in {where} is outside the times cxrules can represent "
        "(0001-01-02 to 9999-12-30 UTC)"
    )


def _show(value: Any) -> str:
    """A raw value as a reason shows it: a text quoted, a number as it is, a Parquet or XES
    date, time or datetime as its ISO text (not Python's `datetime.datetime(1, 1, 1, 0, 0)`).

    >>> _show("x"), _show(5), _show(datetime(1, 1, 1))
    ("'x'", '5', '0001-01-01T00:00:00')
    """
    if isinstance(value, date | time):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _iso_values(attrs: dict[str, Any]) -> None:
    """Naive datetimes and dates among `attrs` (at any depth) as the text of their isoformat();
    an instant (an aware datetime) no engine can hold rejects the record (E413)."""
    for key, value in attrs.items():
        if isinstance(value, date | list | dict):
            attrs[key] = _iso(value, key)


def _iso(value: Any, key: str) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        if not in_range(value):
            raise Bad("E413", _out_of_range(value, key, attribute=True))
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_iso(v, key) for v in value]
    if isinstance(value, dict):
        return {k: _iso(v, key) for k, v in value.items()}
    return value
