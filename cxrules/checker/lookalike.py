"""Checking stage, look-alike names: names that read the same as another but are spelled with
other letters (a Cyrillic 'а' in `t.аdmin` beside `t.admin`), or that mix alphabets in one word.

Such a name is a different event type or attribute: a rule on it silently never matches the log.
W205 says so. Only Latin, Cyrillic, Greek, Armenian and Cherokee letters are compared (the
alphabets with letters that look alike); Turkish `şikayet.açıldı` or Russian `жалоба.подана`
are names like any other.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel

from cxrules.checker.context import Context
from cxrules.language import ast
from cxrules.source import Span

# Letters of other alphabets that look like a Latin letter (Unicode's confusables, the ones a
# keyboard layout switch produces).
_LATIN_TWINS = {
    **dict(zip("аеіјорсухѕԁԛԝһӏєѵ", "aeijopcyxsdqwhlev", strict=True)),
    **dict(zip("АВЕЅІЈКМНОРСТХУҮԀԚԜ", "ABESIJKMHOPCTXYYDQW", strict=True)),
    **dict(zip("αικνορτυχϳ", "aiknoptuxj", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
}
_CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"}


def skeleton(name: str) -> str:
    """What a name looks like: compatibility forms folded (NFKC) and look-alike letters of other
    alphabets read as Latin.

    >>> skeleton("t.аdmin") == skeleton("t.admin") == "t.admin"
    True
    >>> skeleton("ｓｍｓ"), skeleton("şikayet")
    ('sms', 'şikayet')
    """
    folded = unicodedata.normalize("NFKC", name)
    return "".join(_LATIN_TWINS.get(ch, ch) for ch in folded)


def _script(ch: str) -> str:
    if not ch.isalpha():
        return ""
    word = unicodedata.name(ch, "").split(" ", 1)[0]
    return word if word in _CONFUSABLE_SCRIPTS else ""


def mixed(name: str) -> tuple[str, str] | None:
    """(a letter of the odd alphabet, "Odd and Main") when one word of the name mixes alphabets
    that have look-alike letters; None otherwise. The odd alphabet is the one with fewer letters
    in that word (not Latin, on a tie).

    >>> mixed("t.аdmin"), mixed("rоle"), mixed("жалоба.filed"), mixed("complaint.filed")
    (('а', 'Cyrillic and Latin'), ('о', 'Cyrillic and Latin'), None, None)
    """
    word: list[tuple[str, str]] = []  # (letter, alphabet) of the current word
    for ch in name + ".":
        if ch.isalpha():
            script = _script(ch)
            if script:
                word.append((ch, script))
            continue
        scripts = {script for _, script in word}
        if len(scripts) > 1:
            count = {s: sum(1 for _, x in word if x == s) for s in scripts}
            odd = min(scripts, key=lambda s: (count[s], s == "LATIN", s))
            main = max(scripts - {odd}, key=lambda s: (count[s], s == "LATIN", s))
            letter = next(ch for ch, script in word if script == odd)
            return letter, f"{odd.title()} and {main.title()}"
        word = []
    return None


def _letter(ch: str) -> str:
    script = unicodedata.name(ch, "").split(" ", 1)[0].title()
    return f"'{ch}' is a {script} letter" if script else f"'{ch}' is U+{ord(ch):04X}"


def check_lookalikes(ctx: Context) -> None:
    """W205 for every name that looks like another one of the workspace, or mixes alphabets."""
    if all(source.text.isascii() for source in ctx.ws.sources.values()):
        return  # nothing looks like anything else in plain ASCII
    first: dict[str, Span] = {}  # spelling → where it is first written
    for name in ctx.ws.files:
        for spelling, span in _names(ctx.ws.files[name]):
            if spelling not in first or (span.file, span.line, span.column) < (
                first[spelling].file,
                first[spelling].line,
                first[spelling].column,
            ):
                first[spelling] = span
    by_look: dict[str, list[str]] = {}
    for spelling in first:
        if not spelling.isascii():
            by_look.setdefault(skeleton(spelling), []).append(spelling)
    for look, spellings in sorted(by_look.items()):
        twin = look if look in first and look not in spellings else None
        for spelling in sorted(spellings):
            others = [twin] if twin else [s for s in spellings if s != spelling]
            if others and spelling != look:
                odd = next(
                    (ch for ch, plain in zip(spelling, look, strict=False) if ch != plain), ""
                )
                ctx.warn(
                    "W205",
                    f"'{spelling}' looks like '{others[0]}' but is another name"
                    + (f": {_letter(odd)}" if odd else ""),
                    first[spelling],
                    f"if both mean the same, retype '{spelling}' with the letters of "
                    f"'{others[0]}'; otherwise rename one of them",
                )
                continue
            mix = mixed(spelling)
            if mix is not None:
                ctx.warn(
                    "W205",
                    f"'{spelling}' mixes {mix[1]} letters: {_letter(mix[0])}",
                    first[spelling],
                    "retype it in one alphabet: a look-alike letter makes it another name",
                )


_DEFINITIONS = (ast.ParamDef, ast.CalendarDef, ast.StateDef, ast.MetricDef, ast.LetDef)


def _names(tree: ast.PolicyFile) -> list[tuple[str, Span]]:
    """Every name written in a file (event types, attributes, ids, definitions), with its span,
    found without recursion."""
    out: list[tuple[str, Span]] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.TypeName):
            out.append((node.name, node.span))
            continue
        if isinstance(node, ast.NameExpr):
            out.append((node.text, node.span))
            continue
        if isinstance(node, ast.Policy):
            out.append((node.id, node.id_span))
        elif isinstance(node, _DEFINITIONS):
            out.append((node.name, node.name_span))
        if isinstance(node, BaseModel):
            stack.extend(
                value
                for value in vars(node).values()
                if isinstance(value, BaseModel | tuple) and not isinstance(value, Span)
            )
        elif isinstance(node, tuple):
            stack.extend(value for value in node if isinstance(value, BaseModel | tuple))
    return out
