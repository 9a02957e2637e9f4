"""`make diff` on a commit that changes one coded value: it names exactly the numbers, cells and
figures a reader sees change, and the coded row that caused them.

The working side reuses the session's build (its sources and results, as built); only the
earlier commit is built, by `make diff` itself, in a scratch folder outside the clone.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

from tests import standards
from tests.optional_tools import need
from tests.workflow import copy_sources
from tooling import diff_report, paper_diff

TABLE, ROW_ID, FIELD = "indicators", "armed-police-treatment-episodes", "value_as_written"
EARLIER = "2919"  # the value the earlier commit codes; the session's build has the article's


def git(tree, *arguments: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", *identity, *arguments], cwd=tree, check=True, capture_output=True)


def coded_row(tree) -> dict[str, str]:
    with open(tree / "data" / "raw" / f"{TABLE}.csv", encoding="utf-8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row[f"{TABLE[:-1]}_id"] == ROW_ID)


def as_earlier(text: str, article_value: str) -> str:
    """`text` as the earlier commit prints it: the number written plain or with a comma."""
    with_commas = f"{int(article_value):,}", f"{int(EARLIER):,}"
    return text.replace(*with_commas).replace(article_value, EARLIER)


def test_diff_names_what_one_changed_raw_value_changes_and_the_row_that_caused_it(
    built, tmp_path, capsys
):
    clone = copy_sources(tmp_path / "clone", built)
    shutil.copytree(built.parent / "results-as-built", clone / "results")
    raw = clone / "data" / "raw" / f"{TABLE}.csv"
    article_value = coded_row(clone)[FIELD]
    original = raw.read_text(encoding="utf-8")
    edited = original.replace(f",{article_value},", f",{EARLIER},", 1)
    assert edited != original
    git(clone, "init", "-q")
    raw.write_text(edited, encoding="utf-8")
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "an earlier coding of one value")
    raw.write_text(original, encoding="utf-8")
    git(clone, "commit", "-qam", "the value as the article gives it")

    assert paper_diff.main([], root=clone) == 0
    printed = capsys.readouterr().out
    document = json.loads((clone / "results" / "diff" / "diff.json").read_text(encoding="utf-8"))

    # The cause: exactly the one coded field edited.
    cause = f"data/raw/{TABLE}.csv row {ROW_ID}: {FIELD}: {EARLIER} → {article_value}"
    assert [paper_diff.Change(**change).line() for change in document["sources"]["raw"]] == [cause]
    assert document["sources"]["code"] == document["sources"]["manuscript"] == []
    assert cause in printed

    # The numbers: every value of this indicator that shows the coded number, no other.
    values = json.loads((built.parent / "results-as-built" / "values.json").read_text())
    shown = {
        f"{TABLE[:-1]}.{ROW_ID}.{field}": text
        for field, text in values[TABLE[:-1]][ROW_ID].items()
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
    subject = coded_row(clone)["subject"]
    assert [
        (change["where"], change["old"], change["new"]) for change in document["effects"]["cells"]
    ] == [(f"tbl-indicators, row “{subject}”, column “Value as written”", EARLIER, article_value)]

    # The figures: none plots the indicators (the workflow's record of what each step reads).
    captions = json.loads((clone / "results" / "provenance" / "captions.json").read_text())
    plotting = [
        label
        for label, record in captions.items()
        if label.startswith("fig-") and f"results/data/{TABLE}.csv" in record["inputs"]
    ]
    assert [change["where"].split(":")[0] for change in document["effects"]["figures"]] == plotting
    assert document["effects"]["references"] == document["effects"]["numbering"] == []

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
        "effects": {group: [entry] for group in diff_report.RESULT_GROUPS}
        | {"references": [entry], "numbering": [entry]},
        "sources": {"raw": [entry], "code": [entry], "manuscript": [entry]},
    }
    report = diff_report.write(document, tmp_path)
    checked = standards.nu_check(report)
    assert checked["errors"] == [], checked
