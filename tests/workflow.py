"""Running the real build in temporary copies of this tree, for the build tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tooling import verify

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def copy_sources(destination: Path, root: Path = ROOT) -> Path:
    """A copy of the sources as a fresh clone would hold them (no results, no state)."""
    return verify.copy_sources(root, destination)


def copy_tree(source: Path, destination: Path) -> Path:
    """A full copy of a built tree, results and Snakemake's records included, times kept."""
    shutil.copytree(source, destination, symlinks=True)
    return destination


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def snakemake(tree: Path, *arguments: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Snakemake as `make` runs it, in `tree`."""
    command = [
        str(BIN / "snakemake"), "--cores", "2", "--rerun-incomplete", *arguments,
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=tree, capture_output=True, text=True, env=environment(), timeout=timeout
    )


def error_lines(completed: subprocess.CompletedProcess) -> list[str]:
    """The build's own one-line error messages."""
    return [line for line in completed.stderr.splitlines() if line.startswith("error: ")]
