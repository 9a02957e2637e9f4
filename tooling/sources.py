"""The sources of the compendium as a fresh clone holds them, with or without git.

A package that reaches a journal's data editor usually comes as a ZIP from a data repository:
the files of a commit (`git archive`), no `.git`. Listing the sources must work there too, so
without git the tree is walked and `.gitignore` applied with the same matcher git uses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

#: What the build reads: its inputs, hashed into the manifest and the build receipt. Tests,
#: documentation and the README do not change any published file.
BUILD_INPUT_PREFIXES = (
    "Snakefile", "config/", "data/", "analysis/", "tooling/", "manuscript/", "references.bib",
    "requirements.lock", "CITATION.cff",
)  # fmt: skip
#: Tooling that drives or checks the build from outside (make's wrapper and terminal view,
#: benchmarks, preview, verification) and that no step imports: editing it cannot change an output,
#: so it is not recorded as an input. tests/unit/test_build_inputs.py keeps this list true.
OUTSIDE_THE_BUILD = frozenset({
    "tooling/bench.py", "tooling/compare.py", "tooling/console.py",
    "tooling/paper_diff.py", "tooling/preview.py", "tooling/verify.py",
    "tooling/plugins/snakemake_logger_plugin_compendium/__init__.py",
})  # fmt: skip


def sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def is_git_checkout(root: Path) -> bool:
    """Whether `root` is the top of a git work tree (and git is installed to read it)."""
    if not (root / ".git").exists() or shutil.which("git") is None:
        return False
    completed = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True
    )
    return completed.returncode == 0 and Path(completed.stdout.strip()) == root.resolve()


def _listed_by_git(root: Path) -> list[str]:
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"]
    listed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split("\0") if name]


def _listed_by_walking(root: Path) -> list[str]:
    """Every file not ignored by the tree's .gitignore files (git's own matching rules)."""
    import pathspec

    patterns = [".git"]
    for ignore in sorted(root.rglob(".gitignore")):
        base = ignore.parent.relative_to(root).as_posix()
        for line in ignore.read_text(encoding="utf-8").splitlines():
            negated, pattern = line.startswith("!"), line.removeprefix("!")
            if base != "." and pattern.strip() and not pattern.startswith("#"):
                pattern = f"{base}/{pattern.lstrip('/')}"
            patterns.append("!" * negated + pattern)
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    names = []
    for directory, subdirectories, files in os.walk(root):
        relative = Path(directory).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        # Prune ignored directories (results/, .venv/): walking them costs seconds.
        subdirectories[:] = [
            name for name in subdirectories if not spec.match_file(prefix + name + "/")
        ]
        names += [prefix + name for name in files if not spec.match_file(prefix + name)]
    return names


def source_files(root: Path) -> list[str]:
    """The files of the tree as a fresh clone would have them: tracked or new, not ignored."""
    root = Path(root)
    names = _listed_by_git(root) if is_git_checkout(root) else _listed_by_walking(root)
    return sorted(name for name in names if (root / name).is_file())


def copy_sources(root: Path, destination: Path) -> Path:
    """A copy of the sources (no results, no Snakemake state) at `destination`."""
    for name in source_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return destination


def build_inputs(root: Path) -> list[str]:
    """The source files the build reads: data, code, manuscript, configuration and lock."""
    return [
        name
        for name in source_files(root)
        if name.startswith(BUILD_INPUT_PREFIXES) and name not in OUTSIDE_THE_BUILD
    ]


def input_hashes(names: list[str], root: Path, digest=sha256) -> dict[str, str]:
    return {name: digest(Path(root) / name) for name in sorted(names)}
