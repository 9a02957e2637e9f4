"""tbl-indicators: every quantitative statement."""

from compendium import derive, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    indicators = derive.read_cleaned(snakemake.input.indicators)
    pipe_tables.write(
        tables.indicators(indicators),
        "tbl-indicators",
        snakemake.input.captions,
        snakemake.output.table,
    )
