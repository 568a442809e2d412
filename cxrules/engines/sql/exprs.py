"""SQL plans, expressions: an IR expression compiled to a SQL value (`values.V`), once per plan.

What an expression reads — an event's attributes and time, the trigger's, the previous event's,
history queries, changes and states — comes from a `Frame`: the plan decides which columns hold
them (the row's own, a joined trigger's, window functions over the scope). The rules are those
of `cxrules/engines/python/evaluate.py` and `values.py`; `tests/engines/test_differential.py`
holds the two to the same answers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Protocol

from cxrules import ir
from cxrules.engines.sql.casing import LOWER, UPPER
from cxrules.engines.sql.regex import Unportable, write
from cxrules.engines.sql.text import all_of, lit
from cxrules.engines.sql.values import (
    BOOL,
    FLOAT,
    INSTANT,
    INT,
    LIST,
    MISSING,
    NUMBERS,
    STR,
    V,
    bool_of,
    boolean,
    compare,
    in_range,
    infinite,
    instant,
    missing,
    num_of,
    num_or_bool,
    number,
    parse_number,
    string,
    truth,
)
from cxrules.time.text import parse_clock

#: `trim`'s characters: Python's whitespace (`str.isspace`, what `str.strip` strips), written
#: out (finding them among all code points took 0.27 s at every start); a test checks the list.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
WHITESPACE = lit(SPACES)


def stripped(text: str) -> str:
    """SQL for the text `text` with blanks at its ends dropped, as `str.strip` drops them.
    `trim` by the whole set costs about a microsecond a row in DuckDB (a type read on every
    line of a log: a tenth of a 1M-event audit), so a text that starts and ends with a visible
    ASCII character, which it would leave as it is, is taken as it is. `text` is read up to
    four times: a column or a cheap expression."""
    visible = f"ascii({text}) BETWEEN 33 AND 126 AND ascii(right({text}, 1)) BETWEEN 33 AND 126"
    return f"CASE WHEN {visible} THEN {text} ELSE trim({text}, {WHITESPACE}) END"


class Frame(Protocol):
    """Where a plan keeps what expressions read."""

    def attr(self, of: str, path: str) -> V: ...

    def time(self, of: str) -> V: ...

    def local(self, of: str, part: str) -> V: ...

    def history(self, node: ir.History) -> V: ...

    def changes(self, path: str) -> V: ...

    def state(self, name: str, fn: str) -> V: ...

    def parse_instant(self, s: str) -> str: ...

    def literal_instant(self, text: str) -> str: ...

    def known(self, e: Any) -> V | None:
        """The value of `e` when a stage before already computed it (a `let`), else None."""
        ...


class CompileError(ValueError):
    """An expression the SQL plans cannot express (the engine refuses its policy up front)."""


class NoEngineError(CompileError):
    """A construct no engine runs, the python engine neither (a sliding window on business
    time: the checker refuses it, E228); the E302 then sends nobody to another engine."""


#: The longest SQL a value's column may take (characters). Nested arithmetic writes a long
#: operand once (`_bound`), but other nesting still repeats its operands (a comparison reads
#: both sides' kinds and numbers): past this bound a policy is refused before any event is
#: read, where its SQL once took every byte of memory.
MAX_SQL = 8_000_000


def compile_expr(e: Any, f: Frame) -> V:
    """The SQL value of an IR expression; CompileError when its SQL would be too long."""
    done = f.known(e)
    if done is not None:
        return done
    method = _COMPILERS.get(type(e))
    if method is None:
        raise CompileError(f"a {type(e).__name__} expression")
    value = method(e, f)
    fields = (value.k, value.s, value.n, value.b, value.t, value.z or "")
    if max(len(sql) for sql in fields) > MAX_SQL:
        raise CompileError(
            "an expression of operators nested this deep (each writes its operands several "
            f"times over: its SQL would pass {MAX_SQL // 1_000_000} MB; a sum of many terms "
            "can be a column of the export)"
        )
    return value


def condition(e: Any | None, f: Frame) -> str:
    """SQL BOOLEAN, never NULL: the condition holds (exactly true); TRUE when there is none."""
    if e is None:
        return "TRUE"
    return truth(compile_expr(e, f))


def _lit(e: ir.Lit, f: Frame) -> V:
    v = e.value
    if v is None:
        return missing()
    if e.type == "time_of_day" and isinstance(v, str):
        seconds = parse_clock(v)
        if seconds is None:
            raise CompileError(f"invalid time of day {v!r}")
        return number(lit(float(seconds)), whole=False, nullable=False)
    if isinstance(v, bool):
        return boolean("TRUE" if v else "FALSE", nullable=False)
    if isinstance(v, int):
        value = number(f"CAST({lit(v)} AS DOUBLE)", whole=True, nullable=False)
        if abs(v) < 2**53:  # its DOUBLE is exact (`_exact_int`)
            return value
        # beyond, the digits: compared and computed with, and read back (an int's text)
        return replace(value, z=f"CAST({lit(str(v))} AS HUGEINT)", s=lit(str(v)))
    if isinstance(v, float):
        return number(lit(v), whole=False, nullable=False)
    return V(k="1", s=lit(str(v)), kinds=frozenset({STR}), i=f.literal_instant(str(v)))


def _attr(e: ir.Attr, f: Frame) -> V:
    return f.attr(e.of, e.path)


def _time(e: ir.Time, f: Frame) -> V:
    return f.time(e.of)


def _local(e: ir.Local, f: Frame) -> V:
    return f.local(e.of, e.part)


def _history(e: ir.History, f: Frame) -> V:
    return f.history(e)


def _changes(e: ir.Changes, f: Frame) -> V:
    return f.changes(e.path)


def _state(e: ir.StateRef, f: Frame) -> V:
    return f.state(e.name, e.fn)


def _unary(e: ir.Unary, f: Frame) -> V:
    v = compile_expr(e.operand, f)
    if e.op == "not":
        # not missing is missing; not of anything but true is true
        if MISSING not in v.kinds:
            return boolean(f"NOT {truth(v)}", nullable=False)
        return boolean(f"CASE WHEN {v.k} IS NULL THEN NULL ELSE NOT {truth(v)} END")
    # minus: numbers only (booleans are not numbers here)
    whole = v.kinds & NUMBERS == {INT}
    n = num_of(v)
    if n == "NULL":
        return missing()
    if v.kinds <= {INT, FLOAT}:
        negated = V(k=v.k, n=f"(-{n})", kinds=v.kinds)
    else:
        negated = number(f"(-{n})", whole=whole) if whole else _num(f"(-{n})", v, v)
    if v.z is None or INT not in v.kinds:
        return negated
    return replace(negated, z=f"(-{v.z})", s=f"CAST((-{v.z}) AS VARCHAR)")


def _num(sql: str, a: V, b: V) -> V:
    """A number whose kind is int when both operands are ints, else float (either may be
    decided at run time)."""
    kinds_a, kinds_b = a.kinds & NUMBERS, b.kinds & NUMBERS
    if kinds_a == {INT} and kinds_b == {INT}:
        return number(sql, whole=True)
    if FLOAT in kinds_a and INT not in kinds_a or FLOAT in kinds_b and INT not in kinds_b:
        return number(sql, whole=False)
    kind = (
        f"CASE WHEN ({sql}) IS NULL THEN NULL WHEN coalesce({a.k}, 0) = 2 AND "
        f"coalesce({b.k}, 0) = 2 THEN 2 ELSE 3 END"
    )
    return V(k=kind, n=sql, kinds=frozenset({INT, FLOAT, MISSING}))


def _binary(e: ir.Binary, f: Frame) -> V:
    op = e.op
    a, b = compile_expr(e.left, f), compile_expr(e.right, f)
    if op in ("and", "or"):
        # two conditions that are never missing (comparisons, `not` of them) make one that is
        # never missing: its kind is written 4, not tested on the whole (nested `not (… or …)`
        # wrote each level twice over, the SQL growing with 2^depth)
        sure = a.kinds == b.kinds == {BOOL}
        return boolean(f"({bool_of(a)} {op.upper()} {bool_of(b)})", nullable=not sure)
    if op in ("+", "-", "*", "/"):
        return _arithmetic(op, a, b, f)
    if op == "contains":
        return boolean(_contains(a, b), nullable=False)
    if op == "matches":
        if not (isinstance(e.right, ir.Lit) and isinstance(e.right.value, str)):
            raise CompileError("'matches' with a pattern that is not a text in the policy")
        try:
            written = write(e.right.value)
        except Unportable as exc:
            raise CompileError(f"'matches' with the pattern {e.right.value!r} ({exc})") from None
        if not a.can(STR):
            return boolean("FALSE", nullable=False)
        # option 'c' (case-sensitive, DuckDB's default) marks a pattern Java cannot run alike
        options = ", 'c'" if written.re2_only else ""
        found = f"regexp_matches({a.s}, {lit(written.text)}{options})"
        return boolean(f"coalesce({a.is_kind(STR)} AND {found}, FALSE)", nullable=False)
    return boolean(compare(op, a, b, f.parse_instant), nullable=False)


#: An arithmetic operand whose SQL is longer than this is written once and read by name
#: (`_bound`): an operator reads each operand several times over (its kind, its DOUBLE, its
#: exact int), so nested arithmetic wrote its innermost operands about ten times a level, and
#: `a + b + c + d + e` over attributes of unknown kinds was 15 MB of SQL, one term more 170 MB.
#: At 800 characters six terms are 0.5 MB in all, which SQLGlot still writes for Spark.
BIND_OVER = 800
#: A subquery in SQL (`_bound`).
_SUBQUERY = re.compile(r"\(\s*SELECT\b", re.IGNORECASE)
#: The alias of the subquery that binds an arithmetic operand holding a subquery (`_bound`).
_BINDER = "_cx_bound_pair"
#: The SQL type of each field of a value, as `_packed` writes it into a struct.
_FIELD_TYPES = {
    "k": "INTEGER",
    "s": "VARCHAR",
    "n": "DOUBLE",
    "b": "BOOLEAN",
    "t": "BIGINT",
    "z": "HUGEINT",
    "i": "BIGINT",
}


def _packed(v: V) -> str:
    """SQL: the value's fields as one struct (`v.packed` when it has one)."""
    if v.packed is not None:
        return v.packed
    fields = [(name, getattr(v, name)) for name in _FIELD_TYPES]
    inner = ", ".join(
        f"'{name}': CAST({sql} AS {_FIELD_TYPES[name]})" for name, sql in fields if sql is not None
    )
    return "{" + inner + "}"


