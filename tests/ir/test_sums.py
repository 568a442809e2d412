"""Compiled stage, sums: exact sums rounded once, the same whatever the order of additions."""

from __future__ import annotations

import math
import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules.ir.sums import LIMB, ExactSum, rounded, split

FINITE = st.floats(allow_nan=False, allow_infinity=False)


def total(values: list[float]) -> float:
    s = ExactSum()
    for v in values:
        s.add(v)
    return s.value()


def test_by_hand() -> None:
    assert total([0.1] * 10) == 1.0  # adding in order gives 0.9999999999999999
    assert total([1e16, 1.0, -1e16]) == 1.0  # in order: 0.0
    assert total([0.1, 0.2, 0.3]) == 0.6  # in order: 0.6000000000000001
    assert total([]) == 0.0 and total([-0.0]) == 0.0
    assert total([5e-324, 5e-324]) == 1e-323  # the smallest subnormals
    assert total([1.7976931348623157e308, 1e292]) == math.inf  # rounds past the largest double
    assert total([1e308, 1e308, -1e308]) == 1e308  # no intermediate overflow
    assert split(0.5) == (-2, 2**63)  # 0.5 = 2**63 × 2**-64


@settings(max_examples=300, deadline=None)
@given(FINITE)
def test_split_is_exact(v: float) -> None:
    k, c = split(v)
    assert abs(c) < 2**85
    assert Fraction(c) * Fraction(2) ** (LIMB * k) == Fraction(v)


@settings(max_examples=300, deadline=None)
@given(st.lists(FINITE, max_size=30), st.randoms())
def test_the_sum_is_fsum_in_any_order(values: list[float], rnd: random.Random) -> None:
    try:
        expected = math.fsum(values)
    except OverflowError:  # fsum gives up on an intermediate overflow; the limbs do not
        exact = sum(map(Fraction, values), Fraction(0))
        try:
            expected = float(exact)  # correctly rounded
        except OverflowError:
            expected = math.inf if exact > 0 else -math.inf
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert total(values) == total(shuffled) == rounded(split(v) for v in shuffled)
    assert total(values) == expected or expected == 0.0 == total(values)
