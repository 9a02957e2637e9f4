"""Coded dates with their precision, as closed intervals of calendar days.

The article dates things at very different grains: "1 May 2009", "January 2012", "2004",
"early 2000s", "prior to September 2010". A point would overstate what is known, so every
coded date becomes the interval of days it covers; a figure then draws a span, not a point.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# One end of a coded date: year, year-month, year-month-day, year-quarter or year-half.
_PART = re.compile(
    r"(?P<year>\d{4})(?:-(?:(?P<quarter>Q[1-4])|(?P<half>H[12])|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?"
)


@dataclass(frozen=True)
class Interval:
    start: date
    end: date

    def years(self) -> range:
        """The calendar years the interval touches."""
        return range(self.start.year, self.end.year + 1)


def _bounds(part: str) -> Interval:
    match = _PART.fullmatch(part)
    if not match:
        raise ValueError(
            f"'{part}' is not a coded date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn)"
        )
    year = int(match["year"])
    if match["quarter"]:
        first_month = 3 * (int(match["quarter"][1]) - 1) + 1
        last_month = first_month + 2
    elif match["half"]:
        first_month = 6 * (int(match["half"][1]) - 1) + 1
        last_month = first_month + 5
    elif match["month"]:
        first_month = last_month = int(match["month"])
        if not 1 <= first_month <= 12:
            raise ValueError(f"'{part}' has month {first_month}; months run 01-12")
    else:
        first_month, last_month = 1, 12
    if match["day"]:
        day = int(match["day"])
        if not 1 <= day <= calendar.monthrange(year, first_month)[1]:
            raise ValueError(f"'{part}' is not a day of the calendar")
        return Interval(date(year, first_month, day), date(year, first_month, day))
    last_day = calendar.monthrange(year, last_month)[1]
    return Interval(date(year, first_month, 1), date(year, last_month, last_day))


def parse_coded_date(coded: str) -> Interval:
    """`2009-05-01` → that day; `2009-Q3/2009-Q4` → 1 July to 31 December 2009.

    An interval `A/B` runs from the first day of A to the last day of B.
    """
    parts = coded.split("/")
    if len(parts) > 2:
        raise ValueError(f"'{coded}' has more than one '/'")
    start = _bounds(parts[0])
    end = _bounds(parts[-1])
    if end.end < start.start:
        raise ValueError(f"'{coded}' ends before it starts")
    return Interval(start.start, end.end)


#: The grain each precision term implies for a single coded part.
_PRECISION_OF_PART = {
    "day": "day",
    "month": "month",
    "quarter": "quarter",
    "half": "half",
    "year": "year",
}


def implied_precision(coded: str) -> str:
    """The precision a coded date states by its form; intervals of years read as `years`."""
    parts = coded.split("/")
    grains = set()
    for part in parts:
        match = _PART.fullmatch(part)
        if not match:
            raise ValueError(f"'{part}' is not a coded date")
        if match["day"]:
            grains.add("day")
        elif match["month"]:
            grains.add("month")
        elif match["quarter"]:
            grains.add("quarter")
        elif match["half"]:
            grains.add("half")
        else:
            grains.add("year")
    if len(parts) == 2 and grains == {"year"}:
        return "years"
    return grains.pop() if len(grains) == 1 else "mixed"


def precision_agrees(coded: str, precision: str) -> bool:
    """Whether the precision term fits the coded form.

    `decade_part` ("early 2000s") is an interval of years by form; a span of quarters
    ("Q3–Q4 2009") keeps the grain of its ends.
    """
    implied = implied_precision(coded)
    if precision == "decade_part":
        return implied == "years"
    if precision == "bounded":
        # Only bounds are known ("after 2003, year not given"): any interval of two parts.
        return "/" in coded
    return implied == precision


def prose_date(coded: str, precision: str | None = None) -> str:
    """A coded date as prose states it.

    `2009-05-01` → "1 May 2009"; `2012-01` → "January 2012"; `2009-Q3/2009-Q4` → "Q3–Q4 2009";
    `2009-07/2011-04` → "July 2009–April 2011"; `2000/2003` with precision `decade_part` →
    "early 2000s" (the coding rule read backwards); `2003/2011` with precision `bounded` →
    "between 2003 and 2011 (year not given)".
    """
    if "/" in coded:
        start, end = coded.split("/")
        if precision == "bounded":
            return f"between {_prose_part(start)} and {_prose_part(end)} (year not given)"
        if precision == "decade_part" and start.isdigit() and end.isdigit():
            first, last = int(start), int(end)
            part = {(0, 3): "early", (3, 6): "mid", (7, 9): "late"}.get((first % 10, last % 10))
            if part and first // 10 == last // 10:
                return f"{part} {first // 10 * 10}s"
        if start[:4] == end[:4] and len(start) > 4 and len(end) > 4:
            return f"{_prose_part(start).rsplit(' ', 1)[0]}–{_prose_part(end)}"
        return f"{_prose_part(start)}–{_prose_part(end)}"
    return _prose_part(coded)


def _prose_part(coded: str) -> str:
    match = _PART.fullmatch(coded)
    if not match:
        raise ValueError(f"'{coded}' is not a coded date")
    year = match["year"]
    if match["day"]:
        return f"{int(match['day'])} {calendar.month_name[int(match['month'])]} {year}"
    if match["month"]:
        return f"{calendar.month_name[int(match['month'])]} {year}"
    if match["quarter"]:
        return f"{match['quarter']} {year}"
    if match["half"]:
        return f"H{match['half'][1]} {year}"
    return year
