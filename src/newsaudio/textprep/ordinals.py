"""Ordinals and numbers with the article: "القرن 21", "الذكرى الـ75", "في دورتها الـ125",
"خلال الـ24 ساعة"; rules of :func:`newsaudio.textprep.numbers.expand_numbers`.

An ordinal follows a noun that takes one (``ordinal.nouns`` in ``data/numbers.toml``: "القرن 21"
→ "الْحَادِي وَالْعِشْرُونَ") or "الـ" after a singular definite noun — one with the article or
a possessive suffix ("دورتها الـ75" → "الْخَامِسَةِ وَالسَّبْعِينَ") — and agrees with it in gender
and case, up to 1000 ("الْمِئَةُ وَالْخَامِسَةُ وَالْعِشْرُونَ", "الْأَلْفُ"). When the number counts
the noun after it ("الجيش 40 دبابة"), or "الـ" follows a plural ("الأيام الـ3"), it is a
(definite) cardinal instead.
"""

from __future__ import annotations

import re

from newsaudio.textprep.number_case import DEFINITE, case_at, proclitics_of, with_proclitic
from newsaudio.textprep.number_words import (
    Reading,
    bare,
    cardinal,
    definite,
    number_data,
    ordinal,
)
from newsaudio.textprep.quantity import parse_number, quantity


def _counts_next(match: re.Match[str]) -> bool:
    """Whether the number counts the word after it ("الجيش 40 دبابة"): a known noun or scale, or
    an indefinite noun ending in "ة"/"ات", or in accusative tanween after 11-99."""
    following = match.groupdict().get("next")
    if not following or DEFINITE.match(bare(following)):
        return False
    key = bare(following)
    data = number_data()
    if key in data.not_counted:
        return False
    if key in data.nouns or key in data.scale_words or key.endswith(("ة", "ات")):
        return True
    # An accusative singular after 11-99 ("الجيش 40 جنديا"), not an adverb ("المركز 5 عالميا").
    return key.endswith("ا") and not key.endswith("يا") and int(match["num"]) % 100 >= 11


def ordinal_after_noun(match: re.Match[str]) -> str:
    n = int(match["num"])
    if not 1 <= n <= 1000 or _counts_next(match):
        return match[0]
    stem = DEFINITE.sub("", bare(match["noun"]), count=1)
    gender = number_data().words["ordinal"]["nouns"][stem]
    case = case_at(match, pre=proclitics_of(match["noun"]))
    return f"{match['noun']} {ordinal(n, gender, case)}"


def _article_proclitics(article: str) -> str:
    """The proclitics written before "الـ": "وبالـ" → "وب", "للـ" → "ل"."""
    article = bare(article).strip()
    return article[:-1] if article.endswith("لل") else article[:-2]


_POSSESSED = re.compile("^(?P<stem>..+?)(?:هما|هم|هن|ها|ه|نا|كم)$")


def _possession(word: str) -> tuple[str, str] | None:
    """(proclitics, noun) of an ordinal noun with a possessive suffix, which makes it definite:
    "دورتها" → ("", "دورة"), "بذكراها" → ("ب", "ذكرى"); None for any other word."""
    key = bare(word)
    for size in range(3):
        found = _POSSESSED.match(key[size:])
        if not found or not re.fullmatch("[وف]?[بلك]?", key[:size]):
            continue
        stem = found["stem"]
        if stem.endswith("ت"):
            stem = stem[:-1] + "ة"
        elif stem.endswith("ا"):
            stem = stem[:-1] + "ى"
        if stem in number_data().words["ordinal"]["nouns"]:
            return key[:size], stem
    return None


def _possessed(word: str) -> str | None:
    found = _possession(word)
    return found[1] if found else None


def _noun_gender(word: str) -> str | None:
    """Gender of a (possibly definite) noun written before an ordinal or a definite number."""
    stem = _possessed(word) or DEFINITE.sub("", bare(word), count=1)
    data = number_data()
    if stem in data.words["ordinal"]["nouns"]:
        return str(data.words["ordinal"]["nouns"][stem])
    if stem in data.nouns:
        return data.nouns[stem].gender
    return "f" if stem.endswith("ة") else None


def ordinal_after_article(match: re.Match[str]) -> str:
    """An ordinal after a singular definite noun ("الذكرى الـ75"); anything else is unchanged."""
    data = number_data()
    before, n = match["before"], int(match["num"])
    possessed = _possessed(before)
    stem = possessed or DEFINITE.sub("", bare(before), count=1)
    plural_noun = stem in data.nouns and stem in {bare(p) for p in data.nouns[stem].plural}
    counts_next = bare(match["next"] or "") in (data.nouns.keys() | data.scale_words.keys())
    ordinal_noun = stem in data.words["ordinal"]["nouns"]
    definite_noun = bool(possessed) or bool(DEFINITE.match(bare(before)))
    if not 1 <= n <= 1000 or not definite_noun or plural_noun:
        return match[0]  # "الأيام الـ3": a definite cardinal, for the number rule
    if counts_next and not ordinal_noun:  # the number counts the noun after it ...
        return match[0]  # ... unless the noun before always takes an ordinal ("القمة الـ33 يوم")
    possession = _possession(before)
    case = case_at(match, pre=possession[0] if possession else proclitics_of(before))
    pre = _article_proclitics(match["art"])
    words = with_proclitic(pre, ordinal(n, _noun_gender(before) or "m", case))
    return f"{before} {words}"


def definite_number(match: re.Match[str]) -> str:
    """A definite cardinal: "خلال الـ24 ساعة" → "الْأَرْبَعِ وَالْعِشْرِينَ سَاعَةً", "الأيام الـ3" →
    "الثَّلَاثَةُ" (agreeing with the noun before)."""
    pre = _article_proclitics(match["art"])
    case = case_at(match, pre=pre)
    reading = quantity(match["num"], case, match["scale"], match["noun"])
    if not match["noun"] and not match["scale"]:
        before = match.string[: match.start()].split()[-1:]
        gender = _noun_gender(before[0]) if before else None
        integer, fraction = parse_number(match["num"])
        if gender and not fraction:
            reading = Reading(cardinal(int(integer), gender, case))
    parts = reading.number.split(" وَ")
    number = " وَ".join(definite(p) for p in parts)
    return with_proclitic(pre, Reading(number, reading.noun, reading.noun_first).text)
