"""SQL plans, `matches`: the written pattern (cxrules/engines/sql/regex.py) means on DuckDB, and
on Java's regex (Spark's), exactly what the python engine's RE2 search means; what cannot be
written so is refused before any event is read."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules.engines.spark.dialect import DialectError, to_spark
from cxrules.engines.sql.regex import Unportable, java, write
from cxrules.ir.regex import compile_regex

duckdb = pytest.importorskip("duckdb")

# What only the SQL engines have: runs when duckdb is one of the engines tested.
pytestmark = pytest.mark.engines("duckdb")

#: (pattern, texts): each an edge where a regex engine other than google-re2 answers otherwise.
CASES = [
    # DuckDB's RE2 has older Unicode tables: U+2EBF0 (CJK Ext. I, Unicode 15.1) is \w here only
    (r"^\w+$", ["\U0002ebf0", "abc", "şikayet", "a b", ""]),
    (r"\d", ["٣", "x", "𝟙"]),
    (r"x\s", ["x\u2028", "x\x1c", "x\x85", "xy"]),
    (r"(?i)k", ["K", "k", "\u212a", "x"]),
    (r"(?i)şikayet", ["ŞİKAYET", "Şikayet", "sikayet"]),
    # (?i) takes I, i, İ and ı for one letter, as Python's re does (RE2 pairs only I and i)
    (r"(?i)iptal", ["İPTAL", "IPTAL", "ıptal", "iptal", "Iptal", "optal"]),
    (r"(?i)[^i]", ["İ", "ı", "I", "a"]),
    (r"(?i)^[a-z]+$", ["İPTAL", "ıi", "ğ"]),
    (r"(?i)[\u0130]", ["i", "I", "ı", "j"]),
    (r"(?i:x)(?-i:i)", ["Xİ", "Xi", "XI"]),
    # the escapes docs/language.md lists in RE2's spelling: \z and \x{…}
    (r"a\z", ["a", "a\n", "ab"]),
    (r"\x{1F642}|\x{130}", ["🙂", "İ", "i"]),
    (r"(?i)\x{131}", ["I", "ı", "x"]),
    (r"(?i)s", ["ſ", "S", "t"]),
    (r"a.b", ["a\nb", "a\rb", "a\u2028b", "a\x85b", "aéb"]),
    (r"(?s)a.b", ["a\nb", "a\rb"]),
    (r"c$", ["abc\n", "abc", "c\r"]),
    (r"^b", ["a\nb", "b"]),
    (r"a\Z", ["a\n", "a"]),
    (r"[^a]", ["a", "\n", "ä"]),
    (r"(?i)[a-c]+x", ["ABCX", "abx", "dx"]),
    (r"(a+)+$", ["a" * 40 + "!", "a" * 40]),
    (r"^\d{3}-\d{2,}$", ["123-45", "123-4", "١٢٣-٤٥"]),
    (r"colou?r|grey", ["color", "colour", "grey", "gray"]),
    (r"(?m)^b$", ["a\nb\nc", "ab", "a\rb\rc"]),
    (r"\bcancel\b", ["please cancel now", "cancelled", "cancel"]),
    # RE2's \b and \B know ASCII word characters only, whatever the flags; Java 17's \b knows
    # Unicode letters (ğ, ı, İ, the Kelvin sign are words to it, not to RE2)
    (
        r"(?i)\bsorun (değil|yok)\b",
        [
            "hiç sorun yok",
            "Bu SORUN DEĞİL",  # (?i): İ is i, as in Python
            "sorun değilmiş",
            "çsorun yok",
            "asorun yok",
            "sorun yokı",
            "sorun yok_",
            "SORUN YOK.",
        ],
    ),
    (r"\ba", ["ğa", "ba", "a", "_a", "\u0131a", "1a"]),
    (r"a\b", ["ağ", "ab", "a", "a\u0130"]),
    (r"(?i)\bk", ["\u212ak", "xk", "k", "\u212a"]),
    (r"\Ba\B", ["bab", "ğağ", "ba", "a", ""]),
    (r"x\B", ["x", "xğ", "xy", "x!"]),
    (r"\B", ["", "ab", "a", "ğ"]),
    # RE2's (?m) ^ and $ are at \n only; Java's also at \r, U+0085, U+2028, U+2029
    (r"(?m)a$", ["a\nb", "a\r\nb", "a\rb", "a\u2028b", "a\x85b", "a", "ba\n"]),
    (r"(?m)^b", ["a\rb", "a\u2029b", "a\nb", "a\r\nb", "b", "ab"]),
    (r"(?m)^$", ["", "a\n", "a\n\nb", "a\r\rb", "a"]),
    (r"[\w-]+@[\w.]+", ["ana@x.ro", "@x"]),
    (r"x{,2}y", ["y", "xxy"]),
    # \W, \S and \D outside [ ] (Python's parser reads each as a class of one category):
    # language.md's word boundary for Turkish letters
    (r"(^|\W)şikayet(\W|$)", ["bir şikayet var", "şikayetler", "şikayet", "ışikayet", "-şikayet."]),
    (r"^\S+$", ["abc", "a b", "a\u00a0b", "é"]),
    (r"\D\d", ["a1", "11", "٣1", "x٣"]),
    # RE2's Unicode classes (Python's parser has none): each stands in for itself
    (r"^\p{L}+$", ["şikayet", "abc1", "Привет", ""]),
    (r"(?i)^[\p{Lu} ]+$", ["ÇAĞ", "çağ", "A1"]),
    (r"\P{L}\pN", ["a1", " 1", "ab"]),
    (r"^\p{Greek}+$", ["αβγ", "abc"]),
    (r"\\p{L}", ["\\p{L}", "x"]),
]


def _duckdb(pattern: str, texts: list[str]) -> list[bool]:
    written = write(pattern)
    options = ", 'c'" if written.re2_only else ""
    rows = duckdb.connect().execute(
        f"SELECT regexp_matches(t, ?{options}) FROM unnest(?) AS u(t)", [written.text, texts]
    )
    return [bool(r[0]) for r in rows.fetchall()]


@pytest.mark.parametrize(("pattern", "texts"), CASES)
def test_duckdb_answers_as_the_python_engine(pattern: str, texts: list[str]) -> None:
    expected = [compile_regex(pattern).search(t) for t in texts]
    assert _duckdb(pattern, texts) == expected


def test_the_database_tables_are_not_used() -> None:
    # The pattern handed over as written would answer otherwise: DuckDB's \p{L} lacks U+2EBF0.
    con = duckdb.connect()
    (as_written,) = con.execute("SELECT regexp_matches(?, '^[\\p{L}]$')", ["\U0002ebf0"]).fetchone()
    assert as_written is False
    assert compile_regex(r"^\w$").search("\U0002ebf0") is True
    assert _duckdb(r"^\w$", ["\U0002ebf0"]) == [True]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "a backreference (\\1) is not supported"),
        (r"a(?=b)", "a lookahead (?=…) is not supported"),
        (r"[\p{L}-z]", "a \\p{…} class at the end of a range in [ ]"),
        (
            r"a(?i)b",
            "syntax Python's regex parser reads otherwise (global flags not at the start "
            "of the expression at position 1)",
        ),
        (r"(?x)a b", "the flag (?x) is not supported"),
    ],
)
def test_what_cannot_be_written_is_refused(pattern: str, reason: str) -> None:
    with pytest.raises(Unportable) as caught:
        write(pattern)
    assert str(caught.value).startswith(reason)


@pytest.mark.parametrize(
    ("pattern", "runs"),
    [(r"(?m)^b", True), (r"\bx", True), (r"(a+)+$", False), (r"a+b", True), (r"(ab|c)*", False)],
)
def test_spark_refuses_what_only_re2_runs_alike(pattern: str, runs: bool) -> None:
    written = write(pattern)
    assert written.re2_only is not runs
    options = ", 'c'" if written.re2_only else ""
    sql = f"SELECT regexp_matches(t, '{written.text}'{options}) FROM e"
    if runs:
        assert f"RLIKE '{java(written.text)}'".replace("\\", "\\\\") in to_spark(sql)
    else:
        with pytest.raises(DialectError, match="a 'matches' pattern"):
            to_spark(sql)


def test_the_anchors_are_rewritten_for_java() -> None:
    boundary = "(?:(?<=[0-9A-Za-z_])(?![0-9A-Za-z_])|(?<![0-9A-Za-z_])(?=[0-9A-Za-z_]))"
    assert write(r"\bx").text == "\\b[\\x{78}]"
    assert java(write(r"\bx").text) == boundary + "[\\x{78}]"
    assert java(write(r"(?m)^$").text) == "(?:\\A|(?<=\\n))(?=\\n|\\z)"
    assert java(write(r"\Bx\\b").text) == (
        "(?:(?<=[0-9A-Za-z_])(?=[0-9A-Za-z_])|(?<![0-9A-Za-z_])(?![0-9A-Za-z_]))"
        "[\\x{78}][\\x{5C}][\\x{62}]"
    )


def test_a_call_inside_a_rewritten_one_is_rewritten_too() -> None:
    # the rewriting went into no node it had just rewritten, so the macro under a `matches`
    # or under another macro kept its DuckDB name, which Spark cannot resolve (hunt41 finding-1)
    assert to_spark("SELECT regexp_matches(cx_upper(t), '^A') FROM e") == (
        "SELECT UPPER(`t`) RLIKE '^A' FROM `e`"
    )
    assert to_spark("SELECT cx_lower(cx_upper(t)), epoch_us(t) FROM e") == (
        "SELECT LOWER(UPPER(`t`)), UNIX_MICROS(`t`) FROM `e`"
    )
    # round_even is written out (Python's rounding of the double); its argument rewritten too
    rounded = to_spark("SELECT round_even(epoch_us(t), 0) FROM e")
    assert "ARRAY(CAST(UNIX_MICROS(`t`) AS DOUBLE))" in rounded
    assert "ROUND_EVEN" not in rounded.upper()


def test_sql_too_deep_for_sqlglot_is_refused_not_an_internal_error() -> None:
    # SQLGlot parses and writes recursively: 100 nested calls passed Python's recursion limit,
    # which the spark engine let out as 'internal error: RecursionError' (hunt41 finding-3)
    with pytest.raises(DialectError, match="an expression of operators nested this deep"):
        to_spark("SELECT " + "abs(" * 1000 + "t" + ")" * 1000 + " FROM e")


def test_sql_a_hundred_calls_deep_is_written_whatever_the_caller_s_stack() -> None:
    # about 1,000 frames deep (a sum of six attributes of unknown kinds) passed or failed by how
    # deep the caller's stack already was: the spark pass refused it under pytest
    def nested(depth: int) -> str:
        if depth:
            return nested(depth - 1)
        return to_spark("SELECT " + "abs(" * 100 + "t" + ")" * 100 + " FROM e")

    assert nested(600).count("ABS(") == 100


JAVA = """
import java.nio.file.*; import java.util.regex.*;
public class Find { public static void main(String[] a) throws Exception {
  for (String line : Files.readAllLines(Path.of(a[0]))) {
    String[] p = line.split("\\t", -1); StringBuilder out = new StringBuilder();
    Pattern r = Pattern.compile(dec(p[0]));
    for (int i = 1; i < p.length; i++) out.append(r.matcher(dec(p[i])).find() ? '1' : '0');
    System.out.println(out);
  } }
  static String dec(String hex) { StringBuilder s = new StringBuilder();
    for (String c : hex.split(",")) if (!c.isEmpty()) s.appendCodePoint(Integer.parseInt(c, 16));
    return s.toString(); } }
