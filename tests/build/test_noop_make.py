"""`make` with nothing to do answers without Snakemake, and is never wrong about it.

Each test takes a copy of a tree built by `make` (dates kept, no .git) and changes one kind of
input; `make --question` must then say the paper is out of date, which means `make` would run
Snakemake (the `paper` rule has no other recipe). The set of inputs is the Makefile's own, so
the test that compares it with Snakemake's list of every rule's inputs guards it against a new
kind of input the Makefile does not see. That an interrupted `make` leaves no stamp and the next
one builds and then has nothing to do is tested in test_interruptions.py; that a failed one
leaves no stamp, in test_bad_sources.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.workflow import copy_tree, job_inputs, make, rules

STATE = Path(".snakemake") / "make"
#: A date well before the build: a file carrying it is older than the stamp.
LONG_AGO = 1_000_000_000


def up_to_date(tree: Path) -> bool:
    """Whether `make` would skip the build (`make --question`: 0 up to date, 1 not)."""
    completed = make(tree, "--question")
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode == 0


@pytest.fixture
def tree(built, tmp_path) -> Path:
    """A copy of the session build, which `make` made: the stamp of a finished build is there."""
    tree = copy_tree(built, tmp_path / "tree")
    assert (tree / STATE / "built").is_file()
    return tree


def test_an_unchanged_tree_is_up_to_date_without_starting_python(tree):
    assert up_to_date(tree)
    completed = make(tree, "--debug=jobs")
    assert completed.returncode == 0, completed.stderr
    # make started no recipe: no Python, no Snakemake
    assert "python" not in completed.stdout + completed.stderr
    assert "Nothing to be done" in completed.stdout


def _append_line(path: Path, text: str = "\n") -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


#: One file of each kind the workflow reads, changed the way an author or developer would.
INPUT_KINDS = {
    "data": "data/raw/events.csv",
    "schema": "data/datapackage.json",
    "manuscript": "manuscript/article.qmd",
    "bibliography": "references.bib",
    "captions": "manuscript/captions.yml",
    "config": "config/config.yaml",
    "science code": "analysis/compendium/derive.py",
    "step script": "analysis/scripts/values.py",
    "notebook": "analysis/notebooks/clean_dates.py",
    "tooling code": "tooling/render.py",
    "rule file": "analysis/rules/figures.smk",
    "snakefile": "Snakefile",
    "filter": "manuscript/filters/crossref.lua",
    "stylesheet": "manuscript/style.css",
    "template": "manuscript/typst/template.typ",
    "font": "manuscript/fonts/NotoSerifCJKsc-Subset.otf",
    "lock": "requirements.lock",
    "makefile": "Makefile",
}


@pytest.mark.parametrize("kind", sorted(INPUT_KINDS))
def test_a_change_to_each_kind_of_input_reaches_snakemake(tree, kind):
    path = tree / INPUT_KINDS[kind]
    assert path.is_file(), f"{INPUT_KINDS[kind]} is gone: choose another {kind} file"
    if path.suffix in (".otf",):
        path.write_bytes(path.read_bytes())
    else:
        _append_line(path, "\n" if path.suffix != ".lua" else "\n-- edited\n")
    assert not up_to_date(tree)


def test_a_changed_config_value_reaches_snakemake(tree):
    config = tree / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "renderer: pandoc" in text
    config.write_text(text.replace("renderer: pandoc", "renderer: quarto"), encoding="utf-8")
    assert not up_to_date(tree)


def test_touching_a_file_with_identical_content_reaches_snakemake(tree):
    path = tree / "manuscript" / "article.qmd"
    content = path.read_bytes()
    path.touch()
    assert path.read_bytes() == content
    assert not up_to_date(tree)


def test_a_new_raw_table_reaches_snakemake_even_with_an_old_date(tree):
    new = tree / "data" / "raw" / "extra.csv"
    new.write_text("id,locator\n", encoding="utf-8")
    os.utime(new, (LONG_AGO, LONG_AGO))  # as `cp -p` or an archive would leave it
    assert not up_to_date(tree)


def test_a_removed_input_reaches_snakemake(tree):
    (tree / "analysis" / "compendium" / "network.py").unlink()
    assert not up_to_date(tree)


@pytest.mark.parametrize(
    "output", ["results/paper.pdf", "results/figures/fig-flows.svg", "results/data/events.csv"]
)
def test_a_deleted_output_reaches_snakemake(tree, output):
    (tree / output).unlink()
    assert not up_to_date(tree)


def test_an_incomplete_job_reaches_snakemake(tree):
    marker = tree / ".snakemake" / "incomplete" / "cmVzdWx0cy9wYXBlci5odG1s"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("")
    assert not up_to_date(tree)


def test_another_source_date_reaches_snakemake(tree):
    completed = make(tree, "--question", "SOURCE_DATE_EPOCH=1400000000")
    assert completed.returncode == 1, completed.stderr


def test_a_file_saved_after_the_build_started_is_newer_than_the_stamp(tree):
    stamp = tree / STATE / "built"
    path = tree / "manuscript" / "article.qmd"
    os.utime(path, ns=(stamp.stat().st_mtime_ns + 1, stamp.stat().st_mtime_ns + 1))
    assert not up_to_date(tree)


def test_every_input_snakemake_reads_is_an_input_make_compares(built):
    """Snakemake's own list of every job's inputs (and each rule's program) against make's: the
    inputs it logged for each step of the session build, which ran them all."""
    listed = set((built / STATE / "inputs").read_text(encoding="utf-8").splitlines())
    inputs = job_inputs(built)
    assert sorted(rules() - set(inputs)) == [], "the session build's log lacks these steps"
    sources = {name for files in inputs.values() for name in files}
    sources = {name for name in sources if not name.startswith("results/")}
    sources |= {str(path.relative_to(built)) for path in (built / "analysis").rglob("*.smk")}
    assert sources, "Snakemake listed no inputs"
    assert sorted(f"./{path}" for path in sources if f"./{path}" not in listed) == []
