"""Checking stage, Turkish casing: `lower(x)` or `upper(x)` compared with a Turkish text that
the case mapping cannot give as written (W207).

`lower` and `upper` follow Unicode, not Turkish (docs/semantics.md): 'İ' lowers to 'i' and a
combining dot, 'I' to 'i', 'i' uppers to 'I' and 'ı' to 'I'. So `lower(text) contains "sorun
değil"` never matches a text written in capitals, 'SORUN DEĞİL', which lowers to 'sorun
deği̇l'. A text is taken for Turkish only when it writes a letter no other common alphabet has
(İ ı ğ Ğ, or i with a combining dot): "email", "Istanbul" are never warned about.
"""

from __future__ import annotations

import re
from typing import Any

from cxrules.language import ast

#: Letters that say a text is Turkish (or Azerbaijani): its i's are the Turkish ones.
_TURKISH = re.compile("[İıĞğ]|i\u0307")
_I_LETTERS = re.compile("[iIİı]")
_WHY = {
    "lower": "lower() follows Unicode, not Turkish: İ lowers to i and a combining dot, I to i",
    "upper": "upper() follows Unicode, not Turkish: i and ı upper to I",
}
_SPECIAL = re.compile(r"[.^$*+?{}\[\]\\|()]")


def turkish_lower(text: str) -> str:
    """A Turkish text as written in lower case (I is ı, İ is i).

    >>> turkish_lower("SORUN DEĞİL"), turkish_lower("IŞIK"), turkish_lower("i\u0307stanbul")
    ('sorun değil', 'ışık', 'istanbul')
    """
    text = text.replace("i\u0307", "i").replace("I\u0307", "i")
    return text.replace("İ", "i").replace("I", "ı").lower()


def turkish_upper(text: str) -> str:
    """A Turkish text as written in capitals (i is İ, ı is I).

    >>> turkish_upper("sorun değil"), turkish_upper("ışık")
    ('SORUN DEĞİL', 'IŞIK')
    """
    return turkish_lower(text).replace("i", "İ").upper()


def check_casing(chk: Any, e: ast.BinaryExpr | ast.InExpr) -> None:
    """Warn (W207) when `lower(x)`/`upper(x)` is compared with Turkish texts (==, !=,
    contains, in) that miss the same words written in the other case."""
    found = _problem(e, chk.line)
    if found is not None:
        chk.warn("W207", found[0], e.span, found[1])


def _problem(e: ast.BinaryExpr | ast.InExpr, line: Any) -> tuple[str, str] | None:
    compared = _compared(e)
    if compared is None:
        return None
    call, texts, how = compared
    fn = call.fn
    if not any(_TURKISH.search(t) and _I_LETTERS.search(t) for t in texts):
        return None
    # only the i's are in question: the other letters are in the case `fn` gives
    rest = [re.sub("[iIİı\u0307]", "", t) for t in texts]
    if any(r != (r.lower() if fn == "lower" else r.upper()) for r in rest):
        return None
    words = list(dict.fromkeys(turkish_lower(t) for t in texts if _TURKISH.search(t)))
    missed: list[tuple[str, str]] = []  # (the word as written, what `fn` makes of it)
    for word in words:
        for written in (word, turkish_upper(word)):
            mapped = written.lower() if fn == "lower" else written.upper()
            if not any(_meets(mapped, t, how) for t in texts):
                missed.append((written, mapped))
    if not missed:
        return None
    shown = " and ".join(f'{fn}("{w}") is "{m}"' for w, m in missed)
    if len(missed) == 2 * len(words):
        quoted = ", ".join(f'"{t}"' for t in texts)
        message = f"{fn}() of a Turkish text can never match {quoted} as written: {shown}"
    else:
        case = "in capitals" if missed[0][0] != turkish_lower(missed[0][0]) else "in lower case"
        message = f"{fn}() of a Turkish text written {case} does not match: {shown}"
    negated = getattr(e, "negated", False) or getattr(e, "op", "") == "!="
    return f"{message} ({_WHY[fn]})", _hint(call, texts, how, missed, line, negated)


def _compared(
    e: ast.BinaryExpr | ast.InExpr,
) -> tuple[ast.CallExpr, list[str], str] | None:
    """(the lower/upper call, the texts it is compared with, 'equal' or 'contains')."""
    if isinstance(e, ast.InExpr):
        call = _cased(e.value)
        texts = [_text(o) for o in e.options.items]
        if call is None or not texts or any(t is None for t in texts):
            return None
        return call, [t for t in texts if t is not None], "equal"
    if e.op in ("==", "!="):
        for side, other in ((e.left, e.right), (e.right, e.left)):
            call, text = _cased(side), _text(other)
            if call is not None and text is not None:
                return call, [text], "equal"
    if e.op == "contains":
        call, text = _cased(e.left), _text(e.right)
        if call is not None and text is not None:
            return call, [text], "contains"
    return None


def _cased(e: Any) -> ast.CallExpr | None:
    """`lower(x)` or `upper(x)`, also inside `trim(…)`."""
    while isinstance(e, ast.CallExpr) and e.fn == "trim" and len(e.args) == 1:
        e = e.args[0]
    if isinstance(e, ast.CallExpr) and e.fn in ("lower", "upper") and len(e.args) == 1:
        return e
    return None


def _text(e: Any) -> str | None:
    if isinstance(e, ast.LiteralExpr) and e.type == "string" and isinstance(e.value, str):
        return e.value
    return None


def _meets(mapped: str, text: str, how: str) -> bool:
    return text in mapped if how == "contains" else mapped == text


def _hint(
    call: ast.CallExpr,
    texts: list[str],
    how: str,
    missed: list[tuple[str, str]],
    line: Any,
    negated: bool,
) -> str:
    """`x matches "(?i)…"` (ignoring case takes I, i, İ and ı for one letter), or the
    spellings to compare with as well."""
    inner = _source(call.args[0], line)
    words = list(dict.fromkeys(turkish_lower(t) for t in texts))
    pattern = "|".join(_SPECIAL.sub(lambda m: "\\" + m[0], w) for w in words)
    if how == "equal":
        pattern = f"^({pattern})$" if len(words) > 1 else f"^{pattern}$"
    elif len(words) > 1:
        pattern = f"({pattern})"
    pattern = pattern.replace("\\", "\\\\").replace('"', '\\"')
    spellings = " and ".join(f'"{m}"' for m in dict.fromkeys(m for _, m in missed))
    instead = "instead" if len(missed) == 2 * len(words) else "too"
    matching = f'{inner} matches "(?i){pattern}"'
    return (
        f"write {f'not ({matching})' if negated else matching} (ignoring case takes I, i, İ "
        f"and ı for one letter), or compare with {spellings} {instead}"
    )


def _source(e: Any, line: Any) -> str:
    """The expression as written (one line), else a name for it."""
    span = e.span
    if span is not None and span.line == span.end_line:
        text = line(span)[span.column - 1 : span.end_column - 1]
        if text.strip():
            return str(text)
    return "the text"
