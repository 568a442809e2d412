"""DuckDB engine, ingestion: CSV read natively by DuckDB when the mapping fits in SQL.

A CSV input is read by DuckDB when its encoding is UTF-8, its header is its first line, it has no
quote character at all (then every line is one record and `csv.reader` splits it on the delimiter,
nothing else), and its mapping is one event per row with: a time column in ISO 8601 or a strptime /
friendly format of %Y %y %m %d %H %M %S %f and literal characters; a type column or template,
verbatim or slug; an id column; `missing`, `missing_in`, `numbers`, `booleans`, `drop`, `rename` (no
name given twice, none taken from the header), `zone`, `ignore_offset`, `duplicate_key`. A file that
turns out to hold a quote character is read again by the Python readers.

Within such a file, DuckDB accepts a line only when the Python readers would accept it and read it
the same way: valid UTF-8, within the record limit and csv's field limit, no NUL, no carriage return
but at the end, as many fields as the header; the time as the Python parser reads it (the format's
regular expression as `_strptime` builds it, digits in ASCII, no spaces around; ISO as for JSON
Lines); number columns written as plain decimals (`12`, `-3.5`, `1e5`); boolean columns written as
one of `ir.reading`'s spellings in ASCII, no spaces around; a slug type in ASCII. Every other line
goes to `read_csv` and `Builder`.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from cxrules.engines.duckdb.lines import Batch, Flags
from cxrules.engines.duckdb.native import Fallback, Route, zone_hours
from cxrules.engines.duckdb.pyroute import Sink, csv_item
from cxrules.engines.duckdb.sql import SAFE_US, ZONES, hour_of, literal, stage_insert
from cxrules.engines.sql.exprs import stripped
from cxrules.ir.reading import FALSE_TEXTS, TRUE_TEXTS
from cxrules.logs.build import Template
from cxrules.logs.files import open_binary
from cxrules.logs.logset import LogInput
from cxrules.logs.readers import Item, csv_header
from cxrules.time.parse import to_strptime
from cxrules.time.zones import zone

if TYPE_CHECKING:
    import duckdb

#: csv's default field size limit; a longer line may hold a longer field: Python judges it.
FIELD_LIMIT = 131072

# _strptime's patterns for the directives read natively, with ASCII digits
_DIRECTIVES = {
    "d": r"(3[0-1]|[1-2][0-9]|0[1-9]|[1-9]| [1-9])",
    "f": r"([0-9]{1,6})",
    "H": r"(2[0-3]|[0-1][0-9]|[0-9])",
    "m": r"(1[0-2]|0[1-9]|[1-9])",
    "M": r"([0-5][0-9]|[0-9])",
    "S": r"(6[0-1]|[0-5][0-9]|[0-9])",
    "y": r"([0-9][0-9])",
    "Y": r"([0-9][0-9][0-9][0-9])",
}
# regexp_extract's group names (DuckDB compares them without case: %m and %M need others)
_NAMES = {
    "d": "day",
    "f": "fraction",
    "H": "hour",
    "m": "month",
    "M": "minute",
    "S": "second",
    "y": "yy",
    "Y": "year",
}
ISO_TEXT = (
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]((?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]{1,6})?)(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)
INT_TEXT = r"[+-]?[0-9]+"
FLOAT_TEXT = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
SLUG_TEXT = "trim(regexp_replace(lower({v}), '[^a-z0-9_.]+|_+', '_', 'g'), '_')"


@dataclass(frozen=True)
class TimeFormat:
    """A strptime format as one regular expression and the group of each directive."""

    regex: str
    groups: dict[str, int]

    @classmethod
    def of(cls, fmt: str) -> TimeFormat | None:
        """The format read natively, or None (other directives, one given twice)."""
        pattern = to_strptime(fmt)
        parts: list[str] = []
        groups: dict[str, int] = {}
        tokens = re.findall(r"%.|\s+|.", pattern, re.S)
        for token in tokens:
            if token.startswith("%") and len(token) == 2:
                letter = token[1]
                if letter == "%":
                    parts.append("%")
                    continue
                if letter not in _DIRECTIVES or letter in groups:
                    return None
                groups[letter] = len(groups) + 1
                parts.append(_DIRECTIVES[letter])
            elif token.isspace():
                parts.append("[ ]+")
            elif token.isalnum() and token.isascii():
                parts.append(token)
            else:
                parts.append("\\" + token if token.isascii() else token)
        if "y" in groups and "Y" in groups:
            return None
        return cls("^(" + "".join(parts) + ")", groups)


@dataclass(frozen=True)
class CsvPlan:
    """What the native reading of one CSV input needs from its mapping and header."""

    header: list[str]
    first_line: bytes
    delimiter: str
    time: str
    time_format: TimeFormat | None  # None: ISO
    type: str | None
    template: Template | None
    slug: bool
    id: str | None
    zone: str
    utc: bool
    ignore_offset: bool
    missing: dict[str, list[str]]
    numbers: list[str]
    attrs: list[tuple[str, str]]  # (column, attribute name) in the attributes' order
    key_fields: list[str] = field(default_factory=list)
    booleans: list[str] = field(default_factory=list)
    comma: bool = False  # decimal = ","

    @classmethod
    def of(cls, log: LogInput) -> CsvPlan | None:
        """The plan, or None when the input needs the Python readers."""
        mapping = log.mapping
        try:
            utf8 = codecs.lookup(mapping.encoding).name == "utf-8"
        except LookupError:
            utf8 = False
        delimiter = log.delimiter
        simple = (
            log.format == "csv"
            and utf8
            and not (mapping.events or mapping.date or mapping.times)
            and delimiter not in ('"', "\r", "\n", "\0")
            and not mapping.time_format.startswith("epoch")
        )
        if not simple:
            return None
        time_format = None
        if mapping.time_format != "iso":
            time_format = TimeFormat.of(mapping.time_format)
            if time_format is None:
                return None
        with open_binary(log.file, log.label) as stream:
            first_line = stream.readline(log.max_record + 2)
        with open_binary(log.file, log.label) as stream:
            header = csv_header(stream, delimiter, mapping.encoding, log.label)
        text = first_line.removeprefix(codecs.BOM_UTF8).rstrip(b"\r\n")
        if (
            not header
            or b'"' in first_line
            or len(first_line.rstrip(b"\r\n")) > log.max_record
            or b"\r" in text
        ):
            return None
        alone = csv_header(io.BytesIO(first_line), delimiter, mapping.encoding, log.label)
        if alone != header:
            return None  # the header is not the first line
        time_column = mapping.time_column("csv")
        type_text = mapping.type_column("csv")
        template = Template(type_text) if "{" in type_text else None
        type_column = None if template else type_text
        id_column = mapping.id if mapping.id in header else None
        popped = {time_column} | ({type_column} if type_column else set())
        popped |= {id_column} if id_column else set()
        numbers = [c for c in mapping.numbers if c in header]
        booleans = [c for c in mapping.booleans if c in header]
        typed = {time_column} | ({type_column} if type_column else set())
        typed |= set(template.columns if template else [])
        renamed = mapping.rename
        names = [c for c in header if c not in popped and c not in mapping.drop]
        parsed = set(numbers) | set(booleans)
        if parsed & typed or len(set(renamed.values())) != len(renamed):
            return None
        if any(new in header and new not in renamed for new in renamed.values()):
            return None  # a rename onto a column that stays: Python keeps that column's place
        key_columns = {_source(n, renamed) for n in mapping.duplicate_key} - {None}
        if key_columns & parsed:
            return None
        attrs = [(c, c) for c in names if c not in renamed]
        attrs += [(old, new) for old, new in renamed.items() if old in names]
        default = mapping.missing if mapping.missing is not None else [""]
        missing = {c: sorted(set(default) | set(mapping.missing_in.get(c, []))) for c in header}
        return cls(
            header=header,
            first_line=first_line,
            delimiter=delimiter,
            time=time_column,
            time_format=time_format,
            type=type_column,
            template=template,
            slug=mapping.type_values == "slug",
            id=id_column,
            zone=mapping.zone,
            utc=mapping.zone == "UTC",
            ignore_offset=mapping.ignore_offset,
            missing=missing,
            numbers=numbers,
            attrs=attrs,
            key_fields=list(mapping.duplicate_key),
            booleans=booleans,
            comma=mapping.decimal == ",",
        )

    def column(self, name: str) -> str:
        """SQL for a column's text (the list of fields `f` is 1-based)."""
        return f"f[{self.header.index(name) + 1}]"

    def present(self, name: str) -> str:
        """SQL: the column's value is not a missing value."""
        values = self.missing[name]
        if not values:
            return "true"
        return f"{self.column(name)} NOT IN ({', '.join(literal(v) for v in values)})"


