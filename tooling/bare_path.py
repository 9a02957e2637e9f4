"""`PATH="$(python3 tooling/bare_path.py)" make`: a build that sees only what the README asks of
a machine (Python, make, git and the basic shell utilities), which proves that every program the
build needs is a locked Python package, whatever else (FORBIDDEN) the machine has installed.

The script prints a new temporary folder holding a link to each allowed program found on the
current PATH. It needs only the standard library, so it runs before `.venv` exists (`.ci/run`).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

#: What a POSIX shell session takes for granted (coreutils, findutils, grep, sed, awk, tar and
#: gzip, diff, flock, setsid), and the two programs the README names besides Python.
PROGRAMS = (
    "make", "git",
    "sh", "bash", "env", "which",
    "cat", "cp", "mv", "rm", "mkdir", "rmdir", "ln", "ls", "touch", "chmod", "install",
    "date", "dirname", "basename", "readlink", "realpath", "mktemp", "stat", "du",
    "head", "tail", "grep", "sed", "awk", "sort", "uniq", "tr", "cut", "wc", "tee", "expand",
    "xargs", "find", "diff", "cmp", "tar", "gzip",
    "uname", "id", "nproc", "sleep", "true", "false", "printf", "echo", "pwd", "test",
    "seq", "flock", "setsid",
)  # fmt: skip

#: Programs a machine may have that the build must never need (checked by the tests).
FORBIDDEN = (
    "rsvg-convert", "pandoc", "typst", "quarto", "chromium", "chromium-browser",
    "google-chrome", "java", "node", "npm", "npx", "tex", "latex", "pdflatex", "xelatex",
    "lualatex", "convert", "magick", "pdftoppm", "pdftotext", "pdfinfo",
)  # fmt: skip

#: The interpreter is reached through a two-line script, not a link, so that a virtualenv made
#: with it records the real interpreter and outlives the folder.
PYTHON_WRAPPER = '#!/bin/sh\nexec "{python}" "$@"\n'


def make_bare_path(directory: Path, search_path: str | None = None) -> Path:
    """Fill `directory` with links to the allowed programs found on `search_path` (by default
    the current PATH) and the running Python as `python3` and `python`; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in PROGRAMS:
        if found := shutil.which(name, path=search_path):
            (directory / name).unlink(missing_ok=True)
            (directory / name).symlink_to(found)
    python = os.path.realpath(sys.executable)
    for name in ("python3", "python"):
        wrapper = directory / name
        wrapper.write_text(PYTHON_WRAPPER.format(python=python), encoding="utf-8")
        wrapper.chmod(0o755)
    return directory


if __name__ == "__main__":
    print(make_bare_path(Path(tempfile.mkdtemp(prefix="bare-path-"))))
