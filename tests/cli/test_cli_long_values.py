"""A long value of the log (a 5,000-character attribute, a 3,000-character scope value) is
printed whole by JSON and CSV, and clipped in the renderings a person reads (text, markdown,
HTML): its first 80 characters, an ellipsis and its length (hunt22: the text report printed
all 5,000 characters in the sentence)."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

POLICY = """\
policy shop.wording "Never say 'no problem'"
  severity high
  forbid staff.said where text contains "no problem"

policy shop.fine "Never say 'fine' in a visit"
  severity high
  per visit
  forbid staff.said where text == "fine"
"""

SAID = "no problem " + "x" * 5000  # 5,011 characters
VISIT = "v" + "y" * 3000  # 3,001 characters
SAID_AT = {"time": "2026-03-02T10:00:00Z", "type": "staff.said"}
LOG = [
    {**SAID_AT, "id": "e1", "visit": "v1", "text": SAID},
    {**SAID_AT, "time": "2026-03-02T11:00:00Z", "id": "e2", "visit": VISIT, "text": "fine"},
]


def _audit(tmp_path: Path, engine: str, form: str) -> str:
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text("".join(json.dumps(e) + "\n" for e in LOG), "utf-8")
    args = ["audit", "--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    result = CliRunner().invoke(main, [*args, "--engine", engine, "--format", form])
    assert result.exit_code == 1, result.output
    return result.stdout


def test_human_reports_clip_long_values(tmp_path: Path, audit_engine: str) -> None:
    said = '"no problem ' + "x" * 69 + '…" (5,011 characters)'
    visit = "v" + "y" * 79 + "… (3,001 characters)"
    text = _audit(tmp_path, audit_engine, "text")
    assert "x" * 81 not in text and "y" * 81 not in text
    flat = " ".join(line.strip() for line in text.splitlines())
    assert f"text = {said} (rule: forbid" in flat
    assert f"forbidden staff.said in visit {visit} at 2026-03-02" in flat
    markdown = _audit(tmp_path, audit_engine, "markdown")
    assert "x" * 81 not in markdown and "y" * 81 not in markdown
    assert "5,011 characters" in markdown and "3,001 characters" in markdown
    page = _audit(tmp_path, audit_engine, "html")
    assert "x" * 81 not in page and "y" * 81 not in page
    assert "5,011 characters" in page and "3,001 characters" in page


def test_json_and_csv_keep_long_values_whole(tmp_path: Path, audit_engine: str) -> None:
    report = json.loads(_audit(tmp_path, audit_engine, "json"))
    sentences = {v["policy"]: v["sentence"] for v in report["violations"]}
    assert f'text = "{SAID}"' in sentences["shop.wording"]
    assert f"in visit {VISIT} at" in sentences["shop.fine"]
    rows = list(csv.DictReader(io.StringIO(_audit(tmp_path, audit_engine, "csv"))))
    assert {r["scope"] for r in rows} == {"", f"visit={VISIT}"}
    assert any(SAID in r["sentence"] for r in rows)


def test_html_clips_a_long_event_id(tmp_path: Path, audit_engine: str) -> None:
    """An evidence event's id from the log (3,001 characters) was printed whole in the HTML
    evidence table, under each of the violations it proves, where report.md says a long id is
    clipped; it is clipped as a scope value is (the JSON keeps it whole)."""
    long_id = "e" + "z" * 3000
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    event = {**SAID_AT, "id": long_id, "visit": "v1", "text": "fine"}
    (tmp_path / "log.jsonl").write_text(json.dumps(event) + "\n", "utf-8")
    args = ["audit", "--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    page = CliRunner().invoke(main, [*args, "--engine", audit_engine, "--format", "html"]).stdout
    assert "z" * 81 not in page
    assert "<code>e" + "z" * 79 + "… (3,001 characters)</code> at <code>" in page
    whole = CliRunner().invoke(main, [*args, "--engine", audit_engine, "--format", "json"])
    assert json.loads(whole.stdout)["violations"][0]["evidence"][0]["id"] == long_id


def test_quotes_inside_two_values_do_not_clip_the_sentence_between(
    tmp_path: Path, audit_engine: str
) -> None:
    """The inch mark of a scope value ('27" monitor') and of a reported value ('P2723DE 27"')
    were read as the two quotes of one 123-character text, and the sentence between them was
    clipped: '… no return.approved within 2d (deadline 20…" (123 characters))', the deadline and
    the model gone (hunt60). Only a quote that opens a word and one that closes a word pair."""
    (tmp_path / "p.cxr").write_text(
        'policy shop.returns "Returns are approved within 2 days"\n'
        "  severity high\n  per product\n  when return.requested\n"
        "  expect return.approved within 2d\n  report model = model\n",
        "utf-8",
    )
    log = [
        {"time": "2026-03-02T10:00:00Z", "type": "return.requested", "product": '27" monitor'},
        {"time": "2026-03-05T10:00:00Z", "type": "return.approved", "product": "mouse"},
    ]
    log[0]["model"] = 'P2723DE 27"'
    (tmp_path / "log.jsonl").write_text("".join(json.dumps(e) + "\n" for e in log), "utf-8")
    args = ["audit", "--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    sentence = (
        'return.requested of product 27" monitor at 2026-03-02 10:00:00+00:00: no '
        'return.approved within 2d (deadline 2026-03-04 10:00:00+00:00) (model: P2723DE 27")'
    )
    for form in ("text", "markdown", "html"):
        result = CliRunner().invoke(main, [*args, "--engine", audit_engine, "--format", form])
        assert result.exit_code == 1, result.output
        flat = " ".join(line.strip() for line in result.stdout.splitlines())
        if form == "html":
            flat = html.unescape(flat)
        assert "characters)" not in flat, form
        assert sentence in flat.replace("\\_", "_"), form
