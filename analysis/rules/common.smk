# Shared by every stage. Steps import the analysis package from this tree, also when the tree
# is a temporary copy (tests, `make verify`, `make bench`), never from another checkout.

import os
from pathlib import Path

os.environ.update(
    PYTHONPATH=os.pathsep.join(
        filter(
            None,
            [str(Path(workflow.basedir) / "analysis"), os.environ.get("PYTHONPATH")],
        )
    )
)
