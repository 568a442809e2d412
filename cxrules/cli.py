"""Command line: thin wrappers that parse arguments, call the library and choose exit codes.

Exit codes: 0 fine; 1 violations at or above --fail-on (audit) or files to reformat (fmt --check);
2 invalid policies or usage; 3 unreadable input, or an audit that judged no event (NOTHING AUDITED);
130 interrupted (Ctrl-C); 141 standard output closed by its reader (cxrules.project.pipe).
"""

from __future__ import annotations

import difflib
import json
import shlex
import shutil
import sys
from pathlib import Path

import click

from cxrules import __version__, engines
from cxrules.diagnostics import Diagnostic, Level, error, render_json, render_text, sort_key
from cxrules.engines.base import DEFAULT_MEMORY_LIMIT
from cxrules.live.command import watch
from cxrules.logs.progress import ProgressDisplay
from cxrules.project.options import (
    EXIT_INPUT,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_VIOLATIONS,
    GivenPath,
    MaxViolations,
    ReportFormat,
    Size,
    current_project,
    output_named,
    parse_overrides,
    policies_option,
    report_format_for,
)
from cxrules.project.pipe import Commands, OutputClosed, closed
from cxrules.reports.command import report
from cxrules.reports.common import plural

NO_POLICIES = "no policy files (*.cxr) found"
LEFT = "a file with errors is left as it is"
NO_POLICIES_HINT = "name .cxr files or folders that hold them, e.g. cxrules check policies/"


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cxrules")
def main() -> None:
    """cxrules: customer-experience rules as code. Check policies, audit logs against them."""


@main.command()
@click.argument("paths", nargs=-1, type=GivenPath())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    help="text for people, json for tools",
)
@click.option("--strict", is_flag=True, help="fail on warnings too")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="override a parameter, e.g. --set max_wait=3min",
)
@click.option(
    "--log",
    "logs",
    multiple=True,
    type=GivenPath(),
    help="a sample log: warn about event types and attributes the policies read and no event "
    "of it has (repeatable)",
)
@click.option("--mapping", type=GivenPath(), help="TOML file mapping the sample log's columns")
@click.option(
    "--log-format",
    type=click.Choice(["jsonl", "csv", "parquet", "xes"], case_sensitive=False),
    help="the sample log's format when its name does not tell",
)
def check(
    paths: tuple[str, ...],
    fmt: str,
    strict: bool,
    overrides: tuple[str, ...],
    logs: tuple[str, ...],
    mapping: str | None,
    log_format: str | None,
) -> None:
    """Parse and validate policy files (files or folders of *.cxr; default: the project's);
    with --log, also against a sample log, without auditing it.

    Exit 0 when the policies are valid, 2 when one has an error (with --strict, a warning), no
    policy file is found, or for usage or an invalid mapping, 3 when a sample log cannot be read.
    """
    from cxrules.audit import AuditError, check_against_logs
    from cxrules.policyset import load_policies

    loaded = load_policies(_policy_paths(paths), parse_overrides(overrides))
    diagnostics = loaded.diagnostics
    if logs and loaded.policy_set is not None:
        mapping = mapping or current_project().config.mapping
        try:
            diagnostics = diagnostics + check_against_logs(
                loaded.policy_set,
                list(logs),
                mapping,
                Path.cwd(),
                log_format,
                loaded.workspace.sources,
            )
        except AuditError as exc:
            if fmt == "json":  # a tool reading the output gets the mapping's or log's errors
                click.echo(render_json(diagnostics + exc.diagnostics))
            elif exc.diagnostics:
                click.echo(render_text(exc.diagnostics), err=True)
            click.echo(f"cxrules check: {exc}", err=True)
            sys.exit(exc.exit_code)
    errors = sum(d.level is Level.ERROR for d in diagnostics)
    files = len(loaded.workspace.sources)
    if fmt == "json":  # a tool reads why nothing was checked in the JSON, not only on stderr
        found = [error("E229", NO_POLICIES, None, NO_POLICIES_HINT)] if files == 0 else []
        click.echo(render_json(diagnostics or found))
    elif diagnostics:
        click.echo(render_text(diagnostics))
    elif loaded.policy_set is not None:
        counted = plural(len(loaded.policy_set.policies), "policy", "policies")
        click.echo(f"{plural(files, 'file')}, {counted}: ok")
    if files == 0 and not diagnostics:
        click.echo(NO_POLICIES, err=True)
    if errors or files == 0 or (strict and diagnostics):
        sys.exit(EXIT_INVALID)


