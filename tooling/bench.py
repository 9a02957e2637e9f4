"""`make bench` (writes results/bench/); `python -m tooling.bench --readme` is `make readme`.

Each scenario is a whole command timed from outside in a temporary copy of the sources, as a
ratio to a yardstick of the same run, so that machines compare: `clean` (`make` from scratch)
against the floor; `setup` (.venv from the lock), `noop` (`make` again), `edit_manuscript`
(`make` after a sentence added) and `preview` (a save in `make preview` until the page served
shows it, every fetch meanwhile a page) against `snakemake --version`, the start-up of every
build and step. The floor is measured in a clean build that runs one step at a time (`make
JOBS=1`), each with its usual threads: no step's `benchmark:` record carries another's contention.

    work(step) = the step's `benchmark:` seconds in the one-at-a-time build - its start-up
    floor      = the sum of every step's work + the start-up of one process importing it all

A step's start-up is a fresh process running Snakemake's script preamble and the imports of the
step's program (rule x runs analysis/scripts/x.py, or the notebook analysis/notebooks/x.py
through the runner, in a new kernel). Why this floor: README, "Computational requirements".
"""

from __future__ import annotations

import argparse
import ast
import csv
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tooling import preview_splice
from tooling.dependencies import imported_files
from tooling.sources import copy_sources

OUTPUT, README = Path("results/bench"), Path("README.md")
MARKERS = ("<!-- bench:start -->\n", "<!-- bench:end -->")
#: Runs of each scenario in `Bench.run`'s order; `floor` is the one-at-a-time build (no target).
REPEAT = {"floor": 1, "clean": 1, "noop": 5, "edit_manuscript": 3, "preview": 3, "setup": 1}
CLEAN_OVER_FLOOR, EDIT_OVER_STARTUP = 2.0, 2.0
LIMITS = {"setup": 60.0, "noop": 0.3, "preview": 1.0}
EDITED = "manuscript/article.qmd"  # where `edit_manuscript` and `preview` add sentences
#: `make` as the author types it, with this .venv (never rebuilt by the bench).
MAKE = ["make", "--no-print-directory", f"VENV={sys.prefix}", "-o", f"{sys.prefix}/.installed"]
SNAKEMAKE_VERSION = [str(Path(sys.executable).parent / "snakemake"), "--version"]
BENCHMARKS = Path("results") / "logs" / "benchmarks"
#: What Snakemake's preamble imports in every `script:` process before the script's own code.
PREAMBLE = ["import pickle", "from snakemake.logging import logger"]
PREAMBLE += ["from snakemake.iocontainers import Snakemake"]
SCRIPTS, NOTEBOOKS = Path("analysis") / "scripts", Path("analysis") / "notebooks"
RUNNER, ONE_PROCESS = SCRIPTS / "run_notebook.py", "(one process)"
#: Rounds of start-up timings, each program once a round: a burst of load spoils one sample of
#: many programs, not the only one of one (single samples moved the floor by a third).
STARTUP_SAMPLES = 5
#: What `make preview` prints once it serves and watches: the page's address, then "watching".
PREVIEW_READY = re.compile(r"(http://\S+/paper\.html)\s.*^preview: watching", re.S | re.M)
#: The sentences the bench adds spell their numbers: the build refuses a digit typed in the
#: prose (tooling/number_check.py), so a digit would make the build after every edit fail.
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def new_sentence(number: int) -> str:
    """The bench's sentence `number`: no digit in it, and no other of its sentences inside it."""
    spelled = " ".join(DIGITS[int(digit)] for digit in str(number))
    return f"The bench added this as sentence {spelled}."


def edit_manuscript(tree: Path, sentence: str) -> None:
    """Add `sentence` to the manuscript's first paragraph of prose, as an author writes on."""
    text = (path := tree / EDITED).read_text(encoding="utf-8")
    paragraph = next(filter(preview_splice.plain_prose, preview_splice.split(text)[1]))
    path.write_text(text.replace(paragraph, f"{paragraph} {sentence}", 1), encoding="utf-8")