def _source(name: str, renamed: dict[str, str]) -> str | None:
    """The column an attribute name of a duplicate key reads (None: an event field)."""
    if name in ("time", "type", "id"):
        return None
    for old, new in renamed.items():
        if new == name:
            return old
    return name


def _time_sql(plan: CsvPlan) -> tuple[str, str, str, str]:
    """SQL for the time column: (the parts `tm` read from it; from `tm`: the instant in µs or
    NULL, the local time in µs or NULL, the local hour 'YYYY-MM-DD HH' of a naive time)."""
    v = plan.column(plan.time)
    if plan.time_format is None:
        parts = f"regexp_extract({v}, {literal('^' + ISO_TEXT + '$')}, ['d', 'c', 'z'])"
        naive_text = "tm.d || ' ' || tm.c"
        hour = "tm.d || ' ' || tm.c[1:2]"
        if plan.ignore_offset:
            instant = "NULL::BIGINT"
            local = f"CASE WHEN tm.d <> '' THEN epoch_us(TRY_CAST({naive_text} AS TIMESTAMP)) END"
            hour = f"CASE WHEN tm.d <> '' THEN {hour} END"
        else:
            instant = (
                "CASE WHEN tm.d <> '' AND tm.z <> ''"
                f" THEN epoch_us(TRY_CAST({naive_text} || tm.z AS TIMESTAMPTZ)) END"
            )
            local = (
                "CASE WHEN tm.d <> '' AND tm.z = ''"
                f" THEN epoch_us(TRY_CAST({naive_text} AS TIMESTAMP)) END"
            )
            hour = f"CASE WHEN tm.d <> '' AND tm.z = '' THEN {hour} END"
        return parts, instant, local, hour
    fmt = plan.time_format
    names = ["all", *(_NAMES[d] for d in sorted(fmt.groups, key=fmt.groups.__getitem__))]
    parts = f"regexp_extract({v}, {literal(fmt.regex)}, [{', '.join(map(literal, names))}])"

    def part(letter: str, default: str) -> str:
        found = letter in fmt.groups
        return f"TRY_CAST(trim(tm.{_NAMES[letter]}) AS INTEGER)" if found else default

    if "Y" in fmt.groups:
        year = part("Y", "1900")
    elif "y" in fmt.groups:
        two = "TRY_CAST(tm.yy AS INTEGER)"
        year = f"({two} + CASE WHEN {two} <= 68 THEN 2000 ELSE 1900 END)"
    else:
        year = "1900"
    fraction = "TRY_CAST(rpad(tm.fraction, 6, '0') AS INTEGER)" if "f" in fmt.groups else "0"
    seconds = part("S", "0")
    text = (
        f"printf('%04d-%02d-%02d %02d:%02d:%02d.%06d', {year}, {part('m', '1')},"
        f" {part('d', '1')}, {part('H', '0')}, {part('M', '0')}, {seconds}, {fraction})"
    )
    matched = f"tm.all <> '' AND length(tm.all) = length({v}) AND {seconds} < 60"
    local = f"CASE WHEN {matched} THEN epoch_us(TRY_CAST({text} AS TIMESTAMP)) END"
    hour = f"CASE WHEN {matched} THEN {text}[1:13] END"
    return parts, "NULL::BIGINT", local, hour


