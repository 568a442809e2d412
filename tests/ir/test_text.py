"""Conditions in report sentences (`cxrules.ir.text.describe`) are laid out as `cxrules fmt`
writes them: parentheses only where the operators' binding needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules import ir
from cxrules.ir.text import describe
from cxrules.language.fmt import expr_text
from cxrules.language.parser import parse
from cxrules.policyset import load_policies
from cxrules.source import Source

POLICY = 'policy p.q "T"\n  owner "O"\n  description "D"\n  forbid x.y where {}\n'


@pytest.mark.parametrize(
    ("condition", "laid_out"),
    [
        (  # hunt31 finding-5: the sentence read '(lower(text) contains "a") or (…)'
            '(lower(text) contains "no problem") or (text matches "sorun")',
            'lower(text) contains "no problem" or text matches "sorun"',
        ),
        ("(count(x.y) == 0) and (made_sla == true)", "count(x.y) == 0 and made_sla == true"),
        ("a == 1 or (b == 1 and c == 2)", "a == 1 or b == 1 and c == 2"),
        ("(a == 1 or b == 1) and c == 2", "(a == 1 or b == 1) and c == 2"),
        ("not (a == 1)", "not a == 1"),
        ("not (a == 1 and b == 2)", "not (a == 1 and b == 2)"),
        ("(a + b) * 2 > 3", "(a + b) * 2 > 3"),
        ("(a * b) + 2 > 3", "a * b + 2 > 3"),
        ("a - (b - c) > 0", "a - (b - c) > 0"),
        ("(a or b) == true", "(a or b) == true"),
        ("(a + 1) between 2 and 3", "a + 1 between 2 and 3"),
        ("(a == 1) in [true]", "(a == 1) in [true]"),
        ("-(a + 1) < 0", "-(a + 1) < 0"),
    ],
)
def test_a_sentence_writes_a_condition_as_fmt_does(
    tmp_path: Path, condition: str, laid_out: str
) -> None:
    text = POLICY.format(condition)
    (tmp_path / "p.cxr").write_text(text, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], root=tmp_path)
    assert loaded.policy_set is not None, [d.render() for d in loaded.diagnostics]
    rule = loaded.policy_set.policies[0].rule
    assert isinstance(rule, ir.Absence) and rule.pattern.where is not None
    tree, _ = parse(Source(name="p.cxr", text=text))
    assert expr_text(tree.items[0].rule.pattern.where) == laid_out  # type: ignore[union-attr]
    assert describe(rule.pattern.where) == laid_out
