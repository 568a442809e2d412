"""DuckDB engine, ingestion: Parquet read natively by DuckDB when the mapping fits in SQL.

A Parquet input is read by DuckDB's `read_parquet` when its columns are strings, integers, floats,
booleans or nulls (and the time column a string in ISO 8601, a naive timestamp or a timestamp in
UTC, in s, ms or µs) and its mapping is one event per row with a type column or template (verbatim,
or slug in ASCII), id, `missing`, `missing_in`, `numbers`, `booleans` (of strings, booleans or
nulls), `drop`, `rename` (no name given twice, none taken from the columns), `zone`, `ignore_offset`
(not with a timestamp in UTC), `duplicate_key` (no float field). Values are what `pyarrow`'s
`to_pylist` gives the Python readers: a float32 as the double it is, a null as null.

Parquet rows have no lines to hand back one by one: when any row is one DuckDB cannot judge
exactly (a time that is not plain ISO, a non-finite float, a missing type…), the whole file is
read by the Python readers instead. So is a file DuckDB cannot read (a corrupt page the
footer did not show): the Python readers reject it in their words (E401).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from cxrules.engines.duckdb.csvfile import FLOAT_TEXT, INT_TEXT, ISO_TEXT, SLUG_TEXT
from cxrules.engines.duckdb.native import Fallback, zone_hours
from cxrules.engines.duckdb.sql import SAFE_US, STAGE, ZONES, hour_of, ident, literal
from cxrules.engines.sql.exprs import stripped
from cxrules.ir.reading import FALSE_TEXTS, TRUE_TEXTS
from cxrules.logs.build import Template
from cxrules.logs.logset import SEQ_SHIFT, LogInput
from cxrules.logs.readers import parquet_columns, parquet_file
from cxrules.time.zones import zone


def _kind(kind: pa.DataType) -> str | None:
    """How a column's values read: 'str', 'int', 'float', 'bool', 'null'; None: not natively."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "str"
    if pa.types.is_integer(kind):
        return "int"
    if pa.types.is_floating(kind) and not pa.types.is_float16(kind):
        return "float"
    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_null(kind):
        return "null"
    return None


