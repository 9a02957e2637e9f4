"""Every number and date the prose states, under stable keys, formatted for reading.

The manuscript never types a number that comes from the data: it writes
`{{< var indicator.beike-patients.value >}}` and the value comes from here. Keys follow the
tables: `indicator.<id>`, `event.<id>`, `case.<id>`, `instrument.<id>`, `provision.<id>`,
`fieldwork.<id>`; computed results live under `count`, `coexistence` and `flows`.
"""

from __future__ import annotations

import pandas as pd

from compendium import dates, derive, network, quantities


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _text(value) -> str | None:
    return None if _missing(value) else str(value)


def _year(value) -> str | None:
    return None if _missing(value) else str(int(value))


def _prune(mapping: dict) -> dict:
    """Drop empty values: a key the data cannot fill must fail the render, not print blank."""
    return {key: value for key, value in mapping.items() if value not in (None, "")}


def date_for_prose(row: pd.Series) -> str | None:
    coded = row.get("date_coded")
    if _missing(coded):
        return None
    return dates.prose_date(coded, _text(row.get("precision")))


def indicator_values(indicators: pd.DataFrame) -> dict:
    values = {}
    for _, row in indicators.iterrows():
        values[row["indicator_id"]] = _prune(
            {
                "value": row["prose"],
                "as_written": row["value_as_written"],
                "unit": _text(row["unit"]),
                "year": _year(row["year"]),
                "lower": None if _missing(row["lower"]) else quantities.format_number(row["lower"]),
                "upper": None if _missing(row["upper"]) else quantities.format_number(row["upper"]),
            }
        )
    return values


def event_values(events: pd.DataFrame) -> dict:
    return {
        row["event_id"]: _prune(
            {
                "date": date_for_prose(row),
                "year": _year(row["year_start"]),
                "end_year": _year(row["year_end"]),
            }
        )
        for _, row in events.iterrows()
    }


def instrument_values(instruments: pd.DataFrame) -> dict:
    return {
        row["instrument_id"]: _prune(
            {
                "date": date_for_prose(row),
                "year": _year(row["year_start"]),
                "name": _text(row["name"]),
                "short_name": _text(row["short_name"]),
            }
        )
        for _, row in instruments.iterrows()
    }


def provision_values(provisions: pd.DataFrame) -> dict:
    return {
        row["provision_id"]: _prune(
            {
                "name": _text(row["name"]),
                "name_pinyin": _text(row["name_pinyin"]),
                "date": date_for_prose(row),
                "position": _year(row["position"]),
                "page": _text(row["draft_page"]),
            }
        )
        for _, row in provisions.iterrows()
    }


def case_values(cases: pd.DataFrame) -> dict:
    return {
        row["case_id"]: _prune(
            {
                "first_year": _year(row["first_year"]),
                "last_year": _year(row["last_year"]),
                "scale": _text(row["scale_as_written"]),
            }
        )
        for _, row in cases.iterrows()
    }


def fieldwork_values(fieldwork: pd.DataFrame) -> dict:
    values = {}
    for _, row in fieldwork.iterrows():
        quantity = row.get("quantity")
        values[row["fact_id"]] = _prune(
            {
                "value": _text(row["value"]),
                "quantity": None
                if _missing(quantity)
                else quantities.format_number(float(quantity)),
                "date": date_for_prose(row),
            }
        )
    return values


def counts(tables: dict[str, pd.DataFrame]) -> dict:
    """How many rows the coding holds, table by table, and a few counts the prose cites."""
    provisions = tables["provisions"]
    notice = provisions[provisions["instrument_id"] == "notice-2012"]
    draft = provisions[provisions["instrument_id"] == "draft-2010"]
    interviews = tables["fieldwork"].loc[tables["fieldwork"]["aspect"] == "interviews", "quantity"]
    return {
        "interviews": quantities.format_number(float(interviews.iloc[0])),
        "cases": str(len(tables["cases"])),
        "events": str(len(tables["events"])),
        "indicators": str(len(tables["indicators"])),
        "informants": str(len(tables["informants"])),
        "modalities": str(len(tables["modalities"])),
        "communities": str(len(tables["communities"])),
        "flows": str(len(tables["flows"])),
        "instruments": str(len(tables["instruments"])),
        "provisions": str(len(provisions)),
        "notice_stages": str(int((notice["element"] == "stage").sum())),
        "notice_form_items": str(int((notice["element"] == "form_item").sum())),
        "draft_pathways": str(int((draft["element"] == "pathway").sum())),
        "stakeholder_groups": str(
            int((tables["fieldwork"]["aspect"] == "stakeholder_group").sum())
        ),
    }


def join_words(items: list[str]) -> str:
    """['a', 'b', 'c'] → 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def year_span(years: list[int]) -> str:
    """Consecutive years as a span ('2009–2012'), others listed."""
    if years and years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return join_words([str(year) for year in years])


def coexistence_values(cases: pd.DataFrame, modalities: pd.DataFrame) -> dict:
    labels = list(modalities["modality_id"])
    per_year = derive.coexistence(cases, labels, derive.FIRST_YEAR, derive.PRESENT_YEAR)
    peak, peak_years = derive.peak_coexistence(per_year)
    return {
        "peak_count": str(peak),
        "peak_years": year_span(peak_years),
        "first_year": str(derive.FIRST_YEAR),
        "last_year": str(derive.PRESENT_YEAR),
        "undated_cases": str(int(cases["first_year"].isna().sum())),
        "by_year": {str(year): str(int(row["coexisting"])) for year, row in per_year.iterrows()},
    }


def flow_values(flows: pd.DataFrame, communities: pd.DataFrame) -> dict:
    graph = network.flow_graph(flows, communities)
    found = network.cycles(graph)
    names = dict(zip(communities["community_id"], communities["name"]))
    return {
        "cycle_count": str(len(found)),
        "edge_count": str(graph.number_of_edges()),
        "communities_on_cycles": str(len({node for cycle in found for node in cycle})),
        "longest_cycle_length": str(max((len(cycle) for cycle in found), default=0)),
        "shortest_cycle": " → ".join(names[node] for node in (*found[0], found[0][0]))
        if found
        else "",
    }


def _drop_empty(values: dict) -> dict:
    """Without keys whose every value is missing: a key the data cannot fill stays unknown."""
    result = {}
    for key, value in values.items():
        if isinstance(value, dict):
            value = _drop_empty(value)
            if not value:
                continue
        result[key] = value
    return result


def collect(tables: dict[str, pd.DataFrame]) -> dict:
    """All values, nested by kind then key."""
    return _drop_empty(
        {
            "count": counts(tables),
            "coexistence": coexistence_values(tables["cases"], tables["modalities"]),
            "flows": flow_values(tables["flows"], tables["communities"]),
            "indicator": indicator_values(tables["indicators"]),
            "event": event_values(tables["events"]),
            "instrument": instrument_values(tables["instruments"]),
            "provision": provision_values(tables["provisions"]),
            "case": case_values(tables["cases"]),
            "fieldwork": fieldwork_values(tables["fieldwork"]),
        }
    )


def to_json(values: dict) -> str:
    """Sorted keys, every value a string, unicode kept: the same values give the same bytes.

    JSON, because the manuscript's filters read it with pandoc's own JSON reader (and Quarto
    reads it as the YAML it also is)."""
    import json

    return json.dumps(values, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
