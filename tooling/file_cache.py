"""What a step learnt about a file in an earlier run, kept while the file is provably unchanged.

The manifest, the build receipt and the leak check read every file under results/ after each
build, though a manuscript edit changes only the papers and what records them. Each keeps what
it learnt (a SHA-256, what the leak check found) under .snakemake/ (state, not an output), and
uses an entry only while the file has the same device, inode, size, modification and change
time: no program can set the change time, and every write, rename or `touch` moves it on. An
entry made within `RACY_SECONDS` of the file's last change is not trusted (git's "racily clean"
rule). The cache can make a run faster, never give another result; an unreadable cache is empty.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compendium.files import write_text_atomic
from tooling import sources

#: How long before its reading a file must have changed last for its entry to be trusted:
#: file times come from a coarse clock, and a file written in the same tick as it was read
#: could change again without its times showing it.
RACY_SECONDS = 2
STATE = Path(".snakemake") / "file-cache"
#: The file's status fields an entry must match; the change time last, the time compared with
#: the entry's reading.
IDENTITY = ("st_dev", "st_ino", "st_size", "st_mtime_ns", "st_ctime_ns")


class FileCache:
    """Entries of one step (`name`), by path; `known` answers from it or computes and records."""

    def __init__(self, name: str, state: Path = STATE) -> None:
        self.path = state / f"{name}.json"
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.kept: dict[str, dict] = {}

    def known(self, file: Path, what: str, compute: Callable[[Path], Any]) -> Any:
        """`compute(file)`, or its value from an earlier run if the file is unchanged since."""
        key, status = os.fspath(file), os.stat(file)
        identity = [getattr(status, field) for field in IDENTITY]
        entry = self.kept.get(key) or self.entries.get(key)
        trusted = (
            entry is not None
            and entry["identity"] == identity
            and entry["read"] - identity[-1] > RACY_SECONDS * 1_000_000_000
        )
        if trusted and what in entry["values"]:
            value = entry["values"][what]
        else:
            read = time.time_ns()  # before reading: a change while it is read is newer
            value = compute(file)
            if not trusted:
                entry = {"identity": identity, "read": read, "values": {}}
            entry["values"][what] = value
        self.kept[key] = entry
        return value

    def sha256(self, file: Path) -> str:
        return self.known(file, "sha256", sources.sha256)

    def save(self) -> None:
        """Keep the entries of this run's files (others are gone or no longer read)."""
        write_text_atomic(self.path, json.dumps(self.kept, sort_keys=True))
