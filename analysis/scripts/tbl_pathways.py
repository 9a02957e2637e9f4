"""tbl-pathways: the 2010 draft's approval pathways."""

from compendium import derive, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    provisions = derive.read_cleaned(snakemake.input.provisions)
    pipe_tables.write(
        tables.pathways(provisions),
        "tbl-pathways",
        snakemake.input.captions,
        snakemake.output.table,
    )
