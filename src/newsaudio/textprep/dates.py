"""Dates, years and times as fully voweled Arabic words; the first rules of ``expand_numbers``.

A date is read "<day as a masculine ordinal> مِنْ <month> عَامَ <year>", the way news readers say
it: "15 يناير 2025" and "15/1/2025" → "الْخَامِسَ عَشَرَ مِنْ يَنَايِرَ عَامَ أَلْفَيْنِ وَخَمْسَةٍ
وَعِشْرِينَ". Month names are Gregorian (Egypt/Gulf and Maghreb spellings), Levantine ("كانون
الثاني") and Hijri; a numeric date is Gregorian unless "هـ" follows it. Numeric dates are
day/month/year; when the second number cannot be a month (1/15/2025) the first one is. The day is
genitive unless the word before says otherwise (most dates follow في، منذ or a weekday).

Years after a time word are cardinals in the case the grammar gives them. After an indefinite
one (عام، سنة، عامي) the year completes an idafa and is genitive ("منذ عام 2025" → "منذ عام
أَلْفَيْنِ وَخَمْسَةٍ وَعِشْرِينَ"). After a definite one (العام، السنة، العامين, with up to two
adjectives: "العام الماضي 2024", "السنة المالية 2025") the year is in apposition (badal) and
takes that word's case (:func:`~newsaudio.textprep.number_case.head_case`): genitive in "في العام
الماضي 2024", nominative in "العام 2024 كان", accusative in "إن العام 2025". "م"/"هـ"/"ق.م"
after a year become "لِلْمِيلَادِ"/"لِلْهِجْرَةِ"/"قَبْلَ الْمِيلَادِ". Times are
feminine ordinals: "10:30" → "الْعَاشِرَةَ وَالنِّصْفَ", "الساعة 3 عصرًا" → "السَّاعَةَ الثَّالِثَةَ
عصرًا" (accusative, the case of a time adverb, unless a preposition comes before); ":15" and ":30"
are "وَالرُّبْعُ" and "وَالنِّصْفُ", other minutes are counted ("وَخَمْسُ دَقَائِقَ"); 24-hour times
keep their hour ("الرَّابِعَةَ عَشْرَةَ").

Limits: "1/3" with no date word before it is a fraction, "15/1" a date; a two-digit year is read
as written ("15/1/25" → "عَامَ خَمْسَةٍ وَعِشْرِينَ"); times are not converted to 12-hour form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsaudio.resources import data_toml
from newsaudio.textprep.number_case import case_at, context_case, head_case, with_proclitic
from newsaudio.textprep.number_words import Case, bare, cardinal, counted, number_data, ordinal
from newsaudio.textprep.quantity import PRE, Rule, fuzzy, spaced
from newsaudio.textprep.trace import Trace

_GREGORIAN, _HIJRI = "gregorian", "hijri"


@dataclass(frozen=True)
class Month:
    calendar: str  # "gregorian" (Levantine names included) or "hijri"
    number: int  # 1-12
    spoken: str  # voweled, in the genitive after "مِنْ"


@dataclass(frozen=True)
class Calendar:
    """dates.toml, with month names keyed by their unvoweled spelling."""

    words: dict[str, Any]
    months: dict[str, Month]

    def numbered(self, calendar: str, number: int) -> str:
        """The name read for month ``number`` of a numeric date."""
        return str(self.words[calendar][number - 1][0])


@cache
def calendar() -> Calendar:
    words: dict[str, Any] = data_toml("dates.toml")
    months: dict[str, Month] = {}
    for name, kind in (("gregorian", _GREGORIAN), ("levantine", _GREGORIAN), ("hijri", _HIJRI)):
        for number, spellings in enumerate(words[name], start=1):
            for spelling in spellings:
                months.setdefault(bare(spelling), Month(kind, number, spelling))
    for spelling, number in words["hijri_spellings"].items():
        months[bare(spelling)] = Month(_HIJRI, number, words["hijri"][number - 1][0])
    return Calendar(words, months)


def _key(written: str) -> str:
    """A month name or era marker as a look-up key: unvoweled, single spaces."""
    return re.sub(r"\s+", " ", bare(written))


def _era(written: str | None) -> str:
    if not written:
        return ""
    return " " + str(calendar().words["eras"][_key(written)])


def _date(day: int, month: str, case: Case, year: str | None = None, era: str | None = None) -> str:
    """A date as read: "الْخَامِسَ عَشَرَ مِنْ يَنَايِرَ [عَامَ أَلْفَيْنِ ...]"."""
    words = calendar().words["words"]
    spoken = f"{ordinal(day, 'm', case)} {words['of']} {month}"
    if year:
        spoken += f" {words['year']} {cardinal(int(year), 'm', Case.GEN)}{_era(era)}"
    return spoken


def _named_date(match: re.Match[str]) -> str:
    """A day and month name: 15 يناير 2025, 15 كانون الثاني/يناير 2025, 15 رمضان 1446هـ."""
    day = int(match["day"])
    if not 1 <= day <= 31:
        return match[0]
    months = calendar().months
    month = months[_key(match["month"])].spoken
    if match["month2"]:  # the second name of "كانون الثاني/يناير" is read too, without the slash
        month += " " + months[_key(match["month2"])].spoken
    spoken = _date(day, month, case_at(match, Case.GEN), match["year"], match["era"])
    return with_proclitic(match["pre"], spoken)


def _month_year(match: re.Match[str]) -> str:
    """A month and year: يناير 2025 → "يناير عَامَ أَلْفَيْنِ ..."; the month is left to the
    diacritizer, as its case depends on the sentence."""
    year = cardinal(int(match["year"]), "m", Case.GEN)
    return f"{match['month']} {calendar().words['words']['year']} {year}{_era(match['era'])}"


def _numeric_date(match: re.Match[str]) -> str:
    """A numeric date: 15/1/2025, 15-01-2025, 15.1.2025, 2025-01-15, 5/9/1446هـ."""
    day, month, year = int(match["d"]), int(match["m"]), match["y"]
    if match["s"] == "." and len(year) < 4:
        return match[0]
    if month > 12 and day <= 12:  # month/day/year, as some agencies write it
        day, month = month, day
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match[0]
    kind = _HIJRI if match["era"] and bare(match["era"]) == "ه" else _GREGORIAN
    name = calendar().numbered(kind, month)
    return with_proclitic(
        match["pre"], _date(day, name, case_at(match, Case.GEN), year, match["era"])
    )


def _day_month(match: re.Match[str]) -> str:
    """15/1 without a year: a date, unless it reads as a fraction ("1/3") and no date word
    ("بتاريخ", "يوم") comes before it."""
    day, month = int(match["d"]), int(match["m"])
    before = match.string[: match.start()].split()[-1:]
    after_date_word = bool(before) and bare(before[0]) in calendar().words["dates"]["triggers"]
    fraction_like = 1 <= day < month <= 10
    if (fraction_like and not after_date_word) or not (1 <= day <= 31 and 1 <= month <= 12):
        return match[0]
    name = calendar().numbered(_GREGORIAN, month)
    return with_proclitic(match["pre"], _date(day, name, case_at(match, Case.GEN)))


def _hour(hour: int, case: Case) -> str:
    time = calendar().words["time"]
    hour = hour or 12  # "00:30" is half past twelve
    return str(time["one"][case]) if hour == 1 else ordinal(hour, "f", case)


def _minutes(minutes: int, case: Case) -> str:
    time = calendar().words["time"]
    if minutes == 0:
        return ""
    if minutes in (15, 30):
        return str(time["quarter" if minutes == 15 else "half"][case])
    return "وَ" + counted(minutes, case, "f", number_data().nouns["دقيقة"]).text


def _time(match: re.Match[str]) -> str:
    """A time: 10:30 ص, الساعة 3 عصرًا, الساعة 14:05."""
    hour, minutes = int(match["h"]), int(match["min"] or 0)
    if hour > 24 or minutes > 59:
        return match[0]
    time = calendar().words["time"]
    case = context_case(match.string, match.start(), Case.ACC)
    part = time["dayparts"][bare(match["part"])] if match["part"] else ""
    if hour == 12 and bare(match["part"] or "") == "م":
        part = time["noon"]
    parts = [
        time["hour_word"][case] if match["hw"] else "",
        _hour(hour, case),
        _minutes(minutes, case),
        part,
    ]
    return " ".join(p for p in parts if p)


def _time_before(match: re.Match[str]) -> bool:
    """Whether a time was said just before: "من الساعة 3 إلى 5 م" ends in the evening."""
    before = bare(match.string[max(0, match.start() - 60) : match.start()])
    return any(word in before.split() for word in calendar().words["time"]["context"])


def _bare_hour(match: re.Match[str]) -> str:
    """ "5 م" after a time is 5 pm; anywhere else it is left for the units (5 metres)."""
    if not 1 <= int(match["h"]) <= 12 or not _time_before(match):
        return match[0]
    return _time(match)


def _measured(match: re.Match[str]) -> bool:
    """Whether a measuring word comes before: "بارتفاع 2000 م" is metres, not a year."""
    words = bare(match.string[: match.start()]).split()[-2:]
    return bool(words) and (
        words[-1] in number_data().measuring or " ".join(words) in number_data().measuring
    )


def _year(match: re.Match[str]) -> str:
    """A year: عام 2025, عامي 2012 و2013, العام الماضي 2024, سنة 1446 هـ, 2025م."""
    if not match["kw"] and match["era"] and bare(match["era"]) == "م" and _measured(match):
        return match[0]
    if not _is_era_year(match["y"], match["era"]) and not (
        match["kw"] and len(match["y"]) >= 3 and (not match["adj"] or _plausible(match["y"]))
    ):
        return match[0]
    case = _after_time_word(match) if match["kw"] else case_at(match)
    spoken = cardinal(int(match["y"]), "m", case)
    if match["y2"]:
        second = match["y2"]
        if len(second) == 2 and len(match["y"]) == 4:  # "2023-24"
            second = match["y"][:2] + second
        # "عامي 2012 و2013": the second year is coordinated with the first, in its case.
        link, second_case = ("وَ", case) if match["sep"] == "و" else ("إِلَى ", Case.GEN)
        spoken += f" {link}{cardinal(int(second), 'm', second_case)}"
    spoken += _era(match["era"])
    if match["kw"]:
        return f"{match['kw']}{match['adj']} {spoken}"
    return with_proclitic(match["pre"], spoken)


def _plausible(year: str) -> bool:
    """A number after "العام الماضي" is a year only if it could be one (a Hijri year too): "في
    العام الماضي 3850 طنا" counts tonnes."""
    return len(year) == 4 and 1300 <= int(year) <= 2100


