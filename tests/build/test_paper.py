"""The real build: what a reader finds in the HTML and the PDF, and how a broken source fails."""

from __future__ import annotations

import re

import yaml

from tests.workflow import FIGURES, TABLES

SECTIONS = [
    "Introduction",
    "Experimental stem cell research and applications in China",
    "Patient- versus profit-driven experimental interventions with stem cells",
    "Research-driven experimentations with stem cells",
    "The Move toward International Integration",
    "Problematization and regulation",
    "The 2009 regulation and its impact",
    "The emergence of a comprehensive regulation",
    "The January 2012 notification",
    "National experimental pluralism",
    "Conclusions",
    "Data and methods of this edition",
]


def visible_text(html: str) -> str:
    """The text a reader sees: no tags, no embedded data, entities decoded."""
    import html as html_module

    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html_module.unescape(body).split())


def values(built) -> dict:
    return yaml.safe_load((built / "results" / "values.json").read_text(encoding="utf-8"))


def test_both_outputs_exist_and_are_not_trivial(built):
    assert (built / "results" / "paper.html").stat().st_size > 50_000
    pdf = (built / "results" / "paper.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 50_000


def test_html_has_title_sections_figures_tables(html):
    text = visible_text(html)
    assert "Medical innovation and national experimental pluralism" in text
    for heading in SECTIONS:
        assert heading in text, heading
    for label in [*FIGURES, *TABLES]:
        assert f'id="{label}"' in html, label
    assert len(re.findall(r"<img [^>]*src=\"data:image/svg\+xml", html)) == len(FIGURES)


def test_cross_references_are_numbered_links(html):
    text = visible_text(html)
    for number in (1, 2, 3):
        assert f"Figure {number}" in text
    for number in range(1, 7):
        assert f"Table {number}" in text
    assert re.search(r'<a href="#fig-timeline"[^>]*>Figure\s\d', html)
    assert re.search(r'<a href="#tbl-fieldwork"[^>]*>Table\s\d', html)
    assert re.search(r'<a href="#sec-[a-z0-9-]+"[^>]*>Section\s\d', html)


def test_values_reach_the_prose(built, html):
    text = visible_text(html)
    interviews = values(built)["count"]["interviews"]
    assert f"{interviews} interviews" in text
    assert values(built)["indicator"]["armed-police-treatment-episodes"]["value"] in text


def test_no_unresolved_markup_is_left(html):
    text = visible_text(html)
    for leftover in ("??", "{{<", ">}}", "@fig-", "@tbl-", "@sec-", "[[NUM", "MISSING."):
        assert leftover not in text, leftover


def test_citations_resolve_into_a_reference_list(html):
    assert 'id="refs"' in html
    entries = re.findall(r'<div id="ref-([a-z0-9]+)" class="csl-entry"', html)
    assert len(entries) >= 45
    assert "rosemann2013" in entries
    assert re.search(r'<a href="#ref-liao2008"', html)


def test_html_requests_nothing_from_another_host(html):
    remote = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+["']""", html)
    # Links a reader may follow are fine; scripts, styles, fonts and images must be embedded.
    for tag in re.findall(r"<(?:script|link|img|source|iframe)\b[^>]*>", html):
        assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", tag), tag
    assert "@import" not in html
    assert all("href" in item for item in remote)


def test_pdf_has_the_same_headings_and_captions(pdf_text):
    flat = " ".join(pdf_text.split())
    for heading in SECTIONS:
        assert heading in flat, heading
    for caption_start in ("Figure 1:", "Figure 3:", "Table 1:", "Table 6:"):
        assert caption_start.split(":")[0] in flat
    assert "References" in flat
    assert "??" not in flat
