"""Property tests (hypothesis): mutated policy text only ever yields diagnostics, never an
exception; formatting keeps the tree and is idempotent, over the seed library and over generated
policies.

The number of examples follows the hypothesis profile chosen in tests/conftest.py (CI selects
'ci'): each test runs a share of the profile's `max_examples`, so the whole module stays fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxrules.diagnostics import Level, render_json, render_text
from cxrules.language import ast
from cxrules.language.fmt import format_file, strip_spans
from cxrules.language.parser import keyword_texts, parse
from cxrules.policyset import load_policies
from cxrules.source import Source

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "policies").glob("*.cxr"))
BROKEN = sorted((ROOT / "tests" / "checker" / "broken").glob("*.cxr"))
BASES = [p.read_text(encoding="utf-8") for p in SEEDS + BROKEN]
KEYWORDS = sorted(set(keyword_texts().values()))


def examples(share: float) -> settings:
    """Settings running `share` of the active profile's examples (at least 5)."""
    active = settings.default
    return settings(
        max_examples=max(5, int(active.max_examples * share)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------------- (a) mutations

SNIPPETS = st.sampled_from(
    [
        *KEYWORDS,
        '"',
        "'",
        "`",
        "(",
        ")",
        "[",
        "]",
        ",",
        ":",
        ".",
        "=",
        "==",
        "%",
        "#",
        "\\",
        "-",
        "*",
        "3rd",
        "0th",
        "24:61",
        "2026-02-30",
        "5min",
        "2 business hours",
        "\n",
        "\t",
        "  ",
        "şikayet.açıldı",
        "ığșț",
        "\u201c",
        "\u00a0",
        "\x00",
        "\r",
        "🙂",
        "\ufeff",
        "when a.b",
        "expect c.d within 1h",
        "policy x.y",
        'policy z.z "T"',
        "require",
        "per",
        "metric m = count(a.b)",
        "state s = a.b until c.d",
        'use "x.cxr"',
        'use "../x.cxr"',
    ]
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "swap", "truncate", "dup"]))
        n = len(text)
        at = draw(st.integers(0, n))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "insert":
            piece = draw(SNIPPETS | st.text(min_size=1, max_size=5))
            text = text[:at] + piece + text[at:]
        elif kind == "replace" and n:
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
        elif kind == "swap":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == "truncate":
            text = text[:at]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
    return text


def _spans_are_inside(diagnostics: list, text: str) -> None:
    line_count = max(1, len(text.replace("\r\n", "\n").split("\n")))
    for d in diagnostics:
        if d.span is not None:
            assert 1 <= d.span.line <= line_count, d
            assert d.span.column >= 1, d


@examples(0.5)
@given(mutated())
def test_parse_never_raises(text: str) -> None:
    result, diagnostics = parse(Source(name="m.cxr", text=text))
    if result is None:
        assert diagnostics and all(d.level is Level.ERROR for d in diagnostics)
    else:
        assert diagnostics == []
    _spans_are_inside(diagnostics, text)
    render_text(diagnostics)
    render_json(diagnostics)


_WORKDIR = tempfile.TemporaryDirectory(prefix="cxrules-props-")
# The seed library's shared file beside the mutated one, so that `use "common.cxr"` resolves.
(Path(_WORKDIR.name) / "common.cxr").write_text((ROOT / "policies/common.cxr").read_text())


@examples(0.5)
@given(mutated())
def test_load_policies_never_raises(text: str) -> None:
    root = Path(_WORKDIR.name)
    path = root / "m.cxr"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    loaded = load_policies([str(path)], root=root)
    assert (loaded.policy_set is None) == any(d.level is Level.ERROR for d in loaded.diagnostics)
    render_text(loaded.diagnostics)


# --------------------------------------------------------------------------- (b) fmt round trip


def _tree(text: str) -> ast.PolicyFile:
    result, problems = parse(Source(name="g.cxr", text=text))
    assert problems == [], [p.render() for p in problems] + [text]
    assert result is not None
    return result


def test_seed_library_round_trips() -> None:
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        once = format_file(_tree(text), text)
        assert strip_spans(_tree(once)) == strip_spans(_tree(text))
        assert format_file(_tree(once), once) == once


LETTERS = st.sampled_from(list("abcdefgkmnprstuvwyzçğışöüâîșțăé"))
WORD = st.text(LETTERS, min_size=1, max_size=6).filter(lambda w: w not in KEYWORDS)
EVENT = st.builds(lambda a, b: f"{a}.{b}", WORD, WORD)
TITLE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'), max_size=20
)
DURATION = st.sampled_from(["30s", "5min", "2h", "1d", "1w", "90 seconds", "2 hours", "3 days"])
NUMBER = st.sampled_from(["0", "1", "3", "2.5", "100"])
LITERAL = NUMBER | st.sampled_from(
    ['"sms"', '"Iași"', "80%", "12:00", "2026-12-31", "true", "null"]
)


