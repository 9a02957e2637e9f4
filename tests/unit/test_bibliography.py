"""The bibliography and its checks.

The first half tests the real references.bib against the bibliography research notes that
accompany the source article: the expected keys and field values below are transcribed from
those notes (their citation inventory and reference blocks). The second half runs the check
functions on small synthetic fixtures, written inline, for the failures they must report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compendium.bibliography import check_citations, check_statuses, cited_keys, load_bibliography
from compendium.errors import BuildError

REFERENCES = Path(__file__).resolve().parents[2] / "references.bib"

# The 50 keys of the notes' citation inventory, in its order, then the article's own record.
INVENTORY = [
    "ding2011", "cure2009", "li2011", "li2008", "tang2008", "peng2008", "qiu2009",
    "cyranoski2009", "moh2012", "song2010", "bbc2009", "liao2008", "rosemann2012", "salter2009",
    "doh2008", "gu2003", "zhu2006", "cctv2007", "cctv2010", "peng2005", "li2007", "song2011",
    "sipp2012", "wang2009", "chen2010", "wang2007", "rjs2010", "ong2010",
    "sleeboomfaulkner2010", "vanzwanenberg2011", "liu2002", "cctv2002", "cctv2003", "huang2007",
    "southernweekend2006", "cyranoski2012", "isscr2008", "hyun2010", "chen2009", "qiu2010",
    "hu2010a", "faulkner2009", "ema2012", "hu2010", "webster2011", "chen2004", "han2011",
    "li2010", "tang2012", "gong2012",
]  # fmt: skip
ARTICLE_KEY = "rosemann2013"

# Confidence per entry, each entry as sure as its weakest part: the notes call 17 entries
# verified, but 6 of those rest on a probable identification (ding2011, peng2008, hyun2010) or an
# unconfirmed title or page range (cure2009, ong2010, gong2012), so they are likely; so is the
# article's own record, whose DOI and pages are only likely. chen2004's one candidate concerns
# autologous MSC while the citing sentence is about allogeneic MSC: not adopted, not identified.
LIKELY = {
    "liao2008", "salter2009", "qiu2009", "tang2008", "bbc2009", "ding2011", "peng2008",
    "hyun2010", "cure2009", "ong2010", "gong2012", "rosemann2013",
}  # fmt: skip
UNIDENTIFIED = {
    "li2011", "li2008", "rosemann2012", "gu2003", "zhu2006", "cctv2002", "cctv2003", "cctv2007",
    "cctv2010", "peng2005", "li2007", "sipp2012", "wang2009", "chen2010", "wang2007", "rjs2010",
    "sleeboomfaulkner2010", "liu2002", "huang2007", "southernweekend2006", "qiu2010", "hu2010a",
    "hu2010", "ema2012", "han2011", "li2010", "tang2012", "chen2004",
}  # fmt: skip

STATUS_FIELDS = {"x-status", "x-status-detail", "x-unconfirmed"}


@pytest.fixture(scope="module")
def bibliography():
    return load_bibliography(REFERENCES)


def plain(value: str) -> str:
    """A BibTeX value as the notes write it: no case-protecting braces, `\\&` as `&`."""
    return value.replace("{", "").replace("}", "").replace("\\&", "&")


# --- the real references.bib ----------------------------------------------------------------


def test_real_bibliography_parses(bibliography):
    assert len(bibliography) == len(INVENTORY) + 1


def test_real_bibliography_has_no_duplicate_key():
    text = REFERENCES.read_text(encoding="utf-8")
    keys = [key.lower() for key in re.findall(r"^@\w+\{([^,\s]+),", text, re.MULTILINE)]
    assert len(keys) == len(set(keys)) == len(INVENTORY) + 1


def test_inventory_is_complete():
    assert len(INVENTORY) == len(set(INVENTORY)) == 50


def test_every_inventory_key_has_an_entry_and_nothing_else(bibliography):
    assert set(bibliography) == {*INVENTORY, ARTICLE_KEY}


def test_entries_are_sorted_by_key(bibliography):
    assert list(bibliography) == sorted(bibliography)


def test_every_entry_records_how_sure_it_is(bibliography):
    for key, entry in bibliography.items():
        if key in UNIDENTIFIED:
            expected = "identification uncertain"
        elif key in LIKELY:
            expected = "likely"
        else:
            expected = "verified"
        assert entry.fields["x-status"] == expected, key
        assert entry.fields["x-status-detail"].strip(), key


def test_unidentified_entries_hold_only_what_the_article_gives(bibliography):
    # The article gives the author as cited and the year; for a few, a container, a translated
    # title or a footnote URL. Publication details would have to be invented.
    allowed = {"year", "title", "journal", "url", *STATUS_FIELDS}
    for key in UNIDENTIFIED:
        entry = bibliography[key]
        assert set(entry.fields) <= allowed, key
        assert list(entry.persons) == ["author"], key


def test_real_statuses_are_each_entrys_weakest_part(bibliography):
    check_statuses(bibliography, file=str(REFERENCES))
    assert sum(entry.fields["x-status"] == "verified" for entry in bibliography.values()) == 11


def test_rosemann2013_is_not_verified_while_its_pages_and_doi_are_likely(bibliography):
    entry = bibliography["rosemann2013"]
    assert entry.fields["x-status"] == "likely"
    assert {"doi", "pages"} <= {part.strip() for part in entry.fields["x-unconfirmed"].split(",")}


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"x-status": "verified", "x-unconfirmed": "pages"}, "x-unconfirmed lists 'pages'"),
        ({"x-status": "likely"}, "does not say what is unconfirmed"),
        ({"x-status": "probably fine"}, "is not one of"),
        ({}, "is not one of"),
    ],
)
def test_synthetic_overstated_status_names_entry_line_and_field(tmp_path, fields, complaint):
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    path = write(
        tmp_path,
        f"@misc{{first2001,\n  year = {{2001}},\n  x-status = {{verified}}\n}}\n\n"
        f"@misc{{second2002,\n{body}  year = {{2002}}\n}}\n",
    )
    with pytest.raises(BuildError) as raised:
        check_statuses(load_bibliography(path), file=str(path))
    assert raised.value.line == 6 and raised.value.field == "x-status"
    assert "'second2002'" in raised.value.message and complaint in raised.value.message


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [
        ("rosemann2013", "doi", "10.1057/biosoc.2012.39"),
        ("rosemann2013", "pages", "58--74"),
        ("rosemann2013", "volume", "8"),
        ("rosemann2013", "number", "1"),
        ("chen2009", "doi", "10.1080/14636770903151984"),
        ("chen2009", "pages", "267--282"),
        ("song2011", "journal", "New Genetics and Society"),
        ("song2011", "doi", "10.1080/14636778.2011.574375"),
        ("cyranoski2012", "doi", "10.1038/484149a"),
        ("cyranoski2012", "pages", "149"),  # the end page is unverified
        ("ding2011", "journal", "Journal of Technology Management & Innovation"),
        ("webster2011", "pages", "401--419"),
        ("liao2008", "pages", "613--618"),
        ("gong2012", "journal", "Cell Transplantation"),
        ("hyun2010", "doi", "10.1111/j.1748-720X.2010.00488.x"),
        ("moh2012", "number", "卫办科教函〔2011〕1177号"),
        ("moh2012", "url", "http://www.moh.gov.cn/publicfiles/business/htmlfiles/mohkjjys/s3582/201201/53890.htm"),
        ("isscr2008", "url", "http://www.isscr.org/home/publications/ClinTransGuide"),
        ("rjs2010", "url", "http://www.sfdachina.com/info/50-1.htm"),
        ("vanzwanenberg2011", "publisher", "Earthscan"),
        ("ong2010", "booktitle", "Asian Biotech: Ethics and Communities of Fate"),
        ("huang2007", "title", "A Truth Inquiry of Stem Cells: “Gambling” on the Hospital Bed"),
        ("faulkner2009", "title", "Regulatory policy as innovation: Constructing rules of"
            " engagement for a technological zone of tissue engineering in the European Union"),
    ],
)  # fmt: skip
def test_spot_checked_fields_match_the_notes(bibliography, key, field, value):
    assert plain(bibliography[key].fields[field]) == value


@pytest.mark.parametrize(
    ("key", "authors"),
    [
        ("ding2011",
            ["Ding, Jinxi", "Xue, Yajiong", "Liang, Huigang", "Shao, Rong", "Chen, Yongfa"]),
        ("webster2011", ["Webster, Andrew", "Haddad, Christian", "Waldby, Catherine"]),
        ("gong2012", ["Gong, Wei", "Han, Z.", "others"]),  # the full list was not retrieved
        ("chen2004", ["Chen", "others"]),  # "Chen et al, 2004": candidate not adopted
        ("hu2010a", ["Hu", "others"]),  # "Hu et al, 2010": no given name in the article
    ],
)  # fmt: skip
def test_spot_checked_authors_match_the_notes(bibliography, key, authors):
    assert [plain(str(person)) for person in bibliography[key].persons["author"]] == authors


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("tang2008", "doi"),  # "unconfirmed, unverified"
        ("qiu2009", "doi"),  # "unconfirmed, unverified"
        ("liao2008", "doi"),  # "not verified"
        ("faulkner2009", "doi"),  # "not retrieved"
        ("webster2011", "doi"),  # "not retrieved"
        ("ong2010", "pages"),  # chapter pages "unconfirmed"
    ],
)
def test_unconfirmed_fields_are_left_out(bibliography, key, field):
    assert field not in bibliography[key].fields


# --- synthetic fixtures: the failures the checks must report ---------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "synthetic.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_synthetic_duplicate_key_names_both_lines(tmp_path):
    path = write(
        tmp_path,
        "@article{smith2001,\n  title = {One},\n  year = {2001}\n}\n\n"
        "@book{Smith2001,\n  title = {Two},\n  year = {2001}\n}\n",
    )
    with pytest.raises(BuildError) as raised:
        load_bibliography(path)
    error = raised.value
    assert error.line == 6
    assert "line 1" in error.message
    assert str(error).startswith(f"{path}:6: key: duplicate key 'Smith2001'")


def test_synthetic_unparsable_entry_reports_a_line(tmp_path):
    path = write(
        tmp_path,
        "@article{good2001,\n  title = {Fine},\n  year = {2001}\n}\n\n"
        "@article{broken2002,\n  title = {Never closed,\n  year = {2002}\n",
    )
    with pytest.raises(BuildError) as raised:
        load_bibliography(path)
    assert raised.value.line is not None and raised.value.line >= 6
    assert "cannot parse the bibliography" in str(raised.value)
    assert "line 6" in raised.value.message  # the entry pybtex was reading


def test_synthetic_duplicate_field_points_at_its_entry(tmp_path):
    path = write(
        tmp_path,
        "@misc{a2000,\n  year = {2000}\n}\n@misc{b2001,\n  year = {2001},\n  year = {2002}\n}\n",
    )
    with pytest.raises(BuildError) as raised:
        load_bibliography(path)
    assert raised.value.line == 4
    assert "duplicate year field" in raised.value.message


SYNTHETIC_MANUSCRIPT = """\
---
title: "A synthetic manuscript"
author: jane.doe@example.org
---

