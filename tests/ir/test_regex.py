"""`matches` patterns: RE2 (linear time) with Python's meaning kept, and clear refusals."""

from __future__ import annotations

import time

import pytest

from cxrules.ir.regex import MAX_NESTING, Regex, RegexError, compile_regex, translate


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("no problem", "It was no problem!", True),  # a search, not a full match
        ("^no problem$", "It was no problem!", False),
        ("(?i)NO PROBLEM", "no problem", True),
        ("(?i:no) Problem", "NO Problem", True),
        (r"^\w+$", "şikayet", True),  # \w is Unicode, as in Python
        (r"^\w+\.\w+$", "şikayet.açıldı", True),
        (r"\d", "٣", True),  # an Arabic-Indic digit is a digit
        (r"^\D+$", "abc", True),
        (r"\s", "a\u00a0b", True),  # a no-break space is a space
        (r"^\S+$", "a b", False),
        (r"^[\w-]+$", "always-connected", True),
        (r"^a{,3}$", "aaa", True),  # {,n} is {0,n}, as in Python
        (r"^a{,3}$", "aaaa", False),
        (r"x\Z", "x", True),
        (r"\u00e9", "café", True),
        (r"\bno\b", "say no now", True),
        ("a{2}", "a{2}", False),
        (r"a\{2\}", "a{2}", True),
        ("{x}", "a{x}", True),  # a brace that is no repetition is a character
        ("^[[]x$", "[x", True),  # a '[' inside a class is itself, as in Python
        ("^[a[]+$", "a[a", True),
        # (?i) takes I, i, İ and ı for one letter, as Python's re does (RE2 pairs only I, i)
        ("(?i)iptal", "SİPARİŞİNİZ İPTAL EDİLDİ", True),
        ("(?i)sorun değil", "SORUN DEĞİL", True),
        ("(?i)ıptal", "IPTAL", True),
        ("(?i)İPTAL", "iptal", True),
        (r"(?i)\u0130", "ı", True),
        (r"(?i)\x69", "İ", True),
        (r"(?i)\x{131}", "I", True),
        ("(?i)^[a-z]+$", "İPTAL", True),
        ("(?i)^[^a-z]+$", "İ", False),
        ("(?i)[^i]", "ı", False),
        ("(?i)[^i]", "a", True),
        ("(?i:a)(?-i:i)", "Aİ", False),  # the flag holds in its group only
        ("((?i)a)i", "AI", False),
        ("iptal", "İPTAL", False),  # without (?i), case counts
        ("(?i)[ğ]", "Ğ", True),
    ],
)
def test_matching_keeps_pythons_meaning(pattern: str, text: str, found: bool) -> None:
    assert Regex(pattern).search(text) is found


@pytest.mark.parametrize(
    ("pattern", "reason", "syntax"),
    [
        (r"(a)\1", r"a backreference (\1) is not supported", False),
        ("(?P<w>a)(?P=w)", "a backreference (?P=…) is not supported", False),
        ("(?=a)", "a lookahead (?=…) is not supported", False),
        ("(?!a)", "a negative lookahead (?!…) is not supported", False),
        ("(?<=a)b", "a lookbehind (?<=…) is not supported", False),
        ("(?<!a)b", "a negative lookbehind (?<!…) is not supported", False),
        ("(?>a)", "an atomic group (?>…) is not supported", False),
        ("a++", "the possessive repetition ++ is not supported", False),
        ("(?x)a b", "the flag (?x) is not supported", False),
        ("a{4294967296}", "the repetition count 4294967296 is over the limit of 1000", False),
        ("a{1001}", "the repetition count 1001 is over the limit of 1000", False),
        ("(a{1000}){1000}", "nested repetitions multiply to more than 1000: {1000}", False),
        ("(" * 3000 + "a" + ")" * 3000, f"groups are nested more than {MAX_NESTING} deep", False),
        ("[\\W]", "\\W is not supported inside [ ]", False),
        (
            r"\bşikayet",
            "\\b only knows ASCII letters, so it cannot mark a word boundary at 'ş'",
            False,
        ),
        ("(no problem", "a '(' is never closed", True),
        ("no problem)", "a ')' closes no group", True),
        ("[a-", "a '[' is never closed", True),
        ("[z-a]", "a range in [ ] runs backwards: z-a", True),
        ("a{3,2}", "the repetition {3,2} runs backwards", True),
        ("*a", "a repetition has nothing to repeat: *", True),
        ("a\\", "the pattern ends with a single backslash", True),
        # RE2 escapes Python has not: refused as Python refuses them
        (r"\Qa.b\E", "\\Q…\\E is not a Python escape", True),
        (r"^\C", "\\C (one byte of a character) is not a Python escape", True),
        # RE2 says "invalid character class range" of an unknown \p{…} name too
        (r"\p{Turkish}", "there is no Unicode class \\p{Turkish}", True),
        (r"[\p{Romanian}]", "there is no Unicode class \\p{Romanian}", True),
        (
            "^[[:upper:] ]+$",
            "[:upper:] is a POSIX class, which Python's regular expressions do not have (Python "
            "would read its characters one by one, as members of the outer class)",
            True,
        ),
    ],
)
def test_patterns_that_cannot_run_say_why(pattern: str, reason: str, syntax: bool) -> None:
    with pytest.raises(RegexError) as caught:
        Regex(pattern)
    assert caught.value.reason == reason
    assert caught.value.syntax is syntax
    assert caught.value.hint


def test_catastrophic_pattern_runs_in_linear_time() -> None:
    regex = Regex("(a+)+$")
    start = time.perf_counter()
    assert regex.search("a" * 40 + "!") is False
    assert regex.search("a" * 200_000 + "!") is False
    assert regex.search("a" * 200_000) is True
    assert time.perf_counter() - start < 1.0  # a backtracking matcher takes hours on the first


def test_text_that_is_not_valid_unicode_is_still_searched() -> None:
    assert Regex("a").search("x\ud800a") is True


def test_translation_is_what_a_compiled_engine_runs() -> None:
    assert translate(r"\w+@\d{2,}") == r"[\p{L}\p{N}_]+@\p{Nd}{2,}"
    assert translate(r"[\d\s]") == r"[\p{Nd}\t\n\v\f\r\x1c-\x1f\x85\pZ]"
    assert compile_regex("a") is compile_regex("a")  # compiled once
