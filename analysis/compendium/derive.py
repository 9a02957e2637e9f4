"""Derived views of the cleaned data: the argument of the paper, computed.

"National experimental pluralism" is the coexistence of divergent modalities of clinical
experimentation under one jurisdiction. Two of its three computed faces live here (the third,
the knowledge-flow cycles, is in `network`): in which years the article shows each modality
active, and which regulatory instrument addresses which modality.
"""

from __future__ import annotations

import pandas as pd

#: The article's present: its latest dated events are from 2012, so a case the article shows
#: as ongoing, with no end year coded, is counted as active until then.
PRESENT_YEAR = 2012

#: The first year the timeline and the coexistence view show: the article dates the start of
#: clinical experimentation with stem cells in China to the early 2000s.
FIRST_YEAR = 2000


def read_cleaned(path) -> pd.DataFrame:
    """A table from results/data with empty cells as missing, integers kept as integers."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for column in frame.columns:
        if column.startswith("year") or column.endswith("_year") or column in ("position",):
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        elif column in ("lower", "upper", "quantity"):
            frame[column] = pd.to_numeric(frame[column]).astype("Float64")
    return frame


def timeline_events(events: pd.DataFrame, instruments: pd.DataFrame) -> pd.DataFrame:
    """Events with a `label` on the regulatory milestones: the issue of each instrument.

    An event is a milestone when it carries an instrument id and falls on the instrument's own
    date; later deadlines of the same instrument stay unlabelled, to keep the figure readable.
    Each instrument is named once: when several events share its date (the January 2012
    notification is issued and its first phase starts on the same day), the first event in
    `event_id` order carries the label, so the choice does not depend on row order.
    """
    dates = instruments.set_index("instrument_id")[["date_start", "short_name"]]
    labelled: set[str] = set()
    labels: dict[object, str | None] = {}
    for index, event in events.sort_values("event_id").iterrows():
        instrument = event.get("instrument_id")
        if (
            isinstance(instrument, str)
            and instrument in dates.index
            and instrument not in labelled
            and dates.loc[instrument, "date_start"] == event["date_start"]
        ):
            labels[index] = dates.loc[instrument, "short_name"]
            labelled.add(instrument)
        else:
            labels[index] = None
    result = events.copy()
    result["label"] = [labels[index] for index in events.index]
    numbers = timeline_numbers(events)
    result["number"] = [numbers.get(event_id) for event_id in events["event_id"]]
    result["row"] = [timeline_row(event) for _, event in events.iterrows()]
    return result


#: The states a modality can be in, in a year, as the coding supports them.
DOCUMENTED = "documented"  # inside the span the article shows
POSSIBLE = "possible"  # before a start the article gives only as a bound ("by 2007"): unknown
ABSENT = ""  # before a stated start: the article says it had not begun


#: Kinds of event that are rules or guidance: from outside China they get a timeline row of
#: their own, so that no foreign rule is read as China's.
RULE_KINDS = ("regulation", "guideline", "policy", "draft", "notice")
RULES_ABROAD = "rules outside China"


def timeline_numbers(events: pd.DataFrame) -> dict[str, int]:
    """Each event's number on the timeline and in its key: chronological, ties by id."""
    keys = [key for key in ("date_start", "date_end", "event_id") if key in events.columns]
    ordered = events[events["date_start"].notna()].sort_values(keys)
    return {event_id: number for number, event_id in enumerate(ordered["event_id"], start=1)}


def timeline_row(event: pd.Series) -> str:
    """The timeline row of an event: its kind, except rules from outside China."""
    if event.get("jurisdiction") == "outside-china" and event.get("kind") in RULE_KINDS:
        return RULES_ABROAD
    return event.get("kind")


def modality_spans(modalities: pd.DataFrame) -> pd.DataFrame:
    """One row per modality, in the article's order, with its span as the coding gives it.

    The span comes from what the article says about the modality itself (`span_*` columns of
    the modalities table, each with its evidence and locator), never from the dates of the
    citations that happen to mention a case of it. A start coded `no-later-than` is
    left-censored (the modality may be older); an end coded `ongoing` is right-censored at the
    article's present.
    """
    ordered = modalities.sort_values(["position", "modality_id"])
    return pd.DataFrame(
        {
            "modality": ordered["modality_id"],
            "label": ordered["label"],
            "start": ordered["span_start"].astype(int),
            "start_bound": ordered["span_start_bound"],
            "start_evidence": ordered["span_start_evidence"],
            "start_locator": ordered["span_start_locator"],
            "end": ordered["span_end"].astype(int),
            "end_bound": ordered["span_end_bound"],
            "end_evidence": ordered["span_end_evidence"],
            "end_locator": ordered["span_end_locator"],
        }
    ).reset_index(drop=True)


def modality_state(span: pd.Series, year: int) -> str:
    """Documented inside the span; possible before a bounded start or after an ongoing end;
    absent otherwise."""
    if span["start"] <= year <= span["end"]:
        return DOCUMENTED
    if year < span["start"] and span["start_bound"] == "no-later-than":
        return POSSIBLE
    if year > span["end"] and span["end_bound"] == "ongoing":
        return POSSIBLE
    return ABSENT


def coexistence(spans: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Years × modalities, each cell the modality's state that year; `documented` counts the
    modalities the article shows active that year (a lower bound where starts are censored),
    `possible` those that may have been active."""
    years = range(first_year, last_year + 1)
    states = pd.DataFrame(
        {
            span["modality"]: [modality_state(span, year) for year in years]
            for _, span in spans.iterrows()
        },
        index=pd.Index(years, name="year"),
    )
    modalities = list(spans["modality"])
    states["documented"] = (states[modalities] == DOCUMENTED).sum(axis=1)
    states["possible"] = states["documented"] + (states[modalities] == POSSIBLE).sum(axis=1)
    return states


def years_all_documented(states: pd.DataFrame, modalities: list[str]) -> list[int]:
    """The years in which every modality is documented active side by side."""
    every = (states[modalities] == DOCUMENTED).all(axis=1)
    return [int(year) for year in states.index[every]]


#: What a coverage cell says when the article is silent about the pair: distinct from a
#: `not-addressed` row, which the article states.
SILENT = "(article silent)"


def coverage_matrix(
    coverage: pd.DataFrame, modalities: list[str], instruments: list[str]
) -> pd.DataFrame:
    """Modalities × instruments, each cell how the instrument addresses the modality, and
    SILENT where the article does not say."""
    matrix = pd.DataFrame(SILENT, index=modalities, columns=instruments)
    for _, row in coverage.iterrows():
        if row["modality"] in matrix.index and row["instrument_id"] in matrix.columns:
            matrix.loc[row["modality"], row["instrument_id"]] = row["how"]
    return matrix
