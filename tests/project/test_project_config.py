"""A project's settings: cxrules.toml or [tool.cxrules] in pyproject.toml, the same keys, every
problem an E412 diagnostic that points at the line (wording asserted verbatim)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules import engines
from cxrules.diagnostics import render_text
from cxrules.logs.mapping import load_mapping
from cxrules.project import ProjectConfig, ProjectError, find_project


def problems(folder: Path) -> str:
    with pytest.raises(ProjectError) as caught:
        find_project(folder)
    return render_text(caught.value.diagnostics)


def test_no_settings_is_an_empty_project(tmp_path: Path) -> None:
    project = find_project(tmp_path)
    assert (project.root, project.file, project.config) == (tmp_path, None, ProjectConfig())


def test_every_key_of_cxrules_toml(tmp_path: Path) -> None:
    (tmp_path / "cxrules.toml").write_text(
        'policies = ["policies", "shared/common.cxr"]\nlogs = "logs/week.csv"\n'
        'features = ["specs"]\nmapping = "maps/helpdesk.toml"\nfail_on = "high"\n'
        'engine = "python"\nformat = "junit"\noutput = "audit.xml"\n',
        "utf-8",
    )
    project = find_project(tmp_path)
    assert project.file == tmp_path / "cxrules.toml"
    assert project.config.model_dump() == {
        "policies": ["policies", "shared/common.cxr"],
        "logs": ["logs/week.csv"],
        "features": ["specs"],
        "mapping": "maps/helpdesk.toml",
        "log": None,
        "fail_on": "high",
        "engine": "python",
        "format": "junit",
        "output": "audit.xml",
    }


@pytest.mark.parametrize("written", ["md", "MD", "markdown"])
def test_format_md_in_the_settings_is_markdown(tmp_path: Path, written: str) -> None:
    """`--format md` and `-o report.md` say markdown; `format = "md"` in the settings was
    refused as not one of the formats."""
    (tmp_path / "cxrules.toml").write_text(f'format = "{written}"\n', "utf-8")
    assert find_project(tmp_path).config.format == "markdown"


def test_pyproject_takes_the_same_keys_under_tool_cxrules(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cxrules]\npolicies = ["rules"]\nfail_on = "medium"\n\n'
        '[tool.cxrules.log]\nzone = "Europe/Rome"\n',
        "utf-8",
    )
    project = find_project(tmp_path)
    assert project.file == tmp_path / "pyproject.toml"
    assert (project.config.policies, project.config.fail_on) == (["rules"], "medium")
    assert project.config.log == {"zone": "Europe/Rome"}
    # the mapping reader finds the same table, as before
    assert load_mapping(None, tmp_path).zone == "Europe/Rome"


def test_a_pyproject_without_tool_cxrules_is_no_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert find_project(tmp_path).file is None


def test_cxrules_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cxrules]\npolicies = ["a"]\n', "utf-8")
    (tmp_path / "cxrules.toml").write_text('policies = ["b"]\n', "utf-8")
    assert find_project(tmp_path).config.policies == ["b"]


def test_the_log_table_is_still_the_mapping(tmp_path: Path) -> None:
    (tmp_path / "cxrules.toml").write_text(
        'policies = ["p"]\n\n[log]\nformat = "csv"\nzone = "Asia/Jerusalem"\n', "utf-8"
    )
    assert find_project(tmp_path).config.log == {"format": "csv", "zone": "Asia/Jerusalem"}
    mapping = load_mapping(None, tmp_path)
    assert (mapping.format, mapping.zone) == ("csv", "Asia/Jerusalem")


def test_unknown_keys_and_bad_values_point_at_their_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cxrules.toml").write_text(
        'polices = ["policies"]\nfail_on = "hgh"\nzone = "UTC"\nformat = "htm"\n'
        "logs = 3\nwhatever = 1\n",
        "utf-8",
    )
    assert problems(Path(".")) == "\n".join(
        [
            "cxrules.toml:1:1: error[E412]: unknown key 'polices' in cxrules.toml",
            "   |",
            ' 1 | polices = ["policies"]',
            "   | ^^^^^^^ did you mean 'policies'?",
            "cxrules.toml:2:1: error[E412]: fail_on = 'hgh': Input should be 'info', 'low', "
            "'medium', 'high' or 'critical'",
            "   |",
            ' 2 | fail_on = "hgh"',
            "   | ^^^^^^^ did you mean 'high'?",
            "cxrules.toml:3:1: error[E412]: unknown key 'zone' in cxrules.toml",
            "   |",
            ' 3 | zone = "UTC"',
            "   | ^^^^ 'zone' is a log mapping key: put it under [log]",
            "cxrules.toml:4:1: error[E412]: format = 'htm': Input should be 'text', 'json', "
            "'junit', 'markdown', 'csv' or 'html'",
            "   |",
            ' 4 | format = "htm"',
            "   | ^^^^^^ did you mean 'html'?",
            "cxrules.toml:5:1: error[E412]: logs = 3: Input should be a valid list",
            "   |",
            " 5 | logs = 3",
            "   | ^^^^",
            "cxrules.toml:6:1: error[E412]: unknown key 'whatever' in cxrules.toml",
            "   |",
            " 6 | whatever = 1",
            "   | ^^^^^^^^ the keys are engine, fail_on, features, format, log, logs, "
            "mapping, output, policies",
            "6 errors, 0 warnings",
        ]
    )


def test_a_setting_written_in_capitals_is_named_in_lower_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 'format = "HTML"' and 'engine = "duckDB"' got no "did you mean": difflib counts 'HTML'
    # and 'html' as having no letter in common (hunt69 finding-10)
    monkeypatch.chdir(tmp_path)
    Path("cxrules.toml").write_text('format = "HTML"\nfail_on = "High"\n', "utf-8")
    hints = [line for line in problems(Path(".")).splitlines() if "did you mean" in line]
    assert hints == [
        "   | ^^^^^^ did you mean 'html'? (written in lower case)",
        "   | ^^^^^^^ did you mean 'high'? (written in lower case)",
    ]
    Path("cxrules.toml").write_text('engine = "duckDB"\n', "utf-8")
    assert (
        problems(Path("."))
        .splitlines()[0]
        .endswith("; did you mean 'duckdb'? (written in lower case)")
    )


def test_problems_in_pyproject_name_the_tool_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text(
        '[project]\nengine = "not ours"\n\n[tool.cxrules]\nengin = "python"\n', "utf-8"
    )
    assert problems(Path(".")) == (
        "pyproject.toml:5:1: error[E412]: unknown key 'tool.cxrules.engin' in pyproject.toml\n"
        "   |\n"
        ' 5 | engin = "python"\n'
        "   | ^^^^^ did you mean 'engine'?\n"
        "1 error, 0 warnings"
    )


def test_unknown_engine_mapping_twice_and_bad_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cxrules.toml").write_text('engine = "pyton"\n', "utf-8")
    assert problems(Path(".")).splitlines()[0] == (
        "cxrules.toml:1:1: error[E412]: engine = 'pyton': unknown engine 'pyton' (choose one of "
        f"{', '.join(engines.names())}); did you mean 'python'?"
    )
    Path("cxrules.toml").write_text('mapping = "m.toml"\n\n[log]\nzone = "UTC"\n', "utf-8")
    assert problems(Path(".")) == (
        "error[E412]: give either 'mapping' (a file) or a [log] table, not both\n"
        "1 error, 0 warnings"
    )
    Path("cxrules.toml").write_text('policies = ["a"\nlogs = []\n', "utf-8")
    assert problems(Path(".")).splitlines()[0] == (
        "cxrules.toml:2:1: error[E412]: 'cxrules.toml' is not valid TOML: Unclosed array "
        "(at line 2, column 1)"
    )
    Path("cxrules.toml").write_text('[log]\nzone = "Europe/Istanbul"\n[müşteri]\n', "utf-8")
    assert problems(Path(".")).splitlines()[-2] == (
        # the caret under 'ş' (column 3), where TOML gave up: line 3's gutter, a space, '[m'
        "   |   ^ a TOML key with letters outside A-Z, a-z, 0-9, _ and - is written in quotes: "
        '["müşteri"]'
    )


def test_an_empty_path_in_the_settings_is_said_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hunt20 finding-3: `output = ""` stopped `cxrules audit` with 'internal error:
    ValueError: PosixPath('.') has an empty name' once the audit had run; `policies = [""]`
    read every policy file under the current folder."""
    monkeypatch.chdir(tmp_path)
    Path("cxrules.toml").write_text('policies = ["rules", ""]\noutput = " "\n', "utf-8")
    assert problems(Path(".")) == "\n".join(
        [
            "cxrules.toml:1:1: error[E412]: policies = ['rules', '']: an empty path; name a "
            "file or folder, or leave the key out",
            "   |",
            ' 1 | policies = ["rules", ""]',
            "   | ^^^^^^^^",
            "cxrules.toml:2:1: error[E412]: output = ' ': an empty path; name a file or "
            "folder, or leave the key out",
            "   |",
            ' 2 | output = " "',
            "   | ^^^^^^",
            "2 errors, 0 warnings",
        ]
    )


