"""Log stage: the column mapping (`[log]` in cxrules.toml) that says how an export becomes events.

docs/mapping.md documents every key. Column names in the mapping are the input's own names,
before any `rename`.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from cxrules.diagnostics import Diagnostic, did_you_mean, error, sort_key, toml_error
from cxrules.logs.errors import MappingError
from cxrules.source import Span
from cxrules.time.parse import SPECIAL_FORMATS, to_strptime
from cxrules.time.zone_hints import zone_hint
from cxrules.time.zones import zone

Format = Literal["jsonl", "csv", "parquet", "xes"]
MIB = 1024 * 1024


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Condition(_Model):
    """A test on one column of a row — present (not missing), or its value in / not in a list —
    or `any` of several conditions (an 'or') or `all` of them (an 'and')."""

    column: str | None = None
    present: bool | None = None
    in_: list[Any] | None = Field(default=None, alias="in")
    not_in: list[Any] | None = None
    any_: list[Condition] | None = Field(default=None, alias="any")
    all_: list[Condition] | None = Field(default=None, alias="all")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = ("present", "in_", "not_in", "any_", "all_")
        given = [k for k in tests if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "a condition needs exactly one of 'present', 'in', 'not_in', 'any' or 'all'"
            )
        if given[0] in ("any_", "all_"):
            word = given[0].rstrip("_")
            if self.column is not None:
                raise ValueError(f"'{word}' combines conditions that name their own 'column'")
            if not getattr(self, given[0]):
                raise ValueError(f"'{word}' needs at least one condition")
        elif self.column is None:
            raise ValueError("a condition needs the 'column' it tests")
        return self

    def columns(self) -> list[str]:
        """Every column this condition reads."""
        if self.column is not None:
            return [self.column]
        return [c for part in (self.any_ or self.all_ or []) for c in part.columns()]

    def holds(self, row: dict[str, Any]) -> bool:
        """True when the row passes this test (a missing column counts as not present).

        >>> Condition(column="outcome", **{"in": ["AGENT"]}).holds({"outcome": "AGENT"})
        True
        >>> either = Condition(**{"any": [{"column": "a", "present": True},
        ...                                {"column": "b", "in": ["x"]}]})
        >>> either.holds({"b": "x"}), either.holds({"b": "y"})
        (True, False)
        """
        if self.any_ is not None:
            return any(part.holds(row) for part in self.any_)
        if self.all_ is not None:
            return all(part.holds(row) for part in self.all_)
        value = row.get(self.column)  # type: ignore[arg-type]
        if self.present is not None:
            return (value is not None) == self.present
        if self.in_ is not None:
            return value is not None and value in self.in_
        assert self.not_in is not None
        return value is None or value not in self.not_in


def _leaves(conditions: list[Condition]) -> list[Condition]:
    """The conditions that test a column, inside `any` and `all` too."""
    return [
        leaf
        for cond in conditions
        for leaf in ([cond] if cond.column is not None else _leaves(cond.any_ or cond.all_ or []))
    ]


_FIELD = re.compile(r"\{[^{}]+\}")
#: Codecs of domain names (RFC 3490, 3492): their decoding fails on ordinary text with a bare
#: UnicodeError, not the UnicodeDecodeError by which a reader rejects one record.
_NAME_CODECS = {"idna", "punycode"}


def _template(text: str) -> str:
    """A type or attribute template whose braces pair up, as `build.Template` reads it
    (`{column}` a field, `{{` and `}}` a brace); else a ValueError, since an unpaired brace made
    the text a literal that every event got ('{type' for every type).

    >>> _template("{concept:name}/{{x}}")
    '{concept:name}/{{x}}'
    >>> _template("{lifecycle:transition")
    Traceback (most recent call last):
    ...
    ValueError: the braces of '{lifecycle:transition' do not pair up: write a column as {name}, \
