"""Gherkin stage: the pytest plugin entry point (steps are registered by cxrules.bdd.steps).

Besides the steps, the plugin collects `.feature` files itself: a feature whose steps load
cxrules policies (`Given the policy …`, `Given the policies in …`, `Given the project policies`)
is a test module of its own, one test per scenario and engine, so that a team's specifications
run under plain `pytest` with no Python file. A scenario that a Python module also binds (with
pytest-bdd's `scenarios()`) runs once, from that module.
"""

from __future__ import annotations

import inspect
import os
import re
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxrules import engines
from cxrules.bdd.coverage import Coverage
from cxrules.bdd.world import Cache, PolicySpec, World, compile_spec

try:
    import pytest_bdd  # noqa: F401 - only to know whether the [bdd] extra is installed
except ImportError:
    #: cxrules without its [bdd] extra in an environment that has pytest: the plugin stays out
    #: of the way of that project's own tests (no steps, no feature files collected).
    HAVE_BDD = False
    pytest_plugins: list[str] = []
else:
    HAVE_BDD = True
    #: The step definitions are fixtures of their own module, registered as a plugin with this.
    pytest_plugins = ["cxrules.bdd.steps"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cxrules", "cxrules policy specifications")
    group.addoption(
        "--cxrules-policies",
        action="append",
        default=None,
        metavar="PATH",
        help="policy file or folder for 'Given the project policies' (repeatable; default "
        "policies)",
    )
    group.addoption(
        "--cxrules-engine",
        action="append",
        default=None,
        metavar="NAME",
        help="run every scenario on this engine (repeatable; 'all': every registered engine, "
        "the default)",
    )
    group.addoption(
        "--cxrules-root",
        default=None,
        metavar="DIR",
        help="project root: policy paths in scenarios are relative to it (default: the folder "
        "pytest runs in when it holds a cxrules project, else rootdir)",
    )
    group.addoption(
        "--cxrules-coverage",
        action="store_true",
        default=False,
        help="after the run, tell which of the project's policies the scenarios audit, breach "
        "and keep",
    )
    group.addoption(
        "--cxrules-all-features",
        action="store_true",
        default=False,
        help="collect every .feature file, not only those whose steps load cxrules policies",
    )


def _project_root(config: pytest.Config) -> Path | None:
    """The folder pytest runs in, when it is a cxrules project (cxrules.toml or [tool.cxrules])."""
    from cxrules.project import ProjectError, find_project

    here = Path(config.invocation_params.dir)
    try:
        project = find_project(here)
    except ProjectError as exc:
        raise pytest.UsageError(f"invalid cxrules project settings: {exc}") from None
    return here.resolve() if project.file is not None else None


def _root(config: pytest.Config) -> Path:
    given = config.getoption("--cxrules-root", default=None)
    if given:
        return Path(given).resolve()
    return _project_root(config) or Path(config.rootpath).resolve()


def _default_policies(config: pytest.Config) -> list[str]:
    """What 'Given the project policies' loads: --cxrules-policies, else the project's
    `policies`, else policies/."""
    given = config.getoption("--cxrules-policies", default=None)
    if given:
        return list(given)
    from cxrules.project import find_project

    root = _project_root(config)
    policies = find_project(root).config.policies if root is not None else []
    return policies or ["policies"]


#: How feature files are read: UTF-8, with or without the byte order mark Windows editors write
#: (plain "utf-8" kept the mark, and Gherkin then found no 'Feature:' line).
ENCODING = "utf-8-sig"

#: A step that loads cxrules policies: what makes a .feature file ours to collect.
_OURS = re.compile(
    r"^\s*(?:Given|And|But|When|Then|\*)\s+the\s+(?:project\s+policies|policies\s+in|policy)\b",
    re.MULTILINE,
)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A `.feature` file whose steps load cxrules policies becomes a test module (see above)."""
    if file_path.suffix != ".feature" or not HAVE_BDD:
        return None
    if not parent.config.getoption("--cxrules-all-features", default=False):
        try:
            text = file_path.read_text(ENCODING)
        except (OSError, UnicodeDecodeError):
            return None
        if not _OURS.search(text):
            return None
    feature_file: FeatureFile = FeatureFile.from_parent(parent, path=file_path)
    return feature_file


class FeatureFile(pytest.Module):
    """A Gherkin feature file collected as a module: one test function per scenario, bound by
    pytest-bdd, named after the scenario (`test_<scenario name>`), parametrized per engine."""

    def _getobj(self) -> types.ModuleType:
        from pytest_bdd import scenario
        from pytest_bdd.feature import get_feature

        path = str(self.path)
        folder = os.path.dirname(path)
        module = types.ModuleType(f"cxrules_feature_{_slug(self.path.stem)}")
        module.__file__ = path
        self._scenario_names: set[str] = set()
        text = _feature_text(self.path, _shown(path, self.config))
        if _holds_no_feature(text):
            return module  # empty, or only comments: no scenario (pytest-bdd raised KeyError)
        from cxrules.bdd.mistakes import steps_read_as_text, unknown_placeholders

        lost = steps_read_as_text(_shown(path, self.config), text, _is_our_step)
        if lost:  # before pytest-bdd, whose 'First step … must start with Given' says less
            raise FeatureSyntaxError(lost)
        try:
            feature = get_feature(folder, os.path.basename(path), encoding=ENCODING)
        except Exception as exc:
            from pytest_bdd.exceptions import GherkinParseError

            if not isinstance(exc, GherkinParseError):
                raise
            raise FeatureSyntaxError(self._syntax_errors(exc)) from None
        unfilled = unknown_placeholders(_shown(path, self.config), text)
        if unfilled:  # '<wait>' would have failed as a time, a policy id or an unknown step
            raise FeatureSyntaxError(unfilled)
        _register_tags(self.config, feature)
        for title in feature.scenarios:
            name = _unique(f"test_{_slug(title)}", self._scenario_names)
            self._scenario_names.add(name)
            test = scenario(path, title, encoding=ENCODING, features_base_dir=folder)(_nothing)
            test.__name__ = name
            setattr(module, name, test)
        return module

    def _syntax_errors(self, exc: Exception) -> str:
        """pytest-bdd's GherkinParseError as diagnostics: each of the parser's errors with
        its position, in words, with the line and a caret."""
        from cxrules.bdd.mistakes import syntax_errors

        cause = exc.__cause__
        messages = [str(e) for e in getattr(cause, "errors", [])] or [str(exc)]
        text = self.path.read_text(ENCODING)
        return syntax_errors(_shown(str(self.path), self.config), text, messages)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        """A feature file's syntax error is its message alone, not a traceback."""
        if isinstance(excinfo.value, FeatureSyntaxError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def istestfunction(self, obj: object, name: str) -> bool:
        """Our scenario functions are tests whatever `python_functions` says."""
        return name in getattr(self, "_scenario_names", set())


def _register_tags(config: pytest.Config, feature: Any) -> None:
    """A Gherkin tag (`@octopus`) becomes a pytest mark (`-m octopus`): registered, so that
    pytest neither warns of an unknown mark nor, with --strict-markers, refuses it."""
    tags = set(feature.tags)
    for template in feature.scenarios.values():
        tags |= set(template.tags) | set(getattr(template.rule, "tags", ()) or ())
        for examples in getattr(template, "examples", None) or ():
            tags |= set(getattr(examples, "tags", ()) or ())
    known = {line.split(":")[0].split("(")[0].strip() for line in config.getini("markers")}
    for tag in sorted(tags - known):
        config.addinivalue_line("markers", f"{tag}: a Gherkin tag")


def _our_kinds(text: str) -> list[str]:
    """The kinds (given, when, then) of the steps cxrules offers that match `text`."""
    from pytest_bdd.steps import step_function_context_registry

    return sorted(
        {
            str(c.type)
            for c in step_function_context_registry.values()
            if c.step_func.__module__ == "cxrules.bdd.steps" and c.parser.is_matching(text)
        }
    )


def _is_our_step(text: str) -> bool:
    """Whether `text` (a step without its keyword) is one of the steps cxrules offers."""
    from pytest_bdd.steps import step_function_context_registry

    return any(
        c.step_func.__module__ == "cxrules.bdd.steps" and c.parser.is_matching(text)
        for c in step_function_context_registry.values()
    )


def _feature_text(path: Path, shown: str) -> str:
    """A feature file's text (UTF-8, a byte order mark at its start allowed, as editors on
    Windows write it); a file that is not UTF-8 is an error at the first byte that is not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FeatureSyntaxError(f"{shown}: error: cannot read it: {exc.strerror}") from None
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        before = data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start]
        column = len(before.decode("utf-8", "replace")) + 1
        raise FeatureSyntaxError(
            f"{shown}:{line}:{column}: error: the feature file is not UTF-8 text "
            f"(byte 0x{data[exc.start]:02x})\n  = hint: save it as UTF-8"
        ) from None


def _holds_no_feature(text: str) -> bool:
    """Whether a feature file's text parses as Gherkin with no `Feature:` in it (an empty file,
    or one of comments): a file with no scenario, not an error."""
    from gherkin.errors import CompositeParserException  # type: ignore[import-untyped]
    from gherkin.parser import Parser  # type: ignore[import-untyped]

    try:
        document = Parser().parse(text)
    except CompositeParserException:
        return False  # said by pytest-bdd's own parsing, below
    return "feature" not in document


class FeatureSyntaxError(Exception):
    """A feature file that Gherkin cannot parse; the message says where and why."""


def _shown(path: str, config: pytest.Config) -> str:
    """A path as the user knows it: relative to where pytest runs, unless it is outside."""
    relative = os.path.relpath(path, config.invocation_params.dir)
    return path if relative.startswith("..") else Path(relative).as_posix()


def _nothing() -> None:
    """The body of a scenario bound from a feature file: its steps do the work."""


def _slug(text: str) -> str:
    """A Python name made of a scenario title: 'A call, late!' → 'a_call_late'."""
    return re.sub(r"\W+", "_", text.lower()).strip("_") or "scenario"


def _unique(name: str, taken: set[str]) -> str:
    n, candidate = 1, name
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A scenario bound both by a Python module and by its collected feature file runs once:
    from the module, as its author asked."""
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry as registry
    except ImportError:  # pragma: no cover - pytest-bdd renamed its registry
        return

    def key(item: pytest.Item) -> tuple[str, str, str] | None:
        try:
            template = registry.get(getattr(item, "obj", None))  # type: ignore[arg-type]
        except TypeError:  # not a function (a doctest, a class item)
            return None
        if template is None:
            return None
        callspec = getattr(item, "callspec", None)
        params = repr(sorted(callspec.params.items())) if callspec is not None else ""
        return (os.path.realpath(template.feature.filename), template.name, params)

    bound = {k for item in items if not isinstance(item.parent, FeatureFile) if (k := key(item))}
    dropped = [
        item for item in items if isinstance(item.parent, FeatureFile) and key(item) in bound
    ]
    if dropped:
        items[:] = [item for item in items if item not in dropped]
        config.hook.pytest_deselected(items=dropped)


def chosen_engines(config: pytest.Config) -> list[str]:
    """The engines scenarios (and the suite's engine tests) run on: --cxrules-engine
    (repeatable), default every installed one."""
    given = config.getoption("--cxrules-engine", default=None) or ["all"]
    names: list[str] = []
    for name in given:
        for one in engines.available() if name == "all" else [name]:
            if one not in engines.REGISTRY:
                raise pytest.UsageError(
                    f"--cxrules-engine {one}: no such engine; choose among "
                    f"{', '.join(engines.names())} or all"
                )
            if one not in names:
                names.append(one)
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every Gherkin scenario runs once per chosen engine; its test id names the engine."""
    if "_pytest_bdd_example" not in metafunc.fixturenames:
        return
    metafunc.fixturenames.append("cxrules_engine")
    metafunc.parametrize("cxrules_engine", chosen_engines(metafunc.config))


@pytest.fixture
def cxrules_engine() -> str:
    """The engine of a scenario (parametrized per scenario by `pytest_generate_tests`)."""
    return engines.DEFAULT


@pytest.fixture(scope="session")
def cxrules_cache() -> Cache:
    """Compiled policy sets shared by every scenario of the run."""
    return {}


@pytest.fixture
def cxrules_world(
    request: pytest.FixtureRequest, cxrules_cache: Cache, cxrules_engine: str
) -> Iterator[World]:
    """The state of one scenario, built up by its steps; its audit counted in the coverage
    (`--cxrules-coverage`) once, on the first engine of the run."""
    config = request.config
    paths = _default_policies(config)
    world = World(
        root=_root(config),
        cache=cxrules_cache,
        default_paths=tuple(paths),
        engine=cxrules_engine,
    )
    yield world
    coverage = config.stash.get(_COVERAGE, None)
    from_files = world.spec is not None and world.spec.text is None
    first = cxrules_engine == chosen_engines(config)[0]
    if coverage is not None and world.result is not None and from_files and first:
        coverage.record(request.node.nodeid, world.result)


#: The coverage of the run, when --cxrules-coverage asks for it.
_COVERAGE = pytest.StashKey[Coverage]()


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--cxrules-coverage", default=False):
        config.stash[_COVERAGE] = Coverage()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The coverage of the project's policies by the scenarios that ran."""
    coverage = config.stash.get(_COVERAGE, None)
    if coverage is None:
        return
    from cxrules.bdd.tables import SpecError

    paths = _default_policies(config)
    where = ", ".join(paths)
    try:
        policy_set = compile_spec(PolicySpec(paths=tuple(paths), named=True), {}, _root(config))
    except SpecError as exc:  # its first line ends in ':' when the diagnostics follow
        lines = str(exc).splitlines()
        error = next((line for line in lines if "error[" in line), None)
        why = f"{lines[0].rstrip(':')}: {error}" if error else lines[0]
        terminalreporter.write_line(f"cxrules coverage of {where}: not measured: {why}")
        return
    terminalreporter.write_sep("-", "cxrules coverage")
    for line in coverage.lines([p.id for p in policy_set.policies], where):
        terminalreporter.write_line(line)


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    """A step no definition matches, in a feature file collected here: its file and line and
    the nearest step cxrules offers, not pytest-bdd's exception."""
    if not isinstance(request.node.parent, FeatureFile):
        return
    from cxrules.bdd.mistakes import unknown_step

    where = f"{_shown(feature.filename, request.config)}:{step.line_number}"
    kinds = _our_kinds(step.name)
    pytest.fail(unknown_step(where, step.keyword, step.type, step.name, kinds), pytrace=False)


@pytest.hookimpl(optionalhook=True)  # a pytest-bdd hook: unknown without the [bdd] extra
def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    """Tell the scenario's world which step runs (tables need their lines) and in which file."""
    if "cxrules_world" not in inspect.signature(step_func).parameters:
        return
    world: World = request.getfixturevalue("cxrules_world")
    world.step = step
    filename = getattr(feature, "filename", "")
    if filename and not world.file:
        path = os.path.relpath(filename, world.root)
        world.file = Path(filename).as_posix() if path.startswith("..") else Path(path).as_posix()
