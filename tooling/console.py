"""Entry point of `make`: one build at a time, recovery after an interruption, plain messages.

    python -m tooling.console [--lock PATH] [--stamp PATH --outputs PATH] [--] SNAKEMAKE-COMMAND...

What it adds around Snakemake:

- **One build per tree.** It holds an exclusive `flock` on `.snakemake/make-build.lock` while
  Snakemake runs; a second `make` in the same tree says so and waits for the first to finish.
  The kernel drops the lock when this process ends, however it ends: no stale lock is possible.
- **Recovery.** Under that lock nothing else is building, so whatever an earlier build left
  behind can only be stale: Snakemake's own lock (SIGKILL leaves it, and Snakemake would refuse
  to start until `snakemake --unlock`) and half-written files of our steps (`*.partial`, and
  the hidden scratch directories of the renderers under `results/`). They are removed;
  outputs of an interrupted job are redone because the Makefile passes `--rerun-incomplete`.
- **Make's terminal view.** Snakemake runs with the logger plugin in tooling/plugins/: one line
  per step, the failed step's own `error: file:line: field: message`, one closing line. Steps
  write everything else to their logs; Snakemake keeps its complete log in `.snakemake/log/`.
- **Ctrl-C without tracebacks.** Steps ignore SIGINT; this process stops them with SIGTERM.
- **A stamp of success** (`--stamp`, `--outputs`): what lets the next `make` skip Snakemake when
  nothing changed (tooling.build_stamp).
"""

from __future__ import annotations

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

from tooling import build_stamp

STATE = Path(".snakemake")
LOCK = STATE / "make-build.lock"
SNAKEMAKE_LOCKS = STATE / "locks"
RESULTS = Path("results")
#: After Ctrl-C, how long Snakemake may stay up once every step it started is gone. Rarely, its
#: event loop takes the interruption and then waits on for jobs that no longer exist; past this
#: it is ended (its lock and unfinished outputs are cleared by the next `make`, as after a kill).
STOP_GRACE = 15.0

#: What our steps write while they work: `x.partial` next to the output `x`
#: (compendium.files.atomic_output), and hidden scratch directories beside the output
#: (`.paper.pdf-scratch`, `.typst-*`, `.quarto-*`). No step has a hidden output of its own.
SCRATCH_FILES = ("*.partial",)
SCRATCH_DIRECTORIES = (".*",)


# -------------------------------------------------------------------------------------------------
# One build at a time, and what an interrupted build leaves behind


@contextmanager
def tree_lock(path: Path = LOCK, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path`; if another build holds it, say so and wait."""
    say = say or _say
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:  # opened close-on-exec: Snakemake does not inherit it
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("make: another build is running in this tree; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_locks() -> list[Path]:
    """Snakemake's lock files; only call this while holding the tree lock."""
    removed = []
    if SNAKEMAKE_LOCKS.is_dir():
        for lock in sorted(SNAKEMAKE_LOCKS.iterdir()):
            lock.unlink()
            removed.append(lock)
    return removed


def remove_scratch(results: Path = RESULTS) -> list[Path]:
    """Half-written files and scratch directories of steps that were killed."""
    removed: list[Path] = []
    if not results.is_dir():
        return removed
    for pattern in SCRATCH_DIRECTORIES:
        for directory in sorted(results.rglob(pattern)):
            if directory.is_dir():
                shutil.rmtree(directory)
                removed.append(directory)
    for pattern in SCRATCH_FILES:
        for file in sorted(results.rglob(pattern)):
            if file.is_file():
                file.unlink()
                removed.append(file)
    return removed


def recover(say: Callable[[str], None] | None = None) -> None:
    say = say or _say
    if remove_stale_locks():
        say("make: removed the lock of an interrupted earlier build")
    scratch = remove_scratch()
    if scratch:
        names = ", ".join(str(path) for path in scratch[:3]) + (", …" if len(scratch) > 3 else "")
        say(f"make: removed {len(scratch)} unfinished file(s) of an interrupted build: {names}")


# -------------------------------------------------------------------------------------------------
# Running Snakemake


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


#: Where Snakemake finds make's terminal view: a logger plugin is a top-level package.
PLUGINS = Path(__file__).resolve().parent / "plugins"
INTERRUPTED = 130  # the shell's status for Ctrl-C
RESUME = "run make again to resume (finished steps are kept, unfinished ones are redone)"


def run(
    command: list[str], echo: Callable[[str], None] | None = None, grace: float = STOP_GRACE
) -> int:
    """Run `command` (Snakemake) with make's terminal view; its exit status, or 130 if it was
    interrupted (even when Snakemake stopped cleanly after its running steps).

    Ctrl-C reaches Snakemake directly (same process group), where the logger plugin handles
    it; the steps ignore it (the shell prefix in analysis/rules/common.smk) and are stopped
    here with SIGTERM, which ends a Python program without a traceback. SIGTERM to this
    process is passed on to Snakemake, and the steps are stopped alike. With `echo`, every
    line Snakemake writes to stderr goes to it (the preview's page) instead.
    """
    environment = dict(os.environ, PYTHONUNBUFFERED="1")
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PLUGINS), environment.get("PYTHONPATH")])
    )
    command = [command[0], "--logger", "compendium", *command[1:]]
    interrupted = False

    def on_interrupt(*_) -> None:
        nonlocal interrupted
        interrupted = True

    previous = {signal.SIGINT: signal.signal(signal.SIGINT, on_interrupt)}
    stderr = subprocess.PIPE if echo else None
    # Blocked, not ignored: Snakemake receives a Ctrl-C once its logger is ready for it.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        process = subprocess.Popen(
            command, stderr=stderr, text=True, errors="replace", env=environment
        )
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def on_terminate(*_) -> None:
        on_interrupt()
        process.send_signal(signal.SIGTERM)

    previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, on_terminate)
    if echo:
        threading.Thread(target=_pass_lines, args=(process.stderr, echo), daemon=True).start()
    idle_since: float | None = None  # interrupted, and no step left
    try:
        while (returncode := _wait(process, 0.5)) is None:
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


def _wait(process: subprocess.Popen, seconds: float) -> int | None:
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


def _stop_steps(snakemake: int) -> int:
    """SIGTERM to every process Snakemake started (its steps and what they started); how many
    there were."""
    import psutil  # Snakemake's own dependency

    try:
        children = psutil.Process(snakemake).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    for child in children:
        with suppress(psutil.NoSuchProcess):
            child.terminate()
    return len(children)


def main(argv: list[str]) -> int:
    options = {"--lock": str(LOCK), "--stamp": None, "--outputs": None}
    while argv[:1] and argv[0] in options and len(argv) > 1:
        options[argv[0]], argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv or bool(options["--stamp"]) != bool(options["--outputs"]):
        _say(
            "usage: python -m tooling.console [--lock PATH] [--stamp PATH --outputs PATH] "
            "[--] SNAKEMAKE-COMMAND..."
        )
        return 2
    stamp = Path(options["--stamp"]) if options["--stamp"] else None
    try:
        with tree_lock(Path(options["--lock"])):
            recover()
            started = build_stamp.begin(stamp) if stamp else None
            returncode = run(argv)
            if started and returncode == 0:
                build_stamp.finish(started, stamp, Path(options["--outputs"]))
    except KeyboardInterrupt:  # while waiting for the other build
        _say("make: interrupted")
        return INTERRUPTED
    if returncode < 0:  # killed by a signal: the shell's convention
        return 128 - returncode
    return returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
