"""Entry point of `make`: one build at a time, recovery after an interruption, plain messages.

    python -m tooling.console [--lock PATH] [--stamp PATH --outputs PATH] [--] SNAKEMAKE-COMMAND...

What it adds around Snakemake:

- **One build per tree.** It holds an exclusive lock on `.snakemake/make-build.lock` while
  Snakemake runs; a second `make` in the same tree says so and waits for the first to finish.
- **Recovery.** Under that lock nothing else is building, so whatever an earlier build left
  behind can only be stale: Snakemake's own lock (SIGKILL leaves it, and Snakemake would refuse
  to start until `snakemake --unlock`) and half-written files of our steps (`*.partial`, and
  the hidden scratch directories of the renderers under `results/`). They are removed;
  outputs of an interrupted job are redone because the Makefile passes `--rerun-incomplete`.
- **Messages.** Snakemake's progress is shown as it happens, but a failure is shown as the
  step's own one-line `error: file:line: field: message`, not as Snakemake's blocks of
  exceptions, shell commands and tracebacks. A missing source file, which Snakemake reports
  itself, is turned into the same one-line form (settings are checked by the workflow itself,
  tooling.settings). The whole unfiltered output of the last build is kept in
  `.snakemake/log/make.log`.
- **A stamp of success** (`--stamp`, `--outputs`): what lets the next `make` skip Snakemake when
  nothing changed (tooling.build_stamp).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tooling import build_stamp

STATE = Path(".snakemake")
LOCK = STATE / "make-build.lock"
SNAKEMAKE_LOCKS = STATE / "locks"
FULL_LOG = STATE / "log" / "make.log"
RESULTS = Path("results")

#: What our steps write while they work: `x.partial` next to the output `x`
#: (compendium.files.atomic_output), and hidden scratch directories beside the output
#: (`.typst-*`, `.docx-*`, `.jats-*`, `.quarto-*`). No step has a hidden output of its own.
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
# Snakemake's output, presented


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


#: Snakemake's report of an exception: `Name in [rule r in ]file "path", line n:`.
_EXCEPTION_AT = re.compile(
    r'^(?P<name>[A-Za-z_][\w.]*)(?: in rule (?P<rule>\S+))? in file "?(?P<file>[^",]+)"?'
    r"(?:, line (?P<line>\d+))?:$"
)
#: An exception without a place: `WorkflowError:` alone on its line, message below.
_EXCEPTION_ALONE = re.compile(r"^(?P<name>[A-Za-z_]\w*(?:Error|Exception)):$")
_RULE_FAILED = re.compile(r"^Error in rule (?P<rule>\S+):$")
_JOB_START = re.compile(r"^(?:local)?(?:rule|checkpoint) (?P<rule>\S+):$")
_TRACEBACK_FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+)')

#: Lines that say nothing to an author (Snakemake's banner and internals).
_NOISE = (
    re.compile(r"^Assuming unrestricted shared filesystem usage\.$"),
    re.compile(r"^host: "),
    re.compile(r"^Using shell: "),
    re.compile(r"^Provided cores: "),
    re.compile(r"^Rules claiming more threads will be scaled down\.$"),
    re.compile(r"^Conda environments: ignored$"),
    re.compile(r"^Select jobs to execute\.\.\.$"),
    re.compile(r"^Shutting down, this might take some time\.$"),
    re.compile(r"^Exiting because a job execution failed\. Look above for error messages$"),
    re.compile(r"^Will exit after finishing currently running jobs"),
    re.compile(r"^Complete log\(s\): "),
    re.compile(r"^RuleException:$"),
    re.compile(r"^Command '.*' returned non-zero exit status \d+\.$"),
    re.compile(r"^At least one job did not complete successfully\.$"),
    re.compile(r"^Removing output files of failed job "),
    re.compile(r"^Logfile .* not found\.$"),
    re.compile(r"^\[\w{3} \w{3} +\d+ [\d:]+ \d{4}\]$"),
    re.compile(r"^Execute \d+ jobs\.\.\.$"),
    re.compile(r"^Finished jobid: "),
    re.compile(r"^\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption"),
)
#: pandoc's warnings (fatal with --fail-if-warnings) in the words of the other messages.
_REWORDED = (
    (re.compile(r"\[WARNING\] Could not fetch resource (\S+)"), r"file '\1' not found"),
    (
        re.compile(r"\[WARNING\] Citeproc: citation (\S+) not found"),
        r"citation key '\1' has no entry in the bibliography",
    ),
)
#: Detail lines of a starting job that are kept (the others are in the full log).
_JOB_DETAILS_KEPT = ("output:",)


class Presenter:
    """Reads Snakemake's stderr line by line and writes what the author needs to see.

    Progress (jobs starting, steps done) passes through as it comes. The one-line `error:`
    messages of our steps are shown once each; Snakemake's own failure blocks are dropped or,
    where they carry the only explanation, turned into one `error:` line.
    """

    def __init__(self, write: Callable[[str], None] | None = None) -> None:
        self.write = write or _say
        self.shown: set[str] = set()
        self.failed_rules: list[str] = []
        self.rule_logs: dict[str, str] = {}
        self.mode = "normal"  # or: banner, job, failed-rule, logfile, exception, traceback
        self.block: list[str] = []
        self.block_head: re.Match | None = None
        self.current_failed: str | None = None
        self.interrupted = False

    # -- the author's lines

    def error(self, message: str) -> None:
        message = message.removeprefix("error: ")
        for pattern, replacement in _REWORDED:
            message = pattern.sub(replacement, message)
        line = f"error: {_locate(message.replace(str(Path.cwd().resolve()) + os.sep, ''))}"
        if line not in self.shown:
            self.shown.add(line)
            self.write(line)

    def feed(self, line: str) -> None:
        line = line.rstrip("\n")
        handler = getattr(self, f"_in_{self.mode.replace('-', '_')}")
        handler(line)

    def finish(self, returncode: int) -> None:
        self._flush_block()
        if returncode == 0 and not self.interrupted:
            return
        if self.interrupted or returncode in (-signal.SIGINT, 130):
            self.write(
                "make: interrupted; run make again to resume (finished steps are kept, "
                "unfinished ones are redone)"
            )
            return
        if not self.shown:
            self.error(f"the build failed (Snakemake exit status {returncode}); see {FULL_LOG}")
        where = [self.rule_logs[rule] for rule in self.failed_rules if rule in self.rule_logs]
        summary = "make: the build stopped"
        if self.failed_rules:
            summary += f" in {', '.join(self.failed_rules)}"
        summary += f"; details in {', '.join([*where, str(FULL_LOG)])}"
        self.write(summary)

    # -- modes

    def _in_normal(self, line: str) -> None:
        if line.startswith("error: "):
            self.error(line)
        elif line == "SNAKEMAKE":
            self.mode = "banner"
        elif line.startswith("Traceback (most recent call last):"):
            self.mode, self.block = "traceback", []
        elif match := _RULE_FAILED.match(line):
            self.current_failed = match["rule"]
            if match["rule"] not in self.failed_rules:
                self.failed_rules.append(match["rule"])
            self.mode = "failed-rule"
        elif line.startswith("Logfile ") and line.endswith(":"):
            self.mode = "logfile"
        elif line.startswith(("Terminating processes on user request", "Cancelling snakemake")):
            self.interrupted = True
        elif any(pattern.search(line) for pattern in _NOISE):
            pass
        elif match := _EXCEPTION_AT.match(line) or _EXCEPTION_ALONE.match(line):
            # A failed step's exit status (CalledProcessError) says nothing its own message
            # has not said: the block is read but not reported.
            head = None if match["name"] == "CalledProcessError" else match
            self.mode, self.block, self.block_head = "exception", [], head
        elif _JOB_START.match(line):
            self.write(line)
            self.mode = "job"
        elif line.strip():
            self.write(line)

    @staticmethod
    def _starts_something(line: str) -> bool:
        """Whether `line` begins a new part of Snakemake's output (ending an exception block)."""
        return bool(
            line.startswith(("error: ", "Traceback (most recent call last):", "Logfile "))
            or line == "SNAKEMAKE"
            or _RULE_FAILED.match(line)
            or _JOB_START.match(line)
            or _EXCEPTION_AT.match(line)
            or _EXCEPTION_ALONE.match(line)
            or line.startswith("Elapsed time:")
            or any(pattern.search(line) for pattern in _NOISE)
        )

    def _in_banner(self, line: str) -> None:
        # "=========" and "  Key: value" lines, up to the first blank line.
        if not line.strip():
            self.mode = "normal"
        elif not (line.startswith("  ") or set(line) == {"="}):
            self.mode = "normal"
            self._in_normal(line)

    def _in_job(self, line: str) -> None:
        if line.startswith("    "):
            if line.strip().startswith(_JOB_DETAILS_KEPT):
                self.write(line)
            return
        self.mode = "normal"
        self._in_normal(line)

    def _in_failed_rule(self, line: str) -> None:
        if line.startswith("    "):
            detail = line.strip()
            if detail.startswith("log: ") and self.current_failed:
                self.rule_logs[self.current_failed] = detail[5:].split(" (")[0]
            return
        self.mode = "normal"
        self._in_normal(line)

    def _in_logfile(self, line: str) -> None:
        # ====, the log's lines, ====: the step's error lines were shown when it printed them.
        if set(line) == {"="} and self.block == ["="]:
            self.mode, self.block = "normal", []
        elif set(line) == {"="}:
            self.block = ["="]
        elif line.startswith("error: "):
            self.error(line)

    def _in_exception(self, line: str) -> None:
        if self.block and self._starts_something(line):
            self._flush_block()
            self._in_normal(line)
        else:
            self.block.append(line)

    def _in_traceback(self, line: str) -> None:
        # Frames are indented; the exception's own lines are not and may run over several
        # lines, up to whatever Snakemake prints next.
        seen_exception = any(not text.startswith((" ", "\t")) for text in self.block if text)
        if line.startswith("Traceback (most recent call last):"):  # two steps failing at once
            if seen_exception:
                self._report_traceback(self.block)
            self.block = []
        elif seen_exception and (self._starts_something(line) or line.startswith("[")):
            self._report_traceback(self.block)
            self.mode, self.block = "normal", []
            self._in_normal(line)
        elif line.startswith(("During handling", "The above exception")):
            self.block = []
        else:
            self.block.append(line)

    # -- turning blocks into one line

    def _flush_block(self) -> None:
        if self.mode == "exception" and self.block_head is not None:
            self._report_exception(self.block_head, [line for line in self.block if line.strip()])
        elif self.mode == "traceback" and self.block:
            self._report_traceback(self.block)
        if self.mode in ("exception", "traceback"):
            self.mode, self.block, self.block_head = "normal", [], None

    def _report_traceback(self, lines: list[str]) -> None:
        """An unexpected exception in a step: where it was raised and what it says.

        Not when the build was interrupted: every running step then stops with a traceback of
        KeyboardInterrupt, which says nothing the author does not know.
        """
        if self.interrupted or any(line.startswith("KeyboardInterrupt") for line in lines):
            return
        frames = [match for line in lines if (match := _TRACEBACK_FRAME.match(line))]
        first = next(
            (index for index, line in enumerate(lines) if line and not line[0].isspace()),
            len(lines),
        )
        problem = " ".join(" ".join(lines[first:]).split()) or "unknown error"
        problem = problem.split("Traceback (most recent call last):")[0].strip()
        where = ""
        ours = [frame for frame in frames if _inside_tree(frame["file"])]
        scripts = [frame for frame in frames if _step_script(frame["file"])]
        if ours:
            where = f"{_relative(ours[-1]['file'])}:{ours[-1]['line']}"
        elif scripts:
            where = str(_step_script(scripts[-1]["file"]))
        marks = _YAML_MARK.findall(problem)
        if marks and "yaml" in problem.split(":", 1)[0].lower():
            # A YAML file that does not parse: its own place first, then where it was read.
            file, line = marks[-1]
            reason = " ".join(_YAML_MARK.sub("", problem.split(": ", 1)[-1]).split())
            self.error(
                f"{_relative(file)}:{line}: not valid YAML: {reason} (read by {where or 'a step'})"
            )
            return
        where = f"{where}: " if where else ""
        self.error(f"{where}unexpected {problem} (full traceback in {FULL_LOG})")

    def _report_exception(self, head: re.Match, lines: list[str]) -> None:
        name = head["name"]
        text = "\n".join(lines)
        if text.strip() == "At least one job did not complete successfully.":
            return  # the failed steps have spoken
        if name == "MissingInputException":
            files = _affected_files(lines)
            rule = head["rule"] or "a step"
            for file in files or ["?"]:
                self.error(f"{file}: file not found; expected by {rule} (restore or create it)")
        elif name == "MissingOutputException":
            self.error(f"a step finished without writing its output: {' '.join(lines[:2])}")
        else:
            first = lines[0].strip() if lines else name
            place = ""
            if head.groupdict().get("file"):
                place = _relative(head["file"])
                if head["line"]:
                    place += f":{head['line']}"
                place += ": "
            self.error(f"{place}{first}")


