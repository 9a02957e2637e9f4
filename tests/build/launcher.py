"""Running a tree's build the way `make` does: `python -m tooling.console <snakemake command>`,
or `make` itself.

The launcher and the package are taken from the tree itself (PYTHONPATH), so a test of a copy
exercises the copy's code, as `make` in that copy would.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.workflow import BIN, environment

SNAKEMAKE = [str(BIN / "snakemake"), "--cores", "2", "--rerun-incomplete", "--show-failed-logs"]


def command(*targets: str) -> list[str]:
    return [str(BIN / "python"), "-m", "tooling.console", *SNAKEMAKE, *targets]


def launch_environment(tree: Path, **extra: str) -> dict[str, str]:
    env = environment()
    paths = [str(tree / "analysis"), str(tree), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    env.update(extra)
    return env


def launch(tree: Path, *targets: str, timeout: int = 900, **extra: str):
    """Build `targets` (default: the paper) in `tree` through the launcher; wait for it."""
    return subprocess.run(
        command(*targets),
        cwd=tree,
        capture_output=True,
        text=True,
        env=launch_environment(tree, **extra),
        timeout=timeout,
    )


def start(tree: Path, *targets: str, **extra: str) -> subprocess.Popen:
    """Start a build in its own process group (so a test can signal exactly that build)."""
    return subprocess.Popen(
        command(*targets),
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=launch_environment(tree, **extra),
        start_new_session=True,
    )


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


#: `error: file:line: field: message` or, where no line or field applies, `error: file: message`.
ONE_LINE_ERROR = re.compile(r"^error: (?P<file>[^\s:]+)(?::(?P<line>\d+))?: (?P<message>\S.*)$")


def leftovers(results: Path) -> list[str]:
    """Half-written files a failed or killed step could leave under results/."""
    partial = [str(path) for path in results.rglob("*.partial")]
    scratch = [str(path) for path in results.rglob(".*") if path.is_dir()]
    return sorted(partial + scratch)


def snapshot(results: Path) -> dict[str, bytes]:
    """Every file under results/ and its bytes (Snakemake's directory markers and the steps'
    logs aside: a step that Snakemake lets finish after Ctrl-C keeps no log)."""
    return {
        str(path.relative_to(results)): path.read_bytes()
        for path in sorted(results.rglob("*"))
        if path.is_file() and path.name != ".snakemake_timestamp" and "logs" not in path.parts
    }
