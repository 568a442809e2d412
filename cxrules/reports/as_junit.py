"""Report stage: the JUnit XML rendering, so CI shows one test case per policy.

One `<testsuite name="cxrules">`; a `<testcase>` per policy (classname: the policy file's stem,
name: the policy id, file and line: where it is written). A policy with violations at or above
`fail_on` gets a `<failure>` whose message is the count and whose text lists the first 100; its
violations below `fail_on`, its metric warnings and its open obligations go to `<system-out>`.
When the log files gave no event to judge, a test case `log (nothing audited)` is in error and
each policy's is `<skipped>`: none was judged, so none passed. A policy nothing in the log
activated (the verdict's "never activated") is `<skipped>` too, with that reason: its pass would
say nothing. Text is escaped by ElementTree; characters XML 1.0 cannot carry at all (most
control characters) are written as visible escapes, and so are the newlines and bidi overrides
inside a sentence: one sentence, one line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from cxrules.diagnostics import CODES
from cxrules.reports.common import (
    WARNING_KINDS,
    check_severity,
    file_stem,
    idle_counts,
    is_failure,
    nothing_audited,
    pending_in_order,
    plural,
    ranked_policies,
    rejected_by_code,
    severity_counts,
    violations_by_policy,
    visible,
)
from cxrules.reports.model import PendingObligation, PolicySummary, Report, Violation

#: Violations listed per policy in a `<failure>` (and, apart, those below `fail_on` and the
#: metric warnings in `<system-out>`): ServiceNow's export listed 4,210 in one failure, a 4 MB
#: file that CI views load slowly or cut; the message still counts every one.
MAX_LISTED = 100

#: Open obligations listed per policy: a month's audit has tens of thousands, which are no
#: failure and would make the CI's file megabytes long.
MAX_OPEN = 100

#: The `<skipped>` message of a policy nothing in the log activated (the verdict's "never
#: activated"): CI tools show a skipped test with its message, where a pass would read green.
NEVER_ACTIVATED = (
    "never activated: no event of the log activated this policy (no activation, judgement, "
    "open obligation or metric value), so it was not tested; often a misspelt event type (W401)"
)

# XML 1.0 allows tab, newline, carriage return and these ranges; nothing else, not even escaped.
# A carriage return is made visible too: parsers turn it into a newline, changing the text.
_NOT_XML = re.compile("[^\t\n\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 keeps as is: each other character becomes a visible escape like '\\x1b'.

    >>> xml_text("ok\\x1b[31m\\x00\\r")
    'ok\\\\x1b[31m\\\\x00\\\\x0d'
    """
    return _NOT_XML.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def render_junit(report: Report, fail_on: str = "low", strict: Sequence[str] = ()) -> str:
    """The report as JUnit XML: a failing test case per policy with violations at `fail_on`+,
    and under `--strict` a test case `log` in error, naming what failed the audit (`strict`);
    a test case `log (nothing audited)` in error when the log files gave no event to judge.

    >>> from cxrules.reports.model import Report
    >>> empty = Report(engine="python", zone="UTC", as_of=None, policy_files=[], revision="r",
    ...                inputs=[], policies=[], violations=[])
    >>> print(render_junit(empty), end="")
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites name="cxrules" tests="0" failures="0" errors="0" skipped="0">
      <testsuite name="cxrules" tests="0" failures="0" errors="0" skipped="0">
        <properties>
          <property name="engine" value="python" />
          <property name="zone" value="UTC" />
          <property name="as_of" value="" />
          <property name="revision" value="r" />
          <property name="fail_on" value="low" />
        </properties>
      </testsuite>
    </testsuites>
    """
    check_severity(fail_on)
    orphans = sorted({v.policy for v in report.violations} - {p.id for p in report.policies})
    if orphans:
        raise ValueError(
            "report lists violations of policies it does not summarise: " + ", ".join(orphans)
        )
    groups = violations_by_policy(report)
    unjudged = nothing_audited(report)
    pending = pending_in_order(report)  # at risk, then the nearest deadline, first
    cases = [
        _testcase(p, groups.get(p.id, []), pending, fail_on, unjudged) for p in report.policies
    ]
    failures = sum(1 for case in cases if case.find("failure") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    errors = []
    if unjudged:  # every case would pass: the audit did not happen
        error = ET.Element("testcase", {"classname": "cxrules", "name": "log (nothing audited)"})
        detail = ET.SubElement(error, "error", {"message": xml_text(unjudged)})
        detail.text = xml_text(f"{unjudged}; no policy was judged")
        errors.append(error)
    if strict:
        error = ET.Element("testcase", {"classname": "cxrules", "name": "log (--strict)"})
        detail = ET.SubElement(error, "error", {"message": xml_text("; ".join(strict))})
        detail.text = xml_text("\n".join(strict))
        errors.append(error)
    total = str(len(cases) + len(errors))
    counts = {"tests": total, "failures": str(failures), "errors": str(len(errors))}
    counts["skipped"] = str(skipped)  # on both elements: some CI tools read only the top one
    root = ET.Element("testsuites", {"name": "cxrules", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "cxrules", **counts})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("engine", report.engine),
        ("zone", report.zone),
        ("as_of", report.as_of or ""),
        ("revision", report.revision),
        ("fail_on", fail_on),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": xml_text(value)})
    order = {p.id: n for n, p in enumerate(ranked_policies(report))}
    ranked = sorted(zip(report.policies, cases, strict=True), key=lambda pc: order[pc[0].id])
    suite.extend(errors)
    suite.extend(case for _, case in ranked)
    read = _read_lines(report)
    if read:  # after the test cases, as JUnit's schema orders a suite's children
        ET.SubElement(suite, "system-out").text = xml_text("\n".join(read))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _testcase(
    policy: PolicySummary,
    violations: list[Violation],
    pending: list[PendingObligation],
    fail_on: str,
    unjudged: str = "",
) -> ET.Element:
    # file and line: where the policy is written, which CI tools that read JUnit (GitLab's test
    # report, GitHub actions annotating a pull request) show or mark in the source
    case = ET.Element(
        "testcase",
        {
            "classname": xml_text(file_stem(policy.file) or "cxrules"),
            "name": xml_text(policy.id),
            "file": xml_text(policy.file),
            "line": str(policy.line),
        },
    )
    if unjudged:  # no event was judged: the policy neither passed nor failed
        ET.SubElement(case, "skipped", {"message": xml_text(f"nothing audited: {unjudged}")})
    elif not idle_counts(policy):  # nothing in the log activated it: its pass says nothing
        ET.SubElement(case, "skipped", {"message": NEVER_ACTIVATED})
    failing = [v for v in violations if is_failure(v, fail_on)]
    below = [v for v in violations if not is_failure(v, fail_on) and v.kind not in WARNING_KINDS]
    warnings = [v for v in violations if v.kind in WARNING_KINDS]
    mine = [p for p in pending if p.policy == policy.id]
    if failing:
        by_severity = ", ".join(f"{n:,} {s}" for s, n in severity_counts(failing))
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": xml_text(f"{plural(len(failing), 'violation')} ({by_severity})"),
                "type": xml_text(policy.severity),
            },
        )
        failure.text = xml_text("\n".join(_listed([_line(v) for v in failing], "violation")))
    out = _listed([_line(v, f"{v.severity} (below {fail_on})") for v in below], "violation")
    out += _listed([_line(v, "metric warning") for v in warnings], "metric warning")
    out += [_pending_line(p) for p in mine[:MAX_OPEN]]
    if len(mine) > MAX_OPEN:
        more = plural(len(mine) - MAX_OPEN, "more open obligation")
        out.append(f"… and {more} (the JSON report lists every one)")
    if out:
        ET.SubElement(case, "system-out").text = xml_text("\n".join(out))
    return case