@dataclass(frozen=True)
class ParquetPlan:
    """What the native reading of one Parquet input needs from its mapping and schema."""

    kinds: dict[str, str]
    time: str
    time_kind: str  # 'str', 'naive' or 'utc'
    type: str | None
    template: Template | None
    slug: bool
    id: str | None
    zone: str
    utc: bool
    ignore_offset: bool
    missing: dict[str, list[str]]
    numbers: list[str]
    attrs: list[tuple[str, str]]
    key_fields: list[str] = field(default_factory=list)
    booleans: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, log: LogInput) -> ParquetPlan | None:
        """The plan, or None when the input needs the Python readers."""
        mapping = log.mapping
        if log.format != "parquet" or mapping.events or mapping.date or mapping.times:
            return None
        if mapping.time_format != "iso":
            return None
        schema = parquet_file(log.table).schema_arrow
        names = parquet_columns(log.table, log.label)
        if names != schema.names:  # a name repeated or empty: renamed as DuckDB does not
            return None
        time_column = mapping.time_column("parquet")
        kinds: dict[str, str] = {}
        time_kind = None
        for name in names:
            kind = schema.field(name).type
            if name == time_column and pa.types.is_timestamp(kind):
                if kind.unit == "ns" or kind.tz not in (None, "UTC", "+00:00"):
                    return None
                time_kind = "naive" if kind.tz is None else "utc"
                kinds[name] = time_kind
                continue
            found = _kind(kind)
            if found is None:
                return None
            kinds[name] = found
        if time_kind is None:
            if kinds.get(time_column) != "str":
                return None
            time_kind = "str"
        if time_kind == "utc" and mapping.ignore_offset:
            return None
        type_text = mapping.type_column("parquet")
        template = Template(type_text) if "{" in type_text else None
        type_column = None if template else type_text
        if type_column is not None and kinds.get(type_column) != "str":
            return None
        if template and any(kinds.get(c) not in ("str", "int") for c in template.columns):
            return None
        id_column = mapping.id if mapping.id in kinds else None
        if id_column and kinds[id_column] not in ("str", "int", "null"):
            return None
        numbers = [c for c in mapping.numbers if kinds.get(c) == "str"]
        if numbers and mapping.decimal == ",":
            return None  # texts with a decimal comma: the Python readers
        booleans = [c for c in mapping.booleans if c in kinds]
        if any(kinds[c] not in ("str", "bool", "null") for c in booleans):
            return None  # integers 1 and 0 read as booleans: the Python readers
        popped = {time_column} | ({type_column} if type_column else set())
        popped |= {id_column} if id_column else set()
        typed = popped | set(template.columns if template else [])
        renamed = mapping.rename
        parsed = set(numbers) | set(booleans)
        if parsed & typed or len(set(renamed.values())) != len(renamed):
            return None
        if any(new in kinds and new not in renamed for new in renamed.values()):
            return None
        kept = [c for c in names if c not in popped and c not in mapping.drop]
        attrs = [(c, c) for c in kept if c not in renamed]
        attrs += [(old, new) for old, new in renamed.items() if old in kept]
        for name in mapping.duplicate_key:
            source = next((old for old, new in attrs if new == name), None)
            if name == "time" and time_kind != "str":
                return None
            if source and (kinds[source] == "float" or source in parsed):
                return None
        default = mapping.missing or []
        missing = {c: sorted(set(default) | set(mapping.missing_in.get(c, []))) for c in names}
        return cls(
            kinds=kinds,
            time=time_column,
            time_kind=time_kind,
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
            booleans=[c for c in booleans if kinds[c] == "str"],
        )

    def present(self, name: str) -> str:
        """SQL: the column holds a value that is not missing (a missing value is a string)."""
        column = ident(name)
        values = self.missing[name] if self.kinds[name] == "str" else []
        if not values:
            return f"{column} IS NOT NULL"
        listed = ", ".join(literal(v) for v in values)
        return f"{column} IS NOT NULL AND {column} NOT IN ({listed})"

    def json(self, name: str) -> tuple[str, str]:
        """SQL for (the value reads natively, its JSON text)."""
        column = ident(name)
        kind = self.kinds[name]
        if name in self.numbers:
            digits = f"regexp_full_match({column}, {literal(INT_TEXT)})"
            is_int = f"TRY_CAST({column} AS BIGINT) IS NOT NULL"
            finite = f"isfinite(TRY_CAST({column} AS DOUBLE))"
            is_float = f"regexp_full_match({column}, {literal(FLOAT_TEXT)}) AND {finite}"
            test = f"CASE WHEN {digits} THEN {is_int} ELSE {is_float} END"
            ok = f"(NOT ({self.present(name)}) OR {test})"
            value = (
                f"CASE WHEN {column} IS NULL THEN 'null'"
                f" WHEN {digits} THEN CAST(CAST({column} AS BIGINT) AS VARCHAR)"
                f" ELSE CAST(to_json(CAST({column} AS DOUBLE)) AS VARCHAR) END"
            )
            return ok, value
        if name in self.booleans:
            text = f"lower({column})"
            spelled = ", ".join(literal(w) for w in (*TRUE_TEXTS, *FALSE_TEXTS))
            test = f"strlen({column}) = length({column}) AND {text} IN ({spelled})"
            trues = ", ".join(literal(w) for w in TRUE_TEXTS)
            value = (
                f"CASE WHEN {column} IS NULL THEN 'null'"
                f" WHEN {text} IN ({trues}) THEN 'true' ELSE 'false' END"
            )
            return f"(NOT ({self.present(name)}) OR ({test}))", value
        if kind == "float":
            finite = f"({column} IS NULL OR isfinite({column}))"
            return finite, f"coalesce(CAST(to_json(CAST({column} AS DOUBLE)) AS VARCHAR), 'null')"
        if kind == "null":
            return "true", "'null'"
        return "true", f"coalesce(CAST(to_json({column}) AS VARCHAR), 'null')"


