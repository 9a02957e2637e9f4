"""`make verify`: check every published file against the committed manifest, in three tiers.

    python -m tooling.verify [--tier 0|1|2]

Tier 0 builds nothing: published files against their recorded hashes, sources against the input
hashes the manifest records (seconds). Tier 1 re-renders the paper from the recorded
intermediates. Tier 2 rebuilds everything from a clean copy of the sources, as a reviewer with
a new checkout would: it never reuses the working `results/`. The tree a rebuild made is kept
under `results/verify/` when something differs, for inspection.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tooling import compare as comparison
from tooling import differences, sources, tiers
from tooling.sources import sha256

MANIFEST = "manifest.json"
SNAKEMAKE_ARGUMENTS = ["--cores", "2", "--rerun-incomplete", "--quiet", "rules"]
#: Where a rebuilt tree is kept when it does not reproduce the manifest.
KEPT = Path("results") / "verify"


def rebuild(tree: Path) -> subprocess.CompletedProcess:
    """Build the paper in `tree` with the Snakemake of this environment."""
    snakemake = Path(sys.executable).parent / "snakemake"
    return subprocess.run(
        [str(snakemake), *SNAKEMAKE_ARGUMENTS], cwd=tree, capture_output=True, text=True
    )


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # reproduced, labels (differs only in tool versions printed), differs, ...
    detail: str = ""
    #: For a real difference: what changed (values, table lines), when the recorded file is here.
    changes: tuple[str, ...] = ()

    def line(self) -> str:
        head = f"{self.status:<10} {self.path}" + (f"  ({self.detail})" if self.detail else "")
        return "\n".join([head, *(f"           {change}" for change in self.changes)])


def tool_differences(recorded: dict, current: dict) -> list[str]:
    """Tools whose versions differ between the manifest and this environment."""
    found = []
    for tool in ("python", "pandoc", "typst"):
        if recorded.get(tool) != current.get(tool):
            found.append(f"{tool} {current.get(tool)} here, {recorded.get(tool)} in manifest")
    recorded_packages = recorded.get("packages", {})
    for name, version in sorted(current.get("packages", {}).items()):
        if recorded_packages.get(name) != version:
            found.append(f"{name} {version} here, {recorded_packages.get(name)} in manifest")
    return found


def compare(manifest: dict, results_root: Path) -> list[Outcome]:
    """Each artifact of the manifest against the file of the same path under `results_root`."""
    outcomes = []
    for artifact in manifest["artifacts"]:
        file = results_root / artifact["path"]
        if not file.exists():
            outcomes.append(Outcome(artifact["path"], "missing"))
        elif sha256(file) == artifact["sha256"]:
            outcomes.append(Outcome(artifact["path"], "reproduced"))
        else:
            size = file.stat().st_size
            outcomes.append(
                Outcome(
                    artifact["path"],
                    "differs",
                    f"sha256 {sha256(file)[:12]} vs {artifact['sha256'][:12]}, "
                    f"{size} vs {artifact['size']} bytes, made by rule {artifact['rule']}",
                )
            )
    return outcomes


def unrecorded(manifest: dict, current: dict) -> list[Outcome]:
    """Files the build publishes that the committed manifest does not list."""
    recorded = {artifact["path"] for artifact in manifest["artifacts"]}
    return [
        Outcome(artifact["path"], "new", f"not in {MANIFEST}: run `make manifest` and commit it")
        for artifact in current["artifacts"]
        if artifact["path"] not in recorded
    ]


def report(outcomes: list[Outcome], tools: list[str]) -> tuple[str, bool]:
    """The lines a reviewer reads, and whether all content was reproduced."""
    lines = [outcome.line() for outcome in outcomes]
    counts = {
        status: sum(outcome.status == status for outcome in outcomes)
        for status in ("reproduced", "labels", "differs", "missing", "new")
    }
    ok = counts["reproduced"] + counts["labels"] == len(outcomes)
    lines.append(
        f"{counts['reproduced']} reproduced, {counts['labels']} reproduced but for the tool "
        f"versions they print, {counts['differs']} differ, {counts['missing']} missing, "
        f"{counts['new']} new, of {len(outcomes)} artifacts"
    )
    if counts["labels"]:
        lines.append(
            "Every figure, table and number was reproduced in the files marked `labels`: they "
            "differ only in the environment they print (" + "; ".join(tools) + ")."
        )
    if counts["differs"] and tools:
        lines.append(
            "This environment's tools differ from the ones that made the manifest, which can "
            "change bytes without any change of content: " + "; ".join(tools)
        )
    elif counts["differs"]:
        lines.append("The tools are the same versions as the manifest's: a difference is real.")
    return "\n".join(lines), ok


def explained(manifest: dict, tree: Path, outcomes: list[Outcome]) -> list[Outcome]:
    """Mark the files that match the manifest once `tree` prints the recorded tool versions."""
    if not any(outcome.status == "differs" for outcome in outcomes):
        return outcomes
    completed = differences.relabel(tree, tree / MANIFEST)
    if completed.returncode != 0:
        return outcomes
    again = {outcome.path: outcome.status for outcome in compare(manifest, tree)}
    return [
        Outcome(outcome.path, "labels", "same content, other tool versions printed")
        if outcome.status == "differs" and again.get(outcome.path) == "reproduced"
        else outcome
        for outcome in outcomes
    ]


def _recorded_here(root: Path, path: str, recorded: dict[str, str]) -> bool:
    """Whether `root` holds the manifest's version of `path`: then it can be compared."""
    file = root / path
    return file.is_file() and sha256(file) == recorded.get(path)


