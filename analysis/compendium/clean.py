"""Cleaning decisions, one pure function each; the cleaning notebooks narrate and call them.

Every function takes a raw table as read (strings, None for empty) and returns a new frame.
Errors name the raw file, its line and the field, so the author can fix the coding sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from compendium import dates, quantities
from compendium.datapackage import Table, display_path
from compendium.errors import BuildError


def frame(table: Table) -> pd.DataFrame:
    """A validated raw table as a frame of strings, keeping each row's line in the file."""
    result = pd.DataFrame(table.rows, columns=table.field_names, dtype="object")
    result.insert(0, "line", list(table.lines))  # where each row starts, cells may span lines
    result.attrs["file"] = display_path(table.path)
    return result


def _fail(table: pd.DataFrame, line: int, field: str, message: str) -> BuildError:
    return BuildError(message, file=table.attrs.get("file"), line=int(line), field=field)


def split_keys(cell: str | None) -> list[str]:
    """'a; b' → ['a', 'b']; empty → []."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [key.strip() for key in str(cell).split(";") if key.strip()]


def check_citation_keys(table: pd.DataFrame, known: Iterable[str], field: str = "source") -> None:
    """Every citation key in `field` must be an entry of references.bib."""
    known = set(known)
    for line, cell in zip(table["line"], table[field]):
        for key in split_keys(cell):
            if key not in known:
                raise _fail(table, line, field, f"citation key '{key}' is not in references.bib")


def add_date_intervals(
    table: pd.DataFrame, coded: str = "date_coded", precision: str | None = "precision"
) -> pd.DataFrame:
    """Each coded date as its interval of days (`date_start`, `date_end`) and years.

    A row without a coded date keeps empty bounds: the article does not date it.
    The precision term must agree with the coded form ("early 2000s" = `2000/2003`,
    `decade_part`), so a slip in either column is caught here.
    """
    starts, ends = [], []
    for _, row in table.iterrows():
        value = row[coded]
        if value is None or pd.isna(value):
            starts.append(None)
            ends.append(None)
            continue
        try:
            interval = dates.parse_coded_date(value)
        except ValueError as error:
            raise _fail(table, row["line"], coded, str(error)) from None
        if precision and row.get(precision) and not dates.precision_agrees(value, row[precision]):
            raise _fail(
                table,
                row["line"],
                precision,
                f"'{row[precision]}' does not fit the coded date '{value}' "
                f"(its form says {dates.implied_precision(value)})",
            )
        starts.append(interval.start.isoformat())
        ends.append(interval.end.isoformat())
    result = table.copy()
    result["date_start"] = starts
    result["date_end"] = ends
    result["year_start"] = [int(value[:4]) if value else None for value in starts]
    result["year_end"] = [int(value[:4]) if value else None for value in ends]
    result["year_start"] = result["year_start"].astype("Int64")
    result["year_end"] = result["year_end"].astype("Int64")
    return result


def add_quantity_bounds(table: pd.DataFrame, field: str = "value_as_written") -> pd.DataFrame:
    """'more than 130' → qualifier `more_than`, lower 130, no upper; prose 'more than 130'."""
    qualifiers, lowers, uppers, prose = [], [], [], []
    for line, value in zip(table["line"], table[field]):
        try:
            quantity = quantities.parse_quantity(value)
        except ValueError as error:
            raise _fail(table, line, field, str(error)) from None
        qualifiers.append(quantity.qualifier)
        lowers.append(quantity.lower)
        uppers.append(quantity.upper)
        prose.append(quantities.prose_quantity(quantity))
    result = table.copy()
    result["qualifier"] = qualifiers
    result["lower"] = pd.array(lowers, dtype="Float64")
    result["upper"] = pd.array(uppers, dtype="Float64")
    result["prose"] = prose
    return result


def finish(table: pd.DataFrame, key: str | list[str]) -> pd.DataFrame:
    """Sorted by key, line numbers dropped: the deterministic form written to results/data."""
    return table.drop(columns=["line"]).sort_values(key, kind="stable").reset_index(drop=True)


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """CSV with LF endings and no index, through a temporary file."""
    from compendium.files import write_text_atomic

    write_text_atomic(path, table.to_csv(index=False, lineterminator="\n"))


def check_year_order(table: pd.DataFrame, first: str, last: str) -> None:
    """The last year a case is observed cannot precede the first."""
    for _, row in table.iterrows():
        if row[first] is not None and row[last] is not None and int(row[last]) < int(row[first]):
            raise _fail(table, row["line"], last, f"{row[last]} is before {first} {row[first]}")


def check_no_self_flows(flows: pd.DataFrame) -> None:
    """A knowledge flow runs between two different communities."""
    for _, row in flows.iterrows():
        if row["from_community"] == row["to_community"]:
            raise _fail(
                flows, row["line"], "to_community", "a flow must go to a different community"
            )


def check_listed_keys(table: pd.DataFrame, field: str, known: set[str]) -> None:
    """Every id in a `; `-separated list cell must exist in `known`."""
    for line, cell in zip(table["line"], table[field]):
        for key in split_keys(cell):
            if key not in known:
                raise _fail(table, line, field, f"'{key}' is not a known id")
