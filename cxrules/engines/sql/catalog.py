"""SQL plans, catalog: the table of events every plan reads, with one set of typed columns per
attribute path any policy reads.

`events` (made by an engine's ingestion) holds `ord, ts, seq, type, id, file, line, attrs JSON`.
`extract_sql` turns it into `ev`: the same rows, and for attribute path number j the columns
`aj_k` (kind: NULL absent or null, 1 text, 2 int, 3 float, 4 bool, 5 list, 6 object, 7 instant),
`aj_s` (text; JSON text of a list or object), `aj_n` (number), `aj_b` (bool), `aj_t` (instant,
µs), `aj_x` (the value as a scope key or metric group reads it: `text_of`) and `aj_l` (a list's
elements as structs of kind, text and number, for membership).

A path is read as `Event.get` does: the flat key first (a flat key present with null is missing),
then the dotted path through nested objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cxrules import ir
from cxrules.engines.sql.text import lit
from cxrules.engines.sql.values import ANY, MISSING, STR
from cxrules.ir.walk import attribute_paths
from cxrules.time.instants import MAX_US, MIN_US

#: How an ingestion writes an attribute whose value is an instant (an XES date): a JSON object
#: with this single key and the instant in µs. JSON logs have no instants: only text.
INSTANT_KEY = "$cxrules.instant"
#: The whole staging object of an instant, as DuckDB's compact JSON text writes it (the µs its
#: group 1); an object of a log with more keys, or with something else than digits, is an object
_STAGED_INSTANT = re.escape('{"' + INSTANT_KEY + '":') + "(-?[0-9]+)" + re.escape("}")


@dataclass
class Catalog:
    """The attribute paths of a policy set and their column prefixes (a0, a1, …)."""

    paths: dict[str, str] = field(default_factory=dict)
    #: prefixes whose text is also read as an instant (column `aj_i`); None: every one (the
    #: first compilation, which finds out which plans need them)
    instants: set[str] | None = None
    #: the events table already holds the typed columns (a backend typed them while loading)
    pretyped: bool = False
    #: path → the kinds its values have in the events (`aj_k` codes, 0 for missing), when a
    #: backend looked (`Backend.attribute_kinds`): the plans then leave out the comparisons
    #: of kinds no event has (a statement a tenth as long for Spark to plan). Unknown: any.
    kinds: dict[str, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, policy_set: ir.PolicySet) -> Catalog:
        catalog = cls()
        for policy in policy_set.policies:
            for path in attribute_paths(policy):
                catalog.add(path)
        return catalog

    def add(self, path: str) -> str:
        if path not in self.paths:
            self.paths[path] = f"a{len(self.paths)}"
        return self.paths[path]

    def prefix(self, path: str) -> str:
        return self.paths[path]

    def columns(self, path: str) -> list[str]:
        p = self.paths[path]
        found = [f"{p}_{s}" for s in "ksnbtxl"]
        if self.instants is None or p in self.instants:
            found.append(f"{p}_i")
        return found

    def kinds_of(self, prefix: str) -> frozenset[int]:
        """The kinds the attribute of `prefix` may have (missing always among them)."""
        for path, p in self.paths.items():
            if p == prefix and path in self.kinds:
                return self.kinds[path] | {MISSING}
        return ANY

    def reads_instant(self, prefix: str) -> bool:
        return self.instants is None or prefix in self.instants

    def all_columns(self) -> list[str]:
        return [c for path in self.paths for c in self.columns(path)]

    def extract_sql(self, source: str = "events", *, where: str = "TRUE") -> str:
        """SELECT of `ev` from the events table: for every path j its raw JSON value `aj_j`
        (every path read in one parse of the attributes). Plans type the values they read
        (`typed_columns`) on their own rows only."""
        cols = ["ord", "ts", "seq", "type", "id", "file", "line"]
        wanted: list[str] = []
        raws = []
        for path, p in self.paths.items():
            flat = len(wanted) + 1
            wanted.append("$." + _quote_key(path))
            if "." in path:
                wanted.append("$" + "".join("." + _quote_key(part) for part in path.split(".")))
                # a flat key present (even null) wins over the dotted path
                raws.append(
                    f"CASE WHEN _j[{flat}] IS NOT NULL THEN _j[{flat}] ELSE _j[{flat + 1}] END "
                    f"AS {p}_j"
                )
            else:
                raws.append(f"_j[{flat}] AS {p}_j")
        if not wanted:
            return f"SELECT {', '.join(cols)} FROM {source} WHERE {where}"
        paths = "[" + ", ".join(lit(w) for w in wanted) + "]"
        inner = f"SELECT {', '.join(cols)}, json_extract(attrs, {paths}) AS _j FROM {source}"
        return f"SELECT {', '.join(cols + raws)} FROM ({inner} WHERE {where})"

    def typed_columns(self, path: str) -> list[str]:
        """SELECT items typing the raw value of `path` (`aj_j`) into `aj_k`… `aj_x` (the
        columns themselves when the events table holds them already)."""
        p = self.paths[path]
        if self.pretyped:
            return [f"{p}_{s}" for s in "ksnbtxl"]
        kinds = self.kinds.get(path, ANY) | {MISSING}
        if kinds <= {MISSING, STR}:
            return _typed_texts(f"{p}_j", p)
        return _typed(f"{p}_j", p)

    def raw_columns(self, path: str) -> list[str]:
        """The columns of `ev` that hold `path`'s value."""
        p = self.paths[path]
        return [f"{p}_{s}" for s in "ksnbtxl"] if self.pretyped else [f"{p}_j"]


