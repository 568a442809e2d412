"""Turkish and Romanian text in conditions and sentences, on every engine (hunt 8): `(?i)` takes
I, i, İ and ı for one letter as Python's `re` does, and a sentence quotes a scope or group value
that would not show (empty, or with spaces at an end). Expected values by hand."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import engine_builders
from engine_builders import Log, counts, run, tally

from cxrules import ir
from cxrules.engines.sql.exprs import SPACES, stripped

HEAD = """policy p.test "Test policy"
  owner "Customer care"
  description "Hunt 8"
"""


def compiled(tmp_path: Path, body: str) -> ir.Policy:
    return engine_builders.compiled(tmp_path, body, HEAD)


def test_ignore_case_takes_the_turkish_capital_i_for_i(tmp_path: Path) -> None:
    # Lines 1-3 start with "cancelled" (iptal) in some case: all caps with İ, a Latin capital
    # I, a dotless ı. Line 4 has it later in the line; line 5 after an x, where case counts.
    rule = compiled(tmp_path, '  forbid chat.line where text matches "(?i)^iptal|^x(?-i:iptal)"\n')
    log = Log()
    log.add("+0s", "chat.line", text="İPTAL EDİLDİ")
    log.add("+1min", "chat.line", text="Iptal talebiniz alındı")
    log.add("+2min", "chat.line", text="ıptal")
    log.add("+3min", "chat.line", text="Sipariş iptal")
    log.add("+4min", "chat.line", text="xİptal")
    result = run(rule, log)
    assert [v.trigger.id for v in result.violations if v.trigger] == ["e1", "e2", "e3"]
    assert counts(result) == tally(activations=5, satisfied=2, violated=3)


def test_a_value_with_spaces_at_an_end_or_empty_is_quoted(tmp_path: Path) -> None:
    # Three complaints each about "fatura", "fatura " and "": three scopes whose third complaint
    # is not escalated; the sentences must tell them apart. Each key names its value (hunt22:
    # 'm-1/fatura', the values joined with a slash that a value may hold itself).
    rule = compiled(
        tmp_path,
        "  per customer, topic\n  when 3rd complaint.filed within 30d\n"
        "  expect case.escalated within 1d\n",
    )
    log = Log()
    for day in ("+0s", "+1d", "+2d"):
        for topic in ("fatura", "fatura ", ""):
            log.add(day, "complaint.filed", customer="m-1", topic=topic)
    result = run(rule, log, as_of="+4d")
    labels = sorted(
        v.sentence.split(" of customer ")[1].split(" at ")[0] for v in result.violations
    )
    assert labels == ['m-1, topic ""', 'm-1, topic "fatura "', "m-1, topic fatura"]


def test_a_group_with_spaces_at_an_end_or_empty_is_quoted(tmp_path: Path) -> None:
    rule = compiled(tmp_path, "  metric n = count(call.queued)\n    by queue\n  require n <= 1\n")
    log = Log()
    for queue in ("FATURA", "FATURA ", "FATURA ", "", ""):
        log.add("+0s", "call.queued", queue=queue)
    sentences = sorted(v.sentence for v in run(rule, log).violations)
    assert sentences == [
        'n for queue="" was 2 (2 call.queued; required <= 1)',
        'n for queue="FATURA " was 2 (2 call.queued; required <= 1)',
    ]


def test_a_metric_grouped_by_a_lower_cased_let(tmp_path: Path) -> None:
    # The queue of each call, lower-cased from its first queueing: "Fatura" and "FATURA" are one
    # group (waits 10 s and 40 s: 25 s on average, over 20 s), "İptal" lowers to "i̇ptal"
    # (5 s). On spark the group's text was written with a true/false branch of a bare NULL,
    # which Spark refused ("CASE WHEN NULL THEN true …": the plan could not run).
    rule = compiled(
        tmp_path,
        "  per call\n  let k = lower(first(call.queued).queue)\n"
        "  metric w = avg(wait of call.answered)\n    by k\n  require w <= 20s\n",
    )
    log = Log()
    for call, queue, wait in (("c1", "Fatura", 10), ("c2", "FATURA", 40), ("c3", "İptal", 5)):
        log.add("+0s", "call.queued", call=call, queue=queue)
        log.add("+1min", "call.answered", call=call, wait=wait)
    result = run(rule, log)
    assert [v.scope for v in result.violations] == [{"k": "fatura"}]
    values = {m.group["k"]: m.value for p in result.policies for m in p.metrics}
    assert values == {"fatura": 25.0, "i\u0307ptal": 5.0}


def test_trim_strips_whitespace_at_both_ends(tmp_path: Path) -> None:
    # "no problem" said with spaces, a tab, a no-break space (U+00A0) and an ideographic space
    # (U+3000) at its ends is the forbidden phrase; inside the text a space stays a space, and
    # a number has no text to trim (missing: not a breach)
    rule = compiled(tmp_path, '  forbid staff.said where trim(lower(text)) == "no problem"\n')
    log = Log()
    log.add("+0s", "staff.said", text="  No problem\t")
    log.add("+1min", "staff.said", text="\u00a0no problem\u3000")
    log.add("+2min", "staff.said", text="no  problem")
    log.add("+3min", "staff.said", text="no problem")
    log.add("+4min", "staff.said", text=7)
    result = run(rule, log)
    assert [v.trigger.id for v in result.violations if v.trigger] == ["e1", "e2", "e4"]
    assert counts(result) == tally(activations=5, satisfied=2, violated=3)


def test_a_case_mapped_text_is_matched_and_mapped_again(tmp_path: Path) -> None:
    # upper(...) under `matches`, and lower(upper(...)): on spark the inner call kept its
    # DuckDB macro's name (cx_upper), which Spark cannot resolve, so the plans could not run
    # (hunt41 finding-1). "straße" uppers to "STRASSE" (full case mapping) and lowers back to
    # "strasse"; " Value 7" trims and uppers to "VALUE 7": e1 and e3 match, e2 and e4 do not.
    rule = compiled(
        tmp_path,
        '  forbid staff.said where upper(trim(text)) matches "^(VALUE \\\\d+|STRASSE)$"'
        ' and lower(upper(text)) != "x"\n',
    )
    log = Log()
    log.add("+0s", "staff.said", text="straße")
    log.add("+1min", "staff.said", text="Value x")
    log.add("+2min", "staff.said", text=" Value 7")
    log.add("+3min", "staff.said", text="strasse 1")
    result = run(rule, log)
    assert [v.trigger.id for v in result.violations if v.trigger] == ["e1", "e3"]
    assert counts(result) == tally(activations=4, satisfied=2, violated=2)


def test_trim_spaces_are_pythons_whitespace() -> None:
    # the SQL engines' `trim` strips what Python's str.strip strips: every code point for which
    # str.isspace() is true, and no other
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert every == SPACES


def test_stripped_drops_what_str_strip_drops_and_takes_a_visible_text_as_it_is() -> None:
    # `stripped` skips the slow trim when both ends are visible ASCII; every other text takes
    # it: blanks of every kind, a control blank (\x1f), DEL (not a blank), letters outside
    # ASCII at an end, one character, empty
    texts = [
        "x",
        "",
        " ",
        "call.answered",
        " a b ",
        "\u3000y\u00a0",
        "\x1fq",
        "\x7fq\x7f",
        "şikâyet",
        "é ",
        "ab\u2028",
        "\t\n",
        "a\u0301",
    ]
    con = duckdb.connect()
    rows = "SELECT unnest($texts) AS t, generate_subscripts($texts, 1) AS i"
    sql = f"SELECT {stripped('t')} FROM ({rows}) ORDER BY i"
    got = [row[0] for row in con.execute(sql, {"texts": texts}).fetchall()]
    assert got == [t.strip() for t in texts]


def test_a_text_that_spells_a_number_is_added_as_a_number(tmp_path: Path) -> None:
    # A CSV log without `numbers` gives talk and hold as texts. "60" + "30" was joined into
    # "6030", read against 100 as 6030: a call of 90 s in all was a breach (hunt25 finding-1),
    # though "60" - "30" was 30. Now + reads them as numbers too: k-1 (60 + 30 = 90) is fine,
    # k-2 (80 + 50 = 130) is over; k-3's "n/a" is not a number, so its sum is missing: not > 100.
    rule = compiled(tmp_path, "  forbid call.ended where talk + hold > 100\n")
    log = Log()
    log.add("+0s", "call.ended", talk="60", hold="30")
    log.add("+1min", "call.ended", talk="80", hold="50")
    log.add("+2min", "call.ended", talk="n/a", hold="500")
    log.add("+3min", "call.ended", talk="45", hold=70)
    result = run(rule, log)
    assert [v.trigger.id for v in result.violations if v.trigger] == ["e2", "e4"]
    assert counts(result) == tally(activations=4, satisfied=2, violated=2)


def test_a_list_or_an_object_in_a_sentence_is_written_as_a_policy_writes_it(tmp_path: Path) -> None:
    # A breach read tags = ['vip', 'new'] and info = {'tier': 'gold', 'vip': True, 'n': None}:
    # Python's repr, with True and None where the same sentence writes true and null (hunt25
    # finding-5). Lists and objects are now written as a policy writes them.
    rule = compiled(tmp_path, '  forbid note.added where tags contains "vip" and info != tags\n')
    log = Log()
    info = {"tier": "gold", "vip": True, "n": None}
    log.add("+0s", "note.added", tags=["vip", "new", 3], info=info)
    (violation,) = run(rule, log).violations
    assert 'info = {"tier": "gold", "vip": true, "n": null}' in violation.sentence
    assert 'tags = ["vip", "new", 3]' in violation.sentence


def test_a_text_that_spells_nan_with_a_sign_is_nan(tmp_path: Path) -> None:
    # Python's float reads "-nan" and "+NaN" as NaN, as it reads "nan" (NUMBER_TEXT takes a sign
    # before each spelling): v + 1 is NaN, so v + 1 > 8 is false, not missing. Spark cast a
    # signed nan to NULL (Java's parser and Spark's own spellings have no sign before nan), so
    # the breach said 'cannot be judged: v + 1, v missing' (hunt32 finding-2).
    rule = compiled(tmp_path, "  when x.seen\n  require v + 1 > 8\n")
    log = Log()
    for text in ("nan", "-nan", "+NaN", " -NAN\t"):
        log.add("+0s", "x.seen", v=text)
    sentences = [v.sentence for v in run(rule, log).violations]
    assert [s.split(": ", 1)[1].split(" (")[0] for s in sentences] == ["v + 1 > 8 is false"] * 4


def test_a_time_or_number_text_with_a_line_separator_after_it_is_neither(tmp_path: Path) -> None:
    # A text is a time when all of it is one (blanks around allowed): "…Z\u2028" is not. Spark's
    # regex (Java's `$` matches before a final line terminator, U+2028 among them) read it as
    # the time, a breach no other engine saw (hunt32 finding-2).
    # So is a number text: "7\u2028" + 1 is missing, no 8 (Java's \\v, in the blanks around a
    # number, took every vertical space).
    rule = compiled(tmp_path, "  forbid x.seen where stamp < time or n + 1 == 8\n")
    log = Log()
    for end in ("\u2028", "\u0085", "\u2029", " \n\x0b", ""):
        log.add("+1d", "x.seen", stamp="2026-03-02T09:00:00Z" + end)
    for end in ("\u2028", "\u0085", "\u2029", " \n\x0b", ""):
        log.add("+1d", "x.seen", n="7" + end)
    got = sorted(v.trigger.id for v in run(rule, log).violations if v.trigger)
    assert got == ["e10", "e4", "e5", "e9"]
