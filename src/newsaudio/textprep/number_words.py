"""Arabic number words: the data files, and the forms a number and the noun it counts take.

The vocabulary layer under :mod:`newsaudio.textprep.numbers`, which finds numbers in text and
decides their case; this module only says them. The words live in ``data/numbers.toml`` and
``data/currencies.toml``, fully voweled, loaded once by ``number_data()`` and looked up by their
unvoweled spelling (``bare``).

Counted nouns: 3-10 take the genitive plural and the opposite gender ("ثَلَاثَةُ جُنُودٍ",
"ثَلَاثُ سَنَوَاتٍ"), 11-99 the accusative singular ("اثْنَا عَشَرَ جُنْدِيًّا"), round hundreds and
thousands the genitive singular ("خَمْسُمِئَةِ دُولَارٍ"); one and two follow the noun or become its
dual ("دُولَارَانِ"). A noun the text writes keeps its letters; it gets vowels only when the text
writes the form the construction needs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from typing import Any

from newsaudio.resources import data_toml

MARK = "\u064b-\u0652\u0670"
_MARKS = re.compile(f"[{MARK}\u0640]")
_TANWEEN_TO_VOWEL = str.maketrans("\u064c\u064d\u064b", "\u064f\u0650\u064e")
_SUN_LETTERS = frozenset("تثدذرزسشصضطظلن")
_CASES = ("nominative", "accusative", "genitive")


class Case(IntEnum):
    """Grammatical case; the value indexes the [nom, acc, gen] lists of the data files."""

    NOM = 0
    ACC = 1
    GEN = 2


Forms = tuple[str, str, str]


@dataclass(frozen=True)
class Noun:
    """A noun a number can count, with the forms counting needs (each [nom, acc, gen])."""

    gender: str  # "m" or "f"
    one: Forms
    plural: tuple[str, ...]  # genitive plural(s), after 3-10
    two: Forms | None = None
    says_one: bool = True  # "دُولَارٌ وَاحِدٌ"; scales and fractions say just "أَلْفٌ", "نِصْفٌ"


@dataclass(frozen=True)
class Scale:
    value: int
    automatic: bool  # used to read long numbers, not only when the text writes the word
    noun: Noun


@dataclass(frozen=True)
class Reading:
    """A number in words and the noun it counts, apart so a range can leave out the first noun."""

    number: str
    noun: str = ""
    noun_first: bool = False  # "دُولَارٌ وَاحِدٌ"

    @property
    def text(self) -> str:
        if not self.noun:
            return self.number
        return f"{self.noun} {self.number}" if self.noun_first else f"{self.number} {self.noun}"


@dataclass(frozen=True)
class NumberData:
    """The data files, loaded once, with look-up tables keyed by unvoweled spelling."""

    words: dict[str, Any]
    scales: tuple[Scale, ...]  # largest first
    scale_words: dict[str, Scale]
    nouns: dict[str, Noun]  # news nouns and currencies
    currency_words: dict[str, Noun]
    symbols: dict[str, Noun]
    units: dict[str, Noun]  # unit symbols and spellings ("كم", "°م"), by :func:`unit_key`
    unit_symbols: tuple[str, ...]  # as written in units.toml, for the regexes
    latin_units: dict[str, str]  # "km" → "كم"
    measuring: frozenset[str]  # words that make "2000 م" metres, not a year
    fractions: dict[int, Noun]
    genitive_after: frozenset[str]
    accusative_after: frozenset[str]
    not_counted: frozenset[str]
    object_after: frozenset[str]  # verbs and kana: "نشر الجيش 40 دبابة" is accusative
    object_direct: frozenset[str]  # verbs whose object follows at once: "بلغت 3 مليارات"
    not_subject: frozenset[str]  # adverbs that are not a subject ("قتل أمس 3 جنود")
    scores_after: frozenset[str]  # words that make "0-2" a score


def _nfc(value: Any) -> Any:
    """Data strings in NFC, so mark order is the same as in normalized text."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


def bare(word: str) -> str:
    """``word`` without vowel marks or tatweel: the key for every look-up."""
    return _MARKS.sub("", word)


def unit_key(written: str) -> str:
    """A unit symbol as looked up: unvoweled, single spaces ("° م" and "°م" are one key)."""
    return re.sub(r"\s+", "", bare(written))


def _three(forms: list[str]) -> Forms:
    return (forms[0], forms[1], forms[2])


def _dual(one: str) -> Forms | None:
    """The dual of a one-word singular ending in damm tanween: "جُنْدِيٌّ" → "جُنْدِيَّانِ",
    "سَنَةٌ" → "سَنَتَانِ"; None for other endings ("مُسْتَشْفًى"), which the data must give."""
    if " " in one or "\u064c" not in one[-2:]:
        return None
    stem = one.replace("\u064c", "")
    if stem.endswith("ة"):
        stem = stem[:-1] + "ت"
    return _three([unicodedata.normalize("NFC", stem + end) for end in ("َانِ", "َيْنِ", "َيْنِ")])


