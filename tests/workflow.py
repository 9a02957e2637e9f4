"""Running the real build in temporary copies of this tree, for the build tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def source_files(root: Path = ROOT) -> list[str]:
    """The files of the tree as a fresh clone would have them: tracked or new, not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return sorted(name for name in listed.split("\0") if name and (root / name).is_file())


def copy_sources(destination: Path, root: Path = ROOT) -> Path:
    """A copy of the sources (no results, no Snakemake state) at `destination`."""
    for name in source_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return destination


def copy_tree(source: Path, destination: Path) -> Path:
    """A full copy of a built tree, results and Snakemake's records included, times kept."""
    shutil.copytree(source, destination, symlinks=True)
    return destination


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("SOURCE_DATE_EPOCH", "1356998400")
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