a brace itself as {{ or }}
    """
    rest = _FIELD.sub("", text.replace("{{", "\0").replace("}}", "\1"))
    if "{" in text and ("{" in rest or "}" in rest):
        raise ValueError(
            f"the braces of '{text}' do not pair up: write a column as {{name}}, a brace itself "
            "as {{ or }}"
        )
    return text


class EventSpec(_Model):
    """One event made from a row (`[[log.events]]`): its type, its time (read with the log's
    `time_format`, or the entry's own), when, extra attributes."""

    type: str
    time: str
    time_format: str | None = None
    date: str | None = None
    when: list[Condition] = []
    attrs: dict[str, Any] = {}

    @field_validator("when", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("time_format")
    @classmethod
    def _time_format(cls, value: str | None) -> str | None:
        if value is not None and value not in SPECIAL_FORMATS:
            to_strptime(value)
        return value

    @field_validator("type")
    @classmethod
    def _type_template(cls, value: str) -> str:
        return _template(value)

    @field_validator("attrs")
    @classmethod
    def _attr_templates(cls, value: dict[str, Any]) -> dict[str, Any]:
        for text in value.values():
            if isinstance(text, str):
                _template(text)
        return value


class _KeyError(ValueError):
    """A check of the whole mapping that one of its keys fails: the error points at that key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class LogMapping(_Model):
    """How one export becomes events; every field has a default that reads canonical JSONL."""

    # (file, text, table) the mapping was read from, so that errors found while reading (a
    # duplicate_key no event has) point at its line
    _source: tuple[str, str, str | None] | None = PrivateAttr(default=None)

    format: Format | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"
    time: str | None = None
    time_format: str = "iso"
    date: str | None = None
    date_format: str = "iso"
    zone: str = "UTC"
    ignore_offset: bool = False
    day_rollover: bool = False
    type: str | None = None
    type_values: Literal["verbatim", "slug"] = "verbatim"
    id: str | None = "id"
    rename: dict[str, str] = {}
    missing: list[str] | None = None
    missing_in: dict[str, list[str]] = {}
    drop: list[str] = []
    numbers: list[str] = []
    decimal: Literal[".", ","] = "."
    booleans: list[str] = []
    times: dict[str, str] = {}
    duplicate_key: list[str] = []
    max_record: int = Field(default=MIB, gt=0)
    events: list[EventSpec] = []

    @field_validator("type")
    @classmethod
    def _type_template(cls, value: str | None) -> str | None:
        return value if value is None else _template(value)

    @field_validator("rename")
    @classmethod
    def _rename_to_attributes(cls, value: dict[str, str]) -> dict[str, str]:
        seen: dict[str, str] = {}
        for column, name in value.items():
            if name in ("time", "type", "id"):
                raise ValueError(
                    f"'{column}' renamed '{name}' would be an attribute named like the event's "
                    f"own {name}, which policies could not reach: to read the {name} from "
                    f'that column, write {name} = "{column}" in the mapping instead'
                )
            if name in seen:
                raise ValueError(
                    f"'{seen[name]}' and '{column}' are both renamed '{name}': an attribute "
                    "has one value, give them two names"
                )
            seen[name] = column
        return value

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zone(value)
        except ValueError:
            hint = zone_hint(value) or "use an IANA name such as 'Europe/Bucharest'"
            raise ValueError(f"unknown time zone '{value}'; {hint}") from None
        return value

    @field_validator("time_format")
    @classmethod
    def _time_format(cls, value: str) -> str:
        if value not in SPECIAL_FORMATS:
            to_strptime(value)
        return value

    @field_validator("times")
    @classmethod
    def _times(cls, value: dict[str, str]) -> dict[str, str]:
        for fmt in value.values():
            if fmt not in SPECIAL_FORMATS:
                to_strptime(fmt)
        return value

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str) -> str:
        if value != "iso":
            to_strptime(value)
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError(f"a delimiter is one character, not '{value}'")
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str) -> str:
        try:
            "".encode(value)
        except LookupError:
            raise ValueError(f"unknown encoding '{value}'") from None
        if codecs.lookup(value).name in _NAME_CODECS:  # their errors are no UnicodeDecodeError
            raise ValueError(
                f"'{value}' encodes internet domain names, not a file's text: give the file's "
                'encoding, e.g. "utf-8", "cp1252" or "latin-1"'
            )
        return value

    @model_validator(mode="after")
    def _events_or_columns(self) -> LogMapping:
        for key in ("time", "type"):
            if self.events and getattr(self, key) is not None:
                raise _KeyError(
                    key,
                    f"with [[log.events]] entries each entry gives its own '{key}': "
                    f"write it in the entries, not in [log]",
                )
        both = [c for c in self.booleans if c in self.numbers]
        if both:
            raise _KeyError(
                "booleans",
                f"column '{both[0]}' is listed in both 'numbers' and 'booleans': keep it in one",
            )
        dated = self.date is not None or any(spec.date for spec in self.events)
        if dated and self.time_format.startswith("epoch"):
            raise _KeyError(
                "time_format",
                f"a date column needs times of day, not time_format '{self.time_format}'",
            )
        for spec in self.events:
            fmt = spec.time_format or ""
            if (spec.date or self.date) and fmt.startswith("epoch"):
                raise ValueError(f"a date column needs times of day, not time_format '{fmt}'")
        return self

    def locate(self, key: str) -> tuple[Span | None, str]:
        """Where the file this mapping was read from sets `key` (a top-level key of the log
        table): its span and line, for errors found while reading (None, "" when unknown)."""
        source = self._source
        if source is None:
            return None, ""
        file, text, table = source
        return _locate(text, [key], Path(file), table)

    def locate_column(self, column: str) -> tuple[Span | None, str]:
        """Where the file this mapping was read from names `column` (as a text, "ser_start",
        or in a template, {ser_start}): its first such place, for a column the log lacks."""
        source = self._source
        if source is None:
            return None, ""
        file, text, _ = source
        for needle in (f'"{column}"', "{" + column + "}", f"'{column}'"):
            for number, line in enumerate(text.splitlines(), start=1):
                at = line.find(needle)
                if at >= 0 and not line.lstrip().startswith("#"):
                    column_at = at + 1 + (needle[0] in "\"'{")
                    end = column_at + len(column)
                    return Span(
                        file=file, line=number, column=column_at, end_line=number, end_column=end
                    ), line
        return None, ""

    def condition_clashes(self, fmt: str) -> list[Diagnostic]:
        """E410 for each `in`/`not_in` value of a `[[log.events]]` condition that no value of
        its column can equal, read as `fmt` reads it: a text for a `numbers` or `booleans`
        column, a number or boolean for a CSV column read as text, a missing value in `in`
        (the entry was silently never made, or always)."""
        found = []
        for index, spec in enumerate(self.events):
            for cond in _leaves(spec.when):
                column = str(cond.column)
                test = "in" if cond.in_ is not None else "not_in"
                for item in cond.in_ if cond.in_ is not None else cond.not_in or []:
                    why, hint = self._never_equal(column, item, fmt)
                    message = f"{why} in '{test}' never equals it"
                    if test == "in" and item in self._missing(column, fmt):
                        message = (
                            f"{item!r} is a missing value of column '{column}': a row that "
                            f"holds it has no '{column}', so 'in' never holds for it"
                        )
                        hint = f'to test for no value, write {{ column = "{column}", '
                        hint += "present = false }"
                    elif not why:
                        continue
                    span, line = self.locate_entry(index, "when")
                    message = f"log.events.{index}.when: {message}"
                    found.append(error("E410", message, span, hint, line))
                    break
        return found

    def _missing(self, column: str, fmt: str) -> list[str]:
        """The texts that mean no value in `column` (`missing`, by default "" in a CSV file,
        and `missing_in`)."""
        default = self.missing if self.missing is not None else [""] * (fmt == "csv")
        return default + self.missing_in.get(column, [])

    def _never_equal(self, column: str, item: Any, fmt: str) -> tuple[str, str]:
        if column in self.numbers or column in self.booleans:
            if not isinstance(item, str):
                return "", ""
            if column in self.numbers:
                why = f"column '{column}' is read as a number (numbers), so the text {item!r}"
                try:
                    float(item)
                except ValueError:
                    return why, "its values are numbers, which a text never equals"
                return why, f"write the number without quotes: {item.strip()}"
            why = f"column '{column}' is read as a boolean (booleans), so the text {item!r}"
            return why, "write true or false, without quotes"
        if fmt == "csv" and column not in self.times and not isinstance(item, str):
            shown = str(item).lower() if isinstance(item, bool) else repr(item)
            why = f"column '{column}' of a CSV file is a text (not in 'numbers'), so {shown}"
            return why, f'write the text, "{shown}", or list the column in numbers or booleans'
        return "", ""

    def locate_entry(self, index: int, key: str) -> tuple[Span | None, str]:
        """Where the file this mapping was read from sets `key` in its `index`-th
        `[[log.events]]` entry (None, "" when unknown)."""
        if self._source is None:
            return None, ""
        file, text, table = self._source
        return _locate(text, ["events", str(index), key], Path(file), table)

    def time_column(self, fmt: str) -> str:
        """The time column, defaulting by format ('time:timestamp' for XES, else 'time')."""
        return self.time or ("time:timestamp" if fmt == "xes" else "time")

    def type_column(self, fmt: str) -> str:
        """The type column or template, defaulting by format ('concept:name' for XES)."""
        return self.type or ("concept:name" if fmt == "xes" else "type")


FIELDS = sorted(LogMapping.model_fields)


def load_mapping(path: str | Path | None, project_dir: str | Path = ".") -> LogMapping:
    """The mapping from an explicit TOML file, else the project's cxrules.toml `[log]`, else
    pyproject.toml `[tool.cxrules.log]`, else the defaults; raises MappingError (E410).

    An explicit file may hold a `[log]` table, a `[tool.cxrules.log]` table, or the keys at top
    level.
    """
    if path is not None:
        file = Path(path)
        if file.is_dir():
            inside = f", '{file / 'cxrules.toml'}'" * (file / "cxrules.toml").is_file()
            raise MappingError(
                [error("E410", f"mapping file '{file}' is a folder: name the TOML file{inside}")]
            )
        if not file.is_file():
            raise MappingError([error("E410", f"mapping file '{file}' not found")])
        return _from_file(file, explicit=True)
    project = _here(Path(project_dir))
    for candidate in (project / "cxrules.toml", project / "pyproject.toml"):
        if candidate.is_file():
            found = _table(candidate, _read_toml(candidate), explicit=False)
            if found is not None:
                return _validate(found[0], candidate, candidate.read_text("utf-8"), found[1])
    return LogMapping()


def _here(folder: Path) -> Path:
    """The project folder as named from the current one (an audit passes its absolute path), so
    that an error in its `[log]` says `cxrules.toml:3:1`, as every other diagnostic names files
    (docs/diagnostics.md), not `/home/…/cxrules.toml:3:1`."""
    try:
        return folder.relative_to(Path.cwd()) if folder.is_absolute() else folder
    except ValueError:
        return folder


def mapping_from_dict(table: dict[str, Any], name: str = "<mapping>") -> LogMapping:
    """Validate a mapping given as a dict (as under `[log]`); raises MappingError (E410).

    >>> mapping_from_dict({"zone": "Europe/Rome"}).zone
    'Europe/Rome'
    """
    return _validate(table, Path(name), "", None)


def _from_file(file: Path, explicit: bool) -> LogMapping:
    data = _read_toml(file)
    found = _table(file, data, explicit)
    table, name = found if found is not None else ({}, None)
    return _validate(table, file, file.read_text("utf-8"), name)


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError([error("E410", f"cannot read mapping file '{file}': {exc}")]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = f"mapping file is not valid TOML: {exc}"
        raise MappingError([toml_error("E410", message, exc, text, str(file))]) from None


def _table(
    file: Path, data: dict[str, Any], explicit: bool
) -> tuple[dict[str, Any], str | None] | None:
    """The mapping's table and its name (`log`, `tool.cxrules.log`, or None for the keys at the
    top of an explicit file)."""
    if file.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("cxrules", {}).get("log")
        if table is not None or not explicit:
            found = _as_table(file, table, "tool.cxrules.log")
            return None if found is None else (found, "tool.cxrules.log")
    if "log" in data:
        found = _as_table(file, data["log"], "log")
        return None if found is None else (found, "log")
    return (data, None) if explicit else None


def _as_table(file: Path, table: Any, key: str) -> dict[str, Any] | None:
    if table is None or isinstance(table, dict):
        return table
    raise MappingError([error("E410", f"{file}: '{key}' must be a table, not {table!r}")])


def _validate(table: dict[str, Any], file: Path, text: str, name: str | None) -> LogMapping:
    try:
        mapping = LogMapping.model_validate(table)
    except ValidationError as exc:
        diagnostics = [_diagnostic(err, table, file, text, name) for err in exc.errors()]
        raise MappingError(sorted(diagnostics, key=sort_key)) from None
    if text:
        mapping._source = (str(file), text, name)
    return mapping


def _diagnostic(
    err: Any, table: dict[str, Any], file: Path, text: str, name: str | None
) -> Diagnostic:
    loc = [str(part) for part in err["loc"]]
    failed = (err.get("ctx") or {}).get("error")
    if not loc and isinstance(failed, _KeyError):
        loc = [failed.key]
    key = ".".join(loc) or "log"
    message = str(err["msg"]).removeprefix("Value error, ")
    hint = ""
    if err["type"] == "extra_forbidden":
        message = f"unknown mapping key '{key}'"
        hint = did_you_mean(loc[-1], FIELDS if len(loc) == 1 else _sub_fields(loc))
    else:
        sample = _lookup(table, tuple(err["loc"]) or tuple(loc))
        if sample is not _NOTHING:
            message = f"log.{key} = {sample!r}: {message}"
        else:
            message = f"log.{key}: {message}"
    span, line_text = _locate(text, loc, file, name)
    return error("E410", message, span, hint, line_text)


_NOTHING = object()


def _sub_fields(loc: list[str]) -> list[str]:
    if "events" in loc:
        if "when" in loc:
            return ["column", "present", "in", "not_in", "any", "all"]
        return sorted(EventSpec.model_fields)
    return []


def _lookup(table: Any, loc: tuple[Any, ...]) -> Any:
    node = table
    for part in loc:
        if part == 0 and isinstance(node, dict) and 0 not in node:
            continue  # one table given where a list of tables is allowed
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        else:
            return _NOTHING
    return node


#: A table's header line; the name (group 2) keeps its blanks, stripped where read: a lazy name
#: between `\s*` backtracked in time cubic in a line of blanks (hunt66 finding-K).
_HEADER = re.compile(r"^\s*(\[\[?)([^\]#]++)\]\]?\s*(?:#.*)?$")


def _locate(
    text: str, loc: list[str], file: Path, table: str | None = "log"
) -> tuple[Span | None, str]:
    """The line of the mapping file that sets the key at `loc` (as pydantic reports it: `zone`,
    `events.1.time`, `events.0.when.0.column`): inside the mapping's own table (`table`; None for
    the top of the file), in the right `[[log.events]]` entry, never a same-named key of another
    table (a project's own `format`) or of another entry."""
    if not text or not [part for part in loc if not part.isdigit()]:
        return None, ""
    lines = text.splitlines()
    region = table
    index = 0
    if len(loc) > 1 and loc[0] == "events" and loc[1].isdigit():
        region = f"{table}.events" if table else "events"
        index = int(loc[1])
    rows = _rows_of(lines, region, index)
    names = [part for part in loc[2:] if not part.isdigit()] if region != table else loc
    names = [part for part in names if not part.isdigit()] or ["events"]
    for name in (names[-1], names[0]):
        pattern = re.compile(rf'^\s*"?{re.escape(name)}"?\s*=|[{{,]\s*"?{re.escape(name)}"?\s*=')
        for number in rows:
            line = lines[number - 1]
            found = pattern.search(line)
            if found:
                column = line.find(name, found.start()) + 1
                span = Span(
                    file=str(file),
                    line=number,
                    column=column,
                    end_line=number,
                    end_column=column + len(name),
                )
                return span, line
    first = rows[0] if rows else 1
    line = lines[first - 1] if 0 < first <= len(lines) else ""
    return Span(file=str(file), line=first, column=1, end_line=first, end_column=1), line


def _rows_of(lines: list[str], region: str | None, index: int) -> list[int]:
    """The line numbers inside table `region` (its `index`-th entry for an array of tables),
    the header line of an array entry included."""
    rows: list[int] = []
    current: str | None = None
    seen = -1
    for number, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header:
            current = header.group(2).strip().replace(" ", "")
            if header.group(1) == "[[" and current == region:
                seen += 1
                if seen == index:
                    rows.append(number)
            continue
        if current == region and (seen == index or seen == -1):
            rows.append(number)
    return rows
