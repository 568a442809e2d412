"""Checker tests: the broken-policy corpus (rendered diagnostics verbatim), each check on a small
policy, and no false alarm on the seed library."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cxrules.diagnostics import CODES, Level, render_text
from cxrules.policyset import load_policies

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "checker" / "broken"
CORPUS = sorted(BROKEN.glob("*.cxr"))

# A policy that is correct in every respect, to which one mistake at a time is added.
OWNER = '  owner "Customer care"\n  description "d"\n'


def diagnose(
    tmp_path: Path, text: str, overrides: dict[str, str] | None = None
) -> list[tuple[str, int, int, str, str]]:
    """Check one policy file; (code, line, column, message, hint) of every diagnostic."""
    (tmp_path / "p.cxr").write_text(text, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], overrides, root=tmp_path)
    return [
        (d.code, d.span.line if d.span else 0, d.span.column if d.span else 0, d.message, d.hint)
        for d in loaded.diagnostics
    ]


# --------------------------------------------------------------------------- the corpus


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 35


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_broken_policy_renders_expected_diagnostics(path: Path) -> None:
    loaded = load_policies([str(path)], root=BROKEN)
    if os.environ.get("CXRULES_REFRESH_EXPECTED") == "1":
        # Explicit refresh after a deliberate wording change: review every changed line by hand
        # (git diff tests/checker/broken) before committing.
        path.with_suffix(".expected").write_text(render_text(loaded.diagnostics) + "\n")
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert render_text(loaded.diagnostics) + "\n" == expected
    errors = [d for d in loaded.diagnostics if d.level is Level.ERROR]
    # A file with errors is never compiled; one with warnings only still is.
    assert (loaded.policy_set is None) == bool(errors)
    assert loaded.diagnostics, "every corpus file has at least one diagnostic"


def test_corpus_covers_every_policy_file_code() -> None:
    seen: set[str] = set()
    for path in CORPUS:
        seen |= set(re.findall(r"\[([EW]\d{3})\]", path.with_suffix(".expected").read_text()))
    # E222 is about `--set` on the command line and E229 about no policy file: never about one.
    wanted = {c for c in CODES if c[1] in "12"} - {"E222", "E229"}
    assert wanted - seen == set()


def test_every_expected_file_has_its_policy() -> None:
    assert {p.stem for p in BROKEN.glob("*.expected")} == {p.stem for p in CORPUS}


# --------------------------------------------------------------------------- no false alarms


def test_seed_library_has_no_diagnostics() -> None:
    loaded = load_policies([str(ROOT / "policies")], root=ROOT)
    assert loaded.diagnostics == []
    assert loaded.policy_set is not None
    written = re.findall(
        r"^policy ", "".join(f.read_text() for f in (ROOT / "policies").glob("*.cxr")), re.M
    )
    assert len(loaded.policy_set.policies) == len(written)


def test_shared_definitions_used_only_through_use_are_not_unused(tmp_path: Path) -> None:
    (tmp_path / "common.cxr").write_text(
        "param max_wait = 2min\nstate paused = a.b until c.d\n", encoding="utf-8"
    )
    text = (
        'use "common.cxr"\n\npolicy p.q "T"\n' + OWNER + "  when call.queued\n"
        "  expect call.answered within max_wait paused while paused\n"
    )
    assert diagnose(tmp_path, text) == []


# --------------------------------------------------------------------------- single checks


@pytest.mark.parametrize(
    ("hours", "column", "message", "hint"),
    [
        (
            "mon-fri 09:00-18:00, fri 09:00-13:00",
            30,
            "opening hours on fri overlap: 09:00-18:00 (mon-fri) and 09:00-13:00 (fri)",
            "give each day its hours once: mon-thu 09:00-18:00, fri 09:00-13:00",
        ),
        (
            "fri 09:00-13:00, mon-fri 09:00-18:00",
            26,
            "opening hours on fri overlap: 09:00-13:00 (fri) and 09:00-18:00 (mon-fri)",
            "give each day its hours once: fri 09:00-13:00, mon-thu 09:00-18:00",
        ),
        (
            "mon-fri 09:00-18:00, wed 09:00-13:00",
            30,
            "opening hours on wed overlap: 09:00-18:00 (mon-fri) and 09:00-13:00 (wed)",
            "give each day its hours once: mon-tue 09:00-18:00, wed 09:00-13:00, "
            "thu-fri 09:00-18:00",
        ),
        (
            "mon-fri 12:00-18:00 and 09:00-12:30",
            9,
            "opening hours on mon-fri overlap: 09:00-12:30 and 12:00-18:00",
            "end one range where the next begins: 09:00-12:00 and 12:00-18:00",
        ),
        (
            "sat 10:00-14:00, sat 12:00-16:00",
            26,
            "opening hours on sat overlap: 10:00-14:00 (sat) and 12:00-16:00 (sat)",
            "give sat its hours once: sat 10:00-16:00",
        ),
        (
            "mon-fri 09:00-12:00 and 09:00-18:00",
            9,
            "opening hours on mon-fri overlap: 09:00-12:00 and 09:00-18:00",
            "09:00-18:00 already holds 09:00-12:00: write it once",
        ),
    ],
)
def test_calendar_hours_that_overlap(
    tmp_path: Path, hours: str, column: int, message: str, hint: str
) -> None:
    text = f'calendar desk\n  zone "Europe/Istanbul"\n  hours {hours}\n'
    assert diagnose(tmp_path, text) == [("E213", 3, column, message, hint)]


def test_calendar_hours_that_meet_or_part_are_fine(tmp_path: Path) -> None:
    text = (
        'calendar desk\n  zone "Europe/Istanbul"\n'
        "  hours mon-fri 09:00-12:00 and 12:00-18:00, sat 10:00-14:00, mon-fri 19:00-24:00\n"
    )
    assert diagnose(tmp_path, text) == []


def test_let_errors_are_reported_once(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  let b = clip(1, 2, 3)\n  when a.b\n  require b > 1\n"
    found = diagnose(tmp_path, text)
    assert [(c, line, col) for c, line, col, _, _ in found] == [("E221", 4, 11)]


def test_let_defined_in_terms_of_itself(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  let b = b + 1\n  when a.b\n  require b > 1\n"
    assert ("E215", 4, 11, "'b' is defined in terms of itself", "") in diagnose(tmp_path, text)


def test_calendar_checks(tmp_path: Path) -> None:
    text = 'calendar desk\n  hours mon-fir 09:00-18:00, sat 14:00-10:00\n  holidays "TR", "XX"\n'
    found = diagnose(tmp_path, text)
    assert [(c, m) for c, _, _, m, _ in found] == [
        ("E216", "calendar 'desk' has no time zone"),
        ("E213", "'mon-fir' is not a weekday or a range of weekdays"),
        ("E213", "opening time 14:00 is not before closing time 10:00"),
        ("E220", "'XX' is not a subdivision of TR"),
    ]
    assert found[1][1:3] == (2, 9)
    assert found[1][4] == "did you mean 'mon-fri'?"


def test_metric_with_two_buckets(tmp_path: Path) -> None:
    text = (
        'policy p.q "T"\n' + OWNER + "  metric n = count(a.b)\n    per day\n    per month\n"
        "  require n >= 1\n"
    )
    assert diagnose(tmp_path, text) == [
        (
            "E215",
            6,
            5,
            "metric 'n' has more than one calendar bucket",
            "keep one of per hour/day/week/month/quarter/year",
        )
    ]


def test_percentile_needs_its_rank(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  metric w = percentile(wait of call.answered)\n"
    text += "  require w <= 1min\n"
    found = diagnose(tmp_path, text)
    assert [(c, m) for c, _, _, m, _ in found] == [
        (
            "E209",
            "percentile() needs which percentile: a percentage up to 100 or a fraction up to 1",
        )
    ]


def test_the_zeroth_percentile_is_said_to_be_min(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  metric w = percentile(wait of call.answered, 0)\n"
    text += "  require w <= 1min\n"
    found = diagnose(tmp_path, text)
    assert [(c, m, h) for c, _, _, m, h in found] == [
        (
            "E209",
            "percentile(…, 0) is the least value, which min() says",
            "write min(…) for the least value, or a percentile above 0, e.g. 0.01",
        )
    ]


def test_percentile_method_is_linear_or_nearest_rank(tmp_path: Path) -> None:
    # issue 12, point 16
    text = 'policy p.q "T"\n' + OWNER
    text += "  metric w = percentile(wait of call.answered, 90, nearest)\n  require w <= 1min\n"
    found = diagnose(tmp_path, text)
    assert [(c, line, col, m, h) for c, line, col, m, h in found] == [
        (
            "E209",
            4,
            52,  # the column of 'nearest'
            "'nearest' is not a percentile method",
            "write 'linear' (interpolation between the closest ranks, the default) or "
            "'nearest rank', e.g. percentile(wait of call.answered, 90, nearest rank)",
        )
    ]
    text = 'policy p.q "T"\n' + OWNER
    text += "  metric w = avg(wait of call.answered, 90, nearest rank)\n  require w <= 1min\n"
    assert [(c, m) for c, _, _, m, _ in diagnose(tmp_path, text)] == [
        ("E221", "avg() takes no second argument")
    ]


def test_unknown_metric_formula(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  metric w = mean(wait of call.answered)\n"
    text += "  require w <= 1min\n"
    found = diagnose(tmp_path, text)
    assert [(c, line, col, m) for c, line, col, m, _ in found] == [
        ("E221", 4, 14, "'mean' is not a metric formula")
    ]


def test_trigger_outside_expect(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  forbid a.b where x == trigger.x\n"
    found = diagnose(tmp_path, text)
    assert [(c, line, col) for c, line, col, _, _ in found] == [("E204", 4, 25)]
    assert found[0][3] == "'trigger' means the event that started an obligation"


def test_trigger_in_expect_where_is_fine(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  when a.b\n  expect c.d within 1h where x == trigger.x\n"
    assert diagnose(tmp_path, text) == []


def test_paused_clock_before_the_trigger(tmp_path: Path) -> None:
    text = (
        'state s = a.b until c.d\n\npolicy p.q "T"\n'
        + OWNER
        + "  when e.f\n  expect g.h within 1h before paused while s\n"
    )
    found = diagnose(tmp_path, text)
    assert [(c, m) for c, _, _, m, _ in found] == [
        ("E223", "only a clock that runs after the trigger can pause")
    ]


@pytest.mark.parametrize(
    ("condition", "message", "hint"),
    [
        (
            "local_time between 22:00 and 06:00",
            "'between 22:00 and 06:00' is never true: 22:00 is after 06:00",
            "for a window over midnight write: local_time >= 22:00 or local_time <= 06:00",
        ),
        (
            "x between 10 and 5",
            "'between 10 and 5' is never true",
            "write the smaller bound first: between 5 and 10",
        ),
        (
            "d between 2min and 20s",
            "'between 2min and 20s' is never true",
            "write the smaller bound first: between 20s and 2min",
        ),
    ],
)
def test_between_with_reversed_bounds(
    tmp_path: Path, condition: str, message: str, hint: str
) -> None:
    text = 'policy p.q "T"\n' + OWNER + f"  forbid a.b where {condition}\n"
    assert diagnose(tmp_path, text) == [("E223", 4, 20, message, hint)]


@pytest.mark.parametrize(
    "condition",
    [
        "local_time between 06:00 and 22:00",
        "local_time between 22:00 and 22:00",
        "d between 20s and 2min",
        "d between 90s and 2min",
        "x between 5 and 10",
    ],
)
def test_between_in_order_is_fine(tmp_path: Path, condition: str) -> None:
    text = 'policy p.q "T"\n' + OWNER + f"  forbid a.b where {condition}\n"
    assert diagnose(tmp_path, text) == []


MIDNIGHT_HINT = (
    "24:00 is only a calendar's closing time; for midnight at the end of the trigger's day "
    "write: by end of day"
)


@pytest.mark.parametrize("deadline", ["24:00", "24:00:00"])
def test_deadline_at_24_00(tmp_path: Path, deadline: str) -> None:
    text = 'policy p.q "T"\n' + OWNER + f"  when a.b\n  expect c.d by {deadline}\n"
    assert diagnose(tmp_path, text) == [
        ("E213", 5, 17, f"'{deadline}' is not a time of day for a deadline", MIDNIGHT_HINT)
    ]


def test_deadline_at_24_00_through_a_parameter(tmp_path: Path) -> None:
    text = (
        'param cutoff = 18:00\n\npolicy p.q "T"\n' + OWNER + "  when a.b\n  expect c.d by cutoff\n"
    )
    assert diagnose(tmp_path, text) == []
    assert diagnose(tmp_path, text, {"cutoff": "24:00"}) == [
        ("E213", 7, 17, "'24:00' is not a time of day for a deadline", MIDNIGHT_HINT)
    ]
    assert diagnose(tmp_path, text.replace("18:00", "24:00")) == [
        ("E213", 7, 17, "'24:00' is not a time of day for a deadline", MIDNIGHT_HINT)
    ]


START_OF_DAY_HINT = (
    "00:00 starts a day: a trigger at 00:00 exactly would be due that instant; for midnight at "
    "the end of the trigger's day write: by end of day"
)


@pytest.mark.parametrize("deadline", ["00:00", "00:00:00"])
def test_deadline_at_00_00(tmp_path: Path, deadline: str) -> None:
    """`by 00:00` is the next midnight, but for a trigger at 00:00 exactly it is the trigger's
    own instant: a deadline nothing can meet, which `by end of day` is not."""
    text = 'policy p.q "T"\n' + OWNER + f"  when a.b\n  expect c.d by {deadline}\n"
    assert diagnose(tmp_path, text) == [
        ("E213", 5, 17, f"'{deadline}' is not a time of day for a deadline", START_OF_DAY_HINT)
    ]
    assert diagnose(tmp_path, text.replace(deadline, "00:01")) == []


def test_deadline_at_00_00_through_a_parameter(tmp_path: Path) -> None:
    text = (
        'param cutoff = 18:00\n\npolicy p.q "T"\n' + OWNER + "  when a.b\n  expect c.d by cutoff\n"
    )
    assert diagnose(tmp_path, text, {"cutoff": "00:00"}) == [
        ("E213", 7, 17, "'00:00' is not a time of day for a deadline", START_OF_DAY_HINT)
    ]
    assert diagnose(tmp_path, text.replace("18:00", "00:00")) == [
        ("E213", 7, 17, "'00:00' is not a time of day for a deadline", START_OF_DAY_HINT)
    ]
    assert diagnose(tmp_path, text.replace("18:00", "00:00"), {"cutoff": "23:59"}) == []


def test_a_time_of_day_of_00_00_outside_a_deadline_is_fine(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  forbid a.b where local_time >= 00:00\n"
    assert diagnose(tmp_path, text) == []


def test_unused_state_and_param(tmp_path: Path) -> None:
    text = 'param n = 3\n\npolicy p.q "T"\n' + OWNER + "  state s = a.b until c.d\n  forbid x.y\n"
    found = diagnose(tmp_path, text)
    assert [(c, line, col, m) for c, line, col, m, _ in found] == [
        ("W202", 1, 7, "parameter 'n' is never used"),
        ("W202", 6, 9, "state 's' is never used"),
    ]


def test_count_parameter_must_be_whole(tmp_path: Path) -> None:
    text = 'param n = 2.5\n\npolicy p.q "T"\n' + OWNER + "  at most n a.b within 1d\n"
    found = diagnose(tmp_path, text)
    assert [(c, m) for c, _, _, m, _ in found] == [("E208", "parameter 'n' is not a whole number")]


def test_require_needs_a_condition(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  when a.b\n  require 3 + 4\n"
    found = diagnose(tmp_path, text)
    assert [(c, m) for c, _, _, m, _ in found] == [
        ("E208", "'require' needs a condition, found a number")
    ]


def test_duration_compared_with_number(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  when a.b\n  require time - last(c.d) <= 30\n"
    found = diagnose(tmp_path, text)
    assert found == [
        (
            "E208",
            5,
            11,
            "compares a duration with a number",
            "a duration needs a unit, such as '30s' or '2h'",
        )
    ]


def test_warning_not_stricter_than_requirement(tmp_path: Path) -> None:
    text = (
        'policy p.q "T"\n' + OWNER + "  per x\n  metric s = share(a.b within 20s of c.d)\n"
        "  require s >= 80% warn below 75%\n"
    )
    found = diagnose(tmp_path, text)
    assert [(c, m, h) for c, _, _, m, h in found] == [
        (
            "W203",
            "the warning level 75% is not stricter than the requirement 80%",
            "a warning comes before the failure: warn below a higher value",
        )
    ]


def test_a_warning_level_is_held_to_a_parameter_and_its_set_value(tmp_path: Path) -> None:
    """W203 compared only numbers written in the policy: 'require sl >= sl_target warn below
    85%' run with --set sl_target=90%, or 'require aht <= aht_max warn above 6min' with a
    5min default, never warned, though the warning could never come before the failure
    (hunt33 finding-3; durations written in the policy: broken corpus 117)."""
    text = 'param sl_target = 80%\nparam aht_max = 5min\n\npolicy p.q "T"\n' + OWNER
    text += "  per x\n  metric s = share(a.b within 20s of c.d)\n"
    text += "  require s >= sl_target warn below 85%\n"
    text += 'policy p.r "T"\n' + OWNER + "  metric h = avg(handle of c.d)\n"
    text += "  require h <= aht_max warn above 4min\n"
    hint = "a warning comes before the failure: warn {} value"
    assert diagnose(tmp_path, text) == []
    found = diagnose(tmp_path, text, {"sl_target": "90%", "aht_max": "240s"})
    assert [(c, line, m, h) for c, line, _, m, h in found] == [
        (
            "W203",
            9,
            "the warning level 85% is not stricter than the requirement 90% (--set sl_target=90%)",
            hint.format("below a higher"),
        ),
        (
            "W203",
            14,
            "the warning level 4min is not stricter than the requirement 240s (--set aht_max=240s)",
            hint.format("above a lower"),
        ),
    ]
    assert diagnose(tmp_path, text, {"sl_target": "84.9%", "aht_max": "241s"}) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"max_wiat": "3min"}, ("E222", "--set max_wiat: there is no parameter 'max_wiat'")),
        ({"max_wait": "soon"}, ("E222", "--set max_wait=soon: not a duration (")),
    ],
)
def test_bad_overrides(
    tmp_path: Path, overrides: dict[str, str], expected: tuple[str, str]
) -> None:
    text = 'param max_wait = 2min\n\npolicy p.q "T"\n' + OWNER
    text += "  when a.b\n  expect c.d within max_wait\n"
    found = diagnose(tmp_path, text, overrides)
    assert len(found) == 1
    code, line, column, message, _ = found[0]
    assert (code, line, column) == (expected[0], 0, 0)
    assert message.startswith(expected[1])


def test_an_override_of_a_file_that_does_not_parse_is_not_called_unknown(tmp_path: Path) -> None:
    """A file with a syntax error defines its parameters all the same: '--set target=90%' is not
    also told there is no parameter 'target' and that the policies define none."""
    text = 'param target = 80%\n\npolicy p.q "T"\n' + OWNER
    text += "  metric p = percentile(wait of c.d, target)\n  require p <= 30s\n"
    found = diagnose(tmp_path, text, {"target": "90%"})
    assert [(code, line) for code, line, *_ in found] == [("E100", 6)]


@pytest.mark.parametrize(
    ("value", "hint"),
    [("3mins", "write 3min"), ("3hrs", "write 3h"), ("1h30min", "write 90min")],
)
def test_an_override_is_a_duration_as_a_policy_writes_it(
    tmp_path: Path, value: str, hint: str
) -> None:
    """What a policy file refuses (E102) is refused on the command line too, with the same
    spelling to write: the text would otherwise reach explain and the reports as written."""
    text = 'param max_wait = 2min\n\npolicy p.q "T"\n' + OWNER
    text += "  when a.b\n  expect c.d within max_wait\n"
    message = f"--set max_wait={value}: not a duration as a policy writes it"
    assert diagnose(tmp_path, text, {"max_wait": value}) == [("E222", 0, 0, message, hint)]
    for fine in ("3min", "90s", "1.5h", "3 minutes", "1 day"):
        assert diagnose(tmp_path, text, {"max_wait": fine}) == []


@pytest.mark.parametrize(("value", "hint"), [("%70", "write 70%"), ("seventy", "e.g. 85%")])
def test_a_percentage_override_with_the_sign_first_is_told_to_put_it_after(
    tmp_path: Path, value: str, hint: str
) -> None:
    """`--set hedef_sl=%70`, as Turkish writes a percentage, hinted only 'e.g. 85%'; a policy
    file's '%80' says 'write 80%' (broken corpus 121), and so does the command line
    (hunt40 finding-5)."""
    text = 'param hedef_sl = 80%\n\npolicy p.q "T"\n' + OWNER + "  per call\n"
    text += "  metric sl = share(call.answered within 20s of call.queued)\n"
    text += "  require sl >= hedef_sl\n"
    message = f"--set hedef_sl={value}: not a percentage"
    assert diagnose(tmp_path, text, {"hedef_sl": value}) == [("E222", 0, 0, message, hint)]


def test_a_metric_threshold_that_is_an_attribute_is_refused_not_a_crash(tmp_path: Path) -> None:
    """`require sl >= sl_target` with no such parameter read an attribute as the threshold and
    crashed the compiler ("internal error"); it is E208 with the parameter it may mean."""
    text = 'param sl_goal = 80%\n\npolicy p.q "T"\n' + OWNER
    text += "  metric sl = share(call.answered within 20s of call.queued)\n"
    text += "  require sl >= sl_gaol\n"
    found = diagnose(tmp_path, text)
    assert [(c, m, h) for c, _, _, m, h in found if c == "E208"] == [
        (
            "E208",
            "'sl' is compared with 'sl_gaol', which is not a constant",
            "did you mean 'sl_goal'?",
        )
    ]


def test_override_hint_suggests_the_parameter(tmp_path: Path) -> None:
    text = 'param max_wait = 2min\n\npolicy p.q "T"\n' + OWNER
    text += "  when a.b\n  expect c.d within max_wait\n"
    found = diagnose(tmp_path, text, {"max_wiat": "3min"})
    assert found[0][4] == "did you mean 'max_wait'?"


SHARE_TARGET = (
    'param sl_target = 80%\n\npolicy p.q "T"\n' + OWNER + "  per call\n"
    "  metric sl = share(call.answered within 20s of call.queued)\n  require sl >= sl_target\n"
)


def test_a_share_target_is_held_to_0_to_100_percent_through_a_parameter(tmp_path: Path) -> None:
    hint = "a share can only be from 0% to 100%"
    assert diagnose(tmp_path, SHARE_TARGET) == []
    assert diagnose(tmp_path, SHARE_TARGET, {"sl_target": "100%"}) == []
    assert diagnose(tmp_path, SHARE_TARGET, {"sl_target": "180%"}) == [
        (
            "E209",
            8,
            17,
            "180% (--set sl_target=180%) is not a percentage between 0% and 100%",
            hint,
        )
    ]
    assert diagnose(tmp_path, SHARE_TARGET.replace("80%", "180%", 1)) == [
        ("E209", 8, 17, "180% (parameter sl_target) is not a percentage between 0% and 100%", hint)
    ]


@pytest.mark.parametrize(
    ("rule", "line", "column", "whole"),
    [
        ("  when Accepted.In Progress\n  expect x.y within 2d\n", 5, 8, "Accepted.In Progress"),
        ("  when x.y\n  expect Accepted.In Progress within 2d\n", 6, 10, "Accepted.In Progress"),
        ("  at most 3 Accepted.Wait User within 30d\n", 5, 13, "Accepted.Wait User"),
        ("  forbid [x.y, Completed.In Call]\n", 5, 16, "Completed.In Call"),
        (
            "  when 3rd incident.Status Change within 7d\n  expect x.y within 1d\n",
            5,
            12,
            "incident.Status Change",
        ),
    ],
)
def test_an_event_type_with_a_space_is_told_to_be_quoted(
    tmp_path: Path, rule: str, line: int, column: int, whole: str
) -> None:
    # hunt19: the exports' activities ('In Progress', 'Status Change') give types with spaces;
    # written bare, 'when Accepted.In Progress' was told to add 'expect' before 'Progress'.
    text = 'policy p.q "T"\n' + OWNER + "  per case\n" + rule
    [found] = diagnose(tmp_path, text)
    slugged = whole.lower().replace(" ", "_")
    assert found == (
        "E100",
        line,
        column,
        "an event type with a space is written in quotes",
        f'write "{whole}", or give the log mapping type_values = "slug" and write {slugged}',
    )


RATIO_TARGET = (
    'param cap = 150%\n\npolicy p.q "T"\n'
    + OWNER
    + "  metric per_open = ratio(incident.reassignment, incident.open)\n"
    "  require per_open <= cap warn above 120%\n"
)


def test_a_ratio_target_may_pass_100_percent_but_not_below_0(tmp_path: Path) -> None:
    # hunt19: 1.5 reassignments per opened incident is 150%; a ratio of two counts is not a
    # share of its population, so only a negative target is out of range.
    assert diagnose(tmp_path, RATIO_TARGET) == []
    found = diagnose(tmp_path, RATIO_TARGET.replace("<= cap warn above 120%", ">= -5%"))
    assert [d for d in found if d[0] != "W202"] == [  # W202: 'cap' is no longer used
        (
            "E209",
            7,
            23,
            "-5% is a negative percentage",
            "a ratio of two counts is 0% or more (150% is 1.5 times as many)",
        )
    ]
    # Written as a number, the hint reads it as times (150%) before percent (1.5%).
    [found] = diagnose(tmp_path, RATIO_TARGET.replace("= 150%", "= 1.5"))
    assert found[0] == "E208"
    found = diagnose(tmp_path, RATIO_TARGET.replace("warn above 120%", "warn above 1.2"))
    assert found == [
        (
            "E208",
            7,
            38,
            "'per_open' is a ratio, so its threshold is a percentage",
            "write it with %, e.g. 120% (1.2 times as many), or 1.2%",
        )
    ]


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("-1", "the limit must be at least 1, not -1", ""),
        ("0", "'at most 0' means never", "write 'forbid …' instead"),
    ],
)
def test_an_at_most_limit_through_a_parameter(
    tmp_path: Path, value: str, message: str, hint: str
) -> None:
    text = 'param n = 3\n\npolicy p.q "T"\n' + OWNER + "  per c\n  at most n a.b within 7d\n"
    assert diagnose(tmp_path, text) == []
    assert diagnose(tmp_path, text, {"n": value}) == [("E210", 7, 11, message, hint)]


@pytest.mark.parametrize(
    ("overrides", "message", "hint"),
    [
        (
            {"cutoff": "25:00"},
            "--set cutoff=25:00: not a time of day",
            "times run from 00:00 to 23:59, e.g. 12:00",
        ),
        (
            {"day": "2026-02-30"},
            "--set day=2026-02-30: not a date",
            "there is no such day in the calendar, e.g. 2026-12-31",
        ),
    ],
)
def test_an_override_is_a_time_or_a_date_that_exists(
    tmp_path: Path, overrides: dict[str, str], message: str, hint: str
) -> None:
    text = (
        'param cutoff = 12:00\nparam day = 2026-03-01\n\npolicy p.q "T"\n'
        + OWNER
        + "  forbid a.b where local_time < cutoff and local_date > day\n"
    )
    assert diagnose(tmp_path, text) == []
    assert diagnose(tmp_path, text, overrides) == [("E222", 0, 0, message, hint)]
    # written in the file, the same values are refused where they are written
    wrong = text.replace("12:00", "25:00").replace("2026-03-01", "2026-02-30")
    assert [(c, line, col, m) for c, line, col, m, _ in diagnose(tmp_path, wrong)] == [
        ("E213", 1, 16, "'25:00' is not a time of day"),
        ("E218", 2, 13, "'2026-02-30' is not a date"),
    ]


def test_per_bucket_on_a_policy(tmp_path: Path) -> None:
    text = 'policy p.q "T"\n' + OWNER + "  per day\n  forbid a.b\n"
    found = diagnose(tmp_path, text)
    assert [(c, line, m, h) for c, line, _, m, h in found] == [
        (
            "E214",
            4,
            "'per day' is the period of a metric, and policy 'p.q' defines none",
            "define the metric in the policy: metric m = count(…) per day",
        )
    ]


# Issue 12, point 3: clause order never changes meaning. `by` groups a metric, `per <period>`
# is its bucket wherever it stands, `per <attribute>` is always the policy's scope, and the old
# way of writing a group (`per store` under a metric) is an error, never a silent scope.
GROUPED = (
    "  metric nps = nps(score of survey.answered)\n    by store\n    per month\n"
    "  require nps >= 40\n"
)


@pytest.mark.parametrize(
    "body",
    [
        GROUPED,
        "  per month\n  metric nps = nps(score of survey.answered) by store\n  require nps >= 40\n",
        "  metric nps = nps(score of survey.answered) by store\n  require nps >= 40\n  per month\n",
        "  metric nps = nps(score of survey.answered) by store per month require nps >= 40\n",
    ],
)
def test_a_metric_period_belongs_to_the_metric_wherever_it_is_written(
    tmp_path: Path, body: str
) -> None:
    (tmp_path / "p.cxr").write_text('policy p.q "T"\n' + OWNER + body, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], root=tmp_path)
    assert loaded.diagnostics == []
    assert loaded.policy_set is not None
    policy = loaded.policy_set.policies[0]
    metric = policy.rule.metric  # type: ignore[union-attr]
    assert (policy.scope, metric.group_by, metric.bucket) == ((), ("store",), "month")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # the old way: `per store` after the metric
            "  metric nps = nps(score of survey.answered)\n    per month\n    per store\n"
            "  require nps >= 40\n",
            (
                "E214",
                6,
                "'per store' after metric 'nps' is the policy's scope, not the metric's group",
                "group the metric with 'by store'; to scope the policy, write 'per store' before "
                "the metric",
            ),
        ),
        (  # a scope the metric never reads
            "  per store\n  metric nps = nps(score of survey.answered)\n    per month\n"
            "  require nps >= 40\n",
            (
                "E214",
                4,
                "'per store' gives policy 'p.q' a scope that its metric 'nps' never reads",
                "to compute nps for each store, group the metric: metric nps = … by store",
            ),
        ),
        (  # a period is not an attribute
            "  metric n = count(a.b) by store, month\n  require n <= 3\n",
            (
                "E214",
                4,
                "'by month': month is a calendar period, not an attribute",
                "write 'per month' for the metric's period (an attribute named month is "
                "written `month`)",
            ),
        ),
        (  # point 20: a let is not an attribute of the events
            "  let q = first(call.queued).queue\n  per q\n  when call.answered\n"
            "  require q is not missing\n",
            (
                "E214",
                5,
                "'per q': 'q' is a let, not an attribute of the events",
                "'per' scopes the policy by an attribute the events carry: name the attribute "
                "itself, e.g. 'per queue' (a metric may be grouped by a let: 'by q')",
            ),
        ),
        (  # issue 12, point 15: a metric may be grouped by a let, but not one reading `trigger`
            "  let q = trigger.queue\n  metric n = count(call.answered) by q\n  require n >= 1\n",
            (
                "E204",
                4,
                "'by q': a metric group is read at each counted event, which has no trigger",
                "group by what the event or its scope's history holds, e.g. "
                "let q = first(call.queued).queue",
            ),
        ),
    ],
)
def test_grouping_never_silently_means_something_else(
    tmp_path: Path, body: str, expected: tuple[str, int, str, str]
) -> None:
    found = diagnose(tmp_path, 'policy p.q "T"\n' + OWNER + body)
    assert [(c, line, m, h) for c, line, _, m, h in found if c != "W202"] == [expected]


def test_a_shared_metric_is_grouped_with_by(tmp_path: Path) -> None:
    text = (
        "metric calls = count(call.queued)\n  per queue\n  per day\n\n"
        'policy p.q "T"\n' + OWNER + "  require calls >= 1\n"
    )
    found = diagnose(tmp_path, text)
    assert [(c, line, m, h) for c, line, _, m, h in found] == [
        (
            "E214",
            2,
            "'per queue' after metric 'calls': a metric is grouped with 'by'",
            "write: metric calls = … by queue",
        )
    ]


def test_misspelt_state_in_always_is_named_as_a_state(tmp_path: Path) -> None:
    text = (
        'policy p.q "T"\n' + OWNER + "  per visit\n"
        "  state connection = arm.connected until arm.disconnected, by arm\n"
        "  while customer.entered until customer.left:\n"
        "    always count(conection) >= 1, grace 30s\n"
    )
    found = diagnose(tmp_path, text)
    assert ("E202", 7, 18, "no state named 'conection'", "did you mean 'connection'?") in found
    assert not [f for f in found if f[0] == "E214"]


def test_scope_end_belongs_to_the_policy_and_is_given_once(tmp_path: Path) -> None:
    metric_end = (
        'policy p.q "T"\n' + OWNER + "  per call\n"
        "  metric n = count(call.queued)\n    per queue until call.ended\n"
        "  require n >= 1\n"
    )
    found = diagnose(tmp_path, metric_end)
    assert [(c, line, m) for c, line, _, m, _ in found] == [
        ("E214", 6, "'per queue' after metric 'n' is the policy's scope, not the metric's group")
    ]
    twice = (
        'policy p.q "T"\n' + OWNER + "  per visit until customer.left\n"
        "  per store until store.closed\n  forbid x.y\n"
    )
    found = diagnose(tmp_path, twice)
    assert [(c, line, m) for c, line, _, m, _ in found] == [
        ("E215", 5, "the scope's end is given twice")
    ]


def test_time_md_says_which_durations_set_takes(tmp_path: Path) -> None:
    """docs/time.md said `--set` reads '2h30min', '1.5 h' and '1w 2d', which E222 refuses since
    an override is a duration as a policy writes it (hunt33 finding-2): every spelling the page
    accepts is accepted, every one it refuses is refused with the spelling it says to write."""
    import re

    page = (Path(__file__).parents[2] / "docs" / "time.md").read_text(encoding="utf-8")
    section = page.split("## Durations on the command line", 1)[1].split("\n## ", 1)[0]
    accepted, refused = section.split("Any other", 1)
    fine = re.findall(r"`([^`]+)`", accepted.split("writes one", 1)[1].split("Units:", 1)[0])
    pairs = re.findall(r"`([^`]+)` \(write\s+`([^`]+)`\)", refused)
    assert len(fine) == 8 and len(pairs) == 4
    text = 'param max_wait = 2min\n\npolicy p.q "T"\n' + OWNER
    text += "  when a.b\n  expect c.d within max_wait\n"
    for value in fine:
        assert diagnose(tmp_path, text, {"max_wait": value}) == [], value
    for value, written in pairs:
        message = f"--set max_wait={value}: not a duration as a policy writes it"
        assert diagnose(tmp_path, text, {"max_wait": value}) == [
            ("E222", 0, 0, message, f"write {written}")
        ]
        assert diagnose(tmp_path, text, {"max_wait": written}) == [], written


def test_a_csat_threshold_written_as_a_score_is_not_offered_as_percent(tmp_path: Path) -> None:
    """'require csat >= 4' means 4 out of 5; E208's hint offered 'e.g. 4%', a CSAT no store
    would aim for (hunt33 finding-5). A score of the 1-5 scale gets 80% and avg(…) instead; a
    fraction or a percentage written without % keeps its reading (broken corpus 118)."""
    text = 'policy p.q "T"\n' + OWNER + "  metric c = csat(score of s.a)\n  require c >= {}\n"
    hint = "write e.g. 80% (4 in 5 satisfied); for a mean score of {} out of 5, write "
    hint += "avg(…) instead of csat(…)"
    message = "'c' is a CSAT, the share of answers of 4 or 5, so its threshold is a percentage"
    for score in ("4", "4.5", "5"):
        [(code, _, _, got, tip)] = diagnose(tmp_path, text.format(score))
        assert (code, got, tip) == ("E208", message, hint.format(score))
    for written, meant in (("0.8", "80%"), ("80", "80%"), ("1", "100%")):
        [(code, _, _, got, tip)] = diagnose(tmp_path, text.format(written))
        assert (code, tip) == ("E208", f"write it with %, e.g. {meant}")


def test_a_metric_per_business_day_says_its_periods_are_calendar_ones(tmp_path: Path) -> None:
    """'per business day' under a metric got "unexpected keyword 'day'" and a list of clauses
    ('at most', 'at risk', 'calendar'…) that never says the bucket is the slip (hunt33
    finding-6); it now names the periods a metric has and where business days belong."""
    text = 'policy p.q "T"\n' + OWNER + "  metric aht = avg(handle of call.ended)\n"
    hint = (
        "write 'per day' (local days in the policy's zone); business days are for deadlines: "
        "'within 2 business days'"
    )
    message = "a metric's period is a calendar one: hour, day, week, month, quarter or year"
    for line, column in (("    per business day\n", 18), ("    by team per business day\n", 26)):
        found = diagnose(tmp_path, text + line + "  require aht <= 5min\n")
        assert found == [("E100", 5, column, message, hint)]
    # a policy scoped by an attribute named 'business' is not that slip
    scoped = 'policy p.q "T"\n' + OWNER + "  per business\n  when a.b\n  expect c.d within 1h\n"
    assert diagnose(tmp_path, scoped) == []


@pytest.mark.parametrize(
    ("condition", "fixed"),
    [
        ("time >= last(z.w).start - 15min", "time + 15min >= last(z.w).start"),
        ("last(z.w).start + 2h <= time", "last(z.w).start <= time - 2h"),
    ],
)
def test_a_shifted_text_time_is_rewritten_from_the_policy_s_own_words(
    tmp_path: Path, condition: str, fixed: str
) -> None:
    """E208's hint for a text time shifted by a duration said 'write time + 10min >= ora',
    whatever the policy wrote; it now moves the policy's own duration across (hunt40)."""
    text = f'policy p.q "T"\n{OWNER}  per c\n  when x.y\n  require {condition}\n'
    [(code, _, _, _, hint)] = diagnose(tmp_path, text)
    assert code == "E208"
    assert hint.startswith(f"shift the other side: write {fixed}, not {condition} (")


