"""Compiled form, regular expressions: the syntax `matches` accepts and the one linear-time search
every engine runs (RE2, through `google-re2`).

A policy's pattern is read as people write it for Python's `re` and run by RE2, which never
backtracks: matching takes time proportional to the text, whatever the pattern. `translate` turns
the pattern into RE2 syntax with Python's meaning kept — `\\d`, `\\w` and `\\s` stay Unicode-aware,
`\\Z`, `\\uXXXX` and `{,n}` keep their sense — and refuses, with a reason and a hint, what RE2
cannot run (backreferences, lookaround, atomic groups) or what would be absurd (a repetition count
over 1000, groups nested over 100 deep). Engines search the translated pattern anywhere in the
text (`search`, not a full match); a compiled engine hands `translate(pattern)` to its own RE2
(DuckDB's `regexp_matches` is RE2 too).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

#: The largest repetition count (`a{1000}`); RE2's own limit.
MAX_REPEAT = 1000
#: How deep groups may nest.
MAX_NESTING = 100

# Python's Unicode classes written out for RE2 (whose \d, \w and \s are ASCII only).
_WORD = r"\p{L}\p{N}_"
_SPACE = r"\t\n\v\f\r\x1c-\x1f\x85\pZ"
CLASSES = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": f"[{_WORD}]", "W": f"[^{_WORD}]"}
CLASSES |= {"s": f"[{_SPACE}]", "S": f"[^{_SPACE}]"}
IN_CLASS = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": _WORD, "s": _SPACE}
_FLAGS = "imsU-"

#: The four letters Python's `(?i)` takes for one (I, i, the Turkish dotted İ and dotless ı):
#: RE2's case folding pairs only I with i, so `(?i)iptal` would miss "İPTAL". Under `(?i)` a
#: literal among them, and a class holding any of them, is written with all four.
TURKISH_I = "Ii\u0130\u0131"
_TURKISH_I_CLASS = "Ii\\x{130}\\x{131}"

# Escapes RE2 has and Python's regular expressions do not: refused as Python refuses them.
_RE2_ONLY = {
    "C": ("\\C (one byte of a character) is not a Python escape", "write . for any character"),
    "Q": (
        "\\Q…\\E is not a Python escape",
        "escape each special character instead, e.g. \\\\. for a dot in the policy file",
    ),
    "E": (
        "\\E is not a Python escape",
        "escape each special character instead, e.g. \\\\. for a dot in the policy file",
    ),
}

_LOOKAROUND = {
    "(?=": "a lookahead (?=…)",
    "(?!": "a negative lookahead (?!…)",
    "(?<=": "a lookbehind (?<=…)",
    "(?<!": "a negative lookbehind (?<!…)",
}
_LOOKAROUND_HINT = (
    "the matcher never backtracks, so it cannot look around; combine conditions instead, "
    'e.g. text matches "a" and not text matches "b"'
)


class RegexError(ValueError):
    """A pattern `matches` cannot run: what is wrong (`reason`) and how to fix it (`hint`)."""

    def __init__(self, reason: str, hint: str = "", *, syntax: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.hint = reason, hint
        self.syntax = syntax  # True: not a regular expression at all; False: one RE2 cannot run


def translate(pattern: str) -> str:
    """The pattern in RE2 syntax, with Python's meaning; RegexError when it cannot run.

    >>> translate(r"(?i)no\\s+problem")
    '(?i)no[\\\\t\\\\n\\\\v\\\\f\\\\r\\\\x1c-\\\\x1f\\\\x85\\\\pZ]+problem'
    >>> translate(r"^\\d{,3}\\Z")
    '^\\\\p{Nd}{0,3}\\\\z'
    >>> translate(r"(a)\\1")
    Traceback (most recent call last):
      ...
    cxrules.ir.regex.RegexError: a backreference (\\1) is not supported
    """
    return _Scanner(pattern).run()


class _Scanner:
    """One left-to-right pass over a pattern (linear: no regex is used to read it)."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.out: list[str] = []
        self.depth = 0
        self.in_class = False
        self.ignore_case = False
        # per open group, the ignore-case flag its ')' leaves in force
        self.restore: list[bool] = []
        self.class_start = 0

    def run(self) -> str:
        p, i, n = self.p, 0, len(self.p)
        while i < n:
            ch = p[i]
            if ch == "\\":
                i = self._escape(i)
                continue
            if self.in_class:
                if ch == "]":
                    self.in_class = False
                    self._fold_class()
                elif ch == "[":
                    self._nested_set(i)
                    ch = "\\["  # Python reads a '[' inside a class as itself; RE2 may not
                self.out.append(ch)
                i += 1
            elif ch == "[":
                i = self._open_class(i)
            elif ch == "(":
                i = self._group(i)
            elif ch == ")":
                self.depth = max(0, self.depth - 1)
                if self.restore:
                    self.ignore_case = self.restore.pop()
                self.out.append(ch)
                i += 1
            elif ch == "{":
                i = self._repeat(i)
            elif ch in "*+?" and i + 1 < n and p[i + 1] == "+":
                raise RegexError(
                    f"the possessive repetition {ch}+ is not supported",
                    f"write {ch} alone: the matcher never backtracks, so it is not needed",
                )
            else:
                self.out.append(self._literal(ch))
                i += 1
        return "".join(self.out)

    def _literal(self, ch: str) -> str:
        """A character outside [ ]: under (?i) one of the Turkish I's stands for all four."""
        if self.ignore_case and ch in TURKISH_I:
            return f"[{_TURKISH_I_CLASS}]"
        return ch

    def _fold_class(self) -> None:
        """At a class's ']' under (?i): a class that RE2 lets match one of the four I's (after
        its own case folding) gets all four, as Python's `re` reads it — in a negated class, so
        that it excludes all four."""
        if not self.ignore_case:
            return
        body = "".join(self.out[self.class_start :])
        positive = "[" + body[2:] if body.startswith("[^") else body
        try:
            folded = re2.compile("(?i)" + positive + "]", _OPTIONS)
        except re2.error:
            return  # not a valid class: RE2 says so when the whole pattern is compiled
        if any(folded.fullmatch(letter) for letter in TURKISH_I):
            self.out.append(_TURKISH_I_CLASS)

    def _nested_set(self, i: int) -> None:
        """'[:', '[=' or '[.' inside a class: POSIX syntax, which Python does not have (it reads
        the characters one by one, and warns)."""
        p = self.p
        if i + 1 < len(p) and p[i + 1] in ":=.":
            end = p.find("]", i + 1)
            written = p[i : end + 1] if end > 0 else p[i:]
            raise RegexError(
                f"{written} is a POSIX class, which Python's regular expressions do not have "
                "(Python would read its characters one by one, as members of the outer class)",
                "write the characters themselves, e.g. [A-Z] for capitals or [0-9] for digits",
                syntax=True,
            )

    def _open_class(self, i: int) -> int:
        """'[' starts a class; a ']' right after '[' or '[^' is a literal ']'."""
        p, j = self.p, i + 1
        if j < len(p) and p[j] == "^":
            j += 1
        if j < len(p) and p[j] == "]":
            j += 1
        self.class_start = len(self.out)
        self.out.append(p[i:j])
        self.in_class = True
        return j

    def _escape(self, i: int) -> int:
        p = self.p
        if i + 1 >= len(p):
            raise RegexError(
                "the pattern ends with a single backslash", "write \\\\ to match '\\'", syntax=True
            )
        c = p[i + 1]
        if c.isdigit() and c != "0":
            raise RegexError(
                f"a backreference (\\{c}) is not supported",
                "the matcher never backtracks, so it cannot match a group's text again; "
                "write the repeated text out",
            )
        if self.in_class:
            if c in IN_CLASS:
                self.out.append(IN_CLASS[c])
                return i + 2
            if c in "WS":
                raise RegexError(
                    f"\\{c} is not supported inside [ ]",
                    f"write \\{c} outside the brackets, or list what to exclude: [^…]",
                )
        elif c in CLASSES:
            self.out.append(CLASSES[c])
            return i + 2
        if c in "bB":
            self._ascii_boundary(i, c)
        if c == "Z":
            self.out.append("\\z")
            return i + 2
        if c in "uU":
            size = 4 if c == "u" else 8
            digits = p[i + 2 : i + 2 + size]
            if len(digits) != size or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise RegexError(
                    f"\\{c} needs {size} hexadecimal digits", "e.g. \\u00e9 for é", syntax=True
                )
            self.out.append(self._code(int(digits, 16), "\\x{" + digits + "}"))
            return i + 2 + size
        if c == "x" and not self.in_class:
            return self._hex_escape(i)
        if c in _RE2_ONLY:
            reason, hint = _RE2_ONLY[c]
            raise RegexError(reason, hint, syntax=True)
        if c in "N":
            raise RegexError(
                "named characters (\\N{…}) are not supported",
                "write \\x{…} or the character itself",
            )
        self.out.append(p[i : i + 2])
        return i + 2

    def _code(self, code: int, written: str) -> str:
        """An escaped character outside [ ] (inside, `_fold_class` sees it)."""
        if self.in_class:
            return written
        return self._literal(chr(code)) if chr(code) in TURKISH_I else written

    def _hex_escape(self, i: int) -> int:
        """\\xHH or \\x{H…}: one character, written as RE2 reads it."""
        p = self.p
        if p.startswith("{", i + 2):
            end = p.find("}", i + 2)
            digits = p[i + 3 : end] if end > 0 else ""
            after = end + 1
        else:
            digits, after = p[i + 2 : i + 4], i + 4
        if not digits or any(d not in "0123456789abcdefABCDEF" for d in digits):
            self.out.append(p[i : i + 2])  # not a character code: RE2 says what is wrong
            return i + 2
        code = int(digits, 16)
        written = p[i:after]
        self.out.append(self._code(code, written) if code <= 0x10FFFF else written)
        return after

    def _ascii_boundary(self, i: int, c: str) -> None:
        """\\b and \\B know only ASCII letters and digits: refuse them beside any other letter."""
        p = self.p
        for near in (p[i - 1] if i > 0 else "", p[i + 2] if i + 2 < len(p) else ""):
            if near and not near.isascii() and (near.isalnum() or near == "_"):
                raise RegexError(
                    f"\\{c} only knows ASCII letters, so it cannot mark a word boundary at "
                    f"'{near}'",
                    "write (^|\\W) before the word and (\\W|$) after it",
                )

    def _group(self, i: int) -> int:
        p = self.p
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise RegexError(
                f"groups are nested more than {MAX_NESTING} deep",
                "remove brackets that group nothing",
            )
        if not p.startswith("(?", i):
            self.restore.append(self.ignore_case)
            self.out.append("(")
            return i + 1
        for head, what in _LOOKAROUND.items():
            if p.startswith(head, i):
                raise RegexError(f"{what} is not supported", _LOOKAROUND_HINT)
        after = p[i + 2 : i + 3]
        if after == ">":
            raise RegexError(
                "an atomic group (?>…) is not supported",
                "write (?:…): the matcher never backtracks, so it is not needed",
            )
        if p.startswith("(?P=", i):
            raise RegexError(
                "a backreference (?P=…) is not supported",
                "the matcher never backtracks, so it cannot match a group's text again; "
                "write the repeated text out",
            )
        if after == "(":
            raise RegexError(
                "a conditional group (?(…)…) is not supported", "match each case with 'or'"
            )
        if after == "#":
            raise RegexError("a comment (?#…) is not supported", "remove it")
        if after in ("P", "<", ":"):
            self.restore.append(self.ignore_case)
            self.out.append("(?")
            return i + 2
        j = i + 2
        while j < len(p) and p[j] not in ":)":
            if p[j] not in _FLAGS:
                raise RegexError(
                    f"the flag (?{p[j]}) is not supported",
                    "flags: (?i) ignore case, (?m) ^ and $ at every line, (?s) . matches a "
                    "newline, (?U) lazy repetition",
                )
            j += 1
        on, _, off = p[i + 2 : j].partition("-")
        flagged = ("i" in on or self.ignore_case) and "i" not in off
        # (?i) holds to the end of the enclosing group; (?i:…) to the end of its own
        self.restore.append(flagged if p[j : j + 1] == ")" else self.ignore_case)
        self.ignore_case = flagged
        self.out.append(p[i:j])
        return j

    def _repeat(self, i: int) -> int:
        """`{n}`, `{n,}`, `{n,m}` and Python's `{,m}`; any other '{' is a literal."""
        p = self.p
        end = p.find("}", i)
        body = p[i + 1 : end] if end > 0 else ""
        low, comma, high = body.partition(",")
        if (
            end < 0
            or not (low.isdigit() or (comma and high.isdigit()))
            or not all(part == "" or part.isdigit() for part in (low, high))
        ):
            self.out.append("{")
            return i + 1
        for number in (low, high):
            if number and (len(number) > 4 or int(number) > MAX_REPEAT):
                raise RegexError(
                    f"the repetition count {number} is over the limit of {MAX_REPEAT}",
                    "write a smaller count, or match the text another way",
                )
        if low and high and int(low) > int(high):
            raise RegexError(
                f"the repetition {{{body}}} runs backwards", f"write {{{high},{low}}}", syntax=True
            )
        self.out.append("{" + (low or "0") + comma + high + "}")
        return end + 1