def figure_data(root: Path, tree: Path, path: str, recorded: dict[str, str]) -> list[str]:
    """For a drawing that differs: whether the data it plots (the cleaned tables its step
    reads) changed, row by row; nothing when those tables are not at hand to compare."""
    captions = tree / "results" / "provenance" / "captions.json"
    records = json.loads(captions.read_text(encoding="utf-8")) if captions.is_file() else {}
    record = next((record for record in records.values() if record.get("output") == path), None)
    if record is None:
        return []
    data = comparison.plotted_data(record)
    if not data or not all(_recorded_here(root, name, recorded) for name in data):
        return []
    keys = comparison.table_keys(tree)
    lines = []
    for name in data:
        before = (root / name).read_text(encoding="utf-8")
        after = (tree / name).read_text(encoding="utf-8")
        lines += [f"data: {line}" for line in comparison.describe(name, before, after, keys)]
    return lines or ["the data it plots were reproduced; only the drawing differs"]


def described(manifest: dict, root: Path, tree: Path, outcomes: list[Outcome]) -> list[Outcome]:
    """For each real difference whose recorded file is at hand in `root`, what changed: values
    by key, table cells, cleaned rows and the data a figure plots (the `make diff` comparisons)."""
    recorded = {artifact["path"]: artifact["sha256"] for artifact in manifest["artifacts"]}
    keys = comparison.table_keys(tree)
    result = []
    for outcome in outcomes:
        changes: list[str] = []
        if outcome.status == "differs" and outcome.path.endswith(".svg"):
            changes = figure_data(root, tree, outcome.path, recorded)
        elif outcome.status == "differs" and _recorded_here(root, outcome.path, recorded):
            before = (root / outcome.path).read_text(encoding="utf-8", errors="replace")
            after = (tree / outcome.path).read_text(encoding="utf-8", errors="replace")
            changes = comparison.describe(outcome.path, before, after, keys)
        if changes:
            outcome = Outcome(outcome.path, outcome.status, outcome.detail, tuple(changes))
        result.append(outcome)
    return result


def uncommitted_warning(root: Path) -> str | None:
    """A warning when the sources differ from the last commit: the check is of this tree."""
    if not sources.is_git_checkout(root):
        return None
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=normal"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    if not status:
        return None
    listed = ", ".join(line[3:] for line in status[:5]) + (", ..." if len(status) > 5 else "")
    return (
        f"warning: {len(status)} uncommitted change(s) in the working tree ({listed}): "
        "this verifies the tree as it is now, not the last commit"
    )


def keep(tree: Path, root: Path, tier: int) -> Path:
    """Move a rebuilt tree that did not reproduce the manifest to results/verify/tier-N."""
    kept = root / KEPT / f"tier-{tier}"
    shutil.rmtree(kept, ignore_errors=True)
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tree, kept)
    return kept


def rebuilt(manifest: dict, root: Path, tier: int) -> tuple[str, bool]:
    """Tier 1 or 2: build in a scratch tree and compare its results with the manifest."""
    with tempfile.TemporaryDirectory(prefix="verify-") as scratch:
        tree = Path(scratch) / "tree"
        if tier == 1:
            tiers.tier1_tree(root, tree)
            print(f"verify: re-rendering from the recorded intermediates in {tree}", flush=True)
            completed = tiers.rerender(tree)
        else:
            sources.copy_sources(root, tree)
            print(f"verify: building a clean copy of the sources in {tree}", flush=True)
            completed = rebuild(tree)
        if completed.returncode != 0:
            print(completed.stderr[-3000:], file=sys.stderr)
            return f"verify: the tier {tier} build failed", False
        current = json.loads((tree / "results" / "manifest.json").read_text(encoding="utf-8"))
        tools = tool_differences(manifest["environment"], current["environment"])
        outcomes = compare(manifest, tree)
        if tools:
            outcomes = explained(manifest, tree, outcomes)
        outcomes = described(manifest, root, tree, outcomes)
        text, ok = report(outcomes + unrecorded(manifest, current), tools)
        if not ok:
            text += f"\nThe rebuilt tree is kept for inspection: {keep(tree, root, tier)}"
    return text, ok


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make verify", description=__doc__.splitlines()[0])
    parser.add_argument("--tier", type=int, choices=(0, 1, 2), default=2)
    tier = parser.parse_args(argv).tier
    root = (root or Path.cwd()).resolve()
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    warning = uncommitted_warning(root)
    if warning:
        print(warning, file=sys.stderr)
    text, ok = tiers.tier0(manifest, root)
    if tier == 0 or (not ok and tier == 1):
        print(text)
        if not ok and tier == 1:
            print("verify: tier 1 needs intermediates that tier 0 accepts; use TIER=2")
        return 0 if ok else 1
    text, ok = rebuilt(manifest, root, tier)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
