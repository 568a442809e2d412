"""Every example in docs/language.md parses and checks without errors."""

import re
from pathlib import Path

import pytest

from cxrules.diagnostics import Level, render_text
from cxrules.policyset import load_policies

DOC = Path(__file__).resolve().parents[2] / "docs" / "language.md"
BLOCKS = re.findall(r"```cxr\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)


def test_the_reference_has_examples() -> None:
    assert len(BLOCKS) >= 12


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_checks_clean(index: int, tmp_path: Path) -> None:
    path = tmp_path / f"example{index}.cxr"
    path.write_text(BLOCKS[index], encoding="utf-8")
    loaded = load_policies([str(path)], root=tmp_path)
    errors = [d for d in loaded.diagnostics if d.level is Level.ERROR]
    assert not errors, render_text(errors)
    assert loaded.policy_set is not None and loaded.policy_set.policies
