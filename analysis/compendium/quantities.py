"""Quantities as the article writes them, turned into bounds without losing the qualifier.

"more than 130" is not 130: it is a lower bound. "100-150" is a range. We keep the words as
written for the prose and derive `lower`/`upper` bounds for tables and comparisons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "eighty-two": 82,
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
}  # fmt: skip

#: Qualifier words and the bound they make of the number that follows.
_QUALIFIERS = {
    "more than": "more_than",
    "over": "more_than",
    "at least": "at_least",
    "less than": "less_than",
    "fewer than": "less_than",
    "up to": "up_to",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "some": "about",
    "nearly": "about",
    "almost": "about",
}


@dataclass(frozen=True)
class Quantity:
    as_written: str
    qualifier: str  # exact, more_than, at_least, less_than, up_to, about, range
    lower: float | None
    upper: float | None


def parse_number(text: str) -> float:
    """'2847' / '9,000' / 'one hundred million' / 'eight' → a number."""
    cleaned = text.strip().lower().replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return float(cleaned)
    words = cleaned.split()
    if not words:
        raise ValueError(f"'{text}' holds no number")
    total = 0.0
    current = 0.0
    for word in words:
        if re.fullmatch(r"\d+(\.\d+)?", word):
            current += float(word)
        elif word in ("hundred", "thousand", "million", "billion"):
            current = (current or 1) * _NUMBER_WORDS[word]
            if word != "hundred":
                total += current
                current = 0
        elif word in _NUMBER_WORDS:
            current += _NUMBER_WORDS[word]
        else:
            raise ValueError(f"'{text}' is not a number the coding rules know ('{word}')")
    return total + current


#: Words the article uses for a count without a numeral, and their exact value.
_EXACT_PHRASES = {"not one": 0, "only one": 1}

#: A plural of a power of ten ("thousands") is at least one of it: the smallest number the word
#: admits, with no upper bound.
_PLURAL_MAGNITUDES = {"hundreds": 100, "thousands": 1_000, "millions": 1_000_000}

#: An enumeration printed as "(1) … (8)": the count of its items.
_ENUMERATION = re.compile(r"\((\d+)\)\s*(?:…|\.\.\.)\s*\((\d+)\)")


def parse_quantity(as_written: str) -> Quantity:
    """Bounds of a quantity as written; see data/README.md for the coding rules."""
    text = as_written.strip()
    lowered = re.sub(r"-year$", "", text.lower())  # "two-year" phase: the number is two
    lowered = re.sub(r"^(first|only) (?!one$)", "", lowered)  # "first two" stages: two
    if lowered in _EXACT_PHRASES:
        value = float(_EXACT_PHRASES[lowered])
        return Quantity(text, "exact", value, value)
    if lowered in _PLURAL_MAGNITUDES:
        return Quantity(text, "at_least", float(_PLURAL_MAGNITUDES[lowered]), None)
    enumeration = _ENUMERATION.fullmatch(lowered)
    if enumeration:
        count = float(int(enumeration[2]) - int(enumeration[1]) + 1)
        return Quantity(text, "exact", count, count)
    alternatives = re.fullmatch(r"(\w+) or (\w+)", lowered)  # "one or two" methods
    if alternatives:
        low, high = parse_number(alternatives[1]), parse_number(alternatives[2])
        return Quantity(text, "range", min(low, high), max(low, high))
    range_match = re.fullmatch(r"(?:between\s+)?(.+?)\s*(?:-|–|to|and)\s*(.+)", lowered)
    if range_match and not lowered.startswith(tuple(_QUALIFIERS)):
        try:
            low, high = parse_number(range_match[1]), parse_number(range_match[2])
        except ValueError:
            pass
        else:
            if low > high:
                raise ValueError(f"'{as_written}' is a range whose start exceeds its end")
            return Quantity(text, "range", low, high)
    for words, qualifier in _QUALIFIERS.items():
        if lowered.startswith(words + " "):
            number = parse_number(lowered[len(words) + 1 :])
            lower = number if qualifier in ("more_than", "at_least", "about") else None
            upper = number if qualifier in ("less_than", "up_to", "about") else None
            return Quantity(text, qualifier, lower, upper)
    number = parse_number(lowered)
    return Quantity(text, "exact", number, number)


def format_number(value: float) -> str:
    """Prose form: thousands separators, no trailing '.0'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


_PROSE_QUALIFIER = {
    "more_than": "more than {}",
    "at_least": "at least {}",
    "less_than": "less than {}",
    "up_to": "up to {}",
    "about": "about {}",
}


def prose_quantity(quantity: Quantity) -> str:
    """'more than 9000' → 'more than 9,000'; '100-150' → '100–150'; words stay words."""
    if not re.search(r"\d", quantity.as_written) or _ENUMERATION.fullmatch(quantity.as_written):
        if _ENUMERATION.fullmatch(quantity.as_written):
            return format_number(quantity.lower)
        return quantity.as_written  # written in words: the prose keeps the words
    if quantity.qualifier == "range":
        return f"{format_number(quantity.lower)}–{format_number(quantity.upper)}"
    if quantity.qualifier == "exact":
        return format_number(quantity.lower)
    number = quantity.lower if quantity.lower is not None else quantity.upper
    return _PROSE_QUALIFIER[quantity.qualifier].format(format_number(number))
