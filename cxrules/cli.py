"""Command line: thin wrappers that parse arguments, call the library and choose exit codes.

Exit codes: 0 fine; 1 violations at or above --fail-on (audit) or files to reformat (fmt --check);
2 invalid policies or usage; 3 unreadable input.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from cxrules import __version__, engines
from cxrules.diagnostics import Diagnostic, Level, render_json, render_text, sort_key

EXIT_OK, EXIT_VIOLATIONS, EXIT_INVALID, EXIT_INPUT = 0, 1, 2, 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cxrules")
def main() -> None:
    """cxrules: customer-experience rules as code. Check policies, audit logs against them."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
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
def check(paths: tuple[str, ...], fmt: str, strict: bool, overrides: tuple[str, ...]) -> None:
    """Parse and validate policy files (files or folders of *.cxr)."""
    from cxrules.policyset import load_policies

    loaded = load_policies(list(paths), _overrides(overrides))
    diagnostics = loaded.diagnostics
    errors = sum(d.level is Level.ERROR for d in diagnostics)
    files = len(loaded.workspace.sources)
    if fmt == "json":
        click.echo(render_json(diagnostics))
    elif diagnostics:
        click.echo(render_text(diagnostics))
    elif loaded.policy_set is not None:
        click.echo(f"{files} file(s), {len(loaded.policy_set.policies)} policies: ok")
    if files == 0 and not diagnostics:
        click.echo("no policy files (*.cxr) found", err=True)
    if errors or files == 0 or (strict and diagnostics):
        sys.exit(EXIT_INVALID)


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    from cxrules.checker.params import ParamError, split_assignment

    out: dict[str, str] = {}
    for pair in pairs:
        try:
            name, value = split_assignment(pair)
        except ParamError as exc:
            raise click.UsageError(f"--set {exc} ({exc.hint})") from exc
        out[name] = value
    return out


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help="only report files that would change")
@click.option("--diff", "show_diff", is_flag=True, help="show the changes instead of writing")
def fmt(paths: tuple[str, ...], check_only: bool, show_diff: bool) -> None:
    """Rewrite policy files in the canonical layout (comments are kept)."""
    from cxrules.language.fmt import format_file
    from cxrules.language.parser import parse
    from cxrules.language.workspace import display_name, expand, policy_text
    from cxrules.source import Source

    files, problems = expand(list(paths))
    diagnostics: list[Diagnostic] = list(problems)
    changed: list[str] = []
    root = Path.cwd().resolve()
    for path in files:
        name = display_name(path, root)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            from cxrules.diagnostics import error

            diagnostics.append(error("E107", f"cannot read '{name}' as UTF-8 text: {exc}"))
            continue
        tree, found = parse(Source(name=name, text=policy_text(text)))
        if tree is None:
            diagnostics.extend(found)
            continue
        formatted = "\ufeff" * text.startswith("\ufeff") + format_file(tree)  # keep a BOM
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
            path.write_text(formatted, encoding="utf-8")
    if diagnostics:
        click.echo(render_text(sorted(diagnostics, key=sort_key)))
        sys.exit(EXIT_INVALID)
    if check_only or show_diff:
        for name in changed:
            click.echo(f"would reformat {name}")
        click.echo(f"{len(changed)} of {len(files)} file(s) would be reformatted")
        sys.exit(EXIT_VIOLATIONS if changed else EXIT_OK)
    click.echo(f"{len(changed)} of {len(files)} file(s) reformatted")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE")
def compile(paths: tuple[str, ...], overrides: tuple[str, ...]) -> None:  # noqa: A001
    """Print the compiled, engine-neutral form of policies as JSON (for tools and debugging)."""
    from cxrules.policyset import load_policies

    loaded = load_policies(list(paths), _overrides(overrides))
    if loaded.policy_set is None:
        click.echo(render_text(loaded.diagnostics))
        sys.exit(EXIT_INVALID)
    click.echo(json.dumps(loaded.policy_set.model_dump(mode="json"), indent=2, ensure_ascii=False))


