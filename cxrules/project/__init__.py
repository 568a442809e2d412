"""Project stage: a project's settings (cxrules.toml or [tool.cxrules] in pyproject.toml) and the
starter project of `cxrules init`."""

from cxrules.project.config import (
    CONFIG_FILE,
    Project,
    ProjectConfig,
    ProjectError,
    find_project,
)
from cxrules.project.starter import FILES, InitError, init_project

__all__ = [
    "CONFIG_FILE",
    "FILES",
    "InitError",
    "Project",
    "ProjectConfig",
    "ProjectError",
    "find_project",
    "init_project",
]
