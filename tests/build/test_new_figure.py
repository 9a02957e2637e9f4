"""Adding a figure by CONTRIBUTING.md's guide touches four files and breaks no test.

The session's `edited` rebuild adds a throw-away SYNTHETIC figure by the guide's four steps
(tests/build/new_figure.py) and builds by `make`. Here, in a copy of that build, the guide's
`make manifest` refresh is run, and then the tests that derive their lists of figures from the
workflow run on the copy. The nested session takes the copy as built (`--built-tree`, a snapshot
of it before the refresh, which is newer than the build), so its `make` has nothing to do and
starts no Snakemake.
"""

from __future__ import annotations

import subprocess
import sys

from tests.build.new_figure import GUIDE_FILES
from tests.workflow import copy_tree, environment

#: The tests whose expectations include every figure of the paper (lists, counts, order).
LIST_TESTS = [
    "tests/build/test_paper.py",
    "tests/build/test_formats.py",
    "tests/build/test_analysis.py::test_every_figure_and_table_exists",
    "tests/build/test_verify.py::test_the_readme_map_is_the_generated_one",
    "tests/build/test_standards.py::test_html_figures_carry_their_alt_text",
]


def test_a_figure_added_by_the_guide_is_four_files_and_breaks_no_test(edited, tmp_path):
    assert edited.touched == GUIDE_FILES
    as_built = copy_tree(edited.tree, tmp_path / "as-built")
    tree = copy_tree(edited.tree, tmp_path / "tree")
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
