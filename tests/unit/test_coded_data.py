"""The data coded from the article, as committed: complete, located, valid."""

from __future__ import annotations

import re

import pytest

from compendium.bibliography import load_bibliography
from compendium.clean import split_keys
from compendium.datapackage import load_tables
from tests.workflow import ROOT

PACKAGE = ROOT / "data" / "datapackage.json"

#: Lower bounds from a careful read of the article (the data issue).
MINIMUM_ROWS = {"events": 30, "indicators": 20, "cases": 12, "informants": 15}

HEADINGS = (
    "Abstract|Introduction|Experimental stem cell research and applications in China|"
    "Patient- versus profit-driven experimental interventions with stem cells|"
    "Research-driven experimentations with stem cells|The Move toward International Integration|"
    "Problematization and regulation|The 2009 regulation and its impact|"
    "The emergence of a comprehensive regulation|The January 2012 notification|"
    "National experimental pluralism|Conclusions"
)
PLACE = rf"(?:(?:{HEADINGS}) ¶\d+|Footnote \d+)"
LOCATOR = re.compile(rf"{PLACE}(?:; {PLACE})*")


@pytest.fixture(scope="module")
def tables():
    return load_tables(PACKAGE)


@pytest.mark.parametrize(("table", "minimum"), sorted(MINIMUM_ROWS.items()))
def test_lower_bounds_of_completeness_hold(tables, table, minimum):
    assert len(tables[table].rows) >= minimum


def test_every_row_of_every_table_has_a_well_formed_locator(tables):
    for name, table in tables.items():
        for number, row in enumerate(table.rows, start=2):
            assert row["locator"], f"{name}:{number} has no locator"
            assert LOCATOR.fullmatch(row["locator"]), f"{name}:{number}: {row['locator']}"


def test_every_citation_key_in_the_data_resolves(tables):
    keys = set(load_bibliography(ROOT / "references.bib"))
    for name, table in tables.items():
        if "source" not in table.field_names:
            continue
        for number, row in enumerate(table.rows, start=2):
            for key in split_keys(row["source"]):
                assert key in keys, f"{name}:{number}: {key}"


def test_raw_tables_are_sorted_by_their_key(tables):
    for name, table in tables.items():
        key = table.schema["primaryKey"]
        key = [key] if isinstance(key, str) else key
        values = [tuple(row[field] for field in key) for row in table.rows]
        assert values == sorted(values), name


def test_the_article_facts_are_coded_exactly(tables):
    fieldwork = {row["fact_id"]: row for row in tables["fieldwork"].rows}
    assert fieldwork["interviews-count"]["quantity"] == "82"
    indicators = {row["indicator_id"]: row for row in tables["indicators"].rows}
    assert indicators["armed-police-treatment-episodes"]["value_as_written"] == "2847"
    assert indicators["beike-patients"]["value_as_written"] == "more than 9000"
    assert indicators["for-profit-clinics"]["value_as_written"] == "100-150"
    instruments = {row["instrument_id"]: row for row in tables["instruments"].rows}
    assert instruments["measures-2009"]["date_coded"] == "2009-05-01"
    assert instruments["notice-2012"]["date_coded"] == "2012-01-06"
