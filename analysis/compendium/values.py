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


def _in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: 'Patient-driven ...' → 'patient-driven ...',
    an acronym kept ('SFDA-approved ...')."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def coexistence_values(modalities: pd.DataFrame) -> dict:
    """What the modality spans support: the years all modalities are documented side by side,
    how many starts are only bounds, and how many modalities the article shows still going on."""
    spans = derive.modality_spans(modalities)
    states = derive.coexistence(spans, derive.FIRST_YEAR, derive.PRESENT_YEAR)
    together = derive.years_all_documented(states, list(spans["modality"]))
    bounded = spans[spans["start_bound"] == "no-later-than"]
    stated = spans[spans["start_bound"] == "stated"]
    labels = dict(zip(spans["modality"], spans["label"]))
    return {
        "modalities": str(len(spans)),
        "all_documented_years": year_span(together),
        "all_documented_from": str(together[0]) if together else None,
        "bounded_starts": str(len(bounded)),
        "stated_starts": str(len(stated)),
        "stated_start_modalities": join_words(
            [_in_sentence(labels[m]) for m in stated["modality"]]
        ),
        "ongoing": str(int((spans["end_bound"] == "ongoing").sum())),
        "first_year": str(derive.FIRST_YEAR),
        "last_year": str(derive.PRESENT_YEAR),
        "documented_by_year": {
            str(year): str(int(row["documented"])) for year, row in states.iterrows()
        },
        "span": {
            span["modality"]: {
                "start": str(span["start"]),
                "start_bound": span["start_bound"],
                "end": str(span["end"]),
                "end_bound": span["end_bound"],
            }
            for _, span in spans.iterrows()
        },
    }


def _word(value: object) -> str:
    return (
        {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    )


def flow_values(flows: pd.DataFrame, communities: pd.DataFrame, settings: dict) -> dict:
    """The network under the figure's alternative, and every finding under every alternative."""
    results = network.robustness(flows, communities, settings)
    shown = results[settings["figure_alternative"]]
    by_strength = flows["evidence_strength"].value_counts()
    backed = flows["case_id"].notna() & (flows["case_id"] != "")
    return {
        "cycle_count": str(shown["cycle_count"]),
        "flow_total": str(len(flows)),
        "stated": str(int(by_strength.get("stated", 0))),
        "hedged": str(int(by_strength.get("hedged", 0))),
        "inferred": str(int(by_strength.get("inferred", 0))),
        "case_backed": str(int(backed.sum())),
        "alternatives": str(len(results)),
        "cycle_counts": join_words([str(result["cycle_count"]) for result in results.values()]),
        "cycle_count_min": str(min(result["cycle_count"] for result in results.values())),
        "cycle_count_max": str(max(result["cycle_count"] for result in results.values())),
        "alternative": {
            identifier: {finding: _word(value) for finding, value in result.items()}
            for identifier, result in results.items()
        },
        "robust": {finding: _word(network.is_robust(results, finding)) for finding in shown},
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


def collect(tables: dict[str, pd.DataFrame], flow_settings: dict) -> dict:
    """All values, nested by kind then key."""
    return _drop_empty(
        {
            "count": counts(tables),
            "coexistence": coexistence_values(tables["modalities"]),
            "flows": flow_values(tables["flows"], tables["communities"], flow_settings),
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
