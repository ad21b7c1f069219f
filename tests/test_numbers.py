"""Numbers, dates, times, percentages and currencies as voweled words (textprep/numbers.py,
textprep/dates.py): one table per family in tests/data, checked by a reader of Arabic."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from newsaudio.resources import data_toml
from newsaudio.textprep import expand
from newsaudio.textprep.dates import calendar
from newsaudio.textprep.number_words import bare, number_data
from newsaudio.textprep.numbers import expand_numbers
from newsaudio.textprep.trace import Trace

from .conftest import DATA

TABLES = ["numbers", "counted", "percent", "currency", "ranges", "dates", "times", "ordinals"]
# Tables read through the whole front end (``expand``): Latin unit symbols, model names.
EXPANDED = ["units", "forms", "syntax"]
# What must never reach the engine: digits of any script and the signs the rules read.
_UNREAD = re.compile(r"[0-9٠-٩۰-۹%٪$€£]")
_MARKS = "\u064b-\u0652\u0670"


def _rows(name: str) -> list[Any]:
    rows = []
    for number, line in enumerate((DATA / f"{name}.tsv").read_text("utf-8").splitlines(), 1):
        if line and not line.startswith("#"):
            written, spoken = line.split("\t")
            rows.append(pytest.param(written, spoken, id=f"{name}:{number}"))
    return rows


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(("written", "spoken"), [row for t in TABLES for row in _rows(t)])
def test_table(written: str, spoken: str) -> None:
    assert expand_numbers(written) == _nfc(spoken)


@pytest.mark.parametrize(("written", "spoken"), [row for t in EXPANDED for row in _rows(t)])
def test_expanded_table(written: str, spoken: str) -> None:
    assert expand(written) == _nfc(spoken)


@pytest.mark.parametrize("name", TABLES + EXPANDED)
def test_tables_leave_nothing_unread(name: str) -> None:
    for row in _rows(name):
        written, spoken = row.values
        assert not _UNREAD.search(spoken), written


ARTICLE = (
    "أعلنت الوزارة مقتل 28 شخصًا وإصابة 150 آخرين في 15 يناير 2025. وقال المتحدث إن الخسائر "
    "بلغت $3 مليارات، أي نحو 2.5% من الناتج، وإن التضخم بلغ ١٢٫٥٪ في عام 2024م مقارنة بـ 9% "
    "عام 2023. وتعقد القمة الـ33 يوم 15/5/2025 الساعة 10:30 صباحًا، وتستمر 3 أيام. للتواصل: "
    "00201001234567. وشهد القرن 20 حربين، بين 1914-1918 و1939-1945. وبلغ سعر البرميل 85 "
    "دولارا، والطن 1٬200 يورو، و£1، و€40، وحصل على 3/4 الأصوات. وفي 1446هـ، و-5 درجات، و۱۴۰۳."
)


def test_an_article_leaves_no_digit_or_sign() -> None:
    assert not _UNREAD.search(expand_numbers(ARTICLE))


def test_through_the_pipeline_front_end() -> None:
    """normalize() runs first: "بـ 9%" arrives as "ب9%", tatweel is gone."""
    spoken = expand(ARTICLE)
    assert not _UNREAD.search(spoken)
    assert "بِتِسْعَةٍ فِي الْمِئَةِ" in spoken
    assert "الثَّالِثَةُ وَالثَّلَاثُونَ" in spoken


def test_text_without_numbers_is_unchanged() -> None:
    text = "قَالَ الرئيس إن الوضع صعب، وإن القرن الماضي انتهى. في المئة من الحالات"
    assert expand_numbers(text) == text


def test_each_family_is_traced_under_its_rule_name() -> None:
    trace = Trace()
    expand_numbers(
        "في 15 يناير 2025 الساعة 10:30 عام 2024 رقم 00201001234567 القرن 21 بنسبة 15% "
        "بين 2020-2024، بلغت $5 ثم 3/4 ثم 12 جنديًا",
        trace,
    )
    rules = {change.rule: change.before.strip() for change in trace.changes}
    assert rules == {
        "date": "15 يناير 2025",
        "time": "الساعة 10:30",
        "year": "عام 2024",
        "digits": "00201001234567",
        "ordinal": "القرن 21",
        "percent": "15%",
        "range": "2020-2024",
        "currency (object of a verb)": "$5",
        "fraction": "3/4",
        "number": "12 جنديًا",
    }


def test_new_families_are_traced_for_explain() -> None:
    """``newsaudio text --explain`` names the rules of units, model names, phone numbers and
    fraction signs."""
    trace = Trace()
    expand("قطع 10 km ثم 5 كم بطائرة ميغ-29، اتصل على +971 4 123 4567، ½", trace=trace)
    rules = {(change.rule, change.before.strip()) for change in trace.changes}
    assert {
        ("unit", "km"),
        ("unit", "10 كم"),
        ("unit", "5 كم"),
        ("model", "-29"),
        ("digits", "+971 4 123 4567"),
        ("fraction", "½"),
    } <= rules


def test_explain_names_a_verb_that_set_the_case() -> None:
    trace = Trace()
    expand_numbers("نشر الجيش 40 دبابة، وبلغت الخسائر 5%، وفي 3 مدن", trace)
    assert {change.rule: change.before for change in trace.changes} == {
        "number (object of a verb)": "40 دبابة",
        "percent (object of a verb)": "5%",
        "number": "3 مدن",
    }


def test_every_month_name_is_read() -> None:
    for key, month in calendar().months.items():
        spoken = expand_numbers(f"في 15 {key} 2025")
        assert spoken.startswith("في الْخَامِسَ عَشَرَ مِنْ "), key
        assert bare(month.spoken) in bare(spoken), key
        assert not _UNREAD.search(spoken), key


@pytest.mark.parametrize("word", sorted(number_data().currency_words))
def test_every_currency_word_is_counted(word: str) -> None:
    spoken = expand_numbers(f"المجموع 7 {word}")
    assert not _UNREAD.search(spoken)
    assert spoken.startswith(("المجموع سَبْعُ ", "المجموع سَبْعَةُ ")), spoken


def _spoken_words(value: Any, skip: frozenset[str]) -> Iterator[str]:
    """Every word the data files give to be spoken (not the look-up lists)."""
    if isinstance(value, str):
        yield from value.split()
    elif isinstance(value, list):
        for item in value:
            yield from _spoken_words(item, skip)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _spoken_words(item, skip)


def _may_be_bare(word: str, i: int) -> bool:
    """Letters that go without a mark in a fully voweled word: long vowels and madda, alif at the
    start (hamzat al-wasl) or of the article, and the article's lam before a sun letter."""
    ch = word[i]
    sun_lam = ch == "ل" and word[i - 1 : i] == "ا" and "\u0651" in word[i + 2 : i + 4]
    return ch in "اىويآ" or sun_lam


@pytest.mark.parametrize(
    ("name", "skip"),
    [
        ("numbers.toml", frozenset({"context"})),
        ("currencies.toml", frozenset({"symbols", "gender"})),
        ("dates.toml", frozenset({"hijri_spellings", "years", "dates", "context"})),
        ("units.toml", frozenset({"symbols", "latin", "gender", "context"})),
    ],
)
def test_data_words_are_fully_voweled(name: str, skip: frozenset[str]) -> None:
    """The diacritizer keeps marks already written, so every spoken data word must carry its own
    vowels: a bare consonant would be left to the model's guess."""
    data = data_toml(name)
    data.get("ordinal", {}).pop("nouns", None)  # look-up keys with their gender, not words
    for word in _spoken_words(data, skip):
        if not re.search("[\u0621-\u064a]", word) or word in ("m", "f"):
            continue
        word = _nfc(word)
        unmarked = [
            i
            for i, ch in enumerate(word)
            if "\u0621" <= ch <= "\u064a"
            and not re.match(f"[{_MARKS}]", word[i + 1 : i + 2])
            and not _may_be_bare(word, i)
        ]
        assert not unmarked, f"{name}: {word} has a bare letter at {unmarked}"