def _time_sql(plan: ParquetPlan) -> tuple[str, str]:
    """SQL for (instant µs or NULL, local µs or NULL)."""
    column = ident(plan.time)
    if plan.time_kind == "naive":
        return "NULL::BIGINT", f"epoch_us({column})"
    if plan.time_kind == "utc":
        return f"epoch_us({column})", "NULL::BIGINT"
    tm = f"regexp_extract({column}, {literal('^' + ISO_TEXT + '$')}, ['d', 'c', 'z'])"
    naive = "tm.d || ' ' || tm.c"
    if plan.ignore_offset:
        local = f"CASE WHEN tm.d <> '' THEN epoch_us(TRY_CAST({naive} AS TIMESTAMP)) END"
        return "NULL::BIGINT", local.replace("tm.", f"{tm}.")
    instant = (
        "CASE WHEN tm.d <> '' AND tm.z <> ''"
        f" THEN epoch_us(TRY_CAST({naive} || tm.z AS TIMESTAMPTZ)) END"
    )
    local = f"CASE WHEN tm.d <> '' AND tm.z = '' THEN epoch_us(TRY_CAST({naive} AS TIMESTAMP)) END"
    return instant.replace("tm.", f"{tm}."), local.replace("tm.", f"{tm}.")


def insert_sql(plan: ParquetPlan, naive: bool) -> str:
    """The query that reads the whole file `$path` into the staging table; rows it cannot
    judge get a non-null `raw`."""
    instant, local = _time_sql(plan)

    def slugged(value: str) -> str:
        return SLUG_TEXT.format(v=value) if plan.slug else value

    ok = [plan.present(plan.time), "ts IS NOT NULL"]
    ok.append(f"coalesce(instant, local_us) BETWEEN -{SAFE_US} AND {SAFE_US}")
    if plan.type is not None:
        column = ident(plan.type)
        kind = slugged(stripped(column))  # as `Builder._type` reads it
        ok.append(f"{plan.present(plan.type)} AND {kind} <> ''")
        if plan.slug:
            ok.append(f"strlen({column}) = length({column})")
    else:
        assert plan.template is not None
        pieces = [literal(plan.template.head)]
        for name, tail in plan.template.pairs:
            text = f"CAST({ident(name)} AS VARCHAR)"
            ok.append(plan.present(name))
            if plan.slug:  # a field slugged to nothing is no part of a type (E405)
                ok += [f"strlen({text}) = length({text})", f"{slugged(text)} <> ''"]
            pieces += [slugged(text), literal(tail)]
        kind = stripped("(" + " || ".join(pieces) + ")")
        ok.append(f"{kind} <> ''")
    if plan.id:
        column = ident(plan.id)
        text = f"CAST({column} AS VARCHAR)"
        ok.append(f"(NOT ({plan.present(plan.id)}) OR {text} <> '')")
        ident_sql = f"CASE WHEN {plan.present(plan.id)} THEN {text} END"
        explicit = f"{column} IS NOT NULL"
    else:
        ident_sql, explicit = "NULL::VARCHAR", "false"
    # a number or boolean column dropped is still read (the Python readers parse it first)
    kept = {name for name, _ in plan.attrs}
    ok += [plan.json(name)[0] for name in plan.numbers + plan.booleans if name not in kept]
    members = []
    for name, attribute in plan.attrs:
        value_ok, value = plan.json(name)
        ok.append(value_ok)
        key = literal(orjson.dumps(attribute).decode() + ":")
        member = f"{key} || {value}"
        if plan.missing[name] and plan.kinds[name] == "str":
            # a missing value (a string) leaves the attribute out; a null stays null
            listed = ", ".join(literal(v) for v in plan.missing[name])
            gone = f"coalesce({ident(name)} IN ({listed}), false)"
            member = f"CASE WHEN {gone} THEN NULL ELSE {member} END"
        members.append(member)
    attrs = "'{' || concat_ws(',', " + ", ".join(members or ["NULL"]) + ") || '}'"
    dkey, dshow = _key_sql(plan, kind, explicit)
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
    conditions = " AND ".join(f"({c})" for c in ok)
    return f"""
INSERT INTO {STAGE}
SELECT
  CASE WHEN ok THEN $ordbase + line - 1 END, CASE WHEN ok THEN ts END,
  CASE WHEN ok THEN $base + line - 1 END, CASE WHEN ok THEN {kind} END,
  CASE WHEN ok THEN coalesce(idv, $label || ':' || line) END, $label, line,
  CASE WHEN ok THEN {attrs} END, $input, CASE WHEN ok THEN ts / 1000000.0 END,
  CASE WHEN ok THEN wall END, false, CASE WHEN ok THEN {dkey} END,
  CASE WHEN ok THEN {dshow} END, CASE WHEN NOT ok THEN '\\x00'::BLOB END
FROM (
  SELECT *, CASE WHEN ok THEN {ident_sql} END AS idv
  FROM (
    SELECT *, coalesce({conditions}, false) AS ok
    FROM (
      SELECT p.*, {ts} AS ts, {wall} AS wall
      FROM (
        SELECT *, file_row_number + 1 AS line, {instant} AS instant, {local} AS local_us
        FROM read_parquet($path, file_row_number = true)
      ) p {join}
    )
  )
) {order}"""


