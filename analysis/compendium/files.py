"""Outputs written whole or not at all: the one way every step writes a file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside `path` (`x.partial`) that becomes `path` only if the block ends
    without an error.

    An interrupted or failing step then leaves either the previous file or nothing, never a
    half-written one that a later run would take as complete. The temporary file sits in the
    same directory so that the final rename is atomic.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` as UTF-8 with LF line endings, through `atomic_output`."""
    with atomic_output(path) as partial:
        partial.write_text(text, encoding="utf-8", newline="\n")
