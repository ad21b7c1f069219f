"""When an article was published, from what front matter, pages and feeds say: ISO 8601 and RFC 822
in any digits (Western, Eastern Arabic, Persian), a YAML date, a Hijri date, a date with an Arabic
month name.

What cannot be a publish date is dropped with a warning, so the episode is dated when it is
rendered rather than wrongly: no date at all was the old silent result of an Arabic-worded date,
a Hijri year became a pubDate 580 years back, Eastern Arabic digits were an internal error.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import math
import re
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any

from newsaudio.resources import data_toml

log = logging.getLogger(__name__)

# ٠-٩ and ۰-۹ as 0-9.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_WORDED = re.compile(r"([0-9]{1,2})\s+(\D+?)\s+([0-9]{4})")
# Years a Hijri date has in news (1300 AH = 1882): a Gregorian news date is never this early.
_HIJRI_YEARS = range(1300, 1600)
_FUTURE = timedelta(days=2)  # beyond time zones and a scheduled publication: a mistake


def published_date(value: Any, now: datetime | None = None) -> datetime | None:
    """The publish date ``value`` gives, or None (with a warning naming it) when it gives none.

    >>> published_date("٢٠٢٥-٠٤-٢٨")
    datetime.datetime(2025, 4, 28, 0, 0)
    >>> published_date("28 أبريل 2025")
    datetime.datetime(2025, 4, 28, 0, 0)
    >>> published_date("1446-10-29")  # 29 Shawwal 1446
    datetime.datetime(2025, 4, 28, 0, 0)
    >>> published_date("Mon, ٢٨ Apr ٢٠٢٥ 10:00:00 +0300").isoformat()
    '2025-04-28T10:00:00+03:00'
    """
    when = _read(value)
    if when is None:
        if value not in (None, ""):
            log.warning("%r is not a date newsaudio can read; the render time is used", value)
        return None
    now = now or datetime.now(timezone.utc)
    if (when if when.tzinfo else when.replace(tzinfo=timezone.utc)) > now + _FUTURE:
        log.warning("%r is in the future; the render time is used", value)
        return None
    if when.year < 1900:
        log.warning("%r is too early to be a publish date; the render time is used", value)
        return None
    return when


def _read(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return _calendar(value.year, value.month, value.day)
    if not isinstance(value, (str, int)):
        return None
    text = _MARKS.sub("", str(value).strip().translate(_DIGITS))
    # Python before 3.11 reads neither "Z" nor "+0300" offsets.
    iso = re.sub(r"([+-][0-9]{2})([0-9]{2})$", r"\1:\2", re.sub(r"Z$", "+00:00", text))
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        pass
    else:
        return when if when.year not in _HIJRI_YEARS else _calendar(*when.timetuple()[:3])
    with contextlib.suppress(TypeError, ValueError, IndexError):
        # RFC 822, as feeds date their items ("Mon, 28 Apr 2025 10:00:00 +0300").
        return email.utils.parsedate_to_datetime(text)
    day = _ISO_DAY.match(text)
    if day:
        return _calendar(*map(int, day.groups()))
    worded = _WORDED.search(text)
    if worded:
        number, calendar = _months().get(worded[2].strip(), (0, ""))
        if number:
            year, month, day_ = int(worded[3]), number, int(worded[1])
            if calendar == "hijri":
                return _hijri(year, month, day_)
            return _calendar(year, month, day_)
    return None


def _calendar(year: int, month: int, day: int) -> datetime | None:
    """A Gregorian date, or the Gregorian day of a Hijri one (by its year); None if impossible."""
    if year in _HIJRI_YEARS:
        return _hijri(year, month, day)
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _hijri(year: int, month: int, day: int) -> datetime | None:
    """The Gregorian day of a Hijri date, by the arithmetical (tabular) Islamic calendar: within a
    day or two of the observed Umm al-Qura calendar, which is as close as a date without a time
    needs to be."""
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    julian_day = (
        day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948439
    )
    return datetime.fromordinal(julian_day - 1721425)


@cache
def _months() -> dict[str, tuple[int, str]]:
    """Every month name of ``dates.toml`` without vowel marks: (its number, its calendar)."""
    data = data_toml("dates.toml")
    names: dict[str, tuple[int, str]] = {}
    for calendar in ("gregorian", "levantine", "hijri"):
        for number, spellings in enumerate(data[calendar], 1):
            for spelling in spellings:
                names.setdefault(_MARKS.sub("", spelling), (number, calendar))
                # Written without the case ending a name takes after مِنْ ("أبريل", "شوال").
                names.setdefault(_MARKS.sub("", spelling).removesuffix("ٍ"), (number, calendar))
    return names
