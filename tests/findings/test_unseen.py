"""W402 for `type` read as an attribute: the hint says where an event's type is matched."""

from __future__ import annotations

from pathlib import Path

from cxrules.findings.unseen import unseen
from cxrules.logs.profile import LogProfile
from cxrules.policyset import load_policies
from cxrules.source import Source

POLICY = """\
policy calls.after-abandon "No answer straight after a hang-up"
  owner "CX"
  description "The previous event's type is read as an attribute."
  per call
  forbid call.answered where previous.type == "call.abandoned"
"""


def test_type_read_as_an_attribute_gets_the_pattern_as_its_hint(tmp_path: Path) -> None:
    path = tmp_path / "p.cxr"
    path.write_text(POLICY, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None
    profile = LogProfile()
    profile.add("call.answered", {"call": "c1"})
    [found] = unseen(loaded.policy_set, profile)
    assert (found.code, found.message) == (
        "W402",
        "policy calls.after-abandon reads attribute 'type', which no event in the log has",
    )
    assert found.hint.startswith("an event's type is not one of its attributes")


SPACED = """\
policy problems.progress "A problem in progress is closed within 30 days"
  owner "Problem management"
  description "From in progress to closed."
  per problem
  when "problem.In Progres"
  expect problem.closed within 30d where Owner_Name == trigger.Owner_Name
"""


def test_a_name_with_a_space_is_suggested_as_a_policy_writes_it(tmp_path: Path) -> None:
    # the log's type has a space: the hint quotes it (bare, it would not parse); its attribute
    # has one too: the hint backticks it; the warning points at the quoted type
    path = tmp_path / "p.cxr"
    path.write_text(SPACED, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None
    profile = LogProfile()
    profile.add("problem.In Progress", {"problem": "p1", "Owner Name": "x"})
    profile.add("problem.closed", {"problem": "p1", "Owner Name": "x"})
    text = path.read_text(encoding="utf-8")
    found = unseen(loaded.policy_set, profile, {str(path): Source(name=str(path), text=text)})
    assert [(d.code, d.hint) for d in found] == [
        (
            "W401",
            'did you mean "problem.In Progress"? (a policy writes this name in quotes)',
        ),
        ("W402", "did you mean `Owner Name`? (a policy writes this name in backticks)"),
    ]
    assert found[0].span is not None and (found[0].span.line, found[0].span.column) == (5, 8)


NAMED_AFTER = """\
policy sipariş.teslim "Siparişler 2 günde teslim edilir"
  owner "Lojistik"
  description "The id begins with the scope's attribute and the trigger's type."
  per sipariş
  when sipariş.teslim
  expect sipariş.teslim_edildi within 2d
"""


def test_a_name_is_found_where_the_policy_reads_it_not_in_its_id(tmp_path: Path) -> None:
    # the id 'sipariş.teslim' spells the attribute 'sipariş' and the type 'sipariş.teslim':
    # the warnings point at 'per sipariş' (line 4, column 7) and 'when sipariş.teslim' (line 5,
    # column 8), not at the id on line 1
    path = tmp_path / "p.cxr"
    path.write_text(NAMED_AFTER, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None
    profile = LogProfile()
    profile.add("order.placed", {"order": "o-1"})
    text = path.read_text(encoding="utf-8")
    found = unseen(loaded.policy_set, profile, {str(path): Source(name=str(path), text=text)})
    where = {(d.code, d.message.split("'")[1]): (d.span.line, d.span.column) for d in found}
    assert where == {
        ("W401", "sipariş.teslim"): (5, 8),
        ("W401", "sipariş.teslim_edildi"): (6, 10),
        ("W402", "sipariş"): (4, 7),
    }


def test_a_name_typed_without_its_marks_is_suggested_with_them(tmp_path: Path) -> None:
    # 'sikayet.acildi' and 'musteri', typed on a keyboard without Turkish letters, were too far
    # from 'şikayet.açıldı' and 'müşteri' for a "did you mean" (hunt40 finding-10)
    path = tmp_path / "p.cxr"
    path.write_text(
        'policy sikayet.sinir "At most 1 complaint"\n  owner "CX"\n  description "D"\n'
        "  per musteri\n  at most 1 sikayet.acildi within 30d\n",
        encoding="utf-8",
    )
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None
    profile = LogProfile()
    profile.add("şikayet.açıldı", {"müşteri": "Ayşe"})
    found = unseen(loaded.policy_set, profile)
    assert sorted((d.code, d.hint) for d in found) == [
        ("W401", "did you mean 'şikayet.açıldı'?"),
        ("W402", "did you mean 'müşteri'?"),
    ]


LOCAL = """\
policy replies.same-day "A complaint is answered on its own day"
  owner "CX"
  description "The trigger's date read after a dot."
  zone "Europe/Bucharest"
  per customer
  when complaint.filed
  expect reply.sent within 2d where local_date == trigger.local_date
"""


def test_a_local_name_after_a_dot_is_pointed_at_after_the_dot(tmp_path: Path) -> None:
    # `local_date` alone is the reply's own date; `trigger.local_date` reads an attribute named
    # so, which the log lacks: the warning points at the latter (column 59, not 37) and does not
    # tell to quote the bare one as a text (hunt58 finding-B)
    path = tmp_path / "p.cxr"
    path.write_text(LOCAL, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None
    profile = LogProfile()
    profile.add("complaint.filed", {"customer": "c1"})
    profile.add("reply.sent", {"customer": "c1"})
    text = path.read_text(encoding="utf-8")
    [found] = unseen(loaded.policy_set, profile, {str(path): Source(name=str(path), text=text)})
    assert found.span is not None
    assert (found.code, found.span.line, found.span.column, found.hint) == (
        "W402",
        7,
        59,
        "'local_date' after a dot or in backticks reads an attribute of that name; alone it "
        "is the event's date in the policy's zone, and no other event's is at hand: compare "
        "that event's time (trigger.time, last(x).time)",
    )


def test_a_type_sharing_only_its_subject_is_no_suggestion(tmp_path: Path) -> None:
    # 'comanda.anulată' (cancelled) was 80% like 'comanda.plasată' (placed) for their shared
    # 'comanda.': W401 asked "did you mean 'comanda.plasată'?" of a cancellation the log has
    # none of yet, which written into `unless` cancels every obligation (hunt69 finding-1).
    # A misspelt last part is still suggested.
    path = tmp_path / "p.cxr"
    path.write_text(
        'policy livrare.zi "Delivered within a day"\n  owner "CX"\n  description "D"\n'
        "  per comanda\n  when comanda.plasată\n  expect comanda.livrta within 1d\n"
        "  unless comanda.anulată\n",
        encoding="utf-8",
    )
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None
    profile = LogProfile()
    profile.add("comanda.plasată", {"comanda": "o-1"})
    profile.add("comanda.livrată", {"comanda": "o-1"})
    found = unseen(loaded.policy_set, profile)
    assert sorted((d.code, d.message.split("'")[1], d.hint) for d in found) == [
        ("W401", "comanda.anulată", "no event of the log has this type"),
        ("W401", "comanda.livrta", "did you mean 'comanda.livrată'?"),
    ]
