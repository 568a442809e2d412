"""Report stage: where a report goes — the format its file's name says, and the file written whole.

`cxrules audit -o report.html` means an HTML report: the name of the file chooses the format
when nothing else does, and a format that contradicts the name is refused rather than written
into a file whose name lies about it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The format each known report file extension says (lower case, with the dot).
FORMAT_OF_SUFFIX: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".xml": "junit",
    ".csv": "csv",
    ".md": "markdown",
    ".txt": "text",
}

#: How each format's file is named, and how a message calls it.
SUFFIX_OF_FORMAT: dict[str, str] = {
    "html": ".html",
    "json": ".json",
    "junit": ".xml",
    "csv": ".csv",
    "markdown": ".md",
    "text": ".txt",
}
_KIND = {
    "html": "an HTML file",
    "json": "a JSON file",
    "junit": "an XML (JUnit) file",
    "csv": "a CSV file",
    "markdown": "a Markdown file",
    "text": "a text file",
}


class FormatMismatch(ValueError):
    """A report format that the output file's name contradicts; `hint` says how to agree."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


#: Files a report never replaces, by extension: what the project is made of.
_KEPT = {
    ".cxr": "a policy file",
    ".toml": "a settings file",
    ".feature": "a Gherkin specification",
}


#: Files of formats cxrules does not write, by extension: a report named so was written in
#: the settings' format (text) under a name that promises another (hunt69 finding-14).
_FOREIGN = {
    ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".ods": "a spreadsheet",
    ".pdf": "a PDF document",
    ".docx": "a Word document",
    ".doc": "a Word document",
}


def diff_format(fmt: str | None, output: str | None) -> str:
    """The comparison's format (`cxrules diff`): --format, else the one `-o` names (.json or
    .txt), else text. FormatMismatch when they disagree or `-o` names a report format the
    comparison does not have (an HTML file).

    >>> diff_format(None, "what-if.json"), diff_format(None, None), diff_format("json", "a.JSON")
    ('json', 'text', 'json')
    """
    named = format_of(output) if output else None
    if named is not None and named not in ("json", "text"):
        assert output is not None
        raise FormatMismatch(
            f"-o {output} names {_KIND[named]}, but a comparison is text or JSON",
            f"name the file {Path(output).with_suffix('.txt').name} or "
            f"{Path(output).with_suffix('.json').name}",
        )
    if fmt is None:
        return named or "text"
    if named is not None and named != fmt:
        assert output is not None
        raise FormatMismatch(
            f"-o {output} names {_KIND[named]} but the comparison format is {fmt} (--format)",
            f"use --format {named}, or name the file "
            f"{Path(output).with_suffix(SUFFIX_OF_FORMAT[fmt]).name}",
        )
    return fmt


def output_refused(
    output: str | None,
    inputs: list[str],
    inputs_are: str = "one of the audit's inputs",
    named: str | None = None,
) -> str | None:
    """Why a report may not be written at `output`, before any work is done: it is a folder, it
    would replace an input (a policy file, a log, the mapping), or its folder does not exist or
    cannot be written to; None if fine. `named` is how the message names it (default
    '-o OUTPUT'; the settings' output is named as theirs)."""
    if output is None:
        return None
    named = named or f"-o {output}"
    target = Path(output).resolve()
    if target.is_dir() or output.endswith(("/", os.sep)):
        return f"{named} is a folder; name the file to write in it"
    if not target.parent.is_dir():
        return f"{named}: the folder {target.parent} does not exist"
    # 'reports/../r.txt' resolves to an existing folder, but opens only if reports/ exists
    walked = Path()
    for part in Path(output).parent.parts:
        walked = walked / part
        if not os.path.isdir(walked):
            return f"{named}: the folder {walked} does not exist"
    kept = _KEPT.get(target.suffix.lower())
    if kept is not None:
        return f"{named} would replace {kept}; write the report elsewhere"
    for given in inputs:
        if given != "-" and Path(given).resolve() == target:
            return f"{named} is {inputs_are}; write the report elsewhere"
    if in_place(output):  # /dev/null, a pipe: written into, so it is what must be writable
        return None if os.access(output, os.W_OK) else f"{named} cannot be written to"
    if not os.access(target.parent, os.W_OK):  # the report is written beside, then moved
        return f"{named}: the folder {target.parent} cannot be written to"
    return None


def format_of(output: str) -> str | None:
    """The report format a file name says, None when its extension is not a report's.

    >>> format_of("report.HTML"), format_of("out/r.xml"), format_of("report.log")
    ('html', 'junit', None)
    """
    return FORMAT_OF_SUFFIX.get(Path(output).suffix.lower())