def _read_lines(report: Report) -> list[str]:
    """What the log gave that no test case tells: its rejected records (the verdict counts them:
    '…; 2 rejected records'), by code and the first `MAX_LISTED`, and the events after the
    horizon, read and not audited."""
    out = []
    total = max(report.rejected_total, len(report.rejected))
    if total:
        codes = ", ".join(
            f"{n:,} × {code} ({CODES.get(code, 'unknown code')})"
            for code, n in rejected_by_code(report)
        )
        out.append(f"{plural(total, 'rejected record')}: {codes}")
        out += [
            visible(f"{r.file}:{r.line} {r.code} {r.reason}") for r in report.rejected[:MAX_LISTED]
        ]
        if total > min(len(report.rejected), MAX_LISTED):
            listed = min(len(report.rejected), MAX_LISTED)
            out.append(f"… and {plural(total - listed, 'more rejected record')}")
    if report.ignored_after_as_of:
        later = plural(report.ignored_after_as_of, "event")
        out.append(f"Not audited: {later} after {report.as_of}")
    return out


def _listed(lines: list[str], what: str) -> list[str]:
    """The first `MAX_LISTED` lines, then how many more and where they all are."""
    if len(lines) <= MAX_LISTED:
        return lines
    more = plural(len(lines) - MAX_LISTED, f"more {what}")
    return [*lines[:MAX_LISTED], f"… and {more} (the JSON report lists every one)"]


def _line(violation: Violation, label: str = "") -> str:
    """One line per violation: a newline in a log value is shown as an escape (`visible`), so a
    value cannot split its sentence or add a line that reads as another violation."""
    where = ""
    if violation.trigger is not None:
        where = f" [{violation.trigger.file}:{violation.trigger.line}]"
    return visible(f"{label or violation.severity}: {violation.sentence}{where}")


def _pending_line(item: PendingObligation) -> str:
    deadline = f"deadline {item.deadline}" if item.deadline else "no deadline"
    risk = "at risk, " if item.at_risk else ""
    return visible(f"open ({risk}{deadline}): {item.sentence}")
