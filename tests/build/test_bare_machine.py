"""A bare machine builds the paper: every program a step runs is a locked Python package.

CI's first stage (`.ci/run`) runs `make` in a fresh clone with the PATH of tooling/bare_path.py
(Python, make, git and the basic shell utilities), and every build of this suite runs with that
PATH too (tests/workflow.py). Here the stage's command meets a tree with one more step, a
stand-in that calls rsvg-convert (what pandoc's Word writer needed for SVG figures): the build
must fail and name the missing program, whatever the machine has installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.workflow import bare_path, copy_sources

STAND_IN = '''

rule stand_in_rsvg_convert:
    """A step that needs a program outside the lock."""
    output:
        "results/figures/stand-in.png",
    priority: 100
    shell:
        "rsvg-convert --version > {output}"
'''


def with_stand_in_step(tree: Path) -> None:
    """Add the stand-in step to the Snakefile and its output to what `all` asks for."""
    snakefile = tree / "Snakefile"
    text, added = re.subn(
        r"(\nrule all:\n(?:    .*\n)*?    input:\n)",
        r'\1        "results/figures/stand-in.png",\n',
        snakefile.read_text(encoding="utf-8"),
    )
    assert added == 1
    snakefile.write_text(text + STAND_IN, encoding="utf-8")


def test_the_bare_stage_fails_when_a_step_needs_a_program_outside_the_lock(tmp_path):
    tree = copy_sources(tmp_path / "clone")
    with_stand_in_step(tree)
    # The environment `make` would install from the lock, installed already: this session's.
    (tree / ".venv").symlink_to(Path(sys.executable).parent.parent)
    for lock in ("requirements.lock", "requirements-build.lock"):
        os.utime(tree / lock, (0, 0))

    completed = subprocess.run(
        ["make"],
        cwd=tree,
        env=dict(os.environ, PATH=bare_path()),
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output[-2000:]
    assert re.search(r"rsvg-convert: (command )?not found", output), output[-2000:]
    assert "stand_in_rsvg_convert" in output
    assert not (tree / "results" / "paper.html").exists()
