"""`make diff` between the session's two builds: the earlier commit holds the `edited` build's
sources (one coded value, the drawing code of one figure and one sentence changed, and a
throw-away figure added by the guide, tests/conftest.py), the working tree the session build's.
It names exactly the numbers, cells and figures a reader sees change, and the source change
that caused each.

Both sides are builds the session has made: the earlier one is kept where `make diff` keeps the
builds it made (results/diff/builds/COMMIT/), so `make diff` compares without building; that it
reuses a kept build only when its recorded inputs are the commit's is checked on the way.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

from tests import standards
from tests.build.new_figure import MANUSCRIPT_TEXT
from tests.conftest import EDITED_FIGURE, EDITED_PROSE, EDITED_VALUE
from tests.optional_tools import need
from tests.workflow import copy_sources
from tooling import paper_diff

TABLE, FIELD = "indicators", "value_as_written"
EARLIER = EDITED_VALUE[2].strip(",")  # the value the earlier commit codes


def git(tree, *arguments: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", *identity, *arguments], cwd=tree, check=True, capture_output=True)


def rows(tree) -> list[dict[str, str]]:
    with open(tree / "data" / "raw" / f"{TABLE}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def coded_row(tree, row_id: str) -> dict[str, str]:
    return next(row for row in rows(tree) if row[f"{TABLE[:-1]}_id"] == row_id)


def coded_row_with(tree, value: str) -> dict[str, str]:
    """The row the edited build's edit changed: the first that holds `value`."""
    return next(row for row in rows(tree) if value in row.values())


def as_earlier(text: str, article_value: str) -> str:
    """`text` as the earlier commit prints it: the number written plain or with a comma."""
    with_commas = f"{int(article_value):,}", f"{int(EARLIER):,}"
    return text.replace(*with_commas).replace(article_value, EARLIER)


def earlier_commit_of_the_edited_build(built, edited, clone) -> str:
    """`clone` with two commits, the edited build's sources and then the session build's, and the
    edited build kept as the build of the first; the first commit's id."""
    copy_sources(clone, edited.tree)
    git(clone, "init", "-q")
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "an earlier coding, drawing and wording")
    for name in {EDITED_VALUE[0], EDITED_FIGURE[0], EDITED_PROSE[0], *edited.touched}:
        if (built / name).exists():
            shutil.copy2(built / name, clone / name)
        else:  # the throw-away figure's own files
            (clone / name).unlink()
    git(clone, "commit", "-qam", "as the article gives them")
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD~1"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    shutil.copytree(built.parent / "results-as-built", clone / "results")
    kept = clone / paper_diff.OUTPUT / "builds" / commit / "results"
    shutil.copytree(edited.tree / "results", kept, ignore=shutil.ignore_patterns("logs"))
    return commit


