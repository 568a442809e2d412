"""SQL plans, regular expressions: a `matches` pattern written out so that a SQL engine's regex
means exactly what the python engine's RE2 search means, or refused.

The python engine searches `cxrules.ir.regex.translate(pattern)` with google-re2. A database has
its own regex engine: DuckDB's is RE2 too, but with its own Unicode tables (a letter added in a
later Unicode version is `\\w` in one and not in the other); Spark's is Java's, which differs in
`.`, `$`, `\\b`, case folding and Unicode classes. So the pattern is not handed over as written:
it is read with Python's own regex parser (the syntax policies are written in) and written out
in a small syntax both engines read the same way —

- every character class, escape, literal and `.` becomes an explicit class of code point ranges
  (`[\\x{41}-\\x{5A}]`), the ranges being those google-re2 itself matches under the pattern's
  flags (case folding included), so no table of the database's is consulted;
- `^` and `$` without `(?m)` become `\\A` and `\\z`; groups become `(?:…)`; repetitions keep
  their counts (whether one is lazy does not change whether the text matches);
- flags are applied while writing, so the written pattern has none.

What cannot be written so is refused (`Unportable`, a CompileError for the plan): lookaround,
backreferences, `\\p{…}` and anything Python's parser reads otherwise than RE2.

Three anchors are written in RE2 syntax and rewritten for Java by `java` (the spark dialect does
it): `\\b` and `\\B`, which RE2 reads as an ASCII word boundary whatever the flags (`ğ`, `ı` or
the Kelvin sign K are not word characters to it) while Java 17's `\\b` knows Unicode letters,
become lookarounds over the explicit class `[0-9A-Za-z_]`; `^` and `$` under `(?m)`, which RE2
reads at `\\n` only while Java also stops at `\\r`, U+0085, U+2028 and U+2029, become `(?:\\A|
(?<=\\n))` and `(?=\\n|\\z)`. One construct is written in RE2 syntax only: a repeated group that
itself repeats or alternates (Java backtracks: `(a+)+$` would take exponential time); its SQL
carries DuckDB's option 'c' (case-sensitive, the default: no change in DuckDB), which the spark
dialect refuses (`cxrules.engines.spark.dialect`).
"""

from __future__ import annotations

import re._constants as C  # noqa: N812 - the regex opcodes, as re._parser names them
import re._parser as sre
import sys
from array import array
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

from cxrules.ir.regex import CLASSES, IN_CLASS, TURKISH_I, RegexError, compile_regex

#: Every code point a SQL text can hold (UTF-8: no surrogates), in order, as UTF-8.
_FIRST_SURROGATE, _LAST_SURROGATE = 0xD800, 0xDFFF


@lru_cache(maxsize=1)
def _all_text() -> bytes:
    # the code points as 32-bit integers, decoded as UTF-32 in one call: a str of each code
    # point joined took 0.28 s of each audit with a pattern (0.08 s so)
    unit = next(code for code in "IL" if array(code).itemsize == 4)
    below = array(unit, range(_FIRST_SURROGATE)).tobytes()
    above = array(unit, range(_LAST_SURROGATE + 1, 0x110000)).tobytes()
    return (below + above).decode(f"utf-32-{sys.byteorder[0]}e").encode("utf-8")


class Unportable(ValueError):
    """A pattern the SQL plans cannot run with the python engine's meaning; the message names
    the construct ("a \\p{…} class")."""


@dataclass(frozen=True)
class Written:
    """A pattern written for SQL: `text` (RE2 syntax; `java(text)` is the same pattern for
    Java's regex, unless `re2_only`)."""

    text: str
    re2_only: bool


def write(pattern: str) -> Written:
    """The pattern written for a SQL engine's regex (see the module docstring); Unportable.

    >>> write("^ab?$").text
    '\\\\A[\\\\x{61}](?:[\\\\x{62}]){0,1}\\\\z'
    >>> write("(?i)k").text
    '[\\\\x{4B}\\\\x{6B}\\\\x{212A}]'
    """
    return _write(pattern)


