"""Command line: standard output closed by the program reading it (`cxrules audit | head -1`).

A closed pipe is no error of the command and no verdict: every command ends with exit 141
(128 + SIGPIPE, the code a shell gives a program the pipe stopped, as 130 is Ctrl-C's) and a
line on standard error, never click's silent exit 1, which reads as "violations found".
`cxrules watch` ends as at Ctrl-C (its report still written to `-o`) with the same code.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

#: The exit code of a command whose standard output was closed by its reader.
EXIT_CLOSED = 141


class OutputClosed(Exception):
    """Standard output was closed by its reader while `command` wrote to it."""

    def __init__(self, command: str) -> None:
        super().__init__(f"cxrules {command}".strip())
        self.command = command


def is_closed_pipe(exc: BaseException) -> bool:
    """Whether `exc` says a pipe's reader has gone (EPIPE)."""
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


def quiet_stdout() -> None:
    """Point standard output at nothing: Python flushes it again at exit, and writing what it
    still holds to the closed pipe would fail again, as a message about an ignored exception."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's stream): nothing held
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class Commands(click.Group):
    """The `cxrules` group: a command whose standard output is closed raises OutputClosed, which
    `cxrules.cli.run` says and ends with EXIT_CLOSED (click itself would exit 1 silently)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if not is_closed_pipe(exc):
                raise
            raise OutputClosed(ctx.invoked_subcommand or "") from None


def closed(exc: OutputClosed) -> int:
    """Say that the output was cut short; the exit code."""
    quiet_stdout()
    click.echo(
        f"{exc}: standard output was closed by the program reading it; the output was cut short",
        err=True,
    )
    return EXIT_CLOSED