@st.composite
def condition(draw: st.DrawFn, depth: int = 2) -> str:
    """A where-condition over event attributes."""
    attr = draw(WORD)
    leaf = draw(
        st.sampled_from(
            [
                f"{attr} == {draw(LITERAL)}",
                f"{attr} != {draw(LITERAL)}",
                f"{attr} >= {draw(NUMBER)}",
                f"{attr} in [{draw(LITERAL)}, {draw(LITERAL)}]",
                f"{attr} not in [{draw(LITERAL)}]",
                f'{attr} contains "x"',
                f'{attr} matches "^a+$"',
                f"{attr} is missing",
                f"{attr} is not missing",
                f"{attr} between {draw(NUMBER)} and 100",
                f"{attr} + 1 > {draw(NUMBER)} * 2",
                f"-{attr} < 0",
                f"count({draw(EVENT)}) >= {draw(NUMBER)}",
                f"last({draw(EVENT)}).{draw(WORD)} == trigger.{attr}",
                f"changes({attr}) > 3",
                f'lower({attr}) == "a"',
                "local_time < 12:00",
            ]
        )
    )
    if depth == 0:
        return leaf
    op = draw(st.sampled_from(["", "and", "or", "not", "paren"]))
    if op in ("and", "or"):
        return f"{leaf} {op} {draw(condition(depth - 1))}"
    if op == "not":
        return f"not {leaf}"
    if op == "paren":
        return f"({leaf} or {draw(condition(depth - 1))}) and {draw(condition(0))}"
    return leaf


@st.composite
def pattern(draw: st.DrawFn) -> str:
    types = draw(st.lists(EVENT, min_size=1, max_size=3))
    text = types[0] if len(types) == 1 else "[" + ", ".join(types) + "]"
    if draw(st.booleans()):
        text += f" where {draw(condition())}"
    return text


@st.composite
def timing(draw: st.DrawFn) -> str:
    d1, d2 = draw(DURATION), draw(DURATION)
    return draw(
        st.sampled_from(
            [
                f"within {d1}",
                f"within {d1} before",
                "before",
                "after",
                f"at least {d1} before",
                f"at most {d1} after",
                f"between {d1} and {d2} before",
                "by end of day",
                "by 18:00",
                f"by last({draw(EVENT)}).deadline",
            ]
        )
    )


@st.composite
def rule(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(
            [
                "require",
                "forbid",
                "response",
                "forbid_after",
                "value",
                "rate",
                "invariant",
                "metric",
            ]
        )
    )
    trig = draw(pattern())
    if draw(st.booleans()):
        trig = f"{draw(st.sampled_from(['1st', '2nd', '3rd', '11th']))} {draw(EVENT)} within 30d"
    if kind == "require":
        return f"require {draw(pattern())} at least {draw(st.integers(1, 5))} times"
    if kind == "forbid":
        return f"forbid {draw(pattern())}"
    if kind == "response":
        each = "each " if draw(st.booleans()) else ""
        unless = f"\n  unless {draw(pattern())}" if draw(st.booleans()) else ""
        return f"when {trig}\n  expect {each}{draw(EVENT)} {draw(timing())}{unless}"
    if kind == "forbid_after":
        return f"when {trig}\n  forbid {draw(EVENT)} within {draw(DURATION)}"
    if kind == "value":
        return f"when {trig}\n  require {draw(condition())}"
    if kind == "rate":
        return f"at most {draw(st.integers(1, 9))} {draw(pattern())} within {draw(DURATION)}"
    if kind == "invariant":
        return (
            f"state conn = {draw(EVENT)} until {draw(EVENT)}, by arm\n"
            f"  while {draw(EVENT)} until {draw(EVENT)}:\n"
            f"    always count(conn) >= 1, grace {draw(DURATION)}"
        )
    fn = draw(st.sampled_from(["count", "share", "nps", "ratio"]))
    body = {
        "count": f"count({draw(EVENT)})",
        "share": f"share({draw(EVENT)} within 20s of {draw(EVENT)})",
        "nps": f"nps(score of {draw(EVENT)})",
        "ratio": f"ratio({draw(EVENT)}, {draw(EVENT)})",
    }[fn]
    threshold = "80%" if fn in ("share", "ratio") else "40"
    return f"metric m = {body}\n    per {draw(WORD)}\n    per month\n  require m >= {threshold}"


@st.composite
def policy_file(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(f"# {draw(TITLE)}")
    if draw(st.booleans()):
        parts.append(f"param limit_{draw(WORD)} = {draw(DURATION)}")
    for i in range(draw(st.integers(1, 3))):
        lines = [f'policy {draw(WORD)}.p{i} "{draw(TITLE)}"']
        if draw(st.booleans()):
            lines.append(f"  severity {draw(st.sampled_from(['info', 'low', 'high']))}")
        if draw(st.booleans()):
            lines.append(f'  owner "{draw(TITLE)}"  # {draw(TITLE)}')
        if draw(st.booleans()):
            lines.append(f'  tags {draw(WORD)}, "{draw(TITLE)}"')
        if draw(st.booleans()):
            lines.append(f"  per {draw(WORD)}, {draw(WORD)}.{draw(WORD)}")
        lines.append("  " + draw(rule()))
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


@examples(0.5)
@given(policy_file())
def test_generated_policies_round_trip(text: str) -> None:
    original = _tree(text)
    once = format_file(original, text)
    reparsed = _tree(once)
    assert strip_spans(reparsed) == strip_spans(original)
    assert format_file(reparsed, once) == once
    # Checking and compiling a well-formed file may find problems, but never raises.
    root = Path(_WORKDIR.name)
    (root / "g.cxr").write_text(text, encoding="utf-8")
    loaded = load_policies([str(root / "g.cxr")], root=root)
    assert (loaded.policy_set is None) == any(d.level is Level.ERROR for d in loaded.diagnostics)