def test_an_option_replaces_a_setting_that_leads_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E412's hint says to give --mapping (-o) on the command line for a file outside the
    project, and doing so stopped on the same E412: the option replaces the setting, which is
    then neither used nor checked; the other setting still is (hunt39)."""
    from click.testing import CliRunner

    from cxrules.cli import main
    from cxrules.project import init_project

    init_project(tmp_path / "shop")
    monkeypatch.chdir(tmp_path / "shop")
    settings = Path("cxrules.toml").read_text("utf-8")
    log_table = settings[settings.index("[log]") :]
    Path("../m.toml").write_text(log_table, "utf-8")
    outside = settings.replace(log_table, 'mapping = "../m.toml"\n')
    outside = outside.replace('# output = "report.txt"', 'output = "../report.txt"')
    Path("cxrules.toml").write_text(outside, "utf-8")
    runner = CliRunner()
    plain = runner.invoke(main, ["audit"])
    assert plain.exit_code == 2
    assert plain.output.count("leads outside the project folder") == 2
    mapped = runner.invoke(main, ["audit", "--mapping", "../m.toml"])
    assert mapped.exit_code == 2
    assert "error[E412]: output = '../report.txt' leads outside" in mapped.output
    assert "mapping = " not in mapped.output
    both = runner.invoke(main, ["audit", "--mapping", "../m.toml", "-o", "-", "--format", "csv"])
    # the starter's sample log: one late call and one forbidden wording (test_init.py)
    assert both.exit_code == 1, both.output
    assert both.output.startswith("id,policy,severity,kind")
    assert not Path("../report.txt").exists()
    assert find_project(Path("."), ["mapping", "output"]).config.mapping == "../m.toml"


def test_settings_write_and_map_only_inside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cloned project's `output = "../../.bashrc"` made a plain `cxrules audit` write its
    report over that file, and `mapping` read any file as the mapping: paths the settings choose
    stay in the project, through a link too; -o and --mapping may lead anywhere (hunt34
    finding-4)."""
    project = tmp_path / "shop"
    (project / "reports").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (project / "out").symlink_to(tmp_path / "elsewhere")
    monkeypatch.chdir(project)
    Path("cxrules.toml").write_text('output = "../.bashrc"\nmapping = "out/m.toml"\n', "utf-8")
    assert problems(Path(".")) == "\n".join(
        [
            "cxrules.toml:1:1: error[E412]: output = '../.bashrc' leads outside the project folder",
            "   |",
            ' 1 | output = "../.bashrc"',
            "   | ^^^^^^ name a file inside it, or give -o ../.bashrc on the command line",
            "cxrules.toml:2:1: error[E412]: mapping = 'out/m.toml' leads outside the project "
            "folder",
            "   |",
            ' 2 | mapping = "out/m.toml"',
            "   | ^^^^^^^ name a file inside it, or give --mapping out/m.toml on the command line",
            "2 errors, 0 warnings",
        ]
    )
    outside = str(tmp_path / "report.html")
    Path("cxrules.toml").unlink()
    Path("pyproject.toml").write_text(f'[tool.cxrules]\noutput = "{outside}"\n', "utf-8")
    assert problems(Path(".")).splitlines()[0] == (
        f"pyproject.toml:2:1: error[E412]: tool.cxrules.output = '{outside}' leads outside the "
        "project folder"
    )
    inside = str(project / "reports" / "audit.html")
    Path("pyproject.toml").write_text(
        f'[tool.cxrules]\noutput = "{inside}"\nmapping = "reports/../m.toml"\n', "utf-8"
    )
    assert find_project(Path(".")).config.output == inside
