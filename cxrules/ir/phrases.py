"""Compiled stage, phrases: event types, conditions and values of the compiled form as English
words, kept as pieces (words, and names quoted from the policy) so that one explanation renders as
plain text or as Markdown with every piece escaped.

An event type named like `complaint.filed` (a noun, a dot, a past participle) reads as a clause:
"a complaint is filed", "a technician arrives", "a staff member says something". Any other name
(`accepted.in_progress`, `şikayet.açıldı`, `call.*`) is quoted as it is: "an `accepted.in_progress`
event occurs". Nothing is guessed beyond the small word lists below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from cxrules import ir
from cxrules.diagnostics import unmarked
from cxrules.ir.text import number, ordinal, percent
from cxrules.language.fmt import quote

# --------------------------------------------------------------------------- pieces


@dataclass(frozen=True)
class Code:
    """A name or value quoted from the policy (an event type, an attribute, a text value)."""

    text: str


Piece = str | Code
Phrase = list[Piece]


def cat(*parts: Piece | Iterable[Piece] | None) -> Phrase:
    """Pieces and phrases joined into one phrase (None parts are skipped)."""
    out: Phrase = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str | Code):
            out.append(part)
        else:
            out.extend(part)
    return out


def join(items: list[Phrase], last: str = " and ", sep: str = ", ") -> Phrase:
    """'a', 'a and b', 'a, b and c'."""
    out: Phrase = []
    for n, item in enumerate(items):
        if n:
            out.append(last if n == len(items) - 1 else sep)
        out.extend(item)
    return out


def plain(phrase: Phrase) -> str:
    """The phrase as plain text (names as they are).

    >>> plain(["where ", Code("channel"), " is ", Code('"sms"')])
    'where channel is "sms"'
    """
    return "".join(p if isinstance(p, str) else p.text for p in phrase)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&!])")


def markdown(phrase: Phrase) -> str:
    """The phrase as Markdown: words escaped, names as code spans (nothing can become a link,
    HTML, emphasis or a heading).

    >>> markdown(["a *bold* <b>", Code("x`y")])
    'a \\\\*bold\\\\* \\\\<b\\\\>``x`y``'
    """
    out = []
    for piece in phrase:
        if isinstance(piece, str):
            out.append(_MD_SPECIAL.sub(r"\\\1", " ".join(piece.splitlines())))
        else:
            out.append(code_span(piece.text))
    return "".join(out)


def code_span(text: str) -> str:
    """A Markdown code span for any text: the fence is longer than any run of backticks in it.

    >>> code_span("a.b"), code_span("x`y"), code_span("`")
    ('`a.b`', '``x`y``', '`` ` ``')
    """
    text = " ".join(text.splitlines())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def capitalize(phrase: Phrase) -> Phrase:
    """The phrase with its first letter in upper case (a name quoted first is left alone)."""
    if phrase and isinstance(phrase[0], str) and phrase[0]:
        return [phrase[0][0].upper() + phrase[0][1:], *phrase[1:]]
    return phrase


#: Words said letter by letter although they hold a vowel: 'an SLA', 'an RMA'.
_SPELLED = {"nda", "mri", "rma", "sla"}


def article(word: str) -> str:
    """'a' or 'an' before a word.

    >>> [article(w) for w in ("complaint", "order", "user", "hour", "`x`")]
    ['a', 'an', 'a', 'an', 'a']
    >>> [article(w) for w in ("sms", "sla", "hr", "crm", "x.y", "nps", "faq")]
    ['an', 'an', 'an', 'a', 'an', 'an', 'a']

    Turkish and Romanian letters are read as the letters they carry a mark on, so a word is not
    cut at its first 'ü' or 'ș' and taken for letters said one by one:

    >>> [article(w) for w in ("müşteri.girdi", "şikayet", "çağrı", "ıslak", "ödeme", "țară")]
    ['a', 'a', 'a', 'an', 'an', 'a']
    """
    w = unmarked(word.lower())
    head = re.split(r"[^a-z]", w, maxsplit=1)[0]
    if head in _SPELLED or (head and len(head) <= 4 and not re.search("[aeiouy]", head)):
        # said letter by letter: 'an SMS', 'an SLA', 'an HR', 'a CRM', 'an x.y event'
        return "an" if head[0] in "aefhilmnorsx" else "a"
    if w.startswith(("hour", "honest", "honour", "heir")):
        return "an"
    if w.startswith(("uni", "use", "usu", "uti", "eu", "one", "once")):
        return "a"
    return "an" if w[:1] in "aeiou" and w[:1] != "" else "a"


# --------------------------------------------------------------------------- values


def compact_duration(seconds: float) -> str:
    """A duration in its largest whole unit, as a policy writes it.

    >>> [compact_duration(s) for s in (30, 60, 90, 7200, 86400, 604800, 0.5)]
    ['30s', '1min', '90s', '2h', '1d', '1w', '0.5s']
    """
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("min", 60)):
        if seconds and seconds % size == 0:
            return f"{number(seconds / size)}{unit}"
    return f"{number(seconds)}s"


def duration(d: ir.Duration | None) -> str:
    """A duration as written in the policy ('16 business hours', '30min')."""
    if d is None:
        return "no limit"
    return d.text or compact_duration(d.seconds)


def humanize(name: str) -> str:
    """A state's name read as words: 'waiting_on_customer' → 'waiting on customer'."""
    return name.replace("_", " ")


