"""A rebuild on other tool versions: verify tells "every figure, table and number reproduced,
only the printed versions differ" from a difference of content."""

from __future__ import annotations

import json
import os
import subprocess

from tests.workflow import BIN, copy_tree, environment
from tooling import differences, verify


def test_a_difference_only_in_printed_tool_versions_is_reproduced_content(built, tmp_path):
    # The manifest as a machine with Python 3.12.1 would have recorded it: the same build,
    # printing 3.12.1 wherever it prints its environment.
    recorded_tree = copy_tree(built, tmp_path / "recorded")
    ours = json.loads((built / "results" / "manifest.json").read_text(encoding="utf-8"))
    other = tmp_path / "other-machine.json"
    other.write_text(json.dumps({"environment": {**ours["environment"], "python": "3.12.1"}}))
    completed = subprocess.run(
        [str(BIN / "snakemake"), "--cores", "2", "--forcerun", *differences.LABELLING_RULES],
        cwd=recorded_tree,
        capture_output=True,
        text=True,
        env={**environment(), differences.LABELS_FROM: str(other)},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    recorded = json.loads((recorded_tree / "results" / "manifest.json").read_text())
    assert recorded["environment"]["python"] == "3.12.1"

    # This machine's build, verified against that manifest.
    tree = copy_tree(built, tmp_path / "here")
    (tree / "manifest.json").write_text(json.dumps(recorded), encoding="utf-8")
    outcomes = verify.compare(recorded, tree)
    differing = {outcome.path for outcome in outcomes if outcome.status == "differs"}
    assert {"results/provenance/appendix.md", "results/paper.html", "results/paper.pdf"} <= (
        differing
    )
    assert "results/values.yml" not in differing

    tools = verify.tool_differences(recorded["environment"], ours["environment"])
    text, ok = verify.report(verify.explained(recorded, tree, outcomes), tools)
    assert ok, text
    labelled = {line.split()[1] for line in text.splitlines() if line.startswith("labels ")}
    assert labelled == differing
    assert "python 3.11" in text and "3.12.1 in manifest" in text
    assert os.environ.get(differences.LABELS_FROM) is None
