"""Quarto conformance: every fixture document in every format shows what Quarto shows.

See README.md here for the fixture comments. Each document is rendered once per session, parsed
once for all formats as the build renders the paper, documents in parallel threads; each test
then reads its outputs.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from compendium.errors import BuildError

DOCS = Path(__file__).parent / "docs"
FORMATS = ("html", "pdf", "docx", "jats")
FIXTURES = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.qmd"))
# A fixed build date: `date: today` must print this day, whatever the day of the test.
EPOCH = "1764547200"  # 2025-12-01


def comments(document: str, kind: str) -> list[str]:
    text = (DOCS / document).read_text(encoding="utf-8")
    return re.findall(rf"<!-- {kind}: (.*?) -->", text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "figcaption", "td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(path: Path, to: str) -> str:
    """What a reader of the file sees, as one line of text."""
    if to == "html":
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        text = "".join(parser.parts)
    elif to == "pdf":
        import pypdf

        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    elif to == "docx":
        package = zipfile.ZipFile(path)
        parts = ["word/document.xml", "word/footnotes.xml"]
        xml = "".join(
            package.read(part).decode("utf-8") for part in parts if part in package.namelist()
        )
        paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
        text = " ".join(
            "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs
        )
        text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    else:
        root = ElementTree.parse(path).getroot()
        text = " ".join(root.itertext())
    return normalise(text)


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace(":", " ")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\( ", "(", text)
    return re.sub(r" ([.,;)])", r"\1", text).strip()


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict:
    """(document, format) -> the output's visible text, or the BuildError it raised."""
    from tooling.render import Inputs, render

    out = tmp_path_factory.mktemp("conformance")
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    cwd = Path.cwd()
    os.chdir(DOCS)  # the documents' own paths, as an author would type them

    def one(document: str) -> dict:
        # one parse for every format, as the build renders the paper; a document that fails is
        # rendered again format by format, so each format gets its own result or error
        targets = {to: out / f"{document.replace('/', '_')}.{to}" for to in FORMATS}
        try:
            render(Inputs(Path(document)), targets, root=DOCS)
            return {(document, to): visible_text(targets[to], to) for to in FORMATS}
        except BuildError:
            results = {}
            for to in FORMATS:
                try:
                    render(Inputs(Path(document)), {to: targets[to]}, root=DOCS)
                    results[document, to] = visible_text(targets[to], to)
                except BuildError as error:
                    results[document, to] = error
            return results

    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = {key: got for part in pool.map(one, FIXTURES) for key, got in part.items()}
    finally:
        os.chdir(cwd)
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return results


def test_at_least_sixty_fixtures():
    assert len(FIXTURES) >= 60


@pytest.mark.parametrize("to", FORMATS)
@pytest.mark.parametrize("document", FIXTURES)
def test_fixture(rendered, document, to):
    result = rendered[(document, to)]
    failing = comments(document, "fails-in")
    if failing and to in failing[0].split():
        assert isinstance(result, BuildError)  # a known limit, and it still fails loudly
        return
    only = comments(document, "formats")
    checked = not only or to in only[0].split()
    errors = comments(document, "error")
    if errors:
        assert isinstance(result, BuildError), f"{document} rendered but should fail"
        for expected in errors:
            assert expected in str(result)
        return
    assert not isinstance(result, BuildError), str(result)
    for expected in comments(document, "expect") if checked else []:
        assert normalise(expected) in result, f"{expected!r} not in {to}: {result[:3000]}"
    for order in comments(document, "order"):
        positions = [result.find(normalise(part)) for part in order.split(" | ")]
        assert -1 not in positions and positions == sorted(positions), (order, result)
    if "<!-- leak-ok -->" not in (DOCS / document).read_text(encoding="utf-8"):
        for syntax in ("{{<", "{#", ":::"):
            assert syntax not in result, f"raw Quarto syntax {syntax!r} in {to}"
