"""SQL plans, the one sequential step: `each` obligations met one event at a time.

With `each`, an expected event meets the *oldest* unfulfilled obligation of its scope it
matches, overdue included, and an `unless` event cancels every open one it matches. Without
`unless` and with a `where` that does not read the trigger this is a queue whose answer is a
running maximum (`rules/obligations.py` does it in SQL). With `unless`, whether an obligation is
still waiting when an `unless` event comes depends on how many older ones were met before it,
and with a `where` reading the trigger each event matches its own set of obligations: a greedy
matching that depends on every earlier decision, which set-based SQL cannot state. So the plan
hands this step the rows it needs, sorted, and reads back what it decided.

Input (`match_sorted`): rows of one policy sorted by scope (`scope` columns) and `ord`, `kind`:

- kind 1, an expected event meeting any obligation whose `lo` it has reached;
- kind 2, an expected event meeting the obligation `ref` (one row per matched obligation:
  already paired, in time order and `where`, by the plan);
- kind 3, an `unless` event cancelling any open obligation; kind 4, only obligation `ref`;
- kind 5, an obligation (its trigger's `ord` and `ts`, `lo`, deadline `dl`, NULL: none or
  paused at the horizon);
- kind 6 (`trigger counts`), the trigger is also an expected event that may meet its own
  obligation: it does unless it met an older one.

At one `ord`, expected events come first, then `unless`, then the trigger, then its own
obligation's check: an event never cancels the obligation it triggers, and meets it only with
`trigger counts`. Output: one row per obligation met or cancelled,
`(ord of its trigger, 'met' | 'cancelled', ord and ts of the event that did it)`; the plan
judges the others (missed, pending) from their deadlines.

`match_sorted` runs `match_scope` over rows of many scopes in order. Every backend streams the
rows through it in this process (`driver.Backend.run_step`; on Spark through `toLocalIterator`):
only one scope's rows are held at a time. `match_scope` handles one scope alone, so that a
backend could also run it per scope group where the rows are (a grouped map on Spark).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

#: The columns the step gives back.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("o", "BIGINT"),
    ("how", "VARCHAR"),
    ("by_ord", "BIGINT"),
    ("by_ts", "BIGINT"),
)

MET, CANCELLED = "met", "cancelled"
EXPECTED, EXPECTED_ONE, UNLESS, UNLESS_ONE, OBLIGATION, OWN = 1, 2, 3, 4, 5, 6


def match_sorted(rows: Iterable[dict[str, Any]], scope: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """`match_scope` over rows sorted by the `scope` columns, one scope at a time."""
    current: list[dict[str, Any]] = []
    key: tuple[Any, ...] | None = None
    for row in rows:
        k = tuple(row[c] for c in scope)
        if k != key and current:
            yield from match_scope(current)
            current = []
        key = k
        current.append(row)
    if current:
        yield from match_scope(current)


class _Ob:
    __slots__ = ("o", "lo", "dl", "done")

    def __init__(self, o: int, lo: int, dl: int | None) -> None:
        self.o, self.lo, self.dl, self.done = o, lo, dl, False


def match_scope(rows: Sequence[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """One scope's rows (sorted by `ord`, `kind`) → the obligations met or cancelled."""
    queue: list[_Ob] = []  # in trigger order; the lows never decrease along it
    head = 0  # every obligation before it is done
    by_ord: dict[int, _Ob] = {}
    # open obligations by deadline, latest first (no deadline: +infinity), for `unless`
    latest: list[tuple[float, int, _Ob]] = []
    met_at = None  # the ord of the last event that met an obligation
    i, n = 0, len(rows)
    while i < n:
        row = rows[i]
        kind, at, ts = row["kind"], row["ord"], row["ts"]
        if kind in (EXPECTED_ONE, UNLESS_ONE):  # every pair row of this event
            refs = []
            while i < n and rows[i]["kind"] == kind and rows[i]["ord"] == at:
                refs.append(rows[i]["ref"])
                i += 1
            waiting = [ob for ob in map(by_ord.get, refs) if ob is not None and not ob.done]
            if kind == EXPECTED_ONE:
                if waiting:
                    oldest = min(waiting, key=lambda ob: ob.o)
                    oldest.done = True
                    met_at = at
                    yield (oldest.o, MET, at, ts)
            else:
                for ob in waiting:
                    if ob.dl is None or ts <= ob.dl:
                        ob.done = True
                        yield (ob.o, CANCELLED, at, ts)
            continue
        i += 1
        if kind == OBLIGATION:
            ob = _Ob(at, row["lo"], row["dl"])
            queue.append(ob)
            by_ord[at] = ob
            heapq.heappush(latest, (-(ob.dl if ob.dl is not None else float("inf")), at, ob))
        elif kind == EXPECTED:
            while head < len(queue) and queue[head].done:
                head += 1
            if head < len(queue) and queue[head].lo <= ts:
                ob = queue[head]
                ob.done = True
                met_at = at
                yield (ob.o, MET, at, ts)
        elif kind == OWN:
            own = by_ord.get(at)
            if own is not None and not own.done and met_at != at:
                own.done = True
                yield (at, MET, at, ts)
        elif kind == UNLESS:
            # every obligation still open: its deadline not passed (missed ones stay for a
            # late event, and stay missed for every later `unless`)
            cancelled = []
            while latest and -latest[0][0] >= ts:
                _, _, ob = heapq.heappop(latest)
                if not ob.done:
                    ob.done = True
                    cancelled.append(ob.o)
            for o in sorted(cancelled):
                yield (o, CANCELLED, at, ts)
