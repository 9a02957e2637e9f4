"""`make bench` (writes results/bench/); `python -m tooling.bench --readme` is `make readme`.

Each scenario is a whole command timed from outside in a temporary copy of the sources, as a
ratio to a yardstick of the same run, so that machines compare: `clean` (`make` from scratch)
against the floor (tooling.lower_bound); `setup` (.venv from the lock), `noop` (`make` again),
`edit_manuscript` (`make` after one sentence changed) and `preview` (a save in `make preview`
until the new HTML is served, every fetch a page: tooling.preview_timing) against the start-up
of every build and step, `snakemake --version`. Jobs and their times: `benchmark:` records.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from tooling import lower_bound, preview_timing
from tooling.sources import copy_sources

OUTPUT, README = Path("results/bench"), Path("README.md")
MARKERS = ("<!-- bench:start -->\n", "<!-- bench:end -->")
REPEAT = {"setup": 1, "clean": 1, "noop": 5, "edit_manuscript": 2, "preview": 3}
CLEAN_OVER_FLOOR, EDIT_OVER_STARTUP = 2.0, 2.0
LIMITS = {"setup": 60.0, "noop": 0.3, "preview": 1.0}
EDITED = "manuscript/article.qmd"  # one sentence of it, in `edit_manuscript`
SNAKEMAKE_VERSION = [str(Path(sys.executable).parent / "snakemake"), "--version"]


def edit_manuscript(tree: Path) -> None:
    """Change one sentence: the first long sentence of prose gets a parenthesis."""
    text = (path := tree / EDITED).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]  # after the front matter
    sentence = re.search(r"^[A-Z][^|#:{<>\[\n]{100,}?\. ", body, re.M)
    if sentence is None:
        raise ValueError(f"{path}: no sentence of prose to edit")
    edited = sentence[0][:-2] + " (edited for the benchmark). "
    path.write_text(text.replace(sentence[0], edited, 1), encoding="utf-8")


def environment(tree: Path | None = None) -> dict[str, str]:
    """This environment without what an enclosing `make` passes down; the tree's packages."""
    skipped = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    result = {name: value for name, value in os.environ.items() if name not in skipped}
    result["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{result.get('PATH', '')}"
    if tree is not None:
        result["PYTHONPATH"] = os.pathsep.join([str(tree / "analysis"), str(tree)])
    return result


def make() -> list[str]:
    """`make` as the author types it, with this .venv (never rebuilt by the bench)."""
    return ["make", "--no-print-directory", f"VENV={sys.prefix}", "-o", f"{sys.prefix}/.installed"]


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of `command`; its output only if it fails."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr)[-3000:]
        raise RuntimeError(f"`{' '.join(command)}` failed in {cwd}:\n{output}")
    return seconds


class Bench:
    """The scenarios, in the order that lets each reuse the tree the one before it built."""

    def __init__(self, workspace: Path, repeat: dict[str, int], say: Callable[[str], None]):
        self.workspace, self.repeat, self.say, self.built = workspace, repeat, say, workspace / "b"
        self.runs: dict[str, list[float]] = {}
        self.startups: list[float] = []  # `snakemake --version`, in seconds
        self.found: dict = {"errors": {}}

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
        self.record("clean", self.clean)
        if not (self.built / "results").is_dir():
            return  # the other scenarios start from a built tree
        self.record("noop", lambda: timed(make(), self.built, environment(self.built)))
        self.record("edit_manuscript", self.edited)
        self.record("preview", self.preview)
        self.record("setup", self.setup)

    def clean(self) -> float:
        shutil.rmtree(self.built, ignore_errors=True)
        copy_sources(Path.cwd(), self.built)
        seconds = timed(make(), self.built, environment(self.built))
        records = lower_bound.read_records(self.built / lower_bound.BENCHMARKS)
        if "startups" not in self.found:  # once: they do not depend on the build
            self.say("bench: measuring the start-up of each step")
            self.found["startups"] = lower_bound.measure_startups(sorted(records), self.built)
        startups = self.found["startups"]
        jobs = [lower_bound.Job(rule, taken, startups[rule]) for rule, taken in records.items()]
        floor = lower_bound.floor(jobs, startups[lower_bound.ONE_PROCESS])
        self.found.setdefault("floors", []).append(floor)
        self.found["jobs"] = [asdict(job) | {"work": job.work} for job in jobs]
        return seconds

    def edited(self) -> float:
        tree = shutil.copytree(self.built, self.workspace / f"edited-{time.time()}", symlinks=True)
        edit_manuscript(tree)
        started = time.time()
        seconds = timed(make(), tree, environment(tree))
        self.found["edit_jobs"] = lower_bound.read_records(tree / lower_bound.BENCHMARKS, started)
        return seconds

    def preview(self) -> float:
        if "preview" not in self.found:
            tree = shutil.copytree(self.built, self.workspace / "preview", symlinks=True)
            command = [str(Path(sys.executable).parent / "snakemake"), "--rerun-incomplete"]
            timing = preview_timing.measure(tree, command, self.repeat["preview"])
            self.found["preview"] = {"not_a_page": timing.not_a_page, "fetches": timing.fetches}
            self.preview_seconds = list(timing.seconds)
        return self.preview_seconds.pop(0)

    def setup(self) -> float:
        (folder := self.workspace / "setup").mkdir()
        for name in ("Makefile", "requirements.lock", "requirements-build.lock"):
            shutil.copy2(name, folder / name)
        env = {name: value for name, value in environment().items() if name != "VIRTUAL_ENV"}
        env["PATH"] = os.environ.get("PATH", "")  # the author's python3, not this .venv's
        try:
            return timed(["make", "--no-print-directory", ".venv/.installed"], folder, env)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def verdicts(medians: dict[str, float], startup: float, floor: float | None, pages: bool) -> list:
    """Each scenario's ratio to its yardstick, and its target: met or by how much not (`pages`:
    every fetch during the preview got a page, no 404)."""
    limits = dict(LIMITS, edit_manuscript=startup + EDIT_OVER_STARTUP)
    limits |= {"clean": CLEAN_OVER_FLOOR * floor} if floor else {}
    rows = []
    for name, seconds in ((name, medians[name]) for name in limits if name in medians):
        yardstick = floor if name == "clean" else startup
        row = {"scenario": name, "median_s": seconds, "limit_s": limits[name]}
        row |= {"yardstick": "floor" if name == "clean" else "snakemake --version"}
        row |= {"ratio": seconds / yardstick, "limit_ratio": limits[name] / yardstick}
        no_page = name == "preview" and not pages
        row |= {"over_s": max(seconds - limits[name], 0.0), "no_page": no_page}
        rows.append(row | {"met": seconds <= limits[name] and not no_page})
    return rows


def summary_table(result: dict) -> str:
    lines = ["| scenario | median | runs | ratio | target | met |", "|---|---:|---:|---:|---:|---|"]
    for row in result["verdicts"]:
        unit = "× floor" if row["yardstick"] == "floor" else "× start-up"
        met = "yes" if row["met"] else f"**no**, {row['over_s']:.2f} s over"
        if row["no_page"]:
            met = "**no**, a fetch got no page"
        name, runs, limit = row["scenario"], len(result["runs"][row["scenario"]]), row["limit_s"]
        lines.append(
            f"| `{name}` | {row['median_s']:.2f} s | {runs} | {row['ratio']:.2f} {unit} "
            f"| ≤ {limit:.2f} s = {row['limit_ratio']:.2f} {unit} | {met} |"
        )
    return "\n".join(lines)


def jobs_table(jobs: list[dict]) -> str:
    total = {key: sum(job[key] for job in jobs) for key in ("seconds", "startup", "work")}
    rows = [(job["rule"], job["seconds"], job["startup"], job["work"]) for job in jobs]
    rows.append(("**sum**", total["seconds"], total["startup"], total["work"]))
    head = ["| step | job | start-up | work |", "|---|---:|---:|---:|"]
    return "\n".join(head + ["| {} | {:.2f} | {:.2f} | {:.2f} |".format(*row) for row in rows])


def markdown(result: dict) -> str:
    """The section README.md carries: machine, yardsticks, the table, each step's split."""
    machine, yard = result["machine"], result["yardsticks"]
    floor = f"{yard['floor_s']:.2f} s" if yard["floor_s"] else "not measured"
    parts = [
        f"Measured by `make bench` on {result['started']}: {machine['cores']} cores, Python "
        f"{machine['python']}, load average {machine['load'][0]:.1f} at the start and "
        f"{machine['load'][1]:.1f} at the end. Yardsticks of the same run: start-up "
        f"(`snakemake --version`) {yard['snakemake_version_s']:.2f} s, the floor {floor}.",
        summary_table(result),
    ]
    if result.get("jobs"):
        parts += ["The clean build's steps (seconds; job from its `benchmark:` record):"]
        parts += [jobs_table(result["jobs"])]
    if ran := result.get("edit_jobs"):
        jobs = ", ".join(f"{rule} {value:.2f} s" for rule, value in ran.items())
        parts.append(f"After a manuscript edit, the benchmarked steps that ran: {jobs}.")
    errors = [
        f"- `{name}` failed: {text.splitlines()[0]}" for name, text in result["errors"].items()
    ]
    return "\n\n".join([*parts, "\n".join(errors)]).rstrip() + "\n"


def collect(bench: Bench, started: str, load: tuple[float, float]) -> dict:
    startup = statistics.median(bench.startups)
    floors = bench.found.pop("floors", [])
    floor = statistics.median(floors) if floors else None
    medians = {name: statistics.median(runs) for name, runs in bench.runs.items()}
    pages = bench.found.get("preview", {}).get("not_a_page", 0) == 0
    machine = {"cores": len(os.sched_getaffinity(0)), "python": platform.python_version()}
    return {
        "started": started,
        "machine": machine | {"load": load},
        "yardsticks": {"snakemake_version_s": startup, "floor_s": floor},
        "runs": bench.runs,
        "verdicts": verdicts(medians, startup, floor, pages),
        **bench.found,
    }


def refresh_readme(readme: Path = README, section: Path = OUTPUT / "bench.md") -> int:
    """Put the last bench's section between README's bench markers."""
    text, (start, end) = readme.read_text(encoding="utf-8"), MARKERS
    before, rest = text.split(start, 1)
    readme.write_text(
        before + start + section.read_text(encoding="utf-8") + end + rest.split(end, 1)[1],
        encoding="utf-8",
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.bench", description=__doc__)
    parser.add_argument("--repeat", type=int, help="runs of every scenario (default: REPEAT)")
    parser.add_argument("--skip", default="", help="scenarios left out, comma-separated")
    parser.add_argument("--readme", action="store_true", help="copy results/bench/ to README")
    arguments = parser.parse_args(argv)
    if arguments.readme:
        return refresh_readme()
    repeat = {name: arguments.repeat or count for name, count in REPEAT.items()}
    repeat.update(dict.fromkeys(filter(None, arguments.skip.split(",")), 0))
    started, load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        bench = Bench(Path(scratch), repeat, lambda text: print(text, file=sys.stderr, flush=True))
        bench.run()
    result = collect(bench, started, (round(load, 2), round(os.getloadavg()[0], 2)))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (OUTPUT / "bench.md").write_text(markdown(result), encoding="utf-8")
    print(summary_table(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
