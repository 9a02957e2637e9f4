"""tbl-modalities: the typology computed from the coded cases."""

from compendium import derive, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    cases = derive.read_cleaned(snakemake.input.cases)
    modalities = derive.read_cleaned(snakemake.input.modalities)
    pipe_tables.write(
        tables.modalities(cases, modalities),
        "tbl-modalities",
        snakemake.input.captions,
        snakemake.output.table,
    )
