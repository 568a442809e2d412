"""Clauses out of order (hunt49 finding-K): `expect` above its `when`, `unless` above the rule,
and `require … when …` on one line gave "unexpected keyword 'expect'" with a list of every clause,
or "a policy has exactly one rule" (E217) for the trigger written after its requirement."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checker.test_checker import OWNER, diagnose


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            "  per order\n  expect order.delivered within 2d\n  when order.placed\n",
            (
                5,
                3,
                "'expect' comes after its 'when'",
                "write the 'when …' line first, then this line under it",
            ),
        ),
        (
            "  per order\n  unless order.cancelled\n  when order.placed\n"
            "  expect order.delivered within 2d\n",
            (
                5,
                3,
                "'unless' comes after the rule it cancels",
                "move this line below the rule's 'expect …' (or 'forbid …') line",
            ),
        ),
        (
            "  per visit\n  require battery >= 90% when customer.left\n",
            (
                5,
                26,
                "the trigger comes before the requirement",
                "write 'when customer.left' on its own line, then 'require battery >= 90%'",
            ),
        ),
    ],
)
def test_a_clause_before_the_one_it_follows(
    tmp_path: Path, rule: str, expected: tuple[int, int, str, str]
) -> None:
    assert diagnose(tmp_path, f'policy d.x "t"\n{OWNER}{rule}') == [("E100", *expected)]


def test_a_second_rule_is_still_e217(tmp_path: Path) -> None:
    text = f'policy d.x "t"\n{OWNER}  forbid a\n  when b\n  expect c within 1h\n'
    assert [d[0] for d in diagnose(tmp_path, text)] == ["E217"]


def test_a_count_with_a_window_says_how_to_count_in_one(tmp_path: Path) -> None:
    # `count(P within 30d)` got "unexpected keyword 'within'", expected ')' (hunt58 finding-H)
    text = (
        f'policy c.x "t"\n{OWNER}  per customer\n  when complaint.filed\n'
        "  require count(complaint.filed within 30d) < 3\n"
    )
    assert diagnose(tmp_path, text) == [
        (
            "E100",
            6,
            33,
            "count(…) counts the scope's whole history: it has no window",
            "to count within a window, write the rule as 'at most 2 complaint.filed within 30d'",
        )
    ]
    # the hint took its count and window from no line: 'count(P within 7d) <= 5' was told to
    # write 'at most 2 P within 30d', which a newcomer copies (hunt63 finding-K)
    for compared, hint in (
        ("within 7d) <= 5", "'at most 5 complaint.filed within 7d'"),
        ("within 2h) >= 2", "'when 2nd complaint.filed within 2h'"),
        ("within 1d) > 10", "'when 11th complaint.filed within 1d'"),
        (
            "within 7d) == 0",
            "'when 3rd complaint.filed within 7d' or 'at most 2 complaint.filed within 7d'",
        ),
    ):
        written = text.replace("within 30d) < 3", compared)
        assert diagnose(tmp_path, written)[0][4] == (
            f"to count within a window, write the rule as {hint}"
        )
    metric = f'policy c.y "t"\n{OWNER}  metric n = count(call.answered within 1h)\n  per day\n'
    assert diagnose(tmp_path, metric + "  require n >= 1\n") == [
        (
            "E100",
            4,
            34,
            "a metric's count has no window: it counts per calendar period",
            "write count(call.answered) and a period under the metric: per hour, day, week…",
        )
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # 'each' on the trigger: E105 said "add 'expect' before 'complaint.filed'"
        (
            "  per customer\n  when each complaint.filed\n  expect case.escalated within 1h\n",
            (
                5,
                8,
                "'each' goes with the expectation, not the trigger",
                "write 'when complaint.filed', then 'expect each …' under it",
            ),
        ),
        # 'unless' between the 'when' and its 'expect': E105 "'when' needs 'expect' … before
        # 'unless'", under a policy with its expect
        (
            "  per customer\n  when complaint.filed\n  unless case.closed\n"
            "  expect case.escalated within 1h\n",
            (
                6,
                3,
                "'unless' comes after the rule it cancels",
                "move this line below the rule's 'expect …' (or 'forbid …') line",
            ),
        ),
        # '… and warn below 85%': "unexpected keyword 'below'" with a list of operators
        (
            "  per call\n  metric sl = share(call.answered within 20s of call.queued)\n"
            "  require sl >= 80% and warn below 85%\n",
            (
                6,
                30,
                "a warning level follows the requirement with no 'and'",
                "write: require sl >= 80% warn below 85%",
            ),
        ),
        # the window after 'of': "an event type with a space", to quote as
        # "call.answered of call.queued"
        (
            "  per call\n  metric sl = share(call.answered of call.queued within 20s)\n"
            "  require sl >= 80%\n",
            (
                5,
                35,
                "a share names its window before 'of'",
                "write: share(call.answered within 20s of call.queued)",
            ),
        ),
    ],
)
def test_words_on_the_wrong_clause_say_where_they_go(
    tmp_path: Path, rule: str, expected: tuple[int, int, str, str]
) -> None:
    # hunt63 finding-K
    assert diagnose(tmp_path, f'policy d.x "t"\n{OWNER}{rule}') == [("E100", *expected)]


def test_a_condition_before_the_window_keeps_trigger_counts_last(tmp_path: Path) -> None:
    # the line to write put the condition after ', trigger counts', which is refused in turn
    # ("unexpected keyword 'where'"): the condition comes after the window, the words
    # ', trigger counts' end the rule (hunt63 finding-K)
    text = (
        f'policy d.x "t"\n{OWNER}  per customer\n  when complaint.filed\n'
        '  expect each case.escalated where channel != "email" within 2h, trigger counts\n'
    )
    fixed = 'expect each case.escalated within 2h where channel != "email", trigger counts'
    assert diagnose(tmp_path, text) == [
        ("E100", 6, 30, "the event's condition comes after its window", f"write: {fixed}")
    ]
    assert diagnose(tmp_path, text.replace(text.splitlines()[-1], f"  {fixed}")) == []


def test_trigger_counts_on_the_expect_line_before_an_unless(tmp_path: Path) -> None:
    # ', trigger counts' ends the rule, so after an 'unless' line: written at the end of the
    # expect line, the unless under it got "unexpected keyword 'unless'" and a list of the
    # clauses that could come (hunt63 finding-K)
    rule = "  per case\n  when ticket.opened\n  expect ticket.taken within 2h{}\n  unless {}\n"
    text = f'policy d.x "t"\n{OWNER}' + rule.format(", trigger counts", "ticket.closed")
    assert diagnose(tmp_path, text) == [
        (
            "E100",
            7,
            3,
            "', trigger counts' ends the rule: it comes after the 'unless'",
            "end the expect line at its window, and write: unless ticket.closed, trigger counts",
        )
    ]
    fixed = f'policy d.x "t"\n{OWNER}' + rule.format("", "ticket.closed, trigger counts")
    assert diagnose(tmp_path, fixed) == []


def test_a_param_inside_a_policy_is_named_where_the_policy_ended(tmp_path: Path) -> None:
    # a newcomer writes the policy's parameter among its clauses: the 'param' line ends the
    # policy and the next clause was "unexpected keyword 'per'", expected 'param', 'policy',
    # 'use', a text in double quotes… (hunt69 finding-12)
    text = (
        'policy livrare.apel "t"\n'
        f"{OWNER}"
        "  param întârziere_max = 3h\n"
        "\n"
        "  # the promised call\n"
        "  per comanda\n"
        "  when curier.a_promis_apel\n"
        "  expect curier.a_sunat within întârziere_max\n"
    )
    assert diagnose(tmp_path, text) == [
        (
            "E100",
            7,
            3,
            "this line has no policy: the 'param' line above it (line 4) ended the policy of "
            "line 1",
            "move 'param întârziere_max = 3h' above the policy (line 1): a param line stands "
            "between policies, never inside one",
        )
    ]
