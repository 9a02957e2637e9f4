# Shared by every stage. Steps import the science package (analysis/compendium) and the build
# tooling (tooling/) from this tree, also when the tree is a temporary copy (tests, `make verify`,
# `make bench`), never from another checkout.

import gc
import os
import sys
import threading
from pathlib import Path

# The tooling package (tooling/) of this tree first, for this file as for every step: the
# installed path points at the checkout the environment was made in, not at a temporary copy.
sys.path.insert(0, workflow.basedir)

# A rule's code= inputs come from its program's imports; table lists from data/datapackage.json.
from tooling.dependencies import computing_function, imported_files, raw_tables
from tooling.sources import build_inputs
from tooling.steps import edition_epoch

os.environ.update(
    PYTHONPATH=os.pathsep.join(
        filter(
            None,
            [
                str(Path(workflow.basedir) / "analysis"),
                workflow.basedir,
                os.environ.get("PYTHONPATH"),
            ],
        )
    )
)

# Steps ignore Ctrl-C (a signal ignored is ignored by the programs a step starts too). make's
# launcher (tooling/console.py) stops the running steps itself, so a step is never cut short in
# the middle of its start-up with a Python traceback on the author's terminal. Snakemake alone
# lets the running steps finish, then stops.
shell.prefix("set -euo pipefail; trap '' INT; ")

# Outputs carry the edition's date, never the time of the build (reproducible-builds.org).
os.environ.setdefault("SOURCE_DATE_EPOCH", str(edition_epoch(config["edition_date"])))


# Every source the build reads (data, code, manuscript, configuration, lock), listed as a fresh
# clone holds them; the manifest and the build receipt record their hashes.
BUILD_INPUTS = build_inputs(Path(workflow.basedir))


def artifact_names(folder):
    """The names (file stems) of the outputs under `folder` of the rules defined so far, each
    once (a figure's step writes its SVG and its PNG)."""
    return sorted(
        {
            Path(path).stem
            for step in workflow.rules
            for path in step.output
            if str(path).startswith(folder)
        }
    )


# A build that has finished should end at once. Snakemake's scheduler looks at its queue again a
# second after each round, by a timer (its limit of 100 jobs a second), and Python waits for every
# such timer before the process ends; once the workflow succeeded there is nothing to schedule.
# Python's last garbage collection then walks every object Snakemake made (about 0.4 s): frozen,
# they are left to the end of the process (their memory goes with it).
onsuccess:
    for timer in threading.enumerate():
        if isinstance(timer, threading.Timer):
            timer.cancel()
    gc.freeze()
