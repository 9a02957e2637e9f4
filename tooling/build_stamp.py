"""The stamp of the last finished build, which lets `make` skip Snakemake when nothing changed.

The Makefile compares the stamp's date with every input of the workflow and checks that every
output the stamp's build left is still there (see the `paper` rule). What this module guarantees
is the other half: the stamp exists only after a build that succeeded, and it is dated from the
moment that build started, so a file saved while Snakemake was running is newer than the stamp
and the next `make` builds again.
"""

from __future__ import annotations

import os
from pathlib import Path

from compendium.files import write_text_atomic

RESULTS = Path("results")


def begin(stamp: Path) -> Path:
    """Remove the stamp and mark the start of a build: an interruption leaves no stamp.

    The start is the date of a file written now, not the clock: file dates come from the
    kernel's coarser clock, and make compares file dates with file dates.
    """
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    started = stamp.with_name(stamp.name + ".started")
    started.write_text("")
    return started


def finish(started: Path, stamp: Path, outputs: Path, results: Path = RESULTS) -> None:
    """After a successful build: record the files it left under results/, then the stamp."""
    files = sorted(
        path.as_posix() for path in results.rglob("*") if path.is_file() and _listable(path)
    )
    write_text_atomic(outputs, "".join(f"{name}\n" for name in files))
    os.replace(started, stamp)


def _listable(path: Path) -> bool:
    """Whether make can name the file as a word (no spaces or make's special characters)."""
    return not any(character in str(path) for character in " \t\n:#$%*?[;\\")
