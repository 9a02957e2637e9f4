"""After a small edit, the build runs exactly the jobs downstream of the change, and no others.

Not a timing test: each edit of `make bench` (tooling.bench.EDITS) is applied to a copy of the
built tree and Snakemake's dry run of that copy is compared with the jobs the change needs. What
a change needs is written per edit (which steps read what changed); what is downstream of those
steps is Snakemake's own answer (`--dry-run --forcerun`), so new rules need no edit here.
"""

from __future__ import annotations

import ast

import pytest

from tests.workflow import copy_sources, copy_tree
from tooling import bench, lower_bound

#: Rules of the analysis: what they write must not be redone when only the prose changes.
ANALYSIS_OUTPUTS = (
    "results/data/",
    "results/figures/",
    "results/tables/",
    "results/values.json",
    "results/provenance/",
)


@pytest.fixture(scope="module")
def plan(built) -> dict:
    return lower_bound.plan(built)


def jobs_after(edit: bench.Edit, built, plan, tmp_path) -> tuple[list[str], list[str]]:
    """(jobs a dry run would run after `edit`, jobs the edit needs) in a copy of `built`."""
    tree = copy_tree(built, tmp_path / "tree")
    expected = bench.expected_jobs(tree, edit, plan)
    edit.apply(tree)
    return bench.snakemake_dry_run(tree), expected


def test_a_built_tree_has_nothing_to_do(built):
    assert bench.snakemake_dry_run(built) == []


def test_editing_a_sentence_reruns_only_the_rendering(built, plan, tmp_path):
    ran, expected = jobs_after(bench.EDITS["edit_manuscript"], built, plan, tmp_path)
    assert ran == expected
    assert "check_bibliography" in ran
    analysis = {
        rule["name"]
        for rule in plan["rules"]
        if any(path.startswith(ANALYSIS_OUTPUTS) for path in rule["output"]["files"])
    }
    assert not analysis & set(ran), f"analysis steps rerun after a prose edit: {ran}"


def test_editing_a_data_cell_reruns_only_what_depends_on_it(built, plan, tmp_path):
    ran, expected = jobs_after(bench.EDITS["edit_data"], built, plan, tmp_path)
    assert {"validate_data", "clean_dates"} <= set(ran)
    assert ran == expected


def test_editing_one_figure_function_reruns_only_that_figure(built, plan, tmp_path):
    ran, expected = jobs_after(bench.EDITS["edit_figure_code"], built, plan, tmp_path)
    assert "fig_timeline" in ran
    assert ran == expected


def test_each_edit_changes_only_its_file_and_keeps_it_readable(tmp_path):
    sources = copy_sources(tmp_path / "sources")
    for edit in bench.EDITS.values():
        tree = copy_tree(sources, tmp_path / edit.name)
        before = {path: path.read_bytes() for path in tree.rglob("*") if path.is_file()}
        edit.apply(tree)
        changed = [path for path, text in before.items() if path.read_bytes() != text]
        assert [path.relative_to(tree).as_posix() for path in changed] == [edit.path]
        if edit.path.endswith(".py"):
            ast.parse(changed[0].read_text(encoding="utf-8"))


def test_jobs_are_read_from_snakemake_output():
    output = "\n".join(
        [
            "Job stats:",
            "job    count",
            "localrule check_bibliography:",
            "    input: references.bib",
            "rule render_html:",
            "localrule all:",
        ]
    )
    assert bench.jobs_in(output) == ["check_bibliography", "render_html"]
