"""The notebook runner (tooling.notebooks) with real kernels: errors arrive as the kernel
reports them, and kernels started side by side, as two cleaning steps do, all answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil
import pytest

from compendium.errors import BuildError
from tests.workflow import ROOT
from tooling.notebooks import execute

NOTEBOOK = """\
# %% tags=["parameters"]
inputs = {}
outputs = {}

# %%
from pathlib import Path

Path(outputs["text"]).write_text(str(sum(range(inputs["n"]))), encoding="utf-8")
"""


def write_notebook(folder: Path, extra: str = "") -> Path:
    source = folder / "notebook.py"
    source.write_text(NOTEBOOK + extra, encoding="utf-8")
    return source


def run(folder: Path, n: int, source: Path | None = None) -> str:
    source = source or write_notebook(folder)
    output = folder / f"out-{n}.txt"
    execute(
        source,
        folder / f"run-{n}.ipynb",
        {"inputs": {"n": n}, "outputs": {"text": str(output)}},
        root=folder,
    )
    return output.read_text(encoding="utf-8")


def test_a_failing_cell_is_named_by_the_kernels_error(tmp_path):
    source = write_notebook(tmp_path, "\n# %%\nundefined_name_in_a_cell\n")
    with pytest.raises(BuildError) as raised:
        run(tmp_path, 3, source)
    assert str(raised.value) == (
        f"{source}: NameError: name 'undefined_name_in_a_cell' is not defined"
    )
    assert not (tmp_path / "run-3.ipynb").exists()


def test_our_own_error_in_a_notebook_keeps_its_location(tmp_path):
    raising = (
        "\n# %%\nfrom compendium.errors import BuildError\n"
        "raise BuildError('is not a day', file='data/raw/events.csv', line=7, field='date_coded')\n"
    )
    with pytest.raises(BuildError) as raised:
        run(tmp_path, 3, write_notebook(tmp_path, raising))
    assert str(raised.value) == "data/raw/events.csv:7: date_coded: is not a day"


def test_kernels_started_two_at_a_time_all_answer(tmp_path):
    """Six notebook runs, two kernels starting at once throughout (the two cores of the
    machines the build is made for); every run ends with its own result."""
    runs = range(6)
    folders = [tmp_path / f"run{n}" for n in runs]
    for folder in folders:
        folder.mkdir()
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, folders, runs))
    assert results == [str(sum(range(n))) for n in runs]


#: A step that runs a notebook (SYNTHETIC), as Snakemake starts one: Ctrl-C ignored.
STEP = """
import signal, sys
from pathlib import Path
from tooling.notebooks import execute
signal.signal(signal.SIGINT, signal.SIG_IGN)
source = Path(sys.argv[1])
execute(source, source.with_suffix(".ipynb"), {"inputs": {}, "outputs": {}}, root=source.parent)
"""


@pytest.mark.parametrize("when", ["starting", "running"])
def test_a_step_stopped_by_sigterm_ends_without_a_traceback(tmp_path, when):
    # The console ends a running step with SIGTERM. nbclient takes that signal to shut its
    # kernel down, and the wait it interrupts must not surface as a traceback.
    fifo = tmp_path / "ready"
    os.mkfifo(fifo)
    source = tmp_path / "blocking.py"
    source.write_text(
        '# %% tags=["parameters"]\ninputs = {}\n\n# %%\nimport threading\n'
        f"with open({str(fifo)!r}, 'w') as ready:\n    ready.write('ready')\n"
        "threading.Event().wait()\n",
        encoding="utf-8",
    )
    step = subprocess.Popen(
        [sys.executable, "-c", STEP, str(source)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if when == "running":
        assert fifo.read_text() == "ready"  # the cell runs: the kernel has answered
    else:
        while not psutil.Process(step.pid).children():  # the kernel is being started
            pass
    step.send_signal(signal.SIGTERM)
    try:
        _, stderr = step.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        step.kill()
        pytest.fail("the step went on after SIGTERM")
    assert step.returncode != 0
    assert "Traceback" not in stderr, stderr
    assert not source.with_suffix(".ipynb").exists()
