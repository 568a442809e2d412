"""The quotient of two ints beyond 2**53 (docs/semantics.md, "One tolerance for numbers": a known
difference): python divides them exactly and rounds once, the SQL engines divide their doubles.
9007199254740993 / 3 is exactly 3002399751580331; its dividend as a double is 9007199254740992,
whose third is 3002399751580330.666…, a double 3002399751580330.5 (the spacing there is 0.5).
The verdict is the same on every engine (a quotient is a float, compared with the tolerance);
the sentence writes each engine's digits. A fix that makes them agree changes the document."""

from __future__ import annotations

from pathlib import Path

import engine_builders
from engine_builders import Log, counts, run, tally

HEAD = """policy p.test "Test policy"
  owner "Data"
  description "Hunt 59"
"""


def test_a_huge_quotient_reads_alike_and_is_written_as_each_engine_computed(
    tmp_path: Path, engine: str
) -> None:
    rule = engine_builders.compiled(
        tmp_path, "  when ref.seen\n  require ref / 3 != 3002399751580331\n", HEAD
    )
    log = Log()
    log.add("+0s", "ref.seen", ref=9007199254740993)
    result = run(rule, log)
    assert counts(result) == tally(activations=1, violated=1)
    digits = "3002399751580331" if engine == "python" else "3002399751580330.5"
    assert f"(ref / 3 = {digits};" in result.violations[0].sentence
