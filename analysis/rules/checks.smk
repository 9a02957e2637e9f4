# Stage 1: the sources are checked before anything is built from them.


rule validate_data:
    """Validate every raw table against its schema in data/datapackage.json."""
    input:
        package="data/datapackage.json",
        schemas=expand("data/schemas/{table}.schema.json", table=RAW_TABLES),
        tables=expand("data/raw/{table}.csv", table=RAW_TABLES),
        code=imported_files("analysis/scripts/validate_data.py"),
    output:
        report="results/checks/data-validation.txt",
    log:
        "results/logs/validate_data.log",
    benchmark:
        "results/logs/benchmarks/validate_data.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/validate_data.py"


rule check_bibliography:
    """Parse references.bib and check that every citation in the manuscript has an entry."""
    input:
        bibliography="references.bib",
        manuscript="manuscript/article.qmd",
        code=imported_files("analysis/scripts/check_bibliography.py"),
    output:
        report="results/checks/bibliography.txt",
    log:
        "results/logs/check_bibliography.log",
    benchmark:
        "results/logs/benchmarks/check_bibliography.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/check_bibliography.py"


rule check_numbers:
    """Check that every number in the prose and table captions is written as a value shortcode."""
    input:
        manuscript="manuscript/article.qmd",
        # the authored files the article may include, read in place
        authored=sorted(str(path) for path in Path("manuscript").rglob("*.qmd")),
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/check_numbers.py"),
    output:
        report="results/checks/numbers.txt",
    log:
        "results/logs/check_numbers.log",
    benchmark:
        "results/logs/benchmarks/check_numbers.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/check_numbers.py"


rule check_claims:
    """Check the article's claims (data/claims.yml) against the computed results."""
    input:
        claims="data/claims.yml",
        modalities="results/data/modalities.csv",
        coverage="results/data/coverage.csv",
        instruments="results/data/instruments.csv",
        flows="results/data/flows.csv",
        communities="results/data/communities.csv",
        code=imported_files("analysis/scripts/check_claims.py"),
    output:
        report="results/checks/claims.txt",
    log:
        "results/logs/check_claims.log",
    benchmark:
        "results/logs/benchmarks/check_claims.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        flow_network=config["flow_network"],
    script:
        "../scripts/check_claims.py"
