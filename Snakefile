# The paper, as a table of contents: what it is made of, stage by stage.
# Each stage's rules live in analysis/rules/; `make help` lists the verbs that run them.

import sys

from snakemake.utils import min_version

# This tree's packages first (also in a temporary copy): the installed path names another.
sys.path.insert(0, workflow.basedir)

from tooling import settings
from tooling.dependencies import package_tables
from tooling.steps import missing_sources, stop_on_error

min_version("9.0")

# The settings (config/config.yaml, validated by config/config.schema.yaml; `--config` overrides),
# and whether the renderer they choose can run here: before any job runs.
with stop_on_error():
    config.update(
        settings.load("config/config.yaml", "config/config.schema.yaml", config)
    )

# The coded tables of data/raw/, as listed in data/datapackage.json; each is cleaned into
# results/data/ and published with the paper.
RAW_TABLES = package_tables("data/datapackage.json")
CLEANED_TABLES = RAW_TABLES

# The paper as readers receive it.
PAPER_OUTPUTS = [
    "results/paper.html",
    "results/paper.pdf",
    "results/paper.docx",
    "results/paper.xml",
]

# For journals and archives: the standard build receipt and the MECA submission bundle.
RECEIPTS = ["results/provenance.intoto.json", "results/paper-meca.zip"]


# Every rule declares what a cluster scheduler needs (profiles/, README "Running on a cluster"):
# `threads: 1`, except the render step, whose writers run two at a time; `mem_mb`, about four times the peak memory
# Snakemake's `benchmark:` recorded for the step in a clean build; `runtime` in minutes, well
# above the longest run seen on two busy cores.
include: "analysis/rules/common.smk"
# 1. Check the sources: the coded data against their schemas, the bibliography against the text.
include: "analysis/rules/checks.smk"
# 2. Clean the data coded from the article (notebooks; executed copies in results/notebooks/).
include: "analysis/rules/clean.smk"
# 3. Analyse: figures, tables and the values the prose cites.
include: "analysis/rules/figures.smk"
include: "analysis/rules/tables.smk"


# What the paper shows, as the rules above make it: each name is the label in the manuscript,
# the rule, the script and the file under results/ (style: one name through the whole chain).
FIGURES = artifact_names("results/figures/")
TABLES = artifact_names("results/tables/")

# What a reader or reviewer receives besides the paper: every figure, table, value and cleaned
# table (the paper is rendered from them).
PUBLISHED_BEFORE_RENDER = [
    *expand("results/figures/{figure}.svg", figure=FIGURES),
    *expand("results/tables/{table}.md", table=TABLES),
    "results/values.json",
    *expand("results/data/{table}.csv", table=CLEANED_TABLES),
]


include: "analysis/rules/values.smk"
# 4. Render the manuscript to HTML and PDF, DOCX (for co-authors) and JATS XML (for journals).
include: "analysis/rules/manuscript.smk"
# 5a. For journals and archives: the build receipt (in-toto/SLSA) and the MECA bundle.
include: "analysis/rules/receipts.smk"
# 5. Provenance of every artifact and the manifest a reviewer verifies against (`make verify`).
include: "analysis/rules/provenance.smk"
# 6. Confidential data: pseudonymised on the way in, and no value of it in any output.
include: "analysis/rules/privacy.smk"


# Every source a step reads must exist before anything runs: one line per missing file.
with stop_on_error():
    if problem := missing_sources(
        {step.name: list(step.input) for step in workflow.rules}
    ):
        raise problem


rule all:
    default_target: True
    input:
        PAPER_OUTPUTS,
        "results/manifest.json",
        "results/checks/leaks.txt",
        "results/checks/data-validation.txt",
        "results/checks/claims.txt",
