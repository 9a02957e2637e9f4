"""`compendium-render DOC.qmd --to html|pdf|docx|jats --output OUT`: any Quarto-format document
through the paper's renderer (`tooling.render`: the same filters, options and strictness as
`make`). A problem prints one line, `FILE:LINE: message`, and the command exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compendium.errors import BuildError
from tooling import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="compendium-render", description=__doc__.splitlines()[0])
    parser.add_argument("document", type=Path, help="the .qmd (or .md) document")
    parser.add_argument("--to", required=True, choices=render.FORMATS + render.SOURCES)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument(
        "--values", type=Path, help="values for {{< var >}} (default: the project's _variables.yml)"
    )
    parser.add_argument("--provenance", type=Path, help="the workflow's captions.json")
    arguments = parser.parse_args(argv)
    inputs = render.Inputs(arguments.document, arguments.values, arguments.provenance)
    try:
        render.render(inputs, {arguments.to: arguments.output}, root=Path.cwd())
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