def _inside_tree(path: str) -> bool:
    if not Path(path).is_file():
        return False
    try:
        relative = Path(path).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return False
    return relative.parts[:1] not in ((".venv",), (".snakemake",))


def _step_script(path: str) -> str | None:
    """analysis/scripts/x.py for Snakemake's temporary copy `.snakemake/scripts/tmpXXXX.x.py`."""
    match = re.search(r"\.snakemake/scripts/tmp[^./]+\.(?P<name>[^/]+\.py)$", path)
    if match and Path("analysis", "scripts", match["name"]).is_file():
        return str(Path("analysis", "scripts", match["name"]))
    return None


#: PyYAML's place of a problem: `in "file", line n, column m`.
_YAML_MARK = re.compile(r'\s*in "([^"]+)", line (\d+), column \d+')
#: pandoc's `... at "file" (line n, column m)`.
_AT_LINE = re.compile(
    r'^(?P<before>.*?) at "(?P<file>[^"]+)" \(line (?P<line>\d+), column \d+\):?$'
)
#: `file: rest` without a line number.
_FILE_ONLY = re.compile(r"^(?P<file>[^\s:]+\.[A-Za-z0-9]+): (?P<rest>.*)$")
_FIELD = re.compile(r"^(?P<field>[A-Za-z_][\w.-]*): ")
_PATHLIKE = re.compile(r"[\w./-]*/[\w.-]+\.[A-Za-z0-9]+")


