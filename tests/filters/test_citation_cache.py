"""The renderer's cache of citeproc's result (citations.lua, kept beside the reader cache): an
edit to a citation, to the bibliography or to a cross-referenced label reaches every format; an
unchanged document is served from the cache with the bytes citeproc gave; a damaged entry is
never trusted; an unknown key fails every render, not only the one that met it first."""

from __future__ import annotations

from pathlib import Path

import pytest

from compendium.errors import BuildError
from tests.filters.test_reader_cache import texts
from tooling import render

BIBLIOGRAPHY = """\
@book{first2001,
  author = {First, Ann},
  title = {The first book},
  publisher = {Press},
  year = {2001}
}

@book{second2002,
  author = {Second, Bo},
  title = {The second book},
  publisher = {Press},
  year = {2002}
}
"""

DOCUMENT = """\
---
title: Cited
bibliography: refs.bib
link-citations: true
---

![A figure.](dot.png){#fig-LABEL}

As @fig-LABEL shows, see [CITATION].

::: {#refs}
:::
"""

PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    monkeypatch.chdir(tmp_path)  # the bibliography is named relative to the working folder
    (tmp_path / "dot.png").write_bytes(PIXEL)
    return tmp_path


def render_with(tree: Path, citation: str, label: str = "one", bibliography: str = BIBLIOGRAPHY):
    (tree / "refs.bib").write_text(bibliography, encoding="utf-8")
    document = tree / "doc.qmd"
    text = DOCUMENT.replace("CITATION", citation).replace("LABEL", label)
    document.write_text(text, encoding="utf-8")
    outputs = {to: tree / f"doc.{to}" for to in ("html", "typst", "jats", "docx")}
    render.render(render.Inputs(document), outputs, root=tree, reader_cache=tree / "cache")
    return {to: text.lower() for to, text in texts(outputs).items()}  # the style capitalises


def entries(tree: Path) -> list[Path]:
    return sorted((tree / "cache" / "citations").glob("*.json"))


def test_edits_to_citations_bibliography_and_labels_reach_every_format(tree):
    first = render_with(tree, "@first2001")
    assert all("first book" in text and "second book" not in text for text in first.values())
    assert len(entries(tree)) == 1

    cited = render_with(tree, "@second2002")  # another citation
    for text in cited.values():
        assert "second book" in text and "first book" not in text
    assert len(entries(tree)) == 2

    retitled = render_with(
        tree, "@second2002", bibliography=BIBLIOGRAPHY.replace("second book", "other book")
    )
    for text in retitled.values():  # the same citations, another bibliography
        assert "other book" in text and "second book" not in text

    relabelled = render_with(tree, "@second2002", label="two")  # the same citations
    for to, text in relabelled.items():
        assert "fig-two" in text and "fig-one" not in text, to
        assert "second book" in text


def test_a_cached_render_has_citeprocs_bytes_and_a_damaged_entry_is_not_trusted(tree):
    made = render_with(tree, "@first2001; @second2002")
    assert render_with(tree, "@first2001; @second2002") == made  # from the cache
    for entry in entries(tree):
        entry.write_text('{"pandoc-api-version": [', encoding="utf-8")
    assert render_with(tree, "@first2001; @second2002") == made
    for entry in entries(tree):  # a whole document that does not fit: no formatted citations
        entry.write_text('{"pandoc-api-version":[1,23,1],"meta":{},"blocks":[]}', encoding="utf-8")
    assert render_with(tree, "@first2001; @second2002") == made


def test_an_unknown_key_fails_every_render(tree):
    for _ in range(2):
        with pytest.raises(BuildError, match="nobody1999"):
            render_with(tree, "@nobody1999")
    assert entries(tree) == []
