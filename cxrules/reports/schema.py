"""Report stage: the JSON Schema of the report contract, exported from the pydantic models.

Run `python -m cxrules.reports.schema docs/report.schema.json` after changing the model; a test
fails while the committed schema and the model disagree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxrules.reports.model import SCHEMA_ID, Report

SCHEMA_URI = "https://cxrules.dev/schema/report/1"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of `Report` (by alias), with its dialect, `$id` and title first.

    >>> s = report_schema()
    >>> s["$id"], s["title"], s["properties"]["schema"]["const"]
    ('https://cxrules.dev/schema/report/1', 'cxrules report (cxrules.report/1)', 'cxrules.report/1')
    """
    body = Report.model_json_schema(by_alias=True)
    body.pop("title", None)
    head = {"$schema": DIALECT, "$id": SCHEMA_URI, "title": f"cxrules report ({SCHEMA_ID})"}
    return head | body


def schema_text() -> str:
    """The schema as the text committed in docs/report.schema.json (2-space indent, newline)."""
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: str | Path) -> None:
    """Write the schema to `path` (UTF-8), replacing any previous file."""
    Path(path).write_text(schema_text(), encoding="utf-8")


def load_report(text: str | bytes) -> Report:
    """A report read back from its JSON; a clear error saying where it does not fit the schema.

    >>> load_report('[]')
    Traceback (most recent call last):
    ...
    ValueError: not a cxrules.report/1 report: at the top level: Input should be an object
    """
    try:
        return Report.model_validate_json(text)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        first = problems[0]
        path = ".".join(str(part) for part in first["loc"])
        where = f"at {path!r}" if path else "at the top level"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ValueError(f"not a {SCHEMA_ID} report: {where}: {first['msg']}{more}") from None


def main(argv: list[str] | None = None) -> int:
    """`python -m cxrules.reports.schema PATH`: write the schema to PATH."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m cxrules.reports.schema PATH", file=sys.stderr)
        return 2
    write_schema(args[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
