"""Date expressions to ISO 8601, resolved against the document's publication date.

"Sunday", "on Monday", "July 28", "last month", "in 2010", "2024-07-28" -> "2024-07-28",
"2024-06", "2010". Past or future is taken from the verb: "will host ... on Monday" is the
Monday after publication, "started Sunday" the Sunday on or before it.

What these patterns do not read is given to dateparser, relative to the publication date: "last
week", "two weeks ago", "in May", "earlier this month", "late last year", "Tuesday night". A
qualifier ("early", "earlier", "mid-", "late", "later") is dropped first: it narrows a period
without moving it. A week is written as the month of its Thursday (the day ISO 8601 counts a week
by), since kg's dates are days, months or years.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})(?:,?\s+(\d{4}))?\b")


def resolve(text: str, published: date | None, *, future: bool = False) -> str | None:
    """The ISO 8601 date (or year-month, or year) a date expression names; None if it names none."""
    lowered = text.lower().strip()
    if m := _ISO.search(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    for pattern, order in ((_MONTH_DAY, "md"), (_DAY_MONTH, "dm")):
        if m := pattern.search(text):
            month_word, day = (m[1], m[2]) if order == "md" else (m[2], m[1])
            month = MONTHS.get(month_word.lower())
            if month:
                year = int(m[3]) if m[3] else (published.year if published else None)
                if year is None:
                    return None
                return _valid(year, month, int(day))
    if published is not None:
        for name, weekday in WEEKDAYS.items():
            if re.search(rf"\b{name}\b", lowered):
                delta = (weekday - published.weekday()) % 7
                if future:
                    day = published + timedelta(days=delta)
                else:
                    day = published - timedelta(days=(published.weekday() - weekday) % 7)
                return day.isoformat()
        if "today" in lowered or "this morning" in lowered or "tonight" in lowered:
            return published.isoformat()
        if "yesterday" in lowered:
            return (published - timedelta(days=1)).isoformat()
        if "tomorrow" in lowered:
            return (published + timedelta(days=1)).isoformat()
        if "last month" in lowered:
            first = published.replace(day=1) - timedelta(days=1)
            return f"{first.year:04d}-{first.month:02d}"
        if "next month" in lowered:
            nxt = (published.replace(day=28) + timedelta(days=4)).replace(day=1)
            return f"{nxt.year:04d}-{nxt.month:02d}"
        if "this month" in lowered:
            return f"{published.year:04d}-{published.month:02d}"
        if "last year" in lowered:
            return f"{published.year - 1:04d}"
        if "next year" in lowered:
            return f"{published.year + 1:04d}"
        if "this year" in lowered:
            return f"{published.year:04d}"
        for name, month in MONTHS.items():
            if len(name) > 3 and re.search(rf"\b{name}\b", lowered):
                year = published.year
                if future and month < published.month:
                    year += 1
                elif not future and month > published.month:
                    year -= 1
                return f"{year:04d}-{month:02d}"
    if m := _YEAR.search(text):
        return m[1]
    if published is not None:
        return _relative(text, published, future=future)
    return None


#: Words that narrow a period without moving it ("earlier this month" is this month), and articles
_QUALIFIERS = re.compile(r"\b(?:earlier|early|later|late|mid|the|of)\b-?|[,.]", re.I)
#: What dateparser's "now" stands for: "the 1990s", "now", "currently" are no date of an event
_PERIODS = ("day", "part_of_day", "week", "month", "year")


def _relative(text: str, published: date, *, future: bool) -> str | None:
    """A relative date expression, as dateparser reads it against the publication date."""
    words = " ".join(_QUALIFIERS.sub(" ", text).split())
    if not words or not re.search(r"[A-Za-z]", words):
        return None
    found = _parser(published, future).get_date_data(words)
    when, period = found.date_obj, found.period
    if when is None or period not in _PERIODS:
        return None
    day = when.date()
    if period == "year":
        return f"{day.year:04d}"
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "week":
        thursday = day + timedelta(days=3 - day.weekday())
        return f"{thursday.year:04d}-{thursday.month:02d}"
    return day.isoformat()


@lru_cache(maxsize=64)
def _parser(published: date, future: bool) -> DateDataParser:
    """dateparser for English, relative to the publication date (one per date and direction)."""
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(published.year, published.month, published.day),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_TIME_AS_PERIOD": True,
    }
    return DateDataParser(languages=["en"], settings=settings)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