# --------------------------------------------------------------------------- event types

_NOUN = re.compile(r"[a-z][a-z_]*")
_VERB = re.compile(r"[a-z]+")

#: Verbs whose subject acts (no passive): participle → (base, third person).
_ACTIVE: dict[str, tuple[str, str]] = {
    "arrived": ("arrive", "arrives"),
    "left": ("leave", "leaves"),
    "entered": ("enter", "enters"),
    "exited": ("exit", "exits"),
    "departed": ("depart", "departs"),
    "waited": ("wait", "waits"),
    "failed": ("fail", "fails"),
    "expired": ("expire", "expires"),
    "happened": ("happen", "happens"),
    "occurred": ("occur", "occurs"),
    "joined": ("join", "joins"),
    "connected": ("connect", "connects"),
    "disconnected": ("disconnect", "disconnects"),
    "replied": ("reply", "replies"),
    "responded": ("respond", "responds"),
    "complained": ("complain", "complains"),
    "churned": ("churn", "churns"),
    "came": ("come", "comes"),
    "went": ("go", "goes"),
}

#: Verbs that a person does to someone else: with a person as subject they stay active.
_PERSON_ACTIVE: dict[str, tuple[str, str, str]] = {
    "greeted": ("greet", "greets", "greeted"),
    "said": ("say something", "says something", "said something"),
    "called": ("call", "calls", "called"),
    "phoned": ("phone", "phones", "phoned"),
    "answered": ("answer", "answers", "answered"),
    "asked": ("ask", "asks", "asked"),
    "wrote": ("write", "writes", "written"),
    "apologized": ("apologize", "apologizes", "apologized"),
    "apologised": ("apologise", "apologises", "apologised"),
    "thanked": ("thank", "thanks", "thanked"),
    "warned": ("warn", "warns", "warned"),
    "visited": ("visit", "visits", "visited"),
    "smiled": ("smile", "smiles", "smiled"),
}

_PERSONS = {
    "agent",
    "assistant",
    "caller",
    "cashier",
    "clerk",
    "client",
    "courier",
    "customer",
    "driver",
    "employee",
    "engineer",
    "guest",
    "host",
    "manager",
    "operator",
    "requester",
    "staff",
    "technician",
    "user",
    "waiter",
}

#: Things that are left by someone rather than leave: "a voicemail is left", not "a voicemail
#: leaves" (`left` is active for everything else: a customer, an arm, a package leaves).
_LEFT_BEHIND = {
    "comment",
    "feedback",
    "message",
    "note",
    "rating",
    "review",
    "tip",
    "voicemail",
}