def _read_from(v: V, at: str) -> V:
    """The value `v` as the fields of the struct `at` (SQL) hold them."""
    return V(
        k=f"{at}.k",
        s=f"{at}.s",
        n=f"{at}.n",
        b=f"{at}.b",
        t=f"{at}.t",
        kinds=v.kinds,
        z=None if v.z is None else f"{at}.z",
        i=None if v.i is None else f"{at}.i",
        packed=at,
    )


def stored(v: V, column: str) -> tuple[str, V] | None:
    """SQL of `v` as one struct to keep in a stage's `column`, and the value that reads it back
    there: a long value (a `let`) a later stage reads twice is then written once. None when it
    is short, or a list whose elements a struct does not keep."""
    if _size(v) <= BIND_OVER or v.elements != "NULL":
        return None
    return _packed(v), replace(_read_from(v, column), elements="NULL")


def _size(v: V) -> int:
    return max(len(v.k), len(v.s), len(v.n), len(v.t), len(v.z or ""), len(v.i or ""))


def _bound(op: str, a: V, b: V, f: Frame) -> V:
    """`a op b` with each operand written once: a one-element list of the pair, mapped by a
    lambda that reads them by name, and the result read out of the struct it makes. The
    operands are evaluated outside the lambda, so every lambda's parameter can have one name."""
    inner = _arithmetic(op, _read_from(a, "_cx_p.a"), _read_from(b, "_cx_p.b"), f)
    pair = "{'a': " + _packed(a) + ", 'b': " + _packed(b) + "}"
    if _SUBQUERY.search(pair):
        # Spark refuses a subquery inside a higher-order function (its argument included), and
        # a text read as an instant is one (`zones.parse_instant`): the pair is then bound by a
        # scalar subquery, as parse_instant binds its text; inside another such binding Spark
        # could not reach the query's columns (a correlation two subqueries deep), so there the
        # operands are written out
        if _BINDER in pair:
            return _arithmetic(op, a, b, f, bind=False)
        whole = f"(SELECT {_packed(inner)} FROM (SELECT {pair} AS _cx_p) AS {_BINDER})"
    else:
        whole = f"(list_transform([{pair}], lambda _cx_p: {_packed(inner)})[1])"
    return replace(_read_from(inner, whole), elements="NULL")


