"""`compendium-render DOC.qmd --to html|pdf|docx|jats --output OUT`: any Quarto-format document
through the paper's renderer (the same filters, options and strictness as `make`).

The paper's render step calls `render_formats` below too (one parse, four formats), so there is
one path from a .qmd to a file.
A problem prints one line, `FILE:LINE: message`, and the command exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compendium.errors import BuildError

FORMATS = ("html", "pdf", "docx", "jats")
#: also accepted: "typst", the source the PDF is typeset from (to read or debug it)
SOURCES = ("typst",)


def render(
    document: Path,
    to: str,
    output: Path,
    *,
    values: Path | None = None,
    provenance: Path | None = None,
    reference_filter: Path | None = None,
    root: Path | None = None,
) -> None:
    """Render `document` to `output` in format `to` with the pandoc renderer."""
    render_formats(
        document,
        {to: output},
        values=values,
        provenance=provenance,
        reference_filter=reference_filter,
        root=root,
    )


def render_formats(
    document: Path,
    outputs: dict[str, Path],
    *,
    values: Path | None = None,
    provenance: Path | None = None,
    reference_filter: Path | None = None,
    root: Path | None = None,
    workers: int = 1,
) -> None:
    """Render `document` once into every format of `outputs` ({format: output path}): one
    parse, then the writers, `workers` at a time."""
    from tooling import render as pandoc_render

    if not document.is_file():
        raise BuildError("no such document", file=str(document))
    unknown = [to for to in outputs if to not in FORMATS + SOURCES]
    if unknown:
        raise BuildError(f"unknown format {unknown[0]!r} (expected one of {', '.join(FORMATS)})")
    inputs = pandoc_render.Inputs(
        manuscript=document,
        values=values,
        provenance=provenance,
        reference_filter=reference_filter,
    )
    pandoc_render.render(inputs, outputs, root=root or Path.cwd(), workers=workers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="compendium-render", description=__doc__.splitlines()[0])
    parser.add_argument("document", type=Path, help="the .qmd (or .md) document")
    parser.add_argument("--to", required=True, choices=FORMATS + SOURCES)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument(
        "--values", type=Path, help="values for {{< var >}} (default: the project's _variables.yml)"
    )
    parser.add_argument("--provenance", type=Path, help="the workflow's captions.json")
    arguments = parser.parse_args(argv)
    try:
        render(
            arguments.document,
            arguments.to,
            arguments.output,
            values=arguments.values,
            provenance=arguments.provenance,
        )
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
