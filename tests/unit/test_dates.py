"""Coded dates: intervals of days, precision checks and prose forms.

All inputs are SYNTHETIC coded dates written inline. They copy the awkward forms the article
uses ("early 2000s" coded `2000/2003` as `decade_part`, "Q3–Q4 2009", "prior to September 2010"
coded with the bound `2010-09`) and the slips a coder can make (month 13, 30 February, an
interval that ends before it starts); no value is read from data/raw.
"""

from __future__ import annotations

from datetime import date

import pytest

from compendium.dates import (
    Interval,
    implied_precision,
    parse_coded_date,
    precision_agrees,
    prose_date,
)

# --------------------------------------------------------------------------------------------
# parse_coded_date


@pytest.mark.parametrize(
    ("coded", "start", "end"),
    [
        pytest.param("2009-05-01", date(2009, 5, 1), date(2009, 5, 1), id="day"),
        pytest.param("2012-01", date(2012, 1, 1), date(2012, 1, 31), id="month"),
        pytest.param("2010-09", date(2010, 9, 1), date(2010, 9, 30), id="prior-to-sept-2010-bound"),
        pytest.param("2012-02", date(2012, 2, 1), date(2012, 2, 29), id="month-feb-leap-year"),
        pytest.param("2011-02", date(2011, 2, 1), date(2011, 2, 28), id="month-feb-common-year"),
        pytest.param("2004", date(2004, 1, 1), date(2004, 12, 31), id="year"),
        pytest.param("2009-Q3", date(2009, 7, 1), date(2009, 9, 30), id="quarter"),
        pytest.param("2009-Q4", date(2009, 10, 1), date(2009, 12, 31), id="last-quarter"),
        pytest.param("2009-H1", date(2009, 1, 1), date(2009, 6, 30), id="first-half"),
        pytest.param("2009-H2", date(2009, 7, 1), date(2009, 12, 31), id="second-half"),
        pytest.param("2009-Q3/2009-Q4", date(2009, 7, 1), date(2009, 12, 31), id="q3-q4-2009"),
        pytest.param("2000/2003", date(2000, 1, 1), date(2003, 12, 31), id="early-2000s"),
        pytest.param(
            "2009-07/2011-04", date(2009, 7, 1), date(2011, 4, 30), id="months-across-years"
        ),
        pytest.param("2012-02-29", date(2012, 2, 29), date(2012, 2, 29), id="29-february-leap"),
        pytest.param("2000-02-29", date(2000, 2, 29), date(2000, 2, 29), id="29-february-2000"),
        pytest.param("2009/2009", date(2009, 1, 1), date(2009, 12, 31), id="same-year-twice"),
    ],
)
def test_coded_date_becomes_the_interval_of_days_it_covers(coded, start, end):
    assert parse_coded_date(coded) == Interval(start, end)


@pytest.mark.parametrize(
    ("coded", "message"),
    [
        pytest.param("2009-13", "'2009-13' has month 13; months run 01-12", id="month-13"),
        pytest.param("2009-00", "'2009-00' has month 0; months run 01-12", id="month-00"),
        pytest.param(
            "2009-13-01", "'2009-13-01' has month 13; months run 01-12", id="day-in-month-13"
        ),
        pytest.param("2010-02-30", "'2010-02-30' is not a day of the calendar", id="30-february"),
        pytest.param(
            "2011-02-29", "'2011-02-29' is not a day of the calendar", id="29-february-common"
        ),
        pytest.param(
            "1900-02-29", "'1900-02-29' is not a day of the calendar", id="29-february-1900"
        ),
        pytest.param("2010-04-31", "'2010-04-31' is not a day of the calendar", id="31-april"),
        pytest.param("2010-05-00", "'2010-05-00' is not a day of the calendar", id="day-00"),
        pytest.param("2010/2009", "'2010/2009' ends before it starts", id="years-reversed"),
        pytest.param(
            "2009-Q4/2009-Q3", "'2009-Q4/2009-Q3' ends before it starts", id="quarters-reversed"
        ),
        pytest.param(
            "2009-05/2009-03", "'2009-05/2009-03' ends before it starts", id="months-reversed"
        ),
        pytest.param("2009/2010/2011", "'2009/2010/2011' has more than one '/'", id="three-parts"),
        pytest.param(
            "2009-Q5",
            "'2009-Q5' is not a coded date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn)",
            id="quarter-5",
        ),
        pytest.param(
            "2009-5",
            "'2009-5' is not a coded date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn)",
            id="one-digit-month",
        ),
        pytest.param(
            "early 2000s",
            "'early 2000s' is not a coded date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn)",
            id="date-as-written",
        ),
        pytest.param(
            "",
            "'' is not a coded date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn)",
            id="empty",
        ),
    ],
)
def test_impossible_coded_date_is_refused_with_a_reason(coded, message):
    with pytest.raises(ValueError) as raised:
        parse_coded_date(coded)
    assert str(raised.value) == message


