"""The DOCX and JATS outputs of the real build: they open, and hold what the HTML holds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from tests.build.test_paper import SECTIONS
from tests.workflow import FIGURES, TABLES, in_manuscript_order
from tooling.quarto import front_matter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XLINK = "{http://www.w3.org/1999/xlink}"


def flat(text: str | None) -> str:
    return " ".join((text or "").split())


def text_of(element: ET.Element | None) -> str:
    return flat("".join(element.itertext())) if element is not None else ""


@pytest.fixture(scope="session")
def metadata(built) -> dict:
    return front_matter(built / "manuscript" / "article.qmd")


@pytest.fixture(scope="session")
def html_references(html) -> list[str]:
    return re.findall(r'<div id="ref-([^"]+)" class="csl-entry"', html)


# DOCX -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def docx(built) -> Path:
    return built / "results" / "paper.docx"


@pytest.fixture(scope="session")
def docx_paragraphs(docx) -> list[tuple[str | None, str]]:
    """(style, text) of every paragraph of the document body, in order."""
    with zipfile.ZipFile(docx) as package:
        root = ET.fromstring(package.read("word/document.xml"))
    paragraphs = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        text = "".join(run.text or "" for run in paragraph.iter(f"{W}t"))
        paragraphs.append((style.get(f"{W}val") if style is not None else None, flat(text)))
    return paragraphs


def styled(paragraphs, prefix: str) -> list[str]:
    return [text for style, text in paragraphs if style and style.startswith(prefix)]


def test_docx_is_a_word_package_with_its_figures(docx, built):
    """Each figure is the PNG its step drew (pandoc would need rsvg-convert for an SVG)."""
    assert zipfile.is_zipfile(docx)
    with zipfile.ZipFile(docx) as package:
        assert package.testzip() is None
        names = set(package.namelist())
        assert {"[Content_Types].xml", "word/document.xml", "word/styles.xml"} <= names
        relationships = ET.fromstring(package.read("word/_rels/document.xml.rels"))
        images = [
            relation.get("Target")
            for relation in relationships
            if relation.get("Type", "").endswith("/image")
        ]
        media = sorted(name for name in names if name.startswith("word/media/"))
        embedded = sorted(package.read(name) for name in media)
    drawn = sorted((built / "results" / "figures" / f"{f}.png").read_bytes() for f in FIGURES)
    assert embedded == drawn
    assert all(image.startswith(b"\x89PNG\r\n\x1a\n") for image in embedded)
    assert sorted(f"word/{target}" for target in images) == media


def test_docx_holds_title_every_section_and_the_references(
    docx, docx_paragraphs, metadata, html_references
):
    assert styled(docx_paragraphs, "Title") == [metadata["title"]]
    headings = styled(docx_paragraphs, "Heading")
    for section in SECTIONS:
        assert any(heading.endswith(section) for heading in headings), section
    assert len(styled(docx_paragraphs, "Bibliography")) == len(html_references)
    with zipfile.ZipFile(docx) as package:
        core = package.read("docProps/core.xml").decode("utf-8")
    assert f"<dc:title>{metadata['title']}</dc:title>" in core
    assert metadata["author"][0]["name"] in core


def test_docx_captions_are_numbered(docx_paragraphs):
    figures = styled(docx_paragraphs, "ImageCaption")
    tables = [text for text in styled(docx_paragraphs, "TableCaption") if text.startswith("Table")]
    assert [caption.split(":")[0] for caption in figures] == [
        f"Figure {number}" for number in range(1, len(FIGURES) + 1)
    ]
    assert [caption.split(":")[0] for caption in tables] == [
        f"Table {number}" for number in range(1, len(TABLES) + 1)
    ]


# JATS -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def jats_path(built) -> Path:
    return built / "results" / "paper.xml"


@pytest.fixture(scope="session")
def jats(jats_path) -> ET.Element:
    return ET.parse(jats_path).getroot()


def test_jats_declares_the_archiving_tag_set(jats_path, jats, metadata):
    prolog = jats_path.read_text(encoding="utf-8").split("<article", 1)[0]
    assert "<!DOCTYPE article PUBLIC" in prolog
    assert "Journal Archiving and Interchange DTD v1.2" in prolog
    assert jats.tag == "article"
    assert jats.get("dtd-version") == "1.2"
    assert jats.get("{http://www.w3.org/XML/1998/namespace}lang") == metadata["lang"]
    assert [child.tag for child in jats] == ["front", "body", "back"]


def test_jats_front_matter(jats, metadata):
    meta = jats.find("front/article-meta")
    assert text_of(meta.find("title-group/article-title")) == metadata["title"]
    assert text_of(meta.find("title-group/subtitle")) == metadata["subtitle"]
    contributors = meta.findall("contrib-group/contrib[@contrib-type='author']")
    assert [text_of(c.find("string-name")) for c in contributors] == [
        author["name"] for author in metadata["author"]
    ]
    assert text_of(contributors[0].find("role")).startswith("Makers of this edition")
    assert meta.find("contrib-group/aff") is None and meta.find(".//aff") is None
    abstract = text_of(meta.find("abstract"))
    assert abstract.startswith("This reproducible edition restates")
    assert [text_of(k) for k in meta.findall("kwd-group/kwd")] == metadata["keywords"]
    licences = [text_of(p) for p in meta.findall("permissions/license/license-p")]
    assert any("CC BY 4.0" in text for text in licences)


def test_jats_body_has_every_section(jats):
    titles = [text_of(title) for title in jats.findall("body//sec/title")]
    for section in SECTIONS:
        assert section in titles, section
    labels = [sec.find("label") for sec in jats.findall("body/sec")]
    numbered = [text_of(label) for label in labels if label is not None]
    assert numbered[:3] == ["1", "2", "3"]


def test_jats_figures_have_label_caption_and_a_graphic_that_exists(jats, jats_path):
    figures = jats.findall(".//fig")
    assert [fig.get("id") for fig in figures] == in_manuscript_order(FIGURES)
    for number, fig in enumerate(figures, start=1):
        assert [child.tag for child in fig][:2] == ["label", "caption"]
        assert text_of(fig.find("label")) == f"Figure {number}"
        caption = text_of(fig.find("caption"))
        assert caption and not caption.startswith("Figure")
        graphic = fig.find("graphic")
        href = graphic.get(f"{XLINK}href")
        assert not PurePosixPath(href).is_absolute()
        assert (jats_path.parent / href).is_file(), href
        assert text_of(graphic.find("alt-text"))


def test_jats_tables_have_label_caption_and_the_table(jats):
    wraps = [w for w in jats.findall(".//table-wrap") if w.get("id", "").startswith("tbl-")]
    assert [wrap.get("id") for wrap in wraps] == in_manuscript_order(TABLES)
    for number, wrap in enumerate(wraps, start=1):
        assert [child.tag for child in wrap][:2] == ["label", "caption"]
        assert text_of(wrap.find("label")) == f"Table {number}"
        caption = text_of(wrap.find("caption"))
        assert caption and not caption.startswith("Table")
        assert wrap.find("table/thead/tr/th") is not None
        assert wrap.find("table/tbody/tr/td") is not None


def test_jats_reference_list_has_one_ref_per_cited_work(jats, html_references):
    refs = jats.findall("back/ref-list/ref")
    assert len(refs) == len(html_references)
    assert sorted(ref.get("id") for ref in refs) == sorted(f"ref-{key}" for key in html_references)
    for ref in refs:
        assert text_of(ref.find("mixed-citation")), ref.get("id")


def test_jats_cross_references_all_resolve(jats):
    ids = {element.get("id") for element in jats.iter() if element.get("id")}
    targets = {xref.get("rid") for xref in jats.iter("xref")}
    assert {f"ref-{key}" for key in ("rosemann2013", "liao2008")} <= targets
    assert set(FIGURES) | set(TABLES) <= targets
    assert targets <= ids, sorted(targets - ids)
    bibliographic = [x for x in jats.iter("xref") if x.get("rid", "").startswith("ref-")]
    assert all(xref.get("ref-type") == "bibr" for xref in bibliographic)


def test_jats_appendices_are_back_matter(jats, built):
    manuscript = (built / "manuscript" / "article.qmd").read_text(encoding="utf-8")
    expected = re.findall(r"^# (Appendix[^{\n]*?)\s*(?:\{|$)", manuscript, flags=re.M)
    apps = jats.findall("back/app-group/app")
    assert [text_of(app.find("title")) for app in apps] == expected
    body_titles = [text_of(title) for title in jats.findall("body/sec/title")]
    assert not [title for title in body_titles if title.startswith("Appendix")]


# All four formats ---------------------------------------------------------------------------


def test_numbers_captions_and_reference_texts_agree_across_formats(built, html):
    """Every "Figure N"/"Table N"/"Section N" a reader meets is the same in the HTML, the PDF,
    the DOCX and the JATS, and each float's numbered caption opens the same way in all four."""
    from tests.conformance.test_conformance import normalise, visible_text

    outputs = {"html": "paper.html", "pdf": "paper.pdf", "docx": "paper.docx", "jats": "paper.xml"}
    captions = [
        normalise(re.sub(r"<[^>]+>", "", caption))
        for caption in re.findall(r"<(?:figcaption|caption)>(.*?)</", html, flags=re.S)
    ]
    openings = [
        " ".join(caption.split()[:5]) for caption in captions if caption[:6] in ("Figure", "Table ")
    ]
    assert len(openings) == len(FIGURES) + len(TABLES)
    numbers = {}
    for to, name in outputs.items():
        text = visible_text(built / "results" / name, to)
        numbers[to] = set(re.findall(r"\b(?:Figure|Table|Section) \d+(?:\.\d+)*", text))
        for opening in openings:
            assert opening in text, (to, opening)
    assert numbers["html"], "no numbered figure, table or section found"
    for to in ("pdf", "docx", "jats"):
        assert numbers[to] == numbers["html"], to


