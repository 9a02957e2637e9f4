"""After small edits, the build reruns what depends on the change and nothing else.

What each edit must redo is written here, from the inputs each step declares in analysis/rules/
(a coding sheet: the validation, the cleaning step that reads it and the steps that read that
step's tables; one figure's code: that figure; a sentence of the prose: the bibliography and
number checks and the README's map (the manifest's step); confidential data: the two privacy
steps; a figure added by the guide: its own step), plus the publication steps that read every
published file or every source. It is not taken from Snakemake's own graph, which is what is
under test. All five edits are made in the session's one `edited` rebuild: a step rerun for no
reason by any of them shows as a step outside the union below. (A step that an edit reruns for
no reason but that another edit reruns anyway goes unseen: that is the price of one rebuild
instead of five.)
"""

from __future__ import annotations

from tests.build import new_figure
from tests.workflow import job_inputs

#: Each edited file (conftest.py, `edited`) and the steps that read it or what it changes.
REDONE_BY = {
    "data/raw/indicators.csv": {
        "validate_data",  # reads every coding sheet
        "clean_quantities",  # reads indicators; writes results/data/{indicators,fieldwork}.csv
        "tbl_indicators",  # reads results/data/indicators.csv
        "tbl_fieldwork",  # reads results/data/fieldwork.csv
        "values",  # reads every cleaned table
    },
    "analysis/compendium/figures/timeline_layout.py": {"fig_timeline"},  # imported by it alone
    # the checks, and the manifest's step for the README's map (it numbers figures and tables as
    # the text places them); not the provenance of captions and appendix: they do not read it
    "manuscript/article.qmd": {"check_bibliography", "check_numbers", "manifest"},
    "data/restricted/": {"pseudonymise", "check_leaks"},
    # a new rule changes no other step's code, inputs or parameters, but the workflow's list of
    # steps, which the provenance and the manifest take as a parameter (both below)
    "analysis/rules/figures.smk": {new_figure.STEP},
}
#: What follows any change to a published file or a source: the render (one step writes the
#: four formats; it reads every figure, table and value, and the manuscript), the provenance of
#: every published file, the manifest and the receipt (they hash every source), the MECA bundle
#: and the leak check (they read the paper).
PUBLICATION = {
    "render",
    "provenance",
    "manifest",
    "receipt",
    "meca",
    "check_leaks",
}


def test_the_edits_rerun_exactly_the_steps_that_depend_on_them(edited):
    expected = set().union(*REDONE_BY.values(), PUBLICATION)
    ran = set(edited.ran)
    assert {"unexpected": sorted(ran - expected), "missing": sorted(expected - ran)} == {
        "unexpected": [],
        "missing": [],
    }


def test_a_sentence_reaches_every_step_that_reads_the_prose_and_no_other_before_the_render(built):
    """By Snakemake's own account of each job's inputs in the session build: the README's map
    (written by the manifest's step) numbers figures and tables as the text places them, so the
    prose must reach it; the provenance the render waits for must not wait for the prose."""
    inputs = job_inputs(built)
    manuscript = "manuscript/article.qmd"
    readers = {rule for rule, read in inputs.items() if manuscript in read}
    # and the render, and the receipt (it hashes every source, as the manifest does)
    assert readers == REDONE_BY[manuscript] | {"render", "receipt"}, sorted(readers)
