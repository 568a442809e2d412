"""A text with quotes, backslashes or a line break, from `--set` or from the log, is quoted in
report sentences and the header as every text is (`cxrules.language.fmt.quote`): `\\"`, `\\\\`,
`\\n`, so that `"say "hi" C:\\x"` never reads as two texts (hunt59 finding-K). Expected texts
written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main
from cxrules.language.fmt import quote
from cxrules.reports.common import clip_values

POLICY = """param greeting = "hello"

policy chat.greeting "Agents greet as the script says"
  owner "Chat lead"
  description "With the script's greeting."
  per chat
  when chat.opened
  expect agent.greeted within 5min where text == greeting

policy chat.text "Greetings are the script's"
  owner "Chat lead"
  description "Word for word."
  per chat
  when agent.greeted
  require text == greeting
"""

EVENTS = [
    {"time": "2026-03-02T10:00:00Z", "type": "chat.opened", "chat": "c1"},
    {
        "time": "2026-03-02T10:01:00Z",
        "type": "agent.greeted",
        "chat": "c1",
        "text": 'he said "no" \\ then\nbye',
    },
]

# the parameter's text as a policy would write it: say \"hi\" C:\\x, in quotes
SET = '"say \\"hi\\" C:\\\\x"'


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_text_with_quotes_and_backslashes_is_quoted_with_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    lines = [json.dumps(e) for e in EVENTS]
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    audit = ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "--engine", engine]
    audit += ["--set", 'greeting=say "hi" C:\\x', "--format", "json", "-o", "r.json"]
    result = CliRunner().invoke(main, audit)
    assert result.exit_code == 1, result.output
    report = json.loads(Path("r.json").read_text("utf-8"))
    assert report["parameters"] == {"greeting": SET}
    [violation] = report["violations"]
    assert violation["sentence"] == (
        "agent.greeted of chat c1 at 2026-03-02 10:01:00+00:00: text == greeting is false "
        f'(greeting = {SET}; text = "he said \\"no\\" \\\\ then\\nbye")'
    )
    [waiting] = report["pending"]
    assert waiting["sentence"] == (
        "chat.opened of chat c1 at 2026-03-02 10:00:00+00:00: waiting for agent.greeted "
        f"where text == {SET} within 5min (deadline 10:05:00)"
    )


def test_a_long_quoted_text_with_escapes_is_clipped_whole() -> None:
    # a quote and 119 x's, 120 characters: clipped to the first 80 (the quote and 79 x's), its
    # escape kept whole
    value = '"' + "x" * 119
    sentence = f"text = {quote(value)} at 10:00"
    assert clip_values(sentence) == 'text = "\\"' + "x" * 79 + '…" (120 characters) at 10:00'
    assert clip_values(sentence, [value]) == clip_values(sentence)
