"""Project stage: a project's settings — `cxrules.toml`, or `[tool.cxrules]` in pyproject.toml —
that give `check`, `fmt`, `explain`, `audit` and `test` their defaults.

Both files take the same keys (docs/project.md); options on the command line override them.
The `[log]` table (`[tool.cxrules.log]`) is the log mapping, read by `cxrules.logs.mapping`.
Paths are relative to the folder of the file, the project root.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from cxrules import engines
from cxrules.diagnostics import Diagnostic, did_you_mean, error, sort_key, toml_error
from cxrules.source import Span

CONFIG_FILE = "cxrules.toml"
FORMATS = ("text", "json", "junit", "markdown", "csv", "html")
Severity = Literal["info", "low", "medium", "high", "critical"]
Format = Literal["text", "json", "junit", "markdown", "csv", "html"]


class ProjectError(Exception):
    """The project file is not valid; `diagnostics` say where and why (E412, E410)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


class ProjectConfig(BaseModel):
    """The keys of `cxrules.toml` (or of `[tool.cxrules]` in pyproject.toml); every one optional.

    >>> ProjectConfig.model_validate({"policies": "policies", "fail_on": "high"}).policies
    ['policies']
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    policies: list[str] = []  # policy files or folders (check, fmt, explain, audit, test)
    logs: list[str] = []  # log files to audit
    features: list[str] = []  # Gherkin feature files or folders (test)
    mapping: str | None = None  # a TOML mapping file, instead of the [log] table here
    log: dict[str, Any] | None = None  # the [log] table: how the logs become events
    fail_on: Severity | None = None  # audit: exit 1 from this severity up
    engine: str | None = None  # audit and test: the engine that runs the policies
    format: Format | None = None  # audit: the report's format
    output: str | None = None  # audit: write the report to this file

    @field_validator("policies", "logs", "features", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("policies", "logs", "features", "mapping", "output")
    @classmethod
    def _no_empty_path(cls, value: Any) -> Any:
        """An empty path (`output = ""`, `policies = [""]`) named the current folder, or stopped
        the audit with an internal error."""
        paths = value if isinstance(value, list) else [value]
        if any(isinstance(path, str) and not path.strip() for path in paths):
            raise ValueError("an empty path; name a file or folder, or leave the key out")
        return value

    @field_validator("format", mode="before")
    @classmethod
    def _md_is_markdown(cls, value: Any) -> Any:
        """`format = "md"`, as `--format md` and `-o report.md` say markdown."""
        return "markdown" if isinstance(value, str) and value.lower() == "md" else value

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str | None) -> str | None:
        if value is not None and value not in engines.REGISTRY:
            hint = _choice(value, engines.names())
            raise ValueError(
                f"unknown engine '{value}' (choose one of {', '.join(engines.names())})"
                + (f"; {hint}" if hint else "")
            )
        return value

    @model_validator(mode="after")
    def _one_mapping(self) -> ProjectConfig:
        if self.mapping is not None and self.log is not None:
            raise ValueError("give either 'mapping' (a file) or a [log] table, not both")
        return self


KEYS = sorted(ProjectConfig.model_fields)
_CHOICES = {"fail_on": ("info", "low", "medium", "high", "critical"), "format": FORMATS}


@dataclass
class Project:
    """A project: its root folder, the file its settings came from (None: no file), and them."""

    root: Path
    file: Path | None = None
    config: ProjectConfig = field(default_factory=ProjectConfig)


def find_project(directory: str | Path = ".", given: Collection[str] = ()) -> Project:
    """The project whose root is `directory`: its `cxrules.toml`, else the `[tool.cxrules]`
    table of its pyproject.toml, else no settings. Raises ProjectError (E412). `given`: the
    settings this run's command line replaces ('mapping', 'output'), whose paths it neither
    uses nor checks."""
    root = Path(directory)
    own = root / CONFIG_FILE
    if own.is_file():
        data, text = _read(own)
        config = _validate(data, own, text, "")
        return Project(root, own, _inside(root, config, own, text, "", given))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data, text = _read(pyproject)
        table = data.get("tool", {}).get("cxrules")
        if table is not None:
            if not isinstance(table, dict):
                message = f"'tool.cxrules' must be a table, not {table!r}"
                raise ProjectError([error("E412", message, _span(pyproject, 1, 1))])
            config = _validate(table, pyproject, text, "tool.cxrules.")
            prefix = "tool.cxrules."
            return Project(root, pyproject, _inside(root, config, pyproject, text, prefix, given))
    return Project(root)


_OPTION = {"output": "-o", "mapping": "--mapping"}


def _inside(
    root: Path, config: ProjectConfig, file: Path, text: str, prefix: str, given: Collection[str]
) -> ProjectConfig:
    """The settings, when the files they make a command write (`output`) or read as its mapping
    lie inside the project: a cloned project's settings would else write a report over any file
    the user can write (`output = "../../.bashrc"`), or read one, unasked. A path given on the
    command line (-o, --mapping) may lead anywhere, and replaces the setting, which then is
    not checked: the error's own hint says to give the option. Raises ProjectError
    (E412)."""
    base = root.resolve()
    found = []
    for key, option in _OPTION.items():
        path = None if key in given else getattr(config, key)
        if path is not None and not (root / path).resolve().is_relative_to(base):
            span, line = _locate(text, key, file, prefix)
            message = f"{prefix}{key} = {path!r} leads outside the project folder"
            hint = f"name a file inside it, or give {option} {path} on the command line"
            found.append(error("E412", message, span, hint, line))
    if found:
        raise ProjectError(found)
    return config


def _read(file: Path) -> tuple[dict[str, Any], str]:
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError([error("E412", f"cannot read '{file}': {exc}")]) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = f"'{file}' is not valid TOML: {exc}"
        raise ProjectError([toml_error("E412", message, exc, text, str(file))]) from None


def _validate(data: dict[str, Any], file: Path, text: str, prefix: str) -> ProjectConfig:
    try:
        return ProjectConfig.model_validate(data)
    except ValidationError as exc:
        found = [_diagnostic(err, data, file, text, prefix) for err in exc.errors()]
        raise ProjectError(sorted(found, key=sort_key)) from None


def _diagnostic(err: Any, data: dict[str, Any], file: Path, text: str, prefix: str) -> Diagnostic:
    loc = [str(part) for part in err["loc"] if not isinstance(part, int)]
    key = loc[0] if loc else ""
    message = str(err["msg"]).removeprefix("Value error, ")
    hint = ""
    if err["type"] == "extra_forbidden":
        message = f"unknown key '{prefix}{key}' in {file.name}"
        hint = did_you_mean(key, KEYS)
        if not hint and _is_mapping_key(key):
            table = "[tool.cxrules.log]" if prefix else "[log]"
            hint = f"'{key}' is a log mapping key: put it under {table}"
        if not hint:
            hint = "the keys are " + ", ".join(KEYS)
    elif key:
        value = data.get(key)
        message = f"{prefix}{key} = {value!r}: {message}"
        if err["type"] == "literal_error" and isinstance(value, str):
            hint = _choice(value, _CHOICES.get(key, ()))
    span, line = _locate(text, key, file, prefix)
    return error("E412", message, span, hint, line)


def _choice(value: str, choices: Iterable[str]) -> str:
    """'did you mean …?' of a setting's value: `"HTML"` and `"duckDB"` are their choices in
    capitals, which difflib, counting letters as they are, found too far (hunt69 finding-10)."""
    lowered = {choice.lower(): choice for choice in choices}
    if value.lower() in lowered:
        return f"did you mean '{lowered[value.lower()]}'? (written in lower case)"
    return did_you_mean(value, lowered.values())


def _is_mapping_key(key: str) -> bool:
    from cxrules.logs.mapping import FIELDS

    return key in FIELDS


def _locate(text: str, key: str, file: Path, prefix: str) -> tuple[Span | None, str]:
    """The line that sets `key`, in the top-level table (or under [tool.cxrules])."""
    if not key:
        return None, ""
    wanted = prefix.rstrip(".")
    table = ""
    pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
    # possessive: a lazy name between `\s*` backtracked in time cubic in a line of blanks
    header = re.compile(r"^\s*\[++([^\]]*+)\]")
    for number, line in enumerate(text.splitlines(), start=1):
        opened = header.match(line)
        if opened and opened.group(1).strip():
            table = opened.group(1).strip()
            if table == f"{wanted}.{key}".lstrip(".") or table == key and not wanted:
                column = line.find(key) + 1
                return _span(file, number, column, len(key)), line
            continue
        if table == wanted and pattern.match(line):
            column = line.find(key) + 1
            return _span(file, number, column, len(key)), line
    return None, ""


def _span(file: Path, line: int, column: int, length: int = 1) -> Span:
    return Span(file=str(file), line=line, column=column, end_line=line, end_column=column + length)
