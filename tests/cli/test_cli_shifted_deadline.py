"""A deadline read from the log and shifted by a duration (`by opened_at + 4h`, with `opened_at`
a time of the log's mapping) is checked and audited on every engine; it was refused at check
with E208 'a deadline is a moment, not a duration' (hunt15 finding-4)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

POLICY = """\
policy desk.critical-fast "Critical incidents are resolved within 4 hours of opening"
  owner "Service desk"
  description "The clock starts when the incident was opened, not at its first update."
  per incident
  when 1st incident.*
  expect incident.resolved by opened_at + 4h
"""

# i-1 opened 08:00, first update 09:00, resolved 11:59: in time (deadline 12:00).
# i-2 opened 08:00, first update 10:00, resolved 12:30: 30 minutes after the deadline 12:00,
# although within 4 hours of its first update.
LOG = """\
incident,state,updated,opened_at
i-1,new,2016-03-01 09:00,2016-03-01 08:00
i-1,resolved,2016-03-01 11:59,2016-03-01 08:00
i-2,new,2016-03-01 10:00,2016-03-01 08:00
i-2,resolved,2016-03-01 12:30,2016-03-01 08:00
"""

MAPPING = """\
[log]
time = "updated"
time_format = "yyyy-mm-dd hh:mm"
type = "incident.{state}"
zone = "UTC"
times = { opened_at = "yyyy-mm-dd hh:mm" }
"""


def _files(tmp_path: Path) -> list[str]:
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.csv").write_text(LOG, "utf-8")
    (tmp_path / "m.toml").write_text(MAPPING, "utf-8")
    return [str(tmp_path / name) for name in ("p.cxr", "log.csv", "m.toml")]


def test_a_shifted_time_of_the_log_is_a_deadline(tmp_path: Path, audit_engine: str) -> None:
    policies, log, mapping = _files(tmp_path)
    runner = CliRunner()
    checked = runner.invoke(main, ["check", policies])
    assert (checked.exit_code, checked.output) == (0, "1 file, 1 policy: ok\n")
    args = ["audit", "--policies", policies, "--log", log, "--mapping", mapping]
    audited = runner.invoke(main, [*args, "--engine", audit_engine, "--format", "json"])
    report = json.loads(audited.stdout)
    [stats] = report["policies"]
    assert (stats["activations"], stats["satisfied"], stats["violated"]) == (2, 1, 1)
    [violation] = report["violations"]
    assert (violation["kind"], violation["scope"]) == ("late", {"incident": "i-2"})
    assert violation["details"] == {"deadline": "2016-03-01T12:00:00+00:00"}
    assert violation["fulfilled_at"] == "2016-03-01T12:30:00+00:00"