def _noun(entry: dict[str, Any], gender: str, says_one: bool = True) -> Noun:
    two = _three(entry["two"]) if "two" in entry else _dual(entry["one"][0])
    return Noun(gender, _three(entry["one"]), tuple(entry["plural"]), two, says_one)


def _forms(noun: Noun) -> list[str]:
    return [*noun.one, *(noun.two or ()), *noun.plural]


@cache
def number_data() -> NumberData:
    words = _nfc(data_toml("numbers.toml"))
    money = _nfc(data_toml("currencies.toml"))["currencies"]
    scales = tuple(
        Scale(s["value"], s["automatic"], _noun(s, "m", says_one=False))
        for s in sorted(words["scales"], key=lambda s: -s["value"])
    )
    scale_words = {bare(form): scale for scale in scales for form in _forms(scale.noun)}
    currency_words: dict[str, Noun] = {}
    symbols: dict[str, Noun] = {}
    for entry in money.values():
        noun = _noun(entry, entry["gender"])
        for form in _forms(noun):
            currency_words.setdefault(bare(form), noun)
        symbols.update(dict.fromkeys(entry.get("symbols", []), noun))
    nouns = dict(currency_words)
    units: dict[str, Noun] = {}
    latin_units: dict[str, str] = {}
    unit_data = _nfc(data_toml("units.toml"))
    for entry in unit_data["units"].values():
        noun = _noun(entry, entry["gender"])
        units.update(dict.fromkeys((unit_key(s) for s in entry["symbols"]), noun))
        latin_units.update(dict.fromkeys(entry["latin"], entry["symbols"][0]))
        for form in _forms(noun):
            nouns.setdefault(bare(form), noun)
    for entry in words["nouns"].values():
        noun = _noun(entry, entry["gender"])
        for form in _forms(noun):
            nouns.setdefault(bare(form), noun)
    context = words["context"]
    return NumberData(
        words=words,
        scales=scales,
        scale_words=scale_words,
        nouns=nouns,
        currency_words=currency_words,
        symbols=symbols,
        units=units,
        unit_symbols=tuple(s for e in unit_data["units"].values() for s in e["symbols"]),
        latin_units=latin_units,
        measuring=frozenset(unit_data["context"]["measuring"]),
        fractions={int(k): _noun(v, "m", says_one=False) for k, v in words["fractions"].items()},
        genitive_after=frozenset(context["genitive"]),
        accusative_after=frozenset(context["accusative"]),
        not_counted=frozenset(context["not_counted"]),
        object_after=frozenset(context["object"]),
        object_direct=frozenset(context["object_direct"]),
        not_subject=frozenset(context["not_subject"]),
        scores_after=frozenset(context["score"]),
    )


# --- Word forms --------------------------------------------------------------------------------


def _drop_tanween(word: str) -> str:
    # The alif of "ثَلَاثًا" / "سِتًّا" only carries the tanween: it goes with it.
    if word.endswith("ا") and "\u064b" in word[-3:-1]:
        word = word[:-1]
    return word.translate(_TANWEEN_TO_VOWEL)


def construct(words: str) -> str:
    """The last word as it stands before the noun it counts: no tanween, no dual nun.

    >>> construct("ثَلَاثَةٌ"), construct("خَمْسَةَ عَشَرَ أَلْفًا"), construct("مِئَتَانِ")
    ('ثَلَاثَةُ', 'خَمْسَةَ عَشَرَ أَلْفَ', 'مِئَتَا')
    """
    head, _, word = words.rpartition(" ")
    exceptions = number_data().words["cardinal"]["construct"]
    link = "وَ" if word.startswith("وَ") else ""
    if word[len(link) :] in exceptions:
        word = link + exceptions[word[len(link) :]]
    elif word.endswith(("انِ", "يْنِ")):
        word = word[:-1].removesuffix("ن")
    else:
        word = _drop_tanween(word)
    return f"{head} {word}" if head else word


def definite(word: str) -> str:
    """``word`` with the article, assimilated before a sun letter: "ثَلَاثٍ" → "الثَّلَاثِ"."""
    word = _drop_tanween(word)
    if word[0] in _SUN_LETTERS:
        return unicodedata.normalize("NFC", f"ال{word[0]}\u0651{word[1:]}")
    return f"الْ{word}"


def _gender_key(gender: str) -> str:
    return "masculine" if gender == "m" else "feminine"


def _below_thousand(n: int, gender: str, case: Case) -> list[str]:
    """Parts of 1..999, to be joined with "وَ"; the ones come before the tens."""
    c = number_data().words["cardinal"]
    units = c[_gender_key(gender)][_CASES[case]]
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(c["hundreds"][_CASES[case]][hundreds])
    if 0 < rest < 20:
        parts.append(units[rest])
    elif rest:
        tens, ones = divmod(rest, 10)
        if ones == 1:
            parts.append(c["compound_one"][_gender_key(gender)][case])
        elif ones:
            parts.append(units[ones])
        parts.append(c["tens"][_CASES[case]][tens])
    return parts


