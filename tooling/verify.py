"""`make verify`: check every published file against the committed manifest, in three tiers
(README, "Verifying the paper"): 0 compares hashes only, 1 re-renders the paper from the recorded
intermediates, 2 rebuilds from a clean copy of the sources, never reusing the working `results/`.

    python -m tooling.verify [--tier 0|1|2]

The appendix and the build receipt print the versions of the tools that made the build, so a
rebuild with other tools changes their bytes even when all content is reproduced. To tell the
two apart, a rebuild that differs is rendered again with the *recorded* versions as labels
(provenance.LABELS_FROM): a file that then matches the manifest differs in its labels alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tooling import compare as comparison
from tooling import sources
from tooling.provenance import LABELS_FROM, flatten
from tooling.sources import sha256

MANIFEST = "manifest.json"
NO_RESULTS = (
    "No results/ here: this tree holds the sources only, so there are no published files to "
    "check. Build them (`make`, or `make verify TIER=2`)."
)


def rebuild(tree: Path, *arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the Snakemake of this environment in `tree`: the whole build, or what `arguments` ask."""
    snakemake = Path(sys.executable).parent / "snakemake"
    return subprocess.run(
        [snakemake, "--cores", "2", "--rerun-incomplete", "--quiet", "rules", *arguments],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def failure(tree: Path, completed: subprocess.CompletedProcess, started: float) -> str:
    """Why a build in `tree` failed: the `error:` lines its steps wrote to their logs since
    `started`, which name what is wrong (Snakemake's own account only says which step failed)."""
    logs = sorted((tree / "results" / "logs").glob("*.log"))
    texts = [log.read_text(encoding="utf-8") for log in logs if log.stat().st_mtime >= started - 1]
    errors = [line for text in texts for line in text.splitlines() if line.startswith("error: ")]
    return "\n".join(errors) or completed.stderr[-3000:]


@dataclass(frozen=True)
class Outcome:
    """A published file (reproduced, labels, differs, missing, new) or a source (changed,
    missing, unrecorded)."""

    path: str
    status: str
    detail: str = ""
    #: For a real difference: what changed (values, table lines), when the recorded file is here.
    changes: tuple[str, ...] = ()

    def line(self) -> str:
        head = f"{self.status:<10} {self.path}" + (f"  ({self.detail})" if self.detail else "")
        return "\n".join([head, *(f"           {change}" for change in self.changes)])


def tool_differences(recorded: dict, current: dict) -> list[str]:
    """Tools and packages whose versions differ between the manifest and this environment."""
    return [
        f"{change.where.removeprefix('packages.')} {change.new or None} here, "
        f"{change.old or None} in manifest"
        for change in comparison.mapping_changes("tool", flatten(recorded), flatten(current))
    ]


def compare(manifest: dict, results_root: Path) -> list[Outcome]:
    """Each artifact of the manifest against the file of the same path under `results_root`."""
    outcomes = []
    for artifact in manifest["artifacts"]:
        path = artifact["path"]
        file = results_root / path
        if not file.exists():
            outcomes.append(Outcome(path, "missing"))
        elif (digest := sha256(file)) == artifact["sha256"]:
            outcomes.append(Outcome(path, "reproduced"))
        else:
            detail = (
                f"sha256 {digest[:12]} vs {artifact['sha256'][:12]}, {file.stat().st_size} vs "
                f"{artifact['size']} bytes, made by rule {artifact['rule']}"
            )
            outcomes.append(Outcome(path, "differs", detail))
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
    counts = Counter(outcome.status for outcome in outcomes)
    lines = [outcome.line() for outcome in outcomes]
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
    return "\n".join(lines), counts["reproduced"] + counts["labels"] == len(outcomes)


def input_changes(recorded: dict[str, str], root: Path) -> list[Outcome]:
    """Each source the manifest records against the tree, and build inputs it does not record."""
    current = sources.input_hashes(sources.build_inputs(root), root)
    statuses = {(True, True): "changed", (True, False): "missing", (False, True): "unrecorded"}
    return [
        Outcome(change.where, statuses[bool(change.old), bool(change.new)])
        for change in comparison.mapping_changes("source", recorded, current)
    ]


def tier0(manifest: dict, root: Path) -> tuple[str, bool]:
    """Published files against their recorded hashes, sources against theirs; no build."""
    if (root / "results").is_dir():
        published, ok = report(compare(manifest, root), [])
    else:
        published, ok = NO_RESULTS, False
    recorded = manifest.get("inputs", {})
    changes = input_changes(recorded, root)
    counts = Counter(change.status for change in changes)
    lines = ["published files:", published, *(change.line() for change in changes)]
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
    return "\n".join(lines), ok and not changes and bool(recorded)


def explained(manifest: dict, tree: Path, outcomes: list[Outcome]) -> list[Outcome]:
    """Mark the files that match the manifest once `tree` prints the recorded tool versions
    (the steps that print them, and every step after them, run again)."""
    if not any(outcome.status == "differs" for outcome in outcomes):
        return outcomes
    labelled = rebuild(
        tree, "--forcerun", "provenance", "receipt", env={LABELS_FROM: str(tree / MANIFEST)}
    )
    if labelled.returncode != 0:
        return outcomes
    again = {outcome.path: outcome.status for outcome in compare(manifest, tree)}
    return [
        Outcome(outcome.path, "labels", "same content, other tool versions printed")
        if outcome.status == "differs" and again.get(outcome.path) == "reproduced"
        else outcome
        for outcome in outcomes
    ]


def described(manifest: dict, root: Path, tree: Path, outcomes: list[Outcome]) -> list[Outcome]:
    """For each real difference whose recorded file (for a figure, the recorded data it plots)
    is at hand in `root`: what changed, by value key, table cell, cleaned row and figure data."""
    recorded = {artifact["path"]: artifact["sha256"] for artifact in manifest["artifacts"]}
    captions = tree / "results" / "provenance" / "captions.json"
    records = json.loads(captions.read_text(encoding="utf-8")) if captions.is_file() else {}
    figures = {record.get("output"): record for record in records.values()}
    keys = comparison.table_keys(tree)

    def here(path: str) -> bool:
        return (root / path).is_file() and sha256(root / path) == recorded.get(path)

    def changed(path: str) -> list[str]:
        figure = figures.get(path) if path.endswith(".svg") else None
        needed = comparison.plotted_data(figure) if figure else [path]
        if not needed or not all(map(here, needed)):
            return []
        return [
            change.line() for change in comparison.artifact_changes(path, root, tree, keys, figure)
        ]

    return [
        Outcome(outcome.path, outcome.status, outcome.detail, tuple(changed(outcome.path)))
        if outcome.status == "differs"
        else outcome
        for outcome in outcomes
    ]


def uncommitted_warning(root: Path) -> str | None:
    """A warning when the sources differ from the last commit: the check is of this tree."""
    if not sources.is_git_checkout(root):
        return None
    command = ["git", "status", "--porcelain", "--untracked-files=normal"]
    status = subprocess.run(command, cwd=root, capture_output=True, text=True).stdout.splitlines()
    if not status:
        return None
    listed = ", ".join(line[3:] for line in status[:5]) + (", ..." if len(status) > 5 else "")
    return (
        f"warning: {len(status)} uncommitted change(s) in the working tree ({listed}): "
        "this verifies the tree as it is now, not the last commit"
    )


def keep(tree: Path, root: Path, tier: int) -> Path:
    """Move a rebuilt tree that did not reproduce the manifest to results/verify/tier-N."""
    kept = root / "results" / "verify" / f"tier-{tier}"
    shutil.rmtree(kept, ignore_errors=True)
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tree, kept)
    return kept