def _arithmetic(op: str, a: V, b: V, f: Frame, bind: bool = True) -> V:
    """values.arithmetic: instants with durations, numbers (strings that read as numbers too, for
    + as for - * /: never joined); anything else, or a division by zero, is missing."""
    if bind and max(_size(a), _size(b)) > BIND_OVER:
        return _bound(op, a, b, f)
    parts: list[tuple[str, V]] = []
    # instants: instant - instant (or an ISO string) = seconds; instant ± seconds = instant
    if a.can(INSTANT) or b.can(INSTANT):
        parts.extend(_instant_arithmetic(op, a, b, f))
    # numbers (booleans excluded); a string that reads as a number counts as a float
    if a.can(INT, FLOAT, STR) and b.can(INT, FLOAT, STR):
        x = _number_operand(a)
        y = _number_operand(b)
        if op == "+":
            sql = f"({x} + {y})"
        elif op == "-":
            sql = f"({x} - {y})"
        elif op == "*":
            sql = f"({x} * {y})"
        else:
            # the DOUBLEs' quotient: of two ints beyond 2**53 it may differ from python's exact
            # quotient in its last bit (docs/semantics.md, a known difference)
            sql = f"CASE WHEN {y} = 0 THEN NULL ELSE {x} / {y} END"
        both_int = all_of(a.is_kind(INT), b.is_kind(INT))
        kinds = frozenset({FLOAT}) if op == "/" else frozenset({INT, FLOAT})
        if op == "/" or both_int == "FALSE":
            kind_sql = "3"
            kinds = frozenset({FLOAT})
        elif both_int == "TRUE":
            kind_sql = "2"
            kinds = frozenset({INT})
        else:
            kind_sql = f"CASE WHEN {both_int} THEN 2 ELSE 3 END"
        if op != "/" and a.kinds <= NUMBERS and b.kinds <= NUMBERS:
            # two numbers never missing: the sum, difference or product of two DOUBLEs is never
            # NULL, so its kind need not repeat it (nested arithmetic would grow exponentially)
            value = V(k=kind_sql, n=sql, kinds=kinds)
        else:
            value = V(
                k=f"CASE WHEN ({sql}) IS NULL THEN NULL ELSE {kind_sql} END",
                n=sql,
                kinds=kinds | {MISSING},
            )
        if op != "/" and INT in kinds:
            value = _exactly(value, op, a, b, both_int, sql)
        guard = all_of(a.is_kind(INT, FLOAT, STR), b.is_kind(INT, FLOAT, STR))
        parts.append((guard, value))
    return _choose(parts)


