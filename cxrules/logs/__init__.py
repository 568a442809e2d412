"""Log stage: readers that turn exports (JSONL, CSV, Parquet, XES) into events in time order.

The public API::

    mapping = load_mapping(None, project_dir)            # [log] of cxrules.toml, or defaults
    logs = LogSet([open_log("calls.csv.gz", mapping)])   # LogError (exit 3), MappingError (E410)
    try:
        for event in logs.events():                      # streaming, memory flat
            ...
    except OutOfOrder:
        for event in logs.events(sorted=True):           # all in memory, stable sort
            ...
    logs.summaries(), logs.rejected, logs.rejected_total, logs.duplicate_samples

docs/mapping.md documents the mapping keys.
"""

from cxrules.logs.errors import LogError, MappingError, OutOfOrder
from cxrules.logs.event import Event, Rejected
from cxrules.logs.logset import LogInput, LogSet, open_log
from cxrules.logs.mapping import Condition, EventSpec, LogMapping, load_mapping, mapping_from_dict

__all__ = [
    "Condition",
    "Event",
    "EventSpec",
    "LogError",
    "LogInput",
    "LogMapping",
    "LogSet",
    "MappingError",
    "OutOfOrder",
    "Rejected",
    "load_mapping",
    "mapping_from_dict",
    "open_log",
]
