"""Log stage: opening input files (gzip by magic bytes, stdin spooled), checksums, format choice."""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from cxrules.logs.errors import LogError
from cxrules.logs.event import Rejected

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".xes": "xes",
}
FORMATS = ("jsonl", "csv", "parquet", "xes")
_CHUNK = 1 << 20


def log_files(paths: Sequence[str]) -> list[str]:
    """The log files named: a folder stands for the log files directly in it — names ending in
    a log format's extension, gzipped or not (`EXTENSIONS`); hidden files and folders aside —
    in name order; so does a pattern (`logs/2026-03-*.jsonl`, `exports/*`: `*`, `?` and `[…]`
    as the shell reads them, for a path that names no file) for the log files and folders it
    matches. A link counts as the file it leads to (a folder of links to the exports, as
    git-annex keeps them), unless that is a log file of the folder, read once under its own
    name (a file reached only by links: under the first link's name); a link that leads
    nowhere is a file that cannot be read. Raises LogError for a folder that holds none.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.csv.gz", "a.jsonl", "notes.md", ".a.jsonl"):
    ...     _ = (folder / name).write_text("")
    >>> (folder / "latest.jsonl").symlink_to(folder / "a.jsonl")
    >>> [pathlib.Path(p).name for p in log_files([str(folder), "-"])]
    ['a.jsonl', 'b.csv.gz', '-']
    >>> [pathlib.Path(p).name for p in log_files([str(folder / "*")])]
    ['a.jsonl', 'b.csv.gz', 'latest.jsonl']
    """
    found: list[str] = []
    for path in paths:
        folder = Path(path)
        if path != "-" and _PATTERN.search(path) and not os.path.lexists(path):
            found.extend(log_files(_matches(path)))
            continue
        if path == "-" or not folder.is_dir():
            found.append(path)
            continue
        children = [c for c in folder.iterdir() if _log_name(c.name) and not c.is_dir()]
        chosen: dict[Path, str] = {}  # each file once: under its own name, else its first link
        for child in sorted(children, key=lambda c: (c.is_symlink(), c.name)):
            chosen.setdefault(child.resolve(), child.name)
        names = sorted(chosen.values())
        if not names:
            kinds = ", ".join(EXTENSIONS)
            raise LogError(
                path,
                f"the folder holds no log file (a name ending in {kinds}, or one of these and .gz)",
            )
        found.extend(str(folder / name) for name in names)
    return found


#: Why a pattern given as a log is not read (`audit.unreadable` gives its hint).
NO_MATCH = "the pattern matches no log file"
#: What makes a path a pattern: the shell's wildcards (`glob`'s, without `**`).
_PATTERN = re.compile(r"[*?\[]")


def _matches(pattern: str) -> list[str]:
    """The log files and folders a pattern matches, in name order (hidden names only when the
    pattern's part starts with a dot, as in the shell). Raises LogError when there is none."""
    matched = sorted(glob.glob(pattern))
    # glob matches a hidden name only for a part that starts with a dot: it was asked for
    kept = [m for m in matched if os.path.isdir(m) or _log_name(_unhidden(m))]
    if not matched:
        raise LogError(pattern, NO_MATCH)
    if not kept:
        kinds = ", ".join(EXTENSIONS)
        raise LogError(
            pattern, f"{NO_MATCH}: a log file's name ends in {kinds}, or one of these and .gz"
        )
    return kept


def _unhidden(path: str) -> str:
    """A path's file name without the dot that hides it ('.late.jsonl': 'late.jsonl')."""
    return os.path.basename(path).removeprefix(".")


def _log_name(name: str) -> bool:
    lowered = name.lower().removesuffix(".gz")
    return not name.startswith(".") and Path(lowered).suffix in EXTENSIONS


def spool_stdin() -> Path:
    """Copy standard input to a temporary file (so it can be read twice) and return its path."""
    with tempfile.NamedTemporaryFile(prefix="cxrules-stdin-", delete=False) as handle:
        shutil.copyfileobj(sys.stdin.buffer, handle, _CHUNK)
    return Path(handle.name)


