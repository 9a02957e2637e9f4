"""Render the Quarto-format manuscript with pandoc (+ our Lua filters) and typst.

Quarto is not available on every machine that must build the paper, so the default renderer is
pandoc from the pinned `pypandoc-binary` wheel with Lua filters that give Quarto's semantics for
the shortcodes and cross-references we use, and the pinned `typst` package for the PDF. The
optional `quarto` renderer runs `quarto render` on a staged copy of the same inputs.

A render reads the document once. For several formats one pandoc run parses it, applies the
filters and citeproc and writes pandoc's JSON AST; each format's writer then starts from that
AST with the filters of its format alone, in parallel. For one format (the preview, a
`compendium-render` call) a single pandoc run does both, which spares writing and reading the
AST. The filters leave what depends on the format marked; `per-format.lua` settles it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path

from compendium.errors import BuildError
from compendium.files import atomic_output

PANDOC_LANGUAGES = {"zh": "zh-Hans"}
TYPST_DIRECTORY = Path(__file__).resolve().parents[1] / "manuscript" / "typst"

#: What the PDF claims to meet (typst 0.15 accepts this pair together): archival and accessible.
PDF_STANDARDS = ("ua-1", "a-2b")

#: Where the fonts the paper needs beyond typst's bundled ones live, from the repository root.
FONT_DIRECTORY = Path("manuscript/fonts")

#: What pandoc's reader made of each included file, kept between renders (state, not an output,
#: beside tooling.file_cache's).
READER_CACHE = Path(".snakemake") / "reader-cache"

#: pandoc's runtime options for reading the document through the filters: a 256 MB allocation
#: area, so that the collector runs a few times instead of a hundred (it took a quarter of that
#: run's time, measured with `+RTS -s`). Not for the writers that start from the parsed
#: document: there, mapping the larger area costs more system time than it saves.
GARBAGE_COLLECTOR = ("+RTS", "-A256m", "-RTS")

FORMATS = ("html", "pdf", "docx", "jats")
#: also accepted: "typst", the source the PDF is typeset from (to read or debug it), and
#: "preview", the HTML with its figures, stylesheet and fonts linked, not embedded (`make
#: preview` serves those files: embedding them is a sixth of an HTML render)
SOURCES = ("typst", "preview")


@dataclass(frozen=True)
class Inputs:
    """What a render reads besides the document's own files (found by `tooling.quarto`)."""

    manuscript: Path
    #: `{{< var >}}` values (JSON or YAML); default: the project's `_variables.yml`
    values: Path | None = None
    #: the workflow's record of which step made each figure and table
    provenance: Path | None = None
    reference_filter: Path | None = None
    #: the text to read instead of the document's own (`make preview` renders a few of its
    #: paragraphs alone); its metadata, includes and messages still come from `manuscript`
    text: str | None = None


def inputs_from_step(named_inputs) -> Inputs:
    """The render inputs from a workflow step's named inputs (those it has)."""
    given = {field.name for field in fields(Inputs)} & set(named_inputs.keys())
    return Inputs(**{name: Path(getattr(named_inputs, name)) for name in given})


def pandoc_binary() -> str:
    """The pandoc of the pinned wheel, never whatever `pandoc` is on PATH.

    pypandoc's own lookup prefers the newest pandoc it can find anywhere, so the binary is taken
    from the wheel's files directly.
    """
    from importlib.util import find_spec

    spec = find_spec("pypandoc")
    binary = Path(spec.origin).parent / "files" / "pandoc" if spec and spec.origin else None
    if binary is None or not binary.is_file():
        raise BuildError(
            "pandoc from the pinned pypandoc-binary wheel is missing; run `make` to reinstall "
            "the environment from requirements.lock",
            file="requirements.lock",
            field="pypandoc-binary",
        )
    return str(binary)