def _exactly(value: V, op: str, a: V, b: V, both_int: str, sql: str) -> V:
    """`value` (a + b, a - b or a * b) with its int exactly where both are ints (python's
    ints are exact: beyond 2**53 a DOUBLE rounds them): HUGEINT arithmetic while the result
    is below 10**38 in magnitude (Spark's DECIMAL(38, 0) holds it, DuckDB's HUGEINT more; the
    DOUBLEs tell, with a margin for their rounding), else the DOUBLE's digits."""
    za, zb = _exact_int(a), _exact_int(b)
    if za is None or zb is None or (a.z is None and b.z is None):
        return value
    if op == "*":
        fits = f"abs({a.n}) * abs({b.n}) < 9e37"
    else:
        fits = f"abs({a.n}) < 4.5e37 AND abs({b.n}) < 4.5e37"
    z = f"CASE WHEN {both_int} AND {fits} THEN ({za} {op} {zb}) ELSE TRY_CAST({sql} AS HUGEINT) END"
    # the int as a float is its exact value rounded once, as Python's float(int) (and int +
    # float) does: the DOUBLE sum of DOUBLEs rounds at every step (2**61 + 396 + 323 is
    # 2**61 + 1024 so, 2**61 + 512 in Python)
    n = value.n if both_int == "FALSE" else f"coalesce(CAST({z} AS DOUBLE), {value.n})"
    if both_int not in ("TRUE", "FALSE"):
        n = f"CASE WHEN {both_int} THEN {n} ELSE {value.n} END"
    return replace(value, z=z, n=n, s=f"CAST({z} AS VARCHAR)")


