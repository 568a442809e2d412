"""W402 for `type` read as an attribute: the hint says where an event's type is matched."""

from __future__ import annotations

from pathlib import Path

from cxrules.findings.unseen import unseen
from cxrules.logs.profile import LogProfile
from cxrules.policyset import load_policies

POLICY = """\
policy calls.after-abandon "No answer straight after a hang-up"
  owner "CX"
  description "The previous event's type is read as an attribute."
  per call
  forbid call.answered where previous.type == "call.abandoned"
"""


def test_type_read_as_an_attribute_gets_the_pattern_as_its_hint(tmp_path: Path) -> None:
    path = tmp_path / "p.cxr"
    path.write_text(POLICY, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None
    profile = LogProfile()
    profile.add("call.answered", {"call": "c1"})
    [found] = unseen(loaded.policy_set, profile)
    assert (found.code, found.message) == (
        "W402",
        "policy calls.after-abandon reads attribute 'type', which no event in the log has",
    )
    assert found.hint.startswith("an event's type is not one of its attributes")
