"""Data values that look like markup reach every output as the text they are.

One rebuild of a copy of the built tree in which three coded values hold HTML, Markdown, typst
and matplotlib markup (`<script>`, `*`, `_`, `#`, `$`, `@`, a shortcode, a backslash, a link):
a provision's name, which the prose prints through `{{< var >}}`; a modality's label, which a
table and a figure show; a case's name, which a table lists. Each must appear literally in the
HTML, the PDF, the DOCX and the JATS XML, and the label literally in the figure.
"""

from __future__ import annotations

import csv
import html as html_module
import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.build.launcher import launch
from tests.workflow import copy_tree

#: Printed by the prose (provision name): every character markdown, HTML or typst would act on.
PROSE = r"<script>alert(1)</script> *a* _b_ #c $d$ @ding2011 {{< var x >}} \e [l](x) ~s~ ^t^"
#: Shown in tbl-modalities and drawn in fig-coexistence (modality label): short enough to draw.
LABEL = "$d$ #c <i>*a*</i> @ding2011"
#: Listed in tbl-modalities (case name).
CASE = "<b>Case</b> *one* #2 $3 @ding2011"

PROVISION = "draft-2010-scope-isscr-reference"
MODALITY = "approved-trial"


def edit_cell(path: Path, key_column: str, key: str, column: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    matches = [row for row in rows if row[key_column] == key]
    assert len(matches) == 1, (path.name, key)
    matches[0][column] = value
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def first_case_of(tree: Path, modality: str) -> str:
    with open(tree / "data" / "raw" / "cases.csv", encoding="utf-8", newline="") as handle:
        return next(row["case_id"] for row in csv.DictReader(handle) if row["modality"] == modality)


def flat(text: str) -> str:
    return " ".join(text.split())


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return flat(html_module.unescape(re.sub(r"<[^>]+>", " ", body)))


def oblique_glyphs(svg: str) -> int:
    """Glyphs of the italic font: matplotlib uses them for $math$."""
    return len(re.findall(r'id="DejaVuSans-Oblique-', svg))


@pytest.fixture(scope="module")
def hostile(built, tmp_path_factory) -> Path:
    tree = copy_tree(built, tmp_path_factory.mktemp("hostile") / "tree")
    raw = tree / "data" / "raw"
    edit_cell(raw / "provisions.csv", "provision_id", PROVISION, "name", PROSE)
    edit_cell(raw / "modalities.csv", "modality_id", MODALITY, "label", LABEL)
    edit_cell(raw / "cases.csv", "case_id", first_case_of(tree, MODALITY), "name", CASE)
    completed = launch(tree)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return tree


def test_values_reach_values_json_unchanged(hostile):
    values = yaml.safe_load((hostile / "results" / "values.json").read_text(encoding="utf-8"))
    assert values["provision"][PROVISION]["name"] == PROSE


def test_html_shows_the_markup_as_text_and_runs_no_script(built, hostile):
    clean = (built / "results" / "paper.html").read_text(encoding="utf-8")
    html = (hostile / "results" / "paper.html").read_text(encoding="utf-8")
    text = visible_text(html)
    for value in (PROSE, LABEL, CASE):
        assert flat(value) in text, value
    assert html.count("<script") == clean.count("<script")
    assert "<b>Case</b>" not in html and "<i>*a*</i>" not in html


def test_pdf_shows_the_markup_as_text(hostile):
    from pypdf import PdfReader

    reader = PdfReader(hostile / "results" / "paper.pdf")
    text = flat(" ".join(page.extract_text() or "" for page in reader.pages))
    for value in (PROSE, LABEL, CASE):
        assert flat(value) in text, value


@pytest.mark.parametrize(
    ("name", "member"), [("paper.docx", "word/document.xml"), ("paper.xml", None)]
)
def test_docx_and_jats_show_the_markup_as_text(hostile, name, member):
    path = hostile / "results" / name
    if not path.exists():
        pytest.skip(f"the build makes no {name}")
    if member:
        with zipfile.ZipFile(path) as archive:
            markup = archive.read(member).decode("utf-8")
    else:
        markup = path.read_text(encoding="utf-8")
    text = flat(html_module.unescape(re.sub(r"<[^>]+>", "", markup)))
    for value in (PROSE, LABEL, CASE):
        assert flat(value) in text, (name, value)


def test_the_figure_draws_the_label_literally_not_as_math(built, hostile):
    svg = (hostile / "results" / "figures" / "fig-coexistence.svg").read_text(encoding="utf-8")
    clean = (built / "results" / "figures" / "fig-coexistence.svg").read_text(encoding="utf-8")
    drawn = flat(" ".join(html_module.unescape(text) for text in re.findall(r"<!--(.*?)-->", svg)))
    assert flat(LABEL) in drawn
    assert oblique_glyphs(svg) == oblique_glyphs(clean), "a $...$ in a label was drawn as math"