def pandoc_version() -> str:
    output = subprocess.run([pandoc_binary(), "--version"], capture_output=True, text=True)
    return output.stdout.splitlines()[0].split()[-1]


def pandoc_arguments(inputs: Inputs, scratch: Path) -> list[str]:
    """Arguments that read the document through the filters and citeproc, for every output
    format, with their files written into `scratch`.

    The filters run before `--citeproc` (citeproc would take `@fig-x` for an unknown citation);
    `--fail-if-warnings` turns an unresolved citation or a remote resource into a failed build.
    """
    from tooling import quarto
    from tooling.reader_hints import escaped

    document = inputs.manuscript
    metadata = quarto.metadata(document)
    own = quarto.front_matter(document)
    project_metadata = {key: value for key, value in metadata.items() if key not in own}
    project_metadata.pop("bibliography", None)  # passed below, as paths from here
    project_metadata.pop("filters", None)  # Quarto's own filter list, not the document's data
    metadata_file = scratch / "project-metadata.json"
    metadata_file.write_text(json.dumps(project_metadata, default=str), encoding="utf-8")
    # read from an escaped copy (see reader_hints); the filters are told the document's own
    # name, for includes and for the lines their messages give
    copy = scratch / document.name
    text = inputs.text if inputs.text is not None else document.read_text(encoding="utf-8")
    copy.write_text(escaped(text), encoding="utf-8")
    arguments = [
        # a text given is a few paragraphs, for which mapping the large area costs more than
        # the collections it saves
        *(GARBAGE_COLLECTOR if inputs.text is None else ()),
        str(copy),
        f"--variable=source-path:{document}",
        "--from=markdown",
        f"--resource-path={document.parent}{os.pathsep}.",
        f"--metadata-file={metadata_file}",
    ]
    if metadata.get("lang") in PANDOC_LANGUAGES:
        # pandoc has no translations for a bare "zh" and would warn (a failed build)
        arguments.append(f"--metadata=lang:{PANDOC_LANGUAGES[metadata['lang']]}")
    values = inputs.values or quarto.variables_file(document)
    if values is not None or "_quarto-vars" in metadata:
        values_json = quarto.write_variables_json(
            values, metadata.get("_quarto-vars"), scratch / "variables.json"
        )
        arguments.append(f"--metadata=variables-file:{values_json}")
        arguments.append(f"--metadata=variables-source:{values or document}")  # for messages
    arguments += [f"--lua-filter={quarto.FILTER_DIRECTORY / name}" for name in quarto.FILTERS]
    if inputs.provenance:
        provenance = json.loads(inputs.provenance.read_text(encoding="utf-8"))
        provenance["static-files"] = quarto.static_images(document)
        provenance_file = scratch / "provenance.json"
        provenance_file.write_text(json.dumps(provenance), encoding="utf-8")
        arguments.append(f"--metadata=provenance-file:{provenance_file}")
        arguments.append(f"--lua-filter={quarto.FILTER_DIRECTORY / 'provenance.lua'}")
    # citeproc, through the filter that keeps its result between renders (citations.lua)
    arguments += [f"--lua-filter={quarto.FILTER_DIRECTORY / 'citations.lua'}", "--fail-if-warnings"]
    arguments += [f"--bibliography={path}" for path in as_list(metadata.get("bibliography"))]
    if inputs.reference_filter:
        # reads what citeproc wrote, so it comes after --citeproc (command-line order)
        arguments.append(f"--lua-filter={inputs.reference_filter}")
    return [*arguments, "--metadata=link-citations:true", "--metadata=link-bibliography:true"]


def as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def run_pandoc(arguments: list[str], source: Path) -> None:
    """Run pandoc; its first error line becomes a BuildError (our filters print file:line)."""
    environment = {"SOURCE_DATE_EPOCH": str(epoch()), **os.environ}
    completed = subprocess.run(
        [pandoc_binary(), *arguments],
        capture_output=True,
        text=True,
        env=environment,
    )
    if completed.returncode != 0 or completed.stderr.strip():
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        message = lines[0] if lines else f"pandoc exited with status {completed.returncode}"
        if re.match(r"^[^\s:]+:\d+: ", message):  # our filters already say file:line
            raise BuildError(message)
        raise pandoc_problem(message, source)


