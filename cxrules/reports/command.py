"""`cxrules report`: a JSON report rendered again in any format, without the logs.

An audit of months of logs is run once, its JSON report archived (docs/report.md); the page for
the managers, the Markdown for the ticket and the JUnit file for the pipeline are rendered from
it later, by the same renderers `cxrules audit` uses.
"""

from __future__ import annotations

import json
import shutil
import sys

import click

from cxrules.project.options import (
    EXIT_INVALID,
    EXIT_OK,
    GivenPath,
    MaxViolations,
    ReportFormat,
    current_project,
    report_format_for,
)
from cxrules.reports.model import Report
from cxrules.reports.render import FORMATS, options_of, render

#: The formats that list a limited number of violations (--max-violations).
_LIMITED = ("text", "markdown", "html")


@click.command(short_help="Render a JSON report again: text, HTML, Markdown, JUnit, CSV.")
@click.argument("report_file", metavar="REPORT", type=GivenPath(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=ReportFormat(list(FORMATS)),
    help="the rendering [default: the one -o names, else the project's 'format', else text]",
)
@click.option("--output", "-o", type=GivenPath(dir_okay=False), help="write it here")
@click.option(
    "--fail-on",
    type=click.Choice(["info", "low", "medium", "high", "critical"], case_sensitive=False),
    help="the verdict's severity (text, junit, markdown, html) [default: the project's "
    "'fail_on', else low]",
)
@click.option(
    "--max-violations",
    type=MaxViolations(),
    metavar="N|all",
    help="text, markdown and html: list at most N violations of each policy",
)
@click.option(
    "--policies",
    "policies",
    multiple=True,
    type=GivenPath(),
    help="html: the policy files the report was audited against, for each policy's "
    "explanation, used when their revision is the report's [default: the project's 'policies']",
)
def report(
    report_file: str,
    fmt: str | None,
    output: str | None,
    fail_on: str | None,
    max_violations: int | str | None,
    policies: tuple[str, ...],
) -> None:
    """Render REPORT, a JSON report written by `cxrules audit --format json`, again in any
    format, without reading the logs: the same page, table or file the audit would have
    written (the verdict and the violations are the report's; --fail-on can judge them
    at another severity).

    Exit 0 when it is written, 2 when REPORT is not a cxrules report or on usage, 3 when it
    cannot be read.
    """
    from cxrules.reports.destination import ReportNotWritten, output_refused, written_whole
    from cxrules.reports.diff import DiffError, load_report

    project = current_project(output=output)
    output_by = "-o" if output else None
    output = None if output == "-" else output
    fmt = report_format_for(project, fmt, output, output_by)
    limit = _limit(max_violations, fmt)
    refused = output_refused(output, [report_file], "the report rendered")
    if refused:
        raise click.UsageError(refused)
    try:
        loaded = load_report(report_file)
    except DiffError as exc:
        click.echo(f"cxrules report: {exc}", err=True)
        sys.exit(exc.exit_code)
    options: dict[str, object] = {}
    if "fail_on" in options_of(fmt):
        options["fail_on"] = fail_on or project.config.fail_on or "low"
    if max_violations is not None:
        options["max_violations"] = limit
    if fmt == "text" and output:
        options["color"] = False
    elif fmt == "text" and sys.stdout.isatty():
        options["width"] = shutil.get_terminal_size().columns
    if fmt == "html":
        paths = policies or tuple(project.config.policies)
        options["explanations"] = _explanations(paths, loaded.revision, loaded.parameters)
    try:
        _consistent(loaded)
        text = render(loaded, fmt, **options)
    except ValueError as exc:  # a hand-edited report: a time, a zone, a policy that is not
        invalid = f"'{report_file}' is not a valid cxrules report: {exc}"
        click.echo(f"cxrules report: {invalid}", err=True)
        sys.exit(EXIT_INVALID)
    try:
        with written_whole(output) as handle:
            handle.write(text if text.endswith("\n") or output else text + "\n")
    except ReportNotWritten as exc:
        click.echo(f"cxrules report: {exc}", err=True)
        sys.exit(exc.exit_code)
    if output:
        click.echo(f"report written to {output}", err=True)
    sys.exit(EXIT_OK)


def _consistent(loaded: Report) -> None:
    """A ValueError naming what a report read back cannot be, though its fields have their
    types: a zone that is none, a compliance outside 0..1, a violation of a policy it does not
    summarise or whose reported values are no object (a hand-edited or foreign file; the
    renderers assume what an audit writes)."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(loaded.zone)
    except (ValueError, LookupError):
        raise ValueError(f"zone: {loaded.zone!r} is not a time zone") from None
    for i, policy in enumerate(loaded.policies):
        if policy.compliance is not None and not 0 <= policy.compliance <= 1:
            raise ValueError(
                f"policies.{i}.compliance: {policy.compliance!r} is not between 0 and 1"
            )
    summarised = {p.id for p in loaded.policies}
    for i, violation in enumerate(loaded.violations):
        if violation.policy not in summarised:
            raise ValueError(
                f"violations.{i}.policy: {violation.policy!r} is not one of the report's policies"
            )
        reported = violation.details.get("report")
        if reported is not None and not isinstance(reported, dict):
            raise ValueError(
                f"violations.{i}.details.report: {reported!r} is not the values a policy "
                "reports (an object of names and values)"
            )


def _limit(given: int | str | None, fmt: str) -> int | None:
    """--max-violations as a number (None: all); a usage error for a format that lists every
    violation."""
    if given is None:
        return None
    if fmt not in _LIMITED:
        raise click.UsageError(
            f"--max-violations applies to the text, markdown and html formats; the {fmt} "
            "format always has every violation"
        )
    return None if given == "all" else int(given)


def _explanations(
    paths: tuple[str, ...], revision: str, parameters: dict[str, object]
) -> dict[str, str]:
    """Each policy's plain-English explanation, from the policy files given, when they are the
    ones the report was audited against (the same revision), with the report's parameters; {}
    and a warning otherwise: an explanation of other rules would describe what was not
    judged."""
    from cxrules.diagnostics import Level
    from cxrules.ir.explain import explain_policy
    from cxrules.policyset import load_policies

    if not paths:
        click.echo(
            "cxrules report: note: no policy files at hand (--policies, or a project's "
            "'policies'); the page has no explanations",
            err=True,
        )
        return {}
    overrides = {name: _as_set(value) for name, value in parameters.items()}
    loaded = load_policies(list(paths), overrides)
    policy_set = loaded.policy_set
    shown = ", ".join(paths)
    if policy_set is None:  # a path that is not there, an error, a parameter they lack
        errors = [d.render().splitlines()[0] for d in loaded.diagnostics if d.level is Level.ERROR]
        why = errors[0] if errors else "no policy files (*.cxr) found"  # an empty folder
        click.echo(
            f"cxrules report: warning: the policies ({shown}) do not load (with the report's "
            f"parameters): {why}; the page has no explanations",
            err=True,
        )
        return {}
    if policy_set.revision != revision:
        click.echo(
            f"cxrules report: warning: the policies ({shown}) are not those the report "
            f"was audited against (revision {policy_set.revision[:12]}, the report's "
            f"{revision[:12]}); the page has no explanations",
            err=True,
        )
        return {}
    if policy_set.parameters != parameters:
        click.echo(
            f"cxrules report: warning: the report's parameters cannot be set on the policies "
            f"({shown}) as they were; the page has no explanations",
            err=True,
        )
        return {}
    return {p.id: explain_policy(p, policy_set.calendars) for p in policy_set.policies}


def _as_set(value: object) -> str:
    """A parameter as the report writes it (the value's text in the policy language: a text in
    quotes, with JSON's escapes, `language.fmt.quote`) as `--set` takes it (a text bare).
    `_explanations` checks the policies then have the report's parameters exactly, so a value
    this reads otherwise is never explained."""
    text = str(value)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            bare = json.loads(text)
        except ValueError:
            return text
        return bare if isinstance(bare, str) else text
    return text
