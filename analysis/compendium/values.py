"""Every number and date the prose states, under stable keys, formatted for reading.

The manuscript never types a number that comes from the data: it writes
`{{< var indicator.beike-patients.value >}}` and the value comes from here. Keys follow the
tables: `indicator.<id>`, `event.<id>`, `case.<id>`, `instrument.<id>`, `provision.<id>`,
`fieldwork.<id>`; computed results live under `count`, `coexistence` and `flows`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from compendium import dates, derive, network, quantities

#: Which rows of which table a value was computed from: table name → row ids.
Rows = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Computed:
    """Values and the rows they were computed from.

    `rows` maps a key relative to `values` to the rows behind every value under it: `""` covers
    all of them, and the longest recorded key that is a prefix of a value's key wins. Recorded by
    the function that computes the values, with the same selections, so the two cannot drift.
    """

    values: dict
    rows: dict[str, Rows]


def _ids(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
    return tuple(str(identifier) for identifier in frame[column])


def _chosen(chosen: pd.DataFrame, searched: pd.DataFrame, column: str) -> tuple[str, ...]:
    """The rows a tally counts; for a tally of none, the rows it searched: a zero is as much a
    finding about them as any other count."""
    return _ids(chosen if len(chosen) else searched, column)


def _each_row(frame: pd.DataFrame, table: str, column: str) -> dict[str, Rows]:
    """Values keyed by a row's id come from that row alone."""
    return {str(identifier): {table: (str(identifier),)} for identifier in frame[column]}


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


def indicator_values(indicators: pd.DataFrame) -> Computed:
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
    return Computed(values, _each_row(indicators, "indicators", "indicator_id"))


def event_values(events: pd.DataFrame) -> Computed:
    values = {
        row["event_id"]: _prune(
            {
                "date": date_for_prose(row),
                "year": _year(row["year_start"]),
                "end_year": _year(row["year_end"]),
            }
        )
        for _, row in events.iterrows()
    }
    return Computed(values, _each_row(events, "events", "event_id"))


