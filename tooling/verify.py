"""`make verify`: rebuild the paper from a clean copy of the sources and compare every published
file with the committed manifest, one line per artifact.

The rebuild never reuses the working `results/`: it copies the files a fresh clone would hold
into a temporary folder and builds there, as a reviewer with a new checkout would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tooling.provenance import sha256

MANIFEST = "manifest.json"
SNAKEMAKE_ARGUMENTS = ["--cores", "2", "--rerun-incomplete", "--quiet", "rules"]


def source_files(root: Path) -> list[str]:
    """The files of the tree as a fresh clone would have them: tracked or new, not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(name for name in listed.split("\0") if name and (root / name).is_file())


def copy_sources(root: Path, destination: Path) -> Path:
    """A copy of the sources (no results, no Snakemake state) at `destination`."""
    for name in source_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return destination


def rebuild(tree: Path) -> subprocess.CompletedProcess:
    """Build the paper in `tree` with the Snakemake of this environment."""
    snakemake = Path(sys.executable).parent / "snakemake"
    return subprocess.run(
        [str(snakemake), *SNAKEMAKE_ARGUMENTS], cwd=tree, capture_output=True, text=True
    )


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # reproduced, differs, missing, new
    detail: str = ""

    def line(self) -> str:
        return f"{self.status:<10} {self.path}" + (f"  ({self.detail})" if self.detail else "")


def tool_differences(recorded: dict, current: dict) -> list[str]:
    """Tools whose versions differ between the manifest and this environment."""
    differences = []
    for tool in ("python", "pandoc", "typst"):
        if recorded.get(tool) != current.get(tool):
            differences.append(f"{tool} {current.get(tool)} here, {recorded.get(tool)} in manifest")
    recorded_packages = recorded.get("packages", {})
    for name, version in sorted(current.get("packages", {}).items()):
        if recorded_packages.get(name) != version:
            differences.append(f"{name} {version} here, {recorded_packages.get(name)} in manifest")
    return differences


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
    """The lines a reviewer reads, and whether everything was reproduced."""
    lines = [outcome.line() for outcome in outcomes]
    counts = {
        status: sum(outcome.status == status for outcome in outcomes)
        for status in ("reproduced", "differs", "missing", "new")
    }
    ok = counts["reproduced"] == len(outcomes)
    lines.append(
        f"{counts['reproduced']} reproduced, {counts['differs']} differ, "
        f"{counts['missing']} missing, {counts['new']} new, of {len(outcomes)} artifacts"
    )
    if not ok and tools:
        lines.append(
            "This environment's tools differ from the ones that made the manifest, which can "
            "change bytes without any change of content: " + "; ".join(tools)
        )
    elif not ok:
        lines.append("The tools are the same versions as the manifest's: a difference is real.")
    return "\n".join(lines), ok


def main(root: Path) -> int:
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="verify-") as scratch:
        tree = copy_sources(root, Path(scratch) / "tree")
        print(f"verify: building a clean copy of the sources in {tree}", flush=True)
        completed = rebuild(tree)
        if completed.returncode != 0:
            print(completed.stderr[-3000:], file=sys.stderr)
            print("verify: the clean build failed", file=sys.stderr)
            return 1
        current = json.loads((tree / "results" / "manifest.json").read_text(encoding="utf-8"))
        text, ok = report(
            compare(manifest, tree) + unrecorded(manifest, current),
            tool_differences(manifest["environment"], current["environment"]),
        )
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path.cwd()))
