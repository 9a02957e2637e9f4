# Stage 4: the manuscript, rendered with the configured renderer (config/config.yaml) to HTML and
# PDF, and always with the pinned pandoc to Word (for co-authors) and JATS XML (for journals and
# archives), so that every build yields the same DOCX and JATS.
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
        | {f"manuscript/filters/{name}" for name in quarto.RENDERER_FILTERS}
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


# One step writes the four formats: it parses the manuscript once (pandoc's JSON AST after the
# filters and citeproc) and runs the four writers from it, two at a time. One rule with four
# outputs, not one per format, because the parse is the larger part of the work: a rule per
# format would parse four times, or need a fifth step whose JSON is no deliverable.
rule render:
    """Render the manuscript once to HTML, PDF (typst), Word and JATS XML."""
    input:
        **MANUSCRIPT_INPUTS,
        css="manuscript/style.css",
        typst_preamble="manuscript/typst/preamble.typ",
        typst_template="manuscript/typst/template.typ",
        # Word gets the PNG copy of each figure (manuscript/filters/docx-figures.lua): from an
        # SVG, pandoc would need rsvg-convert, a program outside the lock.
        figures_png=expand("results/figures/{figure}.png", figure=FIGURES),
        code=imported_files("analysis/scripts/render.py"),
    output:
        html=report("results/paper.html", category="Paper", labels={"format": "HTML"}),
        pdf=report("results/paper.pdf", category="Paper", labels={"format": "PDF"}),
        docx="results/paper.docx",
        xml="results/paper.xml",
    log:
        "results/logs/render.log",
    benchmark:
        "results/logs/benchmarks/render.tsv"
    conda:
        "../../environment.yml"
    # the writers run in parallel, two at a time (typst and one pandoc writer)
    threads: 2
    resources:
        mem_mb=4096,
        runtime=10,
    params:
        renderer=config["renderer"],
    script:
        "../scripts/render.py"
