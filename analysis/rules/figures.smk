# Stage 3a: figures, one rule and one script each: SVG for HTML and PDF, PNG for Word.


rule fig_timeline:
    """Draw the dated events 2000-2012 by kind, spans where the date is a span."""
    input:
        events="results/data/events.csv",
        instruments="results/data/instruments.csv",
        code=imported_files("analysis/scripts/fig_timeline.py"),
    output:
        svg=report(
            "results/figures/fig-timeline.svg",
            category="Figures",
            labels={"figure": "fig-timeline"},
        ),
        png="results/figures/fig-timeline.png",
    log:
        "results/logs/fig_timeline.log",
    benchmark:
        "results/logs/benchmarks/fig_timeline.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=5,
    script:
        "../scripts/fig_timeline.py"


rule fig_coexistence:
    """Draw the years the article shows each modality active, against the instruments."""
    input:
        modalities="results/data/modalities.csv",
        instruments="results/data/instruments.csv",
        code=imported_files("analysis/scripts/fig_coexistence.py"),
    output:
        svg=report(
            "results/figures/fig-coexistence.svg",
            category="Figures",
            labels={"figure": "fig-coexistence"},
        ),
        png="results/figures/fig-coexistence.png",
    log:
        "results/logs/fig_coexistence.log",
    benchmark:
        "results/logs/benchmarks/fig_coexistence.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=5,
    script:
        "../scripts/fig_coexistence.py"


rule fig_flows:
    """Draw the knowledge-flow network with its cycles highlighted."""
    input:
        flows="results/data/flows.csv",
        communities="results/data/communities.csv",
        code=imported_files("analysis/scripts/fig_flows.py"),
    output:
        svg=report(
            "results/figures/fig-flows.svg",
            category="Figures",
            labels={"figure": "fig-flows"},
        ),
        png="results/figures/fig-flows.png",
    log:
        "results/logs/fig_flows.log",
    benchmark:
        "results/logs/benchmarks/fig_flows.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=5,
    params:
        flow_network=config["flow_network"],
    script:
        "../scripts/fig_flows.py"
