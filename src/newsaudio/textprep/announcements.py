"""What an edition's voice says around its articles: the opening (title, date, how many articles,
how long), "الخبر الثالث من سبعة" before each headline, the closing.

The phrases are templates in ``data/edition.toml``; the numbers in them are words from
:mod:`newsaudio.textprep.number_words`, in the gender and case their place needs: an ordinal that
agrees with "الخبر" (masculine), a count after "من" in the genitive with the gender opposite to the
counted noun's (3-10), minutes and hours counted as nouns ("ثَلَاثُ دَقَائِقَ", "دَقِيقَتَانِ").
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from newsaudio.resources import data_toml
from newsaudio.textprep.dates import calendar
from newsaudio.textprep.number_words import Case, Noun, bare, cardinal, counted, ordinal


@cache
def _data() -> dict[str, Any]:
    return data_toml("edition.toml")


@cache
def _noun(name: str) -> Noun:
    entry = _data()["nouns"][name]
    two = entry["two"]
    one = (entry["one"][0], entry["one"][1], entry["one"][2])
    return Noun(entry["gender"], one, tuple(entry["plural"]), (two[0], two[1], two[2]))


def article_count(n: int) -> str:
    """``n`` articles, as the subject of a sentence.

    >>> article_count(7), article_count(2), article_count(11)
    ('سَبْعَةُ أَخْبَارٍ', 'خَبَرَانِ', 'أَحَدَ عَشَرَ خَبَرًا')
    """
    return counted(n, Case.NOM, "m", _noun("خبر")).text


def length_words(ms: int) -> str:
    """A length in whole minutes (rounded), with hours past the hour; under half a minute, "less
    than a minute".

    >>> length_words(754_000), length_words(120_000), length_words(3_900_000)
    ('ثَلَاثَ عَشْرَةَ دَقِيقَةً', 'دَقِيقَتَانِ', 'سَاعَةٌ وَخَمْسُ دَقَائِقَ')
    """
    minutes = round(ms / 60_000)
    if minutes == 0:
        return str(_data()["opening"]["short"])
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(counted(hours, Case.NOM, "f", _noun("ساعة")).text)
    if minutes:
        parts.append(counted(minutes, Case.NOM, "f", _noun("دقيقة")).text)
    # "سَاعَةٌ وَاحِدَةٌ" says one twice over: the noun alone says it.
    parts = [p.removesuffix(" وَاحِدَةٌ") for p in parts]
    return " وَ".join(parts)


def spoken_length(ms: int) -> str:
    """What :func:`length_words` says, as a key that changes only when the words do."""
    return bare(length_words(ms))


def announcement(number: int, total: int) -> str:
    """What is said before article ``number`` of ``total``.

    >>> announcement(3, 7)
    'الْخَبَرُ الثَّالِثُ مِنْ سَبْعَةٍ.'
    >>> announcement(1, 2), announcement(11, 12)
    ('الْخَبَرُ الْأَوَّلُ مِنَ اثْنَيْنِ.', 'الْخَبَرُ الْحَادِيَ عَشَرَ مِنَ اثْنَيْ عَشَرَ.')
    """
    article = _data()["article"]
    if total == 1:
        return str(article["only"])
    text = article["announce"].format(
        ordinal=ordinal(number, "m", Case.NOM),
        total=cardinal(total, "m", Case.GEN),
    )
    # "مِنْ" before the hamzat al-wasl of "اثنين"/"اثني عشر" takes a fatha: "مِنَ اثْنَيْنِ".
    return str(text).replace("مِنْ اثْ", "مِنَ اثْ")


def written_date(day: date) -> str:
    """A date as the opening writes it, for the date rules to read: "5 ديسمبر 2026"."""
    month = bare(calendar().numbered("gregorian", day.month))
    return f"{day.day} {month} {day.year}"


def opening_blocks(title: str, day: date, articles: int, length_ms: int) -> tuple[str, str]:
    """The opening after its title: the date, then the number of articles and the length."""
    opening = _data()["opening"]
    return (
        str(opening["date"].format(date=written_date(day))),
        str(
            opening["contents"].format(
                count=article_count(articles), length=length_words(length_ms)
            )
        ),
    )


def source_line(source: str) -> str:
    """The line after an article whose publisher is known."""
    return str(_data()["article"]["source"].format(source=source))


def closing() -> tuple[str, str]:
    """The edition's closing: its chapter title and what is said."""
    data = _data()["closing"]
    return str(data["title"]), str(data["text"])
