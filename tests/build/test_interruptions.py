"""Interrupted builds, through `make` as an author runs it, in one tree from a clean copy of the
sources: Ctrl-C (SIGINT) in the middle of a cleaning notebook, then two `make`s started at once,
of which the one that builds is killed outright (SIGKILL) in the middle of a figure script. The
interrupted build leaves no stamp of a finished build; the second `make` waits for the first,
then removes the lock the killed one left and finishes; the tree ends with the bytes of the
session's clean build, and `make` then has nothing to do. Three `make`s in all.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.build.launcher import leftovers, snapshot
from tests.workflow import FIGURES, copy_sources, make, start_make

#: Steps of each kind and the output each writes last (so: absent while the step runs).
NOTEBOOKS = {
    "clean_dates": "results/notebooks/clean_dates.ipynb",
    "clean_quantities": "results/notebooks/clean_quantities.ipynb",
    "clean_coding": "results/notebooks/clean_coding.ipynb",
}
FIGURE_STEPS = {name.replace("-", "_"): f"results/figures/{name}.svg" for name in FIGURES}
STAMP = Path(".snakemake") / "make" / "built"
WAITING = "another build is running in this tree; waiting for it to finish"


class RunningBuild:
    """A `make` started in `tree`, whose progress lines a test can wait for."""

    def __init__(self, tree: Path) -> None:
        self.tree = tree
        self.process = start_make(tree)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_until_running(self, steps: dict[str, str], timeout: float = 600) -> str:
        """The first step of `steps` seen running: Snakemake announced it and its last output
        is not written yet. Waits on the build's own lines, no fixed delay."""
        deadline = time.monotonic() + timeout
        started = [rule for rule in steps if f"localrule {rule}:" in self.output]
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                line = ""
            if line is None:
                pytest.fail(f"the build ended before any of {sorted(steps)} ran:\n{self.text}")
            if line:
                self.output.append(line)
                started += [rule for rule in steps if line == f"localrule {rule}:"]
            for rule in started:
                if not (self.tree / steps[rule]).exists():
                    return rule
        pytest.fail(f"none of {sorted(steps)} was seen running:\n{self.text}")

    def says(self, text: str) -> bool:
        """Whether the build has printed a line containing `text` (reads what it printed so far,
        waiting at most a second)."""
        try:
            line = self.lines.get(timeout=1)
        except queue.Empty:
            line = ""
        if line:
            self.output.append(line)
        return any(text in seen for seen in self.output)

    def signal(self, number: int) -> None:
        os.killpg(self.process.pid, number)  # the build's own process group, nothing else

    def finish(self, timeout: float = 900) -> int:
        returncode = self.process.wait(timeout=timeout)
        self.reader.join(timeout=30)
        while not self.lines.empty():
            line = self.lines.get()
            if line is not None:
                self.output.append(line)
        return returncode

    @property
    def text(self) -> str:
        return "\n".join(self.output)


def up_to_date(tree: Path) -> bool:
    """`make --question`: 0 when `make` would do nothing, 1 when it would build."""
    completed = make(tree, "--question")
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode == 0


def interrupted(tree: Path, steps: dict[str, str], number: int) -> tuple[str, RunningBuild]:
    """Start `make`, send `number` once one of `steps` runs; the step and the ended build."""
    build = RunningBuild(tree)
    rule = build.wait_until_running(steps)
    build.signal(number)
    returncode = build.finish()
    assert returncode != 0, f"interrupted in {rule}, the build reported success\n{build.text}"
    assert "Traceback" not in build.text, build.text
    assert not (tree / STAMP).exists(), f"interrupted in {rule}, yet stamped as finished"
    assert not up_to_date(tree), f"after the interruption in {rule}, make would do nothing"
    return rule, build


def waiting_and_holding(builds: list[RunningBuild], timeout: float = 600) -> list[RunningBuild]:
    """The two builds started at once, as [the one that waits, the one that holds the lock]."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for index, build in enumerate(builds):
            if build.says(WAITING):
                return [build, builds[1 - index]]
    pytest.fail("neither build said it waits:\n" + "\n\n".join(build.text for build in builds))


def test_interrupted_builds_resume_and_two_at_once_take_turns(built, tmp_path):
    clean_results = snapshot(built.parent / "results-as-built")
    tree = copy_sources(tmp_path / "tree")

    # Ctrl-C while a cleaning notebook runs. Snakemake may let a step that is about to end
    # write its output; what must hold is that the next build resumes to a clean build's bytes.
    _, first = interrupted(tree, NOTEBOOKS, signal.SIGINT)
    assert "make: interrupted; run make again to resume" in first.text, first.text

    # Two `make`s at once: one waits for the other, which is killed outright while a figure is
    # drawn, leaving Snakemake's lock behind. The one that waited then removes that lock,
    # redoes the figure and finishes the build.
    waiting, holding = waiting_and_holding([RunningBuild(tree), RunningBuild(tree)])
    rule = holding.wait_until_running(FIGURE_STEPS)
    holding.signal(signal.SIGKILL)
    assert holding.finish() != 0, f"killed in {rule}, the build reported success"
    assert waiting.finish() == 0, waiting.text
    assert "removed the lock of an interrupted earlier build" in waiting.text, waiting.text
    # the killed step had not finished: the build that waited ran it again
    assert f"localrule {rule}:" in waiting.output, waiting.text
    assert not any("Traceback" in build.text for build in (holding, waiting))

    assert leftovers(tree / "results") == []
    rebuilt = snapshot(tree / "results")
    assert sorted(rebuilt) == sorted(clean_results)
    assert [name for name in clean_results if rebuilt[name] != clean_results[name]] == []
    assert (tree / STAMP).is_file()
    assert up_to_date(tree)
