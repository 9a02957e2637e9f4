"""A printed value becomes a link to its provenance entry: a synthetic document, values file and
provenance record (the key `count.things`, its value and rows are invented), rendered by the
render command to every format."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

DOCUMENT = """---
title: Values
---

We counted {{< var count.things >}} things, see [{{< var count.things >}} things](#x).

## The {{< var count.things >}} things {#sec-x}

Text.

::: {#value-provenance}
:::
"""

ENTRY = {
    "value": "42",
    "rule": "values",
    "script": "analysis/scripts/values.py",
    "function": "compendium.values.counts",
    "module": "analysis/compendium/values.py",
    "sources": [
        {"table": "data/raw/things.csv",
         "rows": [{"id": "a", "locator": "Intro ¶3"},
                  {"id": "b", "locator": "Intro ¶1; Note 2; Intro ¶3"}]}
    ],
}  # fmt: skip


def render(project: Path, to: str, provenance: dict) -> subprocess.CompletedProcess[str]:
    (project / "captions.json").write_text(json.dumps(provenance), encoding="utf-8")
    command = [sys.executable, "-m", "tooling.render_cli", "doc.qmd", "--to", to]
    command += ["--output", f"out.{to}", "--values", "values.json"]
    command += ["--provenance", "captions.json"]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "doc.qmd").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "values.json").write_text('{"count": {"things": "42"}}', encoding="utf-8")
    return tmp_path


def test_html_links_the_value_with_a_hidden_note_and_writes_its_entry(project):
    result = render(project, "html", {"values": {"count.things": ENTRY}})
    assert result.returncode == 0, result.stderr
    page = " ".join((project / "out.html").read_text(encoding="utf-8").split())
    link = (
        '<a href="#value-count.things" class="value" data-value-key="count.things">42'
        '<span class="value-note" aria-hidden="true" data-note="count.things = 42 · '
        'compendium.values.counts · data/raw/things.csv: 2 rows"></span></a>'
    )
    assert page.count(link) == 1  # in the sentence; in the link and heading it stays plain
    assert 'see <a href="#x">42 things</a>' in page
    assert 'id="value-count.things" class="value-entry"' in page
    assert (
        "from <code>data/raw/things.csv</code> rows <code>a</code>, <code>b</code>, "
        "which cite Intro ¶1, ¶3; Note 2." in page  # one section's places under its name
    )


def test_typst_and_docx_link_the_value_to_the_entry_and_jats_keeps_it_plain(project):
    assert render(project, "typst", {"values": {"count.things": ENTRY}}).returncode == 0
    typst = (project / "out.typst").read_text(encoding="utf-8")
    assert "#link(<value-count.things>)[42]" in typst and "<value-count.things>\n" in typst
    assert render(project, "docx", {"values": {"count.things": ENTRY}}).returncode == 0
    with zipfile.ZipFile(project / "out.docx") as package:
        document = package.read("word/document.xml").decode("utf-8")
    assert '<w:hyperlink w:anchor="value-count.things">' in document
    assert 'w:name="value-count.things"' in document
    assert render(project, "jats", {"values": {"count.things": ENTRY}}).returncode == 0
    jats = (project / "out.jats").read_text(encoding="utf-8")
    assert "counted 42 things" in jats and 'rid="value-count.things"' not in jats


def test_without_value_provenance_the_text_is_plain(project):
    assert render(project, "html", {}).returncode == 0
    page = (project / "out.html").read_text(encoding="utf-8")
    assert "We counted 42 things" in page and 'class="value"' not in page


def test_a_value_without_an_entry_stops_the_render(project):
    result = render(project, "html", {"values": {"count.other": ENTRY}})
    assert result.returncode != 0
    assert "no provenance for the value 'count.things'" in result.stderr


def test_a_value_that_holds_a_shortcode_is_printed_as_text_not_expanded(project):
    """The value's text is data: a `{{< var >}}` inside it is not read as a shortcode (it would
    stop the render with an unknown key, or print another value)."""
    hostile = "see {{< var count.missing >}} *a*"
    (project / "values.json").write_text(
        json.dumps({"count": {"things": hostile}}), encoding="utf-8"
    )
    result = render(project, "html", {"values": {"count.things": {**ENTRY, "value": hostile}}})
    assert result.returncode == 0, result.stderr
    page = " ".join((project / "out.html").read_text(encoding="utf-8").split())
    assert 'data-value-key="count.things">see {{&lt; var count.missing &gt;}} *a*' in page
