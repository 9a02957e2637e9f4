"""What a difference found by `make verify` means: content, or only the environment's labels.

The appendix and the build receipt print the versions of the tools that made the build. A
rebuild on another Python or pandoc therefore changes the bytes of the appendix, the four paper
formats, the receipt and the bundle even when every figure, table and number is reproduced. To
tell the two apart, verify renders its scratch tree a second time with the *recorded* versions
as labels (`LABELS_FROM` names the committed manifest; only verify sets it, only in its scratch
copy): a file that then matches the manifest differs in its labels alone.

For a file that still differs, and whose recorded version the reviewer's `results/` holds, it
says what changed: the values whose keys differ, or the first changed lines of a table.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import yaml

#: Environment variable naming a manifest whose `environment` the build prints as its labels.
LABELS_FROM = "COMPENDIUM_ENVIRONMENT_LABELS"
#: The step that prints the labels; every step after it re-renders.
LABELLING_RULES = ["provenance", "receipt"]
#: Files worth a line-by-line excerpt; drawings, documents and archives are summarised by name.
TEXT_SUFFIXES = (".csv", ".md", ".json", ".xml")
EXCERPT_LINES = 6


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


def _flatten(document: object, prefix: str = "") -> dict[str, object]:
    if isinstance(document, dict):
        flat = {}
        for key, value in document.items():
            flat |= _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return flat
    return {prefix: document}


def changed_values(recorded: str, rebuilt: str) -> list[str]:
    """`key: old → new` for every value of values.json (YAML reads its JSON) that differs."""
    before, after = _flatten(yaml.safe_load(recorded)), _flatten(yaml.safe_load(rebuilt))
    return [
        f"{key}: {before.get(key, '(none)')} → {after.get(key, '(none)')}"
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]


def changed_lines(recorded: str, rebuilt: str) -> list[str]:
    """The first changed lines, `-` as recorded and `+` as rebuilt."""
    lines = [
        line[:160]
        for line in difflib.unified_diff(
            recorded.splitlines(), rebuilt.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    more = len(lines) - EXCERPT_LINES
    return lines[:EXCERPT_LINES] + ([f"... {more} more changed lines"] if more > 0 else [])


def describe(path: str, recorded_file: Path, rebuilt_file: Path) -> list[str]:
    """What changed between the recorded and the rebuilt version of one published file."""
    if path.endswith((".yml", ".json")) and Path(path).stem == "values":
        return changed_values(
            recorded_file.read_text(encoding="utf-8"), rebuilt_file.read_text(encoding="utf-8")
        )
    if path.endswith(TEXT_SUFFIXES):
        return changed_lines(
            recorded_file.read_text(encoding="utf-8"), rebuilt_file.read_text(encoding="utf-8")
        )
    return []