# RE2's error kinds, as a CX manager reads them.
_RE2_REASONS = {
    "missing )": "a '(' is never closed",
    "unexpected )": "a ')' closes no group",
    "missing ]": "a '[' is never closed",
    "missing argument to repetition operator": "a repetition has nothing to repeat",
    "no argument for repetition operator": "a repetition has nothing to repeat",
    "bad repetition operator": "two repetitions follow each other",
    "invalid repetition size": f"nested repetitions multiply to more than {MAX_REPEAT}",
    "invalid character class range": "a range in [ ] runs backwards",
    "invalid character class": "a class in [ ] is not valid",
    "invalid escape sequence": "a backslash escape is not valid",
    "invalid named capture group": "a group name is not valid",
    "duplicate capture group name": "two groups have the same name",
    "invalid perl operator": "a (?…) construct is not supported",
    "pattern too large - compile failed": "the pattern is too large",
    "pattern too large - reverse compile failed": "the pattern is too large",
    "invalid UTF-8": "the pattern is not valid text",
}
_UNICODE_CLASS_HINT = (
    "\\p{…} takes a category such as L (letters), Lu (capitals) or Nd (digits), or a script "
    "such as Latin, Greek or Cyrillic: Turkish and Romanian letters are \\p{Latin}"
)
_SYNTAX_HINT = (
    "check the brackets; to match a special character such as ( write \\\\( in the policy file"
)


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    return options


