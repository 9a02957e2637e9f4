"""`make bench`: the build's scenarios timed against the floor, in temporary copies of the tree.

    python -m tooling.bench [--scenarios NAME,...] [--repeat N] [--budget SECONDS]

Scenarios, each run several times (median and spread, peak memory, and for the incremental
ones the jobs Snakemake ran):

- ``setup``: a fresh ``.venv`` from the lock, by the Makefile's own recipe, pip's cache as found;
- ``clean``: ``rm -rf results .snakemake``, then ``make`` (every output);
- ``noop``: ``make`` with nothing to do;
- ``edit_manuscript``, ``edit_data``, ``edit_figure_code``: ``make`` after one small edit of a
  built tree (a sentence of the manuscript, a cell of a raw table, one figure's function);
- ``floor``: the same work as ``clean`` in one Python process (``tooling.lower_bound``).

Writes ``results/bench/bench.json`` and ``results/bench/bench.md``, and the table between the
``bench:start`` and ``bench:end`` markers of README.md. Repetitions are fitted to a time budget
so that the whole of ``make bench`` stays under ten minutes on 2 cores, even on a fresh clone
where the ``.venv`` is created first; every scenario runs at least once.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tooling import lower_bound
from tooling.verify import copy_sources

ROOT = Path.cwd()
OUTPUT = Path("results") / "bench"
README = Path("README.md")
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"

SCENARIOS = (
    "setup",
    "clean",
    "noop",
    "edit_manuscript",
    "edit_data",
    "edit_figure_code",
    "floor",
)
INCREMENTAL = ("edit_manuscript", "edit_data", "edit_figure_code")
#: Repetitions wanted; fewer are run when the time budget is spent (never fewer than one).
REPEAT = {"setup": 2}
DEFAULT_REPEAT = 3
#: The whole `make bench`, venv creation on a fresh clone included, must take under 10 minutes.
BUDGET_SECONDS = 570

#: Targets of the issue, on 2 cores.
CLEAN_OVER_FLOOR = 2.5
NOOP_SECONDS = 1.0
EDIT_MANUSCRIPT_SECONDS = 2.0
SETUP_SECONDS = 60.0
MEMORY_MIB = 1024.0

MIB = 1024 * 1024
_JOB_START = re.compile(r"^(?:local)?(?:rule|checkpoint) (?P<rule>[\w-]+):$", re.MULTILINE)
#: Target rules that only collect outputs: they run no code and are not counted as jobs.
TARGET_RULES = {"all"}


# -------------------------------------------------------------------------------------------------
# The edits of the incremental scenarios


@dataclass(frozen=True)
class Edit:
    """One small change of a built tree, and the jobs a build should run after it.

    `reruns` must run again (they read what changed) but what they write does not change, so
    nothing needs to run after them on their account; `propagates` must run again and so must
    every job downstream of them. Expected jobs = `reruns` + `propagates` + their downstream,
    as Snakemake itself computes it (``--forcerun``).
    """

    name: str
    path: str
    describe: str
    apply: Callable[[Path], None]
    reruns: tuple[str, ...] = ()
    propagates: tuple[str, ...] = ()
    #: Rules whose declared inputs include `path`, added to `propagates` (see expected_jobs).
    readers_propagate: bool = False


def _first_prose_line(lines: list[str]) -> int:
    """Index of the first paragraph of body text (after the front matter, not a heading)."""
    in_front_matter = bool(lines) and lines[0].strip() == "---"
    for index, line in enumerate(lines[1:] if in_front_matter else lines, start=1):
        if in_front_matter:
            if line.strip() == "---":
                in_front_matter = False
            continue
        if re.match(r"^[A-Z][^|#:{<>\[]*\. ", line) and len(line) > 120:
            return index
    raise ValueError("no paragraph of body text found in the manuscript")


def edit_manuscript(tree: Path) -> None:
    """Change one sentence: the first body sentence gets a parenthesis before its full stop."""
    path = tree / "manuscript" / "article.qmd"
    lines = path.read_text(encoding="utf-8").split("\n")
    index = _first_prose_line(lines)
    lines[index] = lines[index].replace(". ", " (edited for the benchmark). ", 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def edit_data(tree: Path, table: str = "events", column: str = "summary") -> None:
    """Change one cell: a word appended to the `summary` of the first event."""
    path = tree / "data" / "raw" / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    header = next(csv.reader(io.StringIO(lines[0])))
    row = next(csv.reader(io.StringIO(lines[1])))
    value = row[header.index(column)]
    if not value or value not in lines[1]:
        raise ValueError(f"cannot edit {column} of the first row of {path.name}")
    lines[1] = lines[1].replace(value, value + " (edited)", 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def figure_function(tree: Path, name: str = "timeline") -> tuple[Path, ast.FunctionDef]:
    """The module of the figures package that defines `name`, and its definition."""
    package = tree / "analysis" / "compendium"
    candidates = [package / "figures.py", *sorted((package / "figures").glob("*.py"))]
    for path in candidates:
        if path.is_file():
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.FunctionDef) and node.name == name:
                    return path, node
    raise ValueError(f"no figure function {name}() in the figures code")


def edit_figure_code(tree: Path, name: str = "timeline") -> None:
    """Change one figure's function: a statement added at the start of timeline()'s body."""
    path, function = figure_function(tree, name)
    lines = path.read_text(encoding="utf-8").split("\n")
    first = function.body[0]
    has_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    after = first.end_lineno if has_docstring else first.lineno - 1
    lines.insert(after, " " * first.col_offset + "pass  # edited for the benchmark")
    path.write_text("\n".join(lines), encoding="utf-8")


EDITS = {
    "edit_manuscript": Edit(
        "edit_manuscript",
        "manuscript/article.qmd",
        "one sentence of manuscript/article.qmd",
        edit_manuscript,
        readers_propagate=True,
    ),
    "edit_data": Edit(
        "edit_data",
        "data/raw/events.csv",
        "one cell of data/raw/events.csv (the summary of its first event)",
        edit_data,
        reruns=("validate_data",),
        propagates=("clean_dates",),
    ),
    "edit_figure_code": Edit(
        "edit_figure_code",
        "analysis/compendium/figures/timeline.py",
        "the function of one figure (timeline) in the figures code",
        edit_figure_code,
        propagates=("fig_timeline",),
    ),
}


# -------------------------------------------------------------------------------------------------
# Running things and measuring them


def jobs_in(output: str) -> list[str]:
    """The jobs Snakemake started (or would start, in a dry run), in order, without targets."""
    return [
        match["rule"] for match in _JOB_START.finditer(output) if match["rule"] not in TARGET_RULES
    ]


def job_reasons(output: str) -> dict[str, str]:
    """Why Snakemake ran each job (its `reason:` line), by rule."""
    reasons, current = {}, None
    for line in output.splitlines():
        if match := _JOB_START.match(line):
            current = match["rule"]
        elif current and line.startswith("    reason: "):
            reasons[current] = line.removeprefix("    reason: ").strip()
    return reasons


def first_unneeded(unneeded: list[str], reasons: dict[str, str], the_plan: dict) -> dict:
    """The unneeded jobs that no other unneeded job caused, with Snakemake's reason for each."""
    maker = {path: rule["name"] for rule in the_plan["rules"] for path in rule["output"]["files"]}
    first = {}
    for name in unneeded:
        reason = reasons.get(name, "")
        prefix = "Input files updated by another job: "
        causes = reason.removeprefix(prefix).split(", ") if reason.startswith(prefix) else []
        if not causes or not all(maker.get(path) in unneeded for path in causes):
            first[name] = reason
    return first


