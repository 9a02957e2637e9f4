"""The article's own claims, checked against what the build computes.

`data/claims.yml` lists claims the article makes that the computed results must agree with,
each with its locator and the name of a check below. A check reads the computed views
(modality spans, coverage, the flow network under every coding alternative) and returns
whether the claim holds and the computed value it judged. A contradicted claim stops the build
with the claim, its locator and that value: the computation is tested against its source, not
only against itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from compendium import derive, network
from compendium.errors import BuildError


@dataclass(frozen=True)
class Computed:
    """What the checks read: cleaned tables and the network findings of every alternative."""

    modalities: pd.DataFrame
    coverage: pd.DataFrame
    instruments: pd.DataFrame
    findings: dict[str, dict[str, object]]

    @property
    def spans(self) -> pd.DataFrame:
        return derive.modality_spans(self.modalities)


def _span(computed: Computed, modality: str) -> pd.Series:
    spans = computed.spans
    selected = spans[spans["modality"] == modality]
    if selected.empty:
        raise KeyError(f"no modality '{modality}'")
    return selected.iloc[0]


def _start_words(span: pd.Series) -> str:
    return ("since " if span["start_bound"] == "stated" else "by ") + str(span["start"])


def all_documented_together(computed: Computed) -> tuple[bool, str]:
    spans = computed.spans
    states = derive.coexistence(spans, derive.FIRST_YEAR, derive.PRESENT_YEAR)
    years = derive.years_all_documented(states, list(spans["modality"]))
    shown = f"{years[0]}–{years[-1]}" if years else "no year"
    return bool(years), f"all {len(spans)} modalities documented side by side in: {shown}"


def all_ongoing(computed: Computed) -> tuple[bool, str]:
    spans = computed.spans
    ongoing = spans[spans["end_bound"] == "ongoing"]
    return len(ongoing) == len(spans), f"{len(ongoing)} of {len(spans)} modalities ongoing"


def documented_before(computed: Computed, modality: str, year: int) -> tuple[bool, str]:
    span = _span(computed, modality)
    return int(span["start"]) < year, f"{modality} documented active {_start_words(span)}"


def start_stated(computed: Computed, modality: str, year: int) -> tuple[bool, str]:
    span = _span(computed, modality)
    holds = span["start_bound"] == "stated" and int(span["start"]) == year
    return holds, f"{modality} start coded {_start_words(span)}"


def finding_in_every_alternative(computed: Computed, finding: str) -> tuple[bool, str]:
    values = {key: result[finding] for key, result in computed.findings.items()}
    shown = ", ".join(f"{key}: {value}" for key, value in values.items())
    return all(value is True for value in values.values()), f"{finding} — {shown}"


def nothing_applies_before(computed: Computed, modality: str, before: str) -> tuple[bool, str]:
    """No instrument in force before `before` (an undated one counts as in force) applies to
    the modality."""
    dated = dict(zip(computed.instruments["instrument_id"], computed.instruments["date_start"]))
    rows = computed.coverage[
        (computed.coverage["modality"] == modality) & (computed.coverage["status"] == "applies")
    ]
    early = [
        instrument
        for instrument in rows["instrument_id"]
        if pd.isna(dated.get(instrument)) or str(dated[instrument]) < before
    ]
    return not early, f"instruments applying to {modality} before {before}: " + (
        ", ".join(early) or "none"
    )


def not_in_force(computed: Computed, instrument: str) -> tuple[bool, str]:
    rows = computed.coverage[computed.coverage["instrument_id"] == instrument]
    statuses = sorted(set(rows["status"]))
    return bool(statuses) and statuses == ["not-in-force"], f"{instrument} coded: " + (
        ", ".join(statuses) or "no rows"
    )


CHECKS = {
    "all_documented_together": all_documented_together,
    "all_ongoing": all_ongoing,
    "documented_before": documented_before,
    "start_stated": start_stated,
    "finding_in_every_alternative": finding_in_every_alternative,
    "nothing_applies_before": nothing_applies_before,
    "not_in_force": not_in_force,
}


def load(path) -> list[dict]:
    """The claims of `path`; each must name a known check, its locator and our wording."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        claims = (yaml.safe_load(handle) or {}).get("claims", [])
    for claim in claims:
        for field in ("id", "claim", "locator", "check"):
            if not claim.get(field):
                raise BuildError("missing", file=str(path), field=f"{claim.get('id', '?')}.{field}")
        if claim["check"] not in CHECKS:
            raise BuildError(
                f"unknown check '{claim['check']}' (known: {', '.join(sorted(CHECKS))})",
                file=str(path),
                field=f"{claim['id']}.check",
            )
    return claims


def check(claims: list[dict], computed: Computed, path: str = "data/claims.yml") -> list[str]:
    """One report line per claim; the first contradicted claim raises, naming the claim, its
    locator and the computed value."""
    lines = []
    for claim in claims:
        holds, value = CHECKS[claim["check"]](computed, **(claim.get("with") or {}))
        if not holds:
            raise BuildError(
                f"contradicted by the computed results: {claim['claim']} "
                f"[article: {claim['locator']}] computed: {value}",
                file=path,
                field=claim["id"],
            )
        lines.append(f"holds  {claim['id']}  [{claim['locator']}]  {value}")
    return lines


def computed_from(tables: dict[str, pd.DataFrame], flow_settings: dict) -> Computed:
    return Computed(
        modalities=tables["modalities"],
        coverage=tables["coverage"],
        instruments=tables["instruments"],
        findings=network.robustness(tables["flows"], tables["communities"], flow_settings),
    )
