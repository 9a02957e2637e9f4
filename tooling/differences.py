"""What a difference found by `make verify` means: content, or only the environment's labels.

The appendix and the build receipt print the versions of the tools that made the build. A
rebuild on another Python or pandoc therefore changes the bytes of the appendix, the four paper
formats, the receipt and the bundle even when every figure, table and number is reproduced. To
tell the two apart, verify renders its scratch tree a second time with the *recorded* versions
as labels (`LABELS_FROM` names the committed manifest; only verify sets it, only in its scratch
copy): a file that then matches the manifest differs in its labels alone.

For a file that still differs, and whose recorded version the reviewer's `results/` holds,
verify says what changed with the comparisons of `make diff` (tooling/compare.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: Environment variable naming a manifest whose `environment` the build prints as its labels.
LABELS_FROM = "COMPENDIUM_ENVIRONMENT_LABELS"
#: The step that prints the labels; every step after it re-renders.
LABELLING_RULES = ["provenance", "receipt"]


def relabel(tree: Path, manifest_path: Path) -> subprocess.CompletedProcess:
    """Re-render `tree` with the manifest's tool versions as labels (scratch trees only)."""
    snakemake = str(Path(sys.executable).parent / "snakemake")
    return subprocess.run(
        [snakemake, "--cores", "2", "--quiet", "rules", "--forcerun", *LABELLING_RULES],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, LABELS_FROM: str(manifest_path)},
    )