def bin_dir() -> Path:
    return Path(sys.executable).parent


def build_environment(tree: Path | None = None) -> dict[str, str]:
    """The environment of a build: this one, minus what an enclosing `make` passes down."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    }
    environment["PATH"] = f"{bin_dir()}{os.pathsep}{environment.get('PATH', '')}"
    if tree is not None:
        environment["PYTHONPATH"] = os.pathsep.join([str(tree / "analysis"), str(tree)])
    return environment


def make_command(*targets: str) -> list[str]:
    """`make` as an author types it, using this environment's .venv without rebuilding it."""
    venv = Path(sys.prefix)
    return [
        "make",
        "--no-print-directory",
        f"VENV={venv}",
        "-o",
        f"{venv}/.installed",
        *targets,
    ]


def snakemake_dry_run(tree: Path, *arguments: str) -> list[str]:
    """The jobs a build of `tree` would run, from Snakemake's dry-run output."""
    completed = subprocess.run(
        [str(bin_dir() / "snakemake"), "--cores", "2", "--dry-run", *arguments],
        cwd=tree,
        capture_output=True,
        text=True,
        env=build_environment(tree),
    )
    if completed.returncode != 0:
        raise RuntimeError(f"snakemake --dry-run failed:\n{completed.stderr[-2000:]}")
    return sorted(set(jobs_in(completed.stdout + "\n" + completed.stderr)))