def _quote_key(key: str) -> str:
    """A JSON path member, quoted so that any key (dots, spaces, colons) is one member."""
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typed(j: str, p: str) -> list[str]:
    t = f"json_type({j})"
    # an instant (the staging object, `INSTANT_KEY`) only when its µs are in the years 1-9999,
    # as `collect.value_of` reads it back: anything else of that shape stays an object
    staged = f"regexp_extract(CAST({j} AS VARCHAR), {lit('^' + _STAGED_INSTANT + '$')}, 1)"
    us = f"TRY_CAST({staged} AS BIGINT)"
    instant = f"CASE WHEN {us} BETWEEN {MIN_US} AND {MAX_US} THEN {us} END"
    # DuckDB's JSON reads an int beyond 64 bits as a DOUBLE; its text keeps the digits (an int
    # to Python): kind 2, its digits its text and its key
    wide = f"regexp_full_match(CAST({j} AS VARCHAR), '-?[0-9]+')"
    kind = (
        f"CASE {t} WHEN 'VARCHAR' THEN 1 WHEN 'BIGINT' THEN 2 WHEN 'UBIGINT' THEN 2 "
        f"WHEN 'HUGEINT' THEN 2 WHEN 'DOUBLE' THEN CASE WHEN {wide} THEN 2 ELSE 3 END "
        f"WHEN 'BOOLEAN' THEN 4 WHEN 'ARRAY' THEN 5 "
        f"WHEN 'OBJECT' THEN CASE WHEN {instant} IS NOT NULL THEN 7 ELSE 6 END END"
    )
    # a list or an object as its JSON text; an int as its digits (exact beyond 2**53)
    text = f"CASE WHEN {t} = 'VARCHAR' THEN json_extract_string({j}, '$') " + (
        f"WHEN {t} IN ('ARRAY', 'OBJECT', 'BIGINT', 'UBIGINT', 'HUGEINT') "
        f"OR ({t} = 'DOUBLE' AND {wide}) THEN CAST({j} AS VARCHAR) END"
    )
    numeric = "('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE')"
    num = f"CASE WHEN {t} IN {numeric} THEN CAST({j} AS DOUBLE) END"
    boolean = f"CASE WHEN {t} = 'BOOLEAN' THEN CAST({j} AS BOOLEAN) END"
    moment = f"CASE WHEN {t} = 'OBJECT' THEN {instant} END"
    key = (
        f"CASE {t} WHEN 'VARCHAR' THEN json_extract_string({j}, '$') "
        f"WHEN 'BOOLEAN' THEN CASE WHEN CAST({j} AS BOOLEAN) THEN 'true' ELSE 'false' END "
        f"WHEN 'OBJECT' THEN coalesce({instant_text(moment)}, {nested_key(j)}) "
        f"WHEN 'ARRAY' THEN {nested_key(j)} "
        f"WHEN 'DOUBLE' THEN CASE WHEN {wide} THEN CAST({j} AS VARCHAR) "
        f"ELSE {float_text(f'CAST({j} AS DOUBLE)')} END "
        f"WHEN 'NULL' THEN NULL ELSE CAST({j} AS VARCHAR) END"
    )
    xt = "json_type(x)"
    element = (
        f"struct_pack(k := CAST(CASE {xt} WHEN 'VARCHAR' THEN 1 WHEN 'BIGINT' THEN 2 "
        f"WHEN 'UBIGINT' THEN 2 WHEN 'HUGEINT' THEN 2 WHEN 'DOUBLE' THEN 3 WHEN 'BOOLEAN' THEN 4 "
        f"WHEN 'ARRAY' THEN 5 WHEN 'OBJECT' THEN 6 END AS INTEGER), "
        f"s := CASE WHEN {xt} = 'VARCHAR' THEN json_extract_string(x, '$') "
        f"ELSE CAST(x AS VARCHAR) END, "
        f"n := CASE WHEN {xt} IN {numeric} THEN CAST(x AS DOUBLE) WHEN {xt} = 'BOOLEAN' THEN "
        f"CASE WHEN CAST(x AS BOOLEAN) THEN 1.0 ELSE 0.0 END END)"
    )
    elements = (
        f"CASE WHEN {t} = 'ARRAY' THEN list_transform(json_extract({j}, '$[*]'), "
        f"lambda x: {element}) END"
    )
    return [
        f"{kind} AS {p}_k",
        f"{text} AS {p}_s",
        f"{num} AS {p}_n",
        f"{boolean} AS {p}_b",
        f"{moment} AS {p}_t",
        f"{key} AS {p}_x",
        f"{elements} AS {p}_l",
    ]


