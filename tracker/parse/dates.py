"""Dates as web pages write them: ISO and W3C times, prose dates in listings, dates in URLs.

Every function returns timezone-aware UTC datetimes. A time written without a zone is read
in ``local_tz`` (UTC unless the caller knows better, e.g. an exchange's home zone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

MIN_YEAR = 1990
MAX_YEAR = 2100

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

# One alternative per way of writing a date; the first that reads as a real date wins.
_DATE = re.compile(
    r"(?<![\d])(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"  # 2026-11-12
    r"|(?P<sy>\d{4})[/.](?P<sm>\d{1,2})[/.](?P<sd>\d{1,2})"  # 2026/11/12, 2026.11.12
    r"|(?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日"  # 2026年11月12日
    r"|(?P<dd>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<dmon>[A-Za-z]{3,9})\.?,?\s+(?P<dy>\d{4})"
    r"|(?P<mmon>[A-Za-z]{3,9})\.?\s+(?P<md>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<my>\d{4})"
    r"|(?P<na>\d{1,2})[/.-](?P<nb>\d{1,2})[/.-](?P<ny>\d{4})"  # 12/11/2026: see dayfirst
    r")(?!\d)"
)
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_TIME = re.compile(
    r"(?:T|,?\s*(?:at\s+)?|\s+[–—|-]\s+)"
    r"(?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?",
)
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[/_-]?(?P<m>0[1-9]|1[0-2])[/_-]?"
    r"(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
_DATE_ONLY = re.compile(r"\s*\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?\s*")
_YEAR_MONTH = re.compile(r"\s*(\d{4})(?:-(\d{1,2}))?\s*")


def _build(
    year: int, month: int, day: int, local_tz: tzinfo, time: re.Match[str] | None = None
) -> datetime | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    hour = minute = second = 0
    zone = local_tz
    if time is not None:
        hour, minute = int(time["h"]), int(time["min"])
        second = int(time["s"] or 0)
        ampm = (time["ampm"] or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        zone = _zone(time["tz"]) or local_tz
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None


def _zone(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(sign * offset)


def is_date_only(value: str) -> bool:
    """True when ``value`` is a W3C date without a time of day (2026, 2026-11, 2026-11-12)."""
    return _DATE_ONLY.fullmatch(value) is not None


def parse_datetime(value: str | None, *, local_tz: tzinfo = UTC) -> datetime | None:
    """Read a machine-written time: ISO 8601 / W3C (also 2026-11 and 2026), RFC 2822,
    else the first prose date in ``value``; None when nothing reads as a date."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        parsed = None
    if parsed is not None:
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=local_tz)
        return parsed.astimezone(UTC)
    partial = _YEAR_MONTH.fullmatch(text)
    if partial:
        return _build(int(partial[1]), int(partial[2] or 1), 1, local_tz)
    if re.match(r"[A-Za-z]{3},", text):
        try:
            mail = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            mail = None
        if mail is not None:
            if mail.tzinfo is None:
                mail = mail.replace(tzinfo=local_tz)
            return mail.astimezone(UTC)
    return find_date(text, local_tz=local_tz)


def infer_dayfirst(texts: Iterable[str]) -> bool | None:
    """Whether the numeric dates (03/04/2026) of one page put the day first.

    True when one of them can only be day-first (13/11/2026), False when one can only be
    month-first (11/13/2026), None when none tells (or they contradict each other).
    """
    dayfirst = monthfirst = False
    for text in texts:
        for match in _NUMERIC.finditer(text):
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                dayfirst = True
            elif second > 12 >= first:
                monthfirst = True
    if dayfirst == monthfirst:
        return None
    return dayfirst


def find_date(
    text: str, *, dayfirst: bool | None = None, local_tz: tzinfo = UTC
) -> datetime | None:
    """The first date written in ``text``, with its time of day when one follows.

    Reads 2026-11-12, 2026/11/12, 12 Nov 2026, 12th November 2026, Nov. 12, 2026,
    2026年11月12日 and numeric 12/11/2026. A numeric date whose day and month could swap
    (03/04/2026) is read only when ``dayfirst`` says which comes first (see infer_dayfirst).
    Relative dates ("3 hours ago") are not read.
    """
    found = find_date_span(text, dayfirst=dayfirst, local_tz=local_tz)
    return found[0] if found else None


def find_date_span(
    text: str, *, dayfirst: bool | None = None, local_tz: tzinfo = UTC
) -> tuple[datetime, int, int] | None:
    """Like find_date, with where the date (and its time) starts and ends in ``text``."""
    for match in _DATE.finditer(text):
        year = month = day = 0
        if match["iy"]:
            year, month, day = int(match["iy"]), int(match["im"]), int(match["id"])
        elif match["sy"]:
            year, month, day = int(match["sy"]), int(match["sm"]), int(match["sd"])
        elif match["cy"]:
            year, month, day = int(match["cy"]), int(match["cm"]), int(match["cd"])
        elif match["dmon"]:
            month = MONTHS.get(match["dmon"].lower(), 0)
            year, day = int(match["dy"]), int(match["dd"])
        elif match["mmon"]:
            month = MONTHS.get(match["mmon"].lower(), 0)
            year, day = int(match["my"]), int(match["md"])
        else:
            first, second, year = int(match["na"]), int(match["nb"]), int(match["ny"])
            if first > 12 >= second or (dayfirst is True and second <= 12):
                day, month = first, second
            elif second > 12 >= first or (dayfirst is False and first <= 12):
                month, day = first, second
            else:
                continue
        if not month:
            continue
        time = _TIME.match(text, match.end())
        if time is not None and not (int(time["h"]) < 24 and int(time["min"]) < 60):
            time = None
        built = _build(year, month, day, local_tz, time)
        if built is not None:
            return built, match.start(), time.end() if time is not None else match.end()
    return None


def date_from_url(url: str) -> datetime | None:
    """The date a URL's path spells (/2026/11/12/..., /2026-11-12-slug, /2026/1112/...).

    A year and month alone (/2026/11/slug) is not a date; midnight UTC is returned.
    """
    path = urlsplit(url).path
    for match in _URL_DATE.finditer(path):
        built = _build(int(match["y"]), int(match["m"]), int(match["d"]), UTC)
        if built is not None:
            return built
    return None
