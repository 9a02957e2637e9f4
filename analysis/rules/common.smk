# Shared by every stage. Steps import the analysis package from this tree, also when the tree
# is a temporary copy (tests, `make verify`, `make bench`), never from another checkout.

import os
from pathlib import Path

from compendium.workflow import edition_epoch

os.environ.update(
    PYTHONPATH=os.pathsep.join(
        filter(
            None,
            [
                str(Path(workflow.basedir) / "analysis"),
                str(Path(workflow.basedir)),
                os.environ.get("PYTHONPATH"),
            ],
        )
    )
)

# Outputs carry the edition's date, never the time of the build (reproducible-builds.org).
os.environ.setdefault("SOURCE_DATE_EPOCH", str(edition_epoch(config["edition_date"])))