"""


def _hex(text: str) -> str:
    return ",".join(f"{ord(c):x}" for c in text)


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java to run Spark's regex")
def test_java_answers_as_the_python_engine(tmp_path: Path) -> None:
    """The patterns Spark is given (`re2_only` false, anchors rewritten by `java`) answer on
    java.util.regex as on RE2."""
    portable = [(p, texts) for p, texts in CASES if not write(p).re2_only]
    (tmp_path / "Find.java").write_text(JAVA)
    lines = [
        "\t".join([_hex(java(write(p).text))] + [_hex(t) for t in texts]) for p, texts in portable
    ]
    (tmp_path / "cases.txt").write_text("\n".join(lines) + "\n")
    run = subprocess.run(
        ["java", str(tmp_path / "Find.java"), str(tmp_path / "cases.txt")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = run.stdout.split()
    expected = [
        "".join("1" if compile_regex(p).search(t) else "0" for t in texts) for p, texts in portable
    ]
    assert json.dumps(found) == json.dumps(expected)


# Patterns built from pieces where engines tend to differ, and texts from the same letters.
PIECES = st.sampled_from(
    [
        "a",
        "b",
        "k",
        "K",
        "s",
        ".",
        "^",
        "$",
        r"\d",
        r"\w",
        r"\s",
        r"\W",
        r"\S",
        r"\D",
        "[a-c]",
        "[^b]",
        r"[\w]",
        r"[\d\s]",
        "é",
        "ſ",
        r"\n",
        r"\Z",
        r"\A",
        r"\b",
        r"\B",
        "|",
    ]
)
SUFFIX = st.sampled_from(["", "", "*", "+", "?", "{1,2}", "{,2}", "*?"])
LETTERS = st.sampled_from(list("abkKsS é\n\r٣\u212aſ\u2028_-x\U0002ebf0"))


@st.composite
def patterns(draw: st.DrawFn) -> str:
    flags = draw(st.sampled_from(["", "(?i)", "(?s)", "(?is)", "(?m)", "(?im)"]))
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        piece = draw(PIECES)
        if piece in ("|", "^", "$", r"\Z", r"\A", r"\b", r"\B"):
            parts.append(piece)
            continue
        if draw(st.booleans()) and parts:
            piece = f"({parts.pop()}{piece})"
        parts.append(piece + draw(SUFFIX))
    return flags + "".join(parts)


@settings(max_examples=60, deadline=None)
@given(patterns(), st.lists(st.text(LETTERS, max_size=6), min_size=1, max_size=8))
def test_generated_patterns_answer_alike(pattern: str, texts: list[str]) -> None:
    try:
        written = write(pattern)
    except Unportable:
        return
    del written
    assert _duckdb(pattern, texts) == [compile_regex(pattern).search(t) for t in texts]


def test_the_engines_refuse_before_reading_any_event() -> None:
    from engine_builders import attr, op, pat, policy, s, trig  # tests/engines is on the path

    from cxrules import ir
    from cxrules.engines.duckdb import DuckDBEngine
    from cxrules.engines.spark.engine import SparkEngine

    def limits(engine: DuckDBEngine | SparkEngine, pattern: str) -> list[str]:
        rule = ir.ValueCheck(trigger=trig(pat("x")), condition=op("matches", attr("t"), s(pattern)))
        problems = engine.limits(ir.PolicySet(policies=(policy(rule),)))
        return [f"{p.code} {p.message}" for p in problems]

    assert limits(DuckDBEngine(), r"a(?i)b") == [
        "E302 policy p.test (:0) cannot run on the duckdb engine: 'matches' with the pattern "
        "'a(?i)b' (syntax Python's regex parser reads otherwise (global flags not at the start "
        "of the expression at position 1)) cannot be run as SQL yet"
    ]
    assert limits(DuckDBEngine(), r"(?m)^a") == limits(DuckDBEngine(), r"^\d+$") == []
    (refused,) = limits(SparkEngine(), r"(a+)+$")
    assert refused.startswith("E302 policy p.test (:0) cannot run on the spark engine: a 'matches'")
    assert limits(SparkEngine(), r"^\d+$") == limits(SparkEngine(), r"(?m)^a\b") == []
