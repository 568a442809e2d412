"""DuckDB engine, ingestion: a file's lines, numbered as the Python readers number them.

Lines are split on b"\\n" only (a lone b"\\r" stays inside its line, as `readline` leaves it) and
handed on as Arrow arrays over the block they were read in, without copying: each value is one
line with its b"\\n" (the file's last line may lack it). A line longer than the record limit is
not kept: its value is empty and its first `limit + 2` bytes (what the Python readers' first
`readline(limit + 2)` sees) are held in `Chunk.held`, for the Python readers to judge. Memory holds
one block, plus one line when a line is longer than a block.

The file's SHA-256 (of its bytes as stored, compressed or not) is computed on the way.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, TypeVar, cast

import pyarrow as pa
import pyarrow.compute as pc

from cxrules.logs.errors import LogError
from cxrules.logs.files import GZIP_MAGIC, gunzip, is_cut

BLOCK = 8 << 20
_T = TypeVar("_T")


@dataclass
class Held:
    """A line left to the Python readers: its bytes (for a line longer than the record limit,
    its first `limit + 2` bytes), and whether the line goes on beyond them."""

    head: bytes
    truncated: bool


@dataclass
class Chunk:
    """Consecutive lines: numbers `first` to `first + len(raw) - 1`; a line in `held` has an
    empty or null value and is judged by the Python readers."""

    first: int
    raw: pa.Array
    held: dict[int, Held] = field(default_factory=dict)


class _Hashing:
    """A binary file object that feeds what is read from it to a SHA-256."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data

    def finish(self) -> str:
        """The SHA-256 of the whole file (reading what was not read yet)."""
        while self.read(BLOCK):
            pass
        return self.digest.hexdigest()


class FileBytes:
    """A log file's content as a stream (decompressed when it is gzip) and its SHA-256."""

    def __init__(self, path: Path, label: str) -> None:
        self.label = label
        try:
            self.raw = _Hashing(open(path, "rb"))  # noqa: SIM115 (closed by close())
        except OSError as exc:
            raise LogError(label, str(exc)) from None
        with open(path, "rb") as probe:
            compressed = probe.read(2) == GZIP_MAGIC
        hashed = cast(IO[bytes], self.raw)
        self.stream: Any = gunzip(hashed) if compressed else self.raw

    @property
    def cut(self) -> bool:
        """Whether the file is a gzip file cut short, read to its cut (its content ends there:
        the Python readers say what is lost, E415)."""
        return is_cut(self.stream)

    def read(self, size: int) -> bytes:
        """Up to `size` bytes of content; LogError when the file is truncated or corrupt."""
        try:
            return cast(bytes, self.stream.read(size))
        except (EOFError, OSError, zlib.error) as exc:
            raise LogError(self.label, f"the file is truncated or corrupt: {exc}") from None

    def sha256(self) -> str:
        """The SHA-256 of the file as stored (call once the content has been read)."""
        return self.raw.finish()

    def close(self) -> None:
        """Close the file."""
        self.raw.handle.close()


def _array(body: bytes, first: int, limit: int) -> Chunk:
    """The lines of `body` (which ends with b"\\n"). The lines' lengths are found by Arrow:
    splitting the block in Python made a bytes object and an int per line, most of the time
    of reading a file."""
    pieces = pc.split_pattern(pa.array([body], pa.large_binary()), b"\n").values
    # the last piece is the empty one after the last b"\n"
    lengths = pc.binary_length(pieces.slice(0, len(pieces) - 1))
    if len(lengths) and pc.max(lengths).as_py() > limit:
        return _with_long(body.split(b"\n")[:-1], limit, first)
    ends = pc.cumulative_sum(pc.add(lengths, 1))
    offsets = pa.concat_arrays([pa.array([0], pa.int64()), ends.cast(pa.int64())])
    buffers = [None, offsets.buffers()[1], pa.py_buffer(body)]
    return Chunk(first, pa.Array.from_buffers(pa.large_binary(), len(lengths), buffers))


def _with_long(lines: list[bytes], limit: int, first: int) -> Chunk:
    values: list[bytes] = []
    held: dict[int, Held] = {}
    for number, line in enumerate(lines, start=first):
        if len(line) > limit:
            whole = line + b"\n"
            held[number] = Held(whole[: limit + 2], len(whole) > limit + 2)
            values.append(b"")
        else:
            values.append(line + b"\n")
    return Chunk(first, pa.array(values, pa.large_binary()), held)


