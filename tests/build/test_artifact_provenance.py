"""From a figure or table to its code and its coded rows in one hop: captions, the appendix and
the README map of the real build name the module that computes each artifact and the coding
sheets it comes from, and give figure and table numbers beside the labels."""

from __future__ import annotations

import re

from tests.workflow import FIGURES, TABLES

TD = r"<td[^>]*>(.*?)</td>"


def caption_number(html: str, label: str) -> str:
    """ "Figure 2" as the paper's caption of `label` prints it."""
    match = re.search(rf'id="{label}".*?((?:Figure|Table))(?:\s|&nbsp;|\xa0)+(\d+)', html, re.S)
    return f"{match[1]} {match[2]}"


def provenance_note(html: str, label: str) -> str:
    start = html.index(f'id="{label}"')
    note = re.search(r'class="provenance">(.*?)</span>', html[start:], re.S)[1]
    return " ".join(re.sub(r"<[^>]+>", "", note).split())


def test_captions_name_the_computing_module_and_the_coding_sheets(built, html):
    for label in [*FIGURES, *TABLES]:
        note = provenance_note(html, label)
        module = re.match(r"Made by (analysis/compendium/\S+\.py) \((\w+\.\w+)\) from", note)
        assert module, note
        assert (built / module[1]).is_file()
        function = module[2].split(".")[1]
        assert f"def {function}(" in (built / module[1]).read_text(encoding="utf-8")
        sheets = re.findall(r"data/raw/\w+\.csv", note)
        assert sheets and all((built / sheet).is_file() for sheet in sheets), note
        assert "results/data/" not in note and "analysis/scripts/" not in note


def test_the_map_gives_each_artifact_the_number_the_paper_prints(built, html):
    generated = (built / "results" / "provenance" / "readme-map.md").read_text(encoding="utf-8")
    for label in [*FIGURES, *TABLES]:
        row = re.search(rf"^\| ((?:Figure|Table) \d+) \(`{label}`\) \| `(analysis/compendium/\S+)`",
                        generated, re.M)  # fmt: skip
        assert row, label
        assert row[1] == caption_number(html, label)


def test_the_appendix_gives_a_cleaned_table_its_own_sheet_and_numbers_the_artifacts(built, html):
    appendix = html[html.index('id="sec-appendix-provenance"') :]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", appendix, re.S)
    cells = [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(TD, row, re.S)]
        for row in rows
    ]
    cleaned = [row for row in cells if row and row[0].startswith("results/data/")]
    assert cleaned
    for artifact, _, sheets, _ in cleaned:
        assert sheets == artifact.replace("results/data/", "data/raw/")
    for label in [*FIGURES, *TABLES]:
        row = next(row for row in cells if row and f"({label})" in row[0])
        assert row[0].startswith(f"{caption_number(html, label)} ({label})"), row
        assert row[1].startswith("analysis/compendium/"), row
