"""Render the Quarto-format manuscript with pandoc (+ our Lua filters) and typst.

Quarto is not available on every machine that must build the paper, so the default renderer is
pandoc from the pinned `pypandoc-binary` wheel with Lua filters that give Quarto's semantics for
the shortcodes and cross-references we use, and the pinned `typst` package for the PDF. The
optional `quarto` renderer runs `quarto render` on a staged copy of the same inputs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from compendium.errors import BuildError

#: What the PDF claims to meet (typst 0.15 accepts this pair together): archival and accessible.
PDF_STANDARDS = ("ua-1", "a-2b")

#: Where the fonts the paper needs beyond typst's bundled ones live, from the repository root.
FONT_DIRECTORY = Path("manuscript/fonts")


@dataclass(frozen=True)
class Inputs:
    """Everything a render reads, as paths relative to the repository root."""

    manuscript: Path
    values: Path
    bibliography: Path
    filters: tuple[Path, ...]
    css: Path | None = None
    typst_preamble: Path | None = None
    typst_paths_filter: Path | None = None
    typst_template: Path | None = None
    provenance: Path | None = None
    reference_filter: Path | None = None


def inputs_from_step(named_inputs) -> Inputs:
    """The render inputs from a workflow step's named inputs."""

    def optional(name: str) -> Path | None:
        return Path(getattr(named_inputs, name)) if hasattr(named_inputs, name) else None

    filters = named_inputs.filters
    filters = [filters] if isinstance(filters, str) else list(filters)
    return Inputs(
        manuscript=Path(named_inputs.manuscript),
        values=Path(named_inputs.values),
        bibliography=Path(named_inputs.bibliography),
        filters=tuple(Path(path) for path in filters),
        css=optional("css"),
        typst_preamble=optional("typst_preamble"),
        typst_paths_filter=optional("typst_paths_filter"),
        typst_template=optional("typst_template"),
        provenance=optional("provenance"),
        reference_filter=optional("reference_filter"),
    )


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


def pandoc_arguments(inputs: Inputs) -> list[str]:
    """Arguments shared by every output format.

    The filters must run before `--citeproc`: otherwise citeproc takes `@fig-x` for an unknown
    citation. `-N` because pandoc ignores Quarto's `number-sections`. `--fail-if-warnings` turns
    an unresolved citation or a remote resource into a failed build.
    """
    arguments = [
        str(inputs.manuscript),
        "--from=markdown",
        "--number-sections",
        f"--resource-path={inputs.manuscript.parent}{os.pathsep}.",
        f"--metadata=variables-file:{inputs.values}",
    ]
    if inputs.provenance:
        arguments.append(f"--metadata=provenance-file:{inputs.provenance}")
    for lua_filter in inputs.filters:
        arguments.append(f"--lua-filter={lua_filter}")
    return arguments


def citeproc_arguments(inputs: Inputs) -> list[str]:
    """citeproc, then the filter that marks unverified entries of the reference list.

    That filter reads what citeproc wrote, so it must come after `--citeproc`: pandoc runs
    filters and citeproc in command-line order.
    """
    arguments = ["--citeproc", f"--bibliography={inputs.bibliography}"]
    if inputs.reference_filter:
        arguments.append(f"--lua-filter={inputs.reference_filter}")
    return arguments


