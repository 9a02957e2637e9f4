"""The quick tiers of `make verify`.

Tier 0 rebuilds nothing: it checks the published files under `results/` against the hashes in
`manifest.json`, and the sources against the input hashes the same manifest records, so a
reviewer learns in seconds whether what they hold is what was built from what they read.
Tier 1 also re-renders the paper from the recorded intermediates (the cleaned tables, figures,
tables and values under `results/`, checked by tier 0 first), without re-running the analysis.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tooling import sources

#: The steps that turn intermediates into the paper and its receipts; tier 1 runs only these
#: and whatever follows them.
RENDER_RULES = ["render"]


@dataclass(frozen=True)
class InputChange:
    path: str
    status: str  # changed, missing, unrecorded

    def line(self) -> str:
        return f"{self.status:<10} {self.path}"


def input_changes(recorded: dict[str, str], root: Path) -> list[InputChange]:
    """Each source the manifest records against the tree, and build inputs it does not record."""
    present = set(sources.build_inputs(root))
    changes = []
    for path, digest in sorted(recorded.items()):
        if path not in present:
            changes.append(InputChange(path, "missing"))
        elif sources.sha256(root / path) != digest:
            changes.append(InputChange(path, "changed"))
    changes += [InputChange(path, "unrecorded") for path in sorted(present - set(recorded))]
    return changes


def input_report(recorded: dict[str, str], changes: list[InputChange]) -> str:
    lines = [change.line() for change in changes]
    counts = {
        status: sum(change.status == status for change in changes)
        for status in ("changed", "missing", "unrecorded")
    }
    lines.append(
        f"sources: {len(recorded) - counts['changed'] - counts['missing']} of {len(recorded)} "
        f"recorded inputs unchanged, {counts['changed']} changed, {counts['missing']} missing, "
        f"{counts['unrecorded']} not recorded"
    )
    if changes:
        lines.append(
            "The sources are not the ones the manifest was built from: the published files "
            "cannot be taken as their result. Tier 2 rebuilds from these sources."
        )
    return "\n".join(lines)


def tier0(manifest: dict, root: Path) -> tuple[str, bool]:
    """Published files against their recorded hashes, sources against theirs; no build."""
    from tooling import verify

    if not (root / "results").is_dir():
        published = (
            "No results/ here: this tree holds the sources only, so there are no published "
            "files to check. Build them (`make`, or `make verify TIER=2`)."
        )
        published_ok = False
    else:
        published, published_ok = verify.report(verify.compare(manifest, root), [])
    recorded = manifest.get("inputs", {})
    changes = input_changes(recorded, root)
    text = "published files:\n" + published + "\n" + input_report(recorded, changes)
    return text, published_ok and not changes and bool(recorded)


def tier1_tree(root: Path, destination: Path) -> Path:
    """A copy of the sources with this tree's results/, every output marked up to date."""
    sources.copy_sources(root, destination)
    shutil.copytree(root / "results", destination / "results", symlinks=True)
    snakemake = str(Path(sys.executable).parent / "snakemake")
    subprocess.run(
        [snakemake, "--cores", "1", "--touch", "--quiet", "rules"],
        cwd=destination,
        capture_output=True,
        check=True,
    )
    return destination


def rerender(tree: Path) -> subprocess.CompletedProcess:
    """Render the paper again, and everything after it, from the intermediates in `tree`."""
    snakemake = str(Path(sys.executable).parent / "snakemake")
    return subprocess.run(
        [snakemake, "--cores", "2", "--quiet", "rules", "--forcerun", *RENDER_RULES],
        cwd=tree,
        capture_output=True,
        text=True,
    )