def _exact_int(v: V) -> str | None:
    """SQL for `v` as an exact int (HUGEINT) when it is an int: its digits when the plans keep
    them (`V.z`), else its DOUBLE, which holds an int the plans compute (a count, changes(),
    a length, an hour) exactly; None when `v` is never an int."""
    if v.z is not None:
        return v.z
    return f"TRY_CAST({v.n} AS HUGEINT)" if INT in v.kinds else None


def _number_operand(v: V) -> str:
    """SQL DOUBLE or NULL: an int or float as it is, a string read as a number."""
    if v.kinds <= NUMBERS | {MISSING}:
        return v.n
    if v.only(STR):
        return parse_number(v.s)
    return f"CASE WHEN {v.k} IN (2, 3) THEN {v.n} WHEN {v.k} = 1 THEN {parse_number(v.s)} END"


def _instant_arithmetic(op: str, a: V, b: V, f: Frame) -> list[tuple[str, V]]:
    out: list[tuple[str, V]] = []
    if op == "-":
        # instant - instant (or string) → seconds
        if a.can(INSTANT, STR) and b.can(INSTANT, STR):
            ta = _as_instant(a, f)
            tb = _as_instant(b, f)
            guard = all_of(
                a.is_kind(INSTANT, STR),
                b.is_kind(INSTANT, STR),
                "(" + " OR ".join(x for x in (a.is_kind(INSTANT), b.is_kind(INSTANT))) + ")",
            )
            out.append((guard, number(f"(CAST({ta} - {tb} AS DOUBLE) / 1000000.0)", False)))
        # instant - seconds → instant
        if a.can(INSTANT) and b.can(INT, FLOAT):
            shifted = _shift(a.t, f"(-({b.n}))")
            out.append((all_of(a.is_kind(INSTANT), b.is_kind(INT, FLOAT)), instant(shifted)))
    elif op == "+":
        if a.can(INSTANT) and b.can(INT, FLOAT):
            out.append(
                (all_of(a.is_kind(INSTANT), b.is_kind(INT, FLOAT)), instant(_shift(a.t, b.n)))
            )
        if b.can(INSTANT) and a.can(INT, FLOAT):
            out.append(
                (all_of(b.is_kind(INSTANT), a.is_kind(INT, FLOAT)), instant(_shift(b.t, a.n)))
            )
    return out


def _as_instant(v: V, f: Frame) -> str:
    """SQL BIGINT µs: `v` as an instant, a text read as one (NULL when it is neither). A value
    that is never a text (a history query's `.time`, missing or an instant) is read as it is:
    a parse of its text, never taken, made Spark run a scalar subquery for every row."""
    if not v.can(STR):
        return v.t
    parsed = v.i or f.parse_instant(v.s)
    if v.only(STR):
        return parsed
    return f"CASE WHEN {v.k} = 7 THEN {v.t} WHEN {v.k} = 1 THEN {parsed} END"


def _shift(t: str, seconds: str) -> str:
    """An instant plus seconds (rounded to the microsecond, half to even, as timedelta does);
    NULL outside the years 1 to 9999."""
    delta = f"TRY_CAST(round_even(({seconds}) * 1000000.0, 0) AS BIGINT)"
    return in_range(f"({t} + {delta})")


def _choose(parts: list[tuple[str, V]]) -> V:
    """One value out of several, by which guard holds first; missing when none does."""
    if not parts:
        return missing()
    if len(parts) == 1 and parts[0][0] == "TRUE":
        return parts[0][1]
    kinds = frozenset({MISSING}).union(*(v.kinds for _, v in parts))

    def pick(attr: str) -> str:
        cases = " ".join(
            f"WHEN {g} THEN {getattr(v, attr)}" for g, v in parts if getattr(v, attr) != "NULL"
        )
        return f"CASE {cases} END" if cases else "NULL"

    exact: list[tuple[str, str | None]] = []
    if any(v.z is not None for _, v in parts):  # an int part without digits: its DOUBLE's
        exact = [(g, _exact_int(v)) for g, v in parts]
    cases = " ".join(f"WHEN {g} THEN {x}" for g, x in exact if x is not None)
    z = f"CASE {cases} END" if cases else None
    return V(k=pick("k"), s=pick("s"), n=pick("n"), b=pick("b"), t=pick("t"), kinds=kinds, z=z)