def readers(the_plan: dict, path: str) -> list[str]:
    """Rules whose declared inputs include `path`."""
    return [rule["name"] for rule in the_plan["rules"] if path in rule["input"]["files"]]


def expected_jobs(built: Path, edit: Edit, the_plan: dict | None = None) -> list[str]:
    """The jobs a build should run after `edit` of the built tree `built` (not changed here)."""
    propagates = list(edit.propagates)
    if edit.readers_propagate:
        propagates += readers(the_plan or lower_bound.plan(built), edit.path)
    downstream = snakemake_dry_run(built, "--forcerun", *propagates) if propagates else []
    return sorted(set(edit.reruns) | set(downstream))


class TreeMemory(threading.Thread):
    """The peak of the summed resident memory of a process and its descendants (sampled)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stopped.is_set():
            total = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for process in processes:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            self.stopped.wait(self.interval)

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    returncode: int
    peak_process_mib: float
    peak_tree_mib: float
    load: float
    output: str = field(repr=False, default="")
    jobs: list[str] | None = None
    job_seconds: dict[str, float] | None = None
    reasons: dict[str, str] | None = None

    def record(self) -> dict:
        data = {
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_process_mib": round(self.peak_process_mib, 1),
            "peak_tree_mib": round(self.peak_tree_mib, 1),
            "load_average_before": round(self.load, 2),
        }
        if self.jobs is not None:
            data["jobs"] = self.jobs
        if self.job_seconds:
            data["job_seconds"] = {
                name: round(value, 2) for name, value in self.job_seconds.items()
            }
        return data


def measure(command: list[str], cwd: Path, environment: dict[str, str]) -> Run:
    """Run `command`; wall time, exit status, peak memory (largest process; whole tree)."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as log:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        peak_tree = sampler.stop()
        log.seek(0)
        output = log.read()
    return Run(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,  # of every process it waited for
        returncode=process.returncode,
        peak_process_mib=usage.ru_maxrss * 1024 / MIB,  # ru_maxrss is in KiB on Linux
        peak_tree_mib=max(peak_tree, usage.ru_maxrss * 1024) / MIB,
        load=load,
        output=output,
    )


def job_seconds(tree: Path, since: float) -> dict[str, float]:
    """Seconds each job took, from Snakemake's records of the outputs made after `since`."""
    durations: dict[str, float] = {}
    metadata = tree / ".snakemake" / "metadata"
    for record_file in sorted(metadata.glob("*")) if metadata.is_dir() else []:
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        start, end = record.get("starttime"), record.get("endtime")
        if start is None or end is None or start < since:
            continue
        durations[record["rule"]] = end - start
    return dict(sorted(durations.items()))


def output_files(results: Path) -> dict[str, bytes]:
    """Every output of a build that the floor also makes byte for byte (not logs, notebooks)."""
    files = {}
    for path in sorted(results.rglob("*")):
        relative = path.relative_to(results).as_posix()
        if (
            path.is_file()
            and not relative.startswith(("logs/", "notebooks/", "bench/"))
            and path.name != ".snakemake_timestamp"  # Snakemake's mark on a directory output
        ):
            files[relative] = path.read_bytes()
    return files


# -------------------------------------------------------------------------------------------------
# The benchmark


class Failed(RuntimeError):
    pass


