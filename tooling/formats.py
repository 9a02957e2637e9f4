"""The writers of the PDF (through typst), the Word document (for co-authors) and JATS XML (for
journals and archives), from the document as `tooling.render` reads it.

Word and JATS are rendered with pandoc whatever `renderer` says, so that every build yields the
same DOCX and JATS. The JATS writer's output gets the repairs pandoc cannot make itself (on the
XML, after pandoc): JATS keeps a float's number in `label`, apart from its `caption`, a table's
id on its `table-wrap`, and appendices in `back/app-group`; graphics are linked relative to the
XML file, not to the manuscript. Its front matter (keywords, roles, licences) is the filters'
(`titleblock.lua`, `jats-metadata.lua`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from xml.dom import minidom
from xml.parsers.expat import ExpatError

from compendium.errors import BuildError
from compendium.files import atomic_output, write_text_atomic
from tooling import quarto, render
from tooling.render import Inputs

# "Figure 1: ", "Abbildung 2: ", "图 3" (crossref.lua joins word and number with a no-break space)
_FLOAT_NUMBER = re.compile(r"^\s*([^\s\u00a0:]+)\u00a0([0-9A-Za-z.]+)(?::[\s\u00a0]*|\s*$)")
BARE_AMPERSAND = re.compile(r"&(?!#?[A-Za-z0-9]+;)")


def write_typst_source(
    inputs: Inputs, reading: list[str], output: Path, scratch: Path, root: Path
) -> None:
    writer = [
        # citeproc has run: pandoc's typst citations would cite again, from the .bib
        "--to=typst-citations",
        # unwrapped: pandoc does not escape a wrapped line that starts "2009. ", which typst
        # would read as a numbered list item
        "--wrap=none",
        "--standalone",
        f"--include-in-header={render.TYPST_DIRECTORY / 'preamble.typ'}",
        f"--template={render.TYPST_DIRECTORY / 'template.typ'}",
    ]
    with atomic_output(output) as partial:
        render.write(inputs, reading, "typst", writer, partial)


def write_pdf(inputs: Inputs, reading: list[str], output: Path, scratch: Path, root: Path) -> None:
    """pandoc → typst source → PDF with the bundled fonts and a fixed creation date.

    typst-py ignores SOURCE_DATE_EPOCH, so the timestamp is passed explicitly; system fonts are
    ignored so that every machine typesets with the same fonts. When typst fails, the source it
    was given stays in results/logs/ for the author to read.
    """
    import typst

    output.parent.mkdir(parents=True, exist_ok=True)
    # typst reads only files under its root, the generated source included
    inside = output.parent.resolve().is_relative_to(root.resolve())
    with tempfile.TemporaryDirectory(
        dir=output.parent if inside else root, prefix=".typst-"
    ) as typst_scratch:
        source = Path(typst_scratch) / f"{output.stem}.typ"
        write_typst_source(inputs, reading, source, Path(typst_scratch), root)
        try:
            # Archival and accessible (checked by tests/standards.py): PDF/A-2b and PDF/UA-1;
            # the bundled fonts plus the project's CJK subset, never the system's.
            with atomic_output(output) as partial:
                typst.compile(
                    str(source),
                    output=str(partial),
                    root=str(root),
                    font_paths=[str(render.TYPST_DIRECTORY.parents[1] / render.FONT_DIRECTORY)],
                    ignore_system_fonts=True,
                    timestamp=render.epoch(),
                    pdf_standards=list(render.PDF_STANDARDS),
                )
        except typst.TypstError as error:
            kept = root / "results" / "logs" / source.name
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, kept)
            raise BuildError(
                f"typst could not typeset the document: {_typst_problem(error)}; "
                f"the typst source is kept in {kept.relative_to(root)}",
                file=str(inputs.manuscript),
            ) from None


def _typst_problem(error) -> str:
    """The first diagnostic of a typst error, with the line of the generated source it names."""
    location = re.search(r"┌─ \S+?:(\d+):(\d+)", error.diagnostic)
    if location:
        return f"{error.message} (generated typst line {location[1]}, column {location[2]})"
    return error.message


def write_docx(inputs: Inputs, reading: list[str], output: Path, scratch: Path, root: Path) -> None:
    """A Word document with the figures, the tables and the reference list; each figure is the
    PNG its step draws beside the SVG (docx-figures.lua), as pandoc would need rsvg-convert, a
    program outside the lock, to put an SVG into Word."""
    with atomic_output(output) as partial:
        render.write(inputs, reading, "docx", ["--to=docx"], partial)


def write_jats(inputs: Inputs, reading: list[str], output: Path, scratch: Path, root: Path) -> None:
    """JATS XML (Journal Archiving tag set) with front matter, labelled floats and a ref-list."""
    written = scratch / f"jats-{output.name}"
    render.write(inputs, reading, "jats", ["--to=jats_archiving", "--standalone"], written)
    # pandoc 3.9 writes attribute-derived text such as <alt-text> without escaping "&".
    text = BARE_AMPERSAND.sub("&amp;", written.read_text(encoding="utf-8"))
    language = quarto.front_matter(inputs.manuscript).get("lang")
    write_text_atomic(output, finish_jats(text, inputs.manuscript.parent, output.parent, language))


def finish_jats(text: str, source_dir: Path, output_dir: Path, language: str | None) -> str:
    """Labels and ids of floats, appendices in `back`, graphic links relative to the XML file,
    and the article's language."""
    try:
        document = minidom.parseString(text.encode("utf-8"))
    except ExpatError as error:
        raise BuildError(f"pandoc wrote JATS that does not parse: {error}") from None
    article = document.documentElement
    if language and not article.hasAttribute("xml:lang"):
        article.setAttribute("xml:lang", language)
    for name in ("fig", "table-wrap"):
        for element in document.getElementsByTagName(name):
            _label_float(document, element)
    _appendices_to_back(document)
    for graphic in document.getElementsByTagName("graphic"):
        href = graphic.getAttribute("xlink:href")
        if href and not re.match(r"^[a-z][a-z0-9+.-]*:", href):
            target = os.path.relpath(source_dir / href, output_dir)  # normalised, as relpath is
            graphic.setAttribute("xlink:href", Path(target).as_posix())
    prolog = text[: text.index("<article")]  # pandoc's XML declaration and DOCTYPE, as written
    return prolog + article.toxml() + "\n"