def _locate(message: str) -> str:
    """Add the line to `file: message` where the message itself says where to look.

    pandoc's `at "file" (line n, column m)`; a setting of a YAML file named as the field; a
    file path quoted in the message that the named file mentions on exactly one line (a figure
    the manuscript links to, for example).
    """
    if match := _AT_LINE.match(message.split(": ", 1)[-1]):
        return f"{match['file']}:{match['line']}: {match['before']}"
    match = _FILE_ONLY.match(message)
    if not match or not Path(match["file"]).is_file():
        return message
    file, rest = match["file"], match["rest"]
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return message
    field = _FIELD.match(rest)
    if field and file.endswith((".yaml", ".yml")):
        key = field["field"].split(".")[-1]
        for number, text in enumerate(lines, start=1):
            if re.match(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:", text):
                return f"{file}:{number}: {rest}"
    for token in _PATHLIKE.findall(rest.split(f" (full traceback in {FULL_LOG})")[0]):
        name = re.compile(rf"(?<![\w.-]){re.escape(Path(token).name)}(?![\w-])")
        found = [number for number, text in enumerate(lines, start=1) if name.search(text)]
        if len(found) == 1:
            return f"{file}:{found[0]}: {rest}"
    return message


def _affected_files(lines: list[str]) -> list[str]:
    files, collecting = [], False
    for line in lines:
        if line.strip() == "affected files:":
            collecting = True
        elif collecting and line.startswith("        "):
            files.append(line.strip())
        elif collecting:
            collecting = False
    return files


# -------------------------------------------------------------------------------------------------
# Running Snakemake


def run(command: list[str], presenter: Presenter | None = None) -> int:
    """Run `command` (Snakemake), presenting its stderr; its exit status.

    Ctrl-C reaches Snakemake directly (same process group); this process only waits for it to
    stop its jobs and clean up. SIGTERM is passed on to Snakemake, which handles it the same way.
    """
    presenter = presenter or Presenter()
    environment = dict(os.environ, PYTHONUNBUFFERED="1")
    FULL_LOG.parent.mkdir(parents=True, exist_ok=True)

    def interrupted(*_) -> None:
        presenter.interrupted = True

    previous = {signal.SIGINT: signal.signal(signal.SIGINT, interrupted)}
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, errors="replace", env=environment
    )

    def terminated(*_) -> None:
        presenter.interrupted = True
        process.send_signal(signal.SIGTERM)

    previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, terminated)
    try:
        with open(FULL_LOG, "w", encoding="utf-8") as log:
            assert process.stderr is not None
            for line in process.stderr:
                log.write(line)
                log.flush()
                presenter.feed(line)
        returncode = process.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    presenter.finish(returncode)
    return returncode


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
            presenter = Presenter()
            returncode = run(argv, presenter)
            if presenter.interrupted and returncode == 0:
                # Snakemake may end a run it was asked to stop with status 0 once its running
                # steps are done; the build is still unfinished, and must not be stamped.
                returncode = 130
            if started and returncode == 0:
                build_stamp.finish(started, stamp, Path(options["--outputs"]))
    except KeyboardInterrupt:  # while waiting for the other build
        _say("make: interrupted")
        return 130
    if returncode < 0:  # killed by a signal: the shell's convention
        return 128 - returncode
    return returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
