"""The built paper against the standards it claims (tests.standards).

HTML: zero errors from the W3C Nu Html Checker; zero serious or critical axe-core violations;
language, one h1, headings in order, alt text, table captions and header cells. PDF: PDF/UA-1
and PDF/A-2b declared, title, author, language and keywords, a bookmark for every section, a
structure tree whose figures carry their alt text. Figures: labels at WCAG AA contrast.

Every check runs on the real build; their findings go to results/checks/standards.json of the
built tree. A checker whose program is missing (Java, Chromium, axe-core) skips its test on a
workstation, naming the command that installs it, and fails it in CI, which installs all three
(tests/optional_tools.py).
"""

from __future__ import annotations

import html as html_module
import itertools
import re

import pytest
import yaml

from tests import standards
from tests.conftest import ROOT
from tests.optional_tools import need
from tests.workflow import FIGURES
from tooling import render


def plain(fragment: str) -> str:
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def front_matter() -> dict:
    text = (ROOT / "manuscript" / "article.qmd").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


@pytest.fixture(scope="module")
def report(built) -> dict:
    """Every check on the built paper, written to results/checks/standards.json."""
    results = built / "results"
    html, pdf = results / "paper.html", results / "paper.pdf"
    found: dict = {"pdf_standards_requested": list(render.PDF_STANDARDS)}
    try:
        found["html_nu"] = standards.nu_check(html)
    except standards.ToolMissing as missing:
        found["html_nu"] = {"skipped": str(missing)}
    script = standards.axe_script(built)
    if script is None:
        found["html_axe"] = {"skipped": "axe-core is not installed (npm install -g axe-core)"}
    else:
        try:
            found["html_axe"] = standards.axe_check(html, script)
        except standards.ToolMissing as missing:
            found["html_axe"] = {"skipped": str(missing)}
    found["pdf"] = standards.pdf_check(pdf)
    found["figures"] = standards.figure_label_check(sorted((results / "figures").glob("*.svg")))
    standards.write_report(found, results / "checks" / "standards.json")
    return found


@pytest.fixture(scope="module")
def sections(html) -> list[str]:
    """The headings of the HTML's sections, without their numbers."""
    headings = re.findall(r"<h([23])[^>]*>(.*?)</h\1>", html, flags=re.S)
    titles = [re.sub(r"^\d+(\.\d+)*\s+", "", plain(text)) for _, text in headings]
    return [title for title in titles if title and title != "Contents"]


# HTML ---------------------------------------------------------------------------------------------


def test_html_is_valid_html5(report):
    nu = report["html_nu"]
    if "skipped" in nu:
        need("Java")
        pytest.fail(nu["skipped"])
    assert nu["errors"] == [], "\n".join(f"line {e['line']}: {e['message']}" for e in nu["errors"])


def test_html_has_no_serious_or_critical_accessibility_violations(report):
    axe = report["html_axe"]
    if "skipped" in axe:
        need("axe-core", "Chromium")
        pytest.fail(axe["skipped"])
    assert axe["blocking"] == [], "\n".join(
        f"{rule['impact']} {rule['id']}: {rule['help']} ({rule['count']}x: {rule['nodes'][:3]})"
        for rule in axe["blocking"]
    )


def test_html_declares_its_language_and_has_one_title_heading(html):
    assert re.search(r'<html[^>]* lang="en-US"', html)
    assert len(re.findall(r"<h1\b", html)) == 1
    assert re.search(r'<h1 class="title"', html)
    assert html.count("<main>") == 1 and html.count("</main>") == 1


def test_html_headings_descend_one_level_at_a_time(html):
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    steps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert steps == [], f"heading levels skip: {steps}"


def test_html_figures_carry_their_alt_text(html):
    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) == len(FIGURES)
    for image in images:
        alt = re.search(r'\balt="([^"]*)"', image)
        assert alt and len(alt[1]) > 40, image[:200]
    source = (ROOT / "manuscript" / "article.qmd").read_text(encoding="utf-8")
    for alt in re.findall(r'fig-alt="([^"]+)"', source):
        if "{{<" in alt:  # a value is filled in: the rendered text differs
            continue
        assert f'alt="{html_module.escape(alt, quote=True)}"' in html or alt in html


