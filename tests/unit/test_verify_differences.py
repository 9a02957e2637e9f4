"""How `make verify` reports a difference: what changed, where the rebuilt tree is kept, and a
warning when the tree it checks is not the last commit. Small trees; no build."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from tooling import compare, verify

RECORDED_VALUES = (
    '{"case": {"beike": {"first_year": "2010"}},\n'
    ' "fieldwork": {"interviews": "82", "months": "8"}}\n'
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def manifest_of(path: str, text: str) -> dict:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return {"artifacts": [{"path": path, "sha256": digest, "size": len(text), "rule": "values"}]}


def test_a_changed_value_is_named_with_its_old_and_new_value(tmp_path):
    manifest = manifest_of("results/values.json", RECORDED_VALUES)
    root, tree = tmp_path / "root", tmp_path / "tree"
    write(root / "results" / "values.json", RECORDED_VALUES)
    write(tree / "results" / "values.json", RECORDED_VALUES.replace('"82"', '"83"'))
    outcomes = verify.described(manifest, root, tree, verify.compare(manifest, tree))
    assert [outcome.status for outcome in outcomes] == ["differs"]
    assert outcomes[0].changes == ("fieldwork.interviews: 82 → 83",)
    text, ok = verify.report(outcomes, [])
    assert not ok
    assert "fieldwork.interviews: 82 → 83" in text


def test_a_changed_cleaned_row_is_named_by_its_id_and_field(tmp_path):
    recorded = "id,value\na,1\nb,2\n"
    manifest = manifest_of("results/data/x.csv", recorded)
    root, tree = tmp_path / "root", tmp_path / "tree"
    write(root / "results" / "data" / "x.csv", recorded)
    write(tree / "results" / "data" / "x.csv", recorded.replace("b,2", "b,3"))
    (outcome,) = verify.described(manifest, root, tree, verify.compare(manifest, tree))
    assert outcome.changes == ("x row b: value: 2 → 3",)


def test_a_changed_table_cell_is_named_by_row_and_column(tmp_path):
    recorded = "| Fruit | Count |\n|:--|--:|\n| apples | 12 |\n\n: Synthetic. {#tbl-x}\n"
    manifest = manifest_of("results/tables/tbl-x.md", recorded)
    root, tree = tmp_path / "root", tmp_path / "tree"
    write(root / "results" / "tables" / "tbl-x.md", recorded)
    write(tree / "results" / "tables" / "tbl-x.md", recorded.replace("12", "13"))
    (outcome,) = verify.described(manifest, root, tree, verify.compare(manifest, tree))
    assert outcome.changes == ("tbl-x, row “apples”, column “Count”: 12 → 13",)


def test_a_changed_drawing_says_whether_the_data_it_plots_changed(tmp_path):
    """A synthetic figure whose step reads one cleaned table (its captions.json record)."""
    data = "id,year\na,2001\n"
    drawing = "<svg>1</svg>"
    manifest = manifest_of("results/figures/fig-x.svg", drawing)
    manifest["artifacts"] += manifest_of("results/data/x.csv", data)["artifacts"]
    root, tree = tmp_path / "root", tmp_path / "tree"
    record = {"fig-x": {"output": "results/figures/fig-x.svg", "inputs": "results/data/x.csv"}}
    write(tree / "results" / "provenance" / "captions.json", json.dumps(record))
    write(root / "results" / "figures" / "fig-x.svg", drawing)
    write(tree / "results" / "figures" / "fig-x.svg", "<svg>2</svg>")
    write(root / "results" / "data" / "x.csv", data)
    write(tree / "results" / "data" / "x.csv", data)
    outcomes = verify.described(manifest, root, tree, verify.compare(manifest, tree))
    assert outcomes[0].changes == ("fig-x: the drawing changed; the data it plots did not",)
    write(tree / "results" / "data" / "x.csv", data.replace("2001", "2002"))
    outcomes = verify.described(manifest, root, tree, verify.compare(manifest, tree))
    assert outcomes[0].changes == ("fig-x: x row a: year: 2001 → 2002",)


def test_nothing_is_described_without_the_recorded_file(tmp_path):
    manifest = manifest_of("results/values.json", RECORDED_VALUES)
    root, tree = tmp_path / "root", tmp_path / "tree"
    write(root / "results" / "values.json", "tampered: yes\n")  # not the recorded bytes
    write(tree / "results" / "values.json", RECORDED_VALUES.replace('"8"', '"9"'))
    (outcome,) = verify.described(manifest, root, tree, verify.compare(manifest, tree))
    assert outcome.status == "differs" and outcome.changes == ()


def test_a_difference_in_labels_only_counts_as_reproduced_content():
    outcomes = [
        verify.Outcome("results/values.json", "reproduced"),
        verify.Outcome("results/paper.html", "labels", "same content, other tool versions printed"),
    ]
    text, ok = verify.report(outcomes, ["python 3.12.1 here, 3.11.7 in manifest"])
    assert ok
    assert "1 reproduced, 1 reproduced but for the tool versions they print, 0 differ" in text
    assert "python 3.12.1 here, 3.11.7 in manifest" in text


def test_changed_values_lists_added_and_removed_keys(tmp_path):
    before = write(tmp_path / "before" / "results" / "values.json", '{"a": 1, "b": 2}')
    after = write(tmp_path / "after" / "results" / "values.json", '{"a": 1, "c": 3}')
    changes = compare.artifact_changes(
        "results/values.json", *(before.parents[1], after.parents[1]), {}
    )
    assert [change.line() for change in changes] == ["b: removed (was 2)", "c: added (3)"]


def test_a_text_file_without_finer_comparison_is_quoted_by_its_first_changed_lines(tmp_path):
    # Synthetic JATS: eight changed paragraphs, the first one longer than an excerpt line.
    long_old, long_new = "<p>" + "a" * 200 + "</p>", "<p>" + "b" * 200 + "</p>"
    old_lines = [long_old] + [f"<p>old {n}</p>" for n in range(7)]
    new_lines = [long_new] + [f"<p>new {n}</p>" for n in range(7)]
    before = write(tmp_path / "before" / "results" / "paper.xml", "\n".join(old_lines))
    after = write(tmp_path / "after" / "results" / "paper.xml", "\n".join(new_lines))
    changes = compare.artifact_changes("results/paper.xml", before.parents[1], after.parents[1], {})
    assert [change.where for change in changes[:2]] == [
        "results/paper.xml:1",
        "results/paper.xml:2",
    ]
    assert changes[0].old == long_old[:160] and changes[0].new == long_new[:160]
    assert (changes[1].old, changes[1].new) == ("<p>old 0</p>", "<p>new 0</p>")
    assert len(changes) == 7 and changes[-1].where == "... 2 more changed lines"


def test_a_rebuilt_tree_that_differs_is_kept_under_results(tmp_path):
    tree = write(tmp_path / "scratch" / "tree" / "results" / "paper.html", "<p>x</p>").parents[1]
    kept = verify.keep(tree, tmp_path / "root", 2)
    assert kept == tmp_path / "root" / "results" / "verify" / "tier-2"
    assert (kept / "results" / "paper.html").read_text() == "<p>x</p>"


def test_uncommitted_changes_are_named(tmp_path):
    def git(*arguments: str) -> None:
        subprocess.run(["git", *arguments], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    write(tmp_path / "data.csv", "a\n")
    git("add", "data.csv")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    assert verify.uncommitted_warning(tmp_path) is None
    write(tmp_path / "data.csv", "b\n")
    warning = verify.uncommitted_warning(tmp_path)
    assert warning is not None and "data.csv" in warning and "not the last commit" in warning