@lru_cache(maxsize=1024)
def _write(pattern: str) -> Written:
    try:
        compile_regex(pattern)  # what the python engine refuses is refused here too
    except RegexError as exc:
        raise Unportable(exc.reason) from None
    stand_ins, plain = _unicode_classes(_python_escapes(pattern))
    try:
        parsed = sre.parse(plain)
    except Exception as exc:  # noqa: BLE001 - any error of Python's parser
        if any(chr(code) in str(exc) for code in stand_ins):
            raise Unportable("a \\p{…} class at the end of a range in [ ]") from None
        raise Unportable(f"syntax Python's regex parser reads otherwise ({exc})") from None
    flags = parsed.state.flags
    if flags & (C.SRE_FLAG_VERBOSE | C.SRE_FLAG_ASCII | C.SRE_FLAG_LOCALE):
        raise Unportable("the flag (?x), (?a) or (?L)")
    token = _STAND_INS.set(tuple(stand_ins.items()))
    try:
        out = _Writer()
        text = out.items(list(parsed), flags)
    finally:
        _STAND_INS.reset(token)
    return Written(text, out.re2_only)


def _python_escapes(pattern: str) -> str:
    """The escapes the python engine runs in RE2's spelling (docs/language.md lists them) in
    Python's, for Python's parser: `\\z` is `\\Z`, `\\x{1F642}` is `\\U0001F642`."""
    if "\\z" not in pattern and "\\x{" not in pattern:
        return pattern
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] != "\\":
            out.append(pattern[i])
            i += 1
            continue
        pair = pattern[i : i + 2]
        end = pattern.find("}", i) if pair == "\\x" and pattern.startswith("{", i + 2) else -1
        digits = pattern[i + 3 : end]
        if pair == "\\z":
            out.append("\\Z")
        elif end > 0 and 0 < len(digits) <= 8 and all(d in _HEX for d in digits):
            if int(digits, 16) > 0x10FFFF:
                raise Unportable(f"the character code {pattern[i : end + 1]}")
            out.append(f"\\U{int(digits, 16):08x}")
            i = end + 1
            continue
        else:
            out.append(pair)
        i += len(pair)
    return "".join(out)


_HEX = frozenset("0123456789abcdefABCDEF")


#: The private-use code points that stand for a pattern's \p{…} classes while Python's parser
#: (which has none) reads it, and the RE2 class each stands for.
_STAND_INS: ContextVar[tuple[tuple[int, str], ...]] = ContextVar("stand_ins", default=())
_FIRST_STAND_IN = 0x10FF00


def _unicode_classes(pattern: str) -> tuple[dict[int, str], str]:
    """The pattern with each \\p{Name}, \\P{Name}, \\pL or \\PL (RE2's Unicode classes, which the
    python engine runs) replaced by a private-use character Python's parser reads as a literal,
    and what each stands for."""
    if not ("\\p" in pattern or "\\P" in pattern):
        return {}, pattern
    stand_ins: dict[int, str] = {}
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "pP":
            end = pattern.find("}", i) + 1 if pattern[i + 2 : i + 3] == "{" else i + 3
            if end <= i + 2:
                raise Unportable("a \\p{ that is never closed")
            code = _FIRST_STAND_IN + len(stand_ins)
            stand_ins[code] = pattern[i:end]
            out.append(chr(code))
            i = end
        elif ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        else:
            if ord(ch) >= _FIRST_STAND_IN:
                raise Unportable("a character of Unicode's last private use plane")
            out.append(ch)
            i += 1
    return stand_ins, "".join(out)