@dataclass
class Bench:
    workspace: Path
    scenarios: tuple[str, ...]
    repeat: dict[str, int]
    deadline: float
    say: Callable[[str], None]
    runs: dict[str, list[Run]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    expected: dict[str, list[str]] = field(default_factory=dict)
    floor_steps: list[dict[str, float]] = field(default_factory=list)
    floor_outputs: dict = field(default_factory=dict)
    venv_size_mib: float | None = None
    snakemake_start: Run | None = None
    built: Path | None = None
    plan: dict | None = None
    errors: dict[str, str] = field(default_factory=dict)

    # -- trees

    def sources(self, name: str) -> Path:
        return copy_sources(ROOT, self.workspace / name)

    def built_tree(self) -> Path:
        if self.built is None:
            tree = self.sources("built")
            self._build(tree, "the reference build")
            self.built = tree
        return self.built

    def _build(self, tree: Path, what: str) -> Run:
        run = measure(make_command(), tree, build_environment(tree))
        if run.returncode != 0:
            raise Failed(f"{what} failed:\n{run.output[-3000:]}")
        return run

    # -- one repetition of each scenario

    def run_clean(self) -> Run:
        tree = self.workspace / "clean"
        if not tree.exists():
            self.sources("clean")
        shutil.rmtree(tree / "results", ignore_errors=True)
        shutil.rmtree(tree / ".snakemake", ignore_errors=True)
        since = time.time()
        run = self._build(tree, "the clean build")
        run.jobs = jobs_in(run.output)
        run.job_seconds = job_seconds(tree, since)
        if self.built is None:
            self.built = self.workspace / "built"
            shutil.copytree(tree, self.built, symlinks=True)
        return run

    def run_noop(self) -> Run:
        tree = self.built_tree()
        run = self._build(tree, "the build with nothing to do")
        run.jobs = jobs_in(run.output)
        if self.snakemake_start is None:  # the part of it that is Snakemake starting up
            command = [str(bin_dir() / "snakemake"), "--version"]
            self.snakemake_start = measure(command, tree, build_environment(tree))
        return run

    def run_edit(self, name: str) -> Run:
        built = self.built_tree()
        edit = EDITS[name]
        if name not in self.expected:
            if self.plan is None:
                self.plan = lower_bound.plan(built)
            self.expected[name] = expected_jobs(built, edit, self.plan)
        tree = self.workspace / name
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(built, tree, symlinks=True)
        try:
            edit.apply(tree)
            since = time.time()
            run = self._build(tree, f"the build after editing {edit.describe}")
            run.jobs = jobs_in(run.output)
            run.job_seconds = job_seconds(tree, since)
            full_log = tree / ".snakemake" / "log" / "make.log"  # written by tooling.console
            run.reasons = job_reasons(
                full_log.read_text(encoding="utf-8") if full_log.exists() else run.output
            )
        finally:
            shutil.rmtree(tree, ignore_errors=True)
        return run

    def run_floor(self) -> Run:
        tree = self.workspace / "floor"
        if not tree.exists():
            self.sources("floor")
        plan_file = self.workspace / "plan.json"
        if not plan_file.exists():
            plan_file.write_text(json.dumps(lower_bound.plan(tree)), encoding="utf-8")
        shutil.rmtree(tree / "results", ignore_errors=True)
        timings = self.workspace / "floor-timings.json"
        command = [
            sys.executable, "-m", "tooling.lower_bound", "--quiet",
            "--plan", str(plan_file), "--timings", str(timings),
        ]  # fmt: skip
        run = measure(command, tree, build_environment(tree))
        if run.returncode != 0:
            raise Failed(f"the floor failed:\n{run.output[-3000:]}")
        self.floor_steps.append(json.loads(timings.read_text(encoding="utf-8"))["steps"])
        if not self.floor_outputs and self.built is not None:
            self.floor_outputs = compare_outputs(self.built / "results", tree / "results")
        return run

    def run_setup(self) -> Run:
        folder = self.workspace / "setup"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name in ("Makefile", "requirements.lock", "requirements-build.lock"):
            shutil.copy2(ROOT / name, folder / name)
        environment = build_environment()
        environment["PATH"] = os.environ.get("PATH", "")  # the author's python3, not the .venv's
        environment.pop("VIRTUAL_ENV", None)
        try:
            run = measure(["make", "--no-print-directory", ".venv/.installed"], folder, environment)
            if run.returncode != 0:
                raise Failed(f"creating the .venv failed:\n{run.output[-3000:]}")
            if self.venv_size_mib is None:
                self.venv_size_mib = directory_mib(folder / ".venv")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return run

    def run_once(self, name: str) -> Run:
        if name == "clean":
            return self.run_clean()
        if name == "noop":
            return self.run_noop()
        if name in EDITS:
            return self.run_edit(name)
        if name == "floor":
            return self.run_floor()
        if name == "setup":
            return self.run_setup()
        raise ValueError(f"unknown scenario {name}")

    # -- all of them, within the budget

    def run(self) -> None:
        rounds = max(self.repeat[name] for name in self.scenarios)
        for round_number in range(rounds):
            for name in self.scenarios:
                if name in self.errors or round_number >= self.repeat[name]:
                    continue
                done = self.runs.setdefault(name, [])
                if done and time.monotonic() + max(run.seconds for run in done) * 1.2 + 5 > (
                    self.deadline
                ):
                    continue  # would overrun the budget: this scenario keeps fewer runs
                self.say(f"bench: {name} (run {len(done) + 1})")
                try:
                    run = self.run_once(name)
                except (Failed, RuntimeError, ValueError, OSError) as error:
                    self.errors[name] = str(error)
                    self.say(f"bench: {name} failed: {str(error).splitlines()[0]}")
                    continue
                done.append(run)
                self.say(f"bench: {name} {run.seconds:.2f} s")


def directory_mib(path: Path) -> float:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file()) / MIB


