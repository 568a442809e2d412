"""Audit stage, names the log lacks: the event types and attributes a policy reads that no event
of the log has — most often a misspelling, which would otherwise audit to full compliance."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from cxrules import ir
from cxrules.checker.symbols import RESERVED
from cxrules.diagnostics import Diagnostic, did_you_mean, warning
from cxrules.ir.walk import attribute_paths, read_types, uses_local_time
from cxrules.language.fmt import path as written_path
from cxrules.language.fmt import type_text
from cxrules.logs.profile import LogProfile
from cxrules.source import Source, Span

#: The codes of the warnings about the log (these, W405 and W408 of `texts`, W406 of the audit,
#: W407 of `booleans`, W409 of `unscoped`): the command line prints them after an audit.
CODES = frozenset({"W401", "W402", "W403", "W405", "W406", "W407", "W408", "W409"})
#: Those `--strict` fails the audit on: all but W409 (a rule over the whole log may be meant).
STRICT_CODES = CODES - {"W409"}

#: The names that, alone, are the event's own local time (`RESERVED` but `time`, whose
#: `trigger.time` and `last(x).time` are those events' times).
LOCAL_NAMES = frozenset(RESERVED) - {"time"}


def unseen(
    policy_set: ir.PolicySet,
    profile: LogProfile,
    sources: Mapping[str, Source] | None = None,
) -> list[Diagnostic]:
    """A W401 warning for every event type, a W402 for every attribute path, that a policy reads
    and no event of the log has, with the log's closest name. Types with a `*` match whatever
    there is and are never warned about; an empty log warns about nothing. With the policy
    files' `sources`, each warning points at the name's first use in its policy."""
    if not profile.types:
        return []
    found: list[Diagnostic] = []
    for policy in policy_set.policies:
        source = (sources or {}).get(policy.file)
        paths = attribute_paths(policy)
        for name in read_types(policy):
            if "*" in name or name in profile.types:
                continue
            hint = (
                _attribute_of_a_type(name, paths, profile)
                or _suggest(name, _kin(name, profile.types), type_text)
                or "no event of the log has this type"
            )
            span, line = first_use(policy, name, source)
            found.append(
                warning(
                    "W401",
                    f"policy {policy.id} reads event type '{name}', which no event in the log has",
                    span,
                    hint,
                    line,
                )
            )
        for path in paths:
            if path in profile.paths:
                continue
            span, line = first_use(policy, path, source)
            hint = (
                _TYPE_HINT * (path == "type")
                or _local_hint(path)
                or _suggest(path, profile.paths, lambda p: written_path(tuple(p.split("."))))
                or _quoted_value(path, line)
                or "no event of the log has this attribute"
            )
            found.append(
                warning(
                    "W402",
                    f"policy {policy.id} reads attribute '{path}', which no event in the log has",
                    span,
                    hint,
                    line,
                )
            )
    return found


def _suggest(name: str, names: Iterable[str], written: Callable[[str], str]) -> str:
    """'did you mean …?' naming the closest of `names` in the form a policy writes it: a type
    with a space in quotes, an attribute with one in backticks ('' when none is close)."""
    hint = did_you_mean(name, names)
    close = hint.removeprefix("did you mean '").removesuffix("'?")
    if not hint or written(close) == close:
        return hint
    how = "in quotes" if written(close).startswith('"') else "in backticks"
    return f"did you mean {written(close)}? (a policy writes this name {how})"


def _kin(name: str, types: Iterable[str]) -> list[str]:
    """The log's types that may be a misspelling of `name`: a type that shares every part but
    the last with it only when the last parts are alike too. Their shared subject made
    'comanda.anulată' 80% like 'comanda.plasată' (and 'ticket.closed' like 'ticket.opened'):
    W401 asked 'did you mean comanda.plasată?' of a cancellation the log has none of yet,
    which written into `unless` would cancel every obligation (hunt69 finding-1)."""
    subject, _, verb = name.rpartition(".")
    kin = []
    for other in types:
        other_subject, _, other_verb = other.rpartition(".")
        if subject and other_subject == subject and not did_you_mean(verb, [other_verb]):
            continue
        kin.append(other)
    return kin


#: The hint for `type` read as an attribute (`where type == "x"`, `previous.type`).
_TYPE_HINT = (
    "an event's type is not one of its attributes: name the types in the pattern instead "
    "(call.answered, [call.answered, call.abandoned], call.*)"
)


def _local_hint(path: str) -> str:
    """The hint for `trigger.local_date`, `last(x).weekday`, `previous.local_hour`: alone, the
    name is the event's own local time; after a dot it reads an attribute of that name."""
    if path not in LOCAL_NAMES:
        return ""
    return (
        f"'{path}' after a dot or in backticks reads an attribute of that name; alone it is "
        f"{RESERVED[path]}, "
        "and no other event's is at hand: compare that event's time (trigger.time, "
        "last(x).time)"
    )


def _attribute_of_a_type(name: str, paths: list[str], profile: LogProfile) -> str:
    """The hint when the type and an attribute read of it spell a type of the log:
    `nps(survey.answered)` reads attribute 'answered' of type 'survey'."""
    for path in paths:
        whole = f"{name}.{path}"
        if whole in profile.types:
            return (
                f"the log has the event type '{whole}': written alone, '{whole}' reads the "
                f"attribute '{path}' of '{name}' events; name the value with 'of', as in "
                f"nps(score of {whole})"
            )
    return ""


