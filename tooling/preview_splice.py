"""A prose edit on the preview's page at once: the changed paragraph rendered alone, spliced in.

A whole render of the paper takes about two seconds, most of it pandoc reading and filtering
every block. When a save changed one paragraph of plain prose and nothing else, that paragraph's
old and new text are rendered together in one small run of the same renderer (the document's
front matter, then each paragraph in a Div whose id marks it), and the new paragraph's HTML
replaces the old one's in the page last published. The whole render still follows and replaces
the spliced page, so an edit this cannot judge is shown at most one render late.

Only edits whose effect stays inside their paragraph qualify; anything unsure is declined
(`None`): a heading, label, fence, footnote, list, table, raw markup or math; a citation key new
to the paragraph or gone from it (the reference list, and how citeproc tells works apart, follow
the keys cited); a value (`{{< var >}}`) the paper did not print before or no longer prints (the
values' appendix lists those printed); a cross-reference, which the paragraph alone cannot
number; a paragraph added or removed, or two changed. And the old paragraph's HTML must occur in
the page exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from tooling import render

#: the ids of the Divs around the old and the new paragraph in the small render
OLD_ID, NEW_ID = "preview-splice-old", "preview-splice-new"
#: where citeproc puts the reference list (with it, citations.lua keeps its result for the next
#: edit) and provenance.lua the values the text prints (without it, that filter stops the render)
LISTS = "::: {#refs}\n:::\n\n::: {#value-provenance}\n:::\n"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.S)
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
_VALUE = re.compile(r"\{\{<\s*var\s+(\S+?)\s*>\}\}")
#: a citation key as pandoc reads one: `@key`, or `@{key}`
_CITATION = re.compile(r"(?<![\w@])@(?:\{([^}]+)\}|(\w[\w:.#$%&+?<>~/-]*\w|\w))")
#: keys that are cross-references (crossref.lua reads `@fig-x`, `@sec-x`, ...): any key with a
#: prefix, to be safe, as the paragraph alone cannot number them
_CROSS_REFERENCE = re.compile(r"^[A-Za-z]+-")
#: a line that may start something other than running text
_BLOCK_START = re.compile(
    r"""^(?:
        [ \t]                           # indented: code, or more of a list item
      | [#>%:~=|+`<\\$^]                # heading, quote, title, definition, table, raw...
      | [*+-][ \t] | [-*_=]{3,}         # bullet, rule, setext underline
      | \(?(?:[0-9]+|[A-Za-z#@]|[ivxlcdmIVXLCDM]+)[.)](?:[ \t]|$)   # ordered list
      | Table:
    )""",
    re.X | re.M,
)
#: what may reach beyond its paragraph or render otherwise when alone, once the values are taken
#: out: labels and attributes, fences, footnotes, raw HTML or TeX, math, shortcodes, tables
_NOT_PROSE = re.compile(r"[{}<>\\$|]|:::|```|~~~|\[\^|\^\[")
#: a bracket that is neither a citation nor a link's text: it may name a heading elsewhere
#: (pandoc's implicit header references) or a link defined elsewhere
_BARE_BRACKET = re.compile(r"\[[^\[\]@]*\](?!\()")
#: a line that defines a link for the whole document (a footnote's definition is no matter: the
#: paragraphs that refer to one are declined)
_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:", re.M)
_CODE_FENCE = re.compile(r"^\s*(```|~~~)", re.M)
_DIV_FENCE = re.compile(r"^\s*:::+(.*)$", re.M)


@dataclass(frozen=True)
class Edit:
    """The one paragraph a save changed: the front matter and that paragraph, before and after."""

    front_matter: str
    old: str
    new: str


def split(text: str) -> tuple[str, list[str]]:
    """The front matter (empty if none) and the blocks after it, blank lines apart."""
    found = _FRONT_MATTER.match(text)
    front_matter = found[0] if found else ""
    body = text[len(front_matter) :].strip("\n")
    return front_matter, _BLANK_LINES.split(body) if body else []


def prose_edit(old_text: str, new_text: str) -> Edit | None:
    """The edit, when exactly one paragraph of plain prose changed into another and nothing it
    holds reaches the rest of the paper; else None."""
    old_front, old_blocks = split(old_text)
    new_front, new_blocks = split(new_text)
    if old_front != new_front or len(old_blocks) != len(new_blocks):
        return None
    changed = [i for i, (old, new) in enumerate(zip(old_blocks, new_blocks)) if old != new]
    if len(changed) != 1:
        return None
    index = changed[0]
    old, new = old_blocks[index], new_blocks[index]
    if not (plain_prose(old) and plain_prose(new)) or old_blocks.count(old) != 1:
        return None
    if citation_keys(old) != citation_keys(new) or values(old_text) != values(new_text):
        return None
    if region_open("\n\n".join(old_blocks[:index])) or _DEFINITION.search(old_text + new_text):
        return None
    return Edit(old_front, old, new)


def plain_prose(block: str) -> bool:
    """Whether a block is one paragraph of running text whose rendering depends on itself alone
    (values aside: they are checked across the document)."""
    text = _VALUE.sub("value", block)
    return not (
        _BLOCK_START.search(text)
        or _NOT_PROSE.search(text)
        or _BARE_BRACKET.search(text)
        or any(_CROSS_REFERENCE.match(key) for key in citation_keys(text))
    )


def citation_keys(text: str) -> set[str]:
    return {braced or bare for braced, bare in _CITATION.findall(text)}


def values(text: str) -> set[str]:
    """The keys of the values a text prints."""
    return set(_VALUE.findall(text))


def region_open(text: str) -> bool:
    """Whether `text` leaves a code fence, an HTML comment or a fenced Div open."""
    fences = len(_CODE_FENCE.findall(text))
    comments = text.count("<!--") - text.count("-->")
    # `::: {#id}` or `::: name` opens a Div, a bare `:::` closes one
    depth = sum(1 if rest.strip() else -1 for rest in _DIV_FENCE.findall(text))
    return fences % 2 == 1 or comments != 0 or depth != 0


def snippet(edit: Edit) -> str:
    """The document of the small render: the front matter, then each paragraph in its Div."""
    return (
        f"{edit.front_matter}\n::: {{#{OLD_ID}}}\n{edit.old}\n:::\n\n"
        f"::: {{#{NEW_ID}}}\n{edit.new}\n:::\n\n{LISTS}"
    )


_FRAGMENTS = re.compile(
    rf'<div id="{OLD_ID}">\n(<p>.*?</p>)\n</div>\n<div id="{NEW_ID}">\n(<p>.*?</p>)\n</div>',
    re.S,
)


def cut(html: str) -> tuple[str, str] | None:
    """The old and the new paragraph's HTML from the small render, each one `<p>` element."""
    found = _FRAGMENTS.search(html)
    if not found:
        return None
    fragments = found[1], found[2]
    if any(fragment.count("<p>") != 1 or "<div" in fragment for fragment in fragments):
        return None
    return fragments


def splice(page: bytes, old_html: str, new_html: str) -> bytes | None:
    """The page with the old paragraph's HTML replaced by the new one's, when it holds the old
    one exactly once; else None."""
    old = old_html.encode("utf-8")
    if page.count(old) != 1:
        return None
    return page.replace(old, new_html.encode("utf-8"))


def render_edit(
    inputs: render.Inputs, edit: Edit, scratch: Path, to: str = "preview"
) -> tuple[str, str] | None:
    """The old and the new paragraph's HTML in format `to` ("html" or "preview": the two wrap
    their markup differently), rendered in one run of the paper's own renderer, with caches of
    its own in `scratch` (kept from one edit to the next)."""
    output = scratch / "edit.html"
    render.render(
        replace(inputs, text=snippet(edit)),
        {to: output},
        root=Path.cwd(),
        reader_cache=scratch / "edit-cache",
    )
    return cut(output.read_text(encoding="utf-8"))


def spliced_page(
    page: bytes,
    old_text: str,
    new_text: str,
    inputs: render.Inputs,
    scratch: Path,
    to: str = "preview",
) -> bytes | None:
    """The published `page` (format `to`) of `old_text` as the whole render would make it of
    `new_text`, when the edit between them is one paragraph of prose; None when it is not or
    anything fails (the whole render shows the edit, and any error, a moment later)."""
    edit = prose_edit(old_text, new_text)
    if edit is None:
        return None
    try:
        fragments = render_edit(inputs, edit, scratch, to)
    except Exception:  # a fast path that fails just declines
        return None
    return splice(page, *fragments) if fragments else None
