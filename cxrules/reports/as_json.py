"""Report stage: the JSON rendering — the contract, as deterministic bytes.

Model fields keep their declared order (so `schema` comes first and a reader finds its way);
free-form maps (scope, group, parameters, details) have sorted keys; lists keep the report's
order, which the engines make deterministic. Two renders of equal reports are byte-identical.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
from pydantic import BaseModel

from cxrules.reports.model import Report


def render_json(report: Report) -> str:
    """The report as JSON: 2-space indent, UTF-8 text as is, key `schema`, a final newline.

    >>> from cxrules.reports.model import Report
    >>> r = Report(engine="python", zone="UTC", as_of=None, policy_files=[], revision="r1",
    ...            inputs=[], policies=[], violations=[])
    >>> render_json(r).splitlines()[:3]
    ['{', '  "schema": "cxrules.report/1",', '  "engine": "python",']
    """
    return json_text(to_plain(report)) + "\n"


def to_plain(value: Any, where: str = "report") -> Any:
    """A model as plain JSON values: fields in declared order (aliases as keys), maps sorted.

    Anything JSON cannot represent exactly (NaN, infinities, arbitrary objects in `details`) is an
    error naming the field, never converted silently.

    >>> to_plain({"b": [1, 2.5], "a": None})
    {'a': None, 'b': [1, 2.5]}
    >>> to_plain({"x": [0.0, float("nan")]}, "details")
    Traceback (most recent call last):
    ValueError: report field details.x[1] is nan, which JSON cannot represent
    """
    try:
        return _plain(value, False)
    except _Unwritable as exc:
        raise ValueError(exc.message(where)) from None


def model_json(value: BaseModel, where: str) -> str:
    """`json_text(to_plain(value, where))` in one walk of the model: each number is made the
    standard library's text on the way (see `json_text`)."""
    try:
        plain = _plain(value, True)
    except _Unwritable as exc:
        raise ValueError(exc.message(where)) from None
    try:
        return orjson.dumps(plain, option=orjson.OPT_INDENT_2).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json_text(to_plain(value, where))


class _Unwritable(Exception):
    """A value JSON cannot represent; the path to it is gathered on the way out (so that the
    walk builds no path for the values it can write)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.steps: list[str] = []

    def message(self, where: str) -> str:
        return f"report field {where}{''.join(reversed(self.steps))} {self.reason}"


#: (key written, attribute) of each model class's fields, in declared order
_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def _fields(kind: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        items = kind.model_fields.items()
        fields = _FIELDS[kind] = tuple((info.alias or name, name) for name, info in items)
    return fields


def _plain(value: Any, fragments: bool) -> Any:
    """`to_plain` without the path; with `fragments`, numbers as orjson fragments of the
    standard library's text. Exact types first (nearly every value), then their subclasses."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return orjson.Fragment(int.__repr__(value)) if fragments else value
    if kind is float:
        return _float(value, fragments)
    if kind is list or kind is tuple:
        items = []
        for n, item in enumerate(value):
            try:
                items.append(_plain(item, fragments))
            except _Unwritable as exc:
                exc.steps.append(f"[{n}]")
                raise
        return items
    if kind is dict or isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise _Unwritable(f"has a key that is not text: {key!r}")
        out = {}
        for key in sorted(value):
            try:
                out[key] = _plain(value[key], fragments)
            except _Unwritable as exc:
                exc.steps.append(f".{key}")
                raise
        return out
    if isinstance(value, BaseModel):
        fields = {}
        for key, name in _fields(kind):
            try:
                fields[key] = _plain(getattr(value, name), fragments)
            except _Unwritable as exc:
                exc.steps.append(f".{name}")
                raise
        return fields
    if isinstance(value, list | tuple):
        return _plain(list(value), fragments)
    if isinstance(value, float):
        return _float(value, fragments)
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return orjson.Fragment(int.__repr__(value)) if fragments else value
    raise _Unwritable(f"holds a {kind.__name__}, which JSON cannot represent")


def _float(value: float, fragments: bool) -> Any:
    if not math.isfinite(value):
        raise _Unwritable(f"is {value!r}, which JSON cannot represent")
    return orjson.Fragment(float.__repr__(value)) if fragments else value


def write_json(assembled: Any, handle: Any) -> dict[tuple[str, str], int]:
    """Write the report of `assembled` (`findings.assemble.Assembled`) to a text handle as it
    comes: the same bytes as `render_json` of the whole report, without holding its violations
    and pending obligations in memory. Returns how many violation records each (policy, kind)
    has."""
    report = assembled.report
    plain = to_plain(report)
    streams = {"violations": assembled.violations, "pending": assembled.pending}
    counts: dict[tuple[str, str], int] = {}
    handle.write("{")
    first = True
    for key, value in plain.items():
        handle.write("" if first else ",")
        first = False
        handle.write(f"\n  {json.dumps(key, ensure_ascii=False)}: ")
        if key not in streams:
            handle.write(_dumps(value).replace("\n", "\n  "))
            continue
        empty = True
        for n, record in enumerate(streams[key]):
            if key == "violations":
                which = (record.policy, record.kind)
                counts[which] = counts.get(which, 0) + 1
            item = model_json(record, f"report.{key}[{n}]")
            handle.write(("[\n    " if empty else ",\n    ") + item.replace("\n", "\n    "))
            empty = False
        handle.write("[]" if empty else "\n  ]")
    handle.write("\n}\n")
    return counts


def _dumps(value: Any) -> str:
    return json_text(value)


def json_text(value: Any) -> str:
    """Plain JSON values (`to_plain`) as `json.dumps(value, indent=2, ensure_ascii=False)`
    writes them, byte for byte, in a tenth of the time: orjson writes texts, lists and maps as
    the standard library does, and each number is handed to it as the standard library's text
    (its floats would read 1e-7 for 1e-07). What orjson cannot take (a lone surrogate in a
    text) goes the standard library's way.

    >>> print(json_text({"rate": 2.5e-05, "n": 2**70, "l": [], "s": "ş"}))
    {
      "rate": 2.5e-05,
      "n": 1180591620717411303424,
      "l": [],
      "s": "ş"
    }
    """
    try:
        return orjson.dumps(_numbers(value), option=orjson.OPT_INDENT_2).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


def _numbers(value: Any) -> Any:
    """`value` with each number as the text `json.dumps` writes for it (an orjson fragment)."""
    kind = type(value)
    if kind is dict:
        return {key: _numbers(item) for key, item in value.items()}
    if kind is list:
        return [_numbers(item) for item in value]
    if kind is float:
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not JSON")
        return orjson.Fragment(float.__repr__(value))
    if kind is int:
        return orjson.Fragment(int.__repr__(value))
    if kind is str or kind is bool or value is None:
        return value
    raise TypeError(f"not a plain JSON value: {kind.__name__}")