def test_interval_lists_the_calendar_years_it_touches():
    assert list(parse_coded_date("2009-Q3/2009-Q4").years()) == [2009]
    assert list(parse_coded_date("2009-07/2011-04").years()) == [2009, 2010, 2011]
    assert list(parse_coded_date("2000/2003").years()) == [2000, 2001, 2002, 2003]


# --------------------------------------------------------------------------------------------
# implied_precision and precision_agrees


@pytest.mark.parametrize(
    ("coded", "precision"),
    [
        ("2009-05-01", "day"),
        ("2010-09", "month"),
        ("2004", "year"),
        ("2009-Q3", "quarter"),
        ("2009-H2", "half"),
        ("2009-Q3/2009-Q4", "quarter"),
        ("2009-07/2011-04", "month"),
        ("2000/2003", "years"),
        ("2009/2009-05", "mixed"),
        ("2009-Q3/2009-12", "mixed"),
    ],
)
def test_form_of_a_coded_date_implies_its_precision(coded, precision):
    assert implied_precision(coded) == precision


def test_implied_precision_refuses_what_is_not_a_coded_date():
    with pytest.raises(ValueError, match="'2009-Q5' is not a coded date"):
        implied_precision("2009-Q5")


@pytest.mark.parametrize(
    ("coded", "precision", "agrees"),
    [
        pytest.param("2000/2003", "decade_part", True, id="early-2000s-is-decade-part"),
        pytest.param("2000/2003", "years", True, id="interval-of-years"),
        pytest.param("2004", "decade_part", False, id="one-year-is-no-decade-part"),
        pytest.param("2000/2003", "year", False, id="interval-is-not-one-year"),
        pytest.param("2009-Q3/2009-Q4", "quarter", True, id="q3-q4-keeps-quarter-grain"),
        pytest.param("2009-Q3/2009-Q4", "years", False, id="q3-q4-is-not-years"),
        pytest.param("2010-09", "month", True, id="prior-to-sept-2010-is-month"),
        pytest.param("2010-09", "day", False, id="month-is-not-day"),
        pytest.param("2011", "day", False, id="year-is-not-day"),
        pytest.param("2012-02-29", "day", True, id="29-february-is-day"),
        pytest.param("2009/2009-05", "year", False, id="mixed-fits-nothing"),
    ],
)
def test_precision_term_must_fit_the_coded_form(coded, precision, agrees):
    assert precision_agrees(coded, precision) is agrees


# --------------------------------------------------------------------------------------------
# prose_date


@pytest.mark.parametrize(
    ("coded", "precision", "prose"),
    [
        pytest.param("2009-05-01", "day", "1 May 2009", id="day"),
        pytest.param("2012-02-29", "day", "29 February 2012", id="29-february"),
        pytest.param("2012-01", "month", "January 2012", id="month"),
        pytest.param("2010-09", "month", "September 2010", id="prior-to-sept-2010-bound"),
        pytest.param("2004", "year", "2004", id="year"),
        pytest.param("2009-Q3", "quarter", "Q3 2009", id="quarter"),
        pytest.param("2009-H2", "half", "H2 2009", id="half"),
        pytest.param("2009-Q3/2009-Q4", "quarter", "Q3–Q4 2009", id="q3-q4-2009"),
        pytest.param("2009-07/2011-04", "month", "July 2009–April 2011", id="months-spanning"),
        pytest.param("2000/2003", "decade_part", "early 2000s", id="early-2000s"),
        pytest.param("2003/2006", "decade_part", "mid 2000s", id="mid-2000s"),
        pytest.param("2007/2009", "decade_part", "late 2000s", id="late-2000s"),
        pytest.param("1990/1993", "decade_part", "early 1990s", id="early-1990s"),
        pytest.param("2000/2003", "years", "2000–2003", id="same-span-as-years"),
        pytest.param("2000/2003", None, "2000–2003", id="same-span-no-precision"),
        pytest.param("2000/2005", "decade_part", "2000–2005", id="no-named-part"),
        pytest.param("2009/2012", "decade_part", "2009–2012", id="across-decades"),
    ],
)
def test_prose_form_of_a_coded_date(coded, precision, prose):
    assert prose_date(coded, precision) == prose


def test_prose_date_refuses_what_is_not_a_coded_date():
    with pytest.raises(ValueError, match="'early 2000s' is not a coded date"):
        prose_date("early 2000s")
