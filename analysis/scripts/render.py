"""Render results/paper.html, .pdf, .docx and .xml (JATS) from one parse of the manuscript."""

from pathlib import Path

from tooling import render
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    inputs = render.inputs_from_step(snakemake.input)
    # the PDF first: typst takes longest, so it starts while the other writers run
    outputs = {
        "pdf": Path(snakemake.output.pdf),
        "html": Path(snakemake.output.html),
        "docx": Path(snakemake.output.docx),
        "jats": Path(snakemake.output.xml),
    }
    if snakemake.params.renderer == "quarto":
        # Quarto writes the HTML and the PDF; Word and JATS always come from the pinned pandoc,
        # so that every build yields the same files
        for to in ("pdf", "html"):
            render.render_with_quarto(inputs, outputs.pop(to), to, root=Path.cwd())
    render.render(
        inputs,
        outputs,
        root=Path.cwd(),
        workers=snakemake.threads,
        reader_cache=render.READER_CACHE,
    )
