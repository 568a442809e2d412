"""Report fields' instants: `findings.text.iso` writes what `time.format.format_instant` writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cxrules.findings.text import iso
from cxrules.time.format import format_instant
from cxrules.time.instants import MAX_US, MIN_US, from_us

ZONES = ["UTC", "Europe/Istanbul", "Europe/Bucharest", "America/New_York", "Australia/Lord_Howe"]


@given(
    st.integers(min_value=MIN_US, max_value=MAX_US)
    | st.integers(min_value=1_774_000_000_000_000, max_value=1_800_000_000_000_000),
    st.sampled_from(ZONES),
)
def test_iso_is_format_instant(us: int, zone: str) -> None:
    # the second range holds 2026's DST changes in every zone above (gaps and folds); the
    # first the ends of time, which a zone east of UTC cannot show (written in UTC)
    assert iso(us, zone) == format_instant(from_us(us), zone)
    assert iso(us, zone) == format_instant(from_us(us), zone)  # remembered: the same text


def test_iso_writes_microseconds_only_when_set() -> None:
    # 2026-03-29 01:00:00 UTC is 04:00 in Bucharest, the first hour of summer time (+03:00)
    assert iso(1_774_746_000_000_000, "Europe/Bucharest") == "2026-03-29T04:00:00+03:00"
    assert iso(1_774_746_000_000_250, "Europe/Bucharest") == "2026-03-29T04:00:00.000250+03:00"
    assert iso(1_774_745_999_999_999, "Europe/Bucharest") == "2026-03-29T02:59:59.999999+02:00"


def test_iso_writes_an_instant_its_zone_cannot_show_in_utc() -> None:
    assert iso(MAX_US, "Europe/Istanbul") == "9999-12-31T23:59:59.999999+00:00"
    assert iso(MIN_US, "America/New_York") == "0001-01-01T00:00:00+00:00"