def instant_text(us: str) -> str:
    """SQL VARCHAR: an instant in µs as a scope key reads it (`text_of`): ISO 8601 in UTC,
    microseconds only when set ('2011-10-03T20:02:40+00:00')."""
    stamp = f"make_timestamp({us})"
    return (
        f"CASE WHEN {us} % 1000000 = 0 THEN strftime({stamp}, '%Y-%m-%dT%H:%M:%S+00:00') "
        f"ELSE strftime({stamp}, '%Y-%m-%dT%H:%M:%S.%f+00:00') END"
    )


def nested_key(j: str) -> str:
    """SQL VARCHAR: a JSON list or object as a scope key reads it (`text_of`): its compact JSON
    text, with every instant inside written as its ISO 8601 text in UTC (`instant_text`)
    rather than as the staging object `{"$cxrules.instant": µs}`.

    The text is cut at each staging object (a JSON string cannot hold one: its quotes would be
    escaped) and put together again with the instants' texts between the pieces."""
    text = f"CAST({j} AS VARCHAR)"
    pattern = lit(_STAGED_INSTANT)
    pieces = f"regexp_split_to_array({text}, {pattern})"
    moments = f"regexp_extract_all({text}, {pattern}, 1)"
    us = "TRY_CAST(z[2] AS BIGINT)"
    instant = instant_text(f"CASE WHEN {us} BETWEEN {MIN_US} AND {MAX_US} THEN {us} END")
    marker = lit('{"' + INSTANT_KEY + '":')
    # µs out of the years 1-9999 (an object of the log, not an instant): its text as it was
    kept = f"{marker} || z[2] || '}}'"
    joined = (
        f"array_to_string(list_transform(list_zip({pieces}, {moments}), "
        f"lambda z: z[1] || coalesce('\"' || {instant} || '\"', {kept}, '')), '')"
    )
    return f"CASE WHEN contains({text}, {marker}) THEN {joined} ELSE {text} END"


#: The SQL type of `aj_l` (a list's elements).
ELEMENTS_TYPE = "STRUCT(k INTEGER, s VARCHAR, n DOUBLE)[]"


def _typed_texts(j: str, p: str) -> list[str]:
    """`_typed` for an attribute whose values in the events are all texts (or null): what
    `_typed` gives such values, without asking each value's JSON type (the kinds pass found
    none but texts; a JSON text begins with a quote)."""
    text = f"json_extract_string({j}, '$')"
    return [
        f"CASE WHEN starts_with(CAST({j} AS VARCHAR), '\"') THEN 1 END AS {p}_k",
        f"{text} AS {p}_s",
        f"CAST(NULL AS DOUBLE) AS {p}_n",
        f"CAST(NULL AS BOOLEAN) AS {p}_b",
        f"CAST(NULL AS BIGINT) AS {p}_t",
        f"{text} AS {p}_x",
        f"CAST(NULL AS {ELEMENTS_TYPE}) AS {p}_l",
    ]


def float_text(x: str) -> str:
    """SQL VARCHAR: a double as `text_of` writes it (a whole number without its fraction).
    `abs(x) < 1e38` leaves out the infinities and NaN (greater than any number in DuckDB and
    Spark alike; Spark has no `isfinite`)."""
    return (
        f"CASE WHEN abs({x}) < 1e38 AND {x} = floor({x}) "
        f"THEN CAST(CAST({x} AS HUGEINT) AS VARCHAR) ELSE CAST({x} AS VARCHAR) END"
    )
