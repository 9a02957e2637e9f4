"""Render results/paper.html with the configured renderer."""

from pathlib import Path

from tooling import render
from tooling.render_cli import render as render_document
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    inputs = render.inputs_from_step(snakemake.input)
    output = Path(snakemake.output.html)
    if snakemake.params.renderer == "quarto":
        render.render_with_quarto(inputs, output, "html", root=Path.cwd())
    else:
        render_document(
            inputs.manuscript,
            "html",
            output,
            values=inputs.values,
            provenance=inputs.provenance,
            reference_filter=inputs.reference_filter,
        )
