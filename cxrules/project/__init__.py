"""Project stage: a project's settings (cxrules.toml or [tool.cxrules] in pyproject.toml)."""

from cxrules.project.config import (
    CONFIG_FILE,
    Project,
    ProjectConfig,
    ProjectError,
    find_project,
)

__all__ = [
    "CONFIG_FILE",
    "Project",
    "ProjectConfig",
    "ProjectError",
    "find_project",
]
