"""Adding a figure by CONTRIBUTING.md's guide touches four files and breaks no test.

In a copy of the session's build, a throw-away SYNTHETIC figure (coded events per kind, as bars;
it exists only for this test) is added by the guide's four steps, the copy is built by `make`,
the guide's `make manifest` refresh is run, and then the tests that derive their lists of
figures from the workflow run on the copy. One Snakemake run here; the nested session takes the
copy as built (`--built-tree`, a snapshot of it before the refresh, which is newer than the
build), so its `make` has nothing to do and starts none.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from tests.workflow import copy_tree, environment, make

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

#: The tests whose expectations include every figure of the paper (lists, counts, order).
LIST_TESTS = [
    "tests/build/test_paper.py",
    "tests/build/test_formats.py",
    "tests/build/test_analysis.py::test_every_figure_and_table_exists",
    "tests/build/test_verify.py::test_the_readme_map_is_the_generated_one",
    "tests/build/test_standards.py::test_html_figures_carry_their_alt_text",
]


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
    skipped = ("results", ".snakemake", ".pytest_cache", "__pycache__")
    return {
        path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in tree.rglob("*")
        if path.is_file() and not set(path.relative_to(tree).parts) & set(skipped)
    }


def test_a_figure_added_by_the_guide_is_four_files_and_breaks_no_test(built, tmp_path):
    tree = copy_tree(built, tmp_path / "tree")
    before = source_hashes(tree)
    add_by_the_guide(tree)
    after = source_hashes(tree)
    touched = sorted(name for name in after if before.get(name) != after[name])
    assert touched == [
        "analysis/compendium/figures/throwaway.py",
        "analysis/rules/figures.smk",
        "analysis/scripts/fig_throwaway.py",
        "manuscript/article.qmd",
    ]

    if not (tree / ".venv").exists():  # built as in a clone, so the nested `make` is current
        (tree / ".venv").symlink_to(sys.prefix)
    completed = make(tree)
    assert completed.returncode == 0, completed.stderr[-3000:]
    as_built = copy_tree(tree, tmp_path / "as-built")
    for suffix in ("svg", "png"):
        assert (tree / f"results/figures/fig-throwaway.{suffix}").stat().st_size > 0
    html = (tree / "results/paper.html").read_text(encoding="utf-8")
    assert '<figure id="fig-throwaway"' in html

    # `make manifest`, the guide's one verb for the generated copies (no rebuild: it is current)
    (tree / "manifest.json").write_bytes((tree / "results/manifest.json").read_bytes())
    refresh = [sys.executable, "-m", "tooling.provenance", "README.md"]
    refresh.append("results/provenance/readme-map.md")
    subprocess.run(refresh, cwd=tree, check=True, env=environment())
    assert "fig-throwaway" in (tree / "README.md").read_text(encoding="utf-8")

    nested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *LIST_TESTS,
         f"--built-tree={as_built}"],
        cwd=tree, capture_output=True, text=True, env=environment(), timeout=1200,
    )  # fmt: skip
    assert nested.returncode == 0, nested.stdout[-4000:]
    assert " passed" in nested.stdout and "skipped" not in nested.stdout, nested.stdout[-2000:]
