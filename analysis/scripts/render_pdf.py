"""Render results/paper.pdf with the configured renderer."""

from pathlib import Path

from tooling import render
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    inputs = render.inputs_from_step(snakemake.input)
    if snakemake.params.renderer == "quarto":
        render.render_with_quarto(inputs, Path(snakemake.output.pdf), "pdf", root=Path.cwd())
    else:
        render.render_pdf(inputs, Path(snakemake.output.pdf), root=Path.cwd())