# The reference list's certainty marks ------------------------------------------------------------

MARKS = {"likely": "[unverified]", "identification uncertain": "[not identified]"}


@pytest.fixture(scope="session")
def expected_marks(built) -> dict[str, str | None]:
    """Each cited entry's mark as references.bib's x-status implies it (None: verified)."""
    from compendium.bibliography import load_bibliography

    entries = load_bibliography(built / "references.bib")
    return {key: MARKS.get(entry.fields["x-status"]) for key, entry in entries.items()}


def test_every_format_marks_exactly_the_entries_that_are_not_verified(
    html, pdf_text, docx_paragraphs, jats, html_references, expected_marks
):
    html_entries = dict(
        re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', html, re.S)
    )
    jats_entries = {ref.get("id")[4:]: text_of(ref) for ref in jats.findall("back/ref-list/ref")}
    docx_entries = styled(docx_paragraphs, "Bibliography")
    assert set(html_entries) == set(jats_entries) == set(html_references)
    marked = [key for key in html_references if expected_marks[key]]
    assert marked and len(marked) < len(html_references)  # both kinds are cited
    for key in html_references:
        for shown in (flat(re.sub(r"<[^>]+>", "", html_entries[key])), jats_entries[key]):
            mark = expected_marks[key]
            if mark:
                assert shown.endswith(mark), (key, shown)
            else:
                assert not shown.endswith("]"), (key, shown)
    # DOCX and PDF carry no entry ids: as many marks as entries to mark
    for kind, mark in MARKS.items():
        count = sum(1 for key in html_references if expected_marks[key] == mark)
        assert sum(text.endswith(mark) for text in docx_entries) == count, kind
        assert flat(pdf_text).count(mark) == count + 1, kind  # + the note that explains it
