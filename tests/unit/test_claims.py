"""The article's claims (data/claims.yml) against the computed results of the real coding.

The claims and the coded tables are the project's own; a contradicted claim is made by
changing one coded value in memory.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from compendium import claims, dates
from compendium.errors import BuildError

ROOT = Path(__file__).resolve().parents[2]


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "data/raw" / f"{name}.csv", dtype=str, keep_default_na=False,
                       na_values=[""])  # fmt: skip


def tables() -> dict[str, pd.DataFrame]:
    instruments = raw("instruments")
    instruments["date_start"] = [
        None if pd.isna(coded) else dates.parse_coded_date(coded).start.isoformat()
        for coded in instruments["date_coded"]
    ]
    return {
        "modalities": raw("modalities"),
        "coverage": raw("coverage"),
        "instruments": instruments,
        "flows": raw("flows"),
        "communities": raw("communities"),
    }


@pytest.fixture(scope="module")
def settings() -> dict:
    return yaml.safe_load((ROOT / "config/config.yaml").read_text())["flow_network"]


@pytest.fixture(scope="module")
def listed() -> list[dict]:
    return claims.load(ROOT / "data/claims.yml")


def test_every_claim_of_the_article_holds_on_the_coding(listed, settings):
    lines = claims.check(listed, claims.computed_from(tables(), settings))
    assert len(lines) == len(listed) >= 5
    assert all(line.startswith("holds  ") for line in lines)
    assert any("profit-driven documented active by 2007" in line for line in lines)


def test_a_contradicted_claim_fails_with_the_claim_its_locator_and_the_value(listed, settings):
    coded = tables()
    modalities = coded["modalities"]
    modalities.loc[modalities["modality_id"] == "profit-driven", "span_start"] = "2010"
    with pytest.raises(BuildError) as raised:
        claims.check(listed, claims.computed_from(coded, settings))
    message = str(raised.value)
    assert message.startswith("data/claims.yml: for-profit-before-2009-measures: ")
    assert "[article: Problematization and regulation ¶4]" in message
    assert "computed: profit-driven documented active by 2010" in message


def test_a_coding_that_closes_no_loop_contradicts_the_circular_claim(listed, settings):
    coded = tables()
    flows = coded["flows"]
    coded["flows"] = flows[flows["to_community"] != "research-driven-teams"]
    with pytest.raises(BuildError, match=r"knowledge-returns-to-clinic: .*National experimental"):
        claims.check(listed, claims.computed_from(coded, settings))


def test_an_unknown_check_is_an_error_naming_the_claim(tmp_path):
    path = tmp_path / "claims.yml"
    path.write_text(
        "claims:\n  - {id: x, claim: y, locator: Introduction ¶1, check: no_such_check}\n"
    )
    with pytest.raises(BuildError, match=r"x\.check: unknown check 'no_such_check'"):
        claims.load(path)
