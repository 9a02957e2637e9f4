"""Entry point of `make`: run Snakemake, recovering from an interrupted earlier build.

`make` holds a lock on the tree while this runs (see the Makefile), so a Snakemake lock left in
`.snakemake/locks` can only be stale, from a build that was killed (SIGKILL leaves it behind):
it is removed instead of asking the author to run `snakemake --unlock`. Incomplete outputs of
an interrupted job are rebuilt because the Makefile passes `--rerun-incomplete`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOCKS = Path(".snakemake") / "locks"


def remove_stale_locks() -> list[Path]:
    removed = []
    if LOCKS.is_dir():
        for lock in sorted(LOCKS.iterdir()):
            lock.unlink()
            removed.append(lock)
    return removed


def main(command: list[str]) -> None:
    if remove_stale_locks():
        print("make: removed the lock of an interrupted earlier build", file=sys.stderr)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
