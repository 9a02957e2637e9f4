# Stage 3c: every number and date the prose states, under stable keys.


rule values:
    """Collect the values the prose cites into results/values.json."""
    input:
        fieldwork="results/data/fieldwork.csv",
        events="results/data/events.csv",
        instruments="results/data/instruments.csv",
        provisions="results/data/provisions.csv",
        cases="results/data/cases.csv",
        indicators="results/data/indicators.csv",
        modalities="results/data/modalities.csv",
        flows="results/data/flows.csv",
        communities="results/data/communities.csv",
        informants="results/data/informants.csv",
        code=imported_files("analysis/scripts/values.py"),
    output:
        values="results/values.json",
        sources="results/values-sources.json",
    log:
        "results/logs/values.log",
    benchmark:
        "results/logs/benchmarks/values.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        flow_network=config["flow_network"],
    script:
        "../scripts/values.py"
