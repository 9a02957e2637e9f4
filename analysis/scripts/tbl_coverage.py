"""tbl-coverage: modalities × regulatory instruments."""

from compendium import derive, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    coverage = derive.read_cleaned(snakemake.input.coverage)
    modalities = derive.read_cleaned(snakemake.input.modalities)
    instruments = derive.read_cleaned(snakemake.input.instruments)
    pipe_tables.write(
        tables.coverage(coverage, modalities, instruments),
        "tbl-coverage",
        snakemake.input.captions,
        snakemake.output.table,
    )
