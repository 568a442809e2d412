"""W407: an attribute compared with `true` / `false`, or taken as a condition, that the log holds
as texts spelling booleans and never as a boolean: the comparison never holds, the audit passes
silently. Expected messages by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cxrules import ir
from cxrules.findings.booleans import BooleansAsText
from cxrules.logs.event import Event
from cxrules.logs.mapping import LogMapping
from cxrules.policyset import load_policies
from cxrules.source import Source

HEAD = 'policy p.x "Test"\n  owner "CX"\n  description "d"\n'


def compiled(tmp_path: Path, rule: str) -> tuple[ir.PolicySet, dict[str, Source]]:
    path = tmp_path / "p.cxr"
    path.write_text(HEAD + rule, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None, loaded.diagnostics
    return loaded.policy_set, loaded.workspace.sources


def found(
    tmp_path: Path, rule: str, *values: Any, mapping: LogMapping | None = None
) -> list[tuple[str, int, int, str, str]]:
    policy_set, sources = compiled(tmp_path, rule)
    looker = BooleansAsText(policy_set, mapping, sources)
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    for n, value in enumerate(values):
        looker.see(Event(at, "ticket.closed", str(n), {"made_sla": value, "n": n}))
    return [
        (d.code, d.span.line if d.span else 0, d.span.column if d.span else 0, d.message, d.hint)
        for d in looker.warnings()
    ]


def test_a_comparison_with_false_of_texts_spelling_booleans(tmp_path: Path) -> None:
    rule = "  forbid ticket.closed where made_sla == false\n"
    # line 4, "  forbid ticket.closed where " is 29 characters: made_sla at column 30
    assert found(tmp_path, rule, "TRUE", "FALSE", None) == [
        (
            "W407",
            4,
            30,
            "policy p.x compares 'made_sla' with false, but the log holds it as text "
            '("FALSE"): a text is never equal to a boolean',
            'read the column as booleans in the log mapping: booleans = ["made_sla"] '
            '(docs/mapping.md), or compare with the text: made_sla == "FALSE"',
        )
    ]


def test_not_equal_in_a_list_and_the_column_before_its_rename(tmp_path: Path) -> None:
    mapping = LogMapping(rename={"Made SLA": "made_sla"})
    [(_, _, _, message, hint)] = found(
        tmp_path, "  forbid ticket.closed where true != made_sla\n", "yes", mapping=mapping
    )
    assert message.startswith("policy p.x compares 'made_sla' with true, but the log holds it")
    assert hint.endswith(
        'booleans = ["Made SLA"] (docs/mapping.md), or compare with the text: made_sla != "yes"'
    )
    [(_, _, _, message, _)] = found(
        tmp_path, "  forbid ticket.closed where made_sla in [false]\n", "0"
    )
    assert message.endswith('holds it as text ("0"): a text is never equal to a boolean')


def test_an_attribute_taken_as_a_condition(tmp_path: Path) -> None:
    for rule in (
        "  forbid ticket.closed where not made_sla\n",
        "  forbid ticket.closed where made_sla and n > 1\n",
        "  when ticket.closed\n  require made_sla\n",
    ):
        [(code, _, _, message, hint)] = found(tmp_path, rule, "false", "true")
        assert code == "W407"
        assert message == (
            "policy p.x takes 'made_sla' as a condition, but the log holds it as text "
            '("true"): a condition holds only when it is the boolean true'
        )
        assert hint.endswith('or compare with the text: made_sla == "true"')


def test_no_warning_with_a_boolean_a_text_of_another_kind_or_no_boolean_read(
    tmp_path: Path,
) -> None:
    rule = "  forbid ticket.closed where made_sla == false\n"
    assert found(tmp_path, rule, "false", True) == []  # one boolean: the mapping reads them
    assert found(tmp_path, rule, "late", "on time") == []  # no boolean spelt
    assert found(tmp_path, rule) == []  # no event
    assert found(tmp_path, '  forbid ticket.closed where made_sla == "false"\n', "false") == []
