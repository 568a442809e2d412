"""Checker: one calendar name defined by two files of a workspace. An audit keeps one calendar per
name, so two files that each define `desk` with other hours would have the second file's
policies count business time on the first file's hours (hunt58 finding-A)."""

from __future__ import annotations

from pathlib import Path

from cxrules.policyset import load_policies

POLICY = """
policy {id}.reply "A complaint is answered within 2 business hours"
  owner "Customer care"
  description "d"
  calendar desk
  per customer
  when complaint.filed
  expect reply.sent within 2 business hours
"""

ISTANBUL = 'calendar desk "Istanbul"\n  zone "Europe/Istanbul"\n  hours mon-fri 09:00-18:00\n'
BUCHAREST = 'calendar desk "Bucharest"\n  zone "Europe/Bucharest"\n  hours mon-fri 12:00-20:00\n'


def diagnose(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str, str]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    loaded = load_policies([str(tmp_path)], None, root=tmp_path)
    return [
        (
            d.code,
            Path(d.span.file).name if d.span else "",
            d.span.line if d.span else 0,
            d.span.column if d.span else 0,
            d.message,
            d.hint,
        )
        for d in loaded.diagnostics
    ]


def test_two_files_with_one_calendar_name_and_other_hours_are_refused(tmp_path: Path) -> None:
    found = diagnose(
        tmp_path,
        {"a.cxr": ISTANBUL + POLICY.format(id="a"), "b.cxr": BUCHAREST + POLICY.format(id="b")},
    )
    assert found == [
        (
            "E215",
            "b.cxr",
            1,
            10,
            "calendar 'desk' is also defined at a.cxr:1:10, with other hours",
            "an audit has one calendar per name: rename one of them, or define it once in a "
            "file that both files 'use'",
        )
    ]


def test_other_zone_alone_is_other_hours(tmp_path: Path) -> None:
    athens = ISTANBUL.replace("Europe/Istanbul", "Europe/Athens")
    found = diagnose(
        tmp_path,
        {"a.cxr": ISTANBUL + POLICY.format(id="a"), "b.cxr": athens + POLICY.format(id="b")},
    )
    assert [(code, file, line) for code, file, line, *_ in found] == [("E215", "b.cxr", 1)]


def test_the_same_calendar_written_in_two_files_is_fine(tmp_path: Path) -> None:
    # Same zone, days and hours (written another way, and under another title): one calendar.
    same = (
        'calendar desk "Desk"\n  zone "Europe/Istanbul"\n'
        "  hours mon-thu 09:00-18:00, fri 09:00-18:00\n"
    )
    found = diagnose(
        tmp_path,
        {"a.cxr": ISTANBUL + POLICY.format(id="a"), "b.cxr": same + POLICY.format(id="b")},
    )
    assert found == []


def test_a_file_that_uses_the_other_gets_the_one_error_of_use(tmp_path: Path) -> None:
    found = diagnose(
        tmp_path,
        {
            "a.cxr": ISTANBUL + POLICY.format(id="a"),
            "b.cxr": 'use "a.cxr"\n' + BUCHAREST + POLICY.format(id="b"),
        },
    )
    assert [(code, file, line, message) for code, file, line, _, message, _ in found] == [
        ("E215", "b.cxr", 2, "'desk' is also defined in a.cxr")
    ]
