"""Report stage: the one entry point that turns a report into any of its renderings."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from cxrules.reports.as_csv import render_csv, write_csv
from cxrules.reports.as_html import render_html
from cxrules.reports.as_json import render_json, write_json
from cxrules.reports.as_junit import render_junit
from cxrules.reports.as_markdown import render_markdown
from cxrules.reports.as_text import render_text
from cxrules.reports.model import Report

RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
    "csv": render_csv,
    "html": render_html,
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def options_of(fmt: str) -> tuple[str, ...]:
    """The options a format accepts, in the order its function declares them.

    >>> options_of("junit"), options_of("json")
    (('fail_on', 'strict'), ())
    """
    params = list(inspect.signature(_renderer(fmt)).parameters.values())[1:]
    return tuple(p.name for p in params)


def render(report: Report, fmt: str, **options: Any) -> str:
    """The report rendered as `fmt` (text, json, junit, markdown, csv or html).

    Options go to that format's function; an unknown format or an option the format does not
    take is a ValueError that names the choices.

    >>> render(None, "pdf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown report format 'pdf' (choose one of text, json, junit, markdown, csv, html)
    """
    function = _renderer(fmt)
    allowed = options_of(fmt)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        choices = ", ".join(allowed) or "none"
        raise ValueError(
            f"the {fmt} format has no option {', '.join(map(repr, unknown))} "
            f"(its options: {choices})"
        )
    return function(report, **options)


def _renderer(fmt: str) -> Callable[..., str]:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown report format {fmt!r} (choose one of {', '.join(FORMATS)})")
    return RENDERERS[fmt]


#: Formats written as the violations come (`findings.assemble.Assembled`), never all in memory.
STREAMED: dict[str, Callable[[Any, Any], dict[tuple[str, str], int]]] = {
    "json": write_json,
    "csv": write_csv,
}
