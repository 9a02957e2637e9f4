"""Cleaning decisions, each on a SYNTHETIC raw table written inline.

The tables imitate the coding sheets (`events`, `indicators`, `cases`, `flows`, `coverage`) with
invented ids and citation keys, and carry the article's awkward forms: "early 2000s" coded
`2000/2003`, Q3–Q4 2009, "prior to September 2010", 29 February, "more than 130", "100-150".
Errors must read `data/raw/<table>.csv:<line>: <field>: <what is wrong>`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from compendium import clean
from compendium.errors import BuildError
from compendium.sheets import Table, read_rows


def table(name: str, fields: list[str], rows: list[list[str | None]]) -> pd.DataFrame:
    """A raw table as `clean.frame` gives it: strings, None for empty, a `line` column."""
    schema = {"fields": [{"name": field, "type": "string"} for field in fields]}
    records = [dict(zip(fields, row, strict=True)) for row in rows]
    return clean.frame(Table(name, Path(f"data/raw/{name}.csv"), schema, records))


def events(*rows: list[str | None]) -> pd.DataFrame:
    return table("events", ["event_id", "date_coded", "precision", "qualifier", "source"], rows)


EVENTS = [
    ["early-treatments", "2000/2003", "decade_part", None, "alpha2002; beta2002"],
    ["incubator-sales", "2009-Q3/2009-Q4", "quarter", None, None],
    ["liver-episodes", "2010-09", "month", "before", "gamma2010"],
    ["leap-day", "2012-02-29", "day", None, None],
    ["rules-issued", "2009-05-01", "day", None, "alpha2002"],
]


def raises_build_error(function, *arguments, **keywords) -> str:
    with pytest.raises(BuildError) as raised:
        function(*arguments, **keywords)
    return str(raised.value)


# --------------------------------------------------------------------------------------------
# frame, split_keys, finish, write_csv


def test_frame_keeps_strings_none_and_the_line_of_each_row():
    frame = events(*EVENTS)
    assert list(frame.columns) == ["line", "event_id", "date_coded", "precision", "qualifier",
                                   "source"]  # fmt: skip
    assert list(frame["line"]) == [2, 3, 4, 5, 6]
    assert frame.attrs["file"] == "data/raw/events.csv"
    assert frame.loc[1, "source"] is None
    assert frame.loc[2, "qualifier"] == "before"


def test_frame_line_follows_the_file_after_a_multiline_cell(tmp_path):
    """The second row starts on line 4 when the first holds a quoted line break; `line` says 3
    today because it is computed as index + 2."""
    path = tmp_path / "events.csv"
    path.write_text('event_id,summary\nfirst,"two\nlines"\nsecond,one line\n', encoding="utf-8")
    schema = {"fields": [{"name": "event_id"}, {"name": "summary"}]}
    frame = clean.frame(Table("events", path, schema, read_rows(path, schema)))
    assert list(frame["line"]) == [2, 4]


@pytest.mark.parametrize(
    ("cell", "keys"),
    [
        (None, []),
        (float("nan"), []),
        ("", []),
        ("alpha2002", ["alpha2002"]),
        ("alpha2002; beta2002", ["alpha2002", "beta2002"]),
        (" alpha2002;beta2002; ;gamma2010 ", ["alpha2002", "beta2002", "gamma2010"]),
    ],
)
def test_split_keys(cell, keys):
    assert clean.split_keys(cell) == keys


def test_finish_sorts_by_key_and_drops_lines():
    finished = clean.finish(events(*EVENTS), "event_id")
    assert "line" not in finished.columns
    assert list(finished["event_id"]) == sorted(row[0] for row in EVENTS)
    assert list(finished.index) == list(range(len(EVENTS)))


def test_finish_with_a_composite_key_is_stable():
    frame = table("coverage", ["instrument_id", "modality", "how"], [
        ["notice-b", "m1", "first"], ["notice-a", "m2", "second"], ["notice-a", "m1", "third"],
        ["notice-a", "m1", "fourth"],
    ])  # fmt: skip
    finished = clean.finish(frame, ["instrument_id", "modality"])
    assert list(finished["how"]) == ["third", "fourth", "second", "first"]


def test_write_csv_has_lf_endings_no_index_and_no_partial_file(tmp_path):
    frame = clean.finish(events(*EVENTS[:2]), "event_id")
    target = tmp_path / "results" / "data" / "events.csv"
    clean.write_csv(frame, target)
    assert target.read_bytes() == (
        b"event_id,date_coded,precision,qualifier,source\n"
        b"early-treatments,2000/2003,decade_part,,alpha2002; beta2002\n"
        b"incubator-sales,2009-Q3/2009-Q4,quarter,,\n"
    )
    assert [path.name for path in target.parent.iterdir()] == ["events.csv"]


# --------------------------------------------------------------------------------------------
# check_citation_keys


def test_known_citation_keys_pass():
    clean.check_citation_keys(events(*EVENTS), {"alpha2002", "beta2002", "gamma2010"})


def test_unknown_citation_key_names_file_line_and_field():
    message = raises_build_error(
        clean.check_citation_keys, events(*EVENTS), {"alpha2002", "gamma2010"}
    )
    assert message == (
        "data/raw/events.csv:2: source: citation key 'beta2002' is not in references.bib"
    )


def test_citation_keys_in_another_column():
    frame = table("flows", ["flow_id", "cited"], [["a-to-b", "delta2011"]])
    message = raises_build_error(clean.check_citation_keys, frame, set(), field="cited")
    assert (
        message == "data/raw/flows.csv:2: cited: citation key 'delta2011' is not in references.bib"
    )


# --------------------------------------------------------------------------------------------
# add_date_intervals


def test_coded_dates_become_day_intervals_and_years():
    dated = clean.add_date_intervals(events(*EVENTS)).set_index("event_id")
    assert dated.loc["early-treatments", ["date_start", "date_end"]].tolist() == [
        "2000-01-01", "2003-12-31",
    ]  # fmt: skip
    assert dated.loc["incubator-sales", ["date_start", "date_end"]].tolist() == [
        "2009-07-01", "2009-12-31",
    ]  # fmt: skip
    assert dated.loc["liver-episodes", ["date_start", "date_end"]].tolist() == [
        "2010-09-01", "2010-09-30",
    ]  # fmt: skip
    assert dated.loc["leap-day", ["date_start", "date_end"]].tolist() == [
        "2012-02-29", "2012-02-29",
    ]  # fmt: skip
    assert dated["year_start"].dtype == "Int64"
    assert dated.loc["early-treatments", "year_start"] == 2000
    assert dated.loc["early-treatments", "year_end"] == 2003
    assert dated.loc["liver-episodes", "qualifier"] == "before"  # the bound keeps its qualifier


def test_undated_row_keeps_empty_bounds():
    frame = table("instruments", ["instrument_id", "date_coded", "precision"], [
        ["draft-a", None, None], ["rules-b", "2009-05-01", "day"],
    ])  # fmt: skip
    dated = clean.add_date_intervals(frame)
    assert pd.isna(dated.loc[0, "date_start"])
    assert pd.isna(dated.loc[0, "date_end"])
    assert pd.isna(dated.loc[0, "year_start"])
    assert dated.loc[1, "year_end"] == 2009


def test_add_date_intervals_leaves_its_input_alone():
    frame = events(*EVENTS)
    clean.add_date_intervals(frame)
    assert "date_start" not in frame.columns


@pytest.mark.parametrize(
    ("coded", "precision", "field", "message"),
    [
        pytest.param(
            "2009-13", "month", "date_coded", "'2009-13' has month 13; months run 01-12",
            id="month-13",
        ),
        pytest.param(
            "2010-02-30", "day", "date_coded", "'2010-02-30' is not a day of the calendar",
            id="30-february",
        ),
        pytest.param(
            "2011-02-29", "day", "date_coded", "'2011-02-29' is not a day of the calendar",
            id="29-february-common-year",
        ),
        pytest.param(
            "2010/2009", "years", "date_coded", "'2010/2009' ends before it starts",
            id="ends-before-it-starts",
        ),
        pytest.param(
            "2011", "day", "precision",
            "'day' does not fit the coded date '2011' (its form says year)",
            id="precision-day-for-a-year",
        ),
        pytest.param(
            "2000/2003", "year", "precision",
            "'year' does not fit the coded date '2000/2003' (its form says years)",
            id="early-2000s-coded-as-year",
        ),
        pytest.param(
            "2004", "decade_part", "precision",
            "'decade_part' does not fit the coded date '2004' (its form says year)",
            id="decade-part-for-one-year",
        ),
        pytest.param(
            "2009-Q3/2009-Q4", "month", "precision",
            "'month' does not fit the coded date '2009-Q3/2009-Q4' (its form says quarter)",
            id="q3-q4-coded-as-month",
        ),
    ],
)  # fmt: skip
def test_bad_coded_date_names_file_line_and_field(coded, precision, field, message):
    rows = [*EVENTS[:2], ["bad-row", coded, precision, None, None]]
    error = raises_build_error(clean.add_date_intervals, events(*rows))
    assert error == f"data/raw/events.csv:4: {field}: {message}"


def test_precision_is_not_checked_where_the_table_has_none():
    frame = table("provisions", ["provision_id", "date_coded"], [["deadline", "2012-02-29"]])
    dated = clean.add_date_intervals(frame, precision=None)
    assert dated.loc[0, "date_end"] == "2012-02-29"


def test_empty_precision_is_not_checked():
    dated = clean.add_date_intervals(events(["no-precision", "2011", None, None, None]))
    assert dated.loc[0, "date_start"] == "2011-01-01"


# --------------------------------------------------------------------------------------------
# add_quantity_bounds


def indicators(*values: str) -> pd.DataFrame:
    rows = [[f"indicator-{index}", value] for index, value in enumerate(values, start=1)]
    return table("indicators", ["indicator_id", "value_as_written"], rows)


def test_quantities_get_qualifier_bounds_and_prose():
    bounded = clean.add_quantity_bounds(
        indicators("more than 130", "100-150", "one hundred million", "Eighty-two", "thousands",
                   "not one", "(1) … (8)", "2847")
    )  # fmt: skip
    assert list(bounded["qualifier"]) == [
        "more_than", "range", "exact", "exact", "at_least", "exact", "exact", "exact",
    ]  # fmt: skip
    assert bounded["lower"].dtype == "Float64"
    assert bounded["lower"].tolist() == [130, 100, 100_000_000, 82, 1000, 0, 8, 2847]
    assert bounded["upper"].isna().tolist() == [True, False, False, False, True, False, False,
                                                False]  # fmt: skip
    assert bounded.loc[1, "upper"] == 150
    assert list(bounded["prose"]) == [
        "more than 130", "100–150", "one hundred million", "Eighty-two", "thousands", "not one",
        "8", "2,847",
    ]  # fmt: skip
    assert bounded.loc[0, "value_as_written"] == "more than 130"  # the words are kept


def test_unreadable_quantity_names_file_line_and_field():
    message = raises_build_error(clean.add_quantity_bounds, indicators("more than 130", "lots"))
    assert message == (
        "data/raw/indicators.csv:3: value_as_written: "
        "'lots' is not a number the coding rules know ('lots')"
    )


def test_reversed_range_names_file_line_and_field():
    message = raises_build_error(clean.add_quantity_bounds, indicators("150-100"))
    assert message == (
        "data/raw/indicators.csv:2: value_as_written: "
        "'150-100' is a range whose start exceeds its end"
    )


# --------------------------------------------------------------------------------------------
# check_year_order, check_no_self_flows, check_listed_keys


def cases(*rows: list[str | None]) -> pd.DataFrame:
    return table("cases", ["case_id", "first_year", "last_year"], rows)


def test_years_in_order_pass():
    clean.check_year_order(
        cases(["a", "2009", "2010"], ["b", "2011", None], ["c", None, None], ["d", "2003", "2003"]),
        "first_year",
        "last_year",
    )


def test_last_year_before_first_year_names_file_line_and_field():
    message = raises_build_error(
        clean.check_year_order, cases(["a", "2009", "2010"], ["b", "2009", "2003"]),
        "first_year", "last_year",
    )  # fmt: skip
    assert message == "data/raw/cases.csv:3: last_year: 2003 is before first_year 2009"


def flows(*rows: list[str]) -> pd.DataFrame:
    return table("flows", ["flow_id", "from_community", "to_community"], rows)


def test_flows_between_different_communities_pass():
    clean.check_no_self_flows(flows(["f1", "clinic", "lab"], ["f2", "lab", "clinic"]))


def test_self_flow_names_file_line_and_field():
    message = raises_build_error(
        clean.check_no_self_flows, flows(["f1", "clinic", "lab"], ["f2", "lab", "lab"])
    )
    assert message == "data/raw/flows.csv:3: to_community: a flow must go to a different community"


def coverage(*cells: str | None) -> pd.DataFrame:
    rows = [[f"row-{index}", cell] for index, cell in enumerate(cells, start=1)]
    return table("coverage", ["coverage_id", "provision_ids"], rows)


def test_listed_keys_that_exist_pass():
    clean.check_listed_keys(coverage("p-one; p-two", None, "p-two"), "provision_ids",
                            {"p-one", "p-two"})  # fmt: skip


def test_unknown_listed_key_names_file_line_and_field():
    message = raises_build_error(
        clean.check_listed_keys, coverage("p-one", "p-two; p-three"), "provision_ids",
        {"p-one", "p-two"},
    )  # fmt: skip
    assert message == "data/raw/coverage.csv:3: provision_ids: 'p-three' is not a known id"
