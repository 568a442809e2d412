"""docs/diagnostics.md and CODES stay in step: every code has a section, every section is a code,
and every policy example in it produces exactly the message shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxrules.diagnostics import CODES
from cxrules.policyset import load_policies

DOC = Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md"
TEXT = DOC.read_text(encoding="utf-8")
HEADINGS = re.findall(r"^## (\S+)$", TEXT, flags=re.MULTILINE)


def sections() -> dict[str, str]:
    parts = re.split(r"^## (\S+)$", TEXT, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_code_has_a_section() -> None:
    assert set(CODES) - set(HEADINGS) == set()


def test_every_section_is_a_known_code_documented_once_in_order() -> None:
    assert set(HEADINGS) - set(CODES) == set()
    assert list(CODES) == HEADINGS


def test_table_of_contents_lists_every_code_with_its_title() -> None:
    for code, title in CODES.items():
        assert f"| [{code}](#{code.lower()}) | {title} |" in TEXT


@pytest.mark.parametrize("code", list(CODES))
def test_section_has_meaning_example_and_fix(code: str) -> None:
    body = sections()[code]
    title = CODES[code][0].upper() + CODES[code][1:]
    assert body.lstrip().startswith(f"**{title}.**")
    assert "```" in body, "an example"
    assert "\nFix: " in body


EXAMPLES = [
    (code, m.group(1), m.group(2))
    for code, body in sections().items()
    for m in [re.search(r"```cxr\n(.*?)```\n\nMessage:\n\n```text\n(.*?)\n```", body, re.S)]
    if m is not None
]


def test_policy_codes_have_runnable_examples() -> None:
    runnable = {code for code, _, _ in EXAMPLES}
    # E207 needs two files, E222 a command line and E229 no file at all: their examples are
    # shown, not run (E229 by tests/cli/test_cli_check.py).
    wanted = {c for c in CODES if c[1] in "12"} - {"E207", "E222", "E229"}
    assert wanted - runnable == set()


@pytest.mark.parametrize(("code", "example", "message"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_gives_the_documented_message(
    tmp_path: Path, code: str, example: str, message: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "example.cxr").write_text(example, encoding="utf-8")
    loaded = load_policies([str(project / "example.cxr")], root=project)
    found = [d for d in loaded.diagnostics if d.code == code]
    assert "\n".join(d.render() for d in found) == message
