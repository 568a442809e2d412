"""A hint for an unknown time zone: the zone of the place meant, when it can be found cheaply.

`Europe/Gothenburg` is no IANA zone, and spelling alone points at `Europe/Athens`: two hours off.
A city that is not a zone name is looked up in a short list of large cities that keep another
city's time (Gothenburg keeps Stockholm's); a country's name (`Europe/Sweden`, `Sweden`) in the
tz database's own country table (`iso3166.tab` and `zone.tab` of the `tzdata` package). Only
when neither knows the place is the zone closest in spelling suggested.
"""

from __future__ import annotations

import unicodedata
from difflib import get_close_matches
from functools import cache
from importlib import resources
from zoneinfo import available_timezones

from cxrules.diagnostics import did_you_mean

#: Large cities that are not a zone's name, with the zone whose time they keep.
CITIES: dict[str, str] = {
    "gothenburg": "Europe/Stockholm", "goteborg": "Europe/Stockholm",
    "malmo": "Europe/Stockholm", "uppsala": "Europe/Stockholm",
    "bergen": "Europe/Oslo", "trondheim": "Europe/Oslo", "aarhus": "Europe/Copenhagen",
    "odense": "Europe/Copenhagen", "tampere": "Europe/Helsinki", "turku": "Europe/Helsinki",
    "frankfurt": "Europe/Berlin", "munich": "Europe/Berlin", "hamburg": "Europe/Berlin",
    "cologne": "Europe/Berlin", "stuttgart": "Europe/Berlin", "dusseldorf": "Europe/Berlin",
    "milan": "Europe/Rome", "naples": "Europe/Rome", "turin": "Europe/Rome",
    "florence": "Europe/Rome", "barcelona": "Europe/Madrid", "valencia": "Europe/Madrid",
    "seville": "Europe/Madrid", "bilbao": "Europe/Madrid", "porto": "Europe/Lisbon",
    "lyon": "Europe/Paris", "marseille": "Europe/Paris", "toulouse": "Europe/Paris",
    "nice": "Europe/Paris", "rotterdam": "Europe/Amsterdam", "utrecht": "Europe/Amsterdam",
    "eindhoven": "Europe/Amsterdam", "thehague": "Europe/Amsterdam",
    "antwerp": "Europe/Brussels", "ghent": "Europe/Brussels", "geneva": "Europe/Zurich",
    "basel": "Europe/Zurich", "bern": "Europe/Zurich", "lausanne": "Europe/Zurich",
    "graz": "Europe/Vienna", "salzburg": "Europe/Vienna", "brno": "Europe/Prague",
    "krakow": "Europe/Warsaw", "wroclaw": "Europe/Warsaw", "gdansk": "Europe/Warsaw",
    "poznan": "Europe/Warsaw", "debrecen": "Europe/Budapest", "cluj": "Europe/Bucharest",
    "timisoara": "Europe/Bucharest", "iasi": "Europe/Bucharest",
    "thessaloniki": "Europe/Athens", "ankara": "Europe/Istanbul", "izmir": "Europe/Istanbul",
    "antalya": "Europe/Istanbul", "stpetersburg": "Europe/Moscow",
    "saintpetersburg": "Europe/Moscow", "manchester": "Europe/London",
    "birmingham": "Europe/London", "edinburgh": "Europe/London", "glasgow": "Europe/London",
    "leeds": "Europe/London", "liverpool": "Europe/London", "bristol": "Europe/London",
    "cardiff": "Europe/London", "cork": "Europe/Dublin", "galway": "Europe/Dublin",
    "kharkiv": "Europe/Kyiv", "odesa": "Europe/Kyiv", "lviv": "Europe/Kyiv",
    "telaviv": "Asia/Jerusalem", "haifa": "Asia/Jerusalem", "abudhabi": "Asia/Dubai",
    "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "newdelhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai", "guangzhou": "Asia/Shanghai", "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo", "busan": "Asia/Seoul", "hanoi": "Asia/Bangkok",
    "sanfrancisco": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "sandiego": "America/Los_Angeles", "lasvegas": "America/Los_Angeles",
    "portland": "America/Los_Angeles", "sanjose": "America/Los_Angeles",
    "boston": "America/New_York", "washington": "America/New_York",
    "philadelphia": "America/New_York", "miami": "America/New_York",
    "atlanta": "America/New_York", "houston": "America/Chicago", "dallas": "America/Chicago",
    "austin": "America/Chicago", "minneapolis": "America/Chicago",
    "saltlakecity": "America/Denver", "montreal": "America/Toronto",
    "ottawa": "America/Toronto", "calgary": "America/Edmonton",
    "riodejaneiro": "America/Sao_Paulo", "rio": "America/Sao_Paulo",
    "brasilia": "America/Sao_Paulo", "capetown": "Africa/Johannesburg",
    "durban": "Africa/Johannesburg", "canberra": "Australia/Sydney",
    "auckland": "Pacific/Auckland", "wellington": "Pacific/Auckland",
}  # fmt: skip


def _key(text: str) -> str:
    """A place's name folded for comparison: 'Göteborg' and 'goteborg', 'Tel_Aviv' and 'tel aviv'.

    >>> _key("Göteborg"), _key("Tel_Aviv"), _key("St. Petersburg")
    ('goteborg', 'telaviv', 'stpetersburg')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


@cache
def _countries() -> dict[str, str]:
    """Each country's folded name → its first zone in the tz database's `zone.tab`."""
    try:
        root = resources.files("tzdata").joinpath("zoneinfo")
        names = root.joinpath("iso3166.tab").read_text("utf-8")
        zones = root.joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):  # no tzdata package: spelling alone
        return {}
    first: dict[str, str] = {}
    for line in zones.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            first.setdefault(fields[0], fields[2])
    found: dict[str, str] = {}
    for line in names.splitlines():
        code, _, name = line.partition("\t")
        if name and not line.startswith("#") and code in first:
            found[_key(name)] = first[code]
    return found


def zone_hint(name: str) -> str:
    """A hint for an unknown zone `name`: the zone of the city or country it names, else the
    zone closest in spelling, else ''.

    >>> zone_hint("Europe/Gothenburg")
    "did you mean 'Europe/Stockholm'? (Gothenburg keeps Stockholm's time)"
    >>> zone_hint("Europe/Sweden"), zone_hint("Europe/Bucharst")
    ("did you mean 'Europe/Stockholm'?", "did you mean 'Europe/Bucharest'?")
    >>> zone_hint("America/Paris"), zone_hint("Mars/Olympus")
    ("did you mean 'Europe/Paris'?", '')
    """
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    for part in reversed(parts):
        key = _key(part)
        if key in CITIES:
            return _keeps(CITIES[key], part)
        country = _countries().get(key)
        if country is not None:
            return f"did you mean '{country}'?"
    zones = available_timezones()
    if parts and all(c.isalpha() or c in " _-.'" for c in parts[-1]):
        # a place misspelt: its closest zone city or listed city, whatever the region
        places = {_key(z.rsplit("/", 1)[-1]): z for z in sorted(zones) if "/" in z}
        close = get_close_matches(_key(parts[-1]), [*places, *CITIES], n=1, cutoff=0.8)
        if close and close[0] in places:
            return f"did you mean '{places[close[0]]}'?"
        if close:
            return _keeps(CITIES[close[0]], close[0].capitalize())
    return did_you_mean(name, zones)


def _keeps(zone: str, place: str) -> str:
    keeps = zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"did you mean '{zone}'? ({place.replace('_', ' ')} keeps {keeps}'s time)"
