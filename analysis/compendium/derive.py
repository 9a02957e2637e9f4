"""Derived views of the cleaned data: the argument of the paper, computed.

"National experimental pluralism" is the coexistence of divergent modalities of clinical
experimentation under one jurisdiction. Two of its three computed faces live here (the third,
the knowledge-flow cycles, is in `network`): which modalities are active in each year, and which
regulatory instrument addresses which modality.
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
    return result


def active_years(cases: pd.DataFrame, present: int = PRESENT_YEAR) -> pd.DataFrame:
    """One row per (case, year) in which the article shows the case active.

    A case runs from `first_year` to `last_year`; without `last_year` it runs to the article's
    present. A case without `first_year` is undated and left out of the per-year view.
    """
    rows = []
    for _, case in cases.iterrows():
        if pd.isna(case["first_year"]):
            continue
        last = present if pd.isna(case.get("last_year")) else int(case["last_year"])
        for year in range(int(case["first_year"]), last + 1):
            rows.append({"case_id": case["case_id"], "modality": case["modality"], "year": year})
    return pd.DataFrame(rows, columns=["case_id", "modality", "year"])


def coexistence(
    cases: pd.DataFrame, modalities: list[str], first_year: int, last_year: int
) -> pd.DataFrame:
    """Years × modalities: how many coded cases of each modality are active each year.

    The count of modalities with at least one active case is the `coexisting` column.
    """
    active = active_years(cases)
    years = range(first_year, last_year + 1)
    counts = (
        active.groupby(["year", "modality"]).size().unstack(fill_value=0)
        if not active.empty
        else pd.DataFrame()
    )
    counts = counts.reindex(index=years, columns=modalities, fill_value=0).fillna(0).astype(int)
    counts.index.name = "year"
    counts["coexisting"] = (counts[modalities] > 0).sum(axis=1)
    return counts


def peak_coexistence(counts: pd.DataFrame) -> tuple[int, list[int]]:
    """The largest number of coexisting modalities and the years it is reached."""
    peak = int(counts["coexisting"].max())
    return peak, [int(year) for year in counts.index[counts["coexisting"] == peak]]


def coverage_matrix(
    coverage: pd.DataFrame, modalities: list[str], instruments: list[str]
) -> pd.DataFrame:
    """Modalities × instruments, each cell how the instrument addresses the modality ('' if
    the article does not say it does)."""
    matrix = pd.DataFrame("", index=modalities, columns=instruments)
    for _, row in coverage.iterrows():
        if row["modality"] in matrix.index and row["instrument_id"] in matrix.columns:
            matrix.loc[row["modality"], row["instrument_id"]] = row["how"]
    return matrix