def report_format(
    chosen: str | None,
    output: str | None,
    *,
    chosen_by: str = "--format",
    output_by: str | None = None,
    settings: str = "cxrules.toml",
) -> str:
    """The format to write: `chosen` (`chosen_by` says by what: --format, or the project's
    `settings`), else the one the name of `output` says, else text. FormatMismatch when `chosen`
    and the name disagree; `output_by` names the output where it was given (default: -o NAME).

    >>> report_format(None, "report.html"), report_format("json", None), report_format(None, None)
    ('html', 'json', 'text')
    >>> report_format("text", "week.html")
    Traceback (most recent call last):
    ...
    cxrules.reports.destination.FormatMismatch: -o week.html names an HTML file but the report format is text (--format)
    """  # noqa: E501
    foreign = _FOREIGN.get(Path(output).suffix.lower()) if output else None
    if foreign is not None:  # `-o report.xlsx` wrote the text report into a file Excel refuses
        raise FormatMismatch(
            f"{output_by or '-o ' + str(output)} names {foreign}, which cxrules does not write",
            "for a spreadsheet name it .csv (Excel opens it), for a page .html, for a document .md",
        )
    named = format_of(output) if output else None
    if chosen is None:
        return named or "text"
    if named is not None and named != chosen:
        assert output is not None
        renamed = Path(output).with_suffix(SUFFIX_OF_FORMAT[chosen]).name
        fix = f"use --format {named}"
        if chosen_by != "--format":
            fix = f'add --format {named} (or set format = "{named}" in {settings})'
        raise FormatMismatch(
            f"{output_by or '-o ' + output} names {_KIND[named]} but the report format is {chosen} "
            f"({chosen_by})",
            f"{fix}, or name the file {renamed}",
        )
    return chosen


class ReportNotWritten(Exception):
    """The report's file could not be written (the disk is full, the folder is read-only):
    said in a sentence, exit 3, like an input that cannot be read."""

    exit_code = 3

    def __init__(self, output: str, exc: OSError) -> None:
        super().__init__(f"cannot write the report to {output}: {exc.strerror or exc}")
        self.diagnostics: list[Any] = []


def in_place(output: str) -> bool:
    """Whether `output` is an existing file that is not a regular one (/dev/null, /dev/stdout,
    a named pipe): written into as it is, never replaced by a file."""
    try:
        mode = os.stat(output).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def written_whole(output: str | None) -> Iterator[Any]:
    """The report's file (written as UTF-8, line ends kept), or standard output. The file is
    written beside its place and moved there once whole: a run that fails leaves no half report
    and whatever the path held before. A device or a pipe (`-o /dev/null`) is written into: the
    move would replace it by a file. ReportNotWritten when the file cannot be opened, written
    (at any point: a disk that fills part-way) or moved."""
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    if in_place(output):
        with _file(output, output) as handle:
            yield handle
        return
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with _file(partial, output) as handle:
            yield handle
        try:
            os.replace(partial, target)
        except OSError as exc:
            raise ReportNotWritten(output, exc) from None
    finally:
        partial.unlink(missing_ok=True)


class _Checked:
    """A report file whose write fails as ReportNotWritten (a disk that fills part-way through
    a large report), not as an OSError that would read as an internal error; the rest is the
    file's own."""

    def __init__(self, handle: Any, output: str) -> None:
        self._handle = handle
        self._output = output

    def write(self, text: str) -> int:
        try:
            return int(self._handle.write(text))
        except OSError as exc:
            raise ReportNotWritten(self._output, exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextlib.contextmanager
def _file(path: str | Path, output: str) -> Iterator[_Checked]:
    """The file at `path`, opened, written, flushed and closed; ReportNotWritten for a failure
    of any of these. When the body fails, the file is closed quietly: its own error stands
    (closing a file on a full disk fails again, and would hide it)."""
    handle = _opened(path, output)
    try:
        yield _Checked(handle, output)
        _flushed(handle, output)
    except BaseException:
        with contextlib.suppress(OSError):
            handle.close()
        raise
    try:
        handle.close()
    except OSError as exc:
        raise ReportNotWritten(output, exc) from None


def _opened(path: str | Path, output: str) -> Any:
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise ReportNotWritten(output, exc) from None


def _flushed(handle: Any, output: str) -> None:
    try:
        handle.flush()
    except OSError as exc:
        raise ReportNotWritten(output, exc) from None
