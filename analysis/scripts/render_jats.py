"""Render results/paper.xml with pandoc's JATS writer (Journal Archiving tag set)."""

from pathlib import Path

from tooling import render
from tooling.render_cli import render as render_document
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    inputs = render.inputs_from_step(snakemake.input)
    render_document(
        inputs.manuscript,
        "jats",
        Path(snakemake.output.xml),
        values=inputs.values,
        provenance=inputs.provenance,
        reference_filter=inputs.reference_filter,
    )
