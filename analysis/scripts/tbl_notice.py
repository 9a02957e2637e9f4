"""tbl-notice: the January 2012 notice's stages and self-evaluation form."""

from compendium import derive, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    provisions = derive.read_cleaned(snakemake.input.provisions)
    pipe_tables.write(
        tables.notice(provisions), "tbl-notice", snakemake.input.captions, snakemake.output.table
    )