#: pandoc's own messages, and what they tell the author: (pattern, field, message, the text to
#: look for in the source to find the line).
_PANDOC_PROBLEMS = (
    (
        re.compile(r"\[WARNING\] Citeproc: citation (?P<key>\S+) not found"),
        "citation",
        "citation key '{key}' has no entry in the bibliography",
        "@{key}",
    ),
    (
        re.compile(r"\[WARNING\] Could not fetch resource (?P<key>\S+)"),
        None,
        "file '{key}' not found",
        "{key}",
    ),
)
_AT_LINE = re.compile(r'^(?P<what>.*?) at "[^"]+" \(line (?P<line>\d+), column \d+\):?$')


def pandoc_problem(message: str, source: Path) -> BuildError:
    """pandoc's first complaint as `source:line: what is wrong`, the line found in the source."""
    if match := _AT_LINE.match(message):
        return BuildError(match["what"], file=str(source), line=int(match["line"]))
    for pattern, field, words, needle in _PANDOC_PROBLEMS:
        if match := pattern.search(message):
            text = needle.format(key=match["key"])
            lines = source.read_text(encoding="utf-8").splitlines()
            found = [number for number, line in enumerate(lines, start=1) if text in line]
            line = found[0] if len(found) == 1 else None
            return BuildError(
                words.format(key=match["key"]), file=str(source), line=line, field=field
            )
    return BuildError(message, file=str(source))


def epoch() -> int:
    from tooling.steps import source_date_epoch

    return source_date_epoch()


#: Writing one format: (inputs, the arguments that read the document, output, scratch folder,
#: root) -> None.
Writer = Callable[[Inputs, list[str], Path, Path, Path], None]


def render(
    inputs: Inputs,
    outputs: dict[str, Path],
    root: Path,
    workers: int = 1,
    reader_cache: Path | None = None,
) -> None:
    """Read the document once, then write each format of `outputs` (html, pdf, docx, jats,
    typst) from it, `workers` writers at a time; the first failure, in the order given, is
    raised once every writer has finished. With a `reader_cache` folder, what pandoc's reader
    made of each included file is kept there for the next render (shortcodes.lua)."""
    from tooling import formats

    if not inputs.manuscript.is_file():
        raise BuildError("no such document", file=str(inputs.manuscript))
    if unknown := [to for to in outputs if to not in FORMATS + SOURCES]:
        raise BuildError(f"unknown format {unknown[0]!r} (expected one of {', '.join(FORMATS)})")
    writers: dict[str, Writer] = {
        "html": write_html,
        "preview": lambda *arguments: write_html(*arguments, embed=False),
        "pdf": formats.write_pdf,
        "typst": formats.write_typst_source,
        "docx": formats.write_docx,
        "jats": formats.write_jats,
    }
    first = next(iter(outputs.values()))
    first.parent.mkdir(parents=True, exist_ok=True)
    # A fixed scratch name, not a random one: nothing of it may reach an output, and a fixed
    # name makes sure of it (a path in the metadata would differ from one build to the next).
    scratch = first.parent / f".{first.name}-scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        reading = pandoc_arguments(inputs, scratch)
        if reader_cache is not None:
            reading.append(f"--metadata=reader-cache:{reader_cache.resolve()}")
            reading.append(f"--metadata=citation-cache:{reader_cache.resolve() / 'citations'}")
        if len(outputs) > 1:
            # named as the document: a writer that needs a title falls back on that name
            parsed = scratch / f"{inputs.manuscript.stem}.json"
            run_pandoc([*reading, "--to=json", f"--output={parsed}"], inputs.manuscript)
            directories = f"{inputs.manuscript.parent}{os.pathsep}."
            reading = [str(parsed), "--from=json", f"--resource-path={directories}"]
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            running = [
                pool.submit(writers[to], inputs, reading, output, scratch, root)
                for to, output in outputs.items()
            ]
        for writer in running:
            writer.result()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write(inputs: Inputs, reading: list[str], family: str, writer: list[str], output: Path) -> None:
    """One format from the document `reading` reads: the filters of its `family` alone, then
    per-format.lua (last: it removes the marks the others may read), then pandoc's writer.
    Sections are numbered when the document (or its project) says `number-sections: true`."""
    from tooling import quarto

    document = inputs.manuscript
    arguments = [*reading, f"--metadata=source-document:{document}"]
    if quarto.metadata(document).get("number-sections") is True:
        arguments.append("--number-sections")
    for name in (*quarto.FORMAT_FILTERS.get(family, ()), quarto.PER_FORMAT_FILTER):
        arguments.append(f"--lua-filter={quarto.FILTER_DIRECTORY / name}")
    output.parent.mkdir(parents=True, exist_ok=True)
    run_pandoc([*arguments, *writer, "--fail-if-warnings", f"--output={output}"], document)


