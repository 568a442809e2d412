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
    """
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return {
            (info.alias or name): to_plain(getattr(value, name), f"{where}.{name}")
            for name, info in fields.items()
        }
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise ValueError(f"report field {where} has a key that is not text: {key!r}")
        return {key: to_plain(value[key], f"{where}.{key}") for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [to_plain(item, f"{where}[{n}]") for n, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"report field {where} is {value!r}, which JSON cannot represent")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    kind = type(value).__name__
    raise ValueError(f"report field {where} holds a {kind}, which JSON cannot represent")


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
            item = _dumps(to_plain(record, f"report.{key}[{n}]"))
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
