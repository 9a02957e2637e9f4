"""After a small edit, the build reruns what depends on the change and nothing else.

The requirements are stated here per edit (a sentence of prose: no analysis step; one coding
sheet: its cleaning step and what reads its table; one figure's code: that figure), not derived
from Snakemake's own graph, which is what is under test.
"""

from __future__ import annotations

import re

from tests.workflow import copy_tree, snakemake

#: Where the analysis writes: none of it may be redone when only the prose changes.
ANALYSIS_OUTPUTS = (
    "results/data/",
    "results/figures/",
    "results/tables/",
    "results/values.json",
    "results/provenance/",
)


def planned_outputs(output: str) -> dict[str, list[str]]:
    """Each job of a dry run and its outputs, from Snakemake's own listing."""
    jobs, rule = {}, None
    for line in output.splitlines():
        if match := re.match(r"^(?:local)?rule (\w+):$", line):
            rule = match[1]
        elif rule and line.startswith("    output: "):
            jobs[rule] = line.removeprefix("    output: ").split(", ")
    jobs.pop("all", None)
    return jobs


def test_a_built_tree_has_nothing_to_do(built):
    completed = snakemake(built, "--dry-run")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert planned_outputs(completed.stdout) == {}
    assert "Nothing to be done" in completed.stdout + completed.stderr


def test_editing_a_sentence_reruns_only_the_rendering(built, tmp_path):
    tree = copy_tree(built, tmp_path / "tree")
    manuscript = tree / "manuscript" / "article.qmd"
    text = manuscript.read_text(encoding="utf-8")
    manuscript.write_text(text.replace(". ", ", as edited. ", 1), encoding="utf-8")
    completed = snakemake(tree, "--dry-run")
    assert completed.returncode == 0, completed.stderr[-3000:]
    planned = planned_outputs(completed.stdout)
    assert {"check_bibliography", "render"} <= set(planned), planned
    # one job parses the manuscript and writes every format
    assert sorted(planned["render"]) == [
        "results/paper.docx",
        "results/paper.html",
        "results/paper.pdf",
        "results/paper.xml",
    ], planned
    redone = [
        path for paths in planned.values() for path in paths if path.startswith(ANALYSIS_OUTPUTS)
    ]
    assert redone == [], f"analysis outputs redone after a prose edit: {redone}"


def test_a_data_edit_and_a_figure_edit_rerun_only_their_steps(edited):
    """indicators.csv feeds one cleaning step, its table and the values; timeline_layout.py one
    figure."""
    ran = edited.ran
    assert {"validate_data", "clean_quantities", "tbl_indicators", "values", "fig_timeline"} <= set(
        ran
    ), ran
    assert not {"clean_dates", "clean_coding", "fig_flows", "fig_coexistence"} & set(ran), ran