def _policy_paths(paths: tuple[str, ...]) -> list[str]:
    """The policy paths given, else the project's `policies`; a usage error when neither."""
    if paths:
        return list(paths)
    policies = current_project().config.policies
    if not policies:
        raise click.UsageError(
            "no policy files given: name them (e.g. policies/) or set "
            "'policies' in cxrules.toml (cxrules init makes a project)"
        )
    return policies


def _engine_settings(
    engine: str,
    memory_limit: str | None,
    temp_dir: str | None,
    threads: int | None,
    spark_master: str | None,
) -> dict[str, str]:
    """`RunOptions.settings` from the command line; an option of another engine is an error."""
    given: dict[str, object] = {"memory_limit": memory_limit, "temp_directory": temp_dir}
    given |= {"threads": threads, "spark_master": spark_master}
    try:
        return engines.settings(engine, given)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@main.command()
@click.argument("paths", nargs=-1, type=GivenPath())
@click.option("--check", "check_only", is_flag=True, help="only report files that would change")
@click.option("--diff", "show_diff", is_flag=True, help="show the changes instead of writing")
def fmt(paths: tuple[str, ...], check_only: bool, show_diff: bool) -> None:
    """Rewrite policy files in the canonical layout (comments are kept).

    Exit 0 when done (or, with --check or --diff, when no file would change), 1 when a file
    would change, 2 for invalid policies, no policy file found or usage, 3 when a file cannot
    be written."""
    from cxrules.language.fmt import format_file, write_formatted
    from cxrules.language.parser import parse
    from cxrules.language.workspace import (
        display_name,
        expand,
        inside_project,
        policy_text,
        read_policy_file,
    )
    from cxrules.source import Source

    given = _policy_paths(paths)
    files, problems = expand(given)
    inside, outside = inside_project(given, files)  # never written through a link out of it
    diagnostics: list[Diagnostic] = [*problems, *outside]
    changed: list[str] = []
    unwritten: list[str] = []
    root = Path.cwd().resolve()
    for path in inside:
        name = display_name(path, root)
        text, problem = read_policy_file(path, name)
        if text is None:
            diagnostics.extend([problem] if problem else [])
            continue
        # line ends as read_text reads them (write_formatted puts a file's CRLF back)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        tree, found = parse(Source(name=name, text=policy_text(text)))
        if tree is None:
            diagnostics.extend(found)
            continue
        formatted = "\ufeff" * text.startswith("\ufeff") + format_file(tree, text)  # keep a BOM
        if formatted == text:
            continue
        changed.append(name)
        if show_diff:
            click.echo(
                "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        formatted.splitlines(keepends=True),
                        fromfile=name,
                        tofile=name,
                    )
                ),
                nl=False,
            )
        elif not check_only:
            try:
                write_formatted(path, formatted)
            except OSError as exc:  # read-only, a full disk: said, and the next file is formatted
                unwritten.append(f"cxrules fmt: cannot write '{name}': {exc.strerror or exc}")
    if not files and not diagnostics:  # as check says it: nothing was formatted
        click.echo(NO_POLICIES, err=True)
        sys.exit(EXIT_INVALID)
    if diagnostics:
        click.echo(render_text(sorted(diagnostics, key=sort_key)))
        if changed:  # the files without errors were formatted all the same: said, not silent
            done = "would be reformatted" if check_only or show_diff else "reformatted"
            click.echo(f"{len(changed)} of {plural(len(files), 'file')} {done}; {LEFT}")
        sys.exit(EXIT_INVALID)
    if unwritten:
        click.echo("\n".join(unwritten), err=True)
        sys.exit(EXIT_INPUT)
    if check_only or show_diff:
        for name in changed:
            click.echo(f"would reformat {name}")
        click.echo(f"{len(changed)} of {plural(len(files), 'file')} would be reformatted")
        sys.exit(EXIT_VIOLATIONS if changed else EXIT_OK)
    click.echo(f"{len(changed)} of {plural(len(files), 'file')} reformatted")


