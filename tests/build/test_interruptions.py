"""Interrupted builds: Ctrl-C (SIGINT) in the middle of a cleaning notebook and a hard kill
(SIGKILL) in the middle of a figure script, each followed by `make` again; and two builds
started at once in one tree. Every scenario must end with the same bytes as a clean build.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.build.launcher import launch, leftovers, snapshot, start
from tests.workflow import FIGURES, copy_sources, copy_tree

#: Steps of each kind and the output each writes last (so: absent while the step runs).
STEPS = {
    "notebook": {
        "clean_dates": "results/notebooks/clean_dates.ipynb",
        "clean_quantities": "results/notebooks/clean_quantities.ipynb",
        "clean_coding": "results/notebooks/clean_coding.ipynb",
    },
    "figure": {name.replace("-", "_"): f"results/figures/{name}.svg" for name in FIGURES},
    "render": {"render": "results/paper.html"},
}


class RunningBuild:
    """A build started through the launcher, whose progress lines a test can wait for."""

    def __init__(self, tree: Path) -> None:
        self.tree = tree
        self.process = start(tree)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_until_running(self, steps: dict[str, str], timeout: float = 300) -> str:
        """The first step of `steps` seen running (started, its output not yet written)."""
        deadline = time.monotonic() + timeout
        started: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                line = ""
            if line is None:
                pytest.fail(f"the build ended before any of {sorted(steps)} ran:\n{self.text}")
            if line:
                self.output.append(line)
                for rule in steps:
                    if line == f"localrule {rule}:" and rule not in started:
                        started.append(rule)
            for rule in started:
                if not (self.tree / steps[rule]).exists():
                    return rule  # started by Snakemake, its last output not yet written
        pytest.fail(f"none of {sorted(steps)} was seen running:\n{self.text}")

    def signal(self, number: int) -> None:
        os.killpg(self.process.pid, number)  # the build's own process group, nothing else

    def finish(self, timeout: float = 600) -> int:
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


@pytest.fixture(scope="module")
def clean_results(built) -> dict[str, bytes]:
    """The session build's results as the build wrote them (other tests add files later)."""
    return snapshot(built.parent / "results-as-built")


@pytest.mark.parametrize(
    ("signal_number", "kind"),
    [(signal.SIGINT, "notebook"), (signal.SIGKILL, "figure")],
    ids=["SIGINT-in-a-notebook", "SIGKILL-in-a-figure"],
)
def test_an_interrupted_build_resumes_to_identical_outputs(
    tmp_path, clean_results, signal_number, kind
):
    tree = copy_sources(tmp_path / "tree")
    steps = STEPS[kind]
    build = RunningBuild(tree)
    rule = build.wait_until_running(steps)
    build.signal(signal_number)
    returncode = build.finish()
    assert returncode != 0, f"{kind}: the interrupted build reported success\n{build.text}"
    if signal_number == signal.SIGKILL:
        assert not (tree / steps[rule]).exists(), f"{rule} finished before it was killed"
    # After Ctrl-C Snakemake may let a step that is about to end write its output; what must
    # hold either way is that the next build resumes to the bytes of a clean build.
    assert "Traceback" not in build.text, build.text
    if signal_number == signal.SIGINT:
        assert "make: interrupted; run make again to resume" in build.text, build.text

    resumed = launch(tree)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Traceback" not in resumed.stderr
    if signal_number == signal.SIGKILL:
        assert "removed the lock of an interrupted earlier build" in resumed.stderr
    assert leftovers(tree / "results") == []
    rebuilt = snapshot(tree / "results")
    assert sorted(rebuilt) == sorted(clean_results)
    different = [name for name in clean_results if rebuilt[name] != clean_results[name]]
    assert different == [], f"interrupted in {rule}; differ from a clean build: {different}"


def test_two_builds_at_once_in_one_tree_take_turns(built, tmp_path, clean_results):
    tree = copy_tree(built, tmp_path / "tree")
    shutil.rmtree(tree / "results")  # as built, without what other tests added since
    shutil.copytree(built.parent / "results-as-built", tree / "results")
    # Work for the first build to do while the second one waits: figures and the paper.
    shutil.rmtree(tree / "results" / "figures")
    for paper in (tree / "results").glob("paper.*"):
        paper.unlink()
    first, second = RunningBuild(tree), RunningBuild(tree)
    assert first.finish() == 0, first.text
    assert second.finish() == 0, second.text
    waited = [
        build
        for build in (first, second)
        if "another build is running in this tree; waiting for it to finish" in build.text
    ]
    assert len(waited) == 1, (first.text, second.text)
    assert "make: nothing to do; every output is up to date" in waited[0].text
    assert leftovers(tree / "results") == []
    assert snapshot(tree / "results") == clean_results
