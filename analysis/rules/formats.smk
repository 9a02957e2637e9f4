# Stage 5: the same manuscript as a Word document for co-authors and as JATS XML for journals and
# archives. Always rendered by the pinned pandoc (see tooling/formats.py), whatever
# the configured renderer, so that every build yields the same files.


rule render_docx:
    """Render the manuscript to a Word document with its figures, tables and references."""
    input:
        **MANUSCRIPT_INPUTS,
        code=imported_files("analysis/scripts/render_docx.py"),
    output:
        docx="results/paper.docx",
    log:
        "results/logs/render_docx.log",
    conda:
        "../../environment.yml"
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
    script:
        "../scripts/render_jats.py"