def _contains(a: V, b: V) -> str:
    """SQL BOOLEAN: substring for strings, membership for lists (Python's `in`: 1, 1.0 and true
    are one value; a text only equals a text)."""
    out = []
    if a.can(STR) and b.can(STR):
        both = f"{a.is_kind(STR)} AND {b.is_kind(STR)}"
        out.append(f"coalesce({both} AND contains({a.s}, {b.s}), FALSE)")
    if a.can(LIST) and a.elements != "NULL":
        if b.can(STR):
            found = _has(a.elements, f"x.k = 1 AND x.s = {b.s}")
            out.append(f"coalesce({a.is_kind(LIST)} AND {b.is_kind(STR)} AND {found}, FALSE)")
        if b.can(INT, FLOAT, BOOL):
            found = _has(a.elements, f"x.k IN (2, 3, 4) AND x.n = {num_or_bool(b)}")
            out.append(
                f"coalesce({a.is_kind(LIST)} AND {b.is_kind(INT, FLOAT, BOOL)} AND {found}, FALSE)"
            )
    if not out:
        return "FALSE"
    return "(" + " OR ".join(out) + ")"


def _has(elements: str, test: str) -> str:
    """SQL: some element `x` of the list passes `test`."""
    return f"array_length(list_filter({elements}, lambda x: {test})) > 0"


def _between(e: ir.Between, f: Frame) -> V:
    v, lo, hi = (compile_expr(x, f) for x in (e.value, e.low, e.high))
    low = compare(">=", v, lo, f.parse_instant)
    high = compare("<=", v, hi, f.parse_instant)
    return boolean(f"({low} AND {high})", nullable=False)


def _missing(e: ir.Missing, f: Frame) -> V:
    v = compile_expr(e.value, f)
    absent = (
        f"NOT {v.present()}"
        if v.present() not in ("TRUE", "FALSE")
        else ("FALSE" if v.present() == "TRUE" else "TRUE")
    )
    return boolean(f"(NOT {absent})" if e.negated else absent, nullable=False)


def _in(e: ir.In, f: Frame) -> V:
    v = compile_expr(e.value, f)
    found = (
        " OR ".join(compare("==", v, compile_expr(o, f), f.parse_instant) for o in e.options)
        or "FALSE"
    )
    test = f"(NOT ({found}))" if e.negated else f"({found})"
    return boolean(f"({v.present()} AND {test})", nullable=False)


def _call(e: ir.Call, f: Frame) -> V:
    args = [compile_expr(a, f) for a in e.args]
    fn = e.fn
    if fn in ("lower", "upper"):
        (v,) = args
        if not v.can(STR):
            return missing()
        call = LOWER if fn == "lower" else UPPER  # Python's full case mapping (casing.py)
        return string(f"CASE WHEN {v.is_kind(STR)} THEN {call}({v.s}) END", nullable=True)
    if fn == "trim":
        (v,) = args
        if not v.can(STR):
            return missing()
        return string(f"CASE WHEN {v.is_kind(STR)} THEN trim({v.s}, {WHITESPACE}) END", True)
    if fn == "length":
        (v,) = args
        parts = []
        if v.can(STR):
            parts.append((v.is_kind(STR), number(f"CAST(length({v.s}) AS DOUBLE)", True)))
        if v.can(LIST):
            parts.append(
                (v.is_kind(LIST), number(f"CAST(json_array_length({v.s}) AS DOUBLE)", True))
            )
        return _choose(parts)
    # numeric functions: every argument a number (not a boolean), else missing
    if any(not a.can(INT, FLOAT) for a in args):
        return missing()
    ok = all_of(*(a.is_kind(INT, FLOAT) for a in args))
    if fn == "abs":
        (v,) = args
        z = f"abs({v.z})" if v.z is not None else None
        value = V(k=v.k, n=f"abs({v.n})", kinds=v.kinds & NUMBERS | {MISSING}, z=z)
        return _guarded(ok, value if z is None else replace(value, s=f"CAST({z} AS VARCHAR)"))
    if fn in ("min", "max", "clamp"):
        if fn == "clamp":
            x, lo, hi = args
            return _guarded(ok, _pick_min(_pick_max(x, lo), hi))
        result = args[0]
        for other in args[1:]:
            result = _pick_min(result, other) if fn == "min" else _pick_max(result, other)
        return _guarded(ok, result)
    if fn == "round":
        x = args[0]
        if len(args) == 1:
            # round(float) is an int (half to even); inf and nan cannot be rounded; an int is
            # itself (its digits kept: beyond 2**53 a DOUBLE would round it)
            if x.only(INT):
                return x
            sql = (
                f"CASE WHEN {infinite(x.n)} OR isnan({x.n}) THEN NULL ELSE round_even({x.n}, 0) END"
            )
            rounded = _guarded(ok, number(sql, whole=True))
            if not x.can(INT):
                return rounded
            return _choose(
                [
                    (x.is_kind(INT), V(k=x.k, s=x.s, n=x.n, kinds=frozenset({INT}), z=x.z)),
                    ("TRUE", rounded),
                ]
            )
        digits = args[1]
        d = f"CAST(trunc({digits.n}) AS INTEGER)"
        sql = (
            f"CASE WHEN isnan({digits.n}) OR {infinite(digits.n)} OR abs({digits.n}) >= 21 "
            f"THEN NULL WHEN {infinite(x.n)} OR isnan({x.n}) THEN {x.n} "
            f"ELSE round_even({x.n}, {d}) END"
        )
        return _guarded(
            ok,
            V(
                k=f"CASE WHEN ({sql}) IS NULL THEN NULL ELSE {x.k} END",
                n=sql,
                kinds=x.kinds & NUMBERS | {MISSING},
            ),
        )
    raise CompileError(f"the function {fn}()")