def test_diff_names_what_the_edits_change_and_the_source_that_caused_each(
    built, edited, tmp_path, capsys
):
    clone = tmp_path / "clone"
    earlier_commit_of_the_edited_build(built, edited, clone)
    row_id = coded_row_with(built, EDITED_VALUE[1].strip(","))["indicator_id"]
    article_value = coded_row(clone, row_id)[FIELD]

    assert paper_diff.main([], root=clone) == 0
    printed = capsys.readouterr().out
    assert "reusing the build of HEAD~1" in printed  # nothing was built
    document = json.loads((clone / "results" / "diff" / "diff.json").read_text(encoding="utf-8"))

    # The causes: exactly the coded field, the figure's code file and the sentence edited, and
    # the throw-away figure's files and lines, which the working tree does not have.
    cause = f"data/raw/{TABLE}.csv row {row_id}: {FIELD}: {EARLIER} → {article_value}"
    assert [paper_diff.Change(**change).line() for change in document["sources"]["raw"]] == [cause]
    code = {change["where"] for change in document["sources"]["code"]}
    assert code == {EDITED_FIGURE[0], *edited.touched} - {EDITED_PROSE[0]}
    manuscript_lines = document["sources"]["manuscript"]
    figure_lines = set(MANUSCRIPT_TEXT.splitlines())
    sentence = [change for change in manuscript_lines if change["old"] not in figure_lines]
    assert all(change["new"] == "" for change in manuscript_lines if change not in sentence)
    assert len(sentence) == 1 and sentence[0]["where"].startswith(f"{EDITED_PROSE[0]}:")
    assert EDITED_PROSE[2] in sentence[0]["old"] and EDITED_PROSE[2] not in sentence[0]["new"]
    assert cause in printed

    # The numbers: every value of this indicator that shows the coded number, no other.
    values = json.loads((built.parent / "results-as-built" / "values.json").read_text())
    shown = {
        f"{TABLE[:-1]}.{row_id}.{field}": text
        for field, text in values[TABLE[:-1]][row_id].items()
        if article_value in text.replace(",", "")
    }
    changed = {
        change["where"]: (change["old"], change["new"])
        for group in ("values_in_prose", "other_values")
        for change in document["effects"][group]
    }
    assert changed == {key: (as_earlier(text, article_value), text) for key, text in shown.items()}
    manuscript = (clone / "manuscript" / "article.qmd").read_text(encoding="utf-8")
    assert {change["where"] for change in document["effects"]["values_in_prose"]} == {
        key for key in shown if f"var {key} " in manuscript
    }

    # The cells: the row of this indicator in the table of indicators, its written value.
    subject = coded_row(clone, row_id)["subject"]
    assert [
        (change["where"], change["old"], change["new"]) for change in document["effects"]["cells"]
    ] == [(f"tbl-indicators, row “{subject}”, column “Value as written”", EARLIER, article_value)]

    # The figures: none plots the indicators (the workflow's record of what each step reads);
    # the one the edited code draws differently (the two builds' bytes say which) is named as
    # drawn differently from the same data, because of that code.
    captions = json.loads((clone / "results" / "provenance" / "captions.json").read_text())
    plotting = [
        label
        for label, record in captions.items()
        if label.startswith("fig-") and f"results/data/{TABLE}.csv" in record["inputs"]
    ]
    assert plotting == []
    drawn = [
        label
        for label, record in sorted(captions.items())
        if label.startswith("fig-")
        and (built / record["output"]).read_bytes() != (edited.tree / record["output"]).read_bytes()
    ]
    assert drawn, "the edited figure code changed no figure"
    figures = document["effects"]["figures"]
    assert [change["where"].split(":")[0] for change in figures] == drawn, figures
    assert all("the drawing changed; the data it plots did not" in c["where"] for c in figures)
    assert all(any(EDITED_FIGURE[0] in cause for cause in c["causes"]) for c in figures)
    assert document["effects"]["references"] == []
    numbering = document["effects"]["numbering"]
    assert [(change["where"], change["new"]) for change in numbering] == [("fig-throwaway", "")]

    # Every number and cell is tied to the edited row, and to nothing else.
    for group in ("values_in_prose", "other_values", "cells"):
        assert all(change["causes"] == [cause] for change in document["effects"][group]), group

    # The report stands alone; the flag for text-only branches fails on changed results, and
    # the earlier commit's build kept by the first run is reused (no second build).
    report = (clone / "results" / "diff" / "report.html").read_text(encoding="utf-8")
    assert cause in report and "<script" not in report and "src=" not in report
    assert paper_diff.main(["HEAD~1", "--fail-on-change"], root=clone) == 1
    assert "reusing the build of HEAD~1" in capsys.readouterr().out


def test_the_report_is_valid_html_with_every_kind_of_change(tmp_path):
    """A synthetic comparison (made up for this test) with an entry in every group."""
    need("Java")
    cause = "data/raw/fruit.csv row apple: count: 12 → 13"
    entry = {
        "kind": "x",
        "where": "fruit.apple.count",
        "old": "12 <",
        "new": "13 &",
        "causes": [cause],
    }
    document = {
        "from": "HEAD~1 (0123456789)",
        "to": "working tree",
        "warning": "warning: 1 uncommitted change(s) in the working tree (data/raw/fruit.csv)",
        "effects": {group: [entry] for group in paper_diff.RESULT_GROUPS}
        | {"references": [entry], "numbering": [entry]},
        "sources": {"raw": [entry], "code": [entry], "manuscript": [entry]},
    }
    report = paper_diff.write(document, tmp_path)
    checked = standards.nu_check(report)
    assert checked["errors"] == [], checked
