"""Parser stage: one Lark LALR parser for policy files, a policy at a time; its syntax errors
are worded by `syntax_errors`."""

from __future__ import annotations

import re
from copy import copy
from functools import cache
from typing import Any

from lark import Token, Tree, UnexpectedInput, UnexpectedToken
from lark.lexer import BasicLexer, LexerThread

from cxrules.diagnostics import Diagnostic, error
from cxrules.language import ast
from cxrules.language.habits import comment_slip, percent_word
from cxrules.language.literals import text_problem
from cxrules.language.syntax_errors import (
    Part,
    describe,
    keyword_texts,
    lark_parser,
    syntax_diagnostic,
)
from cxrules.language.transform import (
    MAX_DEPTH,
    SyntaxProblem,
    ToAst,
    TooDeep,
)
from cxrules.source import Source, Span

__all__ = ["describe", "keyword_texts", "parse"]


def parse(source: Source) -> tuple[ast.PolicyFile | None, list[Diagnostic]]:
    """Parse one policy file; on syntax errors, return None and every error found.

    A file is parsed policy by policy: a line starting with `policy` always starts one (keywords
    are reserved and no token spans lines), so each piece parses alone exactly as inside the
    whole file. The parse tree of one policy is turned into syntax nodes and dropped before the
    next is read (memory grows with the syntax tree only), and a mistake in one policy does not
    hide the next one's.
    """
    diagnostics: list[Diagnostic] = []
    items: list[Any] = []
    comments: list[ast.Comment] = []
    for part in _parts(source.text):
        found = _parse_part(part, source, diagnostics)
        if found is not None:
            items.extend(found)
            if "#" in part.text:
                comments.extend(_comments(source, part))
    if diagnostics:
        return None, diagnostics
    return ast.PolicyFile(path=source.name, items=tuple(items), comments=tuple(comments)), []


def _parts(text: str) -> list[Part]:
    """The file cut before every line that starts with `policy `.

    >>> [(p.first_line, p.text) for p in _parts('use "a.cxr"\\npolicy a\\npolicy b\\n')]
    [(1, 'use "a.cxr"\\n'), (2, 'policy a\\n'), (3, 'policy b\\n')]
    """
    parts: list[Part] = []
    start = 0  # offset of the current piece
    first = 1  # its first line
    line = 1
    at = 0
    while True:
        nxt = text.find("\npolicy", at)
        if nxt < 0:
            break
        line += text.count("\n", at, nxt + 1)
        at = nxt + 1
        if text[at + 6 : at + 7] not in (" ", "\t"):
            continue
        if at > start:
            parts.append(Part(first, text[start:at], False))
        start, first = at, line
    parts.append(Part(first, text[start:], True))
    return parts


def _parse_part(part: Part, source: Source, out: list[Diagnostic]) -> list[Any] | None:
    """The syntax nodes of one piece, or None after adding its syntax error to `out`."""
    offset = part.first_line - 1
    worded = percent_word(source, part.text, part.first_line) if "p" in part.text else None
    if worded is not None:  # '80 percent' parses, as 80 'per cent'
        out.append(worded)
        return None
    try:
        tree = lark_parser().parse(part.text)
    except UnexpectedInput as exc:
        if isinstance(exc, UnexpectedToken) and exc.token.type == "$END" and not part.last:
            # The whole file would show the next line's `policy` here: parse up to it, to say
            # exactly what the whole-file parse would.
            try:
                lark_parser().parse(part.text + "policy")
            except UnexpectedInput as longer:
                exc = longer
        _shift(exc, offset)
        out.append(syntax_diagnostic(exc, source, part))
        return None
    bad_text = (
        _glued_keyword(tree, part.text, source, offset)
        or _text_problem(tree, source, offset)
        or _foreign_comment(part.text, source, offset)
    )
    if bad_text is not None:
        out.append(bad_text)
        return None
    try:
        items: list[Any] = ToAst(source.name, offset).transform(tree)
    except TooDeep as deep:
        out.append(_nested_too_deep(deep.node, source, offset))
        return None
    except SyntaxProblem as problem:
        out.append(
            error(
                problem.code,
                problem.message,
                problem.span,
                problem.hint,
                source.line_text(problem.span.line),
            )
        )
        return None
    return items


_WORD = re.compile(r"\w")
_KEYWORD_BEFORE = re.compile(r"[a-z_]+$")


