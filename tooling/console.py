"""Entry point of `make`: one build at a time, recovery after an interruption, plain messages.

    python -m tooling.console [--stamp PATH --outputs PATH] SNAKEMAKE-COMMAND...

docs/bad-input.md ("Interruptions") tells what the author sees. The tree lock is an exclusive
`flock`, which the kernel drops when this process ends, however it ends: it is never stale. Under
it nothing else builds, so what an earlier build left (Snakemake's lock, our steps' unfinished
files) is stale and removed. The terminal view is the logger plugin in tooling/plugins/. The
stamp of success (`--stamp`, `--outputs`) is what lets the next `make` skip Snakemake.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from compendium.files import write_text_atomic

STATE = Path(".snakemake")
LOCK = STATE / "make-build.lock"
SNAKEMAKE_LOCKS = STATE / "locks"
RESULTS = Path("results")
#: After Ctrl-C, how long Snakemake may stay up once every step it started is gone. Rarely, its
#: event loop takes the interruption and then waits on for jobs that no longer exist; past this
#: it is ended (its lock and unfinished outputs are cleared by the next `make`, as after a kill).
STOP_GRACE = 15.0
#: Where Snakemake finds make's terminal view: a logger plugin is a top-level package.
PLUGINS = Path(__file__).resolve().parent / "plugins"
INTERRUPTED = 130  # the shell's status for Ctrl-C
RESUME = "run make again to resume (finished steps are kept, unfinished ones are redone)"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def tree_lock(path: Path = LOCK, say: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold an exclusive lock on `path`; if another build holds it, say so and wait."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:  # opened close-on-exec: Snakemake does not inherit it
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("make: another build is running in this tree; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def recover() -> None:
    """Remove Snakemake's lock and what killed steps left; only while holding the tree lock.

    Our steps write `x.partial` beside an output `x` (compendium.files.atomic_output) and work in
    hidden scratch directories beside their outputs (`.paper.pdf-scratch`, `.typst-*`); no step
    has a hidden output of its own.
    """
    locks = sorted(SNAKEMAKE_LOCKS.glob("*"))
    for lock in locks:
        lock.unlink()
    if locks:
        _say("make: removed the lock of an interrupted earlier build")
    removed = []
    for path in sorted([*RESULTS.rglob(".*"), *RESULTS.rglob("*.partial")]):
        if path.is_dir() and path.name.startswith("."):  # not yet removed with its parent
            shutil.rmtree(path)
            removed.append(str(path))
        elif path.is_file() and path.name.endswith(".partial"):
            path.unlink()
            removed.append(str(path))
    if removed:
        names = ", ".join(removed[:3]) + (", …" if len(removed) > 3 else "")
        _say(f"make: removed {len(removed)} unfinished file(s) of an interrupted build: {names}")


def run(
    command: list[str], echo: Callable[[str], None] | None = None, grace: float = STOP_GRACE
) -> int:
    """Run `command` (Snakemake) with make's terminal view; its exit status, or 130 if it was
    interrupted (even when Snakemake stopped cleanly after its running steps).

    Ctrl-C reaches Snakemake directly (same process group), where the logger plugin handles it;
    the steps ignore it (analysis/rules/common.smk) and are stopped here with SIGTERM, which
    ends a Python program without a traceback. With `echo`, Snakemake's stderr goes to it.
    """
    python_path = os.pathsep.join(filter(None, [str(PLUGINS), os.environ.get("PYTHONPATH")]))
    environment = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=python_path)
    command = [command[0], "--logger", "compendium", *command[1:]]
    interrupted = False

    def on_signal(number: int, _) -> None:
        nonlocal interrupted
        interrupted = True
        if number == signal.SIGTERM:  # handled only once Snakemake has started
            process.send_signal(signal.SIGTERM)

    previous = {signal.SIGINT: signal.signal(signal.SIGINT, on_signal)}
    stderr = subprocess.PIPE if echo else None
    # Blocked, not ignored: Snakemake receives a Ctrl-C once its logger is ready for it.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        process = subprocess.Popen(
            command, stderr=stderr, text=True, errors="replace", env=environment
        )
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, on_signal)
    if echo:
        threading.Thread(target=_pass_lines, args=(process.stderr, echo), daemon=True).start()
    idle_since: float | None = None  # interrupted, and no step left
    try:
        while True:
            with suppress(subprocess.TimeoutExpired):
                returncode = process.wait(timeout=0.5)
                break
            if interrupted and not _stop_steps(process.pid):
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > grace:
                    process.kill()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if interrupted and returncode < 0:  # stopped before its logger could say so
        _say(f"make: interrupted; {RESUME}")
    return INTERRUPTED if interrupted else returncode


def _pass_lines(stream, echo: Callable[[str], None]) -> None:
    for line in stream:
        echo(line.rstrip("\n"))


def _stop_steps(snakemake: int) -> int:
    """SIGTERM to every process Snakemake started (its steps and what they started); how many
    were still running. A step that has ended but was not reaped yet (a zombie) is not running:
    counted, it would keep a stuck Snakemake from ever being ended."""
    import psutil  # Snakemake's own dependency

    running = 0
    with suppress(psutil.NoSuchProcess):
        for child in psutil.Process(snakemake).children(recursive=True):
            with suppress(psutil.NoSuchProcess):
                if child.status() != psutil.STATUS_ZOMBIE:
                    child.terminate()
                    running += 1
    return running


def begin_stamp(stamp: Path) -> Path:
    """Remove the stamp (an interrupted or failed build leaves none) and mark the build's start.

    The start is the date of a file written now, not the clock: file dates come from the
    kernel's coarser clock, and make compares file dates with file dates; a source saved while
    Snakemake runs is newer than the stamp, and the next `make` builds again.
    """
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    started = stamp.with_name(stamp.name + ".started")
    started.write_text("")
    return started


def finish_stamp(started: Path, stamp: Path, outputs: Path) -> None:
    """After a successful build: list the files it left under results/ (the Makefile checks
    they are all still there), then date the stamp from the build's start."""
    odd = set(" \t\n:#$%*?[;\\")  # names make cannot carry as words
    files = sorted(
        path.as_posix()
        for path in RESULTS.rglob("*")
        if path.is_file() and not odd.intersection(str(path))
    )
    write_text_atomic(outputs, "".join(f"{name}\n" for name in files))
    os.replace(started, stamp)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.console")
    parser.add_argument("--stamp", type=Path, help="the stamp of a finished build")
    parser.add_argument("--outputs", type=Path, help="where to list that build's outputs")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the Snakemake command")
    arguments = parser.parse_args(argv)
    if not arguments.command or (arguments.stamp is None) != (arguments.outputs is None):
        parser.error("a Snakemake command is needed, and --stamp goes with --outputs")
    try:
        with tree_lock():
            recover()
            started = arguments.stamp and begin_stamp(arguments.stamp)
            returncode = run(arguments.command)
            if started and returncode == 0:
                finish_stamp(started, arguments.stamp, arguments.outputs)
    except KeyboardInterrupt:  # while waiting for the other build
        _say("make: interrupted")
        return INTERRUPTED
    # killed by a signal: the shell's convention
    return 128 - returncode if returncode < 0 else returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