def _key_sql(plan: ParquetPlan, kind: str, explicit: str) -> tuple[str, str]:
    """SQL for the duplicate key and its parts' texts."""
    if not plan.key_fields:
        if plan.id:
            return f"CASE WHEN {explicit} THEN ['id', coalesce(idv, $label || ':' || line)] END", (
                "NULL::VARCHAR[]"
            )
        return "NULL::VARCHAR[]", "NULL::VARCHAR[]"
    keys, shows = [], []
    sources = {attribute: name for name, attribute in plan.attrs}
    for name in plan.key_fields:
        if name == "time":
            keys.append("'u' || CAST(ts AS VARCHAR)")
            shows.append(f"chr(0) || {ident(plan.time)}")
        elif name == "type":
            keys.append(f"'s' || {kind}")
            shows.append(kind)
        elif name == "id":
            keys.append("'s' || coalesce(idv, $label || ':' || line)")
            shows.append("coalesce(idv, $label || ':' || line)")
        elif name in sources:
            column = ident(sources[name])
            value_kind = plan.kinds[sources[name]]
            present = plan.present(sources[name]) if value_kind != "null" else "false"
            if value_kind == "str":
                key, show = f"'s' || {column}", column
            elif value_kind == "bool":
                key = f"CASE WHEN {column} THEN 'n1' ELSE 'n0' END"
                show = f"CASE WHEN {column} THEN 'True' ELSE 'False' END"
            else:
                key, show = f"'n' || CAST({column} AS VARCHAR)", f"CAST({column} AS VARCHAR)"
            keys.append(f"CASE WHEN {present} THEN {key} ELSE 'z' END")
            shows.append(f"CASE WHEN {present} THEN {show} ELSE 'None' END")
        else:
            keys.append("'z'")
            shows.append("'None'")
    return "['k', " + ", ".join(keys) + "]", "[" + ", ".join(shows) + "]"


def read_parquet_native(
    con: duckdb.DuckDBPyConnection, log: LogInput, index: int, offset: int, plan: ParquetPlan
) -> int:
    """Read one Parquet input into the staging table; returns its number of rows. Raises
    Fallback (having removed what it added) when some row needs the Python readers, or when
    DuckDB cannot read the file."""
    try:
        return _read(con, log, index, offset, plan)
    except (duckdb.OutOfMemoryException, duckdb.InterruptException):
        raise
    except duckdb.Error as exc:  # a corrupt page: the Python readers say so (E401)
        con.execute(f"DELETE FROM {STAGE} WHERE input = $input", {"input": index})
        raise Fallback(f"DuckDB cannot read the file: {exc}") from exc


def _read(
    con: duckdb.DuckDBPyConnection, log: LogInput, index: int, offset: int, plan: ParquetPlan
) -> int:
    path = str(log.table)
    naive = False
    if not plan.utc and plan.time_kind != "utc":
        _instant, local = _time_sql(plan)
        found = con.execute(
            f"""SELECT DISTINCT strftime(make_timestamp(local_us), '%Y-%m-%d %H') FROM (
              SELECT {local} AS local_us FROM read_parquet($path)
            ) WHERE local_us BETWEEN -{SAFE_US} AND {SAFE_US}""",
            {"path": path},
        ).fetchall()
        hours = {hour for (hour,) in found if hour}
        if hours:
            zone_hours(con, plan.zone, zone(plan.zone), hours)
            naive = True
    params: dict[str, Any] = {
        "input": index,
        "base": index << SEQ_SHIFT,
        "ordbase": offset,
        "label": log.label,
        "path": path,
    }
    con.execute(insert_sql(plan, naive), params)
    [(rows, slow)] = con.execute(
        f"SELECT count(*), count(raw) FROM {STAGE} WHERE input = $input", {"input": index}
    ).fetchall()
    if slow:
        con.execute(f"DELETE FROM {STAGE} WHERE input = $input", {"input": index})
        raise Fallback(f"{slow} rows need the Python readers")
    log.read = log.accepted = rows
    return int(rows)
