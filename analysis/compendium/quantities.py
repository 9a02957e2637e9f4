"""Quantities as the article writes them, turned into bounds without losing the qualifier.

"more than 130" is not 130: it is a lower bound. "100-150" is a range. We keep the words as
written for the prose and derive `lower`/`upper` bounds for tables and comparisons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_MAGNITUDES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_DIGITS = re.compile(r"\d+(\.\d+)?")

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


def _below_hundred(word: str) -> int | None:
    """A number below a hundred written as one word ('eight', 'forty', 'twenty-two'), or None.

    A hyphen joins tens and units only: '100-150' is a range, not a compound.
    """
    for table in (_UNITS, _TEENS, _TENS):
        if word in table:
            return table[word]
    tens, _, units = word.partition("-")
    if tens in _TENS and units in _UNITS:
        return _TENS[tens] + _UNITS[units]
    return None


def _without_and(words: list[str]) -> list[str]:
    """The words with the 'and' of 'one hundred and fifty' dropped.

    'and' belongs to a number only after a magnitude word and before the tens and units that
    close it; anywhere else ('two thousand and three thousand') it joins two numbers, and is
    kept so that the number is refused and the text read as a range.
    """
    kept: list[str] = []
    for index, word in enumerate(words):
        rest = words[index + 1 :]
        inside = (
            word == "and"
            and bool(kept)
            and kept[-1] in _MAGNITUDES
            and bool(rest)
            and all(_below_hundred(following) is not None for following in rest)
        )
        if not inside:
            kept.append(word)
    return kept


def parse_number(text: str) -> float:
    """'2847' / '9,000' / 'one hundred and fifty' / 'twenty-two' / 'eight' → a number."""
    cleaned = text.strip().lower().replace(",", "")
    if _DIGITS.fullmatch(cleaned):
        return float(cleaned)
    words = _without_and(cleaned.split())
    if not words:
        raise ValueError(f"'{text}' holds no number")
    total = 0.0
    current = 0.0
    for word in words:
        small = _below_hundred(word)
        if _DIGITS.fullmatch(word):
            current += float(word)
        elif word in _MAGNITUDES:
            current = (current or 1) * _MAGNITUDES[word]
            if word != "hundred":
                total += current
                current = 0
        elif small is not None:
            current += small
        else:
            raise ValueError(f"'{text}' is not a number the coding rules know ('{word}')")
    return total + current


def _number_or_none(text: str) -> float | None:
    """`parse_number`, with None for text that is not one number."""
    try:
        return parse_number(text)
    except ValueError:
        return None


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
    whole = _number_or_none(lowered)  # "twenty-two", "one hundred and fifty": not ranges
    if whole is not None:
        return Quantity(text, "exact", whole, whole)
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


#: A number in digits, with or without its thousands separators.
_NUMERAL = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _with_separators(text: str) -> str:
    """`text` with every number in digits given thousands separators; the words stay as written."""
    return _NUMERAL.sub(lambda numeral: format_number(float(numeral[0].replace(",", ""))), text)


def prose_quantity(quantity: Quantity) -> str:
    """The value as written, for the prose: 'nearly 9000' → 'nearly 9,000'; '100-150' → '100–150'.

    The qualifier word stays the article's own ("nearly" is not "about"); only numbers in digits
    gain thousands separators, and a range in digits its en dash. "(1) … (8)" is a count: 8.
    """
    if _ENUMERATION.fullmatch(quantity.as_written):
        return format_number(quantity.lower)
    if quantity.qualifier == "range" and re.search(r"\d", quantity.as_written):
        return f"{format_number(quantity.lower)}–{format_number(quantity.upper)}"
    return _with_separators(quantity.as_written)