@main.command()
@click.argument("paths", nargs=-1, type=GivenPath())
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE")
@click.option(
    "--engine",
    type=click.Choice(engines.names(), case_sensitive=False),
    help="print the plans this engine runs (SQL for duckdb and spark) instead of the "
    "engine-neutral form",
)
@click.option("--zone", default="UTC", show_default=True, help="the log's zone (naive times)")
@click.option("--as-of", "as_of", help="the horizon the plans are written for (ISO time)")
def compile(  # noqa: A001
    paths: tuple[str, ...],
    overrides: tuple[str, ...],
    engine: str | None,
    zone: str,
    as_of: str | None,
) -> None:
    """Print the compiled form of policies: engine-neutral JSON, or with --engine the plans an
    engine runs (the SQL of duckdb and spark, to read or run by hand)."""
    from cxrules.audit import AuditError, parse_as_of
    from cxrules.policyset import load_policies
    from cxrules.time.calendars import CalendarError
    from cxrules.time.instants import to_us
    from cxrules.time.zones import zone as lookup

    loaded = load_policies(_policy_paths(paths), parse_overrides(overrides))
    if loaded.policy_set is None:  # a folder without policies has no diagnostic: say so
        found = loaded.diagnostics
        click.echo(render_text(found) if found else NO_POLICIES, err=not found)
        sys.exit(EXIT_INVALID)
    text, refused = None, []
    try:  # checked with or without --engine: a mistyped option is never passed over
        lookup(zone)
        horizon = to_us(parse_as_of(as_of, zone)) if as_of is not None else None
    except (CalendarError, AuditError) as exc:
        raise click.UsageError(str(exc)) from None
    if engine is not None:
        runner = engines.get(engine)
        text = runner.listing(loaded.policy_set, zone, horizon)
        refused = runner.limits(loaded.policy_set)
    if text is None:
        text = json.dumps(loaded.policy_set.model_dump(mode="json"), indent=2, ensure_ascii=False)
    click.echo(text)
    if engine is not None and refused:  # listed as comments; said on stderr, as `audit` would
        click.echo(render_text(refused), err=True)
        sys.exit(EXIT_INVALID)


