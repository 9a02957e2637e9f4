"""The manuscript's text as pandoc reads it fastest, to the same document.

pandoc's markdown reader tries every `<` as the start of an HTML tag or autolink, and each
failed try rescans the text after it; the `{{<` of the manuscript's many shortcodes made that
most of the parse (1.3 s of 1.5 s for the paper). Written `{{\\<`, the `<` is an escaped
character and reads as the same Str "{{<", so the document pandoc builds is unchanged.

A backslash is only an escape in running text: in code, math, raw HTML or TeX, attributes,
link targets and metadata it stays. So only paragraphs that hold none of those get the escape;
any other paragraph is read as written (slower, never different).
"""

from __future__ import annotations

import re

_SHORTCODE = re.compile(r"\{\{<.*?>\}\}")
#: Any of these left once the shortcodes are taken out: the paragraph may hold code, math, raw
#: HTML or TeX, attributes, a link target or a quoted title, where a backslash stays literal.
_NOT_PLAIN = re.compile(r"[`$<>{}\\\"]|\]\(|^\s*\[[^\]]*\]:|^( {4}|\t)|^---|^\.\.\.", re.M)
#: What opens a region that may run across blank lines, and what closes it.
_REGIONS = (
    (re.compile(r"^\s*(```|~~~)"), re.compile(r"^\s*(```|~~~)")),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (
        re.compile(r"<(pre|script|style|textarea)\b", re.I),
        re.compile(r"</(pre|script|style|textarea)>", re.I),
    ),
    (re.compile(r"\\begin\{"), re.compile(r"\\end\{")),
    (re.compile(r"\$\$"), re.compile(r"\$\$")),
    (re.compile(r"^(---|\.\.\.)[ \t]*$"), re.compile(r"^(---|\.\.\.)[ \t]*$")),
)


def escaped(text: str) -> str:
    """`text` with the `<` of each shortcode escaped wherever that cannot change the reading."""
    if "{{<" not in text:
        return text
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    closing = None  # the end of the region the current paragraph is inside, if any
    for index in range(0, len(paragraphs), 2):
        paragraph = paragraphs[index]
        closing = _region_after(paragraph, closing)
        if closing is not None or "{{<" not in paragraph:
            continue
        if _NOT_PLAIN.search(_SHORTCODE.sub("", paragraph)):
            continue
        paragraphs[index] = paragraph.replace("{{<", "{{\\<")
    return "".join(paragraphs)


def _region_after(paragraph: str, closing: re.Pattern | None) -> re.Pattern | None:
    """The close of a region still open after `paragraph` (None when none is): a paragraph
    that opens or closes one is itself never escaped, as it holds a marker `_NOT_PLAIN` finds."""
    for line in paragraph.split("\n"):
        if closing is not None:
            if closing.search(line):
                closing = None
            continue
        for opening, end in _REGIONS:
            found = opening.search(line)
            if found and not end.search(line[found.end() :]):
                closing = end
                break
    return closing