def _number(plan: CsvPlan, name: str) -> tuple[str, str]:
    """SQL for (the column reads as a number as Python reads it, its JSON). Digits only make
    an int (Python's is unbounded: beyond 64 bits, the Python readers); else a float."""
    v = plan.column(name)
    pointless = ""
    if plan.comma:  # decimal = ",": the comma is the point, and a point is no number's
        pointless = f" AND NOT contains({v}, '.')"
        v = f"replace({v}, ',', '.')"
    digits = f"regexp_full_match({v}, {literal(INT_TEXT)})"
    is_int = f"TRY_CAST({v} AS BIGINT) IS NOT NULL"
    is_float = (
        f"regexp_full_match({v}, {literal(FLOAT_TEXT)}) AND isfinite(TRY_CAST({v} AS DOUBLE))"
    )
    test = f"CASE WHEN {digits} THEN {is_int} ELSE {is_float} END{pointless}"
    ok = f"(NOT {plan.present(name)} OR ({test}))"
    value = (
        f"CASE WHEN {digits} THEN CAST(CAST({v} AS BIGINT) AS VARCHAR)"
        f" ELSE CAST(to_json(CAST({v} AS DOUBLE)) AS VARCHAR) END"
    )
    return ok, value


def _boolean(plan: CsvPlan, name: str) -> tuple[str, str]:
    """SQL for (the column reads as a boolean as Python reads it, its JSON): one of the
    spellings in ASCII (lower() is then Python's), no blanks around (those: Python)."""
    v = plan.column(name)
    word = f"lower({v})"
    spelled = ", ".join(literal(w) for w in (*TRUE_TEXTS, *FALSE_TEXTS))
    ok = f"(NOT {plan.present(name)} OR (strlen({v}) = length({v}) AND {word} IN ({spelled})))"
    trues = ", ".join(literal(w) for w in TRUE_TEXTS)
    return ok, f"CASE WHEN {word} IN ({trues}) THEN 'true' ELSE 'false' END"


