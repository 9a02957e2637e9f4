"""What every workflow step shares: its failure told in one line, the build's fixed date."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from compendium.errors import BuildError

#: Build date when neither SOURCE_DATE_EPOCH nor the edition date is known (2013-01-01, the
#: article's year), so that a step run on its own still writes the same bytes.
FALLBACK_EPOCH = 1356998400


def edition_epoch(edition_date: str) -> int:
    """Seconds since 1970 at midnight UTC of the edition date (YYYY-MM-DD)."""
    return int(datetime.strptime(edition_date, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())


def source_date_epoch() -> int:
    """The build's fixed date: SOURCE_DATE_EPOCH (the workflow sets it from the edition date).

    Not the last commit's time: the manifest of output hashes is committed with the sources, so
    a date taken from the commit would change the outputs the commit itself records.
    """
    return int(os.environ.get("SOURCE_DATE_EPOCH", FALLBACK_EPOCH))


def error_lines(error: BuildError) -> str:
    return "\n".join(f"error: {line}" for line in str(error).splitlines())


@contextmanager
def stop_on_error() -> Iterator[None]:
    """While the workflow is read: a BuildError becomes its one line on stderr and exit 1."""
    try:
        yield
    except BuildError as error:
        print(error_lines(error), file=sys.stderr)
        raise SystemExit(1) from None


@contextmanager
def reported_errors(log: str | os.PathLike) -> Iterator[None]:
    """Run a step with its stderr (libraries' warnings, a kernel's notes) in its log, the one
    place a step reports to (Snakemake names it; make's terminal view shows its `error:` lines),
    and tell its failure there as `error: file:line: field: what is wrong`, then exit 1. Any
    other exception is told in the same form, at the innermost place in this tree that raised
    it, with its traceback in the log.
    """
    with open(log, "w", encoding="utf-8") as handle:
        sys.stderr.flush()
        terminal = os.dup(2)
        os.dup2(handle.fileno(), 2)  # also for the processes the step starts (a kernel)
        message = None
        try:
            yield
        except BuildError as error:
            message = error_lines(error)
        except Exception as error:
            traceback.print_exc()
            message = f"error: {unexpected(error, log)}"
        finally:
            sys.stderr.flush()
            os.dup2(terminal, 2)
            os.close(terminal)
        if message:
            handle.write(message + "\n")
            raise SystemExit(1)


def unexpected(error: Exception, log: str | os.PathLike) -> str:
    """`place: unexpected Name: what it says (traceback in log)` for a step's own bug."""
    here = Path.cwd().resolve()
    place = None
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(here) and path.is_file():
            inside = path.relative_to(here)
            if inside.parts[0] == ".snakemake":  # Snakemake's copy of the step's script
                place = str(Path("analysis", "scripts", path.name.split(".", 1)[-1]))
            elif inside.parts[0] != ".venv":
                place = f"{inside}:{frame.lineno}"
    what = " ".join(f"{type(error).__name__}: {error}".split())
    return f"{place or log}: unexpected {what} (traceback in {log})"


def missing_sources(inputs_by_step: dict[str, list]) -> BuildError | None:
    """Every source file (not a result) a step expects but the tree lacks, one line each, named
    with the first step (in the order the workflow lists them) that needs it."""
    first_step: dict[str, str] = {}
    for step, inputs in inputs_by_step.items():
        for path in inputs:
            if isinstance(path, str) and not path.startswith("results/"):
                first_step.setdefault(path, step)
    problems = [
        f"{path}: file not found; expected by {step} (restore or create it)"
        for path, step in first_step.items()
        if not Path(path).exists()
    ]
    return BuildError("\n".join(problems)) if problems else None
