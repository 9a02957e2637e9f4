# Stage 5: provenance and the manifest. Included last: it describes every rule defined before it.

STEPS = [
    {
        "rule": step.name,
        "program": program,
        # the package function whose result the step writes (none for a notebook)
        "function": computing_function(program),
        "inputs": [str(path) for path in step.input],
        "outputs": [str(path) for path in step.output],
    }
    for step in workflow.rules
    if step.script
    for program in [
        (
            str(step.input.notebook)
            if "notebook" in step.input.keys()
            else os.path.relpath(
                os.path.join(os.path.dirname(step.snakefile), step.script),
                workflow.basedir,
            )
        )
    ]
]


rule provenance:
    """Record which step made each figure and table from which inputs, for captions and appendix."""
    input:
        artifacts=PUBLISHED_BEFORE_RENDER,
        values="results/values.json",
        value_sources="results/values-sources.json",
        # the coding sheets, for the locator each row behind a value cites
        package="data/datapackage.json",
        sheets=expand("data/raw/{table}.csv", table=RAW_TABLES),
        lock="requirements.lock",
        citation="CITATION.cff",
        code=imported_files("analysis/scripts/provenance.py"),
    output:
        captions="results/provenance/captions.json",
        appendix="results/provenance/appendix.md",
        # the steps as plain data: `make preview` reads which files the render step reads here
        steps="results/provenance/steps.json",
    log:
        "results/logs/provenance.log",
    benchmark:
        "results/logs/benchmarks/provenance.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        steps=STEPS,
        repository_url=config["repository_url"],
    script:
        "../scripts/provenance.py"


# The manifest step also writes the README's map of figures and tables (what `make manifest`
# commits beside the manifest): it has every record the map needs, and runs after every edit,
# so the map's numbers follow the prose without a step of its own in the edit's chain.
rule manifest:
    """Write the manifest of every published file (SHA-256, size, rule, tool versions) and the
    README's map of figures and tables."""
    input:
        artifacts=[
            *PUBLISHED_BEFORE_RENDER,
            # the raster copies Word embeds: recorded so that `make verify` names one that differs
            *expand("results/figures/{figure}.png", figure=FIGURES),
            *PAPER_OUTPUTS,
            "results/provenance/appendix.md",
            *RECEIPTS,
        ],
        lock="requirements.lock",
        # where each figure and table stands in the text gives its number in the map
        manuscript="manuscript/article.qmd",
        code=imported_files("analysis/scripts/manifest.py"),
        sources=BUILD_INPUTS,
    output:
        manifest="results/manifest.json",
        readme_map="results/provenance/readme-map.md",
    log:
        "results/logs/manifest.log",
    benchmark:
        "results/logs/benchmarks/manifest.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        steps=STEPS,
        # the map's rows: the figures, tables and values, not their raster copies or the paper
        mapped=PUBLISHED_BEFORE_RENDER,
    script:
        "../scripts/manifest.py"