def _type_sql(plan: CsvPlan) -> tuple[str, str]:
    """SQL for (the type is fine, the type): blanks at its ends dropped, as `Builder` drops
    them (Python's whitespace, `str.strip`), and a type left empty rejected (E405)."""

    def slugged(value: str) -> str:
        return SLUG_TEXT.format(v=value) if plan.slug else value

    if plan.type is not None:
        v = plan.column(plan.type)
        kind = slugged(stripped(v))
        ok = f"{plan.present(plan.type)} AND {kind} <> ''"
        if plan.slug:
            ok += f" AND strlen({v}) = length({v})"
        return ok, kind
    assert plan.template is not None
    checks = []
    pieces = [literal(plan.template.head)]
    for column, tail in plan.template.pairs:
        v = plan.column(column)
        checks.append(plan.present(column))
        if plan.slug:  # a field slugged to nothing is no part of a type (E405, Python's words)
            checks += [f"strlen({v}) = length({v})", f"{slugged(v)} <> ''"]
        pieces += [slugged(v), literal(tail)]
    filled = stripped("(" + " || ".join(pieces) + ")")
    return " AND ".join([*checks, f"{filled} <> ''"]), filled


def insert_sql(plan: CsvPlan, naive: bool) -> str:
    """The query that reads a batch `_cx_in(line, raw, text, unsafe)` into the staging table
    (parameters as for JSON Lines)."""
    parts, instant, local, _hour = _time_sql(plan)
    type_ok, kind = _type_sql(plan)
    ok = [
        "f IS NOT NULL",
        f"len(f) = {len(plan.header)}",
        plan.present(plan.time),
        "ts IS NOT NULL",
        f"coalesce(instant, local_us) BETWEEN -{SAFE_US} AND {SAFE_US}",
        type_ok,
    ]
    number_json = {}
    for name in plan.numbers:
        number_ok, number_json[name] = _number(plan, name)
        ok.append(number_ok)
    for name in plan.booleans:
        boolean_ok, number_json[name] = _boolean(plan, name)
        ok.append(boolean_ok)
    if plan.id:
        v = plan.column(plan.id)
        ok.append(f"(NOT {plan.present(plan.id)} OR {v} <> '')")
        ident = f"CASE WHEN {plan.present(plan.id)} THEN {v} END"
    else:
        ident = "NULL::VARCHAR"
    members = []
    for column, name in plan.attrs:
        key = literal(orjson.dumps(name).decode() + ":")
        value = number_json.get(column) or f"CAST(to_json({plan.column(column)}) AS VARCHAR)"
        members.append(f"CASE WHEN {plan.present(column)} THEN {key} || {value} END")
    attrs = "'{' || concat_ws(',', " + ", ".join(members or ["NULL"]) + ") || '}'"
    dkey, dshow = _key_sql(plan, kind)
    order = ""
    if plan.utc:
        ts, wall, join = "coalesce(p.instant, p.local_us)", "NULL::BIGINT", ""
    elif not naive:
        ts, wall, join = "p.instant", "NULL::BIGINT", ""
    else:
        offset = (
            "CASE WHEN z.boundary IS NULL OR p.local_us < z.boundary THEN z.off0 ELSE z.off1 END"
        )
        ts = f"coalesce(p.instant, p.local_us - {offset})"
        wall = "p.local_us"
        join = (
            f"LEFT JOIN {ZONES} z ON p.local_us IS NOT NULL AND z.zone = {literal(plan.zone)}"
            f" AND z.hour = {hour_of('p.local_us')}"
        )
        order = "ORDER BY line"
    bare = "rtrim(text, chr(13) || chr(10))"
    head = stage_insert(kind, attrs, "CASE WHEN ok THEN wall END", dkey, dshow)
    return f"""{head}
FROM (
  SELECT *, CASE WHEN ok THEN {ident} END AS idv
  FROM (
    SELECT *, coalesce({" AND ".join(f"({c})" for c in ok)}, false) AS ok
    FROM (
      SELECT p.*, {ts} AS ts, {wall} AS wall
      FROM (
        SELECT *, {instant} AS instant, {local} AS local_us
        FROM (
          SELECT *, CASE WHEN len(f) = {len(plan.header)} THEN {parts} END AS tm
          FROM (
            SELECT line, raw, CASE WHEN NOT unsafe AND text IS NOT NULL AND {bare} <> ''
              AND NOT contains({bare}, chr(13))
              THEN string_split({bare}, {literal(plan.delimiter)}) END AS f
            FROM _cx_in WHERE line >= $first
          )
        )
      ) p {join}
    )
  )
) {order}"""


