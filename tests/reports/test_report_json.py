"""The JSON rendering is the contract: complete, deterministic, and safe to read back."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cxrules.reports.as_json import json_text, model_json, render_json, to_plain, write_json
from cxrules.reports.model import Report


def test_two_renders_of_equal_reports_are_identical(make_report: Callable[[], Report]) -> None:
    first, second = make_report(), make_report()
    assert first is not second
    assert render_json(first).encode() == render_json(second).encode()


def test_map_order_does_not_matter(report: Report) -> None:
    swapped = report.model_copy(update={"parameters": {"grace": "30s", "max_wait": "3min"}})
    assert list(report.parameters) == ["max_wait", "grace"]
    assert render_json(swapped) == render_json(report)


def test_layout(report: Report) -> None:
    text = render_json(report)
    lines = text.splitlines()
    assert text.endswith("}\n")
    assert lines[:4] == [
        "{",
        '  "schema": "cxrules.report/1",',
        '  "engine": "python",',
        '  "zone": "Europe/Istanbul",',
    ]
    # parameters: sorted keys, 4-space indent inside the top-level object
    start = lines.index('  "parameters": {')
    assert lines[start + 1 : start + 3] == ['    "grace": "30s",', '    "max_wait": "3min"']
    # details of the restaurant violation: given as text, arm; written arm, text
    assert '"details": {\n        "arm": "ayse",\n        "text": "no problem, sir"\n' in text


def test_every_field_is_written_and_reads_back(report: Report) -> None:
    data = json.loads(render_json(report))
    assert data == report.model_dump(mode="json", by_alias=True)
    assert data["pending"][0]["at_risk"] is False
    assert data["violations"][3]["trigger"] is None
    assert data["policies"][3]["compliance"] is None
    assert Report.model_validate(data) == report


def test_unicode_is_written_as_is(report: Report) -> None:
    turkish = report.model_copy(update={"zone": "Europe/Istanbul", "revision": "şikayet.açıldı"})
    assert '"revision": "şikayet.açıldı"' in render_json(turkish)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "report field report.violations[2].details.x is nan"),
        (float("inf"), "report field report.violations[2].details.x is inf"),
        ({1, 2}, "report field report.violations[2].details.x holds a set"),
    ],
)
def test_values_json_cannot_hold_are_errors(report: Report, value: object, message: str) -> None:
    broken = report.violations[2].model_copy(update={"details": {"x": value}})
    violations = [*report.violations[:2], broken, *report.violations[3:]]
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        render_json(report.model_copy(update={"violations": violations}))


_PLAIN = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_PLAIN)
def test_json_text_writes_what_the_standard_library_writes(value: object) -> None:
    # the report's bytes do not depend on which encoder wrote them: floats such as 2.5e-05 (orjson
    # alone writes 0.000025), ints beyond 64 bits, control characters, lone surrogates
    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


def test_json_text_keeps_small_and_large_numbers_as_python_writes_them() -> None:
    assert json_text([2.5e-05, 1e-07, 1e16, 2**64, -0.0]) == (
        "[\n  2.5e-05,\n  1e-07,\n  1e+16,\n  18446744073709551616,\n  -0.0\n]"
    )
    assert json_text({"s": "a\ud800b"}) == '{\n  "s": "a\ud800b"\n}'  # orjson refuses it


def test_the_streamed_report_is_the_rendered_report(report: Report) -> None:
    # write_json writes each record in one walk (numbers made text on the way), render_json
    # the whole model at once: the same bytes, and the standard library's
    rest = report.model_copy(update={"violations": [], "pending": []})
    streams = SimpleNamespace(
        report=rest, violations=iter(report.violations), pending=iter(report.pending)
    )
    out = io.StringIO()
    counts = write_json(streams, out)
    assert out.getvalue() == render_json(report)
    assert json.loads(out.getvalue()) == report.model_dump(mode="json", by_alias=True)
    assert sum(counts.values()) == len(report.violations) > 0


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # a builder: no state
@given(value=_PLAIN)
@example(value=[2.5e-05, 1e-07, 1e16, 2**64, -0.0])
@example(value=["a\ud800b", 1e-07])  # orjson refuses a lone surrogate
def test_a_record_in_one_walk_is_the_two_walks(
    make_report: Callable[[], Report], value: object
) -> None:
    violation = make_report().violations[2].model_copy(update={"details": {"x": value}})
    expected = json.dumps(to_plain(violation), indent=2, ensure_ascii=False, allow_nan=False)
    assert model_json(violation, "v") == expected