def compare_outputs(build: Path, floor_results: Path) -> dict:
    """Which outputs of the floor are byte for byte those of the build."""
    made, ours = output_files(build), output_files(floor_results)
    return {
        "identical": sorted(name for name in made if ours.get(name) == made[name]),
        "different": sorted(name for name in made if name in ours and ours[name] != made[name]),
        "missing": sorted(name for name in made if name not in ours),
        "extra": sorted(name for name in ours if name not in made),
    }


# -------------------------------------------------------------------------------------------------
# Summaries, targets, reports


def summary(runs: list[Run]) -> dict:
    seconds = [run.seconds for run in runs]
    return {
        "runs": len(runs),
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "spread_s": round(max(seconds) - min(seconds), 3),
        "median_cpu_s": round(statistics.median(run.cpu_seconds for run in runs), 3),
        "peak_process_mib": round(max(run.peak_process_mib for run in runs), 1),
        "peak_tree_mib": round(max(run.peak_tree_mib for run in runs), 1),
    }


def median_job_seconds(runs: list[Run]) -> dict[str, float]:
    by_job: dict[str, list[float]] = {}
    for run in runs:
        for name, value in (run.job_seconds or {}).items():
            by_job.setdefault(name, []).append(value)
    return {name: round(statistics.median(values), 2) for name, values in by_job.items()}