def write_html(
    inputs: Inputs, reading: list[str], output: Path, scratch: Path, root: Path, embed=True
) -> None:
    """A standalone HTML file with every resource embedded (math as MathML): it opens offline."""
    from tooling import quarto

    options = quarto.format_options(inputs.manuscript, "html")
    writer = [
        "--to=html5",
        "--standalone",
        *(["--embed-resources"] if embed else []),
        "--mathml",
        "--section-divs",
        # the title is the page's one h1; sections are h2, subsections h3 (numbers unchanged)
        "--shift-heading-level-by=1",
        # one main landmark around the title block, the contents and the text (axe, WCAG)
        "--variable=include-before:<main>",
        "--variable=include-after:</main>",
    ]
    if options.get("toc"):
        # Quarto counts toc-depth from the document's own heading levels, shifted by one here
        writer += ["--toc", f"--toc-depth={int(options.get('toc-depth', 3)) + 1}"]
        if options.get("toc-title"):
            writer.append(f"--metadata=toc-title:{options['toc-title']}")
    if options.get("css"):
        writer.append(f"--css={options['css']}")
    with atomic_output(output) as partial:
        write(inputs, reading, "html", writer, partial)


def render_with_quarto(inputs: Inputs, output: Path, to: str, root: Path) -> None:
    """Stage the manuscript and its generated inputs, `quarto render` them, keep one output.

    Quarto reads values from `_variables.yml` beside the document, so the staged copy gets the
    generated values under that name; the sources themselves are never written to. Whether
    `quarto` is installed was checked before the build started (`settings.load`).
    """
    from tooling import quarto as project

    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".quarto-") as scratch:
        stage = Path(scratch)
        manuscript_dir = stage / inputs.manuscript.parent
        shutil.copytree(root / inputs.manuscript.parent, manuscript_dir)
        if inputs.values is not None:  # JSON is YAML: Quarto reads it as it is
            shutil.copy(root / inputs.values, manuscript_dir / "_variables.yml")
        for bibliography in as_list(project.metadata(inputs.manuscript).get("bibliography")):
            (stage / bibliography).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / bibliography, stage / bibliography)
        for generated in ("figures", "tables"):
            shutil.copytree(root / "results" / generated, stage / "results" / generated)
        completed = subprocess.run(
            ["quarto", "render", inputs.manuscript.name, "--to", to, "--output", output.name],
            cwd=manuscript_dir,
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            lines = [line for line in completed.stderr.splitlines() if line.strip()]
            message = lines[-1] if lines else "quarto render failed"
            raise BuildError(message, file=str(inputs.manuscript))
        (manuscript_dir / output.name).replace(output)
