"""Command-line option types of `cxrules` (cxrules.cli): a path that must be given, an amount of
memory, a count of violations or 'all'. Each refuses a bad value as a usage error (exit 2)."""

from __future__ import annotations

from typing import Any

import click

from cxrules.engines.base import memory_bytes


class GivenPath(click.Path):
    """A file or folder name that is not empty: `-o ""`, `--mapping ""`, `check ""` (a script's
    variable left unset) is refused, not read as the current folder or as "use the settings"."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail(
                "an empty name is no file or folder: give one (is a variable in the command "
                "left unset?)",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


class Size(click.ParamType):
    """An amount of memory as DuckDB reads it: a number and a unit (500MB, 2GB, 1.5GiB)."""

    name = "SIZE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value).strip()
        try:
            memory_bytes(text)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return text


class MaxViolations(click.ParamType):
    """A count of violations (0 or more) or 'all'."""

    name = "N|all"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | str:
        if isinstance(value, int) or value == "all":
            return value
        text = str(value).strip().lower()
        if text == "all":
            return "all"
        if text.isdigit():
            return int(text)
        self.fail(f"{value!r} is not a count: write a number such as 10, or 'all'", param, ctx)