def _after_time_word(match: re.Match[str]) -> Case:
    """The case of a year after its time word. After an indefinite one (عام، سنة، عامي; "لعام
    2025") the year completes an idafa: genitive. After a definite one (العام، السنة، العامين,
    with adjectives: "العام الماضي 2024") it is in apposition (badal) and shares that word's case:
    genitive after ب/ل/ك on it ("للعام الدراسي 1436") or as :func:`head_case` finds it."""
    word = bare(match["kw"]).lstrip("وف")
    if not word.startswith("ال"):  # "عام", "لعام", "بعام", "للعام", "بالعام"
        return Case.GEN
    years = calendar().words["years"]
    return head_case(
        match.string,
        match.start("kw"),
        frozenset(years["demonstratives"]),
        frozenset(years["subject_after"]),
    )


def _is_era_year(year: str, era: str | None) -> bool:
    """Whether 2025م is a year (100 م, metres, is not): "م" and "هـ" need a plausible year."""
    if not era:
        return False
    if bare(era) == "م":  # "3000 م" is metres: no news year is that far ahead
        return len(year) >= 3 and 300 <= int(year) <= 2100
    return bare(era) != "ه" or (len(year) >= 3 and int(year) >= 300)


@cache
def _rules() -> tuple[tuple[str, re.Pattern[str], Rule], ...]:
    words = calendar().words
    months = rf"(?:{fuzzy(calendar().months)})(?!\w)"
    eras = rf"(?P<era>(?:{fuzzy(words['eras'])})(?!\w))"
    year = rf"(?P<year>\d{{3,4}})(?:\s*{eras})?(?!\d)"
    hour_word = fuzzy(words["time"]["hour_word"])
    part = rf"(?:\s*(?P<part>(?:{fuzzy(words['time']['dayparts'])})(?!\w)))?"
    years = fuzzy(words["years"]["words"])
    adjectives = rf"(?P<adj>(?:\s+(?:{fuzzy(words['years']['adjectives'])})(?!\w)){{0,2}})"
    not_before = r"(?<![\d/.\-:])"
    patterns: list[tuple[str, str, Rule]] = [
        (
            "date",
            rf"{PRE}(?P<day>\d{{1,2}})\s+(?P<month>{months})(?:\s*/\s*(?P<month2>{months}))?"
            rf"(?:\s*,?\s*{year})?",
            _named_date,
        ),
        ("date", rf"(?<![\d\w])(?P<month>{months})\s+{year}", _month_year),
        (
            "date",
            rf"{PRE}{not_before}(?P<d>\d{{1,2}})(?P<s>[/.\-])(?P<m>\d{{1,2}})(?P=s)"
            rf"(?P<y>\d{{4}}|\d{{2}})(?![\d/.\-]\d|\d)(?:\s*{eras})?",
            _numeric_date,
        ),
        (
            "date",
            rf"{PRE}{not_before}(?P<y>\d{{4}})(?P<s>[/\-])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}})"
            rf"(?![\d/\-])(?P<era>)",
            _numeric_date,
        ),
        (
            "time",
            rf"(?:(?P<hw>{hour_word})\s+)?{not_before}(?P<h>\d{{1,2}}):(?P<min>\d{{2}})(?![\d:]){part}",
            _time,
        ),
        ("time", rf"(?P<hw>{hour_word})\s+(?P<h>\d{{1,2}})(?P<min>)(?![\d.,٫٬%٪/:]){part}", _time),
        (
            "time",
            rf"(?P<hw>){not_before}(?P<h>\d{{1,2}})(?P<min>)\s*"
            rf"(?P<part>(?:{fuzzy(words['time']['dayparts'])})(?!\w))",
            _bare_hour,
        ),
        ("date", rf"{PRE}{not_before}(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?![\d/])", _day_month),
        (
            "year",
            rf"(?:(?P<kw>(?<![^\W\d_])[وف]?[بلك]?(?:{years})){adjectives}\s+|{PRE}{not_before})"
            rf"(?P<y>\d{{1,4}})"
            rf"(?:\s*(?P<sep>[\-–—]|و)\s*(?P<y2>\d{{2,4}}))?(?:\s*{eras})?(?![\d%٪]|[.,٫٬]\d)",
            _year,
        ),
    ]
    return tuple((name, re.compile(p), spaced(rule)) for name, p, rule in patterns)


def expand_dates(text: str, trace: Trace) -> str:
    """Dates, times and years in ``text`` as words; other numbers are left for the number rules."""
    for name, pattern, rule in _rules():
        text = trace.sub(name, pattern, rule, text)
    return text