def run() -> None:
    """Entry point that turns any unexpected exception into a short message, never a traceback.
    Ctrl-C is 'interrupted', exit 130 (click's 'Aborted!' exited 1, the code of violations)."""
    try:
        code = main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except OutputClosed as exc:  # `cxrules audit | head -1`
        code = closed(exc)
    except SystemExit:
        raise
    except (KeyboardInterrupt, Exception) as exc:  # noqa: BLE001 - the last line of defence
        # DuckDB says Ctrl-C during a query as InterruptException or 'Query interrupted'
        stopped = isinstance(exc, KeyboardInterrupt | click.Abort) or (
            type(exc).__name__ == "InterruptException" or str(exc) == "Query interrupted"
        )
        if not stopped:
            click.echo(f"cxrules: internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("please report this with the command you ran", err=True)
            sys.exit(EXIT_INPUT)
        click.echo("\ncxrules: interrupted (Ctrl-C): the audit did not finish", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else EXIT_OK)


@main.command()
@policies_option
@click.option(
    "--log",
    "logs",
    multiple=True,
    type=GivenPath(),
    help="log files (JSONL, CSV, Parquet or XES, gzipped or not), folders or quoted patterns "
    "('logs/2026-03-*.jsonl') of them; '-' for stdin [default: the project's 'logs']",
)
@click.option(
    "--mapping",
    type=GivenPath(),
    help="TOML file mapping the log's columns [default: the project's 'mapping' or [log]]",
)
@click.option(
    "--as-of",
    "as_of",
    help="evaluation horizon (ISO time; a date alone is its midnight, 00:00) "
    "[default: the last event]",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="override a parameter, e.g. --set max_wait=3min",
)
@click.option(
    "--format",
    "fmt",
    type=ReportFormat(["text", "json", "junit", "markdown", "csv", "html"]),
    help="the report's format [default: the project's 'format', else the one the name of "
    "--output says (.html, .htm, .json, .xml: junit, .csv, .md, .txt), else text]",
)
@click.option(
    "--output",
    "-o",
    type=GivenPath(dir_okay=False),
    help="write the report here ('-': the terminal) [default: the project's 'output']",
)
@click.option(
    "--fail-on",
    type=click.Choice(["info", "low", "medium", "high", "critical"], case_sensitive=False),
    help="exit 1 when violations of this severity or higher are found "
    "[default: the project's 'fail_on', else low]",
)
@click.option(
    "--strict",
    is_flag=True,
    help="any rejected log record fails the audit (exit 3), and so does an event type or "
    "attribute the policies read that no event of the log has, or local time read in UTC in a "
    "log with other offsets (W401-W403: exit 2)",
)
@click.option(
    "--max-violations",
    type=MaxViolations(),
    metavar="N|all",
    help="violations listed per policy by text, markdown and html (default 3, 3 and 20; html "
    "counts metric warnings too); 'all' lists every one, and text and markdown every failed or "
    "warned metric value (else the worst 10 per policy)",
)
@click.option(
    "--engine",
    type=click.Choice(engines.names(), case_sensitive=False),
    help=f"the engine that runs the policies [default: the project's 'engine', else "
    f"{engines.DEFAULT}]",
)
@click.option(
    "--log-format",
    type=click.Choice(["jsonl", "csv", "parquet", "xes"], case_sensitive=False),
    help="every log's format, whatever its name says [default: the mapping's 'format', else "
    "each file's name, else its content]",
)
@click.option(
    "--memory-limit",
    type=Size(),
    metavar="SIZE",
    help="duckdb, and spark while it reads the log: memory the audit may take, e.g. 2GB; the "
    "database holds what the program leaves of it and spills the rest to disk "
    f"[default: {DEFAULT_MEMORY_LIMIT}]",
)
@click.option(
    "--temp-dir",
    type=GivenPath(file_okay=False),
    help="duckdb, spark: the folder DuckDB spills to [default: the system's temporary folder]",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 1024),
    help="duckdb: threads for the queries [default: one per core]",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="spark: the cluster to run on, e.g. spark://host:7077 [default: local[2]]",
)
def audit(
    policies: tuple[str, ...],
    logs: tuple[str, ...],
    mapping: str | None,
    as_of: str | None,
    overrides: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    fail_on: str | None,
    strict: bool,
    engine: str | None,
    log_format: str | None,
    max_violations: int | str | None,
    memory_limit: str | None,
    temp_dir: str | None,
    threads: int | None,
    spark_master: str | None,
) -> None:
    """Audit interaction logs against policies and report every breach with its evidence.

    Without options, the project's settings (cxrules.toml) name the policies, logs and mapping.

    Exit 0 when no violation is at or above --fail-on, 1 when some are, 2 for invalid policies
    or usage, 3 when a log cannot be read or no event of it was audited (NOTHING AUDITED).
    """
    from cxrules.audit import AuditError, AuditRequest, copies, open_audit
    from cxrules.findings.unseen import CODES as UNSEEN_CODES
    from cxrules.findings.unseen import STRICT_CODES
    from cxrules.reports.common import failing, failing_records, nothing_audited, strict_reasons
    from cxrules.reports.destination import ReportNotWritten, output_refused, written_whole
    from cxrules.reports.render import STREAMED, render

    project = current_project(mapping=mapping, output=output)
    config = project.config
    policies = policies or tuple(config.policies)
    logs = logs or tuple(config.logs)
    if not policies:
        raise click.UsageError(
            "no policies given: pass --policies PATH or set 'policies' in cxrules.toml"
        )
    if not logs:
        raise click.UsageError("no log given: pass --log FILE or set 'logs' in cxrules.toml")
    mapping = mapping or config.mapping
    output_by = "-o" if output else None
    output = output or config.output
    output = None if output == "-" else output
    fmt = report_format_for(project, fmt, output, output_by)
    fail_on = fail_on or config.fail_on or "low"
    engine = engine or config.engine or engines.DEFAULT
    if max_violations is not None and fmt not in ("text", "markdown", "html"):
        raise click.UsageError(
            f"--max-violations applies to the text, markdown and html formats; the {fmt} "
            "format always has every violation"
        )
    inputs = [*policies, *logs, *([mapping] if mapping else [])]
    refused = output_refused(output, inputs, named=output_named(project, output, output_by))
    if refused:
        raise click.UsageError(refused)
    request = AuditRequest(
        policies=list(policies),
        logs=list(logs),
        mapping=mapping,
        as_of=as_of,
        overrides=parse_overrides(overrides),
        engine=engine,
        log_format=log_format,
        settings=_engine_settings(engine, memory_limit, temp_dir, threads, spark_master),
    )
    options: dict[str, object] = {}
    if fmt in ("text", "junit", "markdown", "html"):
        options["fail_on"] = fail_on
    if max_violations is not None:
        options["max_violations"] = None if max_violations == "all" else max_violations
    if fmt == "text" and output:
        options["color"] = False
    elif fmt == "text" and sys.stdout.isatty():
        options["width"] = shutil.get_terminal_size().columns
    if fmt == "html":
        options["explanations"] = _explanations(request.policies, request.overrides)
    try:
        with ProgressDisplay() as progress, open_audit(request, progress) as (assembled, warnings):
            head = assembled.report
            unseen = [d for d in warnings if d.code in UNSEEN_CODES]
            binding = [d for d in unseen if d.code in STRICT_CODES]  # what --strict fails on
            if strict and fmt not in STREAMED:
                options["strict"] = strict_reasons(head.rejected_total, binding)
            if fmt in STREAMED:
                # JSON and CSV are written as the violations come, never all in memory
                with written_whole(output) as handle:
                    records = STREAMED[fmt](assembled, handle)
                failed = failing_records(head.policies, records, fail_on)
            else:
                report = assembled.materialize()
                text = render(report, fmt, **options)
                with written_whole(output) as handle:
                    handle.write(text if text.endswith("\n") or output else text + "\n")
                failed = bool(failing(report, fail_on))
    except (AuditError, ReportNotWritten) as exc:
        if exc.diagnostics:
            click.echo(render_text(exc.diagnostics), err=True)
        click.echo(f"cxrules audit: {exc}", err=True)
        sys.exit(exc.exit_code)
    if output:
        click.echo(f"report written to {output}", err=True)
    if unseen:
        click.echo(render_text(unseen), err=True)
    for copy in copies(head):
        click.echo(f"cxrules audit: warning: {copy}", err=True)
    unjudged = nothing_audited(head)
    if unjudged:  # "no violation" of nothing: a CI job must not go green
        hint = "check the log, its format (--log-format) and the mapping"
        if head.ignored_after_as_of:
            hint = (
                "check --as-of: a date alone means its midnight (00:00), and a time without an "
                "offset is in the log's zone"
            )
        click.echo(f"cxrules audit: no event to audit: {unjudged}", err=True)
        click.echo(f"  = hint: {hint}", err=True)
        sys.exit(EXIT_INPUT)
    if strict and head.rejected_total:
        rejected = plural(head.rejected_total, "record")
        click.echo(f"cxrules audit: {rejected} rejected (--strict)", err=True)
        sys.exit(EXIT_INPUT)
    if strict and binding:
        warned = plural(len(binding), "warning")
        click.echo(f"cxrules audit: {warned} about the log (--strict)", err=True)
        sys.exit(EXIT_INVALID)
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)


