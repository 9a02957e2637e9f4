"""Render results/paper.docx with pandoc's Word writer."""

from pathlib import Path

from tooling import formats, render
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    formats.render_docx(render.inputs_from_step(snakemake.input), Path(snakemake.output.docx))
