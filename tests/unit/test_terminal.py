"""make's terminal view, without a build: the logger plugin Snakemake loads, the steps' one-line
errors, and the lock that lets one build at a time into a tree.

The plugin is checked against the logger-plugin interface's own test suite (records as Snakemake
makes them) and for what the author sees: one line per step, a failed step's message once,
one closing line. The end-to-end cases (tests/build/test_bad_sources.py) run it inside Snakemake.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from snakemake_interface_logger_plugins.common import LogEvent
from snakemake_interface_logger_plugins.tests import MockOutputSettings, TestLogHandlerBase

from tests.workflow import ROOT
from tooling import console

sys.path.insert(0, str(console.PLUGINS))
from snakemake_logger_plugin_compendium import LogHandler


@pytest.fixture(autouse=True)
def _keep_pytest_ctrl_c():
    """The plugin takes over Ctrl-C in the process that loads it: give it back to pytest."""
    previous = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, previous)


class TestTheInterface(TestLogHandlerBase):
    """Every event Snakemake sends is taken without error (the interface's own tests)."""

    __test__ = True

    def get_log_handler_cls(self):
        return LogHandler

    def get_log_handler_settings(self):
        return None


#: The start of a stand-in Snakemake process: make's terminal view, loaded as Snakemake loads it.
WITH_THE_VIEW = """
import os, signal, sys, threading, time, weakref
sys.path.insert(0, sys.argv[1])
from snakemake_interface_logger_plugins.tests import MockOutputSettings
from snakemake_logger_plugin_compendium import LogHandler

view = LogHandler(common_settings=MockOutputSettings(), settings=None)
"""


def run_with_the_view(body: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITH_THE_VIEW + body, str(console.PLUGINS)],
        capture_output=True,
        text=True,
        timeout=60,
    )


#: Ctrl-C while Python runs a callback whose exceptions it ignores (a weak reference's).
CTRL_C_IN_A_CALLBACK = """
class Thing:
    pass
def callback(_):
    os.kill(os.getpid(), signal.SIGINT)
    sum(range(100_000))
thing = Thing()
reference = weakref.ref(thing, callback)
try:
    del thing
    time.sleep(10)
except SystemExit as stop:
    print("stopped", stop.code)
"""


def test_ctrl_c_during_a_callback_still_stops_snakemake_without_a_traceback():
    completed = run_with_the_view(CTRL_C_IN_A_CALLBACK)
    assert completed.stdout == "stopped 130\n"
    assert "Traceback" not in completed.stderr and "Exception ignored" not in completed.stderr


#: Ctrl-C once a scheduler has put its graceful stop on SIGTERM, as Snakemake's does.
CTRL_C_WHILE_SCHEDULING = """
asked_to_stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: asked_to_stop.set())
try:
    os.kill(os.getpid(), signal.SIGINT)
    print("asked to stop" if asked_to_stop.wait(5) else "not asked")
    print("still scheduling")
except SystemExit as stop:
    print("stopped", stop.code)
view.close()
"""


def test_ctrl_c_while_scheduling_takes_the_schedulers_graceful_stop():
    completed = run_with_the_view(CTRL_C_WHILE_SCHEDULING)
    # nothing raised in the scheduler's middle: it stops itself, and the view says interrupted
    assert completed.stdout == "asked to stop\nstill scheduling\n"
    assert "make: interrupted; run make again to resume" in completed.stderr
    assert "Traceback" not in completed.stderr


def handler() -> LogHandler:
    return LogHandler(common_settings=MockOutputSettings(), settings=None)


def record(event: LogEvent | None, message: str = "", level: int = logging.INFO, **fields):
    made = logging.LogRecord("snakemake", level, "x.py", 1, message, (), None)
    if event is not None:
        made.event = event
    made.__dict__.update(fields)
    return made


def job(name: str, jobid: int) -> logging.LogRecord:
    return record(LogEvent.JOB_INFO, rule_name=name, jobid=jobid, local=True, is_checkpoint=False)


