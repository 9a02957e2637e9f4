"""What every workflow step shares: error reporting in one line, the epoch.

Outputs are written through `compendium.files`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from compendium.errors import BuildError

#: Build date when neither SOURCE_DATE_EPOCH nor the edition date is known (2013-01-01, the
#: article's year), so that a step run on its own still writes the same bytes.
FALLBACK_EPOCH = 1356998400


def edition_epoch(edition_date: str) -> int:
    """Seconds since 1970 at midnight UTC of the edition date (YYYY-MM-DD)."""
    from datetime import UTC, datetime

    return int(datetime.strptime(edition_date, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())


def source_date_epoch() -> int:
    """The build's fixed date: SOURCE_DATE_EPOCH (the workflow sets it from the edition date).

    Not the last commit's time: the manifest of output hashes is committed with the sources, so
    a date taken from the commit would change the outputs the commit itself records.
    """
    return int(os.environ.get("SOURCE_DATE_EPOCH", FALLBACK_EPOCH))


@contextmanager
def stop_on_error() -> Iterator[None]:
    """While the workflow is read: a BuildError becomes its one line on stderr and exit 1."""
    with reported_errors():
        yield


@contextmanager
def reported_errors(log: str | os.PathLike | None = None) -> Iterator[None]:
    """Turn a BuildError into one line on stderr (and in the log) and exit 1, no traceback."""
    try:
        yield
    except BuildError as error:
        message = "\n".join(f"error: {line}" for line in str(error).splitlines())
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(message + "\n")
        print(message, file=sys.stderr)
        raise SystemExit(1) from None


def missing_sources(inputs_by_step: dict[str, list]) -> BuildError | None:
    """Every source file (not a result) a step expects but the tree lacks, one line each, named
    with the first step (in the order the workflow lists them) that needs it."""
    seen: set[str] = set()
    problems = []
    for step, inputs in inputs_by_step.items():
        for path in inputs:
            if not isinstance(path, str) or path.startswith("results/") or path in seen:
                continue
            seen.add(path)
            if not Path(path).exists():
                problems.append(
                    BuildError(
                        f"file not found; expected by {step} (restore or create it)", file=path
                    )
                )
    if not problems:
        return None
    return BuildError("\n".join(str(problem) for problem in problems))
