"""Render results/paper.xml, JATS XML (Journal Archiving tag set)."""

from pathlib import Path

from tooling import formats, render
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    formats.render_jats(render.inputs_from_step(snakemake.input), Path(snakemake.output.xml))