def shown(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_a_build_shows_one_line_per_step_and_a_closing_line(capsys):
    view = handler()
    view.emit(record(LogEvent.WORKFLOW_STARTED))
    view.emit(record(None, "Building DAG of jobs..."))
    view.emit(
        record(LogEvent.RUN_INFO, "Job stats: ...", stats={"values": 1, "all": 1, "total": 2})
    )
    view.emit(job("values", 1))
    view.emit(record(LogEvent.PROGRESS, done=1, total=2))
    view.emit(job("all", 0))
    view.emit(record(LogEvent.PROGRESS, done=2, total=2))
    view.close()
    lines = shown(capsys)
    assert lines[:2] == ["localrule values:", "localrule all:"]
    assert len(lines) == 3 and lines[2].startswith("make: done, 2 steps in ")


def test_nothing_to_do_says_so(capsys):
    view = handler()
    view.emit(record(LogEvent.WORKFLOW_STARTED))
    view.emit(record(None, "Nothing to be done (all requested files are present and up to date)."))
    view.close()
    assert shown(capsys) == ["make: nothing to do; every output is up to date"]


def test_a_failed_step_shows_its_message_once_and_where_its_log_is(tmp_path, capsys):
    log = tmp_path / "values.log"
    message = "error: results/data/cases.csv:4: case_id: no such case"
    log.write_text(f"a warning a library printed\n{message}\n", encoding="utf-8")
    view = handler()
    view.emit(record(LogEvent.WORKFLOW_STARTED))
    view.emit(record(LogEvent.RUN_INFO, stats={"values": 1, "total": 1}))
    view.emit(job("values", 1))
    rule_exception = "RuleException:\nCalledProcessError in file x.smk, line 3:\nCommand ..."
    view.emit(record(LogEvent.ERROR, rule_exception, logging.ERROR, exception="RuleException"))
    view.emit(record(LogEvent.JOB_ERROR, "", logging.ERROR, rule_name="values", log=[str(log)]))
    view.emit(record(None, "Exiting because a job execution failed.", logging.ERROR))
    view.close()
    view.close()  # Snakemake closes its handlers more than once
    assert shown(capsys) == [
        "localrule values:",
        message,
        f"make: the build stopped in values; details in {log}, .snakemake/log/",
    ]


def test_an_error_of_snakemake_itself_is_one_line(capsys):
    view = handler()
    text = f'SyntaxError in file "{Path.cwd()}/analysis/rules/x.smk", line 7:\n  bad rule\n'
    view.emit(record(LogEvent.ERROR, text, logging.ERROR, exception="SyntaxError"))
    view.close()
    assert shown(capsys) == [
        'error: SyntaxError in file "analysis/rules/x.smk", line 7: bad rule',
        "make: the build stopped; details in .snakemake/log/",
    ]


# -------------------------------------------------------------------------------------------------
# A step's own failure, told once in its log


STEP = """
import sys
from tooling.steps import reported_errors

with reported_errors(sys.argv[1]):
    print("a library's warning", file=sys.stderr)
    {body}
"""


def run_step(tmp_path: Path, body: str) -> tuple[subprocess.CompletedProcess, str]:
    script = tmp_path / "step.py"
    script.write_text(STEP.format(body=body), encoding="utf-8")
    log = tmp_path / "step.log"
    log.write_text("error: an old message of an earlier run\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, str(script), str(log)],
        cwd=tmp_path,  # the tree the step runs in
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{ROOT / 'analysis'}:{ROOT}", "PATH": "/usr/bin:/bin"},
    )
    return completed, log.read_text(encoding="utf-8")


def test_a_build_error_goes_to_the_log_in_one_line_and_nothing_to_the_terminal(tmp_path):
    body = (
        "from compendium.errors import BuildError\n"
        '    raise BuildError("bad", file="x.csv", line=2)'
    )
    completed, log = run_step(tmp_path, body)
    assert completed.returncode == 1
    assert completed.stderr == ""
    assert log.splitlines() == ["a library's warning", "error: x.csv:2: bad"]


def test_an_unexpected_exception_is_one_line_at_its_place_with_the_traceback_in_the_log(tmp_path):
    completed, log = run_step(tmp_path, 'raise ValueError("two ends:\\n  one missing")')
    assert completed.returncode == 1
    assert completed.stderr == ""
    errors = [line for line in log.splitlines() if line.startswith("error: ")]
    assert errors == [  # the place in the tree that raised it: line 7 of step.py
        f"error: step.py:7: unexpected ValueError: two ends: one missing "
        f"(traceback in {tmp_path / 'step.log'})"
    ]
    assert "Traceback (most recent call last):" in log


# -------------------------------------------------------------------------------------------------
# One build at a time: a second one says so and waits


HOLD = """
import sys
from pathlib import Path
from tooling.console import tree_lock

with tree_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_a_second_build_in_the_tree_says_so_and_waits_for_the_first(tmp_path):
    lock = tmp_path / ".snakemake" / "make-build.lock"
    first = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert first.stdout.readline() == "holding\n"
    said: list[str] = []
    entered = threading.Event()

    def second() -> None:
        with console.tree_lock(lock, say=said.append):
            entered.set()

    waiting = threading.Thread(target=second)
    waiting.start()
    assert not entered.wait(timeout=1.0)  # the first build still holds the tree
    assert said == ["make: another build is running in this tree; waiting for it to finish"]
    first.communicate("done\n", timeout=30)  # the first build ends
    assert entered.wait(timeout=30)
    waiting.join()


def test_the_lock_dies_with_a_killed_build(tmp_path):
    lock = tmp_path / ".snakemake" / "make-build.lock"
    first = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert first.stdout.readline() == "holding\n"
    first.kill()
    first.wait()
    said: list[str] = []
    with console.tree_lock(lock, say=said.append):
        pass
    assert said == []


# -- Ctrl-C reaches a Snakemake that then hangs ----------------------------------------------

#: A stand-in for Snakemake (SYNTHETIC) that takes Ctrl-C and then waits on, with no step left:
#: what a Snakemake whose event loop swallowed the interruption does.
STUCK = """#!{python}
import signal, subprocess, sys, time
signal.signal(signal.SIGINT, lambda *_: None)
if "--zombie" in sys.argv:  # a step that has ended but was never waited for: a zombie
    step = subprocess.Popen([sys.executable, "-c", "pass"], stdout=subprocess.PIPE)
    step.stdout.read()
print("ready", flush=True)
while True:
    time.sleep(1)
"""

RUN = """
import sys
from tooling import console
sys.exit(console.run(sys.argv[1:-1], grace=float(sys.argv[-1])))
"""


@pytest.mark.parametrize("leftover", ["", "--zombie"], ids=["no-step", "a-zombie-step"])
def test_after_ctrl_c_a_snakemake_left_without_steps_is_ended_and_make_says_interrupted(
    tmp_path, leftover
):
    # A step that has ended is no step left, even while Snakemake has not reaped it.
    stuck = tmp_path / "stuck-build"
    stuck.write_text(STUCK.format(python=sys.executable), encoding="utf-8")
    stuck.chmod(0o755)
    build = subprocess.Popen(
        [sys.executable, "-c", RUN, str(stuck), *filter(None, [leftover]), "0.5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stdout.readline() == "ready\n"
    build.send_signal(signal.SIGINT)  # the console's Ctrl-C; the stand-in ignores its own
    try:
        _, stderr = build.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        build.kill()
        pytest.fail("the console kept waiting for a Snakemake that had nothing left to do")
    assert build.returncode == console.INTERRUPTED
    assert "make: interrupted; run make again to resume" in stderr