def decompress_to_temporary(path: Path, label: str) -> Path:
    """Copy a gzip file's content to a temporary file (for readers that need to seek)."""
    with (
        open_binary(path, label) as source,
        tempfile.NamedTemporaryFile(prefix="cxrules-", delete=False) as target,
    ):
        try:
            shutil.copyfileobj(source, target, _CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            Path(target.name).unlink(missing_ok=True)
            raise LogError(label, f"corrupt gzip data: {exc}") from None
        if is_cut(source):
            Path(target.name).unlink(missing_ok=True)
            raise LogError(label, f"{CUT}; a Parquet file cannot be read in part (re-export it)")
    return Path(target.name)


def check_readable(path: Path, label: str) -> None:
    """Raise LogError unless `path` is a readable regular file."""
    if not path.exists():
        if is_url(label):
            raise LogError(label, URL_REASON)
        raise LogError(label, "no such file")
    if not path.is_file():
        raise LogError(label, "not a regular file")
    if not os.access(path, os.R_OK):
        raise LogError(label, "permission denied")


#: Why a URL given as a log (hdfs://, s3a://: a Spark user's habit) is not read.
URL_REASON = (
    "it is a URL, and logs are read as files of this machine by every engine (spark's driver "
    "reads them too)"
)


def is_url(name: str) -> bool:
    """Whether a log's name is a URL (`scheme://…`) rather than a path.

    >>> is_url("hdfs:///exports/calls.jsonl"), is_url("s3a://b/x.csv"), is_url("logs/a.jsonl")
    (True, True, False)
    >>> is_url("C://x.jsonl"), is_url("a b://x")
    (False, False)
    """
    scheme, sep, _ = name.partition("://")
    word = scheme.replace("+", "").replace("-", "").replace(".", "")
    return bool(sep) and len(scheme) > 1 and scheme[0].isalpha() and word.isalnum()


def head(path: Path, size: int = 8) -> bytes:
    """The first bytes of a file as stored."""
    with open(path, "rb") as handle:
        return handle.read(size)


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes (whatever its name)."""
    return head(path, 2) == GZIP_MAGIC


def open_binary(path: Path, label: str) -> IO[bytes]:
    """The file's content as a binary stream, decompressed when it is gzip."""
    try:
        if is_gzip(path):
            return gunzip(open(path, "rb"))  # noqa: SIM115 - closed with the stream
        return open(path, "rb", buffering=_CHUNK)
    except OSError as exc:
        raise LogError(label, str(exc)) from None


@contextmanager
def open_counted(path: Path, label: str) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """(content, stored): the file's content as a binary stream, decompressed when it is gzip,
    and the file as stored beneath it, whose position says how many stored bytes are read."""
    try:
        stored = open(path, "rb", buffering=_CHUNK)  # noqa: SIM115 - closed by the `with` below
    except OSError as exc:
        raise LogError(label, str(exc)) from None
    with stored:
        if is_gzip(path):
            with gunzip(stored) as content:
                yield content, stored
        else:
            yield stored, stored


#: Why a gzip file's records stop early: the reason of the E415 record.
CUT = (
    "the file ends mid-stream: its gzip data stops before the end-of-stream marker (a copy, "
    "upload or export that did not finish)"
)


class _Gunzip(io.RawIOBase):
    """A gzip file's content that ends where the file is cut, instead of raising EOFError:
    `cut` is then set. `GzipFile.read1` is loss-free (`read` drops the bytes it had decompressed
    in the call that meets the cut); corrupt data still raises (OSError, zlib.error)."""

    def __init__(self, stored: IO[bytes]) -> None:
        self.gzip = gzip.GzipFile(fileobj=stored, mode="rb")
        self.cut = False
        self.newlines = 0  # b"\n" bytes handed on: the lines before the cut

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.cut:
            return 0
        try:
            data = self.gzip.read1(len(buffer))
        except EOFError:
            self.cut = True
            return 0
        size = len(data)
        buffer[:size] = data
        self.newlines += data.count(b"\n")
        return size

    def close(self) -> None:
        self.gzip.close()
        super().close()


class GunzipReader(io.BufferedReader):
    """A gzip file's content, buffered; `cut` tells a file that ends mid-stream (`CUT`)."""

    raw: _Gunzip

    @property
    def cut(self) -> bool:
        """Whether the content ended because the file is cut short (known once read to it)."""
        return self.raw.cut

    @property
    def newlines_read(self) -> int:
        """The line ends decompressed so far (all of them once the content is read)."""
        return self.raw.newlines


def gunzip(stored: IO[bytes]) -> GunzipReader:
    """The content of a gzip file (`stored`, closed with the stream) as a buffered stream that
    ends where the file is cut short, rather than losing what was read before the cut."""
    return GunzipReader(_Gunzip(stored), _CHUNK)


def is_cut(stream: IO[bytes]) -> bool:
    """Whether a stream is a gzip file's content that ended because the file is cut short."""
    inner = getattr(stream, "raw", None)  # a buffered stream over one (a recoded file)
    return bool(getattr(stream, "cut", False) or getattr(inner, "cut", False))


def cut_record(label: str, line: int, data: bytes = b"", partial: bool | None = None) -> Rejected:
    """E415 for the end of a gzip file cut short: `line` is the line of the record the cut
    falls in (`data` its bytes, `partial` by default when there are some), or the line after
    the last whole one when the cut falls at a line end."""
    if data.strip() if partial is None else partial:
        reason = f"{CUT}: this record is cut off, and whatever followed it is lost"
    else:
        after = f"whatever followed line {line - 1}" if line > 1 else "all of its content"
        reason = f"{CUT}: {after} is lost"
    return Rejected(label, line, "E415", reason, sample_text(data))


def sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes as given (compressed bytes when the file is gzip)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(name: str, path: Path, label: str) -> str:
    """The format from the name's extension (with or without .gz), else from the content.

    >>> from pathlib import Path
    >>> detect_format("calls.csv.gz", Path("."), "calls.csv.gz")
    'csv'
    """
    lowered = name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    fmt = EXTENSIONS.get(Path(lowered).suffix)
    if fmt:
        return fmt
    sniffed = _sniff(path, label)
    if sniffed:
        return sniffed
    raise LogError(
        label,
        "cannot tell the format from the name or the content; give it with --log-format or "
        "'format' in the mapping (jsonl, csv, parquet, xes)",
    )


def _sniff(path: Path, label: str) -> str | None:
    if not path.is_file():
        return None
    with open_binary(path, label) as stream:
        try:
            start = stream.read(64)
        except (OSError, EOFError, zlib.error) as exc:
            raise LogError(label, f"corrupt gzip data: {exc}") from None
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(PARQUET_MAGIC):
        return "parquet"
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith(b"<?xml") or text.startswith(b"<log"):
        return "xes"
    return None


class Cut(Exception):
    """The last line of a gzip file cut short (`CUT`): its number and (first) bytes."""

    def __init__(self, line: int, data: bytes) -> None:
        super().__init__(line)
        self.line, self.data = line, data


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes, bool]]:
    """Lines of a binary stream as (number, bytes, too_long), never holding more than `limit`.

    A line longer than `limit` bytes (newline excluded) is skipped in chunks and given as its
    first 200 bytes with too_long set. The last line of a gzip file cut short (`is_cut`) is
    not given: Cut is raised for it (it is the start of a record whose rest is lost).
    """
    readline = stream.readline
    number = 0
    while True:
        data = readline(limit + 2)
        if not data:
            return
        number += 1
        if not data.endswith(b"\n") and len(data) > limit:
            sample = data[:200]
            while True:
                chunk = readline(_CHUNK)
                if not chunk or chunk.endswith(b"\n"):
                    break
            if not chunk and is_cut(stream):
                raise Cut(number, sample)
            yield number, sample, True
        elif not data.endswith(b"\n") and is_cut(stream):
            raise Cut(number, data)
        elif len(data) > limit and len(data.rstrip(b"\r\n")) > limit:
            yield number, data[:200], True
        else:
            yield number, data, False


def sample_text(data: bytes | str, size: int = 200) -> str:
    """A short printable sample of a bad record (at most `size` characters)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text.rstrip("\r\n")
    return text if len(text) <= size else text[: size - 3] + "..."
