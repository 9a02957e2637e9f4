"""Derived views: timeline labels, active years, coexistence per year, peak, coverage matrix.

Every frame is SYNTHETIC and written inline: invented cases (`two-years`, `open-ended`,
`undated` ...), modalities `m-one`..`m-three` and instruments `rules-a`, `notice-b`. They pin
the rules of the per-year view: a case dated 2009–2010 is active in both years, a case without
a last year runs to the article's present (2012), an undated case is left out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compendium import derive

MODALITIES = ["m-one", "m-two", "m-three"]


def cases_frame(rows: list[tuple[str, str | None, int | None, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": [row[0] for row in rows],
            "modality": [row[1] for row in rows],
            "first_year": pd.array([row[2] for row in rows], dtype="Int64"),
            "last_year": pd.array([row[3] for row in rows], dtype="Int64"),
        }
    )


CASES = cases_frame(
    [
        ("two-years", "m-one", 2009, 2010),
        ("open-ended", "m-two", 2011, None),
        ("undated", "m-three", None, None),
        ("one-year", "m-one", 2003, 2003),
        ("no-modality", None, 2010, 2010),
    ]
)


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
# active_years


def test_case_is_active_in_every_year_of_its_span():
    active = derive.active_years(CASES)
    years = active.groupby("case_id")["year"].apply(list).to_dict()
    assert years["two-years"] == [2009, 2010]
    assert years["one-year"] == [2003]


def test_open_ended_case_runs_to_the_articles_present():
    active = derive.active_years(CASES)
    assert derive.PRESENT_YEAR == 2012
    assert active.loc[active["case_id"] == "open-ended", "year"].tolist() == [2011, 2012]


def test_present_year_can_be_moved():
    active = derive.active_years(CASES, present=2013)
    assert active.loc[active["case_id"] == "open-ended", "year"].tolist() == [2011, 2012, 2013]


def test_undated_case_is_left_out():
    active = derive.active_years(CASES)
    assert "undated" not in set(active["case_id"])
    assert list(active.columns) == ["case_id", "modality", "year"]


def test_no_dated_case_gives_an_empty_frame_with_columns():
    active = derive.active_years(cases_frame([("undated", "m-one", None, None)]))
    assert active.empty
    assert list(active.columns) == ["case_id", "modality", "year"]


def test_case_without_last_year_column_runs_to_the_present():
    frame = CASES.drop(columns="last_year")
    active = derive.active_years(frame)
    assert active.loc[active["case_id"] == "two-years", "year"].tolist() == list(range(2009, 2013))


# --------------------------------------------------------------------------------------------
# coexistence and peak_coexistence


def test_coexistence_counts_cases_per_modality_and_year():
    counts = derive.coexistence(CASES, MODALITIES, 2008, 2012)
    assert list(counts.index) == [2008, 2009, 2010, 2011, 2012]
    assert counts.index.name == "year"
    assert list(counts.columns) == [*MODALITIES, "coexisting"]
    assert counts["m-one"].tolist() == [0, 1, 1, 0, 0]
    assert counts["m-two"].tolist() == [0, 0, 0, 1, 1]
    assert counts["m-three"].tolist() == [0, 0, 0, 0, 0]  # its only case is undated
    assert counts["coexisting"].tolist() == [0, 1, 1, 1, 1]


def test_case_without_modality_is_not_counted_for_any():
    counts = derive.coexistence(CASES, MODALITIES, 2010, 2010)
    assert counts.loc[2010, MODALITIES].sum() == 1  # two-years only; no-modality is dropped


def test_overlapping_cases_make_modalities_coexist():
    frame = cases_frame([("a", "m-one", 2009, 2010), ("b", "m-two", 2010, None),
                         ("c", "m-three", 2010, 2011), ("d", "m-one", 2010, 2010)])  # fmt: skip
    counts = derive.coexistence(frame, MODALITIES, 2009, 2012)
    assert counts.loc[2010].tolist() == [2, 1, 1, 3]
    assert derive.peak_coexistence(counts) == (3, [2010])


def test_peak_lists_every_year_it_is_reached():
    counts = derive.coexistence(CASES, MODALITIES, 2008, 2012)
    assert derive.peak_coexistence(counts) == (1, [2009, 2010, 2011, 2012])


def test_coexistence_without_dated_cases_is_all_zero():
    counts = derive.coexistence(cases_frame([("u", "m-one", None, None)]), MODALITIES, 2000, 2001)
    assert counts.to_numpy().sum() == 0
    assert derive.peak_coexistence(counts) == (0, [2000, 2001])


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
    assert matrix.loc["m-two"].tolist() == ["", ""]
    assert matrix.loc["m-three"].tolist() == ["", "not addressed"]


@pytest.mark.parametrize("modalities", [[], ["m-one"]])
def test_coverage_matrix_without_judgements_is_empty_text(modalities):
    coverage = pd.DataFrame(columns=["instrument_id", "modality", "how"])
    matrix = derive.coverage_matrix(coverage, modalities, ["rules-a"])
    assert matrix.shape == (len(modalities), 1)
    assert (matrix == "").all().all()
