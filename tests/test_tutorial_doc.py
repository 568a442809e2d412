"""docs/tutorial-service-desk.md is followed by newcomers step by step: its policies check, its
mapping is the example's, its error message and its reports are what the commands print (the
audits need the real log in ../shared/data, as the page says)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "tutorial-service-desk.md").read_text("utf-8")
POLICIES = re.findall(r"```cxr\n(.*?)```", DOC, flags=re.S)
OUTPUTS = re.findall(r"```text\n(.*?)```", DOC, flags=re.S)
SHARED = ROOT.parent / "shared"
LOG = "../shared/data/helpdesk_italian_software/finale.csv.gz"
MAPPING = "examples/helpdesk_italian_software/cxrules.toml"


def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out as the repository's root: examples/ in it, ../shared beside it."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "examples").symlink_to(ROOT / "examples")
    if SHARED.is_dir():
        (tmp_path / "shared").symlink_to(SHARED)
    monkeypatch.chdir(root)
    return root


needs_log = pytest.mark.skipif(
    not (SHARED / "data" / "helpdesk_italian_software").is_dir(),
    reason=f"the shared data folder {SHARED / 'data'} is absent",
)


@pytest.mark.parametrize("number", range(len(POLICIES)))
def test_policy_blocks_check(number: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, monkeypatch)
    Path("first.cxr").write_text(POLICIES[number], "utf-8")
    result = CliRunner().invoke(main, ["check", "first.cxr"])
    assert (result.exit_code, result.output) == (0, "1 file, 1 policy: ok\n")


def test_mapping_block_is_the_examples() -> None:
    block = re.search(r"```toml\n(.*?)```", DOC, flags=re.S)
    assert block is not None
    example = tomllib.loads((ROOT / MAPPING).read_text("utf-8"))
    assert tomllib.loads(block.group(1)) == {"log": example["log"]}


def test_mistake_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, monkeypatch)
    mistake = 'where resource == "Value 1" within 24h\n'
    Path("first.cxr").write_text(POLICIES[0].replace("within 24h\n", mistake), "utf-8")
    result = CliRunner().invoke(main, ["check", "first.cxr"])
    assert (result.exit_code, result.output) == (2, OUTPUTS[0])


def audit(policy: str, *options: str) -> tuple[int, str]:
    Path("first.cxr").write_text(policy, "utf-8")
    args = ["audit", "--policies", "first.cxr", "--log", LOG, "--mapping", MAPPING, *options]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


@needs_log
@pytest.mark.slow
def test_first_audit_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, monkeypatch)
    assert f"--log {LOG} \\\n    --mapping {MAPPING}\n" in DOC
    assert audit(POLICIES[0]) == (1, OUTPUTS[1])


@needs_log
@pytest.mark.slow
def test_refinements_find_what_the_page_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(tmp_path, monkeypatch)
    code, office_hours = audit(POLICIES[1], "--max-violations", "all")
    assert code == 1
    assert "FAIL: 1,702 violations" in office_hours
    assert "1,702 late or\nmissing pick-ups instead of 2,108: compliance 62.1%" in DOC
    assert " 62.1%  helpdesk.take-in-charge" in office_hours
    said = re.search(r"now says `… (.*?)`", DOC, flags=re.S)
    assert said is not None
    assert " ".join(said.group(1).split()) in " ".join(office_hours.split())
    assert "942\nwithout it, 457 with it. Four tickets are still on Wait" in DOC
    paused = audit(POLICIES[2])[1]
    assert "FAIL: 457 violations" in paused
    assert "4 obligations still open" in paused
    unpaused = audit(POLICIES[2].replace(" paused while waiting", ""))[1]
    assert "FAIL: 942 violations" in unpaused
