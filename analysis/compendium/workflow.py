"""What every workflow step shares: error reporting in one line, atomic writes, the epoch."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from compendium.errors import BuildError

#: Fallback build date outside git (2013-01-01, the article's publication year), so that a
#: tarball of the sources still builds byte-identical outputs.
FALLBACK_EPOCH = 1356998400


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit's time, else the fixed fallback."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        output = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return int(output) if output else FALLBACK_EPOCH
    except (OSError, subprocess.CalledProcessError, ValueError):
        return FALLBACK_EPOCH


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


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write through a temporary file so an interrupted step leaves no half-written output."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    temporary.replace(path)
