# Stage 3b: tables as generated Markdown that the manuscript includes. Captions are authored in
# manuscript/captions.yml, next to the prose that cites the tables.


rule tbl_fieldwork:
    """Tabulate the study design: interviews, period, places, groups, methods."""
    input:
        fieldwork="results/data/fieldwork.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_fieldwork.py"),
    output:
        table="results/tables/tbl-fieldwork.md",
    log:
        "results/logs/tbl_fieldwork.log",
    benchmark:
        "results/logs/benchmarks/tbl_fieldwork.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/tbl_fieldwork.py"


rule tbl_modalities:
    """Tabulate the typology of modalities computed from the coded cases."""
    input:
        cases="results/data/cases.csv",
        modalities="results/data/modalities.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_modalities.py"),
    output:
        table="results/tables/tbl-modalities.md",
    log:
        "results/logs/tbl_modalities.log",
    benchmark:
        "results/logs/benchmarks/tbl_modalities.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/tbl_modalities.py"


rule tbl_indicators:
    """Tabulate every quantitative statement with its qualifier, year and source."""
    input:
        indicators="results/data/indicators.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_indicators.py"),
    output:
        table="results/tables/tbl-indicators.md",
    log:
        "results/logs/tbl_indicators.log",
    benchmark:
        "results/logs/benchmarks/tbl_indicators.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/tbl_indicators.py"


rule tbl_pathways:
    """Tabulate the 2010 draft's approval pathways, risk classes and responsible bodies."""
    input:
        provisions="results/data/provisions.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_pathways.py"),
    output:
        table="results/tables/tbl-pathways.md",
    log:
        "results/logs/tbl_pathways.log",
    benchmark:
        "results/logs/benchmarks/tbl_pathways.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/tbl_pathways.py"


rule tbl_notice:
    """Tabulate the January 2012 notice's stages and self-evaluation form items."""
    input:
        provisions="results/data/provisions.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_notice.py"),
    output:
        table="results/tables/tbl-notice.md",
    log:
        "results/logs/tbl_notice.log",
    benchmark:
        "results/logs/benchmarks/tbl_notice.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/tbl_notice.py"


rule tbl_coverage:
    """Tabulate which regulatory instrument addresses which modality, and how."""
    input:
        coverage="results/data/coverage.csv",
        modalities="results/data/modalities.csv",
        instruments="results/data/instruments.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_coverage.py"),
    output:
        table="results/tables/tbl-coverage.md",
    log:
        "results/logs/tbl_coverage.log",
    benchmark:
        "results/logs/benchmarks/tbl_coverage.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/tbl_coverage.py"


rule tbl_robustness:
    """Tabulate each cycle finding under every coding alternative of the config."""
    input:
        flows="results/data/flows.csv",
        communities="results/data/communities.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_robustness.py"),
    output:
        table="results/tables/tbl-robustness.md",
    log:
        "results/logs/tbl_robustness.log",
    benchmark:
        "results/logs/benchmarks/tbl_robustness.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        flow_network=config["flow_network"],
    script:
        "../scripts/tbl_robustness.py"


rule tbl_timeline_key:
    """Tabulate every numbered mark of the timeline: date, row and what happened."""
    input:
        events="results/data/events.csv",
        instruments="results/data/instruments.csv",
        captions="manuscript/captions.yml",
        code=imported_files("analysis/scripts/tbl_timeline_key.py"),
    output:
        table="results/tables/tbl-timeline-key.md",
    log:
        "results/logs/tbl_timeline_key.log",
    benchmark:
        "results/logs/benchmarks/tbl_timeline_key.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    script:
        "../scripts/tbl_timeline_key.py"
