"""The comparisons behind `make diff` and `make verify`, on small synthetic texts made up for
these tests (not the paper's data): values, table cells, coded rows, references, numbering,
manuscript lines, and how each change is tied to the source change upstream of it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tooling import compare, paper_diff
from tooling.compare import Change

TABLE = """\
| What | Value | Year |
|:-----|------:|-----:|
| apples | 12 | 2001 |
| pears\\-green | 7 | 2002 |

: Synthetic fruit counts. {#tbl-fruit}
"""


def test_a_changed_value_is_named_by_its_key_with_both_texts():
    before = json.dumps({"fruit": {"apples": {"count": "12", "year": "2001"}}})
    after = json.dumps(
        {"fruit": {"apples": {"count": "13", "year": "2001"}, "plums": {"count": "2"}}}
    )
    assert compare.value_changes(before, after) == [
        Change("value", "fruit.apples.count", "12", "13"),
        Change("value", "fruit.plums.count", "", "2"),
    ]


def test_values_in_prose_are_the_keys_of_var_shortcodes():
    text = "We counted {{< var fruit.apples.count >}} apples in {{<var fruit.apples.year>}}."
    assert compare.values_in_prose(text) == {"fruit.apples.count", "fruit.apples.year"}


def test_a_changed_cell_is_named_by_its_row_and_column():
    after = TABLE.replace("| 12 |", "| 15 |")
    assert compare.cell_changes("tbl-fruit", TABLE, after) == [
        Change("cell", "tbl-fruit, row “apples”, column “Value”", "12", "15")
    ]


def test_escapes_are_read_and_added_rows_and_a_new_caption_are_reported():
    after = TABLE.replace("| pears\\-green | 7 |", "| pears-green | 8 |").replace(
        ": Synthetic", "| plums | 1 | 2003 |\n\n: Other synthetic"
    )
    changes = compare.cell_changes("tbl-fruit", TABLE, after)
    assert [change.where for change in changes] == [
        "tbl-fruit, row “pears-green”, column “Value”",
        "tbl-fruit, row “plums”",
        "tbl-fruit, caption",
    ]
    assert changes[1].new == "plums | 1 | 2003"


def test_rows_whose_first_cell_repeats_are_named_by_position():
    table = TABLE.replace("pears\\-green", "apples")
    changes = compare.cell_changes("tbl-fruit", table, table.replace("| 7 |", "| 9 |"))
    assert [change.where for change in changes] == ["tbl-fruit, row “row 2”, column “Value”"]


def test_coded_rows_are_matched_by_their_key_not_their_position():
    before = "fruit_id,count,locator\napple,12,Intro ¶1\npear,7,Intro ¶2\n"
    after = "fruit_id,count,locator\npear,7,Intro ¶2\napple,13,Intro ¶1\nplum,2,Intro ¶3\n"
    assert compare.row_changes("fruit", before, after, ["fruit_id"]) == [
        Change("row", "fruit row apple: count", "12", "13"),
        Change("row", "fruit row plum", "", "fruit_id=plum, count=2, locator=Intro ¶3"),
    ]


def test_primary_keys_come_from_the_data_package_and_its_schemas(tmp_path):
    package = {"resources": [{"name": "fruit", "path": "raw/fruit.csv", "schema": "fruit.json"}]}
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "datapackage.json").write_text(json.dumps(package))
    schema = {"fields": [{"name": "fruit_id"}], "primaryKey": "fruit_id"}
    (tmp_path / "data" / "fruit.json").write_text(json.dumps(schema))
    assert compare.table_keys(tmp_path) == {"fruit": ["fruit_id"]}


PAPER = """
<section id="sec-intro" class="level2" data-number="1">
<h2 data-number="1"><span class="header-section-number">1</span> Intro</h2>
<figure id="fig-apples"><img src="x.svg" /><figcaption>Figure&#160;1: Apples.</figcaption></figure>
<table id="tbl-fruit"><caption>Table 1: Fruit.</caption></table>
</section>
<div id="refs" role="list">
<div id="ref-doe2001" class="csl-entry" role="listitem">Doe, J. 2001. <em>Apples</em>.</div>
</div>
"""


def test_numbering_and_references_are_read_from_the_rendered_paper():
    assert compare.numbering(PAPER) == {
        "sec-intro": "1",
        "fig-apples": "Figure 1",
        "tbl-fruit": "Table 1",
    }
    assert compare.references(PAPER) == {"doe2001": "Doe, J. 2001. Apples ."}


def test_changed_lines_carry_their_line_numbers():
    before = "# Title\n\nApples are red.\nPears are green.\n"
    after = "# Title\n\nApples are red or green.\nPears are green.\nPlums are blue.\n"
    assert compare.line_changes("manuscript/a.qmd", before, after) == [
        Change("manuscript", "manuscript/a.qmd:3", "Apples are red.", "Apples are red or green."),
        Change("manuscript", "manuscript/a.qmd:5", "", "Plums are blue."),
    ]


RAW = Change("raw", "data/raw/fruit.csv row apple: count", "12", "13")
OTHER = Change("raw", "data/raw/fruit.csv row pear: count", "7", "8")
UNRELATED = Change("raw", "data/raw/weather.csv row rain: days", "3", "4")
CAUSES = {"raw": [RAW, OTHER, UNRELATED], "code": [], "manuscript": []}
LINEAGE = {"values": (None, set()), "tbl-fruit": ({"fruit"}, {"analysis/scripts/tbl_fruit.py"})}


def test_a_value_is_tied_to_the_row_its_key_names():
    value = Change("value", "fruit.apple.count", "12", "13")
    tied = paper_diff.tie("values_in_prose", value, CAUSES, LINEAGE)
    assert tied.causes == (RAW.line(),)


def test_a_cell_is_tied_to_the_upstream_row_whose_text_it_shows():
    cell = Change("cell", "tbl-fruit, row “apples”, column “Value”", "12", "13")
    assert paper_diff.tie("cells", cell, CAUSES, LINEAGE).causes == (RAW.line(),)
    # A cell that shows no changed text is tied to every changed row of its upstream tables.
    total = Change("cell", "tbl-fruit, row “total”, column “Value”", "19", "21")
    assert paper_diff.tie("cells", total, CAUSES, LINEAGE).causes == (RAW.line(), OTHER.line())


def test_a_change_with_nothing_upstream_says_so_and_code_is_a_cause_of_its_own_artifact():
    code = Change("code", "analysis/scripts/tbl_fruit.py", "aaa", "bbb")
    cell = Change("cell", "tbl-fruit, caption", "Fruit.", "Fruits.")
    tied = paper_diff.tie("cells", cell, {"raw": [], "code": [code], "manuscript": []}, LINEAGE)
    assert tied.causes == (code.line(),)
    alone = paper_diff.tie("cells", cell, {"raw": [], "code": [], "manuscript": []}, LINEAGE)
    assert "no source upstream of it changed" in alone.causes[0]


def test_the_report_is_one_page_with_nothing_from_elsewhere_and_escapes_what_it_quotes(tmp_path):
    document = {
        "from": "HEAD~1 (0123456789)",
        "to": "working tree",
        "warning": "",
        "effects": {group: [] for group in ("values_in_prose", "other_values", "cells")}
        | {"figures": [], "references": [], "numbering": []},
        "sources": {"raw": [], "code": [], "manuscript": []},
    }
    cell = Change("cell", "tbl-x, row “<b>”", "a & b", "<script>", (RAW.line(),))
    document["effects"]["cells"] = [cell.__dict__]
    report = paper_diff.write(document, tmp_path)
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page
    assert "src=" not in page and "href=" not in page and "@import" not in page
    assert paper_diff.results_changed(document)
    assert json.loads(Path(tmp_path, "diff.json").read_text())["effects"]["cells"][0]["new"] == (
        "<script>"
    )
    assert "tbl-x, row “<b>”: a & b → <script>" in paper_diff.summary(document)


def test_the_data_a_figure_plots_are_its_cleaned_tables_whether_named_cleaned_or_coded():
    cleaned = {"inputs": "results/data/fruit.csv; results/data/weather.csv"}
    coded = {"inputs": ["data/raw/fruit.csv", "data/schemas/fruit.schema.json", "x/y.py"]}
    assert compare.plotted_data(cleaned) == ["results/data/fruit.csv", "results/data/weather.csv"]
    assert compare.plotted_data(coded) == ["results/data/fruit.csv"]


def test_a_failed_build_is_reported_by_the_steps_own_error_line(tmp_path, monkeypatch):
    """A synthetic tree whose build fails (the build itself replaced): the error names the step's
    one-line message, not Snakemake's account of which job failed."""

    def failing(tree):
        log = tree / "results" / "logs" / "clean.log"
        log.parent.mkdir(parents=True)
        log.write_text("reading\nerror: data/raw/fruit.csv:3: count: not a number\n")
        return subprocess.CompletedProcess([], 1, "", "WorkflowError: a job failed")

    monkeypatch.setattr(paper_diff.verify, "rebuild", failing)
    with pytest.raises(paper_diff.DiffError) as raised:
        paper_diff.build(tmp_path, "HEAD~1")
    assert str(raised.value) == (
        "the build of HEAD~1 failed:\nerror: data/raw/fruit.csv:3: count: not a number"
    )


def test_a_figure_lists_the_rows_it_plots_that_changed_and_says_when_its_drawing_did_not(
    tmp_path,
):
    """Two synthetic builds of a figure that plots one cleaned table."""
    trees = []
    for name, year, drawing in (
        ("before", "2001", "<svg>1</svg>"),
        ("after", "2002", "<svg>1</svg>"),
    ):
        tree = tmp_path / name
        (tree / "results" / "data").mkdir(parents=True)
        (tree / "results" / "figures").mkdir()
        (tree / "results" / "data" / "fruit.csv").write_text(f"fruit_id,year\napple,{year}\n")
        (tree / "results" / "figures" / "fig-fruit.svg").write_text(drawing)
        trees.append(tree)
    record = {"inputs": "results/data/fruit.csv", "output": "results/figures/fig-fruit.svg"}

    def lines() -> list[str]:
        changes = compare.artifact_changes(record["output"], *trees, {}, record)
        return [change.line() for change in changes]

    assert lines() == [
        "fig-fruit: fruit row apple: year: 2001 → 2002",
        "fig-fruit: its drawing is the same (no changed field is drawn)",
    ]
    (trees[0] / "results" / "data" / "fruit.csv").write_text("fruit_id,year\napple,2002\n")
    (trees[1] / "results" / "figures" / "fig-fruit.svg").write_text("<svg>2</svg>")
    assert lines() == ["fig-fruit: the drawing changed; the data it plots did not"]


def test_a_value_whose_record_names_its_rows_is_tied_to_those_rows():
    """The appendix's record of a value (captions.json) lists the coded rows it comes from."""
    lineage = LINEAGE | {"value fruit.total.count": ({"fruit row pear"}, set())}
    total = Change("value", "fruit.total.count", "19", "20")
    assert paper_diff.tie("other_values", total, CAUSES, lineage).causes == (OTHER.line(),)
