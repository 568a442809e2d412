"""Reference engine (`python`): the executable definition of cxrules semantics, event by event."""

from cxrules.engines.python.engine import Audit, EngineResult, PythonEngine, audit_events
from cxrules.engines.python.evaluate import EngineError

__all__ = ["Audit", "EngineError", "EngineResult", "PythonEngine", "audit_events"]
