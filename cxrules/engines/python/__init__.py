"""Reference engine (`python`): the executable definition of cxrules semantics, event by event."""

from cxrules.engines.python.engine import Audit, PythonEngine

__all__ = ["Audit", "PythonEngine"]