def run_pandoc(arguments: list[str], source: Path) -> None:
    """Run pandoc; its first error line becomes a BuildError (our filters print file:line)."""
    completed = subprocess.run(
        [pandoc_binary(), *arguments], capture_output=True, text=True, env=_pandoc_environment()
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


def _pandoc_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("SOURCE_DATE_EPOCH", str(_epoch()))
    return environment


def _epoch() -> int:
    from tooling.steps import source_date_epoch

    return source_date_epoch()


def render_html(inputs: Inputs, output: Path) -> None:
    """A standalone HTML file with every resource embedded: it opens offline."""
    arguments = [
        *pandoc_arguments(inputs),
        f"--lua-filter={inputs.manuscript.parent / 'filters' / 'html-title-block.lua'}",
        *citeproc_arguments(inputs),
        "--fail-if-warnings",
        "--to=html5",
        "--standalone",
        "--embed-resources",
        "--section-divs",
        # the title is the page's one h1; sections are h2, subsections h3 (numbers unchanged)
        "--shift-heading-level-by=1",
        # one main landmark around the title block, the contents and the text (axe, WCAG)
        "--variable=include-before:<main>",
        "--variable=include-after:</main>",
        "--toc",
        "--toc-depth=3",
        "--metadata=toc-title:Contents",
        f"--css={inputs.css}",
        "--metadata=link-citations:true",
        "--metadata=link-bibliography:true",
    ]
    _render_to(arguments, output, inputs.manuscript)


def render_typst_source(inputs: Inputs, output: Path) -> None:
    arguments = [
        *pandoc_arguments(inputs),
        f"--lua-filter={inputs.typst_paths_filter}",
        *citeproc_arguments(inputs),
        "--fail-if-warnings",
        "--to=typst",
        # unwrapped: pandoc does not escape a wrapped line that starts "2009. ", which typst
        # would read as a numbered list item
        "--wrap=none",
        "--standalone",
        f"--include-in-header={inputs.typst_preamble}",
        f"--template={inputs.typst_template}",
        "--metadata=link-citations:true",
        "--metadata=link-bibliography:true",
    ]
    _render_to(arguments, output, inputs.manuscript)


def render_pdf(inputs: Inputs, output: Path, root: Path) -> None:
    """pandoc → typst source → PDF with the bundled fonts and a fixed creation date.

    typst-py ignores SOURCE_DATE_EPOCH, so the timestamp is passed explicitly; system fonts are
    ignored so that every machine typesets with the same fonts.
    """
    import typst

    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".typst-") as scratch:
        source = Path(scratch) / "paper.typ"
        render_typst_source(inputs, source)
        partial = Path(scratch) / "paper.pdf"
        try:
            # Archival and accessible (checked by tests/standards.py): PDF/A-2b and PDF/UA-1;
            # the bundled fonts plus the project's CJK subset, never the system's.
            typst.compile(
                str(source),
                output=str(partial),
                root=str(root),
                font_paths=[str(root / FONT_DIRECTORY)],
                ignore_system_fonts=True,
                timestamp=_epoch(),
                pdf_standards=list(PDF_STANDARDS),
            )
        except typst.TypstError as error:
            raise BuildError(
                f"typst could not typeset the paper: {_typst_problem(error)}",
                file=str(inputs.manuscript),
            ) from None
        partial.replace(output)


def _typst_problem(error) -> str:
    """The first diagnostic of a typst error, with the line of the generated source it names."""
    diagnostic = getattr(error, "diagnostic", "") or ""
    location = re.search(r"┌─ \S+?:(\d+):(\d+)", diagnostic)
    message = getattr(error, "message", None) or str(error)
    if location:
        return f"{message} (generated typst line {location[1]}, column {location[2]})"
    return message


def _render_to(arguments: list[str], output: Path, source: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:
        run_pandoc([*arguments, f"--output={partial}"], source)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


def render_with_quarto(inputs: Inputs, output: Path, to: str, root: Path) -> None:
    """Stage the manuscript and its generated inputs, `quarto render` them, keep one output.

    Quarto reads values from `_variables.yml` beside the document, so the staged copy gets the
    generated values under that name; the sources themselves are never written to.
    """
    quarto = shutil.which("quarto")
    if quarto is None:
        from tooling.settings import line_of

        config = Path("config/config.yaml")
        raise BuildError(
            "renderer 'quarto' selected but `quarto` is not on PATH; install Quarto or set "
            "renderer: pandoc",
            file=str(config),
            line=line_of(config.read_text(encoding="utf-8"), "renderer"),
            field="renderer",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".quarto-") as scratch:
        stage = Path(scratch)
        manuscript_dir = stage / inputs.manuscript.parent
        shutil.copytree(root / inputs.manuscript.parent, manuscript_dir)
        shutil.copy(root / inputs.values, manuscript_dir / "_variables.yml")
        shutil.copy(root / inputs.bibliography, stage / inputs.bibliography.name)
        for generated in ("figures", "tables"):
            shutil.copytree(root / "results" / generated, stage / "results" / generated)
        completed = subprocess.run(
            [quarto, "render", inputs.manuscript.name, "--to", to, "--output", output.name],
            cwd=manuscript_dir,
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            lines = [line for line in completed.stderr.splitlines() if line.strip()]
            message = lines[-1] if lines else "quarto render failed"
            raise BuildError(message, file=str(inputs.manuscript))
        (manuscript_dir / output.name).replace(output)
