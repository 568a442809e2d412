"""Report stage: the JSON rendering — the contract, as deterministic bytes.

Model fields keep their declared order (so `schema` comes first and a reader finds its way);
free-form maps (scope, group, parameters, details) have sorted keys; lists keep the report's
order, which the engines make deterministic. Two renders of equal reports are byte-identical.
"""

from __future__ import annotations

import json
import math
from typing import Any

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
    return json.dumps(to_plain(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


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