def median_steps(step_runs: list[dict[str, float]]) -> dict[str, float]:
    names = list(step_runs[0]) if step_runs else []
    return {
        name: round(statistics.median(steps[name] for steps in step_runs if name in steps), 2)
        for name in names
    }


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def targets(result: dict) -> list[dict]:
    """Each target of the issue: measured value, limit, met or not, and why not."""
    scenarios = result["scenarios"]
    checks: list[dict] = []

    def add(name: str, measured, limit, met: bool, why: str = "") -> None:
        checks.append(
            {
                "target": name,
                "measured": measured,
                "limit": limit,
                "met": met,
                "note": "" if met else why,
            }
        )

    def median(name: str) -> float | None:
        return scenarios.get(name, {}).get("median_s")

    clean, floor_median = median("clean"), median("floor")
    if clean is not None and floor_median:
        ratio = clean / floor_median
        jobs = len(scenarios["clean"].get("jobs", []))
        add(
            "clean ≤ 2.5 × floor",
            round(ratio, 2),
            CLEAN_OVER_FLOOR,
            ratio <= CLEAN_OVER_FLOOR,
            f"clean takes {ratio:.2f} × the floor ({_seconds(clean)} against "
            f"{_seconds(floor_median)}), {ratio / CLEAN_OVER_FLOOR:.2f} × the limit: the same "
            f"work spread over {jobs} jobs, each a Python process with its own imports (three "
            "of them a notebook kernel too), behind Snakemake's start-up and scheduling; the "
            "floor pays those imports once",
        )
    noop = median("noop")
    if noop is not None:
        add(
            "noop ≤ 1.0 s",
            noop,
            NOOP_SECONDS,
            noop <= NOOP_SECONDS,
            f"{_seconds(noop)}, {noop - NOOP_SECONDS:.2f} s over: no job runs; the time is "
            "Python and Snakemake starting (imports), parsing the Snakefile and checking the "
            "state of every output"
            + (
                f" (`snakemake --version` alone takes {_seconds(result['snakemake_version_s'])})"
                if result.get("snakemake_version_s")
                else ""
            ),
        )
    edit = median("edit_manuscript")
    if edit is not None:
        jobs = scenarios["edit_manuscript"].get("jobs", [])
        slowest = scenarios["edit_manuscript"].get("job_seconds", {})
        longest = max(slowest.items(), key=lambda item: item[1]) if slowest else None
        add(
            "edit_manuscript ≤ 2.0 s",
            edit,
            EDIT_MANUSCRIPT_SECONDS,
            edit <= EDIT_MANUSCRIPT_SECONDS,
            f"{_seconds(edit)}, {edit / EDIT_MANUSCRIPT_SECONDS:.1f} × the limit: it runs "
            f"{len(jobs)} jobs ({', '.join(jobs)}) on 2 cores"
            + (f", the slowest {longest[0]} ({_seconds(longest[1])})" if longest else ""),
        )
    for name in INCREMENTAL:
        if name not in scenarios or "expected_jobs" not in scenarios[name]:
            continue
        record = scenarios[name]
        extra, missing = record["unexpected_jobs"], record["missing_jobs"]
        why = []
        if extra:
            why.append(f"{len(extra)} jobs run that the change does not need: {', '.join(extra)}")
            because = record.get("unneeded_because", {})
            for reason in sorted(set(because.values())):
                names = [name for name, text in because.items() if text == reason]
                why.append(f"{' and '.join(names)} ran because of “{reason}”")
        if missing:
            why.append(f"expected but not run: {', '.join(missing)}")
        add(
            f"{name} runs only the jobs downstream of the change",
            len(record["jobs"]),
            len(record["expected_jobs"]),
            not extra and not missing,
            "; ".join(why),
        )
    setup = median("setup")
    if setup is not None:
        size = result.get("venv_size_mib")
        add(
            "setup ≤ 60 s",
            setup,
            SETUP_SECONDS,
            setup <= SETUP_SECONDS,
            f"{_seconds(setup)}, {setup / SETUP_SECONDS:.1f} × the limit: pip unpacks and "
            "byte-compiles every locked package one after the other"
            + (f" ({size:.0f} MiB installed)" if size else ""),
        )
    if scenarios:
        worst = max(scenarios.items(), key=lambda item: item[1]["peak_tree_mib"])
        add(
            "peak memory ≤ 1 GiB",
            worst[1]["peak_tree_mib"],
            MEMORY_MIB,
            worst[1]["peak_tree_mib"] <= MEMORY_MIB,
            f"{worst[0]} peaks at {worst[1]['peak_tree_mib']:.0f} MiB (all its processes)",
        )
    return checks


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": model or platform.processor() or platform.machine(),
        "cores": cores,
        "memory_gib": memory_gib,
        "system": platform.system(),
        "python": platform.python_version(),
    }


def collect(bench: Bench, started: datetime, seconds: float, load: tuple[float, float]) -> dict:
    scenarios = {}
    for name in SCENARIOS:
        runs = bench.runs.get(name)
        if not runs:
            continue
        record = summary(runs)
        if name in ("clean", "noop", *INCREMENTAL):
            record["jobs"] = runs[0].jobs or []
            if any(run.jobs != runs[0].jobs for run in runs):
                record["jobs_vary"] = [run.jobs for run in runs]
        if name == "clean" or name in INCREMENTAL:
            record["job_seconds"] = median_job_seconds(runs)
        if name in INCREMENTAL:
            record["edit"] = EDITS[name].describe
            expected = bench.expected.get(name, [])
            record["expected_jobs"] = expected
            record["unexpected_jobs"] = sorted(set(record["jobs"]) - set(expected))
            record["missing_jobs"] = sorted(set(expected) - set(record["jobs"]))
            if record["unexpected_jobs"] and bench.plan:
                record["unneeded_because"] = first_unneeded(
                    record["unexpected_jobs"], runs[0].reasons or {}, bench.plan
                )
        if name == "floor":
            record["step_seconds"] = median_steps(bench.floor_steps)
            record["outputs"] = {
                key: value if key != "identical" else len(value)
                for key, value in bench.floor_outputs.items()
            }
        record["run_list"] = [run.record() for run in runs]
        scenarios[name] = record
    result = {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "machine": machine(),
        "load_average": {"start": round(load[0], 2), "end": round(load[1], 2)},
        "scenarios": scenarios,
        "venv_size_mib": round(bench.venv_size_mib, 1) if bench.venv_size_mib else None,
        "snakemake_version_s": (
            round(bench.snakemake_start.seconds, 3) if bench.snakemake_start else None
        ),
        "errors": bench.errors,
    }
    result["targets"] = targets(result)
    return result


