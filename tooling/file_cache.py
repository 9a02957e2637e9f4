"""What a step learnt about a file in an earlier run, kept while the file is provably unchanged.

The manifest, the build receipt and the leak check read every file under results/ after each
build, though a manuscript edit changes only the four papers and what records them. Each keeps
what it learnt (a file's SHA-256, what the leak check found in it) in a cache under
.snakemake/, the workflow's state folder (not an output), and uses an entry only while the file
is the one it was made from: same device, inode, size, modification time and change time. No
program can set the change time; every write, rename or `touch` moves it on. An entry made
while the file could still change within the same clock tick is not trusted: the file must have
changed last more than `RACY_SECONDS` before it was read, else it is read again next time (git
treats its "racily clean" files so). The cache can make a run faster, never give another result;
an unreadable cache is an empty one.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: How long before its reading a file must have changed last for its entry to be trusted:
#: file times come from a coarse clock, and a file written in the same tick as it was read
#: could change again without its times showing it.
RACY_SECONDS = 2
STATE = Path(".snakemake") / "file-cache"


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
        key = os.fspath(file)
        identity = _identity(file)
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
        from tooling.sources import sha256

        return self.known(file, "sha256", sha256)

    def save(self) -> None:
        """Keep the entries of this run's files (others are gone or no longer read)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(self.kept, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)


def _identity(file: Path) -> list[int]:
    status = os.stat(file)
    return [
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,  # last: the time `known` compares with the reading
    ]