def rebuilt(manifest: dict, root: Path, tier: int) -> tuple[str, bool]:
    """Tier 1 or 2: build in a scratch tree and compare its results with the manifest. Tier 1
    copies this tree's results/, marks every output up to date and renders again from there."""
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="verify-") as scratch:
        tree = sources.copy_sources(root, Path(scratch) / "tree")
        if tier == 1:
            shutil.copytree(root / "results", tree / "results", symlinks=True)
            print(f"verify: re-rendering from the recorded intermediates in {tree}", flush=True)
            completed = rebuild(tree, "--touch")
            if completed.returncode == 0:
                completed = rebuild(tree, "--forcerun", "render")
        else:
            print(f"verify: building a clean copy of the sources in {tree}", flush=True)
            completed = rebuild(tree)
        if completed.returncode != 0:
            why = failure(tree, completed, started)
            return f"verify: the tier {tier} build failed:\n{why}", False
        current = json.loads((tree / "results" / MANIFEST).read_text(encoding="utf-8"))
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
    if warning := uncommitted_warning(root):
        print(warning, file=sys.stderr)
    text, ok = tier0(manifest, root)
    if tier == 1 and not ok:
        text += "\nverify: tier 1 needs intermediates that tier 0 accepts; use TIER=2"
    elif tier:
        text, ok = rebuilt(manifest, root, tier)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