def hours_sql(plan: CsvPlan) -> str:
    """The query that lists the local hours of a batch's naive times."""
    parts, _instant, _local, hour = _time_sql(plan)
    bare = "rtrim(text, chr(13) || chr(10))"
    return f"""
SELECT DISTINCT {hour} FROM (
  SELECT *, {parts} AS tm FROM (
    SELECT string_split({bare}, {literal(plan.delimiter)}) AS f FROM _cx_in
    WHERE NOT unsafe AND text IS NOT NULL AND line >= $first
  ) WHERE len(f) = {len(plan.header)}
)"""


def _key_sql(plan: CsvPlan, kind: str) -> tuple[str, str]:
    """SQL for the duplicate key and its parts' texts."""
    if not plan.key_fields:
        if plan.id:
            return "['id', coalesce(idv, $label || ':' || line)]", "NULL::VARCHAR[]"
        return "NULL::VARCHAR[]", "NULL::VARCHAR[]"
    keys, shows = [], []
    attributes = {name: column for column, name in plan.attrs}
    for name in plan.key_fields:
        if name == "time":
            keys.append("'u' || CAST(ts AS VARCHAR)")
            shows.append(f"chr(0) || {plan.column(plan.time)}")
        elif name == "type":
            keys.append(f"'s' || {kind}")
            shows.append(kind)
        elif name == "id":
            keys.append("'s' || coalesce(idv, $label || ':' || line)")
            shows.append("coalesce(idv, $label || ':' || line)")
        elif name in attributes:
            column = attributes[name]
            v = plan.column(column)
            present = plan.present(column)
            keys.append(f"CASE WHEN {present} THEN 's' || {v} ELSE 'z' END")
            shows.append(f"CASE WHEN {present} THEN {v} ELSE 'None' END")
        else:
            keys.append("'z'")
            shows.append("'None'")
    return "['k', " + ", ".join(keys) + "]", "[" + ", ".join(shows) + "]"


class CsvRoute(Route):
    """CSV read by DuckDB (see the module docstring)."""

    skip = 1  # the header

    def __init__(self, log: LogInput, index: int, offset: int, sink: Sink, plan: CsvPlan):
        super().__init__(log, index, offset, sink)
        self.plan = plan
        self.inserts = {naive: insert_sql(plan, naive) for naive in (False, True)}
        self.hours = None if plan.utc else hours_sql(plan)
        self.tz = zone(plan.zone)

    def flags(self) -> Flags:
        return _unsafe

    def check(self, batch: Batch) -> None:
        if batch.first == 1 and 1 in batch.held:
            raise Fallback("the header line is left to the Python readers")

    def insert(self, con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
        naive = False
        if self.hours is not None:
            found = con.execute(self.hours, {"first": params["first"]}).fetchall()
            hours = {hour for (hour,) in found if hour}
            if hours:
                zone_hours(con, self.plan.zone, self.tz, hours)
                naive = True
        con.execute(self.inserts[naive], params)

    def item(self, data: bytes, number: int) -> Item | None:
        log = self.log
        header = self.plan.first_line
        if not header.endswith(b"\n"):
            header += b"\n"
        return csv_item(
            header, data, number, log.max_record, log.label, log.delimiter, log.mapping.encoding
        )


def _unsafe(raw: pa.ChunkedArray, first: int) -> tuple[pa.Array, list[int]]:
    """Lines DuckDB must not judge: with NUL, a carriage return inside, longer than csv's field
    limit. A quote anywhere: the file goes to the Python readers (a quoted field may span
    lines)."""
    if pc.any(pc.match_substring(raw, '"')).as_py():
        raise Fallback("the file holds quotes")
    unsafe = pc.match_substring_regex(raw, r"\x00|\r[^\r\n]")
    unsafe = pc.or_(unsafe, pc.greater(pc.binary_length(raw), FIELD_LIMIT))
    return unsafe, []
