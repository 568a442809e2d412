"""`cxrules watch`: the command line of the live stage (docs/live.md)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from cxrules.project.options import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    GivenPath,
    ReportFormat,
    current_project,
    parse_overrides,
    policies_option,
    report_format_for,
)


@click.command(short_help="Follow a log as it is written; alert on breaches as they happen.")
@policies_option
@click.option(
    "--log",
    "log",
    type=GivenPath(),
    help="the log file to follow (JSON Lines or CSV), or '-' for standard input "
    "[default: the project's 'logs' when it names one file]",
)
@click.option("--mapping", type=GivenPath(), help="TOML file mapping the log's columns")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE")
@click.option(
    "--lateness",
    default="0s",
    show_default=True,
    metavar="DURATION",
    callback=lambda ctx, param, value: _lateness(value),
    help="how far behind the latest event an event may arrive and still be audited in time "
    "order, e.g. 2min; events are held that long; later ones are rejected (E414)",
)
@click.option(
    "--no-follow",
    "no_follow",
    is_flag=True,
    help="stop at the end of what the file holds now (a replay) instead of waiting for more",
)
@click.option(
    "--alerts",
    type=click.Choice(["text", "jsonl"], case_sensitive=False),
    default="text",
    show_default=True,
    help="how alerts are written on standard output: a line for people, or a JSON object "
    "per line for tools",
)
@click.option(
    "--format",
    "fmt",
    type=ReportFormat(["text", "json", "junit", "markdown", "csv", "html"]),
    help="write the report of everything read when the watch ends, in this format",
)
@click.option(
    "--output",
    "-o",
    type=GivenPath(dir_okay=False),
    help="write that report here [default: none; with --format alone, standard output]",
)
@click.option(
    "--fail-on",
    type=click.Choice(["info", "low", "medium", "high", "critical"], case_sensitive=False),
    help="exit 1 when violations of this severity or higher were found [default: low]",
)
@click.option(
    "--log-format",
    type=click.Choice(["jsonl", "csv"], case_sensitive=False),
    help="the log's format when its name does not tell",
)
def watch(
    policies: tuple[str, ...],
    log: str | None,
    mapping: str | None,
    overrides: tuple[str, ...],
    lateness: str,
    no_follow: bool,
    alerts: str,
    fmt: str | None,
    output: str | None,
    fail_on: str | None,
    log_format: str | None,
) -> None:
    """Follow a log as it is written and say each breach as soon as it is certain: violations
    as the reference engine decides them, obligations past their deadline (overdue), invariant
    gaps longer than their grace. Ctrl-C (or SIGTERM) ends the watch: what is open is judged at
    the last event's time and the report of everything read is written (--format, -o).

    Exit 0 when no violation is at or above --fail-on, 1 when some are, 2 for invalid policies
    or usage, 3 when the log cannot be read or no event of it was audited, 141 when standard
    output was closed by the program reading the alerts (`| head -1`): the watch ends then, as
    at Ctrl-C.
    """
    from cxrules.audit import AuditError
    from cxrules.diagnostics import render_text
    from cxrules.live.watch import WatchRequest, watch_log
    from cxrules.project.pipe import EXIT_CLOSED, is_closed_pipe, quiet_stdout
    from cxrules.reports.common import failing, nothing_audited, plural
    from cxrules.reports.destination import ReportNotWritten, output_refused, written_whole
    from cxrules.reports.render import render

    project = current_project()
    config = project.config
    policies = policies or tuple(config.policies)
    if not policies:
        raise click.UsageError(
            "no policies given: pass --policies PATH or set 'policies' in cxrules.toml"
        )
    if log is None:
        if len(config.logs) != 1:
            raise click.UsageError("no log given: pass --log FILE (or '-' for standard input)")
        log = config.logs[0]
    mapping = mapping or config.mapping
    wants_report = fmt is not None or output is not None  # '-o -': standard output
    output = None if output == "-" else output
    report_fmt = report_format_for(project, fmt, output, "-o" if output else None)
    fail_on = fail_on or config.fail_on or "low"
    refused = output_refused(output, [*policies, log, *([mapping] if mapping else [])])
    if refused:
        raise click.UsageError(refused)
    request = WatchRequest(
        policies=list(policies),
        log=log,
        mapping=mapping,
        overrides=parse_overrides(overrides),
        lateness=lateness,
        follow=not no_follow,
    )
    stop = threading.Event()
    gone: list[OSError] = []  # standard output closed by its reader (`watch | head -1`)

    def say(alert: Any) -> None:
        if gone:
            return
        try:
            if alerts == "jsonl":
                sys.stdout.buffer.write(alert.as_json() + b"\n")
                sys.stdout.buffer.flush()
            else:
                click.echo(alert.as_text())
                sys.stdout.flush()
        except OSError as exc:
            if not is_closed_pipe(exc):
                raise
            gone.append(exc)  # the watch ends as at Ctrl-C; the report is still written to -o
            quiet_stdout()
            stop.set()

    def notice(message: str) -> None:
        click.echo(f"cxrules watch: {message}", err=True)

    try:
        with stopping(stop):
            report, warnings, watched = watch_log(request, say, stop, notice)
        if wants_report and not (gone and output is None):
            text = render(report, report_fmt, **_options(report_fmt, fail_on, output))
            with written_whole(output) as handle:
                handle.write(text if text.endswith("\n") or output else text + "\n")
    except (AuditError, ReportNotWritten) as exc:
        if exc.diagnostics:
            click.echo(render_text(exc.diagnostics), err=True)
        click.echo(f"cxrules watch: {exc}", err=True)
        sys.exit(exc.exit_code)
    if warnings:
        click.echo(render_text(warnings), err=True)
    said = watched.alerts
    notice(
        f"{plural(watched.events, 'event')} audited, {plural(report.rejected_total, 'record')} "
        f"rejected ({watched.late} late); alerts: {plural(said['violation'], 'violation')}, "
        + (f"{plural(said['warning'], 'metric warning')}, " if said.get("warning") else "")
        + f"{said['overdue']} overdue, {plural(said['gap'], 'open gap')}"
    )
    if output:
        notice(f"report written to {output}")
    if gone:
        unsaid = " and the report were" if wants_report and output is None else " was"
        notice(
            f"standard output was closed by the program reading it: the watch ended, no alert"
            f"{unsaid} written after that"
        )
        sys.exit(EXIT_CLOSED)
    unjudged = nothing_audited(report)
    if unjudged:
        notice(f"no event to audit: {unjudged}")
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_VIOLATIONS if failing(report, fail_on) else EXIT_OK)


def _lateness(text: str) -> str:
    from cxrules.time.format import DurationTextError, parse_duration_text

    try:
        seconds = parse_duration_text(text)
    except DurationTextError as exc:
        raise click.BadParameter(str(exc), param_hint="'--lateness'") from None
    if seconds < 0:
        raise click.BadParameter(f"{text!r} is negative", param_hint="'--lateness'")
    return text


def _options(fmt: str, fail_on: str, output: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if fmt in ("text", "junit", "markdown", "html"):
        options["fail_on"] = fail_on
    if fmt == "text" and output:
        options["color"] = False
    return options


@contextmanager
def stopping(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM end the watch (`stop` is set; the report is still written); a second
    Ctrl-C interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ask(signum: int, frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    before = {s: signal.signal(s, ask) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