def test_a_duration_parameter_written_as_a_text_or_a_number_says_how_to_define_it(
    tmp_path: Path,
) -> None:
    # 'param wait = "3h"' used as a window was told "a duration needs a unit, such as '30s'",
    # which "3h" has: the quotes make it a text (hunt69 finding-13)
    rule = f'policy p.q "T"\n{OWNER}  per c\n  when a.b\n  expect c.d within wait\n'
    hints = {
        '"3h"': "a duration is written without quotes: param wait = 3h",
        "3": "a duration has a unit: param wait = 3min (or s, h, d…)",
        '"soon"': "a duration needs a unit, such as '30s' or '2h'",
    }
    for value, hint in hints.items():
        found = diagnose(tmp_path, f"param wait = {value}\n{rule}")
        assert found == [("E208", 7, 21, f"parameter 'wait' is {value}, not a duration", hint)]


def test_a_number_in_quotes_compared_with_a_number_says_to_unquote_it(tmp_path: Path) -> None:
    # `count(call.made) > "3"` was told only "compare values of the same kind", where a time
    # of day, a date, a duration and a percentage in quotes are told to be written without
    # them (hunt69 finding-15)
    text = f'policy p.q "T"\n{OWNER}  per c\n  when a.b\n  require count(call.made) <= "3"\n'
    assert diagnose(tmp_path, text) == [
        (
            "E208",
            6,
            11,
            "compares a number with a text",
            "write 3 without quotes: in quotes it is a text",
        )
    ]


def test_a_used_file_said_as_other_languages_say_it(tmp_path: Path) -> None:
    # `import "common.cxr"` got "unexpected 'import'" and a list of what starts a line, and
    # `use "common"` (the name without .cxr) "looked for common" (hunt69 finding-16)
    (tmp_path / "common.cxr").write_text("param wait = 3h\n", encoding="utf-8")
    rule = f'policy p.q "T"\n{OWNER}  per c\n  when a.b\n  expect c.d within wait\n'
    found = diagnose(tmp_path, f'import "common.cxr"\n{rule}')
    assert found == [
        (
            "E100",
            1,
            1,
            "'import' is not a keyword: this line starts with 'use'",
            'write: use "common.cxr"',
        )
    ]
    found = diagnose(tmp_path, f'use "common"\n{rule}')
    assert [(c, m, h) for c, _, _, m, h in found][:1] == [
        (
            "E206",
            "the used file 'common' does not exist",
            "did you mean 'common.cxr'? (a used file is named with its .cxr)",
        )
    ]