def as_text(chunk: Chunk) -> pa.Array:
    """The chunk's lines as UTF-8 text; a line that is not valid UTF-8 becomes null and joins
    `chunk.held` (with its bytes), for the Python readers to judge."""
    try:
        return chunk.raw.cast(pa.large_string())
    except pa.ArrowInvalid:
        pass
    values: list[str | None] = []
    for number, data in enumerate(chunk.raw.to_pylist(), start=chunk.first):
        try:
            values.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            values.append(None)
            chunk.held[number] = Held(data, False)
    return pa.array(values, pa.large_string())


def numbers(first: int, count: int) -> pa.Array:
    """The line numbers first, first + 1, ... as an Arrow array."""
    ones = pa.nulls(count, pa.int64()).fill_null(1)
    return pc.add(pc.cumulative_sum(ones), first - 1)


def split_lines(source: FileBytes, limit: int, block: int = BLOCK) -> Iterator[Chunk]:
    """The file's lines in chunks (see the module docstring)."""
    number = 0  # lines handed on so far
    carry = b""
    skipping: Held | None = None  # a long line being skipped to its end
    while True:
        data = source.read(block)
        if skipping is not None:
            end = data.find(b"\n")
            if end < 0 and data:
                continue
            number += 1
            yield _long(number, skipping)
            skipping = None
            if end < 0:
                return  # the file ends inside the long line
            data = data[end + 1 :]
            if not data:
                continue
        if not data:
            if carry:
                number += 1
                if len(carry) > limit:
                    yield _long(number, Held(carry[: limit + 2], len(carry) > limit + 2))
                else:
                    yield Chunk(number, pa.array([carry], pa.large_binary()))
            return
        if carry:
            data = carry + data
        cut = data.rfind(b"\n") + 1
        body, carry = data[:cut], data[cut:]
        if body:
            chunk = _array(body, number + 1, limit)
            number += len(chunk.raw)
            yield chunk
        if len(carry) > limit + 2:
            skipping = Held(carry[: limit + 2], True)
            carry = b""


def _long(number: int, line: Held) -> Chunk:
    return Chunk(number, pa.array([b""], pa.large_binary()), {number: line})


#: Lines handed to DuckDB per query.
BATCH_LINES = 1 << 19

#: For a batch's lines (bytes) and its first line number: which lines DuckDB must leave to the
#: Python readers, and which more lines to hold (with their bytes) for them.
Flags = Callable[[pa.ChunkedArray, int], tuple[pa.Array, list[int]]]


@dataclass
class Batch:
    """Lines `first` to `first + count - 1` as a table `(line, raw, text, unsafe)` for DuckDB;
    the lines in `held` (null or empty in the table) are judged by the Python readers."""

    first: int
    count: int
    table: pa.Table
    held: dict[int, Held]


def batches(source: FileBytes, limit: int, flags: Flags) -> Iterator[Batch]:
    """The file's lines in batches of about BATCH_LINES."""
    pending: list[Chunk] = []
    size = 0
    for chunk in split_lines(source, limit):
        pending.append(chunk)
        size += len(chunk.raw)
        if size >= BATCH_LINES:
            yield _gather(pending, flags)
            pending, size = [], 0
    if pending:
        yield _gather(pending, flags)


def _gather(chunks: list[Chunk], flags: Flags) -> Batch:
    held: dict[int, Held] = {}
    texts = []
    for chunk in chunks:
        texts.append(as_text(chunk))  # may hold more lines
        held.update(chunk.held)
    count = sum(len(chunk.raw) for chunk in chunks)
    raw = pa.chunked_array([chunk.raw for chunk in chunks], pa.large_binary())
    first = chunks[0].first
    unsafe, more = flags(raw, first)
    for number in more:
        held[number] = Held(raw[number - first].as_py(), False)
    if more:
        lines = numbers(first, count)
        unsafe = pc.or_(unsafe, pc.is_in(lines, pa.array(more, pa.int64())))
    table = pa.table(
        {
            "line": numbers(first, count),
            "raw": raw,
            "text": pa.chunked_array(texts, pa.large_string()),
            "unsafe": unsafe,
        }
    )
    return Batch(first, count, table, held)


class Prefetch(Generic[_T]):
    """Runs an iterator in a thread, `depth` items ahead; errors surface in the consumer."""

    _END = object()

    def __init__(self, make: Callable[[], Iterator[_T]], depth: int = 3) -> None:
        self.items: queue.Queue[Any] = queue.Queue(depth)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(make,), daemon=True)
        self.thread.start()

    def _run(self, make: Callable[[], Iterator[_T]]) -> None:
        try:
            for item in make():
                if self.stop.is_set():
                    return
                self.items.put(item)
        except BaseException as exc:  # handed to the consumer
            self.items.put(exc)
            return
        self.items.put(self._END)

    def __iter__(self) -> Iterator[_T]:
        while True:
            item = self.items.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the thread (it ends at its next item)."""
        self.stop.set()
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self.items.get(timeout=0.05)
