"""Evidence for coded dates: no year without the words of the article that give it.

The article text below is SYNTHETIC (two invented sections with invented sentences); it stands
in for the article, which the compendium does not redistribute.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compendium import evidence
from compendium.errors import BuildError

ARTICLE = """Introduction

The invented clinic opened its doors in 2004 and grew.
A second invented clinic followed, year unknown, after a long-
standing wait.

Conclusions

Both invented clinics were still at work in the
early 2000s story we made up.
"""


def events(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(event id, coded date, precision, evidence) rows, located in the Introduction."""
    return pd.DataFrame(
        {
            "line": range(2, len(rows) + 2),
            "event_id": [row[0] for row in rows],
            "date_coded": [row[1] for row in rows],
            "precision": [row[2] for row in rows],
            "date_evidence": [row[3] for row in rows],
            "locator": ["Introduction ¶1"] * len(rows),
        }
    )


def test_a_date_whose_year_is_in_its_phrase_passes():
    evidence.check_date_evidence(events([("opened", "2004", "year", "in 2004")]))


def test_a_date_without_a_phrase_is_rejected():
    with pytest.raises(BuildError, match=r"line|date_evidence: the date '2004' has no supporting"):
        evidence.check_date_evidence(events([("opened", "2004", "year", "")]))


def test_a_guessed_year_is_rejected_naming_the_row_and_field():
    table = events([("ok", "2004", "year", "in 2004"), ("later", "2009", "year", "later")])
    table.attrs["file"] = "data/raw/events.csv"
    with pytest.raises(BuildError) as raised:
        evidence.check_date_evidence(table)
    assert str(raised.value).startswith("data/raw/events.csv:3: date_evidence: ")
    assert "no phrase supports the year 2009" in str(raised.value)


def test_bounded_dates_need_both_bounds_except_the_articles_present():
    evidence.check_date_evidence(events([("later", "2004/2012", "bounded", "in 2004")]))
    with pytest.raises(BuildError, match="2011"):
        evidence.check_date_evidence(events([("later", "2004/2011", "bounded", "in 2004")]))


def test_a_decade_part_is_supported_by_its_decade():
    evidence.check_date_evidence(events([("early", "2000/2003", "decade_part", "early 2000s")]))


def test_phrases_must_occur_in_the_section_the_locator_names():
    sections = evidence.article_sections(ARTICLE)
    table = events(
        [
            ("opened", "2004", "year", "its doors in 2004"),
            ("broken-line", "2004", "year", "long-standing wait"),  # broken at a line end
            ("elsewhere", "2004", "year", "early 2000s story"),  # true, but in Conclusions
            ("invented", "2004", "year", "in 2005"),
        ]
    )
    assert evidence.unsupported_phrases(table, sections) == [
        ("elsewhere", "early 2000s story", "Introduction ¶1"),
        ("invented", "in 2005", "Introduction ¶1"),
    ]


def test_span_evidence_names_the_start_year_and_an_ongoing_end_needs_only_words():
    modalities = pd.DataFrame(
        {
            "line": [2],
            "span_start": ["2007"],
            "span_start_evidence": ["in 2007"],
            "span_end": ["2012"],
            "span_end_bound": ["ongoing"],
            "span_end_evidence": ["still at work"],
        }
    )
    evidence.check_span_evidence(modalities)
    modalities.loc[0, "span_start"] = "2003"
    with pytest.raises(BuildError, match="span_start_evidence: no phrase names the year 2003"):
        evidence.check_span_evidence(modalities)


def test_the_article_check_names_the_table_row_and_phrase(tmp_path):
    from tooling import check_evidence

    sheets = {
        "events": "event_id,date_evidence,locator\nopened,in 2004,Introduction ¶1\n"
        "invented,in 2005,Introduction ¶1\n",
        "instruments": "instrument_id,date_evidence,locator\nrule,,Introduction ¶1\n",
        "modalities": "modality_id,span_start_evidence,span_start_locator,span_end_evidence,"
        "span_end_locator\nm,in 2004,Introduction ¶1,still at work,Conclusions ¶1\n",
        "flows": "flow_id,strength_evidence,locator\nf,,Introduction ¶1\n",
    }
    for name, text in sheets.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    assert check_evidence.problems(ARTICLE, tmp_path) == [
        "data/raw/events.csv: invented: date_evidence: 'in 2005' is not in Introduction ¶1"
    ]
