"""A type of only blanks is no type (E405), and blanks around a type are dropped, on every engine
and every route that reads a type (hunt49 finding-K): a record of type "  " or "\\t" (a CSV
cell of spaces) was accepted as an event of that type, which no policy can name, and " x "
was kept as written, so `forbid x` never saw it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxrules.audit import AuditRequest, run_audit

POLICY = """\
policy t.all "Every event"
  owner "CX"
  description "Each event is a violation, so the test sees every type read."
  forbid *
"""

T = "2026-03-02T10:0{}:00Z"
ONLY_BLANKS = "no type: column 'type' holds only blanks, {}"


def audit(tmp_path: Path, engine: str, log: Path, mapping: str | None = None):
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY, encoding="utf-8")
    toml = None
    if mapping is not None:
        (tmp_path / "m.toml").write_text(mapping, encoding="utf-8")
        toml = str(tmp_path / "m.toml")
    report, _ = run_audit(
        AuditRequest(policies=[str(policies)], logs=[str(log)], mapping=toml, engine=engine)
    )
    types = sorted((v.trigger.line, v.trigger.type) for v in report.violations)
    rejected = [(r.file, r.line, r.code, r.reason) for r in report.rejected]
    return types, rejected


def test_jsonl(tmp_path: Path, audit_engine: str) -> None:
    log = tmp_path / "t.jsonl"
    log.write_text(
        f'{{"time": "{T.format(0)}", "type": "  "}}\n'
        f'{{"time": "{T.format(1)}", "type": "x"}}\n'
        f'{{"time": "{T.format(2)}", "type": "\\t"}}\n'
        f'{{"time": "{T.format(3)}", "type": " x "}}\n'
        f'{{"time": "{T.format(4)}", "type": "\\u00a0y\\u3000"}}\n',
        encoding="utf-8",
    )
    types, rejected = audit(tmp_path, audit_engine, log)
    assert types == [(2, "x"), (4, "x"), (5, "y")]
    assert rejected == [
        (str(log), 1, "E405", ONLY_BLANKS.format("'  '")),
        (str(log), 3, "E405", ONLY_BLANKS.format("'\\t'")),
    ]


@pytest.fixture
def csv_log(tmp_path: Path) -> Path:
    log = tmp_path / "t.csv"
    rows = ["time,type,b", f"{T.format(0)},  ,a", f"{T.format(1)}, x ,b"]
    rows += [f"{T.format(2)},\t,c", f"{T.format(3)},!!!,d", f"{T.format(4)},X y, "]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return log


def test_csv(tmp_path: Path, audit_engine: str, csv_log: Path) -> None:
    types, rejected = audit(tmp_path, audit_engine, csv_log)
    assert types == [(3, "x"), (5, "!!!"), (6, "X y")]
    assert rejected == [
        (str(csv_log), 2, "E405", ONLY_BLANKS.format("'  '")),
        (str(csv_log), 4, "E405", ONLY_BLANKS.format("'\\t'")),
    ]


def test_csv_slug_that_leaves_nothing(tmp_path: Path, audit_engine: str, csv_log: Path) -> None:
    """`slug` keeps letters, digits, '_' and '.': '!!!' leaves an empty type, now E405."""
    types, rejected = audit(tmp_path, audit_engine, csv_log, '[log]\ntype_values = "slug"\n')
    assert types == [(3, "x"), (6, "x_y")]
    slugless = (
        "no type: '!!!' in 'type' has no letter or digit (type_values = \"slug\" keeps only those)"
    )
    assert rejected == [
        (str(csv_log), 2, "E405", ONLY_BLANKS.format("'  '")),
        (str(csv_log), 4, "E405", ONLY_BLANKS.format("'\\t'")),
        (str(csv_log), 5, "E405", slugless),
    ]


def test_csv_template(tmp_path: Path, audit_engine: str, csv_log: Path) -> None:
    """A template's text loses the blanks at its ends; blanks inside it stay."""
    types, rejected = audit(tmp_path, audit_engine, csv_log, '[log]\ntype = "{type}{b}"\n')
    assert types == [(2, "a"), (3, "x b"), (4, "c"), (5, "!!!d"), (6, "X y")]
    assert rejected == []
    types, rejected = audit(tmp_path, audit_engine, csv_log, '[log]\ntype = "{b}{type}"\n')
    blank = "no type: '{b}{type}' gives an empty or blank type"
    assert rejected == [] and types == [(2, "a"), (3, "b x"), (4, "c"), (5, "d!!!"), (6, "X y")]
    log = tmp_path / "two.csv"
    log.write_text(f"time,type,b\n{T.format(0)}, ,\t\n{T.format(1)},x,y\n", encoding="utf-8")
    types, rejected = audit(tmp_path, audit_engine, log, '[log]\ntype = "{b}{type}"\n')
    assert types == [(3, "yx")]
    assert rejected == [(str(log), 2, "E405", blank)]


def test_parquet(tmp_path: Path, audit_engine: str) -> None:
    log = tmp_path / "t.parquet"
    kinds = ["  ", " x ", "\u3000y\u00a0", "x"]
    pq.write_table(pa.table({"time": [T.format(n) for n in range(4)], "type": kinds}), log)
    types, rejected = audit(tmp_path, audit_engine, log)
    assert types == [(2, "x"), (3, "y"), (4, "x")]
    assert rejected == [(str(log), 1, "E405", ONLY_BLANKS.format("'  '"))]


def test_slug_template_field_that_leaves_nothing(
    tmp_path: Path, audit_engine: str, csv_log: Path
) -> None:
    """A slug template's field of no letter or digit ('!!!', '-', a blank) is no part of a
    type, as it is no type alone: '{type}.{b}' of '!!!' and 'd' was the event type '.d', and of
    'X y' and ' ' the type 'x_y.', which no policy names (hunt64 finding-4)."""
    mapping = '[log]\ntype = "{type}.{b}"\ntype_values = "slug"\n'
    types, rejected = audit(tmp_path, audit_engine, csv_log, mapping)
    assert types == [(3, "x.b")]
    why = "no type: {} in '{}' of '{{type}}.{{b}}' has no letter or digit"
    why += ' (type_values = "slug" keeps only those)'
    assert rejected == [
        (str(csv_log), 2, "E405", why.format("'  '", "type")),
        (str(csv_log), 4, "E405", why.format("'\\t'", "type")),
        (str(csv_log), 5, "E405", why.format("'!!!'", "type")),
        (str(csv_log), 6, "E405", why.format("' '", "b")),
    ]
    log = tmp_path / "t.parquet"
    kinds = ["Wait - User", "-", "ok"]
    pq.write_table(pa.table({"time": [T.format(n) for n in range(3)], "type": kinds}), log)
    types, rejected = audit(tmp_path, audit_engine, log, mapping.replace(".{b}", ".end"))
    assert types == [(1, "wait_user.end"), (3, "ok.end")]
    assert rejected == [(str(log), 2, "E405", why.format("'-'", "type").replace("{b}", "end"))]
