"""A `rename` or an explicit `id` naming a column the export lacks was taken silently (hunt68
finding-3): `rename = { "Case Id" = "case" }` over a helpdesk export's `Case ID` left every
event without `case` (the policies' `per case` then judged nothing, with only W402 pointing at
the policy, never at the mapping), and `id = "Ticket"` gave every event its file:line as id. Both
are now E410 at the mapping's line, as `numbers`, `booleans` and `missing_in` already were."""

from __future__ import annotations

import pytest

from cxrules.logs import LogSet, MappingError, load_mapping, open_log

HEADER = "Case ID,Activity,Complete Timestamp\n"


def refused(tmp_path, table: str, log: str = "t.csv"):
    path = tmp_path / log
    path.write_text(HEADER + "Case 1,Take in charge,2012-10-09T14:50:17Z\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[log]\nformat = "csv"\ntime = "Complete Timestamp"\ntype = "Activity"\n' + table
    )
    with pytest.raises(MappingError) as caught:
        open_log(str(path), load_mapping(str(mapping)))
    [d] = caught.value.diagnostics
    return d


def test_a_rename_of_a_column_the_header_lacks(tmp_path):
    d = refused(tmp_path, 'rename = { "Case Id" = "case" }\n')
    assert d.code == "E410"
    assert d.message.startswith("the mapping names column 'Case Id', which the header of")
    assert d.hint == "did you mean 'Case ID'?"
    assert (d.span.line, d.span.column) == (5, 13)


def test_an_explicit_id_column_the_header_lacks(tmp_path):
    d = refused(tmp_path, 'id = "Ticket"\n')
    assert d.code == "E410" and "'Ticket'" in d.message and d.span.line == 5
    assert d.hint == (
        'name a column of the header, or write id = "" when no column identifies a record'
        " (each event's id is then its file:line)"
    )


def test_the_default_id_and_an_empty_id_need_no_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "Case 1,Take in charge,2012-10-09T14:50:17Z\n")
    for extra in ("", 'id = ""\n'):
        mapping = tmp_path / "m.toml"
        mapping.write_text(
            '[log]\ntime = "Complete Timestamp"\ntype = "Activity"\n'
            'rename = { "Case ID" = "case" }\n' + extra
        )
        [event] = LogSet([open_log(str(path), load_mapping(str(mapping)))]).events()
        assert (event.id, event.attrs) == (f"{path}:2", {"case": "Case 1"})
