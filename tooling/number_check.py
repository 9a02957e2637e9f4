"""Find numbers in the rendered prose that no source accounts for.

Every number or date the paper states about its subject must come from the data through a
shortcode. A number in the rendered text is accounted for when it is a bound value (from
`values.json` or the document's metadata), the year of a cited work, a page or paragraph locator
of a citation, or the number of a figure, table or section; anything else was typed by hand.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterable

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

#: Parts of the HTML that are not prose: generated tables and figures carry data by
#: construction, the reference list carries bibliographic data, the TOC repeats headings, the
#: appendix of value provenance repeats values beside their rows' ids and locators.
_NOT_PROSE = [
    re.compile(r"<(script|style)\b.*?</\1>", re.S),
    re.compile(r"<table\b.*?</table>", re.S),
    re.compile(r"<figure\b.*?</figure>", re.S),
    re.compile(r'<nav id="TOC".*?</nav>', re.S),
    re.compile(r'<div id="refs".*?</div>\s*</section>', re.S),
    re.compile(r'<div id="value-provenance".*?</div>\s*</section>', re.S),
    re.compile(r'<span class="header-section-number">.*?</span>', re.S),
    re.compile(r'<a href="#fn\d+"[^>]*class="footnote-ref".*?</a>', re.S),
    re.compile(r'<a href="#fnref\d+".*?</a>', re.S),
]
_URL = re.compile(r"(?:https?://|www\.)\S+")
_CROSS_REFERENCE = re.compile(
    r"\b(?:Figures?|Tables?|Sections?)\s+\d+(?:\.\d+)*(?:(?:\s*(?:,|and|–)\s*)\d+(?:\.\d+)*)*"
)
#: Names that happen to hold digits: they name a standard, not a quantity of the subject.
_NAMES_WITH_DIGITS = re.compile(r"\bSHA-256\b|\bPDF/(?:UA-1|A-2b)\b")
_LOCATOR = re.compile(r"\b(?:pp?|para|paras|paragraph)\.?\s*(\d+)(?:\s*[-–]\s*(\d+))?")


def prose_text(html: str) -> str:
    """The visible prose of a rendered HTML paper, without the parts that are not prose."""
    body = html.split("<body", 1)[-1]
    for pattern in _NOT_PROSE:
        body = pattern.sub(" ", body)
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", body))
    text = _URL.sub(" ", text)
    text = _NAMES_WITH_DIGITS.sub(" ", text)
    text = _CROSS_REFERENCE.sub(" ", text)
    return " ".join(text.split())


def number_tokens(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def bound_numbers(values: object) -> set[str]:
    """Every number token of every value in a nested mapping (values.json, metadata)."""
    tokens: set[str] = set()
    if isinstance(values, dict):
        for value in values.values():
            tokens |= bound_numbers(value)
    elif isinstance(values, list):
        for value in values:
            tokens |= bound_numbers(value)
    elif values is not None:
        tokens |= number_tokens(str(values))
    return tokens


def citation_locators(manuscript: str) -> set[str]:
    """Page and paragraph numbers given in the manuscript's citations: `[@liao2008, p. 613]`."""
    tokens: set[str] = set()
    for citation in re.findall(r"\[[^\]]*@[^\]]*\]|@\w+ \[[^\]]*\]", manuscript):
        for first, last in _LOCATOR.findall(citation):
            tokens.add(first)
            if last:
                tokens.add(last)
                # citeproc prints an abbreviated range in full: "pp. 23-4" becomes "23–24"
                tokens.add(first[: max(len(first) - len(last), 0)] + last)
    return tokens


def unbound_numbers(text: str, allowed: Iterable[str]) -> list[str]:
    """Number tokens of `text` that are not in `allowed`, each with a little context."""
    allowed = set(allowed)
    found = []
    for match in NUMBER.finditer(text):
        if match.group() not in allowed:
            context = text[max(0, match.start() - 40) : match.end() + 40]
            found.append(f"{match.group()} in '…{context}…'")
    return found