def instrument_values(instruments: pd.DataFrame) -> Computed:
    values = {
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
    return Computed(values, _each_row(instruments, "instruments", "instrument_id"))


def provision_values(provisions: pd.DataFrame) -> Computed:
    values = {
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
    return Computed(values, _each_row(provisions, "provisions", "provision_id"))


def case_values(cases: pd.DataFrame) -> Computed:
    values = {
        row["case_id"]: _prune(
            {
                "first_year": _year(row["first_year"]),
                "last_year": _year(row["last_year"]),
                "scale": _text(row["scale_as_written"]),
            }
        )
        for _, row in cases.iterrows()
    }
    return Computed(values, _each_row(cases, "cases", "case_id"))


def fieldwork_values(fieldwork: pd.DataFrame) -> Computed:
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
    return Computed(values, _each_row(fieldwork, "fieldwork", "fact_id"))


#: The id column of each table the counts count.
_ID_COLUMNS = {
    "cases": "case_id",
    "events": "event_id",
    "indicators": "indicator_id",
    "informants": "informant_id",
    "modalities": "modality_id",
    "communities": "community_id",
    "flows": "flow_id",
    "instruments": "instrument_id",
    "provisions": "provision_id",
}


def counts(tables: dict[str, pd.DataFrame]) -> Computed:
    """How many rows the coding holds, table by table, and a few counts the prose cites."""
    provisions, fieldwork = tables["provisions"], tables["fieldwork"]
    notice = provisions[provisions["instrument_id"] == "notice-2012"]
    draft = provisions[provisions["instrument_id"] == "draft-2010"]
    interviews = fieldwork[fieldwork["aspect"] == "interviews"].iloc[:1]  # the first one counts
    selected = {
        "notice_stages": ("provisions", notice[notice["element"] == "stage"], "provision_id"),
        "notice_form_items": (
            "provisions",
            notice[notice["element"] == "form_item"],
            "provision_id",
        ),
        "draft_pathways": ("provisions", draft[draft["element"] == "pathway"], "provision_id"),
        "stakeholder_groups": (
            "fieldwork",
            fieldwork[fieldwork["aspect"] == "stakeholder_group"],
            "fact_id",
        ),
    }
    whole = {name: (name, tables[name], column) for name, column in _ID_COLUMNS.items()}
    values = {"interviews": quantities.format_number(float(interviews["quantity"].iloc[0]))}
    values |= {key: str(len(frame)) for key, (_, frame, _) in (whole | selected).items()}
    rows = {"interviews": {"fieldwork": _ids(interviews, "fact_id")}}
    rows |= {
        key: {table: _chosen(frame, tables[table], column)}
        for key, (table, frame, column) in (whole | selected).items()
    }
    return Computed(values, rows)


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


def coexistence_values(modalities: pd.DataFrame) -> Computed:
    """What the modality spans support: the years all modalities are documented side by side,
    how many starts are only bounds, and how many modalities the article shows still going on."""
    spans = derive.modality_spans(modalities)
    states = derive.coexistence(spans, derive.FIRST_YEAR, derive.PRESENT_YEAR)
    together = derive.years_all_documented(states, list(spans["modality"]))
    bounded = spans[spans["start_bound"] == "no-later-than"]
    stated = spans[spans["start_bound"] == "stated"]
    labels = dict(zip(spans["modality"], spans["label"]))
    values = {
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
    # every span counts towards the years, the starts and the ends; a span is its row's alone
    rows = {"": {"modalities": _ids(modalities, "modality_id")}}
    rows |= {
        f"span.{key}": value for key, value in _each_row(spans, "modalities", "modality").items()
    }
    return Computed(values, rows)


def _word(value: object) -> str:
    return (
        {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    )


def flow_values(flows: pd.DataFrame, communities: pd.DataFrame, settings: dict) -> Computed:
    """The network under the figure's alternative, and every finding under every alternative."""
    results = network.robustness(flows, communities, settings)
    shown = results[settings["figure_alternative"]]
    by_strength = flows["evidence_strength"].value_counts()
    backed = flows["case_id"].notna() & (flows["case_id"] != "")
    values = {
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
    # the network's findings rest on every flow between every community; the tallies on theirs
    rows = {"": {"flows": _ids(flows, "flow_id"), "communities": _ids(communities, "community_id")}}
    rows["flow_total"] = {"flows": _ids(flows, "flow_id")}
    for strength in ("stated", "hedged", "inferred"):
        chosen = flows[flows["evidence_strength"] == strength]
        rows[strength] = {"flows": _chosen(chosen, flows, "flow_id")}
    rows["case_backed"] = {"flows": _chosen(flows[backed], flows, "flow_id")}
    return Computed(values, rows)


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


def _computed(tables: dict[str, pd.DataFrame], flow_settings: dict) -> dict:
    return {
        "count": (counts, counts(tables)),
        "coexistence": (coexistence_values, coexistence_values(tables["modalities"])),
        "flows": (
            flow_values,
            flow_values(tables["flows"], tables["communities"], flow_settings),
        ),
        "indicator": (indicator_values, indicator_values(tables["indicators"])),
        "event": (event_values, event_values(tables["events"])),
        "instrument": (instrument_values, instrument_values(tables["instruments"])),
        "provision": (provision_values, provision_values(tables["provisions"])),
        "case": (case_values, case_values(tables["cases"])),
        "fieldwork": (fieldwork_values, fieldwork_values(tables["fieldwork"])),
    }


def leaves(values: dict, prefix: str = ""):
    """(dotted key, value) of every single value in a nested mapping."""
    for key, value in values.items():
        if isinstance(value, dict):
            yield from leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _rows_of(key: str, rows: dict[str, Rows]) -> Rows:
    """The rows recorded for the longest prefix of `key` (whole dotted parts)."""
    parts = key.split(".")
    for end in range(len(parts), -1, -1):
        prefix = ".".join(parts[:end])
        if prefix in rows:
            return rows[prefix]
    raise ValueError(f"value '{key}' has no recorded rows")


def collect_sourced(tables: dict[str, pd.DataFrame], flow_settings: dict) -> tuple[dict, dict]:
    """All values, nested by kind then key, and for each value's dotted key the function that
    computed it and the rows it was computed from (table → row ids)."""
    computed = _computed(tables, flow_settings)
    values = _drop_empty({kind: result.values for kind, (_, result) in computed.items()})
    sources = {}
    for kind, kind_values in values.items():
        function, result = computed[kind]
        for key, _ in leaves(kind_values):
            rows = _rows_of(key, result.rows)
            sources[f"{kind}.{key}"] = {
                "function": f"{function.__module__}.{function.__qualname__}",
                "rows": {table: list(ids) for table, ids in sorted(rows.items())},
            }
    return values, sources


def collect(tables: dict[str, pd.DataFrame], flow_settings: dict) -> dict:
    """All values, nested by kind then key."""
    return collect_sourced(tables, flow_settings)[0]


def to_json(values: dict) -> str:
    """Sorted keys, every value a string, unicode kept: the same values give the same bytes.

    JSON, because the manuscript's filters read it with pandoc's own JSON reader (and Quarto
    reads it as the YAML it also is)."""
    import json

    return json.dumps(values, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
