"""min, max and clamp of a NaN (a CSV `numbers` cell "nan", an XES or Parquet float NaN) on
every engine as on the python engine, whose builtins they are (docs/semantics.md,
"Expressions"): the first argument wins unless a later one is less (min) or greater (max), and
a comparison with NaN is false, so NaN wins only as the first argument. DuckDB and Spark order
NaN above every number, so their plans took `min(v, 1)` of a NaN for 1, `max(1, v)` for NaN and
`clamp(v, 0, 10)` for 10: 'clamp(v, 0, 10) >= 5' passed there and failed on the python engine
(hunt67 finding-2). Expected values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import engine_builders
import pytest
from engine_builders import Log, counts, run, tally

HEAD = """policy p.test "Test policy"
  owner "Data"
  description "Hunt 67"
"""

NAN = float("nan")


@pytest.mark.parametrize(
    ("condition", "violated"),
    [
        # min(nan, 1): 1 < nan is false, nan stays; nan <= 1 is false: a breach
        ("min(v, 1) <= 1", 1),
        # min(1, nan): nan < 1 is false, 1 stays
        ("min(1, v) == 1", 0),
        # max(1, nan): nan > 1 is false, 1 stays
        ("max(1, v) <= 1", 0),
        # max(nan, 1): nan stays; nan >= 1 is false
        ("max(v, 1) >= 1", 1),
        # clamp(nan, 0, 10) = min(max(nan, 0), 10) = nan; nan >= 5 is false
        ("clamp(v, 0, 10) >= 5", 1),
        # clamp(5, nan, 10) = min(max(5, nan), 10) = min(5, 10) = 5
        ("clamp(5, v, 10) == 5", 0),
        # min(3, 2, nan) = 2 (nan never less); max(nan, 7, 9) = nan
        ("min(3, 2, v) == 2 and not (max(v, 7, 9) == 9)", 0),
    ],
)
def test_min_max_and_clamp_of_nan_are_pythons(
    tmp_path: Path, engine: str, condition: str, violated: int
) -> None:
    rule = engine_builders.compiled(tmp_path, f"  when e\n  require {condition}\n", HEAD)
    log = Log()
    log.add("+0s", "e", v=NAN)
    assert counts(run(rule, log)) == tally(activations=1, satisfied=1 - violated, violated=violated)


@pytest.mark.parametrize(
    ("values", "changes"),
    [
        # nan == nan is false: every NaN is a change from the value before it, NaN or not
        ([NAN, NAN, NAN], 2),
        ([1, NAN, NAN, 1], 3),
        ([float("inf"), float("inf"), NAN], 1),
        # a text that reads as a number is that number: "nan" after a NaN is a change too
        ([NAN, "nan"], 1),
        (["nan", NAN], 1),
        # two texts are one value when they are the same text
        (["nan", "nan"], 0),
    ],
)
def test_every_nan_is_a_change(
    tmp_path: Path, engine: str, values: list[object], changes: int
) -> None:
    """changes(v) counts a value no longer == the one before (docs/semantics.md): DuckDB and
    Spark hold NaN equal to NaN, so their plans counted no change between two NaNs."""
    rule = engine_builders.compiled(
        tmp_path, f"  when done\n  require changes(v) == {changes}\n", HEAD
    )
    log = Log()
    for i, v in enumerate(values):
        log.add(f"+{i}s", "e", v=v)
    log.add(f"+{len(values)}s", "done")
    assert counts(run(rule, log)) == tally(activations=1, satisfied=1)


def test_nan_state_keys_are_one_key(tmp_path: Path, engine: str) -> None:
    """NaN state keys are one key, as in a scope (docs/semantics.md, "States"). The python
    engine's set of open keys found a NaN only when it was the very same float object: two NaNs
    read from a CSV log were two keys and an end with NaN closed neither (count 2), while the
    same events held in memory, one float object, were one key (count 0); DuckDB and Spark had
    one key."""
    head = HEAD.replace('"Test policy"\n', '"Test policy"\n  state on = e until off, by v\n')
    rule = engine_builders.compiled(tmp_path, "  when check\n  require count(on) == 1\n", head)
    log = Log()
    log.add("+0s", "e", v=float("nan"))  # opens the NaN key
    log.add("+1s", "e", v=float("nan"))  # another float object, the same key: already open
    log.add("+2s", "check")  # count(on) == 1 holds
    log.add("+3s", "off", v=float("nan"))  # closes it
    log.add("+4s", "e", v=1)  # 1 opens
    log.add("+5s", "e", v=1.0)  # 1.0 is 1: already open
    log.add("+6s", "check")  # only 1: count(on) == 1 holds
    assert counts(run(rule, log)) == tally(activations=2, satisfied=2)
