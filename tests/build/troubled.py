"""One rebuild of a copy of the session build with three independent troubles, each in its own
part of the workflow, so that one Snakemake run serves three test modules:

- values that look like markup in three coding sheets (tests/build/test_hostile_values.py): the
  build must carry them to every output as the text they are;
- confidential data that leak (tests/build/test_privacy.py): the leaking restricted fixture and a
  manuscript that names an interviewee; the leak check must fail naming every output;
- a step that needs a program outside the lock (tests/build/test_bad_sources.py): it must fail
  naming the program, and the build must go on past it, each failure with its one line.

The leak check reads every other output, so it runs last: the markup values have reached every
output by then. A step that fails upstream of it (a cleaning notebook, a table, the number or
claims check) would keep it from running, and the paper from being made; their refusals are
shown by running each step's code on a corrupted copy (tests/build/test_bad_sources.py,
tests/unit/test_bad_data.py, tests/unit/test_claims.py), and reach the terminal through the same
path as the failures here.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from types import SimpleNamespace

from tests.build.launcher import error_lines, launch
from tests.workflow import ROOT, copy_tree

# -- markup in values ------------------------------------------------------------------------
#: Printed by the prose (provision name): every character markdown, HTML or typst would act on.
PROSE = r"<script>alert(1)</script> *a* _b_ #c $d$ @ding2011 {{< var x >}} \e [l](x) ~s~ ^t^"
#: Shown in tbl-modalities and drawn in fig-coexistence (modality label): short enough to draw.
LABEL = "$d$ #c <i>*a*</i> @ding2011"
#: Listed in tbl-modalities (case name).
CASE = "<b>Case</b> *one* #2 $3 @ding2011"
PROVISION = "draft-2010-scope-isscr-reference"
MODALITY = "approved-trial"

# -- a program outside the lock ---------------------------------------------------------------
#: A step that needs a program outside the lock (rsvg-convert, which pandoc's Word writer needed
#: for SVG figures). Every build of this suite runs with the PATH of a bare machine
#: (tests/workflow.py), so it fails here whatever this machine has installed. Its output is asked
#: for beside the paper, not by `all`: the leak check reads everything `all` asks for.
STAND_IN_OUTPUT = "results/figures/stand-in.png"
STAND_IN = f'''

rule stand_in_rsvg_convert:
    """A step that needs a program outside the lock."""
    output:
        "{STAND_IN_OUTPUT}",
    shell:
        "rsvg-convert --version > {{output}}"
'''


# -- a leak ------------------------------------------------------------------------------------
RESTRICTED = ROOT / "tests" / "fixtures" / "restricted"
NAME = "Qiao Fixturo"  # a sensitive value of the fixture (interviewee, row 2)


def edit_rows(path: Path, key_column: str, key: str, changes: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    matches = [row for row in rows if row[key_column] == key]
    assert len(matches) == 1, (path.name, key)
    matches[0].update(changes)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def first_case_of(tree: Path, modality: str) -> str:
    with open(tree / "data" / "raw" / "cases.csv", encoding="utf-8", newline="") as handle:
        return next(row["case_id"] for row in csv.DictReader(handle) if row["modality"] == modality)


def with_restricted(tree: Path, variant: str) -> Path:
    shutil.copytree(RESTRICTED / variant, tree / "data" / "restricted")
    return tree


def troubled_build(built: Path, destination: Path) -> SimpleNamespace:
    """The troubles in a copy of `built`, built once: the tree, the exit status, the build's
    one-line errors and everything it printed."""
    tree = copy_tree(built, destination)
    raw = tree / "data" / "raw"
    edit_rows(raw / "provisions.csv", "provision_id", PROVISION, {"name": PROSE})
    edit_rows(raw / "modalities.csv", "modality_id", MODALITY, {"label": LABEL})
    edit_rows(raw / "cases.csv", "case_id", first_case_of(tree, MODALITY), {"name": CASE})
    with_restricted(tree, "leaking")
    manuscript = tree / "manuscript" / "article.qmd"
    text = manuscript.read_text(encoding="utf-8")
    marker = "\n# References"
    assert marker in text
    manuscript.write_text(
        text.replace(marker, f"\nOne clinician, {NAME}, described the fees.\n{marker}", 1),
        encoding="utf-8",
    )
    snakefile = tree / "Snakefile"
    snakefile.write_text(snakefile.read_text(encoding="utf-8") + STAND_IN, encoding="utf-8")
    completed = launch(tree, "--keep-going", "all", STAND_IN_OUTPUT)
    return SimpleNamespace(
        tree=tree,
        returncode=completed.returncode,
        errors=error_lines(completed.stderr),
        output=completed.stdout + completed.stderr,
    )


def leak_errors(errors: list[str]) -> tuple[list[str], list[str]]:
    """The build's errors as the leak check's and any others."""
    leaks = [error for error in errors if "sensitive value" in error or "data/restricted/" in error]
    return leaks, [error for error in errors if error not in leaks]
