"""What each of the paper's tables shows: one function per table, frame in, frame out, the
frame carrying its column widths, alignments and citation columns in `attrs`;
`compendium.pipe_tables` writes it as Markdown."""

from __future__ import annotations

import pandas as pd


def join_values(values: pd.Series, separator: str = "; ") -> str:
    """Distinct non-empty values in first-seen order, joined for one cell.

    Values are compared as the text they print as, so 1 and '1' are one value; `pd.NA` is
    empty, as in `pipe_tables.escape`, and is skipped before any comparison (it has no truth value).
    """
    seen: list[str] = []
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            continue
        text = str(value)
        if text not in seen:
            seen.append(text)
    return separator.join(seen)


# ---------------------------------------------------------------------------------------------
# tbl-fieldwork

FIELDWORK_ASPECTS = {
    "interviews": "Interviews",
    "duration": "Duration",
    "period": "Period",
    "place": "Places",
    "stakeholder_group": "Stakeholder groups interviewed",
    "method": "Further methods",
    "document_type": "Documents analyzed",
}


def fieldwork(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per aspect of the study design, its facts joined in the order coded."""
    rows = []
    for aspect, label in FIELDWORK_ASPECTS.items():
        selected = facts[facts["aspect"] == aspect]
        if selected.empty:
            continue
        rows.append({"Aspect": label, "Details": join_values(selected["value"])})
    result = pd.DataFrame(rows, columns=["Aspect", "Details"])
    result.attrs["widths"] = {"Aspect": 2, "Details": 6}
    return result


# ---------------------------------------------------------------------------------------------
# tbl-indicators

QUALIFIER_WORDS = {
    "exact": "exact",
    "more_than": "lower bound",
    "at_least": "lower bound",
    "less_than": "upper bound",
    "up_to": "upper bound",
    "about": "approximate",
    "range": "range",
}


def _year_text(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def indicators(table: pd.DataFrame) -> pd.DataFrame:
    """Every quantitative statement, ordered by year then subject, its qualifier made explicit."""
    ordered = table.sort_values(["year", "subject", "indicator_id"], na_position="last")
    result = pd.DataFrame(
        {
            "What is counted": ordered["subject"],
            "Value as written": ordered["value_as_written"],
            "Kind of value": ordered["qualifier"].map(QUALIFIER_WORDS),
            "Unit": ordered["unit"],
            "Year": ordered["year"].map(_year_text),
            "Source": ordered["source"],
        }
    )
    result.attrs["citation_columns"] = ["Source"]
    result.attrs["alignments"] = {"Value as written": "right", "Year": "right"}
    result.attrs["widths"] = {
        "What is counted": 7, "Value as written": 3, "Kind of value": 3,
        "Unit": 3, "Year": 2, "Source": 4,
    }  # fmt: skip
    return result


# ---------------------------------------------------------------------------------------------
# tbl-pathways


def pathways(provisions: pd.DataFrame) -> pd.DataFrame:
    """The 2010 draft's approval pathways in the draft's order."""
    selected = provisions[
        (provisions["instrument_id"] == "draft-2010") & (provisions["element"] == "pathway")
    ].sort_values("position")
    result = pd.DataFrame(
        {
            "No.": selected["position"].map(_year_text),
            "Pathway": selected["name"],
            "Risk class": selected["risk_class"],
            "Responsible body": selected["responsible_body"],
            "What the draft provides": selected["description"],
        }
    )
    result.attrs["alignments"] = {"No.": "right"}
    result.attrs["widths"] = {
        "No.": 1, "Pathway": 4, "Risk class": 2, "Responsible body": 4,
        "What the draft provides": 9,
    }  # fmt: skip
    return result


# ---------------------------------------------------------------------------------------------
# tbl-notice

NOTICE_PARTS = {"stage": "Stage", "form_item": "Self-evaluation form item"}


#: When a part of the notice applies. The article dates none of the stages; it says the
#: initial one-year phase, opened by the notice, covers only the first two of them, and the
#: self-evaluation form belongs to the first.
FIRST_PHASE = "initial one-year phase"
LATER = "announced for later; not described"


def _notice_phase(provision: pd.Series) -> str:
    if provision["element"] == "form_item":
        return f"{FIRST_PHASE} (self-evaluation)"
    return LATER if provision["effect"] == "announced for later" else FIRST_PHASE


def notice(provisions: pd.DataFrame) -> pd.DataFrame:
    """The January 2012 notice: its stages in order (with pinyin names and the phase each
    belongs to), then the items of its self-evaluation form in order."""
    selected = provisions[provisions["instrument_id"] == "notice-2012"]
    rows = []
    for element, part in NOTICE_PARTS.items():
        for _, provision in (
            selected[selected["element"] == element].sort_values("position").iterrows()
        ):
            rows.append(
                {
                    "Part": part,
                    "No.": _year_text(provision["position"]),
                    "Name": provision["name"],
                    "Pinyin": provision["name_pinyin"],
                    "When": _notice_phase(provision),
                }
            )
    result = pd.DataFrame(rows, columns=["Part", "No.", "Name", "Pinyin", "When"])
    result.attrs["alignments"] = {"No.": "right"}
    result.attrs["widths"] = {"Part": 3, "No.": 1, "Name": 6, "Pinyin": 4, "When": 5}
    return result


# ---------------------------------------------------------------------------------------------
# tbl-coverage


def coverage(
    table: pd.DataFrame, modalities: pd.DataFrame, instruments: pd.DataFrame
) -> pd.DataFrame:
    """Modalities (rows) × instruments (columns, in date order): how each addresses each."""
    from compendium import derive

    ordered_instruments = instruments.sort_values(["date_start", "instrument_id"])
    matrix = derive.coverage_matrix(
        table, list(modalities["modality_id"]), list(ordered_instruments["instrument_id"])
    )
    labels = dict(zip(modalities["modality_id"], modalities["label"]))
    short_names = dict(zip(ordered_instruments["instrument_id"], ordered_instruments["short_name"]))
    result = matrix.rename(index=labels, columns=short_names).reset_index()
    result = result.rename(columns={"index": "Modality"})
    result.attrs["widths"] = {"Modality": 3}
    return result


# ---------------------------------------------------------------------------------------------
# tbl-modalities

#: How many example cases a modality's row names; the full list is in results/data/cases.csv.
EXAMPLES_PER_MODALITY = 3


def active_years(modality: pd.Series) -> str:
    """'since 2004, ongoing' / 'by 2007, ongoing': the span as the coding supports it."""
    start = ("since " if modality["span_start_bound"] == "stated" else "by ") + str(
        modality["span_start"]
    )
    end = "ongoing" if modality["span_end_bound"] == "ongoing" else f"until {modality['span_end']}"
    return f"{start}, {end}"


def modalities(cases: pd.DataFrame, vocabulary: pd.DataFrame) -> pd.DataFrame:
    """The typology: per modality its driver and oversight (coded from the article's
    description of the modality), the years the article shows it active, the settings of its
    coded cases, examples and the number of cases."""
    rows = []
    for _, modality in vocabulary.iterrows():
        own = cases[cases["modality"] == modality["modality_id"]].sort_values(
            ["first_year", "case_id"], na_position="last"
        )
        rows.append(
            {
                "Modality": modality["label"],
                "Active": active_years(modality),
                "Driver": modality["driver"],
                "Settings": join_values(own["setting"]),
                "Evidence produced": modality["evidence"],
                "Oversight": modality["oversight"],
                "Examples": join_values(own["name"].head(EXAMPLES_PER_MODALITY)),
                "Cases": str(len(own)),
            }
        )
    result = pd.DataFrame(rows)
    result.attrs["alignments"] = {"Cases": "right"}
    result.attrs["widths"] = {
        "Modality": 3, "Active": 2, "Driver": 5, "Settings": 4, "Evidence produced": 5,
        "Oversight": 4, "Examples": 5, "Cases": 1,
    }  # fmt: skip
    return result


# ---------------------------------------------------------------------------------------------
# tbl-robustness

#: The findings of the cycle analysis, as the robustness table words them (row order).
FINDINGS = {
    "any_cycle": "Knowledge returns to a community it left (at least one cycle)",
    "clinic_lab_cycle": "A cycle joins the lab and the clinic side",
    "for_profit_on_cycle": "The for-profit providers lie on a cycle",
    "origin_on_cycle": (
        "The article's own loop closes where it starts (patient-driven clinicians on a cycle)"
    ),
    "regulators_off_cycles": "The regulators lie on no cycle",
    "cycle_count": "Number of cycles",
    "flow_count": "Flows counted",
}
#: Rows shown for reference, not findings: how many flows each alternative keeps.
REFERENCE_ONLY = {"flow_count"}


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "holds" if value else "does not hold"
    return str(value)


def robustness(results: dict[str, dict[str, object]], labels: dict[str, str]) -> pd.DataFrame:
    """Finding × coding alternative, and whether the finding comes out the same under all.

    `results` is {alternative id: findings} (network.robustness); `labels` names the columns.
    A count is robust only if it is the same number everywhere; the flows counted are shown
    for reference and judged like any other row.
    """
    from compendium import network

    rows = []
    for finding, wording in FINDINGS.items():
        row = {"Finding": wording}
        for identifier, result in results.items():
            row[labels[identifier]] = _cell(result[finding])
        values = [result[finding] for result in results.values()]
        if finding in REFERENCE_ONLY:
            row["Robust?"] = "(for reference)"
        elif network.is_robust(results, finding):
            row["Robust?"] = "yes: " + _cell(values[0])
        else:
            row["Robust?"] = "no: depends on the coding"
        rows.append(row)
    result = pd.DataFrame(rows)
    result.attrs["widths"] = {"Finding": 6, "Robust?": 3, **{labels[key]: 2 for key in results}}
    return result


# ---------------------------------------------------------------------------------------------
# tbl-timeline-key


def timeline_key(events: pd.DataFrame) -> pd.DataFrame:
    """Every mark of the timeline by its number: the date as coded (in words), its row and what
    happened. `events` as `derive.timeline_events` returns them."""
    from compendium import dates

    shown = events[events["number"].notna()].sort_values("number")
    result = pd.DataFrame(
        {
            "No.": shown["number"].map(lambda number: str(int(number))),
            "Date": [
                dates.prose_date(coded, precision)
                for coded, precision in zip(shown["date_coded"], shown["precision"])
            ],
            "Row": shown["row"].map(lambda row: row[0].upper() + row[1:]),
            "What happened": shown["summary"],
        }
    )
    result.attrs["alignments"] = {"No.": "right"}
    result.attrs["widths"] = {"No.": 1, "Date": 3, "Row": 2, "What happened": 10}
    return result
