# Stage 5: the same manuscript as a Word document for co-authors and as JATS XML for journals and
# archives. Always rendered by the pinned pandoc (see tooling/formats.py), whatever
# the configured renderer, so that every build yields the same files.


# Word gets the PNG copy of each figure (manuscript/filters/docx-figures.lua): from an SVG,
# pandoc would need rsvg-convert, a program outside the lock.
DOCX_INPUTS = MANUSCRIPT_INPUTS | {
    "figures_png": expand("results/figures/{figure}.png", figure=FIGURES),
}


rule render_docx:
    """Render the manuscript to a Word document with its figures, tables and references."""
    input:
        **DOCX_INPUTS,
        code=imported_files("analysis/scripts/render_docx.py"),
    output:
        docx="results/paper.docx",
    log:
        "results/logs/render_docx.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=10,
    script:
        "../scripts/render_docx.py"


rule render_jats:
    """Render the manuscript to JATS XML: front matter, labelled figures and tables, ref-list."""
    input:
        **MANUSCRIPT_INPUTS,
        code=imported_files("analysis/scripts/render_jats.py"),
    output:
        xml="results/paper.xml",
    log:
        "results/logs/render_jats.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=10,
    script:
        "../scripts/render_jats.py"
