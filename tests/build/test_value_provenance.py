"""Every number the prose prints links to its provenance entry, in HTML, PDF and DOCX.

The entry gives the value, the workflow rule and script, the function that computed it and the
coded rows (with their locators) it came from; the checks below read those rows back from
data/raw/ of the built tree, so an entry that names a row the coding does not hold fails.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import pytest

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class ValueLinks(HTMLParser):
    """The value links of a page (key, target, text, note) and its value entries (id → text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.entries = [], {}
        self.link = self.entry = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "a" and "value" in classes:
            self.link = {"key": attributes["data-value-key"], "href": attributes["href"],
                         "text": "", "note": None}  # fmt: skip
        elif tag == "span" and "value-note" in classes and self.link is not None:
            self.link["note"] = attributes["data-note"]
            self.link["hidden"] = attributes.get("aria-hidden")
        elif tag == "div" and "value-entry" in classes:
            self.entry = attributes["id"]
            self.entries[self.entry] = ""

    def handle_endtag(self, tag):
        if tag == "a" and self.link is not None:
            self.links.append(self.link)
            self.link = None
        elif tag == "div":
            self.entry = None

    def handle_data(self, data):
        if self.link is not None:
            self.link["text"] += data
        if self.entry is not None:
            self.entries[self.entry] += data


def flat(text: str) -> str:
    return " ".join(text.split())


VALUE = re.compile(r"\{\{<\s*var\s+(\S+)\s*>\}\}")


def prose_keys(built, headings: bool = True) -> set[str]:
    """The value keys the manuscript's text and the tables' captions print (not those of alt
    text, which is no link), with or without those of headings (whose text the contents repeat
    as a link: no link)."""
    manuscript = "\n".join(
        (built / "manuscript" / name).read_text(encoding="utf-8")
        for name in ("article.qmd", "captions.yml")
    )
    text = re.sub(r'fig-alt="[^"]*"', "", manuscript)
    if not headings:
        text = re.sub(r"^#.*$", "", text, flags=re.M)
    return set(VALUE.findall(text))


def value_of(built, key: str) -> str:
    node = json.loads((built / "results" / "values.json").read_text(encoding="utf-8"))
    for part in key.split("."):
        node = node[part]
    return node


def coded_locators(built, table: str) -> dict[str, str]:
    with (built / table).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    identifier = next(iter(rows[0]))
    return {row[identifier]: row["locator"] for row in rows}


@pytest.fixture(scope="module")
def page(html) -> ValueLinks:
    parser = ValueLinks()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def links(page) -> list[dict]:
    return page.links


@pytest.fixture(scope="module")
def entries(page) -> dict[str, str]:
    """Entry text by value key."""
    return {anchor.removeprefix("value-"): flat(text) for anchor, text in page.entries.items()}


def test_every_value_the_prose_prints_is_a_link_naming_its_key(built, links):
    keys = prose_keys(built, headings=False)
    assert len(keys) > 50
    assert keys <= {link["key"] for link in links}
    for link in links:
        assert link["href"] == f"#value-{link['key']}"
        # the reader sees the value as it was, nothing more; the note is for the eye only
        assert flat(link["text"]) == value_of(built, link["key"])
        assert link["note"].startswith(f"{link['key']} = {flat(link['text'])} · compendium.values.")
        assert link["hidden"] == "true"


#: The places that end a locator group: " ¶1, ¶3" of a section, " 2, 5" of the footnotes.
PLACES = r" (?:¶?\d+, )*¶?\d+$"


def expanded(cited: str) -> list[str]:
    """The locators a group such as "Conclusions ¶1, ¶3; Footnote 2, 5" gathers, one by one."""
    places = []
    for group in cited.split("; "):
        found = re.search(PLACES, group)
        if found is None:
            places.append(group)
        else:
            head = group[: found.start()]
            places += [f"{head} {mark}" for mark in found.group().strip().split(", ")]
    return places


def test_every_value_the_prose_prints_has_an_appendix_entry_with_its_rows(built, entries):
    for key in prose_keys(built):
        text = entries[key]
        assert text.startswith(f"{key}: {value_of(built, key)}. Computed by the rule values"), text
        assert "analysis/scripts/values.py" in text and "compendium.values." in text
        tables = re.findall(
            r"(data/raw/\w+\.csv) rows? (.*?), which cites? (.*?)(?=; and from |\.$)", text
        )
        assert tables, text
        for table, rows, cited in tables:
            locators = coded_locators(built, table)
            parts = [part.strip() for row in rows.split(", ") for part in locators[row].split(";")]
            assert sorted(expanded(cited)) == sorted(set(parts)), text
            # a section is named once, and the sections come in the order the rows cite them
            heads = [re.sub(PLACES, "", part) for part in parts]
            named = [re.sub(PLACES, "", group) for group in cited.split("; ")]
            assert named == list(dict.fromkeys(heads)), text


def test_an_entry_for_every_link_and_a_link_for_every_value_outside_headings(built, links, entries):
    linked = {link["key"] for link in links}
    assert set(entries) == linked | prose_keys(built)
    assert set(entries) - linked == prose_keys(built) - prose_keys(built, headings=False)


def test_docx_numbers_link_to_their_entries(built):
    with zipfile.ZipFile(built / "results" / "paper.docx") as package:
        root = ET.fromstring(package.read("word/document.xml"))
        notes = ET.fromstring(package.read("word/footnotes.xml"))
    # a bookmark opens before its paragraph (a div's) or inside it (a heading's)
    paragraph_of_bookmark, pending = {}, []
    for element in root.iter():
        if element.tag == f"{W}bookmarkStart":
            pending.append(element.get(f"{W}name"))
        elif element.tag == f"{W}p":
            text = "".join(run.text or "" for run in element.iter(f"{W}t"))
            for name in pending:
                paragraph_of_bookmark[name] = text
            pending = []
    linked: dict[str, set[str]] = {}
    for hyperlink in [*root.iter(f"{W}hyperlink"), *notes.iter(f"{W}hyperlink")]:
        target = paragraph_of_bookmark.get(hyperlink.get(f"{W}anchor"), "")
        text = "".join(run.text or "" for run in hyperlink.iter(f"{W}t"))
        linked.setdefault(target.split(": ")[0], set()).add(text)
    for key in prose_keys(built, headings=False):
        assert value_of(built, key) in linked.get(key, set()), key


def test_pdf_numbers_link_to_the_pages_of_their_entries(built, links):
    from pypdf import PdfReader

    reader = PdfReader(built / "results" / "paper.pdf")
    page_of = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    entry_pages = {
        number
        for number, page in enumerate(reader.pages)
        if "Computed by the rule" in (page.extract_text() or "")
    }
    assert entry_pages
    into_entries = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            destination = annotation.get_object().get("/Dest")
            destination = destination.get_object() if destination is not None else None
            # typst links a number to its entry's place (page and position), not to a name
            if isinstance(destination, list) and page_of[destination[0].idnum] in entry_pages:
                into_entries += 1
    assert into_entries >= len(links)
