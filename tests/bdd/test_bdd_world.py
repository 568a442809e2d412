"""Tests of a scenario's world: loading policies from files, by id, or written inline."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules.bdd.tables import SpecError
from cxrules.bdd.world import PolicySpec, World, compile_spec, select

REPO = Path(__file__).resolve().parents[2]

INLINE = """use "policies/common.cxr"

policy calls.quick "Calls answered within the shared maximum wait"
  per call
  when call.queued
  expect call.answered within max_wait
"""


def test_inline_policies_use_shared_files_relative_to_the_root() -> None:
    spec = PolicySpec(text=INLINE, name="features/x.feature (policy of line 3)")
    policy_set = compile_spec(spec, {"max_wait": "1min"}, REPO)
    assert [p.id for p in policy_set.policies] == ["calls.quick"]
    rule = policy_set.policies[0].rule
    assert rule.kind == "response" and rule.window.max is not None
    assert rule.window.max.seconds == 60.0


def test_one_policy_is_chosen_by_id_and_a_typo_gets_a_suggestion() -> None:
    whole = compile_spec(PolicySpec(paths=("policies/octopus.cxr",)), {}, REPO)
    assert [p.id for p in whole.policies] == [
        "octopus.always-connected",
        "octopus.battery",
        "octopus.handoff",
    ]
    chosen = select(whole, PolicySpec(paths=("policies/octopus.cxr",), only="octopus.handoff"))
    assert [p.id for p in chosen.policies] == ["octopus.handoff"]
    with pytest.raises(
        SpecError,
        match=(
            r"^there is no policy 'octopus.handof' in policies/octopus.cxr \(did you mean "
            r"'octopus.handoff'\?\); it has octopus.always-connected, octopus.battery, "
            "octopus.handoff$"
        ),
    ):
        select(whole, PolicySpec(paths=("policies/octopus.cxr",), only="octopus.handof"))


def test_policy_errors_are_shown_as_diagnostics() -> None:
    spec = PolicySpec(text='policy p "t"\n  severity hgh\n  forbid x\n', name="inline")
    with pytest.raises(SpecError) as failure:
        compile_spec(spec, {}, REPO)
    message = str(failure.value)
    assert message.startswith("the policies of inline have errors:\n")
    assert "did you mean 'high'?" in message


def test_a_used_file_outside_the_project_is_refused(tmp_path: Path) -> None:
    spec = PolicySpec(text='use "../common.cxr"\n\npolicy p "t"\n  forbid x\n', name="inline")
    with pytest.raises(SpecError, match="E219"):
        compile_spec(spec, {}, tmp_path)


def test_a_feature_path_leaving_the_project_is_not_called_a_link(tmp_path: Path) -> None:
    """`Given the policy "p" from "../shared/p.cxr"` was refused as "'…/proj/../shared/p.cxr'
    is a link to '…/shared/p.cxr'", though no link was there (hunt34 finding-5)."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "p.cxr").write_text('policy p "t"\n  forbid x\n', "utf-8")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "link.cxr").symlink_to(tmp_path / "shared" / "p.cxr")
    root = tmp_path / "proj"
    with pytest.raises(SpecError) as failure:
        compile_spec(PolicySpec(paths=("../shared/p.cxr",), name="shared"), {}, root)
    assert str(failure.value).splitlines()[1] == (
        f"error[E219]: '{root}/../shared/p.cxr' is outside the project folder ({root})"
    )
    with pytest.raises(SpecError) as failure:
        compile_spec(PolicySpec(paths=("link.cxr",), name="linked"), {}, root)
    assert str(failure.value).splitlines()[1] == (
        f"error[E219]: '{root}/link.cxr' is a link to '{tmp_path}/shared/p.cxr', outside the "
        "project folder"
    )


def test_missing_policy_folder(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no policy file or folder at"):
        compile_spec(PolicySpec(paths=("nowhere",)), {}, tmp_path)


def test_the_world_compiles_once_per_spec_and_overrides() -> None:
    cache: dict = {}
    world = World(root=REPO, cache=cache)
    with pytest.raises(SpecError, match="the scenario names no policies"):
        world.policy_set()
    world.spec = PolicySpec(paths=("policies/",), only="kpi.ces")
    assert [p.id for p in world.policy_set().policies] == ["kpi.ces"]
    world.spec = PolicySpec(paths=("policies/",), only="kpi.csat")
    assert [p.id for p in world.policy_set().policies] == ["kpi.csat"]
    assert len(cache) == 1
    world.overrides["max_wait"] = "3min"
    world.policy_set()
    assert len(cache) == 2


def test_the_zone_comes_before_times() -> None:
    world = World(root=REPO, cache={})
    world.set_zone("Europe/Istanbul")
    world.base = world.clock.instant("2026-03-02T10:00:00")
    with pytest.raises(SpecError, match="set the log zone before the time and the events"):
        world.set_zone("UTC")
