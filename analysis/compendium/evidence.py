"""Evidence for coded dates: the few words of the article that support each one.

A coded year is a claim about the article. So that no year is guessed, every dated row carries
`date_evidence`: short phrases (a date as printed, a name and year of a citation; never a
sentence, so nothing of the article's prose is copied) joined with '; '. Two checks use them:

- always, in the cleaning step: every year of the coded date must appear in the phrases, and a
  date without phrases is rejected. "Early 2000s" supports the years of its decade part.
- where the article's text is at hand (it is not redistributed with the compendium): every
  phrase must occur in the section(s) the row's `locator` names (`unsupported_phrases`).
"""

from __future__ import annotations

import re

import pandas as pd

from compendium import clean, dates

#: The article's present: its latest dated statements are from 2012. An event the article
#: places only "later" than a dated step is bounded above by it, and that bound needs no phrase.
PRESENT_YEAR = 2012

#: The section headings of the article, as `locator` spells them, in the article's order.
SECTIONS = (
    "Abstract",
    "Introduction",
    "Experimental stem cell research and applications in China",
    "Patient- versus profit-driven experimental interventions with stem cells",
    "Research-driven experimentations with stem cells",
    "The Move toward International Integration",
    "Problematization and regulation",
    "The 2009 regulation and its impact",
    "The emergence of a comprehensive regulation",
    "The January 2012 notification",
    "National experimental pluralism",
    "Conclusions",
)

_DECADE = re.compile(r"\b(\d{3})0s\b")


def phrases(cell) -> list[str]:
    """'a; b' → ['a', 'b']."""
    return clean.split_keys(cell)


def unsupported_years(coded: str, precision: str | None, evidence: list[str]) -> list[int]:
    """The years of a coded date that none of its evidence phrases mentions."""
    interval = dates.parse_coded_date(coded)
    bounds = {interval.start.year, interval.end.year}
    text = " ".join(evidence)
    decades = {int(match[1]) for match in _DECADE.finditer(text)}
    missing = []
    for year in sorted(bounds):
        if str(year) in text:
            continue
        if precision == "decade_part" and year // 10 in decades:
            continue
        if precision == "bounded" and year == interval.end.year == PRESENT_YEAR:
            continue
        missing.append(year)
    return missing


def check_date_evidence(
    table: pd.DataFrame,
    coded: str = "date_coded",
    evidence: str = "date_evidence",
    precision: str | None = "precision",
) -> None:
    """A dated row needs phrases naming each year of its coded date: no year is guessed."""
    for _, row in table.iterrows():
        value = row[coded]
        if value is None or pd.isna(value):
            continue
        found = phrases(row.get(evidence))
        if not found:
            raise clean._fail(
                table, row["line"], evidence, f"the date '{value}' has no supporting phrase"
            )
        try:
            missing = unsupported_years(value, row.get(precision) if precision else None, found)
        except ValueError as error:  # a coded date that does not parse: say where it is
            raise clean._fail(table, row["line"], coded, str(error)) from None
        if missing:
            years = ", ".join(str(year) for year in missing)
            raise clean._fail(
                table,
                row["line"],
                evidence,
                f"no phrase supports the year {years} of '{value}'; quote the words of the "
                "article that give it, or code the date as an interval with explicit bounds",
            )


def normalise(text: str) -> str:
    """One line, single spaces, typographic quotes and dashes plain, words broken at a line end
    joined again ('state-\\n centered' stays 'state-centered')."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"-\s+(?=[a-z])", "-", text)
    return " ".join(text.split())


def article_sections(text: str) -> dict[str, str]:
    """The article split at its section headings (a heading is a line of its own); the text of
    each section, normalised. Footnotes are printed inside the pages of the section they fall
    in, so they stay in that section's text; the whole text is kept under 'Footnote'."""
    lines = text.splitlines()
    starts = []
    for index, line in enumerate(lines):
        heading = line.strip()
        if heading in SECTIONS and heading not in [name for name, _ in starts]:
            starts.append((heading, index))
    sections = {}
    for position, (name, index) in enumerate(starts):
        end = starts[position + 1][1] if position + 1 < len(starts) else len(lines)
        sections[name] = normalise("\n".join(lines[index + 1 : end]))
    sections["Footnote"] = normalise(text)
    return sections


def locator_sections(locator: str) -> list[str]:
    """'A ¶2; Footnote 3' → ['A', 'Footnote']."""
    names = []
    for place in clean.split_keys(locator):
        names.append("Footnote" if place.startswith("Footnote") else place.split(" ¶")[0])
    return names


def unsupported_phrases(
    table: pd.DataFrame, sections: dict[str, str], evidence: str = "date_evidence"
) -> list[tuple[str, str, str]]:
    """(row key, phrase, locator) for every phrase not found in the sections its locator names."""
    key = table.columns[1] if table.columns[0] == "line" else table.columns[0]
    problems = []
    for _, row in table.iterrows():
        places = locator_sections(row["locator"])
        for phrase in phrases(row.get(evidence)):
            wanted = normalise(phrase)
            if not any(wanted in sections.get(place, "") for place in places):
                problems.append((row[key], phrase, row["locator"]))
    return problems


def check_span_evidence(modalities: pd.DataFrame) -> None:
    """Each modality's span needs its phrases: the start's must name its year; an end that is
    `ongoing` is the article's present, so its phrase shows the modality still going on and
    need not name a year; a `stated` end must name its year."""
    for _, row in modalities.iterrows():
        for end in ("start", "end"):
            field = f"span_{end}_evidence"
            found = phrases(row.get(field))
            if not found:
                raise clean._fail(
                    modalities, row["line"], field, f"span_{end} has no supporting phrase"
                )
            if end == "end" and row.get("span_end_bound") == "ongoing":
                continue
            year = str(row[f"span_{end}"])
            if year not in " ".join(found):
                raise clean._fail(
                    modalities,
                    row["line"],
                    field,
                    f"no phrase names the year {year} of span_{end}; quote the words that give "
                    "it, or code the start as a bound (`no-later-than`)",
                )
