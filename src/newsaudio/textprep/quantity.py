"""What numbers, dates and ordinals share: how a number is written (regex building blocks), its
digits parsed, and a quantity — a number with its scale word and counted noun — read as words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from newsaudio.textprep.number_case import DEFINITE
from newsaudio.textprep.number_words import (
    MARK,
    Case,
    Noun,
    Reading,
    bare,
    cardinal,
    counted,
    number_data,
    unit_key,
)

# Regex building blocks of a number as written.
NUM = (
    r"(?:\d{1,3}(?:[,٬]\d{3})+(?![\d,٬])|\d{1,3}(?:\.\d{3}){2,}(?![\d.])|\d+)"
    r"(?:[.٫]\d+|,\d{1,2}(?![\d,]))?"
)
PRE = r"(?P<pre>(?<![^\W\d_])[وفبلك]{1,2}ـ?)?"  # "و70", "ب15": proclitics written on the number
# A minus sign: not after a word or digit ("كوفيد-19", "2020-2024"), but after a proclitic ("و-5").


def parse_number(written: str) -> tuple[str, str]:
    """(integer digits, fraction digits), in ASCII, from a number as written."""
    ascii_digits = "".join(str(int(c)) if c.isdigit() else c for c in written)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", ascii_digits):
        return ascii_digits.replace(".", ""), ""
    if re.fullmatch(r"\d+,\d{1,2}", ascii_digits):
        integer, fraction = ascii_digits.split(",")
        return integer, fraction
    integer, _, fraction = ascii_digits.replace("٫", ".").partition(".")
    return re.sub("[,٬]", "", integer), fraction


def _decimal(value: int, fraction: str, case: Case) -> str:
    """A decimal: 3.05 → "ثَلَاثَةٌ فَاصِلَةُ صِفْرٍ خَمْسَةٍ" (leading zeros, then one number)."""
    c = number_data().words["cardinal"]
    tail = fraction.lstrip("0")
    spoken = [c["zero"][Case.GEN]] * (len(fraction) - len(tail))
    if tail:
        spoken.append(cardinal(int(tail), case=Case.GEN))
    return f"{cardinal(value, case=case)} {c['decimal_point']} {' '.join(spoken)}"


def noun_for(word: str, n: int, scaled: bool) -> tuple[str, Noun | None] | None:
    """Gender and entry of the noun ``word`` counted by ``n``; None if it is not a counted noun."""
    data = number_data()
    key = bare(word)
    if key in data.nouns:
        return data.nouns[key].gender, data.nouns[key]
    # A counted noun is indefinite and not a particle or verb from the not-counted list.
    if key in data.not_counted or DEFINITE.match(key) or len(key) < 2:
        return None
    if not scaled and 1000 <= n <= 2100:  # most likely a year, with a verb or name after it
        return None
    plural = 3 <= n % 100 <= 10
    feminine = key.endswith("ات") if plural else key.endswith(("ة", "ةا"))
    return ("f" if feminine else "m"), None


def quantity(
    num: str,
    case: Case,
    scale_word: str | None = None,
    noun_word: str | None = None,
    unit: Noun | None = None,
) -> Reading:
    """A number as written, with the scale word and noun after it, or a ``unit`` we supply."""
    if unit is None and noun_word and unit_key(noun_word) in number_data().units:
        unit, noun_word = number_data().units[unit_key(noun_word)], None
    integer, fraction = parse_number(num)
    scale = number_data().scale_words.get(bare(scale_word)) if scale_word else None
    if scale is not None:  # "2.5 مليون" is the whole number 2500000, read in millions
        exact = Decimal(f"{integer}.{fraction or 0}") * scale.value
        if exact == exact.to_integral_value():
            integer, fraction = str(int(exact)), ""
        else:
            scale = None
    value = int(integer)
    if fraction:
        number = _decimal(value, fraction, case)
        if scale_word and scale is None:
            number = f"{number} {scale_word}"
        if unit is None and noun_word:  # "2.5 طن" → "... طُنٍّ": a singular noun is genitive
            known = number_data().nouns.get(bare(noun_word))
            unit = known if known and bare(known.one[0]) == bare(noun_word) else None
        return Reading(number, unit.one[Case.GEN] if unit else (noun_word or ""))
    if unit is not None:
        return counted(value, case, unit.gender, unit, None, scale)
    found = noun_for(noun_word, value, scale is not None) if noun_word else None
    if found is None:
        return Reading(cardinal(value, "m", case, scale), noun_word or "")
    return counted(value, case, found[0], found[1], noun_word, scale)


def fuzzy(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` (unvoweled, longest first) matching them with or
    without vowel marks."""
    keys = sorted({bare(w) for w in words}, key=len, reverse=True)

    def one(word: str) -> str:
        return "".join(r"\s+" if ch == " " else re.escape(ch) + f"[{MARK}\u0640]*" for ch in word)

    return "|".join(one(k) for k in keys)


Rule = Callable[[re.Match[str]], str]


def spaced(rule: Rule) -> Rule:
    """A rule whose words are kept apart from letters the number was glued to ("كوب29")."""

    def apply(match: re.Match[str]) -> str:
        words = rule(match)
        if words == match[0]:
            return words
        s, start, end = match.string, match.start(), match.end()
        if start and s[start - 1].isalnum():
            words = " " + words
        if end < len(s) and s[end].isalnum():
            words += " "
        return words

    return apply
