"""The analysis on the real build: facts the article states, and a changed value reaching
every artifact that uses it and no other."""

from __future__ import annotations

import pandas as pd
import yaml

from tests.workflow import FIGURES, TABLES


def values(tree) -> dict:
    return yaml.safe_load((tree / "results" / "values.json").read_text(encoding="utf-8"))


def test_values_state_what_the_article_states(built):
    found = values(built)
    assert found["fieldwork"]["interviews-count"]["quantity"] == "82"
    assert found["fieldwork"]["fieldwork-duration"]["quantity"] == "8"
    assert found["indicator"]["armed-police-treatment-episodes"]["value"] == "2,847"
    assert found["indicator"]["beike-patients"]["value"] == "more than 9,000"
    assert found["indicator"]["liver-treatment-episodes"]["value"] == "more than 130"
    assert found["indicator"]["for-profit-clinics"]["value"] == "100–150"
    assert found["instrument"]["measures-2009"]["date"] == "1 May 2009"
    assert found["instrument"]["notice-2012"]["date"] == "6 January 2012"


def test_the_pluralism_argument_is_computed(built):
    found = values(built)
    by_year = {
        int(year): int(count) for year, count in found["coexistence"]["documented_by_year"].items()
    }
    together = int(found["coexistence"]["all_documented_from"])
    # every modality documented side by side from that year to the article's present, 2012
    assert all(by_year[year] == int(found["count"]["modalities"]) for year in range(together, 2013))
    assert found["coexistence"]["ongoing"] == found["count"]["modalities"]
    assert int(found["flows"]["cycle_count"]) >= 1  # knowledge moves in circles
    assert found["flows"]["robust"]["clinic_lab_cycle"] == "yes"
    assert found["flows"]["robust"]["cycle_count"] == "no"  # the count depends on the coding
    claims = (built / "results" / "checks" / "claims.txt").read_text(encoding="utf-8")
    assert claims.count("holds  ") >= 5
    modalities = pd.read_csv(built / "results" / "data" / "modalities.csv")
    assert int(found["count"]["modalities"]) == len(modalities)


def test_every_figure_and_table_exists(built):
    assert FIGURES and TABLES
    for name in FIGURES:
        svg = (built / "results" / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert "<dc:date>" not in svg  # no build time in the figure
    for name in TABLES:
        table = (built / "results" / "tables" / f"{name}.md").read_text(encoding="utf-8")
        assert table.rstrip().endswith(f"{{#{name}}}")
        assert table.count("\n|") >= 3


def test_a_changed_raw_value_reaches_every_use_and_nothing_is_stale(edited):
    tree, before = edited.tree, edited.before
    assert values(tree)["indicator"]["armed-police-treatment-episodes"]["value"] == "2,919"
    for uses in ("results/tables/tbl-indicators.md", "results/data/indicators.csv"):
        text = (tree / uses).read_text(encoding="utf-8")
        assert "2919" in text and "2847" not in text, uses
    html = (tree / "results" / "paper.html").read_text(encoding="utf-8")
    assert "2,919" in html and "2,847" not in html
    # Artifacts that do not use indicators (nor the edited figure code) are untouched.
    for unchanged in (
        "results/figures/fig-flows.svg", "results/figures/fig-coexistence.svg",
        "results/tables/tbl-pathways.md", "results/data/events.csv",
    ):  # fmt: skip
        assert (tree / unchanged).read_bytes() == before[unchanged], unchanged
