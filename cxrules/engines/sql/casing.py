"""SQL plans, casing: `lower` and `upper` as Python's `str.lower` and `str.upper` do them.

Python maps case with Unicode's full rules; DuckDB's `lower`/`upper` with the simple ones. They
differ on three points, which the macros `cx_lower(s)` and `cx_upper(s)` put right:

- `lower`: İ (U+0130, the Turkish capital dotted i) becomes "i̇" (i and U+0307), as in
  Python, not "i";
- `lower`: a capital sigma at the end of a word becomes ς (final sigma), by Python's rule: the
  first character before it that is not case-ignorable is cased, and the first one after it that
  is not case-ignorable is not cased (or there is none);
- `upper`: the characters whose capital is several characters (ß → SS, ŉ → ʼN, ligatures, …).

The character classes are read from the running Python (the one the python engine uses), once,
and only when a plan uses `lower` or `upper`; `casing.json` keeps them for one Unicode version
(Python 3.11's), used when the running Python has that version. Plain ASCII text takes the
built-in functions. Spark's `lower` and `upper` already follow the full rules (Java's), so its
dialect renders the macros as the built-ins (`engines.spark.dialect`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

from cxrules.engines.sql.text import lit

#: The classes as last computed, with the Unicode version of the Python that computed them
#: (`python -m cxrules.engines.sql.casing` writes it).
KEPT = "casing.json"
#: The macros' names, as the plans call them.
LOWER, UPPER = "cx_lower", "cx_upper"
_SIGMA = "\u03a3"
_ASCII_ONLY = r"^[\x00-\x7F]*$"
_FINAL_SIGMA = r"\1\2ς\3\4"  # the sigma of `final` (below) made final, the rest kept


def uses_casing(sql: str) -> bool:
    """True when SQL calls one of the macros."""
    return re.search(rf"\b(?:{LOWER}|{UPPER})\(", sql) is not None


@lru_cache(maxsize=1)
def macros() -> tuple[str, ...]:
    """The DuckDB statements that define `cx_lower` and `cx_upper`."""
    cased, ignorable, expanding = _classes()
    other = f"[^{cased}{ignorable}]"
    final = f"([{cased}])([{ignorable}]*){_SIGMA}([{ignorable}]*)({other}|$)"
    sigma = (
        f"CASE WHEN contains(s, {lit(_SIGMA)}) "
        f"THEN regexp_replace(s, {lit(final)}, {lit(_FINAL_SIGMA)}, 'g') ELSE s END"
    )
    dotted = lit("\u0130"), lit("i\u0307")
    lower = (
        f"CREATE OR REPLACE MACRO {LOWER}(s) AS CASE WHEN regexp_matches(s, {lit(_ASCII_ONLY)}) "
        f"THEN lower(s) ELSE lower(replace({sigma}, {dotted[0]}, {dotted[1]})) END"
    )
    chain = "s"
    for c in expanding:
        chain = f"replace({chain}, {lit(c)}, {lit(c.upper())})"
    upper = (
        f"CREATE OR REPLACE MACRO {UPPER}(s) AS CASE WHEN regexp_matches(s, "
        f"{lit('[' + _ranges([ord(c) for c in expanding]) + ']')}) THEN upper({chain}) "
        "ELSE upper(s) END"
    )
    return lower, upper


def _final(text: str) -> bool:
    return text.lower().endswith("ς")


def _classes() -> tuple[str, str, str]:
    """RE2 class bodies: cased and not case-ignorable; case-ignorable; and the characters whose
    `upper` is longer than one character (a string of them). Read from `casing.json` when it
    was written for this Python's Unicode version (reading every code point takes half a
    second), else computed."""
    kept = kept_classes()
    if kept is not None and kept["unicode"] == unicodedata.unidata_version:
        return kept["cased"], kept["ignorable"], kept["expanding"]
    return computed_classes()


def kept_classes() -> dict[str, str] | None:
    found = resources.files("cxrules.engines.sql").joinpath(KEPT)
    if not found.is_file():
        return None
    kept: dict[str, str] = json.loads(found.read_text("utf-8"))
    return kept


def computed_classes() -> tuple[str, str, str]:
    """`_classes`, computed from the running Python's `str.lower` and `str.upper`."""
    cased: list[int] = []
    ignorable: list[int] = []
    expanding: list[str] = []
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        c = chr(code)
        if len(c.upper()) > 1:
            expanding.append(c)
        # Python skips case-ignorable characters looking for a cased one: with a cased
        # letter before, a sigma after an ignorable one is final; with a digit, only after a
        # cased one (that is not ignorable)
        if _final("1" + c + _SIGMA):
            cased.append(code)
        elif _final("A" + c + _SIGMA):
            ignorable.append(code)
    return _ranges(cased), _ranges(ignorable), "".join(expanding)


def main() -> None:
    """Write casing.json for the running Python's Unicode version."""
    cased, ignorable, expanding = computed_classes()
    kept = {"unicode": unicodedata.unidata_version, "cased": cased, "ignorable": ignorable}
    kept["expanding"] = expanding
    path = Path(__file__).with_name(KEPT)
    path.write_text(json.dumps(kept, ensure_ascii=True, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path} (Unicode {unicodedata.unidata_version})")


def _ranges(codes: list[int]) -> str:
    """An RE2 class body of these (sorted) code points."""
    out: list[str] = []
    start = prev = None
    for code in codes + [-2]:
        if prev is not None and code == prev + 1:
            prev = code
            continue
        if start is not None and prev is not None:
            out.append(_hex(start) if start == prev else f"{_hex(start)}-{_hex(prev)}")
        start = prev = code
    return "".join(out)


def _hex(code: int) -> str:
    return f"\\x{{{code:x}}}"


if __name__ == "__main__":
    main()