def run() -> None:
    """Entry point that turns any unexpected exception into a short message, never a traceback."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        click.echo(f"cxrules: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("please report this with the command you ran", err=True)
        sys.exit(EXIT_INPUT)


@main.command()
@click.option(
    "--policies",
    "policies",
    multiple=True,
    required=True,
    type=click.Path(),
    help="policy files or folders (repeatable)",
)
@click.option(
    "--log",
    "logs",
    multiple=True,
    required=True,
    help="log files: JSONL, CSV, Parquet or XES, gzipped or not; '-' for stdin",
)
@click.option("--mapping", type=click.Path(), help="TOML file mapping the log's columns")
@click.option("--as-of", "as_of", help="evaluation horizon (ISO time); default: the last event")
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
    default="text",
    type=click.Choice(["text", "json", "junit", "markdown", "csv", "html"]),
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="write the report here")
@click.option(
    "--fail-on",
    default="low",
    type=click.Choice(["info", "low", "medium", "high", "critical"]),
    help="exit 1 when violations of this severity or higher are found",
)
@click.option("--strict", is_flag=True, help="any rejected log record fails the audit (exit 3)")
@click.option(
    "--engine",
    default=engines.DEFAULT,
    show_default=True,
    type=click.Choice(engines.names()),
    help="the engine that runs the policies",
)
@click.option(
    "--log-format",
    type=click.Choice(["jsonl", "csv", "parquet", "xes"]),
    help="the log's format when its name does not tell",
)
def audit(
    policies: tuple[str, ...],
    logs: tuple[str, ...],
    mapping: str | None,
    as_of: str | None,
    overrides: tuple[str, ...],
    fmt: str,
    output: str | None,
    fail_on: str,
    strict: bool,
    engine: str,
    log_format: str | None,
) -> None:
    """Audit interaction logs against policies and report every breach with its evidence."""
    from cxrules.audit import AuditError, AuditRequest, run_audit
    from cxrules.reports.common import failing
    from cxrules.reports.render import render

    request = AuditRequest(
        policies=list(policies),
        logs=list(logs),
        mapping=mapping,
        as_of=as_of,
        overrides=_overrides(overrides),
        engine=engine,
        log_format=log_format,
    )
    try:
        with _progress() as tick:
            report, warnings = run_audit(request, tick)
    except AuditError as exc:
        if exc.diagnostics:
            click.echo(render_text(exc.diagnostics), err=True)
        click.echo(f"cxrules audit: {exc}", err=True)
        sys.exit(exc.exit_code)
    options: dict[str, object] = {}
    if fmt in ("text", "junit", "markdown", "html"):
        options["fail_on"] = fail_on
    if fmt == "text" and output:
        options["color"] = False
    text = render(report, fmt, **options)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    if strict and report.rejected_total:
        click.echo(
            f"cxrules audit: {report.rejected_total} record(s) rejected (--strict)", err=True
        )
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_VIOLATIONS if failing(report, fail_on) else EXIT_OK)


class _progress:
    """A progress counter on stderr while events are audited; silent when not a terminal."""

    def __enter__(self) -> Callable[[int], None] | None:
        if not sys.stderr.isatty():
            return None
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("auditing: {task.fields[n]:,} events"),
            TimeElapsedColumn(),
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task("audit", n=0, total=None)
        return lambda n: self.bar.update(task, n=n)

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "bar"):
            self.bar.stop()


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--policies",
    "policies",
    multiple=True,
    default=("policies",),
    show_default=True,
    help="what 'Given the project policies' loads",
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
    type=click.Choice([*engines.names(), "all"]),
    help=f"run every scenario on this engine (repeatable; 'all': every engine) "
    f"[default: {engines.DEFAULT}]",
)
def test(
    paths: tuple[str, ...],
    policies: tuple[str, ...],
    extra: tuple[str, ...],
    engine_names: tuple[str, ...],
) -> None:
    """Run Gherkin feature files (default: features/) against the policies.

    Exit 0 when every scenario passes, 1 when one fails, 2 when no feature file is found.
    """
    from cxrules.bdd.runner import run_features

    code = run_features(list(paths), list(policies), list(extra), list(engine_names))
    sys.exit({0: EXIT_OK, 1: EXIT_VIOLATIONS}.get(code, EXIT_INVALID))
