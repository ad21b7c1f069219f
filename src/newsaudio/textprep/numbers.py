"""Numbers as Arabic words: integers, decimals, negatives, percentages, ranges.

Western (0-9), Eastern Arabic (٠-٩) and Persian (۰-۹) digits are all read; "1,500" and "1٬500" are
one number. Words come from ``data/numbers.toml``. Numbers are read in the masculine nominative, the
form a number takes on its own; agreement with a counted noun is not handled here.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from newsaudio.resources import data_toml
from newsaudio.textprep.trace import NO_TRACE, Trace

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# A number, with thousands separators and a decimal part, optionally followed by a percent sign.
_NUMBER = re.compile(
    r"(?P<minus>(?<![\w\d])-)?"
    r"(?P<int>\d{1,3}(?:[,٬]\d{3})+|\d+)"
    r"(?:[.٫](?P<frac>\d+))?"
    r"(?P<percent>\s?[%٪])?"
)
_RANGE = re.compile(r"(?<=\d)\s*[-–—]\s*(?=\d)")
_LONGEST_READ_AS_NUMBER = 12  # digits; longer runs (IDs, phone numbers) are read digit by digit


@cache
def _words() -> dict[str, Any]:
    return data_toml("numbers.toml")


def _below_thousand(n: int) -> list[str]:
    """Parts of 1..999, to be joined with "و"."""
    w = _words()
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(w["hundreds"][hundreds])
    if 10 <= rest < 20:
        parts.append(w["teens"][rest - 10])
    elif rest:
        tens, ones = divmod(rest, 10)
        # Arabic says the ones before the tens: واحد وعشرون.
        if ones:
            parts.append(w["ones"][ones])
        if tens:
            parts.append(w["tens"][tens])
    return parts


def _counted(count: int, scale: dict[str, Any]) -> list[str]:
    """``count`` thousands/millions/billions, with the counted noun in the form Arabic requires."""
    if count == 1:
        return [scale["one"]]
    if count == 2:
        return [scale["two"]]
    last_two = count % 100
    if 3 <= last_two <= 10:
        return [f"{_spoken(count)} {scale['plural']}"]
    if last_two >= 11:
        return [f"{_spoken(count)} {scale['accusative']}"]
    if last_two == 0:
        hundreds = count // 100
        word = (
            _words()["two_hundred_construct"] if hundreds == 2 else _words()["hundreds"][hundreds]
        )
        return [f"{word} {scale['genitive']}"]
    # 101, 102, 201 ...: "مئة ألف وألف" — the hundreds counted, then one/two more.
    return [*_counted(count - last_two, scale), *_counted(last_two, scale)]


def _spoken(n: int) -> str:
    return " و".join(_below_thousand(n))


def integer_to_words(n: int) -> str:
    """An integer in Arabic words.

    >>> integer_to_words(2025)
    'ألفان وخمسة وعشرون'
    >>> integer_to_words(-3)
    'سالب ثلاثة'
    """
    w = _words()
    if n < 0:
        return f"{w['minus']} {integer_to_words(-n)}"
    if n == 0:
        return str(w["zero"])
    parts: list[str] = []
    rest = n
    for scale in w["scales"]:
        count, rest = divmod(rest, scale["value"])
        if count >= 1000:  # beyond the largest scale: read the count as a number of its own
            parts.append(f"{integer_to_words(count)} {scale['genitive']}")
        elif count:
            parts.extend(_counted(count, scale))
    if rest:
        parts.extend(_below_thousand(rest))
    return " و".join(parts)


def digits_to_words(digits: str) -> str:
    """Read a digit string one digit at a time (phone numbers, long identifiers)."""
    return " ".join(integer_to_words(int(d)) for d in digits)


def number_to_words(integer: str, fraction: str | None = None, negative: bool = False) -> str:
    """A number as written (digits already Western, separators removed) in words."""
    w = _words()
    if len(integer) > _LONGEST_READ_AS_NUMBER:
        words = digits_to_words(integer)
    else:
        words = integer_to_words(int(integer))
    if fraction:
        # "3.05" is read "ثلاثة فاصلة صفر خمسة": leading zeros are spoken, then the rest.
        zeros = len(fraction) - len(fraction.lstrip("0"))
        tail = fraction.lstrip("0")
        spoken = [w["zero"]] * zeros + ([integer_to_words(int(tail))] if tail else [])
        words = f"{words} {w['decimal_point']} {' '.join(spoken)}"
    return f"{w['minus']} {words}" if negative else words


def western_digits(text: str) -> str:
    """Eastern Arabic and Persian digits as 0-9."""
    return text.translate(_DIGITS)


def expand_numbers(text: str, trace: Trace = NO_TRACE) -> str:
    """Every number in ``text`` as words; "15%" → "خمسة عشر بالمئة", "2020-2024" → "... إلى ...".

    >>> expand_numbers("ارتفع بنسبة 15٪")
    'ارتفع بنسبة خمسة عشر بالمئة'
    """
    w = _words()
    text = western_digits(text)
    text = trace.sub("range", _RANGE, f" {w['range']} ", text)

    def spell(match: re.Match[str]) -> str:
        integer = re.sub("[,٬]", "", match["int"])
        words = number_to_words(integer, match["frac"], bool(match["minus"]))
        if match["percent"]:
            words = f"{words} {w['percent']}"
        return words

    return trace.sub("number", _NUMBER, spell, text)
