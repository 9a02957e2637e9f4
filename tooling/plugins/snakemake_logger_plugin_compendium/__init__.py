"""The terminal view of `make`: a Snakemake logger plugin (`snakemake --logger compendium`).

Snakemake finds it as a top-level package `snakemake_logger_plugin_<name>` (tooling.console puts
this folder on the path) and hands it log records with their fields, not their printed form. It
shows one line per step as it starts (`localrule values:`); a failed step's `error:` lines as the
step wrote them in its log (tooling.steps; the log is where a step reports, locally or on a
cluster node); Snakemake's own errors, one line each, when no step failed; and one closing line.
Everything else stays in Snakemake's complete log under `.snakemake/log/`.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

FULL_LOG = ".snakemake/log/"
RESUME = "run make again to resume (finished steps are kept, unfinished ones are redone)"


class LogHandler(LogHandlerBase):
    writes_to_stream = True
    writes_to_file = False
    has_filter = True  # everything it needs is chosen in `emit`, by event
    has_formatter = True
    needs_rulegraph = False

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self.total = self.done = 0
        self.failed: dict[str, list[str]] = {}  # rule: its logs
        self.problems: list[str] = []  # Snakemake's own errors, in one line each
        self.interrupted = self.closed = self.workflow_started = False
        self._watch_interrupt()

    def _watch_interrupt(self) -> None:
        """Ctrl-C ends Snakemake quietly (KeyboardInterrupt would print a traceback from
        wherever Snakemake happens to be), and the closing line says so.

        Once its scheduler runs, Ctrl-C takes the scheduler's own graceful stop, its SIGTERM
        handler: it ends once its running steps are gone (make's launcher stops them), and
        nothing is raised inside its event loop, whose shutdown could print a traceback.
        Before, SystemExit ends start-up. The launcher starts Snakemake with SIGINT blocked, so
        a Ctrl-C pressed during start-up is delivered here, now. Raised inside a callback
        Python cannot stop (a weak reference's, a finaliser's), the exit would be printed as
        "Exception ignored" with a traceback and lost: it is raised again, elsewhere.
        """
        unraisable = sys.unraisablehook

        def interrupted(*_) -> None:
            self.interrupted = True
            stop_scheduler = signal.getsignal(signal.SIGTERM)
            if not callable(stop_scheduler):
                raise SystemExit(130)
            stop_scheduler(signal.SIGTERM, None)

        def raise_again(report) -> None:
            if report.exc_type is SystemExit and self.interrupted:  # from outside the callback
                # to the main thread itself: a signal another thread receives would wait until
                # the main thread wakes from whatever it is blocked in
                main = threading.main_thread().ident
                threading.Timer(0.1, signal.pthread_kill, [main, signal.SIGINT]).start()
            else:
                unraisable(report)

        with suppress(ValueError):  # not the main thread: no Ctrl-C to watch
            signal.signal(signal.SIGINT, interrupted)
            sys.unraisablehook = raise_again
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def say(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "event", None)
        if event == LogEvent.WORKFLOW_STARTED:
            self.workflow_started = True
        elif event == LogEvent.JOB_INFO:
            kind = "checkpoint" if getattr(record, "is_checkpoint", False) else "rule"
            local = "local" if getattr(record, "local", False) else ""
            self.say(f"{local}{kind} {record.rule_name}:")
        elif event == LogEvent.RUN_INFO:
            self.total = record.stats.get("total", 0)
        elif event == LogEvent.PROGRESS:
            self.done = record.done
        elif event == LogEvent.JOB_ERROR:
            self.failed[record.rule_name] = list(record.log)
            if not self.interrupted:
                for line in messages_in(record.log):
                    self.say(line)
        elif event == LogEvent.ERROR or (event is None and record.levelno >= logging.ERROR):
            self.problems.append(one_line(record.getMessage()))
        elif event is None and record.levelno == logging.WARNING:
            self.say(f"warning: {one_line(record.getMessage())}")

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.say(self.closing_line())
        super().close()

    def closing_line(self) -> str:
        if self.interrupted:
            return f"make: interrupted; {RESUME}"
        if self.failed:
            logs = [log for logs in self.failed.values() for log in logs]
            return (
                f"make: the build stopped in {', '.join(self.failed)}; "
                f"details in {', '.join([*logs, FULL_LOG])}"
            )
        if self.problems:
            for problem in dict.fromkeys(self.problems):
                self.say(f"error: {problem}")
            return f"make: the build stopped; details in {FULL_LOG}"
        if not self.workflow_started:  # the workflow stopped itself: its errors are above
            return "make: the build stopped before any step ran"
        if not self.total:
            return "make: nothing to do; every output is up to date"
        if self.done < self.total:
            return f"make: stopped after {self.done} of {self.total} steps; {RESUME}"
        return f"make: done, {self.total} steps in {round(time.monotonic() - self.started)} s"


def messages_in(logs: list[str]) -> list[str]:
    """The `error:` lines a failed step wrote in its logs (tooling.steps.reported_errors)."""
    lines = []
    for log in logs:
        with suppress(OSError):  # a step that failed before it opened its log
            text = Path(log).read_text(encoding="utf-8", errors="replace")
            lines += [line for line in text.splitlines() if line.startswith("error: ")]
    return lines


def one_line(message: str) -> str:
    """Snakemake's message on one line, with paths inside the working directory relative."""
    here = os.getcwd() + os.sep
    return " ".join(message.replace(here, "").split())