class _Writer:
    def __init__(self) -> None:
        self.re2_only = False

    def items(self, items: list[tuple[Any, Any]], flags: int) -> str:
        return "".join(self.item(op, av, flags) for op, av in items)

    def item(self, op: Any, av: Any, flags: int) -> str:
        negated = any(o is C.NEGATE for o, _ in av) if op is C.IN else True
        if not negated and any(o is C.CATEGORY and a not in _CATEGORY_IN for o, a in av):
            return _format(_turkish_i(_set_class(av, flags), flags, negated=False))
        if op in _ONE_CHARACTER:
            ranges = list(_ranges(_re2_atom(op, av, flags)))
            against = op is C.NOT_LITERAL or (op is C.IN and negated)
            return _format(_turkish_i(ranges, flags, negated=against))
        if op is C.SUBPATTERN:
            _group, add, remove, body = av
            inner = (flags | add) & ~remove
            return "(?:" + self.items(list(body), inner) + ")"
        if op is C.BRANCH:
            _, branches = av
            return "(?:" + "|".join(self.items(list(b), flags) for b in branches) + ")"
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, body = av
            body = list(body)
            if any(_repeats(o, a) for o, a in body):
                self.re2_only = True  # Java would backtrack exponentially
            count = f"{{{low},}}" if high == C.MAXREPEAT else f"{{{low},{high}}}"
            return "(?:" + self.items(body, flags) + ")" + count
        if op is C.AT:
            return self.at(av, flags)
        raise Unportable(f"the construct {str(op).lower()}")

    def at(self, where: Any, flags: int) -> str:
        multiline = bool(flags & C.SRE_FLAG_MULTILINE)
        if where is C.AT_BEGINNING_STRING or (where is C.AT_BEGINNING and not multiline):
            return "\\A"
        if where is C.AT_END_STRING or (where is C.AT_END and not multiline):
            return "\\z"
        if where in _JAVA_ANCHORS:
            return _JAVA_ANCHORS[where][0]
        raise Unportable(f"the anchor {str(where).lower()}")


#: RE2's ASCII word characters, the only ones its \\b and \\B know.
_W = "[0-9A-Za-z_]"
#: The anchors written in RE2 syntax (what DuckDB runs) and rewritten for Java by `java`.
_JAVA_ANCHORS = {
    C.AT_BEGINNING: ("(?m:^)", "(?:\\A|(?<=\\n))"),
    C.AT_END: ("(?m:$)", "(?=\\n|\\z)"),
    C.AT_BOUNDARY: ("\\b", f"(?:(?<={_W})(?!{_W})|(?<!{_W})(?={_W}))"),
    C.AT_NON_BOUNDARY: ("\\B", f"(?:(?<={_W})(?={_W})|(?<!{_W})(?!{_W}))"),
}


def java(text: str) -> str:
    """A written pattern (`Written.text`, not `re2_only`) as Java's regex reads it alike: the
    anchors of `_JAVA_ANCHORS` rewritten. In a written pattern every literal character is a
    `\\x{…}` inside a class, so a `\\b`, `\\B`, `(?m:^)` or `(?m:$)` can only be an anchor.

    >>> java(write(r"(?m)a$").text)
    '[\\\\x{61}](?=\\\\n|\\\\z)'
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        for re2_form, java_form in _JAVA_ANCHORS.values():
            if text.startswith(re2_form, i):
                out.append(java_form)
                i += len(re2_form)
                break
        else:
            step = 2 if text[i] == "\\" else 1  # an escape is read whole: \\\\ is no anchor
            out.append(text[i : i + step])
            i += step
    return "".join(out)


_ONE_CHARACTER = (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN, C.CATEGORY)
_CATEGORY_OUT = {
    C.CATEGORY_DIGIT: CLASSES["d"],
    C.CATEGORY_NOT_DIGIT: CLASSES["D"],
    C.CATEGORY_WORD: CLASSES["w"],
    C.CATEGORY_NOT_WORD: CLASSES["W"],
    C.CATEGORY_SPACE: CLASSES["s"],
    C.CATEGORY_NOT_SPACE: CLASSES["S"],
}
_CATEGORY_IN = {
    C.CATEGORY_DIGIT: IN_CLASS["d"],
    C.CATEGORY_NOT_DIGIT: IN_CLASS["D"],
    C.CATEGORY_WORD: IN_CLASS["w"],
    C.CATEGORY_SPACE: IN_CLASS["s"],
}


def _repeats(op: Any, av: Any) -> bool:
    """True when an item repeats or alternates (inside a repeated group: Java backtracks)."""
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.BRANCH):
        return True
    if op is C.SUBPATTERN:
        return any(_repeats(o, a) for o, a in av[3])
    return False


def _hex(code: int) -> str:
    return f"\\x{{{code:X}}}"


def _re2_atom(op: Any, av: Any, flags: int, body: str | None = None) -> str:
    """One character's atom in RE2 syntax (as `translate` writes it; `body` when written
    already), with its flags."""
    if body is not None:
        atom = body
    elif op is C.LITERAL:
        atom = _hex(av)
    elif op is C.NOT_LITERAL:
        atom = f"[^{_hex(av)}]"
    elif op is C.ANY:
        atom = "."
    elif op is C.CATEGORY:
        atom = _CATEGORY_OUT[av]
    else:
        atom = _re2_class(av)
    for code, written in _STAND_INS.get():
        atom = atom.replace(_hex(code), written)
    prefix = "".join(
        letter
        for flag, letter in ((C.SRE_FLAG_IGNORECASE, "i"), (C.SRE_FLAG_DOTALL, "s"))
        if flags & flag
    )
    return f"(?{prefix}:{atom})" if prefix else atom


def _re2_class(items: list[tuple[Any, Any]]) -> str:
    parts: list[str] = []
    negate = ""
    for op, av in items:
        if op is C.NEGATE:
            negate = "^"
        elif op is C.LITERAL:
            parts.append(_hex(av))
        elif op is C.RANGE:
            low, high = av
            if {low, high} & {code for code, _ in _STAND_INS.get()}:
                raise Unportable("a range in [ ] that starts or ends with a \\p{…} class")
            parts.append(f"{_hex(low)}-{_hex(high)}")
        elif op is C.CATEGORY and av in _CATEGORY_IN:
            parts.append(_CATEGORY_IN[av])
        else:
            raise Unportable(f"{str(av).lower()} inside [ ]")
    if not parts:
        raise Unportable("an empty class")
    return f"[{negate}{''.join(parts)}]"


def _set_class(items: list[tuple[Any, Any]], flags: int) -> list[tuple[int, int]]:
    """The code points of a class holding \\W, \\S or \\D, which an RE2 class cannot hold
    (Python's parser reads a lone one outside [ ] as such a class; inside [ ] the python engine
    refuses them): the union of its members' code points."""
    atoms = [
        _CATEGORY_OUT[av] if op is C.CATEGORY else _re2_atom(C.IN, [(op, av)], 0)
        for op, av in items
    ]
    return list(_ranges(_re2_atom(C.IN, [], flags, body="(?:" + "|".join(atoms) + ")")))


