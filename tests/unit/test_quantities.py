"""Quantities as written: qualifier, bounds and prose form.

All inputs are SYNTHETIC strings written inline, in the forms the article uses ("more than
130", "100-150", "one hundred million", "Eighty-two", "at least four", "thousands", "one or two",
"not one", "(1) … (8)", "two-year") and in a few neighbouring forms the coding rules must also
read; no value is read from data/raw.
"""

from __future__ import annotations

import pytest

from compendium.quantities import (
    Quantity,
    format_number,
    parse_number,
    parse_quantity,
    prose_quantity,
)

INF = None  # no bound

# as written, qualifier, lower, upper, prose form
CASES = [
    ("2847", "exact", 2847, 2847, "2,847"),
    ("31", "exact", 31, 31, "31"),
    ("9,000", "exact", 9000, 9000, "9,000"),
    ("more than 130", "more_than", 130, INF, "more than 130"),
    ("more than 9000", "more_than", 9000, INF, "more than 9,000"),
    ("more than ten", "more_than", 10, INF, "more than ten"),
    ("100-150", "range", 100, 150, "100–150"),
    ("100–150", "range", 100, 150, "100–150"),
    ("between 100 and 150", "range", 100, 150, "100–150"),
    ("1,000 to 2,500", "range", 1000, 2500, "1,000–2,500"),
    ("one hundred million", "exact", 100_000_000, 100_000_000, "one hundred million"),
    ("Eighty-two", "exact", 82, 82, "Eighty-two"),
    ("Two", "exact", 2, 2, "Two"),
    ("at least four", "at_least", 4, INF, "at least four"),
    ("thousands", "at_least", 1000, INF, "thousands"),
    ("hundreds", "at_least", 100, INF, "hundreds"),
    ("one or two", "range", 1, 2, "one or two"),
    ("not one", "exact", 0, 0, "not one"),
    ("only one", "exact", 1, 1, "only one"),
    ("first two", "exact", 2, 2, "first two"),
    ("(1) … (8)", "exact", 8, 8, "8"),
    ("(1) ... (8)", "exact", 8, 8, "8"),
    ("two-year", "exact", 2, 2, "two-year"),
    ("one-year", "exact", 1, 1, "one-year"),
    ("up to 50", "up_to", INF, 50, "up to 50"),
    ("less than 5", "less_than", INF, 5, "less than 5"),
    ("about 1,500", "about", 1500, 1500, "about 1,500"),
]


@pytest.mark.parametrize(
    ("as_written", "qualifier", "lower", "upper", "prose"),
    [pytest.param(*case, id=case[0]) for case in CASES],
)
def test_quantity_keeps_its_qualifier_and_bounds(as_written, qualifier, lower, upper, prose):
    quantity = parse_quantity(as_written)
    assert quantity == Quantity(as_written, qualifier, lower, upper)
    assert prose_quantity(quantity) == prose


@pytest.mark.parametrize(
    ("as_written", "qualifier", "lower", "upper", "prose"),
    [
        pytest.param("over 50", "more_than", 50, INF, "over 50", id="over"),
        pytest.param("fewer than 1500", "less_than", INF, 1500, "fewer than 1,500", id="fewer"),
        pytest.param("nearly 300", "about", 300, 300, "nearly 300", id="nearly"),
        pytest.param("almost 40", "about", 40, 40, "almost 40", id="almost"),
    ],
)
def test_prose_keeps_the_qualifier_word_as_written(as_written, qualifier, lower, upper, prose):
    """Synonyms share a qualifier for the bounds, but the prose must not swap the article's word:
    "nearly 300" printed as "about 300" states a different fact."""
    quantity = parse_quantity(as_written)
    assert quantity == Quantity(as_written, qualifier, lower, upper)
    assert prose_quantity(quantity) == prose


def test_lower_bound_is_not_the_number_itself():
    """'more than 130' is a bound: no upper end, never the exact value 130."""
    quantity = parse_quantity("more than 130")
    assert quantity.qualifier != "exact"
    assert (quantity.lower, quantity.upper) == (130, None)


def test_surrounding_spaces_are_not_part_of_the_value():
    assert parse_quantity("  more than 130 ") == Quantity("more than 130", "more_than", 130, None)


@pytest.mark.parametrize(
    ("as_written", "message"),
    [
        pytest.param("150-100", "'150-100' is a range whose start exceeds its end", id="reversed"),
        pytest.param(
            "a large number",
            "'a large number' is not a number the coding rules know ('a')",
            id="no-number",
        ),
        pytest.param(
            "countless",
            "'countless' is not a number the coding rules know ('countless')",
            id="countless",
        ),
        pytest.param("", "'' holds no number", id="empty"),
    ],
)
def test_unreadable_quantity_is_refused_with_a_reason(as_written, message):
    with pytest.raises(ValueError) as raised:
        parse_quantity(as_written)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("as_written", "value"),
    [
        pytest.param("twenty-two", 22, id="twenty-two"),
        pytest.param("Thirty-five", 35, id="thirty-five"),
        pytest.param("one hundred and fifty", 150, id="hundred-and-fifty"),
    ],
)
def test_number_words_of_the_same_shape_as_the_articles_read_alike(as_written, value):
    """'Eighty-two' is read; any tens-units compound, and 'and' inside a number, must be too.

    Today only 'eighty-two' is known, as one dictionary word; other compounds and 'one hundred
    and fifty' are split on '-' / 'and' as if they were ranges, and refused as reversed ranges.
    """
    assert parse_quantity(as_written) == Quantity(as_written, "exact", value, value)


# --------------------------------------------------------------------------------------------
# parse_number and format_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2847", 2847),
        ("9,000", 9000),
        ("1,234,567", 1_234_567),
        ("2.5", 2.5),
        ("eight", 8),
        ("Eighty-two", 82),
        ("one hundred million", 100_000_000),
        ("two hundred thousand", 200_000),
        ("one thousand five hundred", 1500),
        ("2.5 million", 2_500_000),
        ("hundred", 100),
    ],
)
def test_number_in_digits_or_words(text, value):
    assert parse_number(text) == value


def test_unknown_number_word_is_named():
    with pytest.raises(ValueError, match=r"\('dozens'\)"):
        parse_number("dozens")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2847.0, "2,847"),
        (9000, "9,000"),
        (100_000_000.0, "100,000,000"),
        (130.0, "130"),
        (0.0, "0"),
        (2.5, "2.5"),
        (1234567.5, "1,234,567.5"),
    ],
)
def test_prose_numbers_have_thousands_separators_and_no_trailing_zero(value, text):
    assert format_number(value) == text
