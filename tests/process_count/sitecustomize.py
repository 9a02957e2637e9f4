"""Imported by every Python process the test session starts (its folder is first on their
PYTHONPATH, see tests/conftest.py): a Snakemake process adds one line to the session's record,
so the summary counts every build, including those `make`, `make verify` and the preview start.

A folder of its own, so that nothing else of tests/ shadows a module of a step's import path.
"""

import os
import sys

RECORD = "COMPENDIUM_TEST_PROCESS_RECORD"
#: Set while the session's own build runs (tests/conftest.py): its process is not a test's.
SESSION_BUILD = "COMPENDIUM_TEST_SESSION_BUILD"


def _record() -> None:
    path = os.environ.get(RECORD)
    argv = list(getattr(sys, "orig_argv", sys.argv))
    started_as = argv[1:3]
    if not path or not (
        (started_as[:1] and os.path.basename(started_as[0]) == "snakemake")
        or started_as == ["-m", "snakemake"]
    ):
        return
    kind = "run"
    if "--target-jobs" in argv:  # a job process of a cluster executor: its build is counted
        kind = "job"
    elif os.environ.get(SESSION_BUILD):
        kind = "session"
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    arguments = " ".join(word for word in argv[2:] if not word.startswith("/"))[:200]
    with open(path, "a", encoding="utf-8") as handle:  # one short append: whole lines
        handle.write(f"{kind}\t{test}\t{arguments}\n")


_record()
