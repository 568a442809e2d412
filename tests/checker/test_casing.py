"""W207: `lower(x)`/`upper(x)` compared with a Turkish text that the case mapping cannot give
as written (Python lowers 'İ' to 'i' and a combining dot; 'I' lowers to 'i', never 'ı')."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules.checker.casing import turkish_lower, turkish_upper
from cxrules.policyset import load_policies

DOT = "\u0307"  # the combining dot that lower() puts after the i of 'İ'


def diagnose(tmp_path: Path, condition: str) -> list[tuple[str, int, str, str]]:
    text = (
        'policy chat.reply "Replies"\n  owner "Chat"\n  description "d"\n'
        f"  forbid chat.reply where {condition}\n"
    )
    (tmp_path / "p.cxr").write_text(text, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], root=tmp_path)
    return [(d.code, d.span.column if d.span else 0, d.message, d.hint) for d in loaded.diagnostics]


LOWER_WHY = "(lower() follows Unicode, not Turkish: İ lowers to i and a combining dot, I to i)"
UPPER_WHY = "(upper() follows Unicode, not Turkish: i and ı upper to I)"
IGNORING = "(ignoring case takes I, i, İ and ı for one letter)"


@pytest.mark.parametrize(
    ("condition", "message", "hint"),
    [
        (  # the common case: 'SORUN DEĞİL' lowers to 'sorun deği̇l'
            'lower(text) contains "sorun değil"',
            "lower() of a Turkish text written in capitals does not match: "
            f'lower("SORUN DEĞİL") is "sorun deği{DOT}l" {LOWER_WHY}',
            f'write text matches "(?i)sorun değil" {IGNORING}, or compare with '
            f'"sorun deği{DOT}l" too',
        ),
        (  # 'değil' uppers to 'DEĞIL', not 'DEĞİL'
            'upper(text) contains "SORUN DEĞİL"',
            "upper() of a Turkish text written in lower case does not match: "
            f'upper("sorun değil") is "SORUN DEĞIL" {UPPER_WHY}',
            f'write text matches "(?i)sorun değil" {IGNORING}, or compare with "SORUN DEĞIL" too',
        ),
        (  # lower() never gives 'İ'
            'lower(city) == "İstanbul"',
            'lower() of a Turkish text can never match "İstanbul" as written: '
            f'lower("istanbul") is "istanbul" and lower("İSTANBUL") is "i{DOT}stanbul" '
            f"{LOWER_WHY}",
            f'write city matches "(?i)^istanbul$" {IGNORING}, or compare with "istanbul" and '
            f'"i{DOT}stanbul" instead',
        ),
        (  # 'IŞIK' lowers to 'işik'; != and trim() too
            'trim(lower(word)) != "ışık"',
            "lower() of a Turkish text written in capitals does not match: "
            f'lower("IŞIK") is "işik" {LOWER_WHY}',
            f'write not (word matches "(?i)^ışık$") {IGNORING}, or compare with "işik" too',
        ),
        (  # a list: the Turkish one of its texts; the text on the left of ==
            'lower(town) in ["ığdır", "kars"]',
            "lower() of a Turkish text written in capitals does not match: "
            f'lower("IĞDIR") is "iğdir" {LOWER_WHY}',
            f'write town matches "(?i)^(ığdır|kars)$" {IGNORING}, or compare with "iğdir" too',
        ),
        (
            '"ışık" == lower(w.x)',
            "lower() of a Turkish text written in capitals does not match: "
            f'lower("IŞIK") is "işik" {LOWER_WHY}',
            f'write w.x matches "(?i)^ışık$" {IGNORING}, or compare with "işik" too',
        ),
    ],
)
def test_a_turkish_text_the_case_mapping_misses_is_warned_about(
    tmp_path: Path, condition: str, message: str, hint: str
) -> None:
    assert diagnose(tmp_path, condition) == [("W207", 27, message, hint)]


@pytest.mark.parametrize(
    "condition",
    [
        'lower(channel) == "email"',  # no Turkish letter: English i's are fine
        'upper(city) == "ISTANBUL"',
        'lower(text) contains "teşekkürler"',  # Turkish, but no i
        f'lower(city) in ["istanbul", "i{DOT}stanbul"]',  # both spellings: docs/semantics.md
        'text matches "(?i)sorun değil"',  # the way to ignore case
        'upper(city) == "ışık"',  # lower-case letters besides the i's: not an i matter
        'text contains "sorun değil"',  # no case mapping
        'lower(text) contains "SORUN DEĞİL"',  # capitals besides the i's
    ],
)
def test_texts_the_mapping_can_give_are_not_warned_about(tmp_path: Path, condition: str) -> None:
    assert diagnose(tmp_path, condition) == []


def test_turkish_case() -> None:
    assert turkish_lower("İSTANBUL IĞDIR") == "istanbul ığdır"
    assert turkish_upper("istanbul ığdır") == "İSTANBUL IĞDIR"
    assert turkish_lower(f"i{DOT}stanbul") == "istanbul"