#: Nouns without 'a': "water is served", "no marketing may be sent".
_MASS = {
    "advice",
    "bread",
    "coffee",
    "equipment",
    "feedback",
    "food",
    "help",
    "information",
    "mail",
    "marketing",
    "spam",
    "staff",
    "support",
    "tea",
    "water",
}

_IRREGULAR = {
    "begun",
    "bought",
    "broken",
    "built",
    "chosen",
    "cut",
    "done",
    "drawn",
    "found",
    "given",
    "held",
    "hidden",
    "kept",
    "lost",
    "made",
    "met",
    "paid",
    "put",
    "read",
    "reset",
    "run",
    "seen",
    "sent",
    "set",
    "shown",
    "shut",
    "sold",
    "spent",
    "split",
    "spoken",
    "taken",
    "told",
    "undone",
    "withdrawn",
    "won",
    "written",
}

Form = Literal["present", "must", "must_have", "may", "never"]


@dataclass(frozen=True)
class EventWords:
    """How one event type reads. `noun` is None when the type is quoted as it is."""

    type: str
    noun: str | None = None
    verb: str = ""
    voice: Literal["passive", "active", "code"] = "code"
    base: str = ""
    third: str = ""
    participle: str = ""

    def subject(self, it: bool = False, no: bool = False) -> Phrase:
        """'a complaint', 'it', 'no marketing', 'a staff member', 'a `x.y` event'."""
        if it and self.noun is not None:
            return ["it"]
        if self.type == "*":  # any event, not 'a * event'
            return ["no event" if no else "an event"]
        if self.noun is None:
            head = "no" if no else article(self.type)
            return [f"{head} ", Code(self.type), " event"]
        noun = "staff member" if self.noun == "staff" else self.noun
        if no:
            return [f"no {noun}"]
        if self.noun in _MASS and self.noun != "staff":
            return [noun]
        return [f"{article(noun)} {noun}"]

    def clause(self, form: Form = "present", it: bool = False) -> Phrase:
        """The event happening, in a form: 'a complaint is filed' (present), 'it must be
        answered' (must), 'a notification must have been sent' (must_have), 'a complaint may be
        filed' (may), 'no marketing may be sent' (never)."""
        subject = self.subject(it=it, no=form == "never")
        if form == "never" and subject == ["it"]:
            negated = f"be {self.participle}" if self.voice == "passive" else self.base
            return ["it must not ", negated]
        if self.voice == "code":
            verb = {
                "present": "occurs",
                "must": "must occur",
                "must_have": "must have occurred",
                "may": "may occur",
                "never": "may occur",
            }[form]
        elif self.voice == "passive":
            p = self.participle
            verb = {
                "present": f"is {p}",
                "must": f"must be {p}",
                "must_have": f"must have been {p}",
                "may": f"may be {p}",
                "never": f"may be {p}",
            }[form]
        else:
            verb = {
                "present": self.third,
                "must": f"must {self.base}",
                "must_have": f"must have {self.participle}",
                "may": f"may {self.base}",
                "never": f"may {self.base}",
            }[form]
        return [*subject, " ", verb]


