# Confidential data (see tooling/privacy.py and data/README.md, "Confidential data").
# data/restricted/ is optional and never committed; only `pseudonymise` passes what it holds
# downstream, and `check_leaks` proves after every build that none of it reached an output.

RESTRICTED = "data/restricted"
RESTRICTED_FILES = sorted(
    str(path) for path in Path(RESTRICTED).rglob("*") if path.is_file()
)
LEAK_REPORT = "results/checks/leaks.txt"


rule pseudonymise:
    """Replace every sensitive value of data/restricted/ by a code; record if there is none."""
    input:
        restricted=RESTRICTED_FILES,
        code=imported_files("analysis/scripts/pseudonymise.py"),
    output:
        tables=directory("results/pseudonymised"),
        report="results/checks/pseudonymisation.txt",
    log:
        "results/logs/pseudonymise.log",
    benchmark:
        "results/logs/benchmarks/pseudonymise.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        # the directory itself, for the report: its files may be none
        restricted=RESTRICTED,
    script:
        "../scripts/pseudonymise.py"


rule check_leaks:
    """Scan every file under results/ for every sensitive value; fail the build on a hit."""
    input:
        # What `rule all` delivers, except this check: it runs after all of it.
        built=lambda wildcards: [
            path for path in rules.all.input if path != LEAK_REPORT
        ],
        pseudonymisation="results/checks/pseudonymisation.txt",
        restricted=RESTRICTED_FILES,
        code=imported_files("analysis/scripts/check_leaks.py"),
    output:
        report=LEAK_REPORT,
    log:
        "results/logs/check_leaks.log",
    benchmark:
        "results/logs/benchmarks/check_leaks.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    params:
        restricted=RESTRICTED,
    script:
        "../scripts/check_leaks.py"
