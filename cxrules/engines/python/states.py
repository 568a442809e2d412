"""Reference engine, states: per-scope intervals from a start to an end event, keyed by `by`."""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.engines.python.evaluate import Ctx, Layout, Matcher

#: The key of the single interval of an unkeyed state.
ONLY = "\x00only"
#: The one key of every NaN (a set finds a NaN only when it is the very same float object, so
#: two NaNs read from a log would be two keys that no end could close): NaN keys are one key,
#: as the SQL engines and a scope's `nan` have them (docs/semantics.md, "States").
NAN_KEY = float("nan")
_NO_STATES: list[set[Any]] = []


class StateSet:
    """The states of one policy, compiled. A scope holds one set of open keys per state
    (`scope.states[i]`); a state is active while its set is not empty.

    Per event and key: if the key is open and the event matches `end`, it closes; otherwise, if the
    key is closed and the event matches `start`, it opens. A second start while open and an end
    without a start change nothing; a keyed start or end event lacking the `by` attribute is
    ignored."""

    def __init__(self, states: tuple[ir.State, ...], layout: Layout) -> None:
        self.names = tuple(s.name for s in states)
        self._plans = [
            (i, Matcher(s.start, layout), Matcher(s.end, layout), s.by)
            for i, s in enumerate(states)
        ]
        # per event type: (state index, start matcher or None, end matcher or None, by)
        self._by_type: dict[str, list[tuple[int, Matcher | None, Matcher | None, str | None]]] = {}

    def __len__(self) -> int:
        return len(self._plans)

    def types(self) -> tuple[str, ...]:
        return tuple(t for _, st, en, _ in self._plans for m in (st, en) for t in m.pattern.types)

    def fresh(self) -> list[set[Any]]:
        """A scope's empty open-key sets (one shared, never written, list when no states)."""
        return [set() for _ in self._plans] if self._plans else _NO_STATES

    def _resolve(self, etype: str) -> list[tuple[int, Matcher | None, Matcher | None, str | None]]:
        plans = [
            (i, start if start.type_ok(etype) else None, end if end.type_ok(etype) else None, by)
            for i, start, end, by in self._plans
            if start.type_ok(etype) or end.type_ok(etype)
        ]
        self._by_type[etype] = plans
        return plans

    def update(self, ctx: Ctx) -> int:
        """Apply the event in `ctx` to its scope's states; a bit mask of the states whose
        activity (active vs inactive) changed."""
        event, sets, changed = ctx.event, ctx.scope.states, 0
        plans = self._by_type.get(event.type)
        if plans is None:
            plans = self._resolve(event.type)
        for i, start, end, by in plans:
            if by is None:
                key: Any = ONLY
            else:
                key = event.get(by)
                if key is None:
                    continue
                if not isinstance(key, str | int | float | bool):
                    key = str(key)
                elif key != key:  # NaN
                    key = NAN_KEY
            open_keys = sets[i]
            before = len(open_keys) > 0
            if key in open_keys:
                if end is not None and end.where_ok(ctx):
                    open_keys.discard(key)
            elif start is not None and start.where_ok(ctx):
                open_keys.add(key)
            if before != (len(open_keys) > 0):
                changed |= 1 << i
        return changed
