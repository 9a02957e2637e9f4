"""Running the real build in temporary copies of this tree, for the build tests."""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tooling import sources
from tooling.bare_path import make_bare_path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def declared(folder: str, suffix: str) -> list[str]:
    """The artifacts the workflow's rules declare under results/<folder>/, by name: tests take
    their lists of figures and tables from here, so adding one needs no test edit."""
    files = sorted((ROOT / "analysis" / "rules").glob("*.smk"))
    rules = "\n".join(path.read_text(encoding="utf-8") for path in files)
    return sorted(set(re.findall(rf'"results/{folder}/([\w-]+)\.{suffix}"', rules)))


def in_manuscript_order(labels: list[str]) -> list[str]:
    """`labels` in the order the manuscript places them: a figure where it is defined
    (`{#fig-x ...}`), a table where its generated file is included (`.../tbl-x.md`)."""
    text = (ROOT / "manuscript" / "article.qmd").read_text(encoding="utf-8")

    def place(label: str) -> int:
        found = [text.find(mark) for mark in (f"{{#{label}", f"/{label}.md")]
        return min(position for position in found if position >= 0)

    return sorted(labels, key=place)


FIGURES = declared("figures", "svg")
TABLES = declared("tables", "md")


def copy_sources(destination: Path, root: Path = ROOT) -> Path:
    """A copy of the sources as a fresh clone would hold them (no results, no state)."""
    return sources.copy_sources(root, destination)


def copy_tree(source: Path, destination: Path) -> Path:
    """A full copy of a built tree, results and Snakemake's records included, times kept."""
    shutil.copytree(source, destination, symlinks=True)
    return destination


@functools.cache
def bare_path() -> str:
    """The PATH of a bare machine (tooling/bare_path.py), made once per test session."""
    directory = Path(tempfile.mkdtemp(prefix="bare-path-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return str(make_bare_path(directory))


def environment() -> dict[str, str]:
    """The environment of every build the tests run: this environment's programs, then only
    what a bare machine has, so a step that needs anything else fails the build tests too."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{bare_path()}"
    return env


def snakemake(tree: Path, *arguments: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Snakemake as `make` runs it, in `tree`."""
    command = [
        str(BIN / "snakemake"), "--cores", "2", "--rerun-incomplete", *arguments,
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=tree, capture_output=True, text=True, env=environment(), timeout=timeout
    )


def make_command(tree: Path, *arguments: str) -> list[str]:
    """`make` in `tree` with this environment's virtualenv (its .installed stamp included): by
    the tree's own name for it, `.venv`, when the tree has one that is this environment (the
    name is part of the build command make compares), else by its path."""
    own = tree / ".venv"
    venv = ".venv" if own.exists() and own.resolve() == Path(sys.prefix).resolve() else sys.prefix
    # never reinstalled from a test tree (whose lock may be dated after this environment's
    # stamp): that would clear the environment every test runs in
    keep = f"--old-file={venv}/.installed"
    return ["make", "--no-print-directory", keep, f"VENV={venv}", *arguments]


def make_environment() -> dict[str, str]:
    """The builds' environment without the variables of a `make` this suite may run under."""
    return {name: value for name, value in environment().items() if "MAKE" not in name}


def make(
    tree: Path, *arguments: str, timeout: int = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`make` in `tree`, as an author runs it; `env` adds variables to its environment."""
    return subprocess.run(
        make_command(tree, *arguments),
        cwd=tree,
        capture_output=True,
        text=True,
        env={**make_environment(), **(env or {})},
        timeout=timeout,
    )


def start_make(tree: Path, *arguments: str) -> subprocess.Popen:
    """`make` started in its own process group, so that a test can signal exactly that build
    (as Ctrl-C in a terminal reaches make and everything it started)."""
    return subprocess.Popen(
        make_command(tree, *arguments),
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=make_environment(),
        start_new_session=True,
    )


def jobs_in(output: str) -> list[str]:
    """The rules of the jobs Snakemake reports starting, in its output, without `all`."""
    found = re.findall(r"^(?:local)?rule (\w+):$", output, re.M)
    return sorted(set(found) - {"all"})


def rules() -> set[str]:
    """The names of the workflow's steps, from the Snakefile and analysis/rules/."""
    files = [ROOT / "Snakefile", *sorted((ROOT / "analysis" / "rules").glob("*.smk"))]
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    return set(re.findall(r"^rule (\w+):", text, re.M))


def job_inputs(tree: Path) -> dict[str, set[str]]:
    """Each step's input files as Snakemake listed them when it ran the step in `tree`: its log
    of every run (.snakemake/log/) gives each job's rule and `input:` line. The session build ran
    every step, so this is Snakemake's own account of what each reads, with no run to ask it."""
    found: dict[str, set[str]] = {}
    for log in sorted((tree / ".snakemake" / "log").glob("*.snakemake.log")):
        rule = None
        for line in log.read_text(encoding="utf-8").splitlines():
            if match := re.match(r"^(?:local)?rule (\w+):$", line):
                rule = match[1]
            elif rule and line.startswith("    input: "):
                found[rule] = set(line.removeprefix("    input: ").split(", "))
                rule = None
            elif not line.startswith("    "):
                rule = None
    return found


def error_lines(completed: subprocess.CompletedProcess) -> list[str]:
    """The build's own one-line error messages."""
    return [line for line in completed.stderr.splitlines() if line.startswith("error: ")]
