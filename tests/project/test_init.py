"""`cxrules init`: the starter project, written without overwriting anything or leaving the
folder, in which check, fmt, explain, audit and test work with no arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules import engines
from cxrules.cli import main
from cxrules.project import FILES, InitError, init_project
from cxrules.project.starter import starter_text

STARTER = [
    "cxrules.toml",
    "README.md",
    "policies/service.cxr",
    "features/service.feature",
    "logs/sample.jsonl",
]


def test_init_writes_the_starter_files(tmp_path: Path) -> None:
    written = init_project(tmp_path / "shop")
    assert [p.relative_to(tmp_path / "shop").as_posix() for p in written] == STARTER
    assert list(FILES) == STARTER
    toml = (tmp_path / "shop" / "cxrules.toml").read_text("utf-8")
    assert f'engine = "{engines.DEFAULT}"' in toml and "@ENGINE@" not in toml
    for name in STARTER:
        assert (tmp_path / "shop" / name).read_text("utf-8") == starter_text(name)


def test_the_settings_comments_stand_in_one_column(tmp_path: Path) -> None:
    # the engine's name replaces a placeholder of another length: its comment stood 2 columns
    # left of the others ('engine = "duckdb"               #')
    init_project(tmp_path)
    lines = (tmp_path / "cxrules.toml").read_text("utf-8").split("\n[log]")[0].splitlines()
    settings = [line for line in lines if "=" in line and not line.startswith("# ")]
    assert len(settings) >= 6
    assert {line.index(" #") + 1 for line in settings} == {34}, settings
    assert f'engine = "{engines.DEFAULT}" ' in (tmp_path / "cxrules.toml").read_text("utf-8")


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "service.cxr").write_text("mine", "utf-8")
    (tmp_path / "README.md").write_text("mine too", "utf-8")
    with pytest.raises(InitError) as caught:
        init_project(tmp_path)
    assert str(caught.value) == (
        f"these files exist already and are left as they are: {tmp_path}/README.md, "
        f"{tmp_path}/policies/service.cxr (choose an empty folder: cxrules init NEW_FOLDER)"
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["README.md", "policies", "service.cxr"]
    assert (tmp_path / "README.md").read_text("utf-8") == "mine too"


def test_init_does_not_follow_a_link_out_of_the_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(elsewhere, project / "logs")
    with pytest.raises(InitError) as caught:
        init_project(project)
    assert str(caught.value) == (
        f"these folders lead outside the project and are not written into: {project}/logs"
    )
    assert list(elsewhere.iterdir()) == [] and sorted(os.listdir(project)) == ["logs"]


def test_init_refuses_a_file_as_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("", "utf-8")
    with pytest.raises(InitError, match="^'.*/taken' exists and is not a folder$"):
        init_project(tmp_path / "taken")


def test_cli_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["init", "shop"])
    assert first.exit_code == 0
    assert first.output == (
        "created shop/cxrules.toml\ncreated shop/README.md\ncreated shop/policies/service.cxr\n"
        "created shop/features/service.feature\ncreated shop/logs/sample.jsonl\n"
        "next: cd shop && cxrules check && cxrules test && cxrules audit (see README.md there)\n"
    )
    again = runner.invoke(main, ["init", "shop"])
    assert again.exit_code == 2
    assert again.output.startswith("cxrules init: these files exist already")
    monkeypatch.chdir(tmp_path / "shop")
    here = runner.invoke(main, ["init"])
    assert here.exit_code == 2 and "(choose an empty folder" in here.output


@pytest.fixture
def starter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    init_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_fmt_and_explain_need_no_arguments(starter: Path) -> None:
    runner = CliRunner()
    check = runner.invoke(main, ["check"])
    assert (check.exit_code, check.output) == (0, "1 file, 3 policies: ok\n")
    fmt = runner.invoke(main, ["fmt", "--check"])
    assert (fmt.exit_code, fmt.output) == (0, "0 of 1 file would be reformatted\n")
    explain = runner.invoke(main, ["explain", "--policy", "calls.answered-in-time"])
    assert (explain.exit_code, explain.output) == (
        0,
        "calls.answered-in-time: Every queued call is answered within the maximum wait\n"
        "  severity high, owner Contact centre (policies/service.cxr:9)\n"
        "  For each call: when a call is queued, it must be answered within 2min, unless it is "
        "abandoned\n  first.\n",
    )


def test_audit_needs_no_arguments(starter: Path) -> None:
    result = CliRunner().invoke(main, ["audit", "--format", "json"])
    # The sample log (README.md): c-04 waited 3m30s (late), "No problem" at 15:41 (forbidden),
    # 12 of 15 calls answered within 20 s = 80%: met, under the 85% warning level.
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["inputs"][0]["path"] == "logs/sample.jsonl"
    assert report["policy_files"] == ["policies/service.cxr"]
    found = sorted((v["policy"], v["kind"], v["scope"], v["start"]) for v in report["violations"])
    assert found == [
        ("calls.answered-in-time", "late", {"call": "c-04"}, "2026-03-02T09:20:00+00:00"),
        (
            "calls.service-level",
            "metric_warning",
            {"day": "2026-03-02"},
            "2026-03-02T00:00:00+00:00",
        ),
        ("shop.wording", "forbidden", {}, "2026-03-02T15:41:00+00:00"),
    ]
    metric = report["policies"][1]["metrics"][0]
    assert (metric["value"], metric["population"], metric["status"]) == (0.8, 15, "warn")


def test_options_override_the_settings(starter: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["audit", "--fail-on", "critical"]).exit_code == 0
    settings = Path("cxrules.toml").read_text("utf-8")
    Path("cxrules.toml").write_text(
        settings.replace('fail_on = "low"', 'fail_on = "critical"')
        .replace('format = "text"', 'format = "json"')
        .replace('# output = "report.txt"', 'output = "report.json"'),
        "utf-8",
    )
    quiet = runner.invoke(main, ["audit"])
    assert (quiet.exit_code, quiet.output) == (0, "report written to report.json\n")
    assert json.loads(Path("report.json").read_text("utf-8"))["schema"] == "cxrules.report/1"
    loud = runner.invoke(main, ["audit", "--fail-on", "high", "--format", "csv", "-o", "-"])
    assert loud.exit_code == 1
    assert loud.output.startswith("id,policy,severity,kind")
    other = runner.invoke(main, ["audit", "--policies", "policies/", "--log", "nowhere.jsonl"])
    assert other.exit_code == 3


def test_the_output_the_settings_suggest_pairs_with_their_format(starter: Path) -> None:
    """The starter's `format = "text"` and its commented `output` agree; an HTML file named on
    the command line gets the HTML report (the command line beats the settings), and the
    settings' own output naming another format than theirs is refused with the fix."""
    runner = CliRunner()
    settings = Path("cxrules.toml").read_text("utf-8")
    Path("cxrules.toml").write_text(settings.replace("# output =", "output ="), "utf-8")
    paired = runner.invoke(main, ["audit"])
    assert paired.output == "report written to report.txt\n"
    assert Path("report.txt").read_text("utf-8").startswith("FAIL: ")
    html = runner.invoke(main, ["audit", "-o", "report.html"])
    assert html.output == "report written to report.html\n"
    assert Path("report.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    told = runner.invoke(main, ["audit", "-o", "report.json", "--format", "html"])
    assert told.exit_code == 2
    assert "-o report.json names a JSON file but the report format is html (--format)" in (
        told.output
    )
    both = settings.replace("# output =", "output =").replace("report.txt", "week.html")
    Path("cxrules.toml").write_text(both, "utf-8")
    clash = runner.invoke(main, ["audit"])
    assert clash.exit_code == 2
    assert clash.output.endswith(
        "Error: the output week.html (cxrules.toml) names an HTML file but the report format is "
        "text (format in cxrules.toml)\n"
        '  = hint: add --format html (or set format = "html" in cxrules.toml), or name the file '
        "week.txt\n"
    )
    assert not Path("week.html").exists()
    Path("cxrules.toml").write_text(settings, "utf-8")
    for kept in ("cxrules.toml", "features/service.feature"):
        before = Path(kept).read_bytes()
        onto = runner.invoke(main, ["audit", "-o", kept])
        assert onto.exit_code == 2
        assert f"-o {kept} would replace a " in onto.output
        assert Path(kept).read_bytes() == before


def test_a_report_named_as_a_spreadsheet_or_a_document_is_refused(starter: Path) -> None:
    # `cxrules audit -o report.xlsx` wrote the text report into report.xlsx (exit 1), which
    # Excel refuses to open: the extension named no format cxrules knows, so the settings'
    # text was written under it (hunt69 finding-14)
    runner = CliRunner()
    for name, what in (("report.xlsx", "an Excel workbook"), ("week.PDF", "a PDF document")):
        refused = runner.invoke(main, ["audit", "-o", name])
        assert refused.exit_code == 2
        assert refused.output.endswith(
            f"Error: -o {name} names {what}, which cxrules does not write\n"
            "  = hint: for a spreadsheet name it .csv (Excel opens it), for a page .html, for "
            "a document .md\n"
        )
        assert not Path(name).exists()
    written = runner.invoke(main, ["audit", "-o", "report.csv"])
    assert written.output == "report written to report.csv\n"


def test_audit_without_settings_or_options_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    audit = runner.invoke(main, ["audit"])
    assert audit.exit_code == 2
    assert audit.output.endswith(
        "Error: no policies given: pass --policies PATH or set 'policies' in cxrules.toml\n"
    )
    check = runner.invoke(main, ["check"])
    assert check.exit_code == 2
    assert check.output.endswith(
        "Error: no policy files given: name them (e.g. policies/) or set 'policies' in "
        "cxrules.toml (cxrules init makes a project)\n"
    )
    Path("cxrules.toml").write_text('policies = ["p"]\n', "utf-8")
    nolog = runner.invoke(main, ["audit"])
    assert nolog.output.endswith(
        "Error: no log given: pass --log FILE or set 'logs' in cxrules.toml\n"
    )


def test_invalid_settings_stop_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cxrules.toml").write_text('polices = ["p"]\n', "utf-8")
    for command in (["check"], ["explain"], ["audit"], ["test"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, command
        assert result.output.startswith(
            "cxrules.toml:1:1: error[E412]: unknown key 'polices' in cxrules.toml\n"
        ), command


def cli(
    args: list[str], cwd: Path, block: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The command line in a fresh interpreter, with the modules in `block` made unimportable."""
    code = (
        "import sys\n"
        f"for name in {block!r}: sys.modules[name] = None\n"
        "from cxrules.cli import run\n"
        f"sys.argv = ['cxrules', *{args!r}]\n"
        "run()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_cxrules_test_runs_the_starter_features(starter: Path) -> None:
    done = cli(["test"], starter)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "features/service.feature ......." in done.stdout
    assert "7 passed" in done.stdout


def test_without_pytest_the_cli_works(starter: Path) -> None:
    blocked = ("pytest", "_pytest", "pytest_bdd")
    check = cli(["check"], starter, blocked)
    assert (check.returncode, check.stdout) == (0, "1 file, 3 policies: ok\n")
    audit = cli(["audit", "--format", "json", "-o", "r.json"], starter, blocked)
    assert (audit.returncode, audit.stderr) == (1, "report written to r.json\n")


@pytest.mark.parametrize(
    ("module", "package"), [("pytest", "pytest"), ("pytest_bdd", "pytest-bdd")]
)
def test_cxrules_test_says_how_to_install_what_is_missing(
    starter: Path, monkeypatch: pytest.MonkeyPatch, module: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # find_spec: not installed
    result = CliRunner().invoke(main, ["test"])
    assert (result.exit_code, result.output) == (
        2,
        f"cxrules test: running Gherkin specifications needs {package}, which is not "
        "installed; install it with: pip install 'cxrules[bdd]'\n",
    )