def event_words(event_type: str) -> EventWords:
    """How an event type reads in a sentence.

    >>> plain(event_words("complaint.filed").clause())
    'a complaint is filed'
    >>> plain(event_words("technician.arrived").clause("must"))
    'a technician must arrive'
    >>> plain(event_words("staff.said").clause("never"))
    'no staff member may say something'
    >>> plain(event_words("accepted.in_progress").clause())
    'an accepted.in_progress event occurs'
    """
    noun, dot, verb = event_type.rpartition(".")
    if not dot or not _NOUN.fullmatch(noun) or not _VERB.fullmatch(verb) or noun.endswith("ed"):
        return EventWords(type=event_type)
    words = noun.replace("_", " ")
    if verb == "left" and noun.rpartition("_")[2] in _LEFT_BEHIND:
        return EventWords(event_type, words, verb, "passive", participle=verb)
    if verb in _ACTIVE:
        base, third = _ACTIVE[verb]
        return EventWords(event_type, words, verb, "active", base, third, verb)
    if noun in _PERSONS and verb in _PERSON_ACTIVE:
        base, third, participle = _PERSON_ACTIVE[verb]
        return EventWords(event_type, words, verb, "active", base, third, participle)
    if verb.endswith("ed") or verb in _IRREGULAR:
        return EventWords(event_type, words, verb, "passive", participle=verb)
    return EventWords(type=event_type)


class Pattern:
    """A compiled pattern read as words: its types (one clause each, joined with 'or') and its
    condition ('where …')."""

    def __init__(self, pattern: ir.Pattern, it_noun: str | None = None) -> None:
        self.pattern = pattern
        self.events = [event_words(t) for t in pattern.types]
        self.it_noun = it_noun

    @property
    def noun(self) -> str | None:
        """The noun of a single-type pattern (None for several types or a quoted type)."""
        return self.events[0].noun if len(self.events) == 1 else None

    def clause(self, form: Form = "present", where: bool = True) -> Phrase:
        """'a complaint is filed where channel is "phone"', 'it must be answered'. Two types
        read as two clauses joined by 'or' when they happen ('a technician arrives or a courier
        arrives'); otherwise several types are named together ('no x.a or x.b event may occur'),
        so that a negation covers them all, and so that a condition covers them all: 'a x.a or
        x.b event occurs where …' (two clauses would leave it to the second)."""
        events = self.events
        conditioned = where and self.pattern.where is not None
        if len(events) == 1 or (len(events) == 2 and form == "present" and not conditioned):
            parts = [
                e.clause(form, it=self.it_noun is not None and e.noun == self.it_noun)
                for e in events
            ]
            head = join(parts, last=" or ")
        else:
            names: Phrase = join([[Code(e.type)] for e in events], last=" or ")
            lead = "no " if form == "never" else f"{article(events[0].type)} "
            # ' event may occur': the words after the name of a quoted type
            head = [lead, *names, *EventWords(type="x").clause(form)[2:]]
        if where and self.pattern.where is not None:
            return cat(head, self.where())
        return head

    def where(self, lead: str = " where ") -> Phrase:
        """' where <condition>', or nothing."""
        if self.pattern.where is None:
            return []
        return cat(lead, words(self.pattern.where))

    def types(self) -> Phrase:
        """The types as quoted names: 'call.answered', 'water.served or bread.served'."""
        return join([[Code(t)] for t in self.pattern.types], last=" or ")


# --------------------------------------------------------------------------- expressions

_COMPARE = {
    "==": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
}
_COMPARE_TIME = {
    "==": "is",
    "!=": "is not",
    "<": "is before",
    "<=": "is at or before",
    ">": "is after",
    ">=": "is at or after",
}
_ARITHMETIC = {"+": " + ", "-": " - ", "*": " × ", "/": " / "}
_OF = {"event": "", "trigger": " of the triggering event", "previous": " of the previous event"}
_LOCAL = {
    "time_of_day": "the local time",
    "date": "the local date",
    "weekday": "the weekday (1 = Monday)",
    "hour": "the local hour",
}


