"""Weekday names of Turkish and Romanian, as a calendar written by a team there names its
opening days (`hours pzt-cum 09:00-18:00`, `hours luni-vineri …`), with the English day the
language writes; read with or without the letters of either language."""

from __future__ import annotations

#: Letters of Turkish and Romanian, and the plain letter a name is also written with.
_PLAIN = str.maketrans("şșţțâîăüğıöç", "ssttaiaugioc")

#: The local name or abbreviation (plain letters, lower case) → the English weekday.
_LOCAL: dict[str, str] = {
    # Turkish: pazartesi, salı, çarşamba, perşembe, cuma, cumartesi, pazar
    "pazartesi": "mon",
    "pzt": "mon",
    "sali": "tue",
    "sal": "tue",
    "carsamba": "wed",
    "car": "wed",
    "crs": "wed",
    "persembe": "thu",
    "per": "thu",
    "prs": "thu",
    "cuma": "fri",
    "cum": "fri",
    "cumartesi": "sat",
    "cmt": "sat",
    "pazar": "sun",
    "paz": "sun",
    "pzr": "sun",
    # Romanian: luni, marți, miercuri, joi, vineri, sâmbătă, duminică
    "luni": "mon",
    "lun": "mon",
    "marti": "tue",
    "mar": "tue",
    "miercuri": "wed",
    "mie": "wed",
    "joi": "thu",
    "vineri": "fri",
    "vin": "fri",
    "sambata": "sat",
    "sam": "sat",
    "duminica": "sun",
    "dum": "sun",
}


def english_weekday(word: str) -> str | None:
    """The English weekday a Turkish or Romanian day name says, else None.

    >>> english_weekday("Pzt"), english_weekday("vineri"), english_weekday("salı")
    ('mon', 'fri', 'tue')
    >>> english_weekday("mon") is None
    True
    """
    return _LOCAL.get(word.lower().translate(_PLAIN))
