"""The escaped text pandoc reads must give the very document the manuscript's own text gives."""

import subprocess
from pathlib import Path

import pytest

from tooling.reader_hints import escaped
from tooling.render import pandoc_binary

ROOT = Path(__file__).resolve().parents[2]

#: Places where a backslash is not an escape: each must be read as written.
CORNERS = {
    "code span": "Write `{{< var a >}}` to get a value.",
    "code block": "```\n{{< var a >}}\n\n{{< var b >}}\n```",
    "indented code": "Text.\n\n    {{< var a >}}",
    "math": "So $x = {{< var a >}}$ holds.",
    "display math": "$$\nx\n\n{{< var a >}}\n$$",
    "comment": "<!-- a note\n\n{{< var a >}}\n\n-->",
    "raw html": "<pre>\n\n{{< var a >}}\n\n</pre>",
    "raw tex": "\\begin{note}\n\n{{< var a >}}\n\n\\end{note}",
    "attribute": '[x]{title="{{< var a >}}"}',
    "link target": "[x](https://example.org/{{< var a >}})",
    "reference": '[x]: https://example.org/{{< var a >}} "t"',
    "literal shortcode": "{{{< var a >}}}",
    "metadata block": 'Text.\n\n---\nnote: "{{< var a >}}"\n\nmore: x\n---\n\nEnd.',
    "front matter": '---\ntitle: "{{< var a >}}"\n\nabstract: x\n---\n\nText {{< var a >}}.',
}


def read(text: str) -> bytes:
    completed = subprocess.run(
        [pandoc_binary(), "--from=markdown", "--to=json"],
        input=text.encode(),
        capture_output=True,
        check=True,
    )
    return completed.stdout


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_escape_never_changes_what_pandoc_reads(name):
    text = CORNERS[name] + "\n\nA value: {{< var a >}}, and {{< meta title >}}.\n"
    assert "{{\\<" in escaped(text)  # the plain paragraph is escaped ...
    assert read(escaped(text)) == read(text)  # ... and the document is the same


def test_the_paper_reads_the_same_and_gets_the_escape():
    text = (ROOT / "manuscript" / "article.qmd").read_text(encoding="utf-8")
    assert escaped(text).count("{{\\<") > text.count("{{<") // 2
    assert read(escaped(text)) == read(text)


def test_text_without_shortcodes_is_untouched():
    text = "Plain text with a < sign and {braces}.\n"
    assert escaped(text) is text
