# Stage 5a: what a journal or an archive takes in: a standard build receipt and a MECA bundle.
# Included before provenance.smk so that the manifest names the rules that made them.


rule receipt:
    """Write the build receipt: an in-toto Statement with a SLSA Provenance predicate."""
    input:
        artifacts=[
            *PUBLISHED_BEFORE_RENDER,
            # the raster copies Word embeds are published too (the manifest lists them)
            *expand("results/figures/{figure}.png", figure=FIGURES),
            *PAPER_OUTPUTS,
            "results/provenance/appendix.md",
        ],
        sources=BUILD_INPUTS,
        lock="requirements.lock",
        code=imported_files("analysis/scripts/receipt.py"),
    output:
        receipt="results/provenance.intoto.json",
    log:
        "results/logs/receipt.log",
    benchmark:
        "results/logs/benchmarks/receipt.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        config=config,
    script:
        "../scripts/receipt.py"


rule meca:
    """Bundle the JATS article, PDF, figures, coded data and receipt as MECA (NISO RP-30)."""
    input:
        jats="results/paper.xml",
        pdf="results/paper.pdf",
        figures=expand("results/figures/{figure}.svg", figure=FIGURES),
        data=expand("results/data/{table}.csv", table=CLEANED_TABLES),
        receipt="results/provenance.intoto.json",
        code=imported_files("analysis/scripts/meca.py"),
    output:
        bundle="results/paper-meca.zip",
    log:
        "results/logs/meca.log",
    benchmark:
        "results/logs/benchmarks/meca.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/meca.py"