_TURKISH_I_CODES = sorted(map(ord, TURKISH_I))


def _turkish_i(
    ranges: list[tuple[int, int]], flags: int, *, negated: bool
) -> list[tuple[int, int]]:
    """Python's `(?i)` takes I, i, İ and ı for one letter, RE2's pairs only I with i (the python
    engine writes all four, `cxrules.ir.regex.TURKISH_I`): a class matching some of them gets
    all four, a negated one that lets some of them through loses all four."""
    if not flags & C.SRE_FLAG_IGNORECASE:
        return ranges
    inside = [any(a <= code <= b for a, b in ranges) for code in _TURKISH_I_CODES]
    if all(inside) or not any(inside):
        return ranges
    out = list(ranges)
    if negated:
        for code in _TURKISH_I_CODES:
            out = [piece for a, b in out for piece in _without(a, b, code)]
    else:
        out += [(code, code) for code in _TURKISH_I_CODES]
    return _merged(out)


def _without(low: int, high: int, code: int) -> list[tuple[int, int]]:
    if not low <= code <= high:
        return [(low, high)]
    return [(a, b) for a, b in ((low, code - 1), (code + 1, high)) if a <= b]


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    if not out:
        raise Unportable("a class that matches no character")
    return out


def _format(ranges: list[tuple[int, int]]) -> str:
    return "[" + "".join(_hex(a) if a == b else f"{_hex(a)}-{_hex(b)}" for a, b in ranges) + "]"


@lru_cache(maxsize=4096)
def _ranges(atom: str) -> tuple[tuple[int, int], ...]:
    """The code points google-re2 matches with one-character `atom`, as sorted ranges."""
    ranges: list[tuple[int, int]] = []
    for found in re2.compile(f"(?:{atom})+".encode()).finditer(_all_text()):
        run = found.group().decode("utf-8")
        low, high = ord(run[0]), ord(run[-1])
        if low < _FIRST_SURROGATE < high:  # a run across the surrogates (absent from the text)
            ranges += [(low, _FIRST_SURROGATE - 1), (_LAST_SURROGATE + 1, high)]
        else:
            ranges.append((low, high))
    if not ranges:
        raise Unportable("a class that matches no character")
    return tuple(ranges)
