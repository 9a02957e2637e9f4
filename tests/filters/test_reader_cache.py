"""The renderer's cache of what pandoc's reader made of each included file (`reader_cache`,
kept by shortcodes.lua): an edit of an included file reaches every format, an unchanged file is
read from the cache, and a damaged cache entry is read again from the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tooling import render

DOCUMENT = """---
title: Included parts
---

{{< include part.md >}}

{{< include table.md >}}
"""

TABLE = """| Name | Kind |
|------|------|
| alpha | first |
"""


def texts(outputs: dict[str, Path]) -> dict[str, str]:
    found = {}
    for to, path in outputs.items():
        if to == "docx":
            with zipfile.ZipFile(path) as document:
                found[to] = document.read("word/document.xml").decode("utf-8")
        else:
            found[to] = path.read_text(encoding="utf-8")
    return found


def test_an_edited_include_reaches_every_format_and_an_unchanged_one_is_reused(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    document = tmp_path / "doc.qmd"
    document.write_text(DOCUMENT, encoding="utf-8")
    part = tmp_path / "part.md"
    (tmp_path / "table.md").write_text(TABLE, encoding="utf-8")
    cache = tmp_path / "cache"
    outputs = {to: tmp_path / f"doc.{to}" for to in ("html", "typst", "jats", "docx")}

    def render_with(text: str, chosen: dict[str, Path]) -> dict[str, str]:
        part.write_text(text, encoding="utf-8")
        render.render(render.Inputs(document), chosen, root=tmp_path, reader_cache=cache)
        return texts(chosen)

    first = render_with("The first wording of the part.", outputs)
    assert all("first wording" in text and "alpha" in text for text in first.values())
    assert len(list(cache.glob("*.json"))) == 2  # one reading per included file

    second = render_with("The second wording of the part.", outputs)
    for text in second.values():
        assert "second wording" in text and "first wording" not in text and "alpha" in text
    assert len(list(cache.glob("*.json"))) == 3  # the table's reading was reused

    for entry in cache.glob("*.json"):  # damaged entries: the files are read again
        entry.write_text('{"pandoc-api-version": [', encoding="utf-8")
    third = render_with("The third wording of the part.", outputs)
    assert all("third wording" in text and "alpha" in text for text in third.values())

    html = {"html": outputs["html"]}  # one format, one pandoc run: the cache serves it too
    assert "fourth wording" in render_with("The fourth wording of the part.", html)["html"]
    entries = len(list(cache.glob("*.json")))
    fifth = render_with("The fifth wording of the part.", html)["html"]
    assert "fifth wording" in fifth and "fourth wording" not in fifth and "alpha" in fifth
    assert len(list(cache.glob("*.json"))) == entries + 1