def _glued_keyword(tree: Tree[Token], text: str, source: Source, offset: int) -> Diagnostic | None:
    """E104 for a keyword written without the space after it (`expectcall.answered`,
    `paraml_target = 80%`, `within2min`): where only a keyword may stand, the parser reads the
    keyword's letters and starts the next word after them, so the slip would parse as what the
    writer did not mean to write, or as a name cut in two."""
    tokens = (
        child
        for node in tree.iter_subtrees_topdown()  # no recursion: trees may nest deeply (E109)
        for child in node.children
        if isinstance(child, Token)
    )
    for token in tokens:
        start = token.start_pos
        if not start or not _WORD.match(str(token)[:1]) or not _WORD.match(text[start - 1]):
            continue
        found = _KEYWORD_BEFORE.search(text, 0, start)
        if found is None or found.group() not in keyword_texts().values():
            continue
        keyword, line = found.group(), (token.line or 1) + offset
        column = (token.column or 1) - len(keyword)
        message = f"'{keyword}' runs into '{token}': a keyword needs a space after it"
        hint = f"write '{keyword} {token}'"
        if f"{keyword}{token}".lower() in ("percent", "percentage"):  # 'target percent'
            message = f"'{keyword}{token}' is not a word of the language"
            hint = "a percentage is a number with '%', 80%; a parameter set to one needs no word"
        span = source.span_at(line, column, len(keyword) + len(token))
        return error("E104", message, span, hint, source.line_text(line))
    return None


def _foreign_comment(text: str, source: Source, offset: int) -> Diagnostic | None:
    """E100 for a comment begun with `--`, as SQL begins one, that parsed as two minus signs
    (`require wait <= 3` with `-- TODO` on the next line: `wait <= 3 - -TODO`); the grammar's
    own lexer tells a minus sign from a `--` inside a text, a name or a `#` comment."""
    if "--" not in text:
        return None
    try:
        for token in LexerThread.from_text(_comment_lexer(), text).lex(None):
            if token.type == "MINUS" and text.startswith("--", token.start_pos or 0):
                found = comment_slip(source, (token.line or 1) + offset, token.column or 1)
                if found is not None:
                    return found
    except UnexpectedInput:
        return None
    return None


def _text_problem(tree: Tree[Token], source: Source, offset: int) -> Diagnostic | None:
    """E107 for the first text with a backslash that is no escape or a control character
    (`literals.text_problem`); a pattern's backslashes are the checker's (E211)."""
    for node in tree.iter_subtrees_topdown():
        for child in node.children:
            if not (isinstance(child, Token) and child.type == "STRING"):
                continue
            if node.data == "matches":
                lost = _lost_backslash(child, source, offset)
                if lost is not None:
                    return lost
                continue
            problem = text_problem(str(child))
            if problem is not None:
                at, length, message, hint = problem
                line = (child.line or 1) + offset
                span = source.span_at(line, (child.column or 1) + at, length)
                return error("E107", message, span, hint, source.line_text(line))
    return None


def _lost_backslash(token: Token, source: Source, offset: int) -> Diagnostic | None:
    """E211 for a pattern written as in other tools ("\\d+"): its backslash would be dropped
    when the text is read, and the pattern would mean something else (found here, before the
    checker, so that `fmt` never writes the loss into the file)."""
    pairs = re.finditer(r"\\(.)", str(token))  # a doubled backslash is one pair
    found = next((pair for pair in pairs if pair.group(1) not in 'nt"\\'), None)
    if found is None:
        return None
    line = (token.line or 1) + offset
    lost = found.group(0)
    return error(
        "E211",
        f"'{lost}' in a text reads as '{found.group(1)}', so this pattern loses its backslash",
        source.span_at(line, token.column or 1, len(token)),
        f"write '\\{lost}' to give the regular expression '{lost}'",
        source.line_text(line),
    )


def _shift(exc: UnexpectedInput, offset: int) -> None:
    """Make an error's line numbers count from the start of the file."""
    if not offset:
        return
    if getattr(exc, "line", None) and exc.line > 0:
        exc.line += offset
    token = getattr(exc, "token", None)
    if isinstance(token, Token) and token.type != "$END":
        if token.line:
            token.line += offset
        if token.end_line:
            token.end_line += offset


def _nested_too_deep(node: Tree[Token], source: Source, offset: int) -> Diagnostic:
    meta = node.meta
    line = (getattr(meta, "line", 1) or 1) + offset
    column = getattr(meta, "column", 1) or 1
    return error(
        "E109",
        f"this is nested more than {MAX_DEPTH} levels deep",
        source.span_at(line, column),
        "write it flatter: name a part with 'let', or list values with 'in [...]'",
        source.line_text(line),
    )


@cache
def _comment_lexer() -> BasicLexer:
    """The grammar's terminals with nothing ignored, built once: `Lark.lex(dont_ignore=True)`
    would rebuild it (and re-check every pair of terminals for collisions) on each call."""
    conf = copy(lark_parser().lexer_conf)
    conf.ignore = ()
    return BasicLexer(conf)


def _comments(source: Source, part: Part) -> list[ast.Comment]:
    """Every `#` comment of a piece of the file, found with the grammar's own lexer (so '#'
    inside a string is not a comment)."""
    out: list[ast.Comment] = []
    offset = part.first_line - 1
    lexer = LexerThread.from_text(_comment_lexer(), part.text).lex(None)
    for token in lexer:
        if token.type == "COMMENT":
            line = (token.line or 1) + offset
            out.append(
                ast.Comment(
                    span=Span(
                        file=source.name,
                        line=line,
                        column=token.column or 1,
                        end_line=line,
                        end_column=(token.column or 1) + len(token),
                    ),
                    text=str(token),
                )
            )
    return out