def environment(tree: Path | None = None) -> dict[str, str]:
    """This environment without what an enclosing `make` passes down; the tree's packages."""
    skipped = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    result = {name: value for name, value in os.environ.items() if name not in skipped}
    result["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{result.get('PATH', '')}"
    if tree is not None:
        result["PYTHONPATH"] = os.pathsep.join([str(tree / "analysis"), str(tree)])
    return result


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of `command`; its output only if it fails."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr)[-3000:]
        raise RuntimeError(f"`{' '.join(command)}` failed in {cwd}:\n{output}")
    return seconds


def read_records(folder: Path, since: float = 0.0) -> dict[str, float]:
    """Each rule's seconds (column `s`) in the benchmark records written since `since`."""
    seconds = {}
    for path in sorted(folder.glob("*.tsv")):
        if path.stat().st_mtime >= since:
            lines = path.read_text(encoding="utf-8").splitlines()
            try:
                seconds[path.stem] = float(next(csv.DictReader(lines, delimiter="\t"))["s"])
            except (StopIteration, KeyError, TypeError, ValueError):
                raise ValueError(f"{path}: not a Snakemake benchmark record (no `s`)") from None
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


def measure_startups(rules: list[str], tree: Path, samples: int = STARTUP_SAMPLES) -> dict:
    """The start-up of each rule's process, and of the single process: medians of rounds."""
    with tempfile.TemporaryDirectory(prefix="startup-") as scratch:
        programs = {rule: startup_program(rule, tree, Path(scratch)) for rule in rules}
        programs[ONE_PROCESS] = single_process_program(rules, tree)
        codes = sorted(set(programs.values()))
        rounds = [
            [timed([sys.executable, "-c", code], tree, environment(tree)) for code in codes]
            for _ in range(samples)
        ]
        seconds = {code: statistics.median(taken) for code, taken in zip(codes, zip(*rounds))}
    return {rule: seconds[code] for rule, code in programs.items()}


def split(records: dict[str, float], startups: dict[str, float]) -> tuple[list[dict], float]:
    """Each job (its process, from its benchmark record) as start-up and work, never negative;
    and the floor: that work in one process that starts once (see the module's docstring)."""
    jobs = [
        {"rule": rule, "seconds": seconds, "startup": startups[rule]}
        | {"work": max(seconds - startups[rule], 0.0)}
        for rule, seconds in records.items()
    ]
    return jobs, startups[ONE_PROCESS] + sum(job["work"] for job in jobs)


@contextmanager
def previewing(tree: Path, timeout: float = 600) -> Iterator[str]:
    """`make preview` of `tree` on a free port, once it watches: its page's address."""
    # its messages go to a file: a pipe that nobody reads would fill up and stop the preview
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        command = [*MAKE, "preview", "PORT=0"]
        process = subprocess.Popen(
            command, cwd=tree, env=environment(tree), stdout=log, stderr=log, start_new_session=True
        )
        try:
            deadline, ready = time.monotonic() + timeout, None
            while not ready and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
                log.seek(0)
                ready = PREVIEW_READY.search(log.read())
            if not ready:
                log.seek(0)
                raise RuntimeError(f"the preview did not start:\n{log.read()[-3000:]}")
            yield ready[1]
        finally:
            stop_preview(process)


def stop_preview(process: subprocess.Popen) -> None:
    """Ctrl-C, as the author stops the preview (it reaches make and all it started)."""
    os.killpg(process.pid, signal.SIGINT)  # the group lives on while make is not reaped
    process.wait(timeout=60)


class Bench:
    """The scenarios, in the order that lets each reuse the tree the one before it built."""

    def __init__(self, workspace: Path, repeat: dict[str, int], say: Callable[[str], None]):
        self.workspace, self.repeat, self.say, self.built = workspace, repeat, say, workspace / "b"
        self.runs: dict[str, list[float]] = {}
        self.startups: list[float] = []  # `snakemake --version`, in seconds
        self.found: dict = {"errors": {}, "preview_not_a_page": 0}
        self.sentences = itertools.count()  # `new_sentence` numbers, never one twice a tree

    def record(self, name: str, measure: Callable[[], float]) -> None:
        for number in range(self.repeat.get(name, 0)):
            try:  # a yardstick sample beside each run: the machine's load changes over the bench
                self.startups.append(timed(SNAKEMAKE_VERSION, Path.cwd(), environment()))
                seconds = measure()
            except (RuntimeError, ValueError, OSError) as error:
                self.found["errors"][name] = str(error)
                self.say(f"bench: {name} failed: {str(error).splitlines()[0]}")
                return
            self.runs.setdefault(name, []).append(seconds)
            self.say(f"bench: {name} run {number + 1}: {seconds:.2f} s")

    def run(self) -> None:
        self.record("floor", self.floor)
        self.record("clean", self.clean)
        if not (self.built / "results").is_dir():
            return  # the other scenarios start from a built tree
        self.record("noop", self.make)
        self.record("edit_manuscript", self.edited)
        self.record("preview", self.preview)
        self.record("setup", self.setup)

    def make(self, *arguments: str) -> float:
        return timed([*MAKE, *arguments], self.built, environment(self.built))

    def clean(self, *arguments: str) -> float:
        shutil.rmtree(self.built, ignore_errors=True)
        copy_sources(Path.cwd(), self.built)
        return self.make(*arguments)

    def floor(self) -> float:
        """A clean build, one step at a time, and the floor from its records (module docstring)."""
        seconds = self.clean("JOBS=1")
        records = read_records(self.built / BENCHMARKS)
        self.say("bench: measuring the start-up of each step")
        startups = measure_startups(sorted(records), self.built)
        self.found["jobs"], self.found["floor"] = split(records, startups)
        return seconds

    def edited(self) -> float:
        """A sentence added in the built tree itself (as the author writes), then `make`."""
        edit_manuscript(self.built, new_sentence(next(self.sentences)))
        started = time.time()
        seconds = self.make()
        self.found["edit_jobs"] = read_records(self.built / BENCHMARKS, started)
        return seconds

    def preview(self) -> float:
        """Every run's save is timed at the first, in one `make preview` of a copy of the tree."""
        if not hasattr(self, "saves"):
            tree = shutil.copytree(self.built, self.workspace / "preview", symlinks=True)
            with previewing(tree) as url:
                self.saves = [self.save(tree, url) for _ in range(self.repeat["preview"])]
        return self.saves.pop(0)

    def save(self, tree: Path, url: str, timeout: float = 120) -> float:
        """Seconds from a save until the page, fetched again and again, shows it (a 404 counted)."""
        sentence = new_sentence(next(self.sentences))
        time.sleep(0.3)  # a pause between saves, as when typing
        started = time.monotonic()
        edit_manuscript(tree, sentence)
        while time.monotonic() - started < timeout:
            try:
                with urllib.request.urlopen(url, timeout=10) as answer:
                    if sentence.encode() in b" ".join(answer.read().split()):  # lines wrap
                        return time.monotonic() - started
            except urllib.error.HTTPError:
                self.found["preview_not_a_page"] += 1
            time.sleep(0.01)
        raise RuntimeError(f"the preview did not show {sentence!r} in {timeout} s")

    def setup(self) -> float:
        (folder := self.workspace / "setup").mkdir()
        for name in ("Makefile", "requirements.lock", "requirements-build.lock"):
            shutil.copy2(name, folder / name)
        env = {name: value for name, value in environment().items() if name != "VIRTUAL_ENV"}
        env["PATH"] = os.environ.get("PATH", "")  # the author's python3, not this .venv's
        # the last scenario: its environment goes with the workspace
        return timed(["make", "--no-print-directory", ".venv/.installed"], folder, env)


def verdicts(medians: dict[str, float], startup: float, floor: float | None, pages: bool) -> list:
    """Each scenario's median, target and yardstick (the table divides by it): the target met,
    or by how much not (`pages`: every fetch during the preview got a page, no 404)."""
    targets = {name: (limit, startup) for name, limit in LIMITS.items()}
    targets["edit_manuscript"] = (startup + EDIT_OVER_STARTUP, startup)
    targets |= {"clean": (CLEAN_OVER_FLOOR * floor, floor)} if floor else {}
    rows = []
    for name, (limit, yardstick) in targets.items():
        if (seconds := medians.get(name)) is not None:
            row = dict(scenario=name, median_s=seconds, limit_s=limit, yardstick_s=yardstick)
            row |= {"no_page": name == "preview" and not pages, "over_s": max(seconds - limit, 0.0)}
            rows.append(row | {"met": seconds <= limit and not row["no_page"]})
    return rows


def summary_table(result: dict) -> str:
    lines = ["| scenario | median | runs | ratio | target | met |", "|---|---:|---:|---:|---:|---|"]
    for row in result["verdicts"]:
        name, seconds, limit = row["scenario"], row["median_s"], row["limit_s"]
        per = row["yardstick_s"]  # the ratios' denominator
        unit = "× floor" if name == "clean" else "× start-up"
        met = "yes" if row["met"] else f"**no**, {row['over_s']:.2f} s over"
        met = "**no**, a fetch got no page" if row["no_page"] else met
        lines.append(
            f"| `{name}` | {seconds:.2f} s | {len(result['runs'][name])} | {seconds / per:.2f} "
            f"{unit} | ≤ {limit:.2f} s = {limit / per:.2f} {unit} | {met} |"
        )
    return "\n".join(lines)


def jobs_table(jobs: list[dict]) -> str:
    total = {key: sum(job[key] for job in jobs) for key in ("seconds", "startup", "work")}
    line = "| {rule} | {seconds:.2f} | {startup:.2f} | {work:.2f} |"
    rows = [line.format(**job) for job in [*jobs, {"rule": "**sum**", **total}]]
    return "\n".join(["| step | job | start-up | work |", "|---|---:|---:|---:|", *rows])


def markdown(result: dict) -> str:
    """The section README.md carries: machine, yardsticks, the table, each step's split."""
    machine, floor = result["machine"], result["floor_s"]
    floor = f"{floor:.2f} s (from the steps below, run one at a time)" if floor else "not measured"
    parts = [
        f"Measured by `make bench` on {result['started']}: {machine['cores']} cores, Python "
        f"{machine['python']}, load average {machine['load'][0]:.1f} at the start and "
        f"{machine['load'][1]:.1f} at the end. Yardsticks of the same run: start-up "
        f"(`snakemake --version`) {result['startup_s']:.2f} s, the floor {floor}.",
        summary_table(result),
    ]
    if result.get("jobs"):
        parts += ["The steps, run one at a time (seconds; job from each `benchmark:` record):"]
        parts += [jobs_table(result["jobs"])]
    if ran := result.get("edit_jobs"):
        jobs = ", ".join(f"{rule} {value:.2f} s" for rule, value in ran.items())
        parts.append(f"After a manuscript edit, the benchmarked steps that ran: {jobs}.")
    errors = [
        f"- `{name}` failed: {text.splitlines()[0]}" for name, text in result["errors"].items()
    ]
    return "\n\n".join([*parts, "\n".join(errors)]).rstrip() + "\n"


def refresh_readme(readme: Path = README, section: Path = OUTPUT / "bench.md") -> int:
    """Put the last bench's section between README's bench markers."""
    text, (start, end) = readme.read_text(encoding="utf-8"), MARKERS
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(before + start + section.read_text(encoding="utf-8") + end + after, "utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.bench", description=__doc__)
    parser.add_argument("--readme", action="store_true", help="copy results/bench/ to README")
    if parser.parse_args(argv).readme:
        return refresh_readme()
    started, load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        bench = Bench(Path(scratch), REPEAT, lambda text: print(text, file=sys.stderr, flush=True))
        bench.run()
    startup, floor = statistics.median(bench.startups), bench.found.pop("floor", None)
    medians = {name: statistics.median(runs) for name, runs in bench.runs.items()}
    machine = {"cores": len(os.sched_getaffinity(0)), "python": platform.python_version()}
    result = {"started": started, "machine": machine | {"load": (load, os.getloadavg()[0])}}
    result |= {"startup_s": startup, "floor_s": floor, "runs": bench.runs, **bench.found}
    result["verdicts"] = verdicts(medians, startup, floor, bench.found["preview_not_a_page"] == 0)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (OUTPUT / "bench.md").write_text(markdown(result), encoding="utf-8")
    print(summary_table(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
