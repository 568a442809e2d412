"""Command-line option types of `cxrules` (cxrules.cli): a path that must be given, an amount of
memory, a count of violations or 'all'. Each refuses a bad value as a usage error (exit 2).
Also what several commands share: the exit codes, the project in the current folder, `--set`
pairs and the report's format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxrules.diagnostics import render_text
from cxrules.engines.base import memory_bytes

if TYPE_CHECKING:
    from cxrules.project import Project

EXIT_OK, EXIT_VIOLATIONS, EXIT_INVALID, EXIT_INPUT = 0, 1, 2, 3


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


class ReportFormat(click.Choice):
    """`--format` of a report: one of `choices` in any case (`HTML`), `md` taken for `markdown`
    as `-o x.md` is."""

    def __init__(self, choices: list[str]) -> None:
        super().__init__(choices, case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.lower() == "md" and "markdown" in self.choices:
            value = "markdown"
        return super().convert(value, param, ctx)


#: `--policies` of the commands that read policy files, the project's by default.
policies_option = click.option(
    "--policies",
    "policies",
    multiple=True,
    type=GivenPath(),
    help="policy files or folders (repeatable) [default: the project's 'policies']",
)


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
        if text.isascii() and text.isdigit():  # '²' and '١' are digits int() refuses or misreads
            return int(text)
        self.fail(f"{value!r} is not a count: write a number such as 10, or 'all'", param, ctx)


def current_project(**options: object) -> Project:
    """The project in the current folder (cxrules.toml or [tool.cxrules]); exit 2 when its
    settings are invalid. `options`: the command line's `mapping=` and `output=`; one given
    replaces the setting, whose path is then not checked (`find_project`)."""
    from cxrules.project import ProjectError, find_project

    try:
        return find_project(Path("."), [key for key, value in options.items() if value])
    except ProjectError as exc:
        click.echo(render_text(exc.diagnostics), err=True)
        sys.exit(EXIT_INVALID)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """`--set NAME=VALUE` pairs as a mapping; a usage error for one that is not a pair."""
    from cxrules.checker.params import ParamError, split_assignment

    out: dict[str, str] = {}
    for pair in pairs:
        try:
            name, value = split_assignment(pair)
        except ParamError as exc:
            raise click.UsageError(f"--set {exc} ({exc.hint})") from exc
        out[name] = value
    return out


def _settings_name(project: Project) -> str:
    """How a message names the project's settings: cxrules.toml, or pyproject.toml's table."""
    if project.file is not None and project.file.name != "cxrules.toml":
        return f"[tool.cxrules] of {project.file.name}"
    return "cxrules.toml"


def output_named(project: Project, output: str | None, by: str | None) -> str:
    """How a message names the report's file: '-o r.html' when the command line gave it (`by`),
    else 'the output r.html (cxrules.toml)': a run given no -o is not told about one."""
    return f"{by} {output}" if by else f"the output {output} ({_settings_name(project)})"


def report_format_for(project: Project, fmt: str | None, output: str | None, by: str | None) -> str:
    """The report's format: --format, else the one `-o` names (`by`: '-o' when the command line
    named it: it beats the settings), else the project's, else the one the settings' output
    says, else text; a usage error when the format chosen and the name disagree."""
    from cxrules.reports.destination import FormatMismatch, format_of, report_format

    if fmt is None and by and output and format_of(output):
        return format_of(output) or "text"
    settings = _settings_name(project)
    try:
        return report_format(
            fmt or project.config.format,
            output,
            chosen_by="--format" if fmt else f"format in {settings}",
            output_by=output_named(project, output, by),
            settings=settings,
        )
    except FormatMismatch as exc:
        raise click.UsageError(f"{exc}\n  = hint: {exc.hint}") from None
