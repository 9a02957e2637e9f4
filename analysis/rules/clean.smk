# Stage 2: cleaning notebooks turn the coding sheets into analysis-ready tables.
# Each notebook is a jupytext percent-format .py; its executed copy is kept for reviewers.


rule clean_dates:
    """Parse coded dates of events and instruments into day intervals with their precision."""
    input:
        notebook="analysis/notebooks/clean_dates.py",
        # the tables it cleans and those they refer to (not the validation report: an edit
        # to another table must not rerun this step; the step validates what it reads)
        tables=raw_tables("events", "instruments", "provisions", "modalities"),
        package="data/datapackage.json",
        bibliography="references.bib",
        code=imported_files(
            "analysis/scripts/run_notebook.py", "analysis/notebooks/clean_dates.py"
        ),
    output:
        events="results/data/events.csv",
        instruments="results/data/instruments.csv",
        provisions="results/data/provisions.csv",
        executed="results/notebooks/clean_dates.ipynb",
    log:
        "results/logs/clean_dates.log",
    benchmark:
        "results/logs/benchmarks/clean_dates.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=5,
    script:
        "../scripts/run_notebook.py"


rule clean_quantities:
    """Parse every quantity as written into bounds with its qualifier."""
    input:
        notebook="analysis/notebooks/clean_quantities.py",
        # the tables it cleans and those they refer to (not the validation report: an edit
        # to another table must not rerun this step; the step validates what it reads)
        tables=raw_tables("indicators", "fieldwork", "cases", "modalities"),
        package="data/datapackage.json",
        bibliography="references.bib",
        code=imported_files(
            "analysis/scripts/run_notebook.py",
            "analysis/notebooks/clean_quantities.py",
        ),
    output:
        indicators="results/data/indicators.csv",
        fieldwork="results/data/fieldwork.csv",
        executed="results/notebooks/clean_quantities.ipynb",
    log:
        "results/logs/clean_quantities.log",
    benchmark:
        "results/logs/benchmarks/clean_quantities.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=5,
    script:
        "../scripts/run_notebook.py"


rule clean_coding:
    """Normalise the coded cases, informants, communities, flows and coverage."""
    input:
        notebook="analysis/notebooks/clean_coding.py",
        # the tables it cleans and those they refer to (not the validation report: an edit
        # to another table must not rerun this step; the step validates what it reads)
        tables=raw_tables(
            "modalities",
            "cases",
            "informants",
            "communities",
            "flows",
            "coverage",
            "provisions",
            "instruments",
        ),
        package="data/datapackage.json",
        bibliography="references.bib",
        code=imported_files(
            "analysis/scripts/run_notebook.py", "analysis/notebooks/clean_coding.py"
        ),
    output:
        modalities="results/data/modalities.csv",
        cases="results/data/cases.csv",
        informants="results/data/informants.csv",
        communities="results/data/communities.csv",
        flows="results/data/flows.csv",
        coverage="results/data/coverage.csv",
        executed="results/notebooks/clean_coding.ipynb",
    log:
        "results/logs/clean_coding.log",
    benchmark:
        "results/logs/benchmarks/clean_coding.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=5,
    script:
        "../scripts/run_notebook.py"
