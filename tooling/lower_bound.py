"""The floor of a clean build: its steps' work, without the cost of starting them.

    work(step) = the step's `benchmark:` seconds - the step's start-up, measured here
    floor      = the sum of every step's work + the start-up of one process importing it all

A step's start-up is a fresh Python process running what the step runs before its work:
Snakemake's script preamble and the imports of the step's program, found by name (rule x runs
analysis/scripts/x.py, or the notebook analysis/notebooks/x.py through the runner, in a new
kernel). Why this floor and what it leaves out: README, "Computational requirements".
"""

from __future__ import annotations

import ast
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tooling.dependencies import imported_files

BENCHMARKS = Path("results") / "logs" / "benchmarks"
#: What Snakemake's preamble imports in every `script:` process before the script's own code.
PREAMBLE = ["import pickle", "from snakemake.logging import logger"]
PREAMBLE += ["from snakemake.iocontainers import Snakemake"]
SCRIPTS, NOTEBOOKS = Path("analysis") / "scripts", Path("analysis") / "notebooks"
RUNNER, ONE_PROCESS = SCRIPTS / "run_notebook.py", "(one process)"


@dataclass(frozen=True)
class Job:
    rule: str
    seconds: float  # the process of the step, from its benchmark record
    startup: float  # a process with the step's imports and nothing else, measured here

    @property
    def work(self) -> float:
        return max(self.seconds - self.startup, 0.0)


def read_records(folder: Path, since: float = 0.0) -> dict[str, float]:
    """Each rule's seconds in the benchmark records written since `since` (repeats: median)."""
    seconds = {}
    for path in sorted(folder.glob("*.tsv")):
        if path.stat().st_mtime < since:
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        if not rows or "s" not in rows[0]:
            raise ValueError(f"{path}:1: s: not a Snakemake benchmark record (no `s` column)")
        values = []
        for line, row in enumerate(rows, start=2):
            try:
                values.append(float(row["s"]))
            except (TypeError, ValueError):
                raise ValueError(f"{path}:{line}: s: not a number: {row['s']!r}") from None
        seconds[path.stem] = statistics.median(values)
    return seconds


def imports_of(program: Path, lazy: bool = False) -> list[str]:
    """The import lines of `program` at its top level (a percent notebook's cells too) or, with
    `lazy`, anywhere in it, each made harmless should it fail (an optional import)."""
    source = program.read_text(encoding="utf-8")
    tree = ast.parse(source, str(program))
    found = [
        ast.get_source_segment(source, node)
        for node in (ast.walk(tree) if lazy else tree.body)
        if isinstance(node, ast.Import)
        or (isinstance(node, ast.ImportFrom) and not node.level and node.module != "__future__")
    ]
    return [f"try: {line}\nexcept ImportError: pass" for line in found] if lazy else found


def step_imports(program: Path, tree: Path) -> list[str]:
    """What a step imports: its program's import lines, then every import line of the modules
    of our packages it uses (tooling.dependencies), those inside functions included."""
    ours = [tree / path for path in imported_files(program)]
    return [*imports_of(program), *(line for path in ours for line in imports_of(path, lazy=True))]


def startup_program(rule: str, tree: Path, scratch: Path) -> str:
    """The Python code a process of `rule` runs before its work: the preamble and the step's
    imports, or for a notebook the runner's, then a kernel that does the notebook's."""
    script, notebook = tree / SCRIPTS / f"{rule}.py", tree / NOTEBOOKS / f"{rule}.py"
    if script.is_file():
        return "\n".join([*PREAMBLE, *step_imports(script, tree)])
    if not notebook.is_file():  # a rule that runs no program of ours: the preamble only
        return "\n".join(PREAMBLE)
    imports_only = scratch / f"{rule}.py"
    imports_only.write_text("# %%\n" + "\n".join(step_imports(notebook, tree)) + "\n", "utf-8")
    executed = imports_only.with_suffix(".ipynb")
    run = f"execute(Path({str(imports_only)!r}), Path({str(executed)!r}), {{}}, Path.cwd())"
    runner = ["from pathlib import Path", "from tooling.notebooks import execute"]
    return "\n".join([*PREAMBLE, *step_imports(tree / RUNNER, tree), *runner, run])


def single_process_program(rules: list[str], tree: Path) -> str:
    """One process importing what every step imports: what the floor pays once."""
    programs = [tree / folder / f"{rule}.py" for rule in rules for folder in (SCRIPTS, NOTEBOOKS)]
    imports = [line for path in programs if path.is_file() for line in step_imports(path, tree)]
    return "\n".join(dict.fromkeys([*PREAMBLE, *imports]))


def seconds_to_run(code: str, tree: Path) -> float:
    """Wall time of a fresh Python process running `code` in `tree`, with the tree's packages."""
    environment = os.environ | {"PYTHONPATH": os.pathsep.join([str(tree / "analysis"), str(tree)])}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=environment, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"start-up measurement failed:\n{code}\n{completed.stderr[-2000:]}")
    return seconds


def measure_startups(rules: list[str], tree: Path) -> dict:
    """The start-up of each rule's process, and of the single process; the same code once."""
    with tempfile.TemporaryDirectory(prefix="startup-") as scratch:
        programs = {rule: startup_program(rule, tree, Path(scratch)) for rule in rules}
        programs[ONE_PROCESS] = single_process_program(rules, tree)
        timed = {code: seconds_to_run(code, tree) for code in set(programs.values())}
    return {rule: timed[code] for rule, code in programs.items()}


def floor(steps: list[Job], single_process_startup: float) -> float:
    """The steps' work in one process that starts once (see the module's docstring)."""
    return single_process_startup + sum(step.work for step in steps)