As shown [@liao2008, p. 613; -@song2010] and by @cyranoski2009.
See @fig-timeline, @tbl-cases and @sec-intro. Mail <x@example.cn> or a@b.cn.
Code `@notacite` and ``code with `@x` inside`` and {{< var n_cases >}} or {{< meta x @foo >}}.
<!-- @hidden in a comment -->
```python
marker = "@in_a_code_block"
```
Escaped \\@handle; URLs https://example.org/@user and [a link](https://a.b/@c).
Punctuated @Smith:2004.x, a full stop after @rosemann2013. Braces: @{https://x.org/?a=b}.
Parenthesized (@li2011) and [see @hu2010a pp. 23-4]; a repeat of [@liao2008].
"""


def test_synthetic_cited_keys_on_tricky_text():
    assert cited_keys(SYNTHETIC_MANUSCRIPT) == [
        ("liao2008", 6),
        ("song2010", 6),
        ("cyranoski2009", 6),
        ("Smith:2004.x", 14),
        ("rosemann2013", 14),
        ("https://x.org/?a=b", 14),
        ("li2011", 15),
        ("hu2010a", 15),
        ("liao2008", 15),
    ]


def test_synthetic_line_numbers_survive_a_code_span_across_lines():
    text = "A `code span\nwrapping a line` then @a2001.\n\nNext paragraph @b2002.\n"
    assert cited_keys(text) == [("a2001", 2), ("b2002", 4)]


def test_synthetic_unknown_citation_key_names_the_manuscript_line(tmp_path):
    bib = load_bibliography(write(tmp_path, "@misc{known2001,\n  year = {2001}\n}\n"))
    cited = cited_keys("Intro [@known2001].\n\nLater @unknown2009 and @also2010.\n")
    with pytest.raises(BuildError) as raised:
        check_citations(bib, cited, manuscript="article.qmd")
    error = raised.value
    assert error.line == 3
    assert str(error).startswith("article.qmd:3: citation: citation key 'unknown2009'")
    assert "'also2010' (line 3)" in error.message


def test_synthetic_check_citations_reports_uncited_keys(tmp_path):
    synthetic = "@misc{zeta2001,\n  year = {2001}\n}\n@misc{alpha2002,\n  year = {2002}\n}\n"
    bib = load_bibliography(write(tmp_path, synthetic))
    assert check_citations(bib, [("zeta2001", 1)]) == ["alpha2002"]
    assert check_citations(bib, cited_keys("@zeta2001 and [@alpha2002]")) == []
