"""A log read as it is written: a file followed as it grows (like `tail -F`), or standard input.

`Followed` is a raw binary stream: at the end of what is written so far it waits for more,
until `stop` is set (Ctrl-C, SIGTERM) or, when not following, at once. A file that shrinks
(truncated to be written again) is read again from its start; a file replaced by another of
the same name (log rotation) is reopened, once what the old one still held is read. Either way
the stream ends there with `restarted` set: what follows is a new file, to be read from its
first line (a CSV header, a byte order mark), never as the rest of the old file's last line.
The bytes read are hashed as they pass, for the report's checksum of what was audited.
"""

from __future__ import annotations

import hashlib
import io
import os
import select
import threading
from collections.abc import Callable
from typing import Any

POLL_SECONDS = 0.25


class Followed(io.RawIOBase):
    """The bytes of `path` (None: standard input), read as they are written."""

    def __init__(
        self,
        path: str | None,
        *,
        follow: bool,
        stop: threading.Event,
        poll: float = POLL_SECONDS,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.path, self.follow, self.stop, self.poll = path, follow, stop, poll
        self.notice = notice or (lambda message: None)
        self.sha = hashlib.sha256()
        self.consumed = 0  # bytes read since the last (re)start of the file
        self.restarted = False  # the stream ended at a truncation or a rotation: read on anew
        self.lines = 0  # lines (b"\n") read since the last (re)start
        self.open_line = False  # the last byte read was not a line end
        self._file: Any = None
        self._fd = 0
        self._inode = 0
        if path is None:
            self._fd = 0
        else:
            self._open()

    def _open(self) -> None:
        assert self.path is not None
        self._file = open(self.path, "rb", buffering=0)  # noqa: SIM115 - closed in close()
        self._inode = os.fstat(self._file.fileno()).st_ino
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.restarted:  # the new file is read once `restart` is called
            return 0
        while True:
            count = self._read(buffer)
            if count:
                data = memoryview(buffer)[:count]
                self.sha.update(data)
                self.consumed += count
                self.lines += bytes(data).count(b"\n")
                self.open_line = data[-1] != 0x0A
                return count
            if not self.follow or self.stop.is_set():
                return 0
            if self._file is not None:
                if self._check_replaced():
                    return 0
                self.stop.wait(self.poll)
            elif count == 0 and self._stdin_closed:
                return 0

    _stdin_closed = False

    def _read(self, buffer: Any) -> int:
        if self._file is not None:
            return int(self._file.readinto(buffer) or 0)
        # standard input: wait for bytes a poll at a time, so that a stop is heard
        while not self.stop.is_set():
            ready, _, _ = select.select([self._fd], [], [], self.poll)
            if ready:
                data = os.read(self._fd, len(buffer))
                if not data:
                    self._stdin_closed = True
                    return 0
                buffer[: len(data)] = data
                return len(data)
        return 0

    def lines_read(self) -> int:
        """The lines read since the last (re)start, a last one without its line end counted."""
        return self.lines + self.open_line

    def restart(self) -> None:
        """Read on after a restart: the next bytes are the new file's first."""
        self.restarted = False
        self.lines, self.open_line = 0, False

    def _check_replaced(self) -> bool:
        """True when the file was truncated or replaced: the stream ends here (`restarted`)."""
        assert self.path is not None
        try:
            status = os.stat(self.path)
        except OSError:
            return False  # gone for now (being rotated): wait for the new file
        if status.st_ino != self._inode:
            if os.fstat(self._file.fileno()).st_size > self.consumed:
                return False  # written to before it was renamed: read that first
            self.notice(f"{self.path} was replaced (log rotation): reading the new file")
            self._file.close()
            self._open()
        elif status.st_size < self.consumed:
            self.notice(f"{self.path} was truncated: reading it again from its start")
            self._file.seek(0)
            self.consumed = 0
        else:
            return False
        self.restarted = True
        return True

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()
