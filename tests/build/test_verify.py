"""Reviewers verify every artifact: byte-identical builds, the committed manifest, `make verify`."""

from __future__ import annotations

import csv
import json
import re

from tests.conftest import EDITED_VALUE
from tests.workflow import ROOT
from tooling import verify


def committed_manifest() -> dict:
    return json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))


def test_the_committed_manifest_matches_this_build(built):
    """Fails when a change alters an output but manifest.json was not updated with it. The
    manifest was made by another build, elsewhere and earlier: equal bytes here also show that
    the outputs do not depend on where or when they are built."""
    built_manifest = json.loads((built / "results" / "manifest.json").read_text())
    outcomes = verify.compare(committed_manifest(), built) + verify.unrecorded(
        committed_manifest(), built_manifest
    )
    assert [outcome.line() for outcome in outcomes if outcome.status != "reproduced"] == []
    assert built_manifest["environment"] == committed_manifest()["environment"]


def test_verify_names_what_a_changed_value_and_a_changed_figure_program_change(edited):
    """A byte of raw data and a constant of one figure's code edited (the `edited` build)."""
    tree = edited.tree
    text, ok = verify.report(verify.compare(committed_manifest(), tree), [])
    assert not ok
    differing = set(re.findall(r"^differs\s+(\S+)", text, re.M))
    assert {"results/data/indicators.csv", "results/values.json", "results/paper.html"} <= differing
    assert "results/figures/fig-timeline.svg" in differing
    assert "results/figures/fig-flows.svg" not in differing
    assert "results/data/events.csv" not in differing


def test_the_readme_map_is_the_generated_one(built):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    copied = readme.split("<!-- provenance-map:start -->\n", 1)[1].split(
        "<!-- provenance-map:end -->", 1
    )[0]
    generated = (built / "results" / "provenance" / "readme-map.md").read_text(encoding="utf-8")
    assert copied == generated


def test_captions_carry_provenance(html):
    for label in ("fig-timeline", "fig-flows", "tbl-fieldwork", "tbl-coverage"):
        assert re.search(
            rf'id="{label}".*?class="provenance">\s*Made\s+by\s+<code>analysis/compendium/',
            html,
            re.S,
        ), label


def test_no_link_breaks_when_the_paper_is_published_alone(html):
    """No repository URL is configured: no link relative to results/, and the appendix says
    where the named files are instead."""
    assert not re.search(r'(?:href|src)="\.\./', html)
    assert "named in captions and below are paths in this edition" in " ".join(html.split())
    assert "source package (its repository or archive)" in " ".join(html.split())


def test_a_tool_version_difference_is_explained():
    recorded = {"python": "3.11.7", "pandoc": "3.8", "typst": "0.15.2", "packages": {"x": "1"}}
    current = {"python": "3.11.7", "pandoc": "3.9", "typst": "0.15.2", "packages": {"x": "1"}}
    tools = verify.tool_differences(recorded, current)
    assert tools == ["pandoc 3.9 here, 3.8 in manifest"]
    text, ok = verify.report([verify.Outcome("results/paper.pdf", "differs")], tools)
    assert not ok
    assert "pandoc 3.9 here, 3.8 in manifest" in text


def test_verify_says_what_changed_by_value_cell_row_and_figure_data(built, edited):
    """The `edited` build changes one coded value and the drawing code of one figure: verify
    names the value, the table cell and the cleaned row the value changes, and says that the
    figure's data were reproduced and only its drawing differs."""
    table, old, new = EDITED_VALUE[0], EDITED_VALUE[1].strip(","), EDITED_VALUE[2].strip(",")
    with open(ROOT / table, encoding="utf-8", newline="") as handle:
        row = next(row for row in csv.DictReader(handle) if old in row.values())
    row_id, subject = row["indicator_id"], row["subject"]
    manifest = json.loads((built.parent / "results-as-built" / "manifest.json").read_text())
    outcomes = verify.compare(manifest, edited.tree)
    changes = {
        outcome.path: outcome.changes
        for outcome in verify.described(manifest, built, edited.tree, outcomes)
        if outcome.status == "differs"
    }
    assert f"indicator.{row_id}.as_written: {old} → {new}" in changes["results/values.json"]
    assert changes["results/tables/tbl-indicators.md"] == (
        f"tbl-indicators, row “{subject}”, column “Value as written”: {old} → {new}",
    )
    assert (
        f"indicators row {row_id}: value_as_written: {old} → {new}"
        in (changes["results/data/indicators.csv"])
    )
    assert changes["results/figures/fig-timeline.svg"] == (
        "fig-timeline: the drawing changed; the data it plots did not",
    )
