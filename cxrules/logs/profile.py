"""Log stage, profile: what a log holds — its event types and attribute paths — as every engine's
reading leaves it, so a policy that reads a name no event has can be told so."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LogProfile:
    """The distinct event types and attribute paths of the events read.

    A path is a top-level key (as written, dots and all) or the dotted path of a key inside
    nested objects: what `Event.get` reads.

    >>> p = LogProfile()
    >>> p.add("call.ended", {"agent": "a1", "caller": {"tier": "gold"}})
    >>> sorted(p.types), sorted(p.paths)
    (['call.ended'], ['agent', 'caller', 'caller.tier'])
    """

    types: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)

    def add(self, type_: str, attrs: dict[str, Any]) -> None:
        """Count one event's type and attribute paths."""
        self.types.add(type_)
        self.paths.update(attrs)
        for key, value in attrs.items():
            if type(value) is dict:
                self._nested(key, value)

    def _nested(self, prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}"
            self.paths.add(path)
            if type(value) is dict:
                self._nested(path, value)
