"""The text report's open obligations: whether the deadline is added after the engine's sentence
is decided by the sentence's own closing parenthesis, not by the word 'deadline' anywhere in it
(hunt62 finding-K). Expected values by hand, on every engine."""

from __future__ import annotations

from engine_builders import Log, dur, pat, policy, run, s

from cxrules import ir
from cxrules.reports.as_text import render_text


def share_within_20s(where: ir.Expr | None = None) -> ir.Policy:
    """sl = share(call.answered [where …] within 20s of call.queued) per day, >= 80%, per call."""
    agg = ir.Aggregate(
        fn="share",
        pattern=pat("call.answered", where=where),
        of=pat("call.queued"),
        within=dur("20s"),
    )
    rule = ir.MetricCheck(
        metric=ir.Metric(aggregate=agg, name="sl", bucket="day"),
        require=ir.Threshold(op=">=", value=0.8),
    )
    return policy(rule, scope=("call",))


def test_a_where_on_an_attribute_named_deadline_keeps_the_metric_deadline() -> None:
    # share(call.answered where deadline == "soft" within 20s of call.queued): call c2 queued at
    # 11:00:00 (+03:00), the horizon at 11:00:10, so it waits until 11:00:20. Its sentence
    # quotes the where ('… where deadline == "soft" within 20s …'), which hid the deadline.
    where = ir.Binary(op="==", left=ir.Attr(path="deadline", of="event"), right=s("soft"))
    log = Log()
    log.add("+0s", "call.queued", call="c1")
    log.add("+5s", "call.answered", call="c1", deadline="soft")
    log.add("+1h", "call.queued", call="c2")
    report = run(share_within_20s(where), log, as_of="+1h10s")
    text = " ".join(render_text(report, color=False, width=400).split())
    assert (
        "- p.test: call.queued of call c2 at 2026-03-02 11:00:00+03:00: waiting for "
        'call.answered where deadline == "soft" within 20s (not yet counted in sl) '
        "(deadline 2026-03-02T11:00:20+03:00)"
    ) in text


def test_a_scope_value_deadline_keeps_the_metric_deadline() -> None:
    # the same metric without a where, for call 'deadline (ends 5)': a scope value with the
    # words the old test looked for ('deadline', 'ends 5') anywhere in the sentence
    log = Log()
    log.add("+1h", "call.queued", call="deadline (ends 5)")
    report = run(share_within_20s(), log, as_of="+1h10s")
    text = " ".join(render_text(report, color=False, width=400).split())
    assert "(not yet counted in sl) (deadline 2026-03-02T11:00:20+03:00)" in text