def _quoted_value(name: str, line: str) -> str:
    """The hint when the name stands after a comparison: it was meant as a text."""
    if re.search(r"(?:==|!=)\s*" + re.escape(name) + r"(?![\w`])", line) is None:
        return ""
    return f'no event of the log has this attribute; if it is a value, quote it: "{name}"'


def first_use(policy: ir.Policy, name: str, source: Source | None) -> tuple[Span, str]:
    """Where a policy first writes `name` (as a whole word, from its first line on), with the
    line; else where a shared definition the policy uses writes it (a `state` or `metric` above
    the file's first policy: `state parked = problem.wiat until …`); the policy's first line
    when the source is not at hand or the name is not found (a definition in a used file)."""
    here = Span(file=policy.file, line=policy.line, column=1, end_line=policy.line, end_column=1)
    if source is None:
        return here, ""
    last = source.text.count("\n") + 1
    shared = _shared_lines(policy, source)
    # a name on its own first ('arm'), then after a dot ('trigger.arm', 'last(x).arm'); alone,
    # `local_date` is the event's own date, read as an attribute only after a dot or in backticks
    befores, after = [r"(?<![\w.:`-])", r"(?<![\w:`-])"], r"(?![\w`-])"
    if name in LOCAL_NAMES:
        befores, after = [r"(?<=[.`])"], r"(?![\w-])"
    for lines in (_policy_lines(policy, source, last), shared):
        for before in befores:
            pattern = re.compile(before + re.escape(name) + after)
            for line in lines:
                text = source.line_text(line)
                # not inside a text: the title "Average wait" is not where `wait` is read;
                # nor in the policy's id ('policy order.late' reads no attribute 'order')
                texts = [m.span() for m in _TEXT.finditer(text)]
                texts += [m.span(1) for m in _POLICY_ID.finditer(text)]
                for found in pattern.finditer(text):
                    if not any(a <= found.start() < b for a, b in texts):
                        return source.span_at(line, found.start() + 1, len(name)), text
    # a type written in quotes (`when "problem.In Progres"`), not in a title or a description
    for lines in (_policy_lines(policy, source, last), shared):
        for line in lines:
            text = source.line_text(line)
            if text.lstrip().startswith(_TEXT_CLAUSES):
                continue
            for found in _TEXT.finditer(text):
                if found.group()[1:-1] == name:
                    return source.span_at(line, found.start() + 1, len(found.group())), text
    return here, source.line_text(policy.line)


#: The id after `policy`, a name of the policy and never one it reads.
_POLICY_ID = re.compile(r"^\s*policy\s+(\S+)")

#: The clauses whose texts are words for people, never a name a policy reads.
_TEXT_CLAUSES = ("policy ", "description ", "owner ", "source ", "tags ", "param ")


def _policy_lines(policy: ir.Policy, source: Source, last: int) -> list[int]:
    """The policy's own lines: from its first line to the next policy."""
    lines = [policy.line]
    for line in range(policy.line + 1, last + 1):
        if source.line_text(line).startswith("policy "):
            break
        lines.append(line)
    return lines


def _shared_lines(policy: ir.Policy, source: Source) -> list[int]:
    """The lines of the shared definitions above the policy that it uses: each of its states
    and its metric, from the `state NAME` (`metric NAME`) line through its indented
    continuation lines."""
    names = [("state", state.name) for state in policy.states]
    if isinstance(policy.rule, ir.MetricCheck):
        names.append(("metric", policy.rule.metric.name))
    lines: list[int] = []
    for keyword, word in names:
        head = re.compile(rf"{keyword}\s+{re.escape(word)}(?![\w-])")
        for line in range(1, policy.line):
            if head.match(source.line_text(line)):
                lines.append(line)
                following = line + 1
                while following < policy.line and source.line_text(following)[:1].isspace():
                    lines.append(following)
                    following += 1
                break
    return lines


_TEXT = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def zoneless(policy_set: ir.PolicySet, offsets: list[int]) -> list[Diagnostic]:
    """A W403 warning for every policy that reads local time with no zone (neither its own nor
    the log mapping's: UTC) while the log's times have other offsets than UTC (`offsets`, in
    seconds, as `LogSet.sample_offsets` gives them)."""
    if not offsets or offsets == [0]:
        return []
    shown = ", ".join(show_offset(o) for o in offsets)
    return [
        warning(
            "W403",
            f"policy {policy.id} reads local time in UTC, but the log's times have the "
            f"offsets {shown}",
            Span(file=policy.file, line=policy.line, column=1, end_line=policy.line, end_column=1),
            'set the zone the times are local to: in the log mapping ([log] zone = "Area/City") '
            'or in the policy (zone "Area/City")',
        )
        for policy in policy_set.policies
        if policy.zone is None and uses_local_time(policy)
    ]


def show_offset(seconds: int) -> str:
    """An offset as ISO 8601 writes it.

    >>> show_offset(10800), show_offset(-16200), show_offset(0)
    ('+03:00', '-04:30', '+00:00')
    """
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"