def _scales_from(top: Scale | None) -> list[Scale]:
    automatic = [s for s in number_data().scales if s.automatic]
    if top is None:
        return automatic
    return [top, *(s for s in automatic if s.value < top.value)]


def cardinal(n: int, gender: str = "m", case: Case = Case.NOM, top: Scale | None = None) -> str:
    """A whole number in words; ``gender`` is the counted noun's, ``top`` the largest scale word
    to use (the text's own: "6200 ألف" stays thousands).

    >>> cardinal(2025, case=Case.GEN)
    'أَلْفَيْنِ وَخَمْسَةٍ وَعِشْرِينَ'
    >>> cardinal(13, "f")
    'ثَلَاثَ عَشْرَةَ'
    """
    if n == 0:
        return str(number_data().words["cardinal"]["zero"][case])
    parts: list[str] = []
    rest = n
    for scale in _scales_from(top):  # the first scale also takes counts of 1000 and more
        count, rest = divmod(rest, scale.value)
        if count:
            parts.append(counted(count, case, "m", scale.noun).text)
    if rest:
        parts.extend(_below_thousand(rest, gender, case))
    return " وَ".join(parts)


def ordinal(n: int, gender: str = "m", case: Case = Case.NOM) -> str:
    """1..1000 as a definite ordinal: "الْحَادِي وَالْعِشْرُونَ", "الْأُولَى"; past 100 the
    hundreds are a definite cardinal, as news readers say them ("الْمِئَةُ وَالْخَامِسَةُ
    وَالْعِشْرُونَ")."""
    o = number_data().words["ordinal"]
    if n == 1000:
        return str(o["thousand"][case])
    if n > 100:
        hundreds, rest = divmod(n, 100)
        head = definite(number_data().words["cardinal"]["hundreds"][_CASES[case]][hundreds])
        return f"{head} وَ{ordinal(rest, gender, case)}" if rest else head
    if n < 20:
        return str(o[_gender_key(gender)][_CASES[case]][n])
    if n == 100:
        return str(o["hundred"][case])
    tens, ones = divmod(n, 10)
    ten = o["tens"][_CASES[case]][tens]
    if not ones:
        return str(ten)
    unit = (
        o["compound_one"][_gender_key(gender)][case] if ones == 1 else ordinal(ones, gender, case)
    )
    return f"{unit} وَ{ten}"


def slot(n: int) -> str:
    """The noun form ``n`` takes: plural, accusative or genitive singular, or as written."""
    rest = n % 100
    if 3 <= rest <= 10:
        return "plural"
    if rest >= 11:
        return "accusative"
    return "genitive" if rest == 0 and n else "written"


def counted(
    n: int,
    case: Case,
    gender: str,
    noun: Noun | None,
    written: str | None = None,
    top: Scale | None = None,
) -> Reading:
    """``n`` and the noun it counts in the forms Arabic requires. ``written`` is the noun as the
    text has it (kept unless the needed form has the same letters); None: we supply ``noun``."""

    def pick(forms: Sequence[str]) -> str:
        if written is None:
            return forms[0]
        return next((f for f in forms if bare(f) == bare(written)), written)

    rest = n % 100
    if noun is None:  # an unknown noun: agreement and construct state only
        noun = Noun(gender, ("", "", ""), ())
    if n == 1:
        word = pick(noun.one[case : case + 1])
        if not noun.says_one:
            return Reading(word)
        return Reading(_below_thousand(1, gender, case)[0], word, noun_first=True)
    if n == 2 and noun.two:
        return Reading(noun.two[case])
    says_singular = written is None or bare(written) == bare(noun.one[0])
    if says_singular and noun.one[0] and n > 100 and rest in (1, 2):  # "مِئَةُ أَلْفٍ وَأَلْفٌ"
        more = counted(rest, case, gender, noun)
        return Reading(f"{counted(n - rest, case, gender, noun, None, top).text} وَ{more.text}")
    number = cardinal(n, gender, case, top)
    kind = slot(n)
    if kind == "plural":
        return Reading(construct(number), pick(noun.plural))
    if kind == "accusative":
        return Reading(number, pick(noun.one[Case.ACC : Case.ACC + 1]))
    if kind == "genitive":
        return Reading(construct(number), pick(noun.one[Case.GEN :]))
    return Reading(number, written or noun.one[Case.GEN])  # 0, and 101, 102 ... before a noun


def digits(text: str) -> str:
    """Digit by digit, for phone numbers and identifiers."""
    names = number_data().words["cardinal"]["digits"]
    return " ".join(names[int(d)] for d in text if d.isdigit())
