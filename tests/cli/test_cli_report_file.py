"""Where `cxrules audit` writes its report: a device or a pipe is written into, never replaced;
a folder, or a report that cannot be written, is said in a sentence with its exit code."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

POLICY = """policy shop.wording "Never 'no problem'"
  severity low
  owner "Floor"
  description "Every 'no problem' is a breach."
  forbid staff.said where lower(text) contains "no problem"
"""

LOG = '{"time": "2026-03-02T10:00:00Z", "type": "staff.said", "text": "No problem"}\n'


def _project(folder: Path) -> list[str]:
    (folder / "p.cxr").write_text(POLICY, "utf-8")
    (folder / "log.jsonl").write_text(LOG, "utf-8")
    return ["audit", "--policies", str(folder / "p.cxr"), "--log", str(folder / "log.jsonl")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_or_a_device_is_written_into_not_replaced_by_a_file(tmp_path: Path) -> None:
    """hunt20 finding-2: the report was written beside its path and moved onto it, so
    `-o /dev/null` run as root (a CI container) replaced the device by a regular file holding
    the report, and anyone else's `-o /dev/stdout` was 'internal error: PermissionError'. A
    named pipe, read through a link to it, stands for both here."""
    args = _project(tmp_path)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    (tmp_path / "link.json").symlink_to(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # a reader: opening to write won't block
    try:
        result = CliRunner().invoke(
            main, [*args, "--format", "json", "-o", str(tmp_path / "link.json")]
        )
        assert result.exit_code == 1, result.output
        assert stat.S_ISFIFO(os.stat(pipe).st_mode)
        assert (tmp_path / "link.json").is_symlink()
        received = os.read(reader, 1 << 16).decode("utf-8")
    finally:
        os.close(reader)
    assert received.startswith("{") and '"policy": "shop.wording"' in received
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "log.jsonl", "p.cxr", "pipe"]


def test_a_folder_as_the_report_is_refused_before_the_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings' `output` naming a folder ran the whole audit, then stopped with 'internal
    error: IsADirectoryError'; a name ending in a slash wrote a file of that name."""
    args = _project(tmp_path)
    (tmp_path / "reports").mkdir()
    monkeypatch.chdir(tmp_path)
    Path("cxrules.toml").write_text('output = "reports"\n', "utf-8")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert (
        "Error: the output reports (cxrules.toml) is a folder; name the file to write in it"
        in result.output
    )
    Path("cxrules.toml").unlink()
    result = CliRunner().invoke(main, [*args, "-o", "new.txt/"])
    assert result.exit_code == 2
    assert "Error: -o new.txt/ is a folder; name the file to write in it" in result.output
    assert not Path("new.txt").exists()


def test_the_settings_output_in_a_missing_folder_is_named_as_the_settings_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hunt65 finding-K: `output = "reports/audit.html"` (docs/project.md's example) in a
    project without a reports/ folder stopped a plain `cxrules audit`, given no -o, with
    'Error: -o reports/audit.html: the folder … does not exist'."""
    args = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text('[tool.cxrules]\noutput = "reports/audit.html"\n', "utf-8")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: the output reports/audit.html ([tool.cxrules] of pyproject.toml): the folder "
        f"{tmp_path / 'reports'} does not exist\n"
    )
    given = CliRunner().invoke(main, [*args, "-o", "out/r.html"])
    assert given.exit_code == 2
    assert given.output.endswith(
        f"Error: -o out/r.html: the folder {tmp_path / 'out'} does not exist\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl", "p.cxr", "pyproject.toml"]


def test_a_report_that_cannot_be_written_is_said_with_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk (or a folder that refuses files) was 'internal error: OSError'."""
    args = _project(tmp_path)
    report = tmp_path / "r.txt"
    report.write_text("yesterday's report", encoding="utf-8")

    def full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    result = CliRunner().invoke(main, [*args, "-o", str(report)], catch_exceptions=False)
    assert result.exit_code == 3
    assert (
        f"cxrules audit: cannot write the report to {report}: {os.strerror(errno.ENOSPC)}"
    ) in result.output
    assert report.read_text("utf-8") == "yesterday's report"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


class _FillingDisk:
    """A report file on a disk that fills after `room` characters: a write past it fails with
    ENOSPC, and so does closing the file (its buffer cannot go to disk either)."""

    def __init__(self, path: object, room: int) -> None:
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.room = room

    def write(self, text: str) -> int:
        if len(text) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(text)
        return self.handle.write(text)

    def flush(self) -> None:
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _FillingDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self.handle, name)


@pytest.mark.parametrize("name", ["r.json", "r.csv", "r.html", "r.txt"])
def test_a_disk_that_fills_while_the_report_is_written_is_said_with_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """A write that failed part-way (not the open, the flush or the move) was 'internal error'.
    JSON and CSV are written as the violations come, HTML and text at once: both fail."""
    from cxrules.reports import destination

    args = _project(tmp_path)
    report = tmp_path / name
    report.write_text("yesterday's report", encoding="utf-8")
    monkeypatch.setattr(destination, "_opened", lambda path, output: _FillingDisk(path, 10))
    result = CliRunner().invoke(main, [*args, "-o", str(report)], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert (
        f"cxrules audit: cannot write the report to {report}: {os.strerror(errno.ENOSPC)}"
    ) in result.output
    assert "internal error" not in result.output
    assert report.read_text("utf-8") == "yesterday's report"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