def _appendices_to_back(document: minidom.Document) -> None:
    """Top-level sections titled "Appendix…" leave the body for `back/app-group` as `app`s."""
    article = document.documentElement
    body, back = _child(article, "body"), _child(article, "back")
    if body is None or back is None:
        return
    appendices = [
        section
        for section in body.childNodes
        if getattr(section, "tagName", None) == "sec"
        and (
            section.getAttribute("id").startswith("sec-appendix")
            or _text(_child(section, "title")).strip().startswith("Appendix")
        )
    ]
    if not appendices:
        return
    group = document.createElement("app-group")
    for section in appendices:
        group.appendChild(document.createTextNode("\n"))
        group.appendChild(document.renameNode(section, None, "app"))  # moved out of the body
    group.appendChild(document.createTextNode("\n"))
    back.appendChild(group)
    back.appendChild(document.createTextNode("\n"))


def _label_float(document: minidom.Document, element: minidom.Element) -> None:
    """`<caption><p>Figure 1: Text` → `<label>Figure 1</label><caption><p>Text`."""
    caption = _child(element, "caption")
    if caption is None or _child(element, "label") is not None:
        return
    text = next((text for text in _text_nodes(caption) if text.data.strip()), None)
    match = _FLOAT_NUMBER.match(text.data) if text is not None else None
    if not match:
        return
    text.data = text.data[match.end() :]
    label = document.createElement("label")
    label.appendChild(document.createTextNode(f"{match[1]} {match[2]}"))
    indent = caption.previousSibling
    element.insertBefore(label, caption)
    if indent is not None and indent.nodeType == indent.TEXT_NODE and not indent.data.strip():
        element.insertBefore(document.createTextNode(indent.data), caption)
    if not _text(caption).strip():  # the caption held nothing but the number
        element.removeChild(caption)
    tables = element.getElementsByTagName("table") if element.tagName == "table-wrap" else []
    if tables and tables[0].getAttribute("id") and not element.getAttribute("id"):
        element.setAttribute("id", tables[0].getAttribute("id"))
        tables[0].removeAttribute("id")


def _child(element: minidom.Element, name: str) -> minidom.Element | None:
    """The first child element called `name` (None when there is none)."""
    named = (child for child in element.childNodes if getattr(child, "tagName", None) == name)
    return next(named, None)


def _text_nodes(node: minidom.Node) -> Iterator[minidom.Text]:
    """The text under `node`, in document order."""
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield child
        else:
            yield from _text_nodes(child)


def _text(node: minidom.Node | None) -> str:
    return "" if node is None else "".join(text.data for text in _text_nodes(node))
