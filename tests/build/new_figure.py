"""A throw-away SYNTHETIC figure (coded events per kind, as bars; it exists only for the tests)
added by the four steps of CONTRIBUTING.md's "Add a figure". The session's `edited` rebuild
(tests/conftest.py) adds it beside its other edits, so one build shows that the guide's steps
are enough (tests/build/test_new_figure.py) and that a new figure reruns only its own step and
the publication steps (tests/build/test_incremental_jobs.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MODULE = '''"""fig-throwaway: SYNTHETIC, for the guide's test only: events per kind, as bars."""

from compendium.figures.style import OKABE_ITO, TEXT_WIDTH, pyplot


def throwaway(events):
    counts = events["kind"].value_counts().sort_index()
    figure = pyplot().figure(figsize=(TEXT_WIDTH, 2.0))
    axes = figure.add_subplot()
    axes.bar(list(counts.index), list(counts.values), color=OKABE_ITO["blue"])
    return figure
'''

SCRIPT = '''"""fig-throwaway: SYNTHETIC, for the guide's test only."""

from compendium import derive
from compendium.figures import style, throwaway
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    events = derive.read_cleaned(snakemake.input.events)
    figure = throwaway.throwaway(events)
    style.save(figure, snakemake.output.svg, snakemake.output.png)
'''

MANUSCRIPT_TEXT = (
    "The coded events by kind, drawn only to test the guide, are shown in @fig-throwaway.\n\n"
    "![Coded events by kind (a synthetic test figure).](../results/figures/fig-throwaway.svg)"
    '{#fig-throwaway fig-alt="Bars: how many coded events there are of each kind."}\n\n'
)

#: The files the guide's four steps write, and the step that draws the figure.
GUIDE_FILES = [
    "analysis/compendium/figures/throwaway.py",
    "analysis/rules/figures.smk",
    "analysis/scripts/fig_throwaway.py",
    "manuscript/article.qmd",
]
STEP = "fig_throwaway"


def add_by_the_guide(tree: Path) -> None:
    """The four steps of CONTRIBUTING.md's "Add a figure", for a figure named `throwaway`."""
    (tree / "analysis/compendium/figures/throwaway.py").write_text(MODULE, encoding="utf-8")
    (tree / "analysis/scripts/fig_throwaway.py").write_text(SCRIPT, encoding="utf-8")
    rules = tree / "analysis/rules/figures.smk"
    text = rules.read_text(encoding="utf-8")
    # "a rule fig_x like the others": the coexistence rule, its names and inputs changed
    model = re.search(r"^rule fig_coexistence:\n(?:(?:    .*)?\n)+", text, re.M)[0]
    rule = (
        model.replace("coexistence", "throwaway")
        .replace('        modalities="results/data/modalities.csv",\n', "")
        .replace("instruments=", "events=")
        .replace("instruments.csv", "events.csv")
        .replace("the years the article shows each modality active, against", "per kind,")
    )
    rules.write_text(text.rstrip("\n") + "\n\n\n" + rule, encoding="utf-8")
    article = tree / "manuscript/article.qmd"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("# References", MANUSCRIPT_TEXT + "# References", 1))


def source_hashes(tree: Path) -> dict[str, str]:
    skipped = ("results", ".snakemake", ".pytest_cache", "__pycache__", ".venv")
    return {
        path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in tree.rglob("*")
        if path.is_file() and not set(path.relative_to(tree).parts) & set(skipped)
    }
