"""tbl-fieldwork: the study design."""

from compendium import derive, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    fieldwork = derive.read_cleaned(snakemake.input.fieldwork)
    pipe_tables.write(
        tables.fieldwork(fieldwork),
        "tbl-fieldwork",
        snakemake.input.captions,
        snakemake.output.table,
    )