def test_html_tables_have_captions_and_header_cells(html):
    tables = re.findall(r"<table\b.*?</table>", html, flags=re.S)
    assert len(tables) >= 6
    for table in tables:
        assert "<caption>" in table or "<caption " in table, table[:200]
        assert "<th" in table, table[:200]


def test_html_links_have_text(html):
    for attributes, body in re.findall(r"<a\b([^>]*)>(.*?)</a>", html, flags=re.S):
        assert plain(body) or "aria-label" in attributes, attributes


# PDF ----------------------------------------------------------------------------------------------


def test_pdf_declares_pdf_ua_1_and_pdf_a_2b(report):
    declared = report["pdf"]["standards"]
    assert declared["pdfuaid:part"] == ["1"]
    assert declared["pdfaid:part"] == ["2"]
    assert declared["pdfaid:conformance"] == ["B"]


def test_pdf_metadata_has_title_author_language_keywords(report):
    pdf, meta = report["pdf"], front_matter()
    assert pdf["title"] == meta["title"]
    assert pdf["xmp"]["dc:title"] == [meta["title"]]
    assert all(author["name"] in pdf["author"] for author in meta["author"])
    assert pdf["lang"] == meta["lang"]
    assert pdf["display_doc_title"]
    keywords = [keyword.strip() for keyword in pdf["keywords"].split(",")]
    assert keywords == meta["keywords"]


def test_pdf_has_a_bookmark_for_every_section(report, sections):
    bookmarks = [re.sub(r"^\d+(\.\d+)*\s+", "", item["title"]) for item in report["pdf"]["outline"]]
    assert len(sections) >= 12
    assert bookmarks == sections


def test_pdf_is_tagged_and_its_figures_carry_alt_text(report, html):
    pdf = report["pdf"]
    assert pdf["tagged"] and pdf["marked"]
    html_alts = [
        html_module.unescape(alt) for alt in re.findall(r'<img\b[^>]*\balt="([^"]*)"', html)
    ]
    assert pdf["figure_alt_texts"] == html_alts
    assert pdf["structure"].get("Table", 0) >= 6
    assert pdf["structure"].get("H1", 0) + pdf["structure"].get("H2", 0) >= len(pdf["outline"])


# Figures and fonts --------------------------------------------------------------------------------


def test_figure_labels_reach_wcag_aa_contrast(report):
    figures = report["figures"]
    assert all(entry["labels"] > 0 for entry in figures["figures"].values())
    assert figures["failures"] == [], figures["failures"][:5]


def test_report_of_the_checks_is_written(built, report):
    written = built / "results" / "checks" / "standards.json"
    assert written.exists()
    assert '"pdfuaid:part"' in written.read_text(encoding="utf-8")


def test_label_contrast_check_sees_pale_text_and_dark_cells():
    svg = """<svg xmlns="http://www.w3.org/2000/svg">
      <g id="patch_1"><path d="M 0 0 L 100 0 L 100 20 L 0 20 z" style="fill: #333333"/></g>
      <g id="text_1"><!-- on dark --><g transform="translate(10 15) scale(0.1 -0.1)"/></g>
      <g id="text_2"><!-- pale --><g style="fill: #bbbbbb" transform="translate(10 50)"/></g>
      <g id="text_3"><!-- fine --><g style="fill: #ffffff" transform="translate(10 15)"/></g>
    </svg>"""
    labels = {label["text"]: label for label in standards.svg_text_contrast(svg)}
    assert labels["on dark"]["contrast"] < standards.AA_CONTRAST  # black on #333
    assert labels["pale"]["contrast"] < standards.AA_CONTRAST  # light grey on the page
    assert labels["fine"]["contrast"] > 7


def test_cjk_font_covers_every_cjk_character_of_the_sources():
    missing = standards.missing_cjk_characters(ROOT)
    assert not missing, (
        f"{standards.FONT_DIRECTORY / standards.CJK_FONT_FILE} lacks {''.join(sorted(missing))}; "
        "remake it: python -m tests.standards subset-font NotoSerifCJK-Regular.ttc "
        f"(see {standards.FONT_DIRECTORY}/README.md)"
    )
