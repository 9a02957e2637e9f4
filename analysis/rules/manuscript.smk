# Stage 4: the manuscript, rendered with the configured renderer (config/config.yaml).
# Every generated input of the manuscript is listed so that a change to any of them re-renders.

from tooling import quarto

MANUSCRIPT_INPUTS = {
    "manuscript": "manuscript/article.qmd",
    "project": "manuscript/_quarto.yml",
    "values": "results/values.json",
    "bibliography": "references.bib",
    "bibliography_check": "results/checks/bibliography.txt",
    # no number typed by hand in the prose: checked before anything is rendered
    "numbers_check": "results/checks/numbers.txt",
    # every filter and every static image of the manuscript: editing one re-renders
    # (the renderer's own filters by name, so a deleted one is reported as missing)
    "filters": sorted(
        {str(path) for path in Path("manuscript/filters").glob("*.lua")}
        | {f"manuscript/filters/{name}" for name in quarto.FILTERS}
    ),
    "images": sorted(
        str(path)
        for path in Path("manuscript").rglob("*")
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
    ),
    # runs after citeproc: marks the reference-list entries that are not fully verified
    "reference_filter": "manuscript/filters/reference-status.lua",
    "provenance": "results/provenance/captions.json",
    "appendix": "results/provenance/appendix.md",
    "figures": expand("results/figures/{figure}.svg", figure=FIGURES),
    "tables": expand("results/tables/{table}.md", table=TABLES),
    # The CJK subset that prints the Chinese titles of the reference list (HTML and PDF).
    "fonts": "manuscript/fonts/NotoSerifCJKsc-Subset.otf",
}


rule render_html:
    """Render the manuscript to one self-contained HTML file."""
    input:
        **MANUSCRIPT_INPUTS,
        css="manuscript/style.css",
        code=imported_files("analysis/scripts/render_html.py"),
    output:
        html=report("results/paper.html", category="Paper", labels={"format": "HTML"}),
    log:
        "results/logs/render_html.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=10,
    params:
        renderer=config["renderer"],
    script:
        "../scripts/render_html.py"


rule render_pdf:
    """Render the manuscript to PDF through pandoc's typst writer and typst."""
    input:
        **MANUSCRIPT_INPUTS,
        typst_preamble="manuscript/typst/preamble.typ",
        typst_template="manuscript/typst/template.typ",
        code=imported_files("analysis/scripts/render_pdf.py"),
    output:
        pdf=report("results/paper.pdf", category="Paper", labels={"format": "PDF"}),
    log:
        "results/logs/render_pdf.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=10,
    params:
        renderer=config["renderer"],
    script:
        "../scripts/render_pdf.py"