def _cell_seconds(record: dict) -> tuple[str, str]:
    median = _seconds(record["median_s"])
    if record["runs"] == 1:
        return median, "—"
    return median, f"{record['min_s']:.2f}–{record['max_s']:.2f} s"


def _target_of(name: str) -> str:
    return {
        "setup": "≤ 60 s",
        "clean": f"≤ {CLEAN_OVER_FLOOR} × floor",
        "noop": "≤ 1.0 s",
        "edit_manuscript": "≤ 2.0 s, rendering jobs only",
        "edit_data": "downstream jobs only",
        "edit_figure_code": "downstream jobs only",
        "floor": "(the yardstick)",
    }[name]


def _met(result: dict, name: str) -> str:
    relevant = {
        "setup": ["setup ≤ 60 s"],
        "clean": ["clean ≤ 2.5 × floor"],
        "noop": ["noop ≤ 1.0 s"],
        "edit_manuscript": [
            "edit_manuscript ≤ 2.0 s",
            "edit_manuscript runs only the jobs downstream of the change",
        ],
        "edit_data": ["edit_data runs only the jobs downstream of the change"],
        "edit_figure_code": ["edit_figure_code runs only the jobs downstream of the change"],
    }.get(name, [])
    checks = [check for check in result["targets"] if check["target"] in relevant]
    if not checks:
        return ""
    return "yes" if all(check["met"] for check in checks) else "**no**"