def _explanations(paths: list[str], overrides: dict[str, str]) -> dict[str, str]:
    """Each policy's plain-English explanation (`cxrules explain`), for the HTML report."""
    from cxrules.ir.explain import explain_policy
    from cxrules.policyset import load_policies

    loaded = load_policies(paths, overrides)
    if loaded.policy_set is None:
        return {}
    calendars = loaded.policy_set.calendars
    return {p.id: explain_policy(p, calendars) for p in loaded.policy_set.policies}


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("paths", nargs=-1, type=GivenPath())
@click.option(
    "--policies",
    "policies",
    multiple=True,
    help="what 'Given the project policies' loads [default: the project's 'policies', "
    "else policies]",
)
@click.option(
    "--pytest-arg",
    "extra",
    multiple=True,
    help="pass an option to pytest, e.g. --pytest-arg=-x or --pytest-arg=--junitxml=r.xml",
)
@click.option(
    "--engine",
    "engine_names",
    multiple=True,
    type=click.Choice([*engines.names(), "all"], case_sensitive=False),
    help=f"run every scenario on this engine (repeatable; 'all': every engine) "
    f"[default: the project's 'engine', else {engines.DEFAULT}]",
)
@click.option("--coverage", is_flag=True, help="then tell which policies scenarios breach, keep")
def test(
    paths: tuple[str, ...],
    policies: tuple[str, ...],
    extra: tuple[str, ...],
    engine_names: tuple[str, ...],
    coverage: bool,
) -> None:
    """Run Gherkin feature files (default: the project's 'features', else features/) against
    the policies. Needs pytest and pytest-bdd: pip install 'cxrules[bdd]'.

    Exit 0 when every scenario passes, 1 when one fails, 2 when no feature file or scenario
    is found or pytest-bdd is not installed.
    """
    missing = _missing_bdd()
    if missing:
        click.echo(
            f"cxrules test: running Gherkin specifications needs {missing}, which is not "
            "installed; install it with: pip install 'cxrules[bdd]'",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    from cxrules.bdd.runner import run_features

    config = current_project().config
    paths = paths or tuple(config.features)
    policies = policies or tuple(config.policies) or ("policies",)
    engine_names = engine_names or ((config.engine,) if config.engine else ())
    extra += ("--cxrules-coverage",) if coverage else ()
    code = run_features(list(paths), list(policies), list(extra), list(engine_names))
    sys.exit({0: EXIT_OK, 1: EXIT_VIOLATIONS}.get(code, EXIT_INVALID))


def _missing_bdd() -> str:
    """'pytest' or 'pytest-bdd' when that package cannot be imported, else ''."""
    import importlib.util

    for module, package in (("pytest", "pytest"), ("pytest_bdd", "pytest-bdd")):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return package
    return ""


@main.command(short_help="Each policy in plain English.")
@click.argument("paths", nargs=-1, type=GivenPath())
@click.option(
    "--format",
    "fmt",
    type=ReportFormat(["text", "markdown"]),
    default="text",
    show_default=True,
    help="plain text for the terminal, or a Markdown document",
)
@click.option(
    "--policy",
    "only",
    multiple=True,
    metavar="ID",
    help="explain only this policy (repeatable)",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="override a parameter, e.g. --set max_wait=3min",
)
def explain(
    paths: tuple[str, ...], fmt: str, only: tuple[str, ...], overrides: tuple[str, ...]
) -> None:
    """Say what each policy requires, in plain English (default: the project's policies).

    The text is made from the compiled policies, so it says what an audit checks: parameters
    (with --set) and let names are replaced by their values. Exit 0, or 2 for invalid policies.
    """
    from cxrules.diagnostics import did_you_mean
    from cxrules.ir.explain import render_explanations
    from cxrules.policyset import load_policies

    loaded = load_policies(_policy_paths(paths), parse_overrides(overrides))
    if loaded.policy_set is None:
        if loaded.diagnostics:
            click.echo(render_text(loaded.diagnostics), err=True)
        else:
            click.echo("no policy files (*.cxr) found", err=True)
        sys.exit(EXIT_INVALID)
    policy_set = loaded.policy_set
    if only:
        ids = [p.id for p in policy_set.policies]
        for wanted in only:
            if wanted not in ids:
                hint = did_you_mean(wanted, ids)
                raise click.UsageError(
                    f"no policy '{wanted}' in {', '.join(loaded.workspace.sources) or 'them'}"
                    + (f"; {hint}" if hint else "")
                )
        chosen = tuple(p for p in policy_set.policies if p.id in only)
        policy_set = policy_set.model_copy(update={"policies": chosen})
    if not policy_set.policies:  # files of calendars and parameters only, or empty ones
        click.echo(f"no policies in {', '.join(loaded.workspace.sources)}: nothing to explain")
        return
    click.echo(render_explanations(policy_set, fmt), nl=False)


@main.command(short_help="Start a project: settings, a policy, a feature, a sample log.")
@click.argument("directory", default=".", type=GivenPath(file_okay=False))
def init(directory: str) -> None:
    """Start a project in DIRECTORY (default: here): cxrules.toml, a policy file, a Gherkin
    feature, a sample log and a README. Existing files are never overwritten (exit 2)."""
    from cxrules.project import InitError, init_project

    try:
        written = init_project(directory)
    except InitError as exc:
        click.echo(f"cxrules init: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    for path in written:
        click.echo(f"created {path.as_posix()}")
    where = "" if Path(directory) == Path(".") else f"cd {shlex.quote(directory)} && "
    click.echo(f"next: {where}cxrules check && cxrules test && cxrules audit (see README.md there)")


@main.command(short_help="What-if: compare two JSON reports.")
@click.argument("old", type=GivenPath())
@click.argument("new", type=GivenPath())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"], case_sensitive=False),
    help="text for people, json (cxrules.diff/1) for tools (default: as -o names it, else text)",
)
@click.option(
    "--max",
    "max_items",
    default="10",
    show_default=True,
    metavar="N|all",
    help="text: list at most N breaches of each kind (appear, disappear, change)",
)
@click.option("--output", "-o", type=GivenPath(dir_okay=False), help="write the comparison here")
def diff(old: str, new: str, fmt: str | None, max_items: str, output: str | None) -> None:
    """Compare two JSON reports (cxrules audit --format json): the breaches that appear,
    disappear or change, matched by violation id, and each policy's compliance side by side.

    Exit 0 when no breach appears, disappears or changes; 1 when some do; 2 when a file is not
    a cxrules report; 3 when a file cannot be read; 4 when a report audited nothing (NOTHING
    AUDITED): its lack of breaches says nothing, so none is compared.
    """
    from cxrules.reports.common import visible
    from cxrules.reports.destination import FormatMismatch, diff_format, output_refused
    from cxrules.reports.diff import (
        DiffError,
        diff_reports,
        load_report,
        render_diff_json,
        render_diff_text,
    )

    if max_items != "all" and not (max_items.isdigit() and int(max_items) >= 0):
        raise click.BadParameter(
            f"'{max_items}' is neither a number nor 'all'", param_hint="'--max'"
        )
    limit = None if max_items == "all" else int(max_items)
    refused = output_refused(output, [old, new], "one of the reports compared")
    if refused:
        raise click.UsageError(refused)
    try:
        fmt = diff_format(fmt, output)
    except FormatMismatch as exc:
        raise click.UsageError(f"{exc}\n  = hint: {exc.hint}") from None
    try:
        before, after = load_report(old), load_report(new)
    except DiffError as exc:
        click.echo(f"cxrules diff: {exc}", err=True)
        sys.exit(exc.exit_code)
    result = diff_reports(before, after, old, new)
    text = render_diff_json(result) if fmt == "json" else render_diff_text(result, limit)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"comparison written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    for name, why in result.unjudged():
        click.echo(f"cxrules diff: {name} audited nothing: {visible(why)}; not compared", err=True)
    sys.exit(result.exit_code)


main.add_command(report)
main.add_command(watch)