def _lit(e: ir.Lit) -> Phrase:
    v = e.value
    if e.type == "percent" and isinstance(v, int | float):
        return [percent(float(v))]
    if e.type == "duration" and isinstance(v, int | float):
        return [compact_duration(float(v))]
    if e.type == "time_of_day" and isinstance(v, int | float):
        h, rest = divmod(int(v), 3600)
        m, s = divmod(rest, 60)
        return [f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")]
    if e.type == "string":
        return [Code(quote(str(v)))]
    if e.type == "date":
        return [str(v)]
    if e.type == "bool":
        return ["true" if v else "false"]
    if v is None:
        return ["null"]
    return [number(v) if isinstance(v, int | float) else str(v)]


def _is_time(e: Any) -> bool:
    if isinstance(e, ir.Time):
        return True
    if isinstance(e, ir.Local):
        return e.part in ("time_of_day", "date")
    if isinstance(e, ir.Lit):
        return e.type in ("time_of_day", "date")
    return isinstance(e, ir.History) and e.fn != "count" and e.field is None


def _history(e: ir.History) -> Phrase:
    p = Pattern(e.pattern)
    # `count(*)`: 'the number of earlier events', not 'of earlier * events'
    any_type = e.pattern.types == ("*",)
    kinds = cat("events" if any_type else cat(p.types(), " events"), p.where())
    if e.fn == "count":
        if e.include_current:
            return cat("the number of ", kinds, " so far, this one included")
        return cat("the number of earlier ", kinds)
    which = "last" if e.fn == "last" else "first"
    what: Phrase = [Code(e.field)] if e.field else ["time"]
    single = cat("event" if any_type else cat(p.types(), " event"), p.where())
    return cat("the ", what, f" of the {which} ", single)


def _call(e: ir.Call) -> Phrase:
    args = [words(a) for a in e.args]
    if e.fn == "clamp" and len(args) == 3:
        return cat("(", args[0], ", kept between ", args[1], " and ", args[2], ")")
    if e.fn in ("min", "max"):
        return cat("the ", "lowest" if e.fn == "min" else "highest", " of ", join(args))
    if e.fn == "abs":
        return cat("the absolute value of ", args[0])
    if e.fn == "round":
        digits = f" to {plain(args[1])} decimals" if len(args) > 1 else ""
        return cat(_wrapped(e.args[0]), f" rounded{digits}")
    if e.fn in ("lower", "upper"):
        return cat(_wrapped(e.args[0]), f" in {e.fn} case")
    if e.fn == "trim":
        return cat(_wrapped(e.args[0]), " without spaces at its ends")
    if e.fn == "length":
        return cat("the length of ", args[0])
    return cat(f"{e.fn}(", join(args, last=", "), ")")


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _wrapped(e: Any, parent: str = "", right: bool = False) -> Phrase:
    """Words for a sub-expression, in parentheses when it is an operation that would otherwise
    read differently: `a - (b + c)` keeps them, `a + b * c` needs none."""
    inner = words(e)
    if isinstance(e, ir.Binary) and e.op in _PRECEDENCE and parent in _PRECEDENCE:
        mine, theirs = _PRECEDENCE[e.op], _PRECEDENCE[parent]
        if mine > theirs or (mine == theirs and not (right and parent in "-/")):
            return inner
    if isinstance(e, ir.Binary | ir.Between | ir.Missing | ir.In | ir.Unary):
        return cat("(", inner, ")")
    return inner


def words(e: Any) -> Phrase:
    """An expression read as words: `score <= 6` → 'score is at most 6'.

    >>> plain(words(ir.Binary(op="<", left=ir.Local(part="time_of_day"),
    ...                       right=ir.Lit(value=43200.0, type="time_of_day"))))
    'the local time is before 12:00'
    """
    if isinstance(e, ir.Lit):
        return _lit(e)
    if isinstance(e, ir.Attr):
        return ["the ", Code(e.path), _OF[e.of]] if e.of != "event" else [Code(e.path)]
    if isinstance(e, ir.Time):
        return ["the time" + _OF[e.of]]
    if isinstance(e, ir.Local):
        return [_LOCAL[e.part] + _OF[e.of]]
    if isinstance(e, ir.History):
        return _history(e)
    if isinstance(e, ir.Changes):
        return cat("the number of times ", Code(e.path), " changed")
    if isinstance(e, ir.StateRef):
        name = humanize(e.name)
        return [f"the number of open {name} states"] if e.fn == "count" else [f"{name} holds"]
    if isinstance(e, ir.Unary):
        return cat("not ", _wrapped(e.operand)) if e.op == "not" else cat("-", _wrapped(e.operand))
    if isinstance(e, ir.Binary):
        return _binary(e)
    if isinstance(e, ir.Between):
        return cat(words(e.value), " is between ", words(e.low), " and ", words(e.high))
    if isinstance(e, ir.Missing):
        return cat(words(e.value), " is present" if e.negated else " is missing")
    if isinstance(e, ir.In):
        verb = " is none of " if e.negated else " is one of "
        return cat(words(e.value), verb, join([words(o) for o in e.options], last=", "))
    if isinstance(e, ir.Call):
        return _call(e)
    return [str(e)]


def _binary(e: ir.Binary) -> Phrase:
    if e.op in ("and", "or"):
        parts = []
        for side in (e.left, e.right):
            nested = isinstance(side, ir.Binary) and side.op in ("and", "or") and side.op != e.op
            parts.append(cat("(", words(side), ")") if nested else words(side))
        return cat(parts[0], f" {e.op} ", parts[1])
    if e.op in _ARITHMETIC:
        left, right = _wrapped(e.left, e.op), _wrapped(e.right, e.op, right=True)
        return cat(left, _ARITHMETIC[e.op], right)
    if e.op == "contains":
        return cat(_wrapped(e.left), " contains ", _wrapped(e.right))
    if e.op == "matches":
        return cat(_wrapped(e.left), " matches the pattern ", words(e.right))
    table = _COMPARE_TIME if _is_time(e.left) or _is_time(e.right) else _COMPARE
    return cat(_wrapped(e.left), f" {table[e.op]} ", _wrapped(e.right))


def must(e: Any) -> Phrase:
    """A condition as a requirement: `battery >= 90%` → 'battery must be at least 90%'.

    >>> plain(must(ir.Missing(value=ir.Attr(path="channel"), negated=True)))
    'channel must be present'
    >>> plain(must(ir.Unary(op="not", operand=ir.StateRef(name="parked", fn="active"))))
    'parked must not hold'
    """
    if isinstance(e, ir.Binary):
        if e.op == "and":
            return cat(must(e.left), " and ", must(e.right))
        if e.op in _COMPARE:
            table = _COMPARE_TIME if _is_time(e.left) or _is_time(e.right) else _COMPARE
            verb = "must not be" if e.op == "!=" else "must be" + table[e.op].removeprefix("is")
            return cat(_wrapped(e.left), f" {verb} ", _wrapped(e.right))
        if e.op == "contains":
            return cat(_wrapped(e.left), " must contain ", _wrapped(e.right))
        if e.op == "matches":
            return cat(_wrapped(e.left), " must match the pattern ", words(e.right))
    if isinstance(e, ir.Between):
        return cat(words(e.value), " must be between ", words(e.low), " and ", words(e.high))
    if isinstance(e, ir.Missing):
        return cat(words(e.value), " must be present" if e.negated else " must be missing")
    if isinstance(e, ir.In):
        verb = " must not be one of " if e.negated else " must be one of "
        return cat(words(e.value), verb, join([words(o) for o in e.options], last=", "))
    if isinstance(e, ir.StateRef) and e.fn == "active":
        return [f"{humanize(e.name)} must hold"]
    if isinstance(e, ir.Unary) and isinstance(e.operand, ir.StateRef) and e.operand.fn == "active":
        return [f"{humanize(e.operand.name)} must not hold"]  # `always not parked`
    return cat("it must hold that ", words(e))


def ordinal_times(n: int) -> str:
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


__all__ = [
    "Code",
    "EventWords",
    "Pattern",
    "Phrase",
    "Piece",
    "capitalize",
    "cat",
    "code_span",
    "compact_duration",
    "duration",
    "event_words",
    "humanize",
    "join",
    "markdown",
    "must",
    "ordinal",
    "ordinal_times",
    "plain",
    "words",
]
