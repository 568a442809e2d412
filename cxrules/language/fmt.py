"""Formatting stage: a syntax tree back to text in the one canonical layout, comments kept."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cxrules.language import ast
from cxrules.language.parser import keyword_texts

INDENT = "  "
_NAME = re.compile(r"(?!\d)\w(?:[\w-]*\w)?(?::(?!\d)\w(?:[\w-]*\w)?)*")
#: Binding strength of each operator: a child weaker than its place needs parentheses (also the
#: layout of conditions in report sentences, `cxrules.ir.text.describe`).
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}


def format_file(tree: ast.PolicyFile, text: str | None = None) -> str:
    """The canonical text of a policy file; `text` is the source it was parsed from.

    Layout: shared definitions and policies separated by one blank line; clauses indented by two
    spaces in a fixed order (metadata, at risk, scope, states, lets, metrics, the rule); comments
    stay above, or at the end of, the line they were attached to. Inside a construct of several
    lines (a calendar, a metric, a `when … expect` rule, `while …: always …`) a comment stays
    with the line that starts with the same keyword as its own line did, which `text` tells.
    """
    return _Formatter(tree, text).run()


def write_formatted(path: Path, formatted: str) -> None:
    """Write a policy file's canonical text (with '\\n' line ends) over it, in the line ends it
    had: a file written on Windows (its first line ending in CRLF) keeps CRLF, so formatting one
    line of it does not change every line."""
    with open(path, "rb") as handle:
        first = handle.readline()
    newline = "\r\n" if first.endswith(b"\r\n") else "\n"
    with open(path, "w", encoding="utf-8", newline=newline) as handle:
        handle.write(formatted)


def expr_text(e: ast.Expr) -> str:
    """One expression in the canonical layout, as a policy writes it.

    >>> from cxrules.language.parser import parse
    >>> from cxrules.source import Source
    >>> tree, _ = parse(Source(name="p.cxr", text='policy p.q "T" when a.b require (x+1)>=90%'))
    >>> expr_text(tree.items[0].rule.condition)
    'x + 1 >= 90%'
    """
    return _Formatter(ast.PolicyFile(path="", items=())).expr(e)


def _keywords() -> set[str]:
    return set(keyword_texts().values())


def quote(text: str) -> str:
    r"""A text in double quotes, as a policy writes it and as every report sentence, hint and
    header quotes a text (a parameter's value, a literal of a condition, a value read from the
    log): a quote, a backslash, a line break and a tab escaped as the language reads them back
    (`\"`, `\\`, `\n`, `\t`), any other control character as JSON writes it (`\u0007`: no
    policy text holds one, a log value may), other characters as they are.

    >>> print(quote('say "hi" C:\\x'), quote("a\tb\nc"), quote("\x07 ş"))
    "say \"hi\" C:\\x" "a\tb\nc" "\u0007 ş"
    """
    return json.dumps(text, ensure_ascii=False)


def name_part(part: str, alone: bool) -> str:
    """An attribute name as written: bare when the lexer reads it back as a name, else in
    backticks (a keyword alone is backticked; inside a dotted path it is not)."""
    if _NAME.fullmatch(part) and not (alone and part in _keywords()):
        return part
    return f"`{part}`"


def type_text(name: str) -> str:
    """An event type as a policy writes it: bare when it reads back as one type, else quoted.

    >>> type_text("problem.closed"), type_text("problem.In Progress"), type_text("Accepted/Wait")
    ('problem.closed', '"problem.In Progress"', '"Accepted/Wait"')
    """
    parts = name.split(".")
    bare = all(_NAME.fullmatch(p) for p in parts) and not (len(parts) == 1 and name in _keywords())
    return name if bare else quote(name)


def path(parts: tuple[str, ...]) -> str:
    if len(parts) == 1:
        return name_part(parts[0], alone=True)
    if all(_NAME.fullmatch(p) for p in parts):
        return ".".join(parts)
    return ".".join(name_part(p, alone=False) if _NAME.fullmatch(p) else f"`{p}`" for p in parts)


class _Formatter:
    def __init__(self, tree: ast.PolicyFile, text: str | None = None) -> None:
        self.tree = tree
        self.source = text.removeprefix("\ufeff").split("\n") if text is not None else None
        # An anchor is the (first, last) line of an item or clause; to each its comments, with
        # the source line of each: above it, at the end of one of its lines, alone on a line
        # between its first and last.
        self.leading: dict[tuple[int, int], list[tuple[int, str]]] = {}
        self.trailing: dict[tuple[int, int], list[tuple[int, str]]] = {}
        self.inner: dict[tuple[int, int], list[tuple[int, str]]] = {}
        self.comment_columns = {c.span.line: c.span.column for c in tree.comments}
        self.rest: list[str] = []
        self._attach_comments()

    # ------------------------------------------------------------------ comments
    def _anchors(self) -> list[tuple[int, int]]:
        """(first line, last line) of every item, clause and rule, in source order."""
        spans: list[tuple[int, int]] = []
        for item in self.tree.items:
            spans.append(_item_anchor(item))
            if isinstance(item, ast.Policy):
                for clause in (*item.clauses, *([item.rule] if item.rule else [])):
                    spans.append((clause.span.line, clause.span.end_line))
        return sorted(spans)

    def _attach_comments(self) -> None:
        anchors = self._anchors()
        for comment in self.tree.comments:
            line = comment.span.line
            owner = [a for a in anchors if a[0] <= line <= a[1] and a[0] != a[1] or a[0] == line]
            if owner and comment.span.column > 1 and self._code_before(comment):
                self.trailing.setdefault(owner[-1], []).append((line, comment.text))
                continue
            inside = [a for a in anchors if a[0] < line <= a[1]]
            if inside and self.source is not None:
                self.inner.setdefault(inside[-1], []).append((line, comment.text))
                continue
            following = [a for a in anchors if a[0] > line]
            if following:
                self.leading.setdefault(following[0], []).append((line, comment.text))
            else:
                self.rest.append(comment.text)

    def _code_before(self, comment: ast.Comment) -> bool:
        # A comment after code on its line (not one alone on an indented line).
        if self.source is not None and comment.span.line <= len(self.source):
            return bool(self.source[comment.span.line - 1][: comment.span.column - 1].strip())
        return comment.span.column > 1 and comment.span.line in self._code_lines()

    def _code_lines(self) -> set[int]:
        if not hasattr(self, "_lines"):
            lines: set[int] = set()
            for item in self.tree.items:
                _spanned_lines(item, lines)
                # Every item and clause starts with its keyword, so its first line holds code
                # (a policy's header line has no node of its own: the id and title are fields).
                lines.add(item.span.line)
                if isinstance(item, ast.Policy):
                    lines.update(c.span.line for c in item.clauses)
            self._lines = lines
        return self._lines

    def _emit(self, out: list[str], anchor: tuple[int, int], indent: str, lines: list[str]) -> None:
        comments = self.leading.pop(anchor, [])
        for i, (line, text) in enumerate(comments):
            out.append(indent + text)
            following = comments[i + 1][0] if i + 1 < len(comments) else anchor[0]
            if following - line > 1 and not indent:
                out.append("")  # a blank line after a comment block is kept at the top level
        trailing = self.trailing.pop(anchor, [])
        inner = self.inner.pop(anchor, [])
        where = self._line_map(anchor, lines)
        above: dict[int, list[str]] = {}
        for line, text in inner:
            later = [s for s in where if s > line]
            at = where[min(later)] if later else len(lines) - 1
            above.setdefault(at, []).append(text)
        after: dict[int, list[str]] = {}
        for line, text in trailing:
            earlier = [s for s in where if s <= line]
            at = where[max(earlier)] if earlier else len(lines) - 1
            after.setdefault(at, []).append(text)
        for i, text in enumerate(lines):
            margin = text[: len(text) - len(text.lstrip())]
            out.extend(margin + comment for comment in above.get(i, []))
            if i in after:
                text = text + "  " + "  ".join(after[i])
            out.append(text)

    def _line_map(self, anchor: tuple[int, int], lines: list[str]) -> dict[int, int]:
        """Which of the emitted `lines` each source line of code of `anchor` became: the k-th
        source line starting with a keyword is the k-th emitted line starting with it (a
        calendar's `hours`, a metric's `by`, a rule's `expect`); a line that starts otherwise
        continues the line before it. Without the source, every line is the last."""
        first, last = anchor
        if self.source is None:
            return {first: len(lines) - 1}
        starts = [_first_word(text) for text in lines]
        where: dict[int, int] = {first: 0}
        seen: dict[str, int] = {}
        current = 0
        for line in range(first + 1, min(last, len(self.source)) + 1):
            text = self.source[line - 1]
            code = text[: self.comment_columns.get(line, len(text) + 1) - 1]
            if not code.strip():
                continue  # a blank line, or a comment alone on its line
            word = _first_word(code)
            seen[word] = seen.get(word, 0) + 1
            matches = [i for i, start in enumerate(starts) if start == word]
            if len(matches) >= seen[word]:
                current = matches[seen[word] - 1]
            where[line] = current
        return where

    # ------------------------------------------------------------------ file
    def run(self) -> str:
        blocks: list[list[str]] = []
        for item in self.tree.items:
            block: list[str] = []
            self._emit(block, _item_anchor(item), "", self._item_head(item))
            if isinstance(item, ast.Policy):
                for clause in _ordered(item):
                    anchor = (clause.span.line, clause.span.end_line)
                    self._emit(block, anchor, INDENT, self._clause(clause, INDENT))
            blocks.append(block)
        text = "\n\n".join("\n".join(b) for b in _join_uses(self.tree.items, blocks))
        if self.rest:
            text = (text + "\n\n" if text else "") + "\n".join(self.rest)
        return text + "\n" if text else ""

    def _item_head(self, item: Any) -> list[str]:
        if isinstance(item, ast.UseDef):
            return [f"use {quote(item.path)}"]
        if isinstance(item, ast.ParamDef):
            desc = f" {quote(item.description)}" if item.description is not None else ""
            return [f"param {item.name} = {self.expr(item.value)}{desc}"]
        if isinstance(item, ast.CalendarDef):
            return self._calendar(item)
        if isinstance(item, ast.StateDef | ast.MetricDef):
            return self._clause(item, "")
        assert isinstance(item, ast.Policy)
        title = f" {quote(item.title)}" if item.title is not None else ""
        return [f"policy {item.id}{title}"]

    def _calendar(self, cal: ast.CalendarDef) -> list[str]:
        title = f" {quote(cal.title)}" if cal.title is not None else ""
        lines = [f"calendar {cal.name}{title}"]
        if cal.zone is not None:
            lines.append(f"{INDENT}zone {quote(cal.zone)}")
        if cal.hours:
            days = ", ".join(
                f"{d.days} " + " and ".join(f"{a}-{b}" for a, b in d.ranges) for d in cal.hours
            )
            lines.append(f"{INDENT}hours {days}")
        if cal.holidays:
            lines.append(f"{INDENT}holidays " + ", ".join(quote(h) for h in cal.holidays))
        if cal.closed:
            lines.append(f"{INDENT}closed " + ", ".join(cal.closed))
        if cal.open:
            lines.append(f"{INDENT}open " + ", ".join(cal.open))
        return lines

    # ------------------------------------------------------------------ clauses
    def _clause(self, c: Any, indent: str) -> list[str]:  # noqa: C901 - one branch per clause
        if isinstance(c, ast.MetaClause):
            if c.key in ("severity", "calendar"):
                value = c.values[0]
            elif c.key == "tags":
                value = ", ".join(
                    v if _NAME.fullmatch(v) and v not in _keywords() else quote(v) for v in c.values
                )
            else:
                value = quote(c.values[0])
            return [f"{indent}{c.key} {value}"]
        if isinstance(c, ast.AtRiskClause):
            return [f"{indent}at risk {self.amount(c.lead)}"]
        if isinstance(c, ast.ScopeClause):
            return [f"{indent}per {self._per(c)}"]
        if isinstance(c, ast.StateDef):
            by = f", by {self.expr(c.by)}" if c.by is not None else ""
            return [
                f"{indent}state {c.name} = {self.pattern(c.start)} until {self.pattern(c.end)}{by}"
            ]
        if isinstance(c, ast.LetDef):
            return [f"{indent}let {c.name} = {self.expr(c.value)}"]
        if isinstance(c, ast.ReportClause):
            fields = [f"{f.name} = {self.expr(f.value)}" for f in c.fields]
            return [f"{indent}report " + ", ".join(fields)]
        if isinstance(c, ast.MetricDef):
            lines = [f"{indent}metric {c.name} = {self._aggregate(c.aggregate)}"]
            if c.by:
                lines.append(f"{indent}{INDENT}by " + ", ".join(self.expr(k) for k in c.by))
            lines += [f"{indent}{INDENT}per {self._per(p)}" for p in c.per]
            return lines
        return self._rule(c, indent)

    def _per(self, c: ast.ScopeClause) -> str:
        if c.bucket is not None:
            return c.bucket
        until = f" until {self.pattern(c.until)}" if c.until is not None else ""
        return ", ".join(self.expr(k) for k in c.keys) + until

    def _aggregate(self, a: ast.Aggregate) -> str:
        if a.fn == "count":
            return f"count({self.pattern(a.pattern)})"  # type: ignore[arg-type]
        if a.fn == "ratio":
            return f"ratio({self.pattern(a.pattern)}, {self.pattern(a.of)})"  # type: ignore[arg-type]
        if a.fn == "share" and a.within is not None:
            unless = f" unless {self.pattern(a.unless)}" if a.unless else ""
            assert a.pattern is not None and a.of is not None
            return (
                f"share({self.pattern(a.pattern)} within {self.amount(a.within)} of "
                f"{self.pattern(a.of)}{unless})"
            )
        args = self.expr(a.value)
        if a.pattern is not None:
            args += f" of {self.pattern(a.pattern)}"
        if a.q is not None:
            args += f", {a.q.text}"
            if a.method is not None:
                args += f", {a.method.text}"
        return f"{a.fn}({args})"

    def _rule(self, r: Any, i: str) -> list[str]:
        if isinstance(r, ast.RequireRule):
            text = f"{i}require {self.expr(r.subject)}"
            if r.where is not None:
                text += f" where {self.expr(r.where)}"
            if r.at_least is not None:
                text += f" at least {self.amount(r.at_least)} times"
            if r.at_most is not None:
                text += f" at most {self.amount(r.at_most)} times"
            if r.warn is not None:
                text += f" warn {r.warn.side} {self.expr(r.warn.value)}"
            if r.min_sample is not None:
                text += f" minimum sample {self.amount(r.min_sample)}"
            return [text]
        if isinstance(r, ast.ForbidRule):
            return [f"{i}forbid {self.pattern(r.pattern)}"]
        if isinstance(r, ast.ResponseRule | ast.ForbidAfterRule):
            word = "expect" if isinstance(r, ast.ResponseRule) else "forbid"
            target = r.expect if isinstance(r, ast.ResponseRule) else r.pattern
            each = "each " if getattr(r, "each", False) else ""
            lines = [
                f"{i}when {self._trigger(r.trigger)}",
                f"{i}{word} {each}{self._types(target)} {self._timing(r.timing)}",
            ]
            if target.where is not None:
                lines.append(f"{i}{INDENT}where {self.expr(target.where)}")
            if r.unless is not None:
                lines.append(f"{i}unless {self.pattern(r.unless)}")
            if getattr(r, "trigger_counts", False):
                lines[-1] += ", trigger counts"
            return lines
        if isinstance(r, ast.ExpectationsRule):
            lines = [f"{i}when {self._trigger(r.trigger)}"]
            for e in r.expects:
                each = "each " if e.each else ""
                bound = ""
                if e.at_least is not None:
                    bound = f"at least {self.amount(e.at_least)} "
                if e.at_most is not None:
                    bound = f"at most {self.amount(e.at_most)} "
                lines.append(
                    f"{i}expect {each}{bound}{self._types(e.pattern)} {self._timing(e.timing)}"
                )
                if e.pattern.where is not None:
                    lines.append(f"{i}{INDENT}where {self.expr(e.pattern.where)}")
            if r.unless is not None:
                lines.append(f"{i}unless {self.pattern(r.unless)}")
            if r.trigger_counts:  # refused by the checker (E227), kept as written
                lines[-1] += ", trigger counts"
            return lines
        if isinstance(r, ast.ValueRule):
            return [f"{i}when {self._trigger(r.trigger)}", f"{i}require {self.expr(r.condition)}"]
        if isinstance(r, ast.RateRule):
            return [
                f"{i}at most {self.amount(r.at_most)} {self.pattern(r.pattern)} within "
                f"{self.amount(r.within)}"
            ]
        assert isinstance(r, ast.InvariantRule)
        if r.state is not None:
            during = r.state
        else:
            by = f", by {self.expr(r.by)}" if r.by is not None else ""
            during = f"{self.pattern(r.start)} until {self.pattern(r.end)}{by}"  # type: ignore[arg-type]
        if r.limit is not None:  # one line: "while queued: at most 24h" reads as a sentence
            return [f"{i}while {during}: at most {self.amount(r.limit)}"]
        assert r.condition is not None
        grace = f", grace {self.amount(r.grace)}" if r.grace is not None else ""
        return [f"{i}while {during}:", f"{i}{INDENT}always {self.expr(r.condition)}{grace}"]

    def _trigger(self, t: ast.Trigger) -> str:
        if t.nth is None:
            return self.pattern(t.pattern)
        from cxrules.language.literals import ordinal_suffix

        later = " or later" if t.or_later else ""
        within = f" within {self.amount(t.within)}" if t.within is not None else ""
        return f"{t.nth}{ordinal_suffix(t.nth)}{later} {self.pattern(t.pattern)}{within}"

    def _timing(self, t: ast.Timing) -> str:
        direction = f" {t.direction}" if t.direction else ""
        paused = f" paused while {t.paused_while}" if t.paused_while else ""
        if t.form == "within":
            return f"within {self.amount(t.first)}{direction}{paused}"
        if t.form == "any":
            return str(t.direction)
        if t.form in ("at_least", "at_most"):
            word = "at least" if t.form == "at_least" else "at most"
            return f"{word} {self.amount(t.first)}{direction}"
        if t.form == "between":
            return f"between {self.amount(t.first)} and {self.amount(t.second)}{direction}"
        d = t.deadline
        if isinstance(d, ast.CalendarEnd):
            on = f" on {d.calendar}" if d.calendar else ""
            return f"by end of {d.period}{on}{paused}"
        return f"by {self.expr(d)}{paused}"

    # ------------------------------------------------------------------ patterns
    def _types(self, p: ast.Pattern) -> str:
        names = [self._type_name(t) for t in p.types]
        if p.bracketed or len(names) > 1:
            return "[" + ", ".join(names) + "]"
        return names[0]

    def _type_name(self, t: ast.TypeName) -> str:
        if t.quoted:
            return quote(t.name)
        return t.name

    def pattern(self, p: ast.Pattern) -> str:
        where = f" where {self.expr(p.where)}" if p.where is not None else ""
        return self._types(p) + where

    # ------------------------------------------------------------------ expressions
    def amount(self, e: Any) -> str:
        """A count or a duration (`within max_wait`, `grace grace`, `at most n times`): a
        parameter's name there is a bare NAME in the grammar, even when it is also a keyword
        (which `expr` would backtick, and the parser refuses there)."""
        if isinstance(e, ast.NameExpr) and len(e.parts) == 1:
            return e.parts[0]
        return self.expr(e)

    def expr(self, e: Any, need: int = 0) -> str:
        text, prec = self._expr(e)
        return f"({text})" if prec < need else text

    def _expr(self, e: Any) -> tuple[str, int]:  # noqa: C901 - one branch per node kind
        atom = 9
        if isinstance(e, ast.LiteralExpr):
            if e.type == "string":
                return quote(str(e.value)), atom
            return e.text, atom
        if isinstance(e, ast.DurationExpr):
            return e.text, atom
        if isinstance(e, ast.NameExpr):
            return path(e.parts), atom
        if isinstance(e, ast.ListExpr):
            return "[" + ", ".join(self.expr(x) for x in e.items) + "]", atom
        if isinstance(e, ast.HistoryExpr):
            text = f"{e.fn}({self.pattern(e.pattern)})"
            if e.field:
                text += (
                    "." + path(e.field)
                    if len(e.field) > 1
                    else "." + name_part(e.field[0], alone=False)
                )
            return text, atom
        if isinstance(e, ast.ChangesExpr):
            return f"changes({self.expr(e.path)})", atom
        if isinstance(e, ast.CallExpr):
            return f"{e.fn}(" + ", ".join(self.expr(a) for a in e.args) + ")", atom
        if isinstance(e, ast.UnaryExpr):
            if e.op == "not":
                return f"not {self.expr(e.operand, PRECEDENCE['not'])}", PRECEDENCE["not"]
            return f"-{self.expr(e.operand, PRECEDENCE['neg'])}", PRECEDENCE["neg"]
        if isinstance(e, ast.BinaryExpr):
            if e.op in ("and", "or", "+", "-", "*", "/"):
                level = PRECEDENCE[e.op]
                return (f"{self.expr(e.left, level)} {e.op} {self.expr(e.right, level + 1)}", level)
            level = PRECEDENCE["compare"]
            return f"{self.expr(e.left, 5)} {e.op} {self.expr(e.right, 5)}", level
        level = PRECEDENCE["compare"]
        if isinstance(e, ast.MatchesExpr):
            return f"{self.expr(e.value, 5)} matches {quote(e.regex)}", level
        if isinstance(e, ast.BetweenExpr):
            return (
                f"{self.expr(e.value, 5)} between {self.expr(e.low, 5)} and {self.expr(e.high, 5)}"
            ), level
        if isinstance(e, ast.InExpr):
            word = "not in" if e.negated else "in"
            return f"{self.expr(e.value, 5)} {word} {self.expr(e.options)}", level
        assert isinstance(e, ast.MissingExpr)
        word = "is not missing" if e.negated else "is missing"
        return f"{self.expr(e.value, 5)} {word}", level


def _item_anchor(item: Any) -> tuple[int, int]:
    """The lines of an item: a calendar or metric all of its own, a policy its head line."""
    if isinstance(item, ast.CalendarDef | ast.MetricDef):
        return (item.span.line, item.span.end_line)
    return (item.span.line, item.span.line)


def _first_word(line: str) -> str:
    """The first word of a line of policy text: its keyword, when it starts with one."""
    words = line.split()
    return words[0] if words else ""


def _ordered(policy: ast.Policy) -> list[Any]:
    """The policy's clauses (already in canonical order in the tree), then its rule, then its
    `report` clauses (what a violation of the rule shows)."""
    reports = [c for c in policy.clauses if isinstance(c, ast.ReportClause)]
    others = [c for c in policy.clauses if not isinstance(c, ast.ReportClause)]
    return others + ([policy.rule] if policy.rule is not None else []) + reports


def _join_uses(items: tuple[Any, ...], blocks: list[list[str]]) -> list[list[str]]:
    """Consecutive `use` and `param` lines stay together without blank lines between them."""
    out: list[list[str]] = []
    previous: str | None = None
    for item, block in zip(items, blocks, strict=True):
        if out and previous == item.kind and item.kind in ("use", "param"):
            out[-1] = out[-1] + block
        else:
            out.append(list(block))
        previous = item.kind
    return out


def _spanned_lines(node: Any, lines: set[int]) -> None:
    from pydantic import BaseModel

    if isinstance(node, ast.TypeName | ast.LiteralExpr | ast.NameExpr | ast.DurationExpr):
        lines.add(node.span.line)
        lines.add(node.span.end_line)
    if isinstance(node, BaseModel):
        span = getattr(node, "span", None)
        if span is not None and span.line == span.end_line:
            lines.add(span.line)
        for _, value in node:
            _spanned_lines(value, lines)
    elif isinstance(node, tuple | list):
        for value in node:
            _spanned_lines(value, lines)


def strip_spans(node: Any) -> Any:
    """A tree as plain data without positions, to compare trees 'up to spans'."""
    from pydantic import BaseModel

    if isinstance(node, BaseModel):
        return {
            k: strip_spans(v) for k, v in node if not k.endswith("span") and k != "comments"
        } | {"__type__": type(node).__name__}
    if isinstance(node, tuple | list):
        return [strip_spans(v) for v in node]
    return node
