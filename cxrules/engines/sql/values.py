"""SQL plans, values: cxrules values as SQL — a kind and one column per kind — and the comparison,
arithmetic and membership rules of docs/semantics.md ("Expressions") written over them.

A value is a `V`: `k` is its kind (SQL INTEGER; NULL when the value is missing) and `s`, `n`,
`b`, `t` hold it as a string (also the JSON text of lists and objects), a number (DOUBLE), a
boolean or an instant (BIGINT µs). `kinds` is what the compiler knows statically (a literal has
one kind; an attribute may be anything), so that the SQL for the common cases stays short.

The rules mirror `cxrules/engines/python/values.py` point for point: missing makes a comparison
false; an instant against a string parses the string (ISO 8601, `time/parse.py` rules); a number
against a numeric string converts the string; other mixed kinds are unequal; numbers where one is
not whole compare with the tolerance of `cxrules/ir/tolerance.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from cxrules.engines.sql.text import all_of, any_of, lit, to_end
from cxrules.ir.tolerance import ABS_TOL, REL_TOL

MISSING, STR, INT, FLOAT, BOOL, LIST, OBJECT, INSTANT = 0, 1, 2, 3, 4, 5, 6, 7
ANY = frozenset({MISSING, STR, INT, FLOAT, BOOL, LIST, OBJECT, INSTANT})
NUMBERS = frozenset({INT, FLOAT})

from cxrules.ir.reading import BLANKS, NUMBER_TEXT  # noqa: E402 - the shared rules

#: A SQL string constant as `lit` writes it, and a whole text that reads as a number.
_CONSTANT = re.compile(r"'((?:[^']|'')*)'")
_NUMBER = re.compile(NUMBER_TEXT[:-1] + r"\Z")

#: A value that is NULL as written (a constant `parse_number` or an instant parser gives).
NULL_DOUBLE = "CAST(NULL AS DOUBLE)"
NULLS = frozenset({"NULL", NULL_DOUBLE, "CAST(NULL AS BIGINT)"})

MIN_US = -62135596800000000  # 0001-01-01T00:00:00Z
MAX_US = 253402300799999999  # 9999-12-31T23:59:59.999999Z


@dataclass(frozen=True)
class V:
    """A value as SQL expressions (see the module docstring)."""

    k: str
    s: str = "NULL"
    n: str = "NULL"
    b: str = "NULL"
    t: str = "NULL"
    kinds: frozenset[int] = field(default=ANY)
    i: str | None = None  # a text already read as an instant (a column), else read on demand
    elements: str = "NULL"  # a list's elements: structs (k, s, n) (a column; NULL when not a list)
    # an int exactly (SQL HUGEINT) where known: whole numbers beyond 2**53, which a DOUBLE
    # rounds, compare exactly (docs/semantics.md)
    z: str | None = None
    # the fields as one struct (SQL), when they are read out of it: what a lambda binds by name
    # instead of writing every field again (exprs._bound)
    packed: str | None = None

    def only(self, kind: int) -> bool:
        """True when the value is statically known to be of `kind` (never missing)."""
        return self.kinds == frozenset({kind})

    def can(self, *kinds: int) -> bool:
        return any(k in self.kinds for k in kinds)

    def is_kind(self, *kinds: int) -> str:
        """SQL: the value is of one of `kinds` (FALSE when it is missing)."""
        wanted = [k for k in kinds if k in self.kinds]
        if not wanted:
            return "FALSE"
        if self.kinds <= frozenset(wanted):
            return "TRUE"
        if len(wanted) == 1:
            return f"coalesce({self.k} = {wanted[0]}, FALSE)"
        return f"coalesce({self.k} IN ({', '.join(map(str, wanted))}), FALSE)"

    def present(self) -> str:
        """SQL: the value is not missing."""
        if MISSING not in self.kinds:
            return "TRUE"
        if self.kinds == frozenset({MISSING}):
            return "FALSE"
        return f"({self.k} IS NOT NULL)"


def missing() -> V:
    return V(k="NULL", kinds=frozenset({MISSING}))


def string(sql: str, nullable: bool = False) -> V:
    kinds = frozenset({STR, MISSING} if nullable else {STR})
    return V(
        k=f"CASE WHEN {sql} IS NULL THEN NULL ELSE 1 END" if nullable else "1", s=sql, kinds=kinds
    )


def number(sql: str, whole: bool, nullable: bool = True) -> V:
    """A number: `whole` for a Python int (compared exactly), else a float."""
    kind = INT if whole else FLOAT
    if not nullable:
        return V(k=str(kind), n=sql, kinds=frozenset({kind}))
    return V(
        k=f"CASE WHEN {sql} IS NULL THEN NULL ELSE {kind} END",
        n=sql,
        kinds=frozenset({kind, MISSING}),
    )


def boolean(sql: str, nullable: bool = True) -> V:
    """A condition: NULL is missing when `nullable`."""
    if not nullable:
        return V(k="4", b=sql, kinds=frozenset({BOOL}))
    return V(
        k=f"CASE WHEN {sql} IS NULL THEN NULL ELSE 4 END", b=sql, kinds=frozenset({BOOL, MISSING})
    )


def instant(sql: str, nullable: bool = True) -> V:
    if not nullable:
        return V(k="7", t=sql, kinds=frozenset({INSTANT}))
    return V(
        k=f"CASE WHEN {sql} IS NULL THEN NULL ELSE 7 END",
        t=sql,
        kinds=frozenset({INSTANT, MISSING}),
    )


def columns(prefix: str, instant_column: bool = True, kinds: frozenset[int] = ANY) -> V:
    """An attribute read from typed columns `<prefix>_k`, `_s`, `_n`, `_b`, `_t`, and `_i` (its
    text read as an instant) when `instant_column`; `kinds`: those its values may have (every
    kind unless the events were looked at: `Catalog.kinds`)."""
    return V(
        k=f"{prefix}_k",
        s=f"{prefix}_s",
        n=f"{prefix}_n",
        b=f"{prefix}_b",
        t=f"{prefix}_t",
        i=f"{prefix}_i" if instant_column else None,
        elements=f"{prefix}_l",
        z=f"TRY_CAST({prefix}_s AS HUGEINT)",  # an int's text is its digits (catalog)
        kinds=kinds,
    )


def truth(v: V) -> str:
    """SQL BOOLEAN, never NULL: the value is exactly `true` (a condition holds)."""
    if v.only(BOOL):
        return f"coalesce({v.b}, FALSE)"
    if not v.can(BOOL):
        return "FALSE"
    return f"coalesce({v.k} = 4 AND {v.b}, FALSE)"


def bool_of(v: V) -> str:
    """SQL BOOLEAN or NULL: the value as a three-valued condition (non-booleans are NULL)."""
    if v.only(BOOL):
        return v.b
    if not v.can(BOOL):
        return "NULL"
    return f"CASE WHEN {v.k} = 4 THEN {v.b} END"


# --------------------------------------------------------------------------- numbers and text


def num_of(v: V) -> str:
    """SQL DOUBLE or NULL: the value as a number when it is an int or a float."""
    if v.kinds <= NUMBERS | {MISSING}:
        return v.n
    if not v.can(INT, FLOAT):
        return "NULL"
    return f"CASE WHEN {v.k} IN (2, 3) THEN {v.n} END"


def parse_number(s: str) -> str:
    """SQL DOUBLE or NULL: a string read as a number (NUMBER_TEXT), else NULL. A nan with a
    sign ("-nan", as Python's float reads it) is NaN by name: Spark's cast has no sign before
    nan (Java's parser reads "NaN" only, Spark adds "nan" in any case). A string constant that
    is no number (`"high"` in `priority == "high"`) is NULL as written: the plans compare
    attributes with such constants everywhere, and each comparison wrote this parse several
    times over (a condition of three nested `not`/`or` ran to 360 kB of SQL to bind)."""
    constant = _CONSTANT.fullmatch(s)
    if constant is not None and _NUMBER.match(constant.group(1).replace("''", "'")) is None:
        return NULL_DOUBLE
    return (
        f"CASE WHEN regexp_matches({s}, {lit(to_end(NUMBER_TEXT))}) THEN "
        f"CASE WHEN regexp_matches({s}, '[nN][aA][nN]') THEN CAST('NaN' AS DOUBLE) "
        f"ELSE TRY_CAST(regexp_replace({s}, {lit(BLANKS)}, '', 'g') AS DOUBLE) END END"
    )


def close(x: str, y: str) -> str:
    """SQL: two doubles equal within the tolerance (math.isclose with REL_TOL and ABS_TOL)."""
    return (
        f"(NOT (isnan({x}) OR isnan({y})) AND ({x} = {y} OR (NOT ({infinite(x)} OR "
        f"{infinite(y)}) AND abs({x} - {y}) <= greatest({lit(REL_TOL)} * greatest(abs({x}), "
        f"abs({y})), {lit(ABS_TOL)}))))"
    )


def infinite(x: str) -> str:
    """SQL: a double is infinite (written so that every SQL dialect has it)."""
    return f"(abs({x}) = CAST('inf' AS DOUBLE))"


_ORDER = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "<>"}


def tolerant(op: str, x: str, y: str) -> str:
    """SQL BOOLEAN: `x op y` for doubles with equality within the tolerance (`holds`)."""
    near = close(x, y)
    nan = f"(isnan({x}) OR isnan({y}))"
    if op == "==":
        return near
    if op == "!=":
        return f"(NOT {near})"
    strict = {">=": ">", "<=": "<", ">": ">", "<": "<"}[op]
    if op in (">=", "<="):
        return f"(NOT {nan} AND ({x} {strict} {y} OR {near}))"
    return f"(NOT {nan} AND {x} {strict} {y} AND NOT {near})"


def exact(op: str, x: str, y: str) -> str:
    """SQL BOOLEAN: `x op y` exactly (NaN unequal to everything, as in Python)."""
    return f"({x} {_ORDER[op]} {y})"


def num_or_bool(v: V) -> str:
    """SQL DOUBLE: a number, a boolean as 0/1 (Python compares True == 1), else NULL. Written
    from what is known of the value: never `CASE WHEN NULL` (Spark refuses a condition that
    is a bare NULL)."""
    if not v.can(BOOL) or v.b == "NULL":
        return v.n
    flag = f"CASE WHEN {v.b} THEN 1.0 ELSE 0.0 END"
    if v.only(BOOL):
        return flag
    if not v.can(INT, FLOAT) or v.n == "NULL":
        return f"CASE WHEN {v.k} = 4 THEN {flag} END"
    return f"CASE WHEN {v.k} = 4 THEN {flag} ELSE {v.n} END"


def compare(op: str, a: V, b: V, parse_instant: InstantParser) -> str:
    """SQL BOOLEAN, never NULL: `a op b` under cxrules rules (values.compare)."""
    incomparable = "TRUE" if op == "!=" else "FALSE"
    branches: list[tuple[str, str]] = []
    numeric = (INT, FLOAT, BOOL)
    if a.can(*numeric) and b.can(*numeric):
        x, y = num_or_bool(a), num_or_bool(b)
        floaty = any_of(
            all_of(a.is_kind(FLOAT), b.is_kind(INT, FLOAT)),
            all_of(b.is_kind(FLOAT), a.is_kind(INT, FLOAT)),
        )
        whole = exact(op, x, y)
        if a.z is not None and b.z is not None and a.can(INT) and b.can(INT):
            # two ints, one beyond 2**53 (where DOUBLEs round): compared exactly
            big = f"(abs({x}) >= {2**53} OR abs({y}) >= {2**53})"
            ints = all_of(a.is_kind(INT), b.is_kind(INT), big)
            whole = f"CASE WHEN {ints} THEN {exact(op, a.z, b.z)} ELSE {whole} END"
        if floaty == "TRUE":
            value = tolerant(op, x, y)
        elif floaty == "FALSE":
            value = whole
        else:
            value = f"CASE WHEN {floaty} THEN {tolerant(op, x, y)} ELSE {whole} END"
        branches.append((all_of(a.is_kind(*numeric), b.is_kind(*numeric)), value))
    if a.can(STR) and b.can(STR):
        branches.append((all_of(a.is_kind(STR), b.is_kind(STR)), exact(op, a.s, b.s)))
    if a.can(INSTANT) and b.can(INSTANT):
        branches.append((all_of(a.is_kind(INSTANT), b.is_kind(INSTANT)), exact(op, a.t, b.t)))
    # a branch of a text constant that reads as no instant or no number (parsed: NULL) is
    # `incomparable` for every value, as the ELSE is: it is left out
    if a.can(INSTANT) and b.can(STR) and (parsed := b.i or parse_instant(b.s)) not in NULLS:
        branches.append(
            (
                all_of(a.is_kind(INSTANT), b.is_kind(STR)),
                f"coalesce({exact(op, a.t, parsed)}, {incomparable})",
            )
        )
    if a.can(STR) and b.can(INSTANT) and (parsed := a.i or parse_instant(a.s)) not in NULLS:
        branches.append(
            (
                all_of(a.is_kind(STR), b.is_kind(INSTANT)),
                f"coalesce({exact(op, parsed, b.t)}, {incomparable})",
            )
        )
    if a.can(STR) and b.can(INT, FLOAT) and (number := parse_number(a.s)) not in NULLS:
        branches.append(
            (
                all_of(a.is_kind(STR), b.is_kind(INT, FLOAT)),
                f"coalesce({tolerant(op, number, b.n)}, {incomparable})",
            )
        )
    if a.can(INT, FLOAT) and b.can(STR) and (number := parse_number(b.s)) not in NULLS:
        branches.append(
            (
                all_of(a.is_kind(INT, FLOAT), b.is_kind(STR)),
                f"coalesce({tolerant(op, a.n, number)}, {incomparable})",
            )
        )
    if op in ("==", "!=") and (a.can(LIST) and b.can(LIST) or a.can(OBJECT) and b.can(OBJECT)):
        same = any_of(
            all_of(a.is_kind(LIST), b.is_kind(LIST)), all_of(a.is_kind(OBJECT), b.is_kind(OBJECT))
        )
        branches.append((same, exact(op, a.s, b.s)))
    present = all_of(a.present(), b.present())
    if present == "FALSE":
        return "FALSE"
    if not branches:
        return present if incomparable == "TRUE" else "FALSE"
    cases = " ".join(f"WHEN {cond} THEN {value}" for cond, value in branches)
    inner = f"CASE {cases} ELSE {incomparable} END" if branches[0][0] != "TRUE" else branches[0][1]
    if present == "TRUE":
        return f"coalesce({inner}, FALSE)"
    return f"(CASE WHEN {present} THEN coalesce({inner}, FALSE) ELSE FALSE END)"


#: Reads a string column as an instant (SQL BIGINT µs or NULL); naive text in the log's zone.
InstantParser = Callable[[str], str]


def in_range(t: str) -> str:
    """SQL BIGINT or NULL: an instant, NULL when outside the years 1 to 9999 (not computable)."""
    return f"CASE WHEN ({t}) BETWEEN {MIN_US} AND {MAX_US} THEN ({t}) END"
