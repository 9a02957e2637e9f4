"""What the filters make differently per format, after the one parse that serves every format:
each writer gets its own format's version (per-format.lua), as a render of that format alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compendium.errors import BuildError
from tooling import render

CONDITIONAL = """---
title: Conditional content
---

::: {.content-visible when-format="html"}
Shown on the web only.
:::

::: {.content-hidden when-format="html"}
Shown everywhere but the web.
:::

Press {{< kbd Ctrl-S >}} to save.
"""


@pytest.fixture
def edition_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")


def rendered(tmp_path: Path, text: str) -> dict[str, str]:
    document = tmp_path / "doc.qmd"
    document.write_text(text, encoding="utf-8")
    outputs = {
        "html": tmp_path / "doc.html",
        "typst": tmp_path / "doc.typ",
        "jats": tmp_path / "doc.xml",
    }
    render.render(render.Inputs(document), outputs, root=tmp_path, workers=2)
    return {to: path.read_text(encoding="utf-8") for to, path in outputs.items()}


def test_one_parse_gives_each_format_its_own_conditional_content(tmp_path, edition_date):
    pages = rendered(tmp_path, CONDITIONAL)
    assert "Shown on the web only." in pages["html"]
    assert "Shown everywhere but the web." not in pages["html"]
    for to in ("typst", "jats"):
        assert "Shown everywhere but the web." in pages[to], to
        assert "Shown on the web only." not in pages[to], to


def test_one_parse_gives_each_format_its_own_markup_and_no_marks(tmp_path, edition_date):
    pages = rendered(tmp_path, CONDITIONAL)
    assert "<kbd>Ctrl-S</kbd>" in pages["html"]
    assert "Ctrl-S" in pages["typst"] and "kbd" not in pages["typst"]
    for to, page in pages.items():
        assert "formats-show" not in page and "per-format" not in page, to


def test_a_numbered_figure_shown_in_some_formats_only_is_refused(tmp_path, edition_date):
    (tmp_path / "a.png").write_bytes(b"")
    text = '---\ntitle: T\n---\n\n::: {.content-visible when-format="html"}\n'
    text += "![A figure.](a.png){#fig-a}\n:::\n"
    with pytest.raises(BuildError, match="not supported by the pandoc renderer"):
        rendered(tmp_path, text)


def test_no_filter_of_the_one_parse_asks_for_the_output_format():
    """The parse serves every format, so its filters see FORMAT "json": a choice made on FORMAT
    there would silently give every format the same branch. They mark such a choice instead
    (common.lua, "Output formats"); only the filters of one format and per-format.lua read it."""
    from tooling import quarto

    parse_filters = [*quarto.FILTERS, "provenance.lua", "reference-status.lua", "common.lua"]
    asking = []
    for name in parse_filters:
        source = (quarto.FILTER_DIRECTORY / name).read_text(encoding="utf-8")
        code = re.sub(r"--\[(=*)\[.*?\]\1\]|--[^\n]*", "", source, flags=re.S)  # no comments
        asking += [name for line in code.splitlines() if re.search(r"\bFORMAT\b", line)]
    assert asking == [], f"filters of the one parse that test FORMAT: {sorted(set(asking))}"
