"""The values the prose cites, from SYNTHETIC cleaned tables written inline.

The ids (`case-a`, `event-b` ...), numbers and citation-free rows are invented; only the shapes
are the article's: "more than 9000", "not one", "Eighty-two", "early 2000s", "Q3–Q4 2009",
"prior to September 2010" (coded by its bound) and a fieldwork period from July 2009 to
April 2011. The instrument ids `draft-2010` and `notice-2012` are the fixed ids other tables
refer to, so the counts of their provisions can be computed.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from compendium import values

NA = pd.NA


def frame(columns: dict) -> pd.DataFrame:
    return pd.DataFrame(columns)


def ints(*items) -> pd.arrays.IntegerArray:
    return pd.array(list(items), dtype="Int64")


def floats(*items) -> pd.arrays.FloatingArray:
    return pd.array(list(items), dtype="Float64")


MODALITIES = frame(
    {
        "modality_id": ["m-one", "m-two", "m-three"],
        "position": ints(1, 2, 3),
        "label": ["One", "Two", "Three"],
        "span_start": ["2004", "2007", "2003"],
        "span_start_bound": ["stated", "no-later-than", "no-later-than"],
        "span_start_evidence": ["since 2004", "in 2007", "in 2003"],
        "span_start_locator": ["Introduction ¶1"] * 3,
        "span_end": ["2012", "2012", "2010"],
        "span_end_bound": ["ongoing", "ongoing", "stated"],
        "span_end_evidence": ["today", "today", "until 2010"],
        "span_end_locator": ["Introduction ¶1"] * 3,
    }
)
CASES = frame(
    {
        "case_id": ["case-a", "case-b", "case-c", "case-d"],
        "modality": ["m-one", "m-two", "m-three", "m-one"],
        "first_year": ints(2009, 2010, None, 2003),
        "last_year": ints(2010, None, None, 2003),
        "scale_as_written": ["more than 130 episodes", None, None, "at least four"],
    }
)
EVENTS = frame(
    {
        "event_id": ["event-early", "event-quarters", "event-before", "event-day"],
        "date_coded": ["2000/2003", "2009-Q3/2009-Q4", "2010-09", "2012-02-29"],
        "precision": ["decade_part", "quarter", "month", "day"],
        "year_start": ints(2000, 2009, 2010, 2012),
        "year_end": ints(2003, 2009, 2010, 2012),
    }
)
INSTRUMENTS = frame(
    {
        "instrument_id": ["rules-2009", "draft-2010", "notice-2012"],
        "date_coded": ["2009-05-01", "2010-10", "2012-01"],
        "precision": ["day", "month", "month"],
        "year_start": ints(2009, 2010, 2012),
        "name": ["Rules for A", None, "Notice on B"],
        "short_name": ["2009 rules", "2010 draft", "2012 notice"],
    }
)
PROVISIONS = frame(
    {
        "provision_id": ["d-path-1", "d-path-2", "n-stage-1", "n-stage-2", "n-form-1", "n-dl"],
        "instrument_id": ["draft-2010"] * 2 + ["notice-2012"] * 4,
        "element": ["pathway", "pathway", "stage", "stage", "form_item", "deadline"],
        "name": ["Path one", "Path two", "Stage one", "Stage two", "Item one", None],
        "name_pinyin": [None, None, "yi", None, None, None],
        "date_coded": [None, None, None, None, None, "2012-04-10"],
        "precision": [None] * 6,
        "position": ints(1, 2, 1, 2, 1, 1),
        "draft_page": ["p.27", "pp. 23-4", None, None, None, None],
    }
)
FIELDWORK = frame(
    {
        "fact_id": ["interviews-count", "fieldwork-period", "group-x", "group-y", "place-z"],
        "aspect": ["interviews", "period", "stakeholder_group", "stakeholder_group", "place"],
        "value": ["Eighty-two", "between July 2009 and April 2011", "group x", "group y", "Z"],
        "quantity": floats(82.0, None, None, None, None),
        "date_coded": [None, "2009-07/2011-04", None, None, None],
        "precision": [None, "month", None, None, None],
    }
)
INDICATORS = frame(
    {
        "indicator_id": ["patients", "deaths", "clinics"],
        "prose": ["more than 9,000", "not one", "100–150"],
        "value_as_written": ["more than 9000", "not one", "100-150"],
        "unit": ["patients", "deaths", None],
        "year": ints(2011, None, 2009),
        "lower": floats(9000, 0, 100),
        "upper": floats(None, 0, 150),
    }
)
COMMUNITIES = frame({"community_id": ["lab", "clinic", "market"],
                     "name": ["Labs", "Clinics", "Market"]})  # fmt: skip
FLOWS = frame(
    {
        "flow_id": ["f1", "f2", "f3", "f4"],
        "from_community": ["lab", "clinic", "market", "clinic"],
        "to_community": ["clinic", "market", "lab", "lab"],
        "evidence_strength": ["hedged", "stated", "stated", "stated"],
        "case_id": [None, "case-a", "case-b", "case-a"],
    }
)
#: Two alternatives: every flow, and stated flows with a case only (which drops f1, the only
#: flow back from the lab, so no cycle is left).
FLOW_SETTINGS = {
    "figure_alternative": "all",
    "clinic_side": ["clinic"],
    "lab": "lab",
    "origin": "clinic",
    "regulators": [],
    "alternatives": [
        {"id": "all", "label": "All"},
        {"id": "strict", "label": "Strict", "strengths": ["stated"], "case_backed_only": True},
    ],
}
INFORMANTS = frame({"informant_id": ["informant-a", "informant-b"]})


def tables() -> dict[str, pd.DataFrame]:
    return {
        "modalities": MODALITIES, "cases": CASES, "events": EVENTS, "instruments": INSTRUMENTS,
        "provisions": PROVISIONS, "fieldwork": FIELDWORK, "indicators": INDICATORS,
        "communities": COMMUNITIES, "flows": FLOWS, "informants": INFORMANTS,
    }  # fmt: skip


def leaves(mapping: dict):
    for value in mapping.values():
        if isinstance(value, dict):
            yield from leaves(value)
        else:
            yield value


# --------------------------------------------------------------------------------------------
# date_for_prose and the per-table values


@pytest.mark.parametrize(
    ("row", "prose"),
    [
        pytest.param({"date_coded": "2000/2003", "precision": "decade_part"}, "early 2000s",
                     id="early-2000s"),
        pytest.param({"date_coded": "2009-Q3/2009-Q4", "precision": "quarter"}, "Q3–Q4 2009",
                     id="q3-q4-2009"),
        pytest.param({"date_coded": "2010-09", "precision": "month"}, "September 2010",
                     id="prior-to-sept-2010-bound"),
        pytest.param({"date_coded": "2012-02-29", "precision": NA}, "29 February 2012",
                     id="missing-precision"),
        pytest.param({"date_coded": None, "precision": "day"}, None, id="undated"),
        pytest.param({"date_coded": float("nan")}, None, id="undated-nan"),
        pytest.param({"precision": "year"}, None, id="no-date-column"),
    ],
)  # fmt: skip
def test_date_for_prose(row, prose):
    assert values.date_for_prose(pd.Series(row, dtype=object)) == prose


def test_indicator_values_keep_the_qualifier_and_drop_missing_bounds():
    found = values.indicator_values(INDICATORS).values
    assert found["patients"] == {
        "value": "more than 9,000", "as_written": "more than 9000", "unit": "patients",
        "year": "2011", "lower": "9,000",
    }  # fmt: skip
    assert found["deaths"] == {
        "value": "not one", "as_written": "not one", "unit": "deaths", "lower": "0", "upper": "0",
    }  # fmt: skip
    assert found["clinics"]["value"] == "100–150"
    assert (found["clinics"]["lower"], found["clinics"]["upper"]) == ("100", "150")
    assert "unit" not in found["clinics"]


def test_event_values():
    found = values.event_values(EVENTS).values
    assert found["event-early"] == {"date": "early 2000s", "year": "2000", "end_year": "2003"}
    assert found["event-quarters"]["date"] == "Q3–Q4 2009"
    assert found["event-before"] == {"date": "September 2010", "year": "2010", "end_year": "2010"}
    assert found["event-day"]["date"] == "29 February 2012"


def test_instrument_values_leave_out_a_title_the_article_does_not_give():
    found = values.instrument_values(INSTRUMENTS).values
    assert found["rules-2009"] == {"date": "1 May 2009", "year": "2009", "name": "Rules for A",
                                   "short_name": "2009 rules"}  # fmt: skip
    assert "name" not in found["draft-2010"]
    assert found["draft-2010"]["date"] == "October 2010"


def test_provision_values():
    found = values.provision_values(PROVISIONS).values
    assert found["d-path-2"] == {"name": "Path two", "position": "2", "page": "pp. 23-4"}
    assert found["n-stage-1"]["name_pinyin"] == "yi"
    assert found["n-dl"] == {"date": "10 April 2012", "position": "1"}


def test_case_values_leave_open_ends_open():
    found = values.case_values(CASES).values
    assert found["case-a"] == {"first_year": "2009", "last_year": "2010",
                               "scale": "more than 130 episodes"}  # fmt: skip
    assert found["case-b"] == {"first_year": "2010"}
    assert found["case-c"] == {}


def test_fieldwork_values():
    found = values.fieldwork_values(FIELDWORK).values
    assert found["interviews-count"] == {"value": "Eighty-two", "quantity": "82"}
    assert found["fieldwork-period"] == {
        "value": "between July 2009 and April 2011", "date": "July 2009–April 2011",
    }  # fmt: skip


def test_counts():
    assert values.counts(tables()).values == {
        "interviews": "82", "cases": "4", "events": "4", "indicators": "3", "informants": "2",
        "modalities": "3", "communities": "3", "flows": "4", "instruments": "3",
        "provisions": "6", "notice_stages": "2", "notice_form_items": "1", "draft_pathways": "2",
        "stakeholder_groups": "2",
    }  # fmt: skip


# --------------------------------------------------------------------------------------------
# Words and spans


@pytest.mark.parametrize(
    ("items", "text"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join_words(items, text):
    assert values.join_words(items) == text


@pytest.mark.parametrize(
    ("years", "text"),
    [
        ([], ""),
        ([2010], "2010"),
        ([2009, 2010], "2009–2010"),
        ([2009, 2010, 2011, 2012], "2009–2012"),
        ([2009, 2011], "2009 and 2011"),
        ([2003, 2009, 2010], "2003, 2009 and 2010"),
    ],
)
def test_year_span(years, text):
    assert values.year_span(years) == text


# --------------------------------------------------------------------------------------------
# Computed results


def test_coexistence_values():
    found = values.coexistence_values(MODALITIES).values
    assert found["first_year"] == "2000"
    assert found["last_year"] == "2012"
    assert found["all_documented_years"] == "2007–2010"
    assert found["bounded_starts"] == "2"
    assert found["stated_start_modalities"] == "one"
    assert found["ongoing"] == "2"
    assert list(found["documented_by_year"]) == [str(year) for year in range(2000, 2013)]
    assert found["documented_by_year"]["2003"] == "1"
    assert found["documented_by_year"]["2004"] == "2"
    assert found["documented_by_year"]["2011"] == "2"
    assert found["span"]["m-two"] == {
        "start": "2007", "start_bound": "no-later-than", "end": "2012", "end_bound": "ongoing",
    }  # fmt: skip


def test_flow_values_report_every_alternative_and_what_is_robust():
    found = values.flow_values(FLOWS, COMMUNITIES, FLOW_SETTINGS).values
    assert found["cycle_count"] == "2"
    assert found["alternative"]["all"]["cycle_count"] == "2"
    assert found["alternative"]["strict"]["cycle_count"] == "0"
    assert found["cycle_counts"] == "2 and 0"
    assert found["robust"]["any_cycle"] == "no"
    assert found["robust"]["regulators_off_cycles"] == "yes"
    assert (found["stated"], found["hedged"], found["case_backed"]) == ("3", "1", "3")


def test_collect_nests_every_kind_and_every_value_is_text():
    collected = values.collect(tables(), FLOW_SETTINGS)
    assert sorted(collected) == [
        "case", "coexistence", "count", "event", "fieldwork", "flows", "indicator", "instrument",
        "provision",
    ]  # fmt: skip
    assert all(isinstance(value, str) for value in leaves(collected))


def test_collect_drops_keys_the_data_cannot_fill():
    collected = values.collect(tables(), FLOW_SETTINGS)
    assert "case-c" not in collected["case"]  # undated, no scale: nothing to cite
    assert "cycle_count" in collected["flows"]


def test_json_is_sorted_unicode_and_reproducible():
    collected = values.collect(tables(), FLOW_SETTINGS)
    text = values.to_json(collected)
    assert text == values.to_json(values.collect(tables(), FLOW_SETTINGS))
    assert json.loads(text) == collected
    assert "Q3–Q4 2009" in text
    assert "\\u" not in text
    top_level = [line.split(":")[0] for line in text.splitlines() if line.startswith('  "')]
    assert top_level == sorted(top_level)


def test_json_keeps_values_that_would_read_as_numbers_strings():
    text = values.to_json({"count": {"cases": "4"}, "event": {"a": {"year": "2009"}}})
    assert json.loads(text) == {"count": {"cases": "4"}, "event": {"a": {"year": "2009"}}}
    assert yaml.safe_load(text) == json.loads(text)  # Quarto reads it as YAML


# --------------------------------------------------------------------------------------------
# The rows behind each value, recorded where it is computed


def test_every_value_names_its_function_and_rows():
    collected, sources = values.collect_sourced(tables(), FLOW_SETTINGS)
    keys = [key for key, _ in values.leaves(collected)]
    assert sorted(sources) == sorted(keys)
    assert all(source["rows"] and all(source["rows"].values()) for source in sources.values())
    assert sources["indicator.patients.value"] == {
        "function": "compendium.values.indicator_values", "rows": {"indicators": ["patients"]},
    }  # fmt: skip


def test_a_count_is_traced_to_the_rows_it_counts():
    _, sources = values.collect_sourced(tables(), FLOW_SETTINGS)
    assert sources["count.cases"]["rows"] == {"cases": ["case-a", "case-b", "case-c", "case-d"]}
    stages = sources["count.notice_stages"]["rows"]["provisions"]
    assert len(stages) == int(values.collect(tables(), FLOW_SETTINGS)["count"]["notice_stages"])
    assert all(PROVISIONS.set_index("provision_id").loc[stages, "element"] == "stage")


def test_flow_tallies_name_their_flows_and_findings_the_whole_network():
    _, sources = values.collect_sourced(tables(), FLOW_SETTINGS)
    assert sources["flows.hedged"]["rows"] == {"flows": ["f1"]}
    assert sources["flows.case_backed"]["rows"] == {"flows": ["f2", "f3", "f4"]}
    assert sources["flows.cycle_count"]["rows"] == {
        "communities": ["lab", "clinic", "market"], "flows": ["f1", "f2", "f3", "f4"],
    }  # fmt: skip


def test_a_modality_span_comes_from_its_own_row():
    _, sources = values.collect_sourced(tables(), FLOW_SETTINGS)
    assert sources["coexistence.span.m-two.start"]["rows"] == {"modalities": ["m-two"]}
    assert sources["coexistence.ongoing"]["rows"] == {"modalities": ["m-one", "m-two", "m-three"]}


def test_a_value_without_recorded_rows_is_an_error():
    with pytest.raises(ValueError, match=r"'b\.c' has no recorded rows"):
        values._rows_of("b.c", {"a": {"t": ("x",)}})


def test_a_tally_of_none_names_the_rows_it_searched():
    _, sources = values.collect_sourced(tables(), FLOW_SETTINGS)
    assert values.flow_values(FLOWS, COMMUNITIES, FLOW_SETTINGS).values["inferred"] == "0"
    assert sources["flows.inferred"]["rows"] == {"flows": ["f1", "f2", "f3", "f4"]}
