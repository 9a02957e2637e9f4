"""Data values that look like markup reach every output as the text they are.

Three coded values hold HTML, Markdown, typst and matplotlib markup (`<script>`, `*`, `_`, `#`,
`$`, `@`, a shortcode, a backslash, a link): a provision's name, which the prose prints through
`{{< var >}}`; a modality's label, which a table and a figure show; a case's name, which a table
lists. Each must appear literally in the HTML, the PDF, the DOCX and the JATS XML, and the label
literally in the figure. The values are edited in the session's `troubled` rebuild
(tests/build/troubled.py), whose leak fails only the leak check, and whose stand-in step that
needs a program outside the lock fails only itself.
"""

from __future__ import annotations

import html as html_module
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.build.troubled import CASE, LABEL, PROSE, PROVISION, leak_errors


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
def hostile(troubled) -> Path:
    """The rebuild with the values above: nothing but the leak check, which is meant to fail in
    it and runs last, and the stand-in step, whose output nothing reads, failed, so every output
    was made from them."""
    leaks, others = leak_errors(troubled.errors)
    assert leaks and all("rsvg-convert" in error for error in others), troubled.output[-3000:]
    failed = re.search(r"make: the build stopped in (.*?);", troubled.output)
    assert failed and set(failed[1].split(", ")) == {"check_leaks", "stand_in_rsvg_convert"}
    return troubled.tree


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