def _guarded(ok: str, v: V) -> V:
    if ok == "TRUE":
        return v
    return V(
        k=f"CASE WHEN {ok} THEN {v.k} END",
        s=v.s if v.s == "NULL" else f"CASE WHEN {ok} THEN {v.s} END",
        n=f"CASE WHEN {ok} THEN {v.n} END",
        kinds=v.kinds | {MISSING},
        z=v.z,
    )


def _pick_max(a: V, b: V) -> V:
    """Python's max(a, b): a unless b is greater (the first wins a tie; NaN never wins)."""
    return _pick(a, b, ">")


def _pick_min(a: V, b: V) -> V:
    """Python's min(a, b): a unless b is less."""
    return _pick(a, b, "<")


def _pick(a: V, b: V, than: str) -> V:
    """b when it compares `than` a, else a: missing only when one of them may be; the kind
    written once when both have the same (nested min, max and clamp stay linear in size).
    A comparison with NaN is false, as in Python, so NaN wins only as `a`: DuckDB and Spark
    order NaN above every number (`1 < NaN` holds there), so `b < a` is written as the sign
    of the difference, NaN when either is (and `NaN < 0` is false in both), each operand
    written once."""
    low, high = (b, a) if than == "<" else (a, b)
    take_b = f"(({low.n}) - ({high.n}) < 0)"
    za, zb = _exact_int(a), _exact_int(b)
    exact = za is not None and zb is not None and (a.z is not None or b.z is not None)
    if exact:  # two ints compare by their digits (beyond 2**53 their DOUBLEs may tie)
        ints = all_of(a.is_kind(INT), b.is_kind(INT))
        take_b = f"(CASE WHEN {ints} THEN {zb} {than} {za} ELSE {take_b} END)"
    kinds = (a.kinds | b.kinds) & NUMBERS
    if MISSING in a.kinds or MISSING in b.kinds:
        kinds |= {MISSING}
    return V(
        k=a.k if a.k == b.k else f"CASE WHEN {take_b} THEN {b.k} ELSE {a.k} END",
        s=f"CASE WHEN {take_b} THEN {b.s} ELSE {a.s} END" if exact else "NULL",
        n=f"CASE WHEN {take_b} THEN {b.n} ELSE {a.n} END",
        kinds=kinds,
        z=f"CASE WHEN {take_b} THEN {zb} ELSE {za} END" if exact else None,
    )


_COMPILERS: dict[type, Any] = {
    ir.Lit: _lit,
    ir.Attr: _attr,
    ir.Time: _time,
    ir.Local: _local,
    ir.History: _history,
    ir.Changes: _changes,
    ir.StateRef: _state,
    ir.Unary: _unary,
    ir.Binary: _binary,
    ir.Between: _between,
    ir.Missing: _missing,
    ir.In: _in,
    ir.Call: _call,
}

__all__ = ["BOOL", "CompileError", "Frame", "compile_expr", "condition"]
