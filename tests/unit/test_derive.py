"""Derived views: timeline labels and numbers, modality spans and coexistence, coverage matrix.

Every frame is SYNTHETIC and written inline: modalities `m-one`..`m-three` and instruments
`rules-a`, `notice-b`. They pin the rules of the per-year view: a modality is documented in the
years of its span; before a start coded only as a bound it is possible, not absent; before a
stated start it is absent.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compendium import derive

MODALITIES = ["m-one", "m-two", "m-three"]


# --------------------------------------------------------------------------------------------
# read_cleaned


def test_read_cleaned_keeps_integers_numbers_and_missing_cells(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,first_year,last_year,position,lower,upper,note\n"
        "a,2009,,1,130,,NA\n"
        "b,,2012,2,100,150,\n",
        encoding="utf-8",
    )
    frame = derive.read_cleaned(path)
    assert frame["first_year"].dtype == "Int64"
    assert frame["last_year"].dtype == "Int64"
    assert frame["position"].dtype == "Int64"
    assert frame["lower"].dtype == "Float64"
    assert frame.loc[0, "first_year"] == 2009
    assert pd.isna(frame.loc[0, "last_year"])
    assert pd.isna(frame.loc[0, "upper"])
    assert frame.loc[1, "upper"] == 150
    assert frame.loc[0, "note"] == "NA"  # only an empty cell is missing, never the text "NA"
    assert pd.isna(frame.loc[1, "note"])


# --------------------------------------------------------------------------------------------
# timeline_events


def test_only_the_issue_of_an_instrument_is_labelled():
    instruments = pd.DataFrame(
        {
            "instrument_id": ["rules-a", "notice-b"],
            "date_start": ["2009-05-01", "2012-01-01"],
            "short_name": ["Rules A", "Notice B"],
        }
    )
    events = pd.DataFrame(
        {
            "event_id": ["rules-issued", "rules-deadline", "notice-issued", "media", "unknown"],
            "instrument_id": ["rules-a", "rules-a", "notice-b", None, "not-coded"],
            "date_start": ["2009-05-01", "2009-06-30", "2012-01-01", "2009-05-01", "2010-01-01"],
        }
    )
    labelled = derive.timeline_events(events, instruments)
    assert labelled["label"].fillna("").tolist() == ["Rules A", "", "Notice B", "", ""]
    assert "label" not in events.columns


def test_instrument_is_labelled_once_on_the_first_event_id_of_its_date():
    instruments = pd.DataFrame(
        {"instrument_id": ["notice-b"], "date_start": ["2012-01-01"], "short_name": ["Notice B"]}
    )
    events = pd.DataFrame(
        {
            "event_id": ["notice-phase-one", "notice-issued"],
            "instrument_id": ["notice-b", "notice-b"],
            "date_start": ["2012-01-01", "2012-01-01"],
        },
        index=[10, 20],
    )
    labelled = derive.timeline_events(events, instruments)
    assert labelled["label"].fillna("").tolist() == ["", "Notice B"]
    reversed_rows = derive.timeline_events(events.iloc[::-1], instruments)
    assert reversed_rows.loc[20, "label"] == "Notice B"


# --------------------------------------------------------------------------------------------
# timeline numbers and rows


def test_timeline_numbers_marks_in_date_order_with_ties_by_id():
    events = pd.DataFrame(
        {
            "event_id": ["late", "early-b", "early-a", "undated"],
            "date_start": ["2012-01-06", "2003-01-01", "2003-01-01", None],
            "date_end": ["2012-01-06", "2003-12-31", "2003-12-31", None],
        }
    )
    assert derive.timeline_numbers(events) == {"early-a": 1, "early-b": 2, "late": 3}


def test_rules_from_outside_china_get_their_own_row_media_do_not():
    rows = [
        {"kind": "regulation", "jurisdiction": "outside-china"},
        {"kind": "guideline", "jurisdiction": "outside-china"},
        {"kind": "media", "jurisdiction": "outside-china"},
        {"kind": "regulation", "jurisdiction": "china"},
    ]
    assert [derive.timeline_row(pd.Series(row)) for row in rows] == [
        derive.RULES_ABROAD,
        derive.RULES_ABROAD,
        "media",
        "regulation",
    ]


# --------------------------------------------------------------------------------------------
# modality spans and coexistence


def spans_frame(rows: list[tuple[str, int, int, str, int, str]]) -> pd.DataFrame:
    """(modality, position, start, start bound, end, end bound) rows of a modalities table."""
    return pd.DataFrame(
        {
            "modality_id": [row[0] for row in rows],
            "position": [row[1] for row in rows],
            "label": [row[0].upper() for row in rows],
            "span_start": [str(row[2]) for row in rows],
            "span_start_bound": [row[3] for row in rows],
            "span_start_evidence": ["words"] * len(rows),
            "span_start_locator": ["Introduction ¶1"] * len(rows),
            "span_end": [str(row[4]) for row in rows],
            "span_end_bound": [row[5] for row in rows],
            "span_end_evidence": ["words"] * len(rows),
            "span_end_locator": ["Introduction ¶1"] * len(rows),
        }
    )


SPANS = spans_frame(
    [
        ("m-two", 2, 2007, "no-later-than", 2012, "ongoing"),
        ("m-one", 1, 2004, "stated", 2012, "ongoing"),
        ("m-three", 3, 2005, "stated", 2008, "stated"),
    ]
)


def test_spans_follow_the_articles_order():
    spans = derive.modality_spans(SPANS)
    assert list(spans["modality"]) == ["m-one", "m-two", "m-three"]
    assert spans.loc[1, "start"] == 2007


def test_a_bounded_start_is_possible_before_it_a_stated_start_is_absent():
    states = derive.coexistence(derive.modality_spans(SPANS), 2003, 2010)
    assert states.loc[2003, "m-one"] == derive.ABSENT
    assert states.loc[2006, "m-two"] == derive.POSSIBLE  # "by 2007": may be older
    assert states.loc[2007, "m-two"] == derive.DOCUMENTED
    assert states.loc[2009, "m-three"] == derive.ABSENT  # stated end 2008


def test_documented_counts_are_a_lower_bound_possible_counts_the_censored():
    states = derive.coexistence(derive.modality_spans(SPANS), 2003, 2012)
    assert states.loc[2004, "documented"] == 1
    assert states.loc[2004, "possible"] == 2
    assert states.loc[2007, "documented"] == 3
    assert states.loc[2012, "documented"] == 2


def test_years_all_documented():
    states = derive.coexistence(derive.modality_spans(SPANS), 2000, 2012)
    assert derive.years_all_documented(states, ["m-one", "m-two", "m-three"]) == [2007, 2008]
    assert derive.years_all_documented(states, ["m-one", "m-two"]) == list(range(2007, 2013))


# --------------------------------------------------------------------------------------------
# coverage_matrix


def test_coverage_matrix_places_each_judgement_and_leaves_the_rest_empty():
    coverage = pd.DataFrame(
        {
            "instrument_id": ["rules-a", "notice-b", "notice-b", "unknown-instrument"],
            "modality": ["m-one", "m-one", "m-three", "m-two"],
            "how": ["bans it", "asks for a self-evaluation", "not addressed", "ignored"],
        }
    )
    matrix = derive.coverage_matrix(coverage, MODALITIES, ["rules-a", "notice-b"])
    assert list(matrix.index) == MODALITIES
    assert list(matrix.columns) == ["rules-a", "notice-b"]
    assert matrix.loc["m-one"].tolist() == ["bans it", "asks for a self-evaluation"]
    assert matrix.loc["m-two"].tolist() == [derive.SILENT, derive.SILENT]
    assert matrix.loc["m-three"].tolist() == [derive.SILENT, "not addressed"]


@pytest.mark.parametrize("modalities", [[], ["m-one"]])
def test_coverage_matrix_without_judgements_says_the_article_is_silent(modalities):
    coverage = pd.DataFrame(columns=["instrument_id", "modality", "how"])
    matrix = derive.coverage_matrix(coverage, modalities, ["rules-a"])
    assert matrix.shape == (len(modalities), 1)
    assert (matrix == derive.SILENT).all().all()