def table(result: dict) -> str:
    lines = [
        "| scenario | median | spread (min–max) | CPU | runs | jobs | peak memory | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, record in result["scenarios"].items():
        median, spread = _cell_seconds(record)
        jobs = str(len(record["jobs"])) if "jobs" in record else "—"
        if name == "clean" and "floor" in result["scenarios"]:
            ratio = record["median_s"] / result["scenarios"]["floor"]["median_s"]
            median += f" ({ratio:.1f} × floor)"
        lines.append(
            f"| `{name}` | {median} | {spread} | {_seconds(record['median_cpu_s'])} "
            f"| {record['runs']} | {jobs} "
            f"| {record['peak_tree_mib']:.0f} MiB | {_target_of(name)} | {_met(result, name)} |"
        )
    return "\n".join(lines)


def describe_machine(result: dict) -> str:
    info = result["machine"]
    memory = f", {info['memory_gib']:g} GiB of memory" if info["memory_gib"] else ""
    return (
        f"{info['cores']} cores ({info['cpu']}){memory}, {info['system']}, Python "
        f"{info['python']}; load average {result['load_average']['start']:g} when the "
        f"benchmark started, {result['load_average']['end']:g} when it ended"
    )


def _wrapped(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text, width=100, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def readme_section(result: dict) -> str:
    missed = [check for check in result["targets"] if not check["met"]]
    lines = _wrapped(
        f"Measured by `make bench` on {result['started'][:10]}: {describe_machine(result)}. "
        "Each scenario runs in a temporary copy of the sources. Times are wall-clock medians; "
        "CPU is the median processor time of all its processes, which other programs running "
        "on the machine inflate far less than wall time. Peak memory is the most that all "
        "processes of a scenario held at once. `floor` is the work of `clean` done in one "
        "Python process, without orchestration."
    )
    lines += ["", table(result), ""]
    if missed:
        lines += ["Targets not met:", ""]
        for check in missed:
            lines += _wrapped(f"- {check['target']}: {check['note']}.", indent="  ")
    else:
        lines.append("Every target is met.")
    return "\n".join(lines)


def _listed(prefix: str, names: list[str] | None) -> str:
    return prefix + ", ".join(names) if names else ""


def markdown(result: dict) -> str:
    lines = ["# `make bench`", "", readme_section(result), ""]
    for name in INCREMENTAL:
        record = result["scenarios"].get(name)
        if not record:
            continue
        lines += [
            f"## `{name}`: {record['edit']}",
            "",
            f"- ran: {', '.join(record['jobs']) or 'nothing'}",
            f"- expected: {', '.join(record['expected_jobs']) or 'nothing'}",
        ]
        if record["unexpected_jobs"]:
            lines.append(f"- not needed: {', '.join(record['unexpected_jobs'])}")
        if record["missing_jobs"]:
            lines.append(f"- missing: {', '.join(record['missing_jobs'])}")
        lines.append("")
    clean, floor_record = result["scenarios"].get("clean"), result["scenarios"].get("floor")
    if clean and floor_record:
        lines += [
            "## Where the clean build's time goes",
            "",
            "Seconds per step: in the floor (one process) and as a job of the clean build "
            "(its own process, imports included; medians).",
            "",
            "| step | floor | clean build job |",
            "|---|---:|---:|",
        ]
        steps = floor_record["step_seconds"]
        jobs = clean.get("job_seconds", {})
        for name in [*steps, *(job for job in jobs if job not in steps)]:
            in_floor = f"{steps[name]:.2f}" if name in steps else "—"
            in_build = f"{jobs[name]:.2f}" if name in jobs else "—"
            lines.append(f"| {name} | {in_floor} | {in_build} |")
        lines += [
            f"| **sum** | {sum(steps.values()):.2f} | {sum(jobs.values()):.2f} |",
            "",
        ]
        outputs = floor_record.get("outputs", {})
        if outputs:
            lines.append(
                f"The floor's outputs: {outputs.get('identical', 0)} byte for byte the clean "
                "build's (logs and executed notebooks are not compared, so a report that lists "
                "the files under results/ may differ)"
                + _listed("; different: ", outputs.get("different"))
                + _listed("; not made: ", outputs.get("missing"))
                + "."
            )
            lines.append("")
    if result["errors"]:
        lines += ["## Failed scenarios", ""]
        lines += [f"- `{name}`: {text.splitlines()[0]}" for name, text in result["errors"].items()]
        lines.append("")
    return "\n".join(lines)


def update_readme(section: str, readme: Path = README) -> bool:
    """Replace what is between the bench markers of README.md; False if there are none."""
    if not readme.exists():
        return False
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return False
    updated = text[: start + len(README_START)] + "\n" + section.rstrip() + "\n" + text[end:]
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
    return True


def _make_started(now: float) -> float:
    """When `make bench` started: earlier than this process if it just created the .venv."""
    marker = Path(sys.prefix) / "pyvenv.cfg"
    try:
        created = marker.stat().st_mtime
    except OSError:
        return now
    return created if 0 <= now - created < 15 * 60 else now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.bench", description=__doc__)
    parser.add_argument("--scenarios", help="comma-separated subset of: " + ", ".join(SCENARIOS))
    parser.add_argument("--repeat", type=int, help="repetitions of every scenario")
    parser.add_argument("--budget", type=float, default=BUDGET_SECONDS, help="seconds in all")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--no-readme", action="store_true", help="leave README.md unchanged")
    arguments = parser.parse_args(argv)

    chosen = tuple(arguments.scenarios.split(",")) if arguments.scenarios else SCENARIOS
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    # Measurement order: the cheap and the paired (clean, floor) first, setup last.
    order = ("clean", "floor", "noop", *INCREMENTAL, "setup")
    scenarios = tuple(name for name in order if name in chosen)
    repeat = {name: arguments.repeat or REPEAT.get(name, DEFAULT_REPEAT) for name in scenarios}

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = datetime.now(UTC)
    began = time.time()
    deadline = time.monotonic() + arguments.budget - (began - _make_started(began))
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        bench = Bench(Path(scratch), scenarios, repeat, deadline, say)
        bench.run()
    result = collect(bench, started, time.time() - began, (load_start, os.getloadavg()[0]))

    arguments.output.mkdir(parents=True, exist_ok=True)
    (arguments.output / "bench.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (arguments.output / "bench.md").write_text(markdown(result), encoding="utf-8")
    say(f"bench: wrote {arguments.output / 'bench.json'} and {arguments.output / 'bench.md'}")
    if not arguments.no_readme and set(scenarios) == set(SCENARIOS):
        if update_readme(readme_section(result)):
            say(f"bench: updated the table in {README}")
        else:
            say(f"bench: {README} has no {README_START} … {README_END} markers; left unchanged")
    print(table(result))
    return 1 if bench.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