_OPTIONS = _options()


class Regex:
    """A compiled `matches` pattern: `search(text)` is True when it matches anywhere in the text.

    >>> Regex("(?i)no ?problem").search("It was No Problem!"), Regex(r"^\\w+$").search("şikayet")
    (True, True)
    """

    __slots__ = ("pattern", "_match", "_anchor")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        translated = translate(pattern)
        try:
            compiled = re2.compile(translated, _OPTIONS)
        except re2.error as exc:
            raise _re2_error(exc) from None
        # The binding's own search decodes match positions back to characters; a yes/no answer
        # needs only RE2's match on the UTF-8 bytes (five times faster on short texts).
        low = getattr(compiled, "_regexp", None)
        anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
        if low is not None and anchor is not None and hasattr(low, "Match"):
            self._match, self._anchor = low.Match, anchor
        else:  # pragma: no cover - another binding version
            self._match, self._anchor = None, compiled

    def search(self, text: str) -> bool:
        data = text.encode("utf-8", "surrogatepass")
        if self._match is None:  # pragma: no cover - another binding version
            return self._anchor.search(data.decode("utf-8", "replace")) is not None
        return bool(self._match(self._anchor, data, 0, len(data))[0][0] >= 0)


def _re2_error(exc: Exception) -> RegexError:
    raw = exc.args[0] if exc.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    kind, _, detail = text.partition(": ")
    if kind == "invalid character class range" and detail[:2] in ("\\p", "\\P"):
        # RE2 says so of an unknown \p{…} name too, which runs no range backwards
        return RegexError(f"there is no Unicode class {detail}", _UNICODE_CLASS_HINT, syntax=True)
    reason = _RE2_REASONS.get(kind, kind or "not a valid regular expression")
    if detail and kind not in _WHOLE_PATTERN:
        reason += f": {detail}"
    return RegexError(reason, _SYNTAX_HINT, syntax=kind not in _LIMITS)


# RE2 errors that are limits rather than mistakes.
_LIMITS = (
    "invalid repetition size",
    "pattern too large - compile failed",
    "pattern too large - reverse compile failed",
)


# Errors whose detail is the whole pattern, which the message already shows.
_WHOLE_PATTERN = ("missing )", "missing ]", "unexpected )", "invalid UTF-8")


@lru_cache(maxsize=4096)
def compile_regex(pattern: str) -> Regex:
    """The compiled pattern, cached (a policy set compiles each pattern once); RegexError."""
    return Regex(pattern)
